//! [`Printer`]: renders outcomes and errors in the chosen [`Mode`] and shows events. Every write to a
//! stream in rcluster goes through here.

use super::render::RenderOptions;
use super::{Level, Line, Stream, write_stderr, write_stdout};
use crate::report::{Event, Outcome, Reporter};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

/// The view of every report, chosen once from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// rcluster's own text: results on stdout, progress, warnings and hints on stderr.
    Human,
    /// redis-cli 7.0's lines, each on the stream redis-cli writes it to; nothing else.
    RedisCli,
    /// One JSON document on stdout, on success and on failure alike.
    Json,
}

/// How events are shown on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventsFormat {
    /// Text for a person (a progress bar on a terminal).
    Text,
    /// One JSON object per line (NDJSON).
    Json,
}

/// The JSON document's version (`docs/json.md`).
pub const JSON_SCHEMA: u32 = 1;

/// The one printer of a run.
pub struct Printer {
    mode: Mode,
    events: EventsFormat,
    options: RenderOptions,
    color: bool,
    moves: super::progress::MoveDisplay,
    sink: Sink,
    /// With `--json`: a stream of documents was printed (NDJSON), so the end prints no second,
    /// pretty document unless it has something to say.
    streamed: std::sync::atomic::AtomicBool,
}

/// Where a printer writes: the process's stdout and stderr, or a buffer ([`Printer::capturing`]).
enum Sink {
    Streams,
    Buffer(Arc<Mutex<Captured>>),
}

/// What a capturing printer wrote, stream by stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
}

impl Printer {
    /// Colour when stdout is a terminal, `NO_COLOR` is unset and `--no-color` was not given.
    pub fn new(
        mode: Mode,
        events: EventsFormat,
        quiet: bool,
        verbose: u8,
        no_color: bool,
    ) -> Printer {
        let color = !no_color
            && mode != Mode::Json
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::io::stdout().is_terminal();
        let bar = mode == Mode::Human
            && events == EventsFormat::Text
            && !quiet
            && std::io::stderr().is_terminal();
        Printer {
            mode,
            events,
            options: RenderOptions { quiet, verbose },
            color,
            moves: super::progress::MoveDisplay::new(bar),
            sink: Sink::Streams,
            streamed: Default::default(),
        }
    }

    /// A printer that writes into a buffer instead of stdout and stderr, with no colour and no
    /// progress bar: what the binary would print, for tests ([`Printer::captured`] reads it).
    pub fn capturing(mode: Mode, events: EventsFormat, options: RenderOptions) -> Printer {
        Printer {
            mode,
            events,
            options,
            color: false,
            moves: super::progress::MoveDisplay::new(false),
            sink: Sink::Buffer(Arc::default()),
            streamed: Default::default(),
        }
    }

    /// What a [capturing](Printer::capturing) printer has written so far (empty for a printer
    /// that writes to the streams).
    pub fn captured(&self) -> Captured {
        match &self.sink {
            Sink::Streams => Captured::default(),
            Sink::Buffer(buffer) => lock(buffer).clone(),
        }
    }

    fn write_out(&self, text: &str) {
        match &self.sink {
            Sink::Streams => write_stdout(text),
            Sink::Buffer(buffer) => lock(buffer).stdout.push_str(text),
        }
    }

    fn write_err(&self, text: &str) {
        match &self.sink {
            Sink::Streams => write_stderr(text),
            Sink::Buffer(buffer) => lock(buffer).stderr.push_str(text),
        }
    }

    /// Prints a command's outcome: its report in the mode's view.
    pub fn print_outcome(&self, command: &str, outcome: &Outcome) {
        match self.mode {
            Mode::Json => {
                let report = outcome.report.to_json();
                let ok = outcome.exit == crate::error::Exit::Ok;
                if self.streamed() && ok && report.is_null() {
                    return; // the stream said it all
                }
                self.print_json(&envelope(command, ok, report, None));
            }
            Mode::Human => self.print_lines(&outcome.report.human(&self.options)),
            Mode::RedisCli => self.print_lines(&outcome.report.redis_cli(&self.options)),
        }
    }

    /// Prints an error, once: a JSON document with `ok: false`, or one line on stderr.
    pub fn print_error(&self, command: &str, error: &anyhow::Error) {
        match self.mode {
            Mode::Json => {
                let detail = serde_json::json!({
                    "kind": super::errors::kind_of(error),
                    "message": format!("{error:#}"),
                });
                let document = envelope(command, false, serde_json::json!({}), Some(detail));
                self.print_json(&document);
                if self.events == EventsFormat::Text {
                    self.write_err(&format!("rcluster: error: {error:#}\n"));
                }
            }
            Mode::Human => self.write_err(&format!("rcluster: error: {error:#}\n")),
            Mode::RedisCli => self.print_lines(&redis_cli_error(error)),
        }
    }

