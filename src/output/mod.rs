//! Output: where lines go and how they look. stdout carries data (reports, tables, JSON); stderr carries
//! progress, warnings and hints, and stays silent in redis-cli syntax. Colour only on a terminal, never
//! with `NO_COLOR` or `--no-color`.
//!
//! [`human`] renders reports as text (redis-cli's `>>>`/`[OK]`/`[ERR]`/`[WARNING]` lines), [`json`]
//! serialises the same report structs.

pub mod human;
pub mod json;
pub mod progress;
pub mod prompt;

use std::io::{IsTerminal, Write};

/// The kind of a line, which decides its colour (as redis-cli colours its log levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Node listings and figures: never coloured.
    Plain,
    /// `>>>` step headers (bold).
    Info,
    /// `***` notices (yellow).
    Warn,
    /// `[ERR]` and the open-slot `[WARNING]` lines (red).
    Err,
    /// `[OK]` lines (green).
    Success,
}

/// One line of human output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub level: Level,
    pub text: String,
}

impl Line {
    pub fn new(level: Level, text: impl Into<String>) -> Line {
        Line {
            level,
            text: text.into(),
        }
    }
}

/// Output settings for one run.
#[derive(Debug, Clone)]
pub struct Output {
    pub json: bool,
    /// redis-cli syntax: redis-cli's streams, nothing extra on stderr.
    pub compat: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub color: bool,
}

impl Output {
    /// Colour when stdout is a terminal, `NO_COLOR` is unset and `--no-color` was not given.
    pub fn new(json: bool, compat: bool, quiet: bool, verbose: u8, no_color: bool) -> Output {
        let color = !no_color
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::io::stdout().is_terminal();
        Output {
            json,
            compat,
            quiet,
            verbose,
            color,
        }
    }

    /// Prints lines to stdout.
    pub fn print_lines(&self, lines: &[Line]) {
        let mut text = String::new();
        for line in lines {
            text.push_str(&self.paint(line));
            text.push('\n');
        }
        write_stdout(&text);
    }

    fn paint(&self, line: &Line) -> String {
        if !self.color {
            return line.text.clone();
        }
        let style = match line.level {
            Level::Plain => return line.text.clone(),
            Level::Info => console::Style::new().bold(),
            Level::Warn => console::Style::new().yellow().bold(),
            Level::Err => console::Style::new().red().bold(),
            Level::Success => console::Style::new().green().bold(),
        };
        style.force_styling(true).apply_to(&line.text).to_string()
    }

    /// A hint or warning for a person: stderr, unless quiet, JSON-only or in redis-cli syntax.
    pub fn hint(&self, text: &str) {
        if !self.quiet && !self.compat {
            eprintln!("{text}");
        }
    }
}

/// Set once a write to stdout failed (`| head` closed the pipe): output is silenced from then on.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether stdout can no longer be written to. A slot move seeing this stops starting new windows
/// (the ones in flight finish), so a closed pipe never leaves a slot open.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Writes to stdout; after any failed write (a closed pipe) every later write is skipped. Never exits
/// the process: the command ends its work and returns its own exit code.
pub fn write_stdout(text: &str) {
    if stdout_closed() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
    if written.is_err() {
        STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}
