//! What commands give back, and what they say while they run. Every command's `run` returns an
//! [`Outcome`]: a report (plain data, `Serialize`) and an exit status. Long-running commands also send
//! typed [`Event`]s to a [`Reporter`], and ask for consent through it. Commands never write to a stream:
//! the one printer (`output::Printer`) implements [`Reporter`] and renders every report as the
//! human, redis-cli or JSON view (`output::render`).
//!
//! Called by every command (`commands/`), by the slot-move engine (`crate::exec::migrate`) for
//! its per-slot events, and by `crate::cli`, which hands the outcome to the printer.

use crate::error::Exit;
use serde::Serialize;

pub mod latency;
mod recorder;
pub use latency::{LatencyFigures, LatencyProgress, PhaseLatency, Redirects};
pub use recorder::{Recorded, Recorder};

/// A report: its JSON view comes from `Serialize`, its text views from [`Render`].
pub trait Report: Render + Send + Sync {
    /// The report as a JSON value (an object: its fields go into the document beside `ok`).
    fn to_json(&self) -> serde_json::Value;
}

impl<T: Render + Serialize + Send + Sync> Report for T {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|error| {
            serde_json::json!({ "report_error": format!("cannot serialise the report: {error}") })
        })
    }
}

/// How a command ended: its report and exit status.
pub struct Outcome {
    pub report: Box<dyn Report>,
    pub exit: Exit,
}

impl Outcome {
    pub fn new(report: impl Report + 'static, exit: Exit) -> Outcome {
        Outcome {
            report: Box::new(report),
            exit,
        }
    }

    /// `Exit::Ok` when `clean`, else `Exit::Problems`.
    pub fn clean_if(report: impl Report + 'static, clean: bool) -> Outcome {
        Outcome::new(report, Exit::from_clean(clean))
    }
}

/// One slot moved (or found already moved).
#[derive(Debug, Clone, Serialize)]
pub struct SlotMoved {
    pub slot: u16,
    /// `host:port` of the node that gave the slot.
    pub source: String,
    /// `host:port` of the node that received it.
    pub target: String,
    pub keys: u64,
}

/// A server-side migration task entered a phase (Redis 8.4+ `CLUSTER MIGRATION`): `snapshot`,
/// `stream`, `handoff` or `trim`.
#[derive(Debug, Clone, Serialize)]
pub struct TaskPhase {
    /// The id both sides know the task by.
    pub id: String,
    /// `host:port` of the node giving the slots.
    pub source: String,
    /// `host:port` of the node receiving them.
    pub target: String,
    pub slot_count: usize,
    pub phase: &'static str,
    /// Keys of the task's slots, counted on the source before the run's first task.
    pub keys: u64,
    /// Slots of the run settled so far, of `slots_total`.
    pub slots_done: usize,
    pub slots_total: usize,
    /// Seconds until the run's last task settles, from the keys counted before and the rate of
    /// the tasks settled so far (`None` until one has: the servers report no per-key progress).
    pub eta_seconds: Option<f64>,
}

/// What a run of slot moves is, for its progress display.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MovesStart {
    pub slots: usize,
    /// redis-cli prints `Moving slot N from A to B: ...` per slot (reshard) or nothing (rebalance).
    pub per_slot_lines: bool,
}