    /// Prints text that is already in its final form (help, a completion script) on stdout.
    pub fn print_raw(&self, text: &str) {
        self.write_out(text);
    }

    /// Prints a warning on stderr in every mode (redis-cli's password warning).
    pub fn print_warning(&self, text: &str) {
        self.write_err(&format!("{text}\n"));
    }

    /// Prints a usage message on stderr (or, with `--json`, a usage error document).
    pub fn print_usage_error(&self, command: &str, message: &str) {
        if self.mode == Mode::Json {
            let detail = serde_json::json!({ "kind": "usage", "message": message.trim_end() });
            self.print_json(&envelope(
                command,
                false,
                serde_json::json!({}),
                Some(detail),
            ));
        }
        self.write_err(&format!("{}\n", message.trim_end()));
    }

    fn streamed(&self) -> bool {
        self.streamed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Pretty, or one line once a stream of documents began (NDJSON).
    fn print_json(&self, document: &serde_json::Value) {
        let text = if self.streamed() {
            serde_json::to_string(document)
        } else {
            serde_json::to_string_pretty(document)
        };
        match text {
            Ok(text) => self.write_out(&(text + "\n")),
            Err(error) => self.write_err(&format!(
                "rcluster: error: cannot serialise the report: {error}\n"
            )),
        }
    }

    /// Prints rendered lines, each on its own stream.
    pub(super) fn print_lines(&self, lines: &[Line]) {
        let mut out = String::new();
        for line in lines {
            match line.stream {
                Stream::Stdout => {
                    out.push_str(&self.paint(line));
                    out.push('\n');
                }
                Stream::Stderr => {
                    self.write_out(&std::mem::take(&mut out));
                    self.write_err(&format!("{}\n", line.text));
                }
            }
        }
        self.write_out(&out);
    }

    fn paint(&self, line: &Line) -> String {
        super::paint(line, self.color)
    }

    fn text_event(&self, event: Event<'_>) {
        let quiet = self.options.quiet;
        match (self.mode, event) {
            (Mode::Json, Event::Section(_)) => {}
            // -q: only errors and the final result; a section is neither.
            (Mode::Human, Event::Section(_)) if quiet => {}
            (_, Event::Section(report)) => {
                let lines = match self.mode {
                    Mode::RedisCli => report.redis_cli(&self.options),
                    _ => report.human(&self.options),
                };
                self.print_lines(&lines);
            }
            (Mode::RedisCli, Event::Step(text)) => {
                self.print_lines(&[Line::new(Level::Info, format!(">>> {text}"))]);
            }
            (Mode::RedisCli, Event::Notice(text)) => {
                self.print_lines(&[Line::new(Level::Warn, text)]);
            }
            (Mode::RedisCli, Event::Warning(_) | Event::Hint(_)) => {}
            (Mode::Human, Event::Notice(text)) if !quiet => {
                self.moves.suspend(|| self.write_err(&format!("{text}\n")));
            }
            (_, Event::Step(text)) if !quiet && self.mode == Mode::Human => {
                self.moves
                    .suspend(|| self.write_err(&format!(">>> {text}\n")));
            }
            (_, Event::Warning(text)) if !quiet => {
                self.moves.suspend(|| self.write_err(&format!("{text}\n")));
            }
            (_, Event::Hint(text)) if !quiet => {
                self.moves.suspend(|| self.write_err(&format!("{text}\n")));
            }
            (mode, Event::MovesStarted(start)) => self.moves.start(start, mode),
            (mode, Event::SlotMoved(moved)) => {
                if let Some(line) =
                    self.moves
                        .slot_moved(moved, mode, self.options.verbose > 0 && !quiet)
                {
                    self.print_lines(&[line]);
                }
            }
            (mode, Event::TaskPhase(task)) if !quiet => {
                if let Some(line) = self.moves.task_phase(task, mode, self.options.verbose > 0) {
                    self.print_lines(&[line]);
                }
            }
            (mode, Event::Latency(progress)) if !quiet => {
                if let Some(line) = self.moves.latency(progress, mode, self.options.verbose > 0) {
                    self.print_lines(&[line]);
                }
            }
            (_, Event::MovesFinished | Event::TransferFinished { .. }) => self.moves.finish(),
            (mode, Event::Transfer { what, done, total }) if !quiet => {
                self.moves.transfer(what, done, total, mode)
            }
            _ => {}
        }
    }
}

impl Reporter for Printer {
    fn event(&self, event: Event<'_>) {
        if let Event::Snapshot { command, report } = event {
            if self.mode == Mode::Json {
                self.streamed
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                self.print_json(&envelope(command, true, report.to_json(), None));
            } else {
                self.text_event(Event::Section(report));
            }
            return;
        }
        if self.events == EventsFormat::Json {
            if let Event::Section(_) = event {
                if self.mode != Mode::Json {
                    self.text_event(event);
                }
                return;
            }
            if let Some(record) = event.to_json() {
                self.write_err(&format!("{record}\n"));
            }
            return;
        }
        self.text_event(event);
    }

