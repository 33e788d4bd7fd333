//! `failover`'s view: each phase with its time, then the result line; the partition drill's
//! figures.

use super::{Render, RenderOptions, ok_line};
use crate::commands::failover::{FailoverReport, PartitionReport};
use crate::output::{Level, Line};

impl Render for FailoverReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = Vec::new();
        for phase in &self.phases {
            let text = phase.name.replace('_', " ");
            match phase.ms {
                Some(ms) if !options.quiet => {
                    lines.push(Line::plain(format!("  {text}: after {ms} ms")))
                }
                Some(_) => {}
                None => lines.push(Line::new(
                    Level::Err,
                    format!("[ERR] not reached in time: {text}"),
                )),
            }
        }
        if let Some(drill) = &self.drill {
            let tally = &drill.tally;
            lines.push(Line::plain(format!(
                "drill: {} operations, {} succeeded, {} failed: {:.2}% (at least {:.2}% wanted)",
                tally.tried, tally.succeeded, tally.failed, drill.success_rate, drill.min_success
            )));
            lines.push(Line::plain(format!(
                "drill: longest time without a successful write {} ms; writes succeeded again {} ms after the failover began",
                tally.longest_gap_ms, tally.recovery_ms
            )));
            if let Some(pid) = drill.killed_pid {
                lines.push(Line::plain(format!(
                    "drill: the master's process {pid} was killed"
                )));
            }
            for (what, keys) in [
                ("read back wrong", &tally.wrong),
                ("lost after it was acknowledged", &tally.lost),
            ] {
                if !keys.is_empty() {
                    let shown: Vec<&str> = keys.iter().take(10).map(String::as_str).collect();
                    lines.push(Line::new(
                        Level::Err,
                        format!(
                            "[ERR] {} {what}: {}",
                            crate::words::counted(keys.len(), "key", "keys"),
                            shown.join(", ")
                        ),
                    ));
                }
            }
            if drill.success_rate < drill.min_success {
                lines.push(Line::new(
                    Level::Err,
                    format!(
                        "[ERR] the success rate {:.2}% is under {:.2}%",
                        drill.success_rate, drill.min_success
                    ),
                ));
            }
        }
        lines.push(if self.complete() {
            ok_line(format!(
                "{} is the master of {}; {} follows it",
                self.node.address,
                crate::words::counted(self.slot_count, "slot", "slots"),
                self.old_master.address
            ))
        } else {
            Line::new(
                Level::Err,
                format!(
                    "[ERR] the failover of {} did not complete in time: `rcluster check {}` shows where it stands",
                    self.node.address, self.node.address
                ),
            )
        });
        lines
    }
}

impl Render for PartitionReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let outcome = &self.outcome;
        let mut lines = Vec::new();
        let cut = format!(
            "partition: {} was cut off for {} ms ({} rules, removed)",
            self.master.address,
            self.duration_ms,
            outcome.rules.len()
        );
        lines.push(Line::plain(cut));
        if !options.quiet {
            for rule in &outcome.rules {
                lines.push(Line::plain(format!("  {rule}")));
            }
        }
        if let Some(min) = &self.min_replicas {
            lines.push(Line::plain(format!(
                "partition: with min-replicas-to-write {} and min-replicas-max-lag {} s on every master (restored)",
                min.to_write, min.max_lag_s
            )));
        }
        lines.push(match (&outcome.promoted, outcome.promoted_ms) {
            (Some(replica), Some(ms)) => Line::plain(format!(
                "partition: the majority promoted {replica} {ms} ms after the cut"
            )),
            _ => Line::new(
                Level::Err,
                "[ERR] no replica took over while the cut lasted".to_string(),
            ),
        });
        let minority = &outcome.minority;
        lines.push(Line::plain(format!(
            "minority writer (on {}, from its own address): {} writes acknowledged during the cut, the last {} after it; {} failed",
            self.master.address,
            minority.acknowledged_during_cut,
            minority
                .accepted_for_ms
                .map_or("none".to_string(), |ms| format!("{ms} ms")),
            minority.failed
        )));
        let majority = &outcome.majority;
        lines.push(Line::plain(format!(
            "majority writer (from {}): longest time without a write to the cut master's slots {} ms; {} acknowledged, {} failed",
            self.client_address, majority.longest_gap_ms, majority.acknowledged, majority.failed
        )));
        lines.push(match outcome.agreed_ms {
            Some(ms) => Line::plain(format!(
                "partition: every node agreed again {ms} ms after the heal"
            )),
            None => Line::new(
                Level::Err,
                "[ERR] the nodes did not agree again after the heal in time: `rcluster check` shows where it stands".to_string(),
            ),
        });
        if outcome.agreed_ms.is_some() {
            lines.push(match outcome.resynced_ms {
                Some(ms) => Line::plain(format!(
                    "partition: {} held its new master's data again {ms} ms after the heal",
                    self.master.address
                )),
                None => Line::new(
                    Level::Err,
                    format!(
                        "[ERR] {} did not sync again from the promoted replica in time",
                        self.master.address
                    ),
                ),
            });
        }
        for (writer, tally) in [("minority", minority), ("majority", majority)] {
            if !tally.wrong.is_empty() {
                lines.push(Line::new(
                    Level::Err,
                    format!(
                        "[ERR] {writer} writer: {} key(s) read back with another value",
                        tally.wrong.len()
                    ),
                ));
            }
            let lost = tally.lost.len();
            let line = format!(
                "{writer} writer: {lost} of {} acknowledged writes lost after the heal",
                tally.acknowledged
            );
            lines.push(if lost == 0 {
                ok_line(line)
            } else {
                Line::new(Level::Warn, format!("*** {line}"))
            });
        }
        lines
    }
}
