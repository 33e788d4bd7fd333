//! Progress of slot moves: redis-cli's `Moving slot N from A to B: ...` lines in its syntax, an
//! indicatif bar on a terminal, a line per slot with `-v`, one JSON event per slot with `--json`.

use crate::exec::migrate::{Endpoint, Progress, SlotDone};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The reporter for one run of moves.
pub struct MoveReporter {
    compat: bool,
    /// redis-cli syntax prints a line per slot (reshard) or nothing (rebalance).
    per_slot_lines: bool,
    json: bool,
    verbose: bool,
    bar: Option<ProgressBar>,
    keys: AtomicU64,
    /// Set when output can no longer be written: the engine then starts no new window.
    stop: Arc<AtomicBool>,
}

impl MoveReporter {
    pub fn new(
        output: &super::Output,
        slots: usize,
        per_slot_lines: bool,
        stop: Arc<AtomicBool>,
    ) -> MoveReporter {
        let show_bar =
            !output.compat && !output.json && !output.quiet && std::io::stderr().is_terminal();
        let bar = show_bar.then(|| {
            let bar = ProgressBar::new(slots as u64);
            let style = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} slots, {msg} [{elapsed_precise}, eta {eta}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        MoveReporter {
            compat: output.compat,
            per_slot_lines,
            json: output.json,
            verbose: output.verbose > 0,
            bar,
            keys: AtomicU64::new(0),
            stop,
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for MoveReporter {
    fn slot_done(&self, done: &SlotDone, source: &Endpoint, target: &Endpoint) {
        let total = self.keys.fetch_add(done.keys, Ordering::Relaxed) + done.keys;
        if self.compat && !self.per_slot_lines {
            return;
        }
        if self.compat {
            let dots = ".".repeat(done.keys as usize);
            super::write_stdout(&format!(
                "Moving slot {} from {} to {}: {dots}\n",
                done.slot, source.address, target.address
            ));
        } else if self.json {
            let event = serde_json::json!({ "event": "slot_moved", "slot": done.slot, "source": source.address.to_string(), "target": target.address.to_string(), "keys": done.keys });
            super::write_stdout(&format!("{event}\n"));
        }
        if super::stdout_closed() {
            self.stop.store(true, Ordering::SeqCst);
        }
        if self.compat || self.json {
            return;
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
            let rate = total as f64 / bar.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{total} keys, {rate:.0} keys/s"));
        } else if self.verbose {
            eprintln!(
                "moved slot {} from {} to {}: {} keys",
                done.slot, source.address, target.address, done.keys
            );
        }
    }
}
