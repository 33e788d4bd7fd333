//! The view of a run of slot moves: each failure, the result line, and what to run next.

use super::{Render, RenderOptions};
use crate::commands::moves::{MoveRunReport, NothingLeft};
use crate::output::{Level, Line};

impl Render for MoveRunReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = Vec::new();
        if !options.quiet {
            lines.extend(
                self.summary
                    .warnings
                    .iter()
                    .map(|w| Line::stderr(Level::Warn, w)),
            );
        }
        if let (Some(phases), true) = (&self.summary.phases, self.profile) {
            lines.push(Line::stderr(Level::Plain, format!(
                "profile (seconds summed over sources): open {:.3}, GETKEYSINSLOT {:.3}, MIGRATE {:.3}, hand-off {:.3}; wall {:.3}",
                phases.open, phases.getkeys, phases.migrate, phases.handoff, self.summary.seconds
            )));
        }
        if let (Some(tasks), true) = (&self.summary.tasks, self.profile) {
            lines.push(Line::stderr(Level::Plain, format!(
                "profile (seconds summed over tasks): count keys {:.3}, start {:.3}, destination completed {:.3}, settle (source completed, trim) {:.3}, report {:.3}; wall {:.3}",
                tasks.count, tasks.start, tasks.destination, tasks.settle, tasks.report, self.summary.seconds
            )));
        }
        lines.extend(
            self.errors
                .iter()
                .map(|e| Line::stderr(Level::Err, format!("[ERR] {e}"))),
        );
        lines.push(self.result_line());
        lines.extend(self.step_line());
        if options.quiet {
            return lines;
        }
        if let Some(skipped) = self.skipped_line() {
            lines.push(skipped);
        }
        if !self.errors.is_empty() {
            lines.push(Line::stderr(Level::Plain, format!(
                "stopped with work left: once the cause is fixed, finish forward with `rcluster resume {} --journal {}`",
                self.seed,
                self.journal.display()
            )));
        }
        if self.interrupted {
            lines.push(Line::stderr(Level::Plain, format!(
                "interrupted after {} of {}; no slot was left open. Move the rest with `rcluster resume {} --journal {}`",
                self.summary.slots,
                crate::words::counted(self.planned, "slot", "slots"),
                self.seed,
                self.journal.display()
            )));
        }
        lines
    }

    /// redis-cli prints only the failures, on stdout.
    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        self.errors
            .iter()
            .map(|e| Line::new(Level::Err, format!("[ERR] {e}")))
            .collect()
    }
}

impl MoveRunReport {
    /// What a bounded step left for the next runs.
    fn step_line(&self) -> Option<Line> {
        let step = self.step.as_ref()?;
        if !self.errors.is_empty() || self.interrupted {
            return None;
        }
        let why = if step.timed_out {
            "--max-time ran out; "
        } else {
            ""
        };
        Some(if step.left_slots == 0 {
            Line::new(Level::Plain, "nothing is left to move")
        } else {
            Line::new(
                Level::Plain,
                format!(
                    "{why}{} left, every slot closed: run the same command again to continue",
                    crate::words::counted(step.left_slots, "slot", "slots")
                ),
            )
        })
    }

    /// The slots `--skip-big-keys` left where they are, each with its big keys.
    fn skipped_line(&self) -> Option<Line> {
        let big = self.big_keys.as_ref()?;
        if big.skipped_slots.is_empty() {
            return None;
        }
        let slots: Vec<String> = big
            .skipped_slots
            .iter()
            .map(|slot| {
                let keys: Vec<String> = big
                    .keys
                    .iter()
                    .filter(|k| k.slot == *slot)
                    .map(|k| {
                        format!(
                            "'{}', {}",
                            k.key,
                            crate::plan::big_keys::size_words(k.bytes)
                        )
                    })
                    .collect();
                format!("{slot} ({})", keys.join("; "))
            })
            .collect();
        Some(Line::stderr(
            Level::Warn,
            format!(
                "left {} where {} (--skip-big-keys): {}",
                crate::words::counted(slots.len(), "slot", "slots"),
                if slots.len() == 1 {
                    "it is"
                } else {
                    "they are"
                },
                slots.join(", ")
            ),
        ))
    }

    fn result_line(&self) -> Line {
        let rate = self.summary.keys as f64 / self.summary.seconds.max(0.001);
        let level = if self.errors.is_empty() && !self.interrupted {
            Level::Success
        } else {
            Level::Err
        };
        Line::new(
            level,
            format!(
                "moved {} and {} in {:.2} s ({rate:.0} keys/s, {} migration){}",
                crate::words::counted(self.summary.slots, "slot", "slots"),
                crate::words::counted(self.summary.keys, "key", "keys"),
                self.summary.seconds,
                self.migration,
                if self.agreed || !self.errors.is_empty() {
                    ""
                } else {
                    "; some nodes do not agree yet, run `rcluster check`"
                }
            ),
        )
    }
}

impl Render for NothingLeft {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        vec![Line::new(
            Level::Success,
            format!(
                "[OK] nothing is left to move: every slot asked for is on {}",
                self.target.address
            ),
        )]
    }
}