    fn confirm(&self, question: &str) -> bool {
        super::prompt::confirm(self.mode == Mode::RedisCli, question)
    }

    fn read_answer(&self, prompt: &str) -> Option<String> {
        super::prompt::read_answer(self.mode == Mode::RedisCli, prompt)
    }

    fn read_password(&self, prompt: &str) -> std::io::Result<String> {
        rpassword::prompt_password(prompt)
    }

    fn output_closed(&self) -> bool {
        super::stdout_closed()
    }
}

fn lock(buffer: &Mutex<Captured>) -> std::sync::MutexGuard<'_, Captured> {
    buffer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `{"schema": 1, "command": ..., "ok": ..., <the report's fields>, "error": ...}`.
pub(super) fn envelope(
    command: &str,
    ok: bool,
    report: serde_json::Value,
    error: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut document = serde_json::Map::new();
    document.insert("schema".into(), JSON_SCHEMA.into());
    document.insert("command".into(), command.into());
    document.insert("ok".into(), ok.into());
    match report {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                if !matches!(key.as_str(), "schema" | "command" | "ok" | "error") {
                    document.insert(key, value);
                }
            }
        }
        serde_json::Value::Null => {}
        other => {
            document.insert("result".into(), other);
        }
    }
    document.insert("error".into(), error.unwrap_or(serde_json::Value::Null));
    serde_json::Value::Object(document)
}

/// An error as redis-cli words it, on redis-cli's stream; where redis-cli's words are on stdout,
/// rcluster's own message (what to do) follows on stderr.
fn redis_cli_error(error: &anyhow::Error) -> Vec<Line> {
    use crate::error::UsageError;
    use crate::exec::create::CreateError;
    use crate::net::NetError;
    let with_advice = |words: String| {
        vec![
            Line::new(Level::Err, words),
            Line::stderr(Level::Plain, format!("rcluster: {error:#}")),
        ]
    };
    if error.downcast_ref::<crate::net::AddressError>().is_some() {
        return vec![Line::stderr(
            Level::Err,
            "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)",
        )];
    }
    if let Some(unknown) = error.downcast_ref::<crate::error::UnknownMaster>() {
        return vec![Line::new(Level::Plain, unknown.to_string())];
    }
    if let Some(UsageError(message)) = error.downcast_ref::<UsageError>() {
        return vec![Line::stderr(Level::Plain, message.clone())];
    }
    if let Some(CreateError::NotEmpty { address, .. }) = error.downcast_ref::<CreateError>() {
        return with_advice(format!(
            "[ERR] Node {address} is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0."
        ));
    }
    match super::errors::find_net_error(error) {
        Some(net @ NetError::Connect { address, .. }) => {
            let reason = net.hiredis_reason().unwrap_or_default();
            vec![Line::stderr(
                Level::Plain,
                format!("Could not connect to Redis at {address}: {reason}"),
            )]
        }
        Some(NetError::NotCluster { address }) => with_advice(format!(
            "[ERR] Node {address} is not configured as a cluster node."
        )),
        Some(NetError::Auth {
            address, reason, ..
        }) if reason.starts_with("NOAUTH") => with_advice(format!("[ERR] Node {address} {reason}")),
        Some(NetError::Auth {
            address, reason, ..
        }) => with_advice(format!("Node {address} replied with error:\n{reason}")),
        _ => vec![Line::stderr(Level::Plain, format!("[ERR] {error:#}"))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_keeps_its_own_fields() {
        let document = envelope(
            "check",
            true,
            serde_json::json!({ "ok": false, "nodes": [], "error": "x" }),
            None,
        );
        assert_eq!(document["schema"], 1);
        assert_eq!(document["command"], "check");
        assert_eq!(document["ok"], true);
        assert!(document["error"].is_null());
        assert!(document["nodes"].is_array());
    }

    #[test]
    fn a_non_object_report_goes_under_result() {
        let document = envelope("x", false, serde_json::json!([1]), None);
        assert_eq!(document["result"][0], 1);
    }
}
