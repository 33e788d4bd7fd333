//! TEMPORARY: the old per-command output settings, kept only while commands move to reports. Removed
//! when the last command returns an `Outcome`.

use super::Line;
use std::io::IsTerminal;

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
        super::write_stdout(&text);
    }

    fn paint(&self, line: &Line) -> String {
        super::paint(line, self.color)
    }

    /// A hint or warning for a person: stderr, unless quiet, JSON-only or in redis-cli syntax.
    pub fn hint(&self, text: &str) {
        if !self.quiet && !self.compat {
            eprintln!("{text}");
        }
    }
}

pub fn write_stdout(text: &str) {
    super::write_stdout(text)
}
pub fn stdout_closed() -> bool {
    super::stdout_closed()
}

/// The running command's name, for the envelope of the old commands' JSON documents.
pub static COMMAND: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

pub mod json {
    use serde::Serialize;
    /// Prints `value` as pretty JSON on stdout, inside the envelope of docs/json.md.
    pub fn print_json<T: Serialize>(value: &T) {
        let report = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        let ok = report.get("ok").and_then(|v| v.as_bool()).unwrap_or(true);
        let command = super::COMMAND.get().copied().unwrap_or("");
        let value = super::super::printer::envelope(command, ok, report, None);
        match serde_json::to_string_pretty(&value) {
            Ok(text) => super::super::write_stdout(&(text + "\n")),
            Err(error) => eprintln!("rcluster: cannot serialise the report: {error}"),
        }
    }
}

/// Old prompt functions over the legacy settings.
pub mod prompt {
    pub fn confirm(output: &super::Output, question: &str) -> bool {
        super::super::prompt::confirm(output.compat, question)
    }
    pub fn ask(output: &super::Output, prompt: &str) -> bool {
        read_answer(output, prompt).is_some_and(|answer| answer.starts_with("yes"))
    }
    pub fn read_answer(output: &super::Output, prompt: &str) -> Option<String> {
        super::super::prompt::read_answer(output.compat, prompt)
    }
}
