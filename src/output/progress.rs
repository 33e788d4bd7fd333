//! The display of slot moves: redis-cli's `Moving slot N from A to B: ...` lines in its syntax, an
//! indicatif bar (slots, keys, keys/s, ETA) on a terminal, a line per slot on stderr with `-v`.
//! Driven by the printer from the engine's [`Event::SlotMoved`](crate::report::Event) events.

use super::{Level, Line, Mode};
use crate::report::{LatencyProgress, MovesStart, SlotMoved, TaskPhase};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;

/// `, about 12 s left` from a task's ETA (nothing when it has none).
fn task_eta(task: &TaskPhase) -> String {
    task.eta_seconds
        .map(|s| format!(", about {} s left", s.ceil() as u64))
        .unwrap_or_default()
}

/// The state of the current run of moves.
pub struct MoveDisplay {
    /// Whether a bar may be shown (a terminal, human view, not quiet).
    bar_allowed: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    bar: Option<ProgressBar>,
    /// Keys copied (import, restore): `done` of `total`, keys/s, ETA.
    transfer: Option<ProgressBar>,
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
                                "moved slot {} from {} to {}: {}",
                                moved.slot,
                                moved.source,
                                moved.target,
                                crate::words::counted(moved.keys, "key", "keys")
                            ),
                        )
                    })
                }
            }
        }
    }

    /// A server-side task entered a phase: named on the bar (human view on a terminal), else a
    /// line on stderr with `-v`.
    pub fn task_phase(&self, task: &TaskPhase, mode: Mode, verbose: bool) -> Option<Line> {
        let state = self.state();
        let short = &task.id[..task.id.len().min(8)];
        if mode != Mode::Human {
            return None;
        }
        let eta = task_eta(task);
        if let Some(bar) = &state.bar {
            bar.set_message(format!(
                "{} keys, task {short} ({} slots {} -> {}): {}{eta}",
                state.keys, task.slot_count, task.source, task.target, task.phase
            ));
            return None;
        }
        verbose.then(|| {
            Line::stderr(
                Level::Plain,
                format!(
                    "task {short} ({} slots, {} keys, from {} to {}): {}; {}/{} slots done{eta}",
                    task.slot_count,
                    task.keys,
                    task.source,
                    task.target,
                    task.phase,
                    task.slots_done,
                    task.slots_total
                ),
            )
        })
    }

    /// A transfer progressed: the bar (created on the first event) shows `done` of `total`.
    pub fn transfer(&self, what: &str, done: u64, total: Option<u64>, mode: Mode) {
        if !self.bar_allowed || mode != Mode::Human {
            return;
        }
        let mut state = self.state();
        let bar = state.transfer.get_or_insert_with(|| {
            let bar = ProgressBar::new(total.unwrap_or(0));
            let style = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        if let Some(total) = total {
            bar.set_length(total.max(done));
        }
        let rate = done as f64 / bar.elapsed().as_secs_f64().max(0.001);
        bar.set_message(format!("{what}, {rate:.0} {what}/s"));
        bar.set_position(done);
    }

    /// Runs `write` with the bars hidden, so a line does not tear them.
    pub fn suspend(&self, write: impl FnOnce()) {
        let state = self.state();
        match state.bar.as_ref().or(state.transfer.as_ref()) {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// The observer's figures (`--observe`): the baseline as a line on stderr; while slots move,
    /// on the bar (or a line with `-v` when there is no bar).
    pub fn latency(&self, progress: &LatencyProgress, mode: Mode, verbose: bool) -> Option<Line> {
        if mode != Mode::Human {
            return None;
        }
        let figures = &progress.figures;
        if progress.phase == "baseline" {
            return Some(Line::stderr(
                Level::Plain,
                format!(
                    "client latency before the move: moved slots p50 {:.2} ms, p99 {:.2} ms; other slots p50 {:.2} ms, p99 {:.2} ms ({} samples)",
                    figures.moved_slots.p50_ms,
                    figures.moved_slots.p99_ms,
                    figures.other_slots.p50_ms,
                    figures.other_slots.p99_ms,
                    figures.moved_slots.samples + figures.other_slots.samples
                ),
            ));
        }
        let mut text = format!(
            "client p99 {:.2} ms (moved slots), {:.2} ms (others)",
            figures.moved_slots.p99_ms, figures.other_slots.p99_ms
        );
        if let Some(recent) = progress.recent_p99_ms {
            text.push_str(&format!(", last second {recent:.2} ms"));
        }
        if let (Some(window), Some(batch)) = (progress.window, progress.batch) {
            text.push_str(&format!(", window {window}, batch {batch}"));
        }
        if let Some(pause) = progress.pause_ms.filter(|p| *p > 0.0) {
            text.push_str(&format!(", pause {pause:.0} ms"));
        }
        let state = self.state();
        if let Some(bar) = &state.bar {
            bar.set_message(format!("{} keys, {text}", state.keys));
            return None;
        }
        verbose.then(|| Line::stderr(Level::Plain, text))
    }

    /// The run ended: the bars go away.
    pub fn finish(&self) {
        let mut state = self.state();
        for bar in [state.bar.take(), state.transfer.take()]
            .into_iter()
            .flatten()
        {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(eta_seconds: Option<f64>) -> TaskPhase {
        TaskPhase {
            id: "4e61fc26aa".into(),
            source: "127.0.0.1:7002".into(),
            target: "127.0.0.1:7000".into(),
            slot_count: 1365,
            phase: "stream",
            keys: 41000,
            slots_done: 1366,
            slots_total: 2731,
            eta_seconds,
        }
    }

    #[test]
    fn a_task_line_names_its_phase_the_slots_done_and_the_time_left() {
        let display = MoveDisplay::new(false);
        let line = display
            .task_phase(&task(Some(11.2)), Mode::Human, true)
            .unwrap();
        assert_eq!(
            line.text,
            "task 4e61fc26 (1365 slots, 41000 keys, from 127.0.0.1:7002 to 127.0.0.1:7000): stream; 1366/2731 slots done, about 12 s left"
        );
        let line = display.task_phase(&task(None), Mode::Human, true).unwrap();
        assert!(line.text.ends_with("1366/2731 slots done"), "{}", line.text);
        assert!(display.task_phase(&task(None), Mode::Json, true).is_none());
    }
}
