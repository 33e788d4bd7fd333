//! The view of a run of slot moves: each failure, the result line, and what to run next.

use super::{Render, RenderOptions};
use crate::commands::moves::{MoveRunReport, NothingLeft};
use crate::exec::observe::ObserveReport;
use crate::output::{Level, Line};
use crate::report::LatencyFigures;

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
        if let Some(observed) = &self.observe {
            lines.extend(observe_lines(observed));
        }
        if let Some(skipped) = self.skipped_line() {
            lines.push(skipped);
        }
        lines.extend(self.drained_lines());
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
    /// A master left without a slot while replica migration is off stays an empty master: the
    /// two ways to finish it, one line each.
    fn drained_lines(&self) -> Vec<Line> {
        let seed = &self.seed;
        self.drained_masters
            .iter()
            .map(|master| {
                let (id, address) = (&master.id, &master.address);
                Line::stderr(
                    Level::Plain,
                    format!(
                        "{address} owns no slot now and stays an empty master (cluster-allow-replica-migration is no): remove it with `rcluster del-node {seed} {id}`, or keep it as a replica with `rcluster del-node {seed} {id} --replicate-to MASTER`"
                    ),
                )
            })
            .collect()
    }

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
        // A few big keys move at less than a key a second: "0 keys/s" would be untrue.
        let rate = if rate >= 1.0 {
            format!("{rate:.0} keys/s, ")
        } else {
            String::new()
        };
        let level = if self.errors.is_empty() && !self.interrupted {
            Level::Success
        } else {
            Level::Err
        };
        Line::new(
            level,
            format!(
                "moved {} and {} in {:.2} s ({rate}{} migration){}",
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

/// `--observe`: a table of the client's figures per phase and class of keys, and what
/// `--max-latency` did to the mover's pace.
fn observe_lines(observed: &ObserveReport) -> Vec<Line> {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    table.set_header([
        "CLIENT (GET+SET)",
        "P50 MS",
        "P99 MS",
        "MAX MS",
        "SAMPLES",
        "ERRORS",
        "ASK",
        "MOVED",
        "TRYAGAIN",
    ]);
    let baseline = format!("before ({} ms)", observed.baseline_ms);
    let rows: [(&str, &str, &LatencyFigures); 4] = [
        (&baseline, "moved slots", &observed.baseline.moved_slots),
        (&baseline, "other slots", &observed.baseline.other_slots),
        ("during", "moved slots", &observed.during.moved_slots),
        ("during", "other slots", &observed.during.other_slots),
    ];
    for (phase, class, figures) in rows {
        table.add_row([
            format!("{phase}, {class}"),
            format!("{:.2}", figures.p50_ms),
            format!("{:.2}", figures.p99_ms),
            format!("{:.2}", figures.max_ms),
            figures.samples.to_string(),
            figures.errors.to_string(),
            figures.redirects.ask.to_string(),
            figures.redirects.moved.to_string(),
            figures.redirects.tryagain.to_string(),
        ]);
    }
    let mut lines: Vec<Line> = table
        .lines()
        .map(|line| Line::plain(line.trim_end()))
        .collect();
    if let (Some(bound), Some(pace)) = (observed.max_latency_ms, &observed.pace) {
        lines.push(Line::plain(format!(
            "--max-latency {bound} ms: window {} at the end (peak {} of --window {}), batch {} at the end (peak {} of --pipeline {}); shrunk {}, grown {}",
            pace.window_end,
            pace.window_peak,
            pace.window_limit,
            pace.batch_end,
            pace.batch_peak,
            pace.batch_limit,
            crate::words::counted(pace.shrunk, "time", "times"),
            crate::words::counted(pace.grown, "time", "times"),
        )));
        if pace.pause_peak_ms > 0.0 {
            let tenths = |ms: f64| (ms * 10.0).round() / 10.0;
            lines.push(Line::plain(format!(
                "--max-latency at its floor (1 slot, smallest batch): a pause after each batch, up to {} ms, {} ms at the end",
                tenths(pace.pause_peak_ms),
                tenths(pace.pause_end_ms),
            )));
        }
    }
    lines
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
