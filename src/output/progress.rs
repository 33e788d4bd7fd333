//! The display of slot moves: redis-cli's `Moving slot N from A to B: ...` lines in its syntax, an
//! indicatif bar (slots, keys, keys/s, ETA) on a terminal, a line per slot on stderr with `-v`.
//! Driven by the printer from the engine's [`Event::SlotMoved`](crate::report::Event) events.

use super::{Level, Line, Mode};
use crate::report::{MovesStart, SlotMoved};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

/// The state of the current run of moves.
pub struct MoveDisplay {
    /// Whether a bar may be shown (a terminal, human view, not quiet).
    bar_allowed: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    bar: Option<ProgressBar>,
    per_slot_lines: bool,
    keys: u64,
}

impl MoveDisplay {
    pub fn new(bar_allowed: bool) -> MoveDisplay {
        MoveDisplay {
            bar_allowed,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A run begins: a bar on a terminal.
    pub fn start(&self, start: MovesStart, mode: Mode) {
        let mut state = self.state();
        state.per_slot_lines = start.per_slot_lines;
        state.keys = 0;
        if self.bar_allowed && mode == Mode::Human {
            let bar = ProgressBar::new(start.slots as u64);
            let style = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} slots, {msg} [{elapsed_precise}, eta {eta}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            state.bar = Some(bar);
        }
    }

    /// One slot moved; returns the line to print, if any.
    pub fn slot_moved(&self, moved: &SlotMoved, mode: Mode, verbose: bool) -> Option<Line> {
        let mut state = self.state();
        state.keys += moved.keys;
        match mode {
            Mode::RedisCli if state.per_slot_lines => Some(Line::new(
                Level::Plain,
                format!(
                    "Moving slot {} from {} to {}: {}",
                    moved.slot,
                    moved.source,
                    moved.target,
                    ".".repeat(moved.keys as usize)
                ),
            )),
            Mode::RedisCli | Mode::Json => None,
            Mode::Human => {
                if let Some(bar) = &state.bar {
                    bar.inc(1);
                    let rate = state.keys as f64 / bar.elapsed().as_secs_f64().max(0.001);
                    bar.set_message(format!("{} keys, {rate:.0} keys/s", state.keys));
                    None
                } else {
                    verbose.then(|| {
                        Line::stderr(
                            Level::Plain,
                            format!(
                                "moved slot {} from {} to {}: {} keys",
                                moved.slot, moved.source, moved.target, moved.keys
                            ),
                        )
                    })
                }
            }
        }
    }

    /// Runs `write` with the bar hidden, so a line does not tear it.
    pub fn suspend(&self, write: impl FnOnce()) {
        let state = self.state();
        match &state.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// The run ended: the bar goes away.
    pub fn finish(&self) {
        if let Some(bar) = self.state().bar.take() {
            bar.finish_and_clear();
        }
    }
}