/// Something a command says while it runs. The printer decides where it goes: progress, warnings and
/// hints go to stderr (or nowhere in redis-cli syntax); a section is printed on stdout at once in the
/// text views, and is part of the final report in JSON.
pub enum Event<'a> {
    /// A phase begins (`>>> text`).
    Step(&'a str),
    /// A part of the report that is known before the command ends (the check before a reshard, a
    /// plan before its prompt). Not printed in JSON: the final report carries it.
    Section(&'a dyn Report),
    /// One document of a stream (`watch`'s snapshot every interval): with `--json` one line of
    /// NDJSON on stdout in the envelope of `command`; otherwise shown like a section.
    Snapshot {
        command: &'a str,
        report: &'a dyn Report,
    },
    /// Slot moves begin.
    MovesStarted(MovesStart),
    /// One slot moved.
    SlotMoved(&'a SlotMoved),
    /// A server-side task entered a phase.
    TaskPhase(&'a TaskPhase),
    /// What the observing client sees (`--observe`): after the baseline, then about once a second
    /// while slots move.
    Latency(&'a LatencyProgress),
    /// Slot moves ended (the progress bar goes away).
    MovesFinished,
    /// A transfer ended (its progress bar goes away).
    TransferFinished { what: &'a str },
    /// A transfer progressed (bytes of a backup, keys of an import or restore): `done` of `total`
    /// when known.
    Transfer {
        what: &'a str,
        done: u64,
        total: Option<u64>,
    },
    /// A line redis-cli prints on stdout while it works (`*** Importing 10 keys from DB 0`): stdout in
    /// redis-cli syntax, stderr in the human view, nowhere in JSON.
    Notice(&'a str),
    /// Something went wrong or may surprise; the command goes on.
    Warning(&'a str),
    /// Advice for the person at the terminal: what to run next.
    Hint(&'a str),
}

impl Event<'_> {
    /// The event as one NDJSON record (`--events json`); `None` for sections.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        use serde_json::json;
        Some(match self {
            Event::Step(text) => json!({ "event": "step", "text": text }),
            Event::Section(_) | Event::Snapshot { .. } => return None,
            Event::MovesStarted(start) => {
                json!({ "event": "moves_started", "slot_count": start.slots })
            }
            Event::SlotMoved(moved) => {
                json!({ "event": "slot_moved", "slot": moved.slot, "source": moved.source, "target": moved.target, "keys": moved.keys })
            }
            Event::TaskPhase(task) => {
                json!({ "event": "task_phase", "id": task.id, "source": task.source, "target": task.target, "slot_count": task.slot_count, "phase": task.phase, "keys": task.keys, "slots_done": task.slots_done, "slots_total": task.slots_total, "eta_seconds": task.eta_seconds })
            }
            Event::Latency(progress) => {
                let mut record = json!({ "event": "latency" });
                if let (Some(record), Ok(serde_json::Value::Object(fields))) =
                    (record.as_object_mut(), serde_json::to_value(progress))
                {
                    record.extend(fields);
                }
                record
            }
            Event::MovesFinished => json!({ "event": "moves_finished" }),
            Event::TransferFinished { what } => {
                json!({ "event": "transfer_finished", "what": what })
            }
            Event::Transfer { what, done, total } => {
                json!({ "event": "transfer", "what": what, "done": done, "total": total })
            }
            Event::Notice(text) => json!({ "event": "notice", "text": text }),
            Event::Warning(text) => json!({ "event": "warning", "text": text }),
            Event::Hint(text) => json!({ "event": "hint", "text": text }),
        })
    }
}

/// Where a command's events and questions go. The printer implements it; tests use a [`Recorder`].
pub trait Reporter: Send + Sync {
    /// Shows an event.
    fn event(&self, event: Event<'_>);

    /// Asks `question` (yes/no); only an answer starting with `yes` accepts.
    fn confirm(&self, question: &str) -> bool;

    /// Shows `prompt` as it is and reads one line; `None` when stdin is closed.
    fn read_answer(&self, prompt: &str) -> Option<String>;

    /// Shows `prompt` and reads a password from the terminal without echo.
    fn read_password(&self, prompt: &str) -> std::io::Result<String>;

    /// Whether stdout can no longer be written (a closed pipe): a slot move then starts no new
    /// window, so a closed pipe never leaves a slot open.
    fn output_closed(&self) -> bool;

    /// Shorthand for [`Event::Step`].
    fn step(&self, text: &str) {
        self.event(Event::Step(text));
    }

    /// Shorthand for [`Event::Notice`].
    fn notice(&self, text: &str) {
        self.event(Event::Notice(text));
    }

    /// Shorthand for [`Event::Warning`].
    fn warn(&self, text: &str) {
        self.event(Event::Warning(text));
    }

    /// Shorthand for [`Event::Hint`].
    fn hint(&self, text: &str) {
        self.event(Event::Hint(text));
    }

    /// Shorthand for [`Event::Section`].
    fn section(&self, report: &dyn Report) {
        self.event(Event::Section(report));
    }
}

/// A reporter that shows nothing and accepts nothing (work done outside any command's view).
pub struct Silent;

impl Reporter for Silent {
    fn event(&self, _: Event<'_>) {}

    fn confirm(&self, _: &str) -> bool {
        false
    }

    fn read_answer(&self, _: &str) -> Option<String> {
        None
    }

    fn read_password(&self, _: &str) -> std::io::Result<String> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    fn output_closed(&self) -> bool {
        false
    }
}

// The text views every report gives (rendered by `output/`, which re-exports these).

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

/// Which stream a rendered line goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One line of text output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub level: Level,
    pub text: String,
    pub stream: Stream,
}

impl Line {
    /// A line for stdout.
    pub fn new(level: Level, text: impl Into<String>) -> Line {
        Line {
            level,
            text: text.into(),
            stream: Stream::Stdout,
        }
    }

    /// A plain line for stdout.
    pub fn plain(text: impl Into<String>) -> Line {
        Line::new(Level::Plain, text)
    }

    /// A line for stderr.
    pub fn stderr(level: Level, text: impl Into<String>) -> Line {
        Line {
            level,
            text: text.into(),
            stream: Stream::Stderr,
        }
    }
}

/// What a renderer may take into account besides the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// `-q`: only errors and the final result.
    pub quiet: bool,
    /// `-v` (1) and `-vv` (2): per-node and per-slot detail.
    pub verbose: u8,
}

/// The text views of a report.
pub trait Render {
    /// rcluster's own text.
    fn human(&self, options: &RenderOptions) -> Vec<Line>;

    /// redis-cli 7.0's lines for the same report; the human view where redis-cli has no such command.
    fn redis_cli(&self, options: &RenderOptions) -> Vec<Line> {
        self.human(options)
    }
}

/// A report with nothing to show in text (its result is its exit status).
impl Render for () {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        Vec::new()
    }
}
