//! Output: the one printer. [`Printer`] is the only code that knows the output mode, colour and
//! terminals, and the only code that writes to stdout or stderr. It renders a command's
//! [`Outcome`](crate::report::Outcome) as one of three views of its report: human text, redis-cli 7.0's
//! exact lines and streams, or one JSON document (`docs/json.md`); and it shows the events a command
//! sends while it runs (progress, warnings, hints) on stderr.
//!
//! [`render`] holds the text renderers of every report (one file per command), [`progress`] the slot
//! move display, [`prompt`] the consent questions. Built once by `crate::cli`, which hands it to every
//! command as its [`Reporter`](crate::report::Reporter).

pub mod errors;
pub mod human;
pub mod metrics;
pub mod printer;
pub mod progress;
pub mod prompt;
pub mod render;
pub mod watch;

pub use crate::report::{Level, Line, Stream};
pub use printer::{Captured, EventsFormat, Mode, Printer};

use std::io::Write;

/// `line` with its level's colour (as redis-cli colours its log levels) when `color`.
fn paint(line: &Line, color: bool) -> String {
    let style = match line.level {
        _ if !color => return line.text.clone(),
        Level::Plain => return line.text.clone(),
        Level::Info => console::Style::new().bold(),
        Level::Warn => console::Style::new().yellow().bold(),
        Level::Err => console::Style::new().red().bold(),
        Level::Success => console::Style::new().green().bold(),
    };
    style.force_styling(true).apply_to(&line.text).to_string()
}

/// Set once a write to stdout failed (`| head` closed the pipe): output is silenced from then on.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether stdout can no longer be written to.
fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Writes to stdout; after any failed write (a closed pipe) every later write is skipped. Never exits
/// the process: the command ends its work and returns its own exit code.
fn write_stdout(text: &str) {
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

/// Writes to stderr; a failed write is ignored (there is nowhere left to say it).
fn write_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|_| stderr.flush());
}
