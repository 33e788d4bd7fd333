//! [`Recorder`]: a [`Reporter`] that keeps every event it is sent, for tests of the engines and
//! commands (the sequence of progress events a run sends, without a terminal or a printer). It
//! answers questions from a script given up front.

use super::{Event, MovesStart, Reporter, SlotMoved, TaskPhase};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// One event as a [`Recorder`] keeps it (owned; a section keeps its JSON view).
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    Step(String),
    Section(serde_json::Value),
    MovesStarted {
        slots: usize,
        per_slot_lines: bool,
    },
    SlotMoved {
        slot: u16,
        source: String,
        target: String,
        keys: u64,
    },
    TaskPhase {
        id: String,
        phase: String,
    },
    /// The observer's figures (`Event::Latency`): its phase.
    Latency {
        phase: String,
    },
    MovesFinished,
    TransferFinished {
        what: String,
    },
    Transfer {
        what: String,
        done: u64,
        total: Option<u64>,
    },
    Notice(String),
    Warning(String),
    Hint(String),
    /// A question asked through [`Reporter::confirm`], [`Reporter::read_answer`] or
    /// [`Reporter::read_password`].
    Asked(String),
}

impl Recorded {
    fn of(event: Event<'_>) -> Recorded {
        match event {
            Event::Step(text) => Recorded::Step(text.to_string()),
            Event::Section(report) | Event::Snapshot { report, .. } => {
                Recorded::Section(report.to_json())
            }
            Event::MovesStarted(MovesStart {
                slots,
                per_slot_lines,
            }) => Recorded::MovesStarted {
                slots,
                per_slot_lines,
            },
            Event::SlotMoved(SlotMoved {
                slot,
                source,
                target,
                keys,
            }) => Recorded::SlotMoved {
                slot: *slot,
                source: source.clone(),
                target: target.clone(),
                keys: *keys,
            },
            Event::TaskPhase(TaskPhase { id, phase, .. }) => Recorded::TaskPhase {
                id: id.clone(),
                phase: phase.to_string(),
            },
            Event::Latency(progress) => Recorded::Latency {
                phase: progress.phase.to_string(),
            },
            Event::MovesFinished => Recorded::MovesFinished,
            Event::TransferFinished { what } => Recorded::TransferFinished {
                what: what.to_string(),
            },
            Event::Transfer { what, done, total } => Recorded::Transfer {
                what: what.to_string(),
                done,
                total,
            },
            Event::Notice(text) => Recorded::Notice(text.to_string()),
            Event::Warning(text) => Recorded::Warning(text.to_string()),
            Event::Hint(text) => Recorded::Hint(text.to_string()),
        }
    }
}

/// A reporter that records every event in order. Questions are answered from the answers given to
/// [`Recorder::answering`] in order (`confirm` accepts an answer starting with `yes`); with none
/// left, `confirm` declines and `read_answer` sees a closed stdin.
#[derive(Debug, Default)]
pub struct Recorder {
    events: Mutex<Vec<Recorded>>,
    answers: Mutex<VecDeque<String>>,
    output_closed: AtomicBool,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder::default()
    }

    /// A recorder that answers its questions with `answers`, in order.
    pub fn answering(answers: &[&str]) -> Recorder {
        let recorder = Recorder::new();
        lock(&recorder.answers).extend(answers.iter().map(|a| a.to_string()));
        recorder
    }

    /// From now on, [`Reporter::output_closed`] says stdout is gone (as after `| head`).
    pub fn close_output(&self) {
        self.output_closed.store(true, Ordering::SeqCst);
    }

    /// Every event so far, in order.
    pub fn events(&self) -> Vec<Recorded> {
        lock(&self.events).clone()
    }

    /// Every event so far, without sections and questions: the progress a run showed.
    pub fn progress(&self) -> Vec<Recorded> {
        self.events()
            .into_iter()
            .filter(|e| !matches!(e, Recorded::Section(_) | Recorded::Asked(_)))
            .collect()
    }

    fn ask(&self, prompt: &str) -> Option<String> {
        lock(&self.events).push(Recorded::Asked(prompt.to_string()));
        lock(&self.answers).pop_front()
    }
}

impl Reporter for Recorder {
    fn event(&self, event: Event<'_>) {
        let recorded = Recorded::of(event);
        lock(&self.events).push(recorded);
    }

    fn confirm(&self, question: &str) -> bool {
        self.ask(question).is_some_and(|a| a.starts_with("yes"))
    }

    fn read_answer(&self, prompt: &str) -> Option<String> {
        self.ask(prompt)
    }

    fn read_password(&self, prompt: &str) -> std::io::Result<String> {
        self.ask(prompt)
            .ok_or_else(|| std::io::ErrorKind::UnexpectedEof.into())
    }

    fn output_closed(&self) -> bool {
        self.output_closed.load(Ordering::SeqCst)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
