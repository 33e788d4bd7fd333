//! `failover`'s view: a coordinated failover's catch-up, each phase with its time, a drill's figures
//! (the gap overall and per shard, keys lost apart from keys only unreadable during the outage),
//! then the result line, which after `--kill-master` says the old master is down and how to start
//! it again; the partition drill's figures.

use super::{Render, RenderOptions, ok_line};
use crate::commands::failover::{CatchUp, DrillReport, FailoverReport, PartitionReport};
use crate::output::{Level, Line};

impl Render for FailoverReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(catch_up) = self.catch_up.as_ref().filter(|_| !options.quiet) {
            lines.extend(catch_up_lines(catch_up));
        }
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
            lines.extend(self.drill_lines(drill, options));
        }
        lines.push(self.result_line());
        if let Some(hint) = self.restart_hint() {
            lines.push(Line::plain(hint));
        }
        lines
    }
}

/// A coordinated failover's wait for the replica, as two indented lines like the phases'.
fn catch_up_lines(catch_up: &CatchUp) -> Vec<Line> {
    let lag = match (catch_up.lag_bytes, catch_up.last_io_seconds) {
        (Some(bytes), Some(s)) => format!(
            "{} (it had last heard from its master {s} s before)",
            crate::words::counted(bytes as usize, "byte", "bytes")
        ),
        (Some(bytes), None) => crate::words::counted(bytes as usize, "byte", "bytes"),
        (None, _) => "unknown (an offset could not be read)".to_string(),
    };
    let reached = match catch_up.caught_up_ms {
        Some(ms) => format!("after {ms} ms (the server-side wait before it takes over)"),
        None => "not seen in time".to_string(),
    };
    vec![
        Line::plain(format!("  replica's lag when the failover was sent: {lag}")),
        Line::plain(format!("  replica reached its master's offset: {reached}")),
    ]
}

impl FailoverReport {
    /// A drill's figures: operations, the gap overall and per shard, the killed process, and the
    /// keys read back wrong, lost, unreadable during the outage, or unreadable.
    fn drill_lines(&self, drill: &DrillReport, options: &RenderOptions) -> Vec<Line> {
        let tally = &drill.tally;
        let mut lines = vec![
            Line::plain(format!(
                "drill: {} operations, {} succeeded, {} failed: {:.2}% (at least {:.2}% wanted)",
                tally.tried, tally.succeeded, tally.failed, drill.success_rate, drill.min_success
            )),
            Line::plain(format!(
                "drill: longest time without a successful write {} ms in the whole cluster; writes succeeded again {} ms after the failover began",
                tally.longest_gap_ms, tally.recovery_ms
            )),
        ];
        if !options.quiet {
            for shard in &tally.shards {
                let failed_over = if shard.master == self.old_master.address {
                    ", failed over"
                } else {
                    ""
                };
                lines.push(Line::plain(format!(
                    "  shard of {} (slots {}{failed_over}): longest time without a successful write {} ms; {} of {} writes failed",
                    shard.master,
                    shard.slots.to_compact(),
                    shard.longest_gap_ms,
                    shard.failed,
                    shard.tried
                )));
            }
        }
        if let Some(pid) = drill.killed_pid {
            lines.push(Line::plain(format!(
                "drill: the master's process {pid} was killed"
            )));
        }
        if !tally.unreadable_during_outage.is_empty() {
            lines.push(Line::plain(format!(
                "drill: {} could not be read during the outage and read back whole after it (not lost)",
                crate::words::counted(tally.unreadable_during_outage.len(), "key", "keys")
            )));
        }
        for (what, keys) in [
            ("read back wrong", &tally.wrong),
            ("lost after it was acknowledged", &tally.lost),
            (
                "unreadable even after the failover (neither found nor known lost)",
                &tally.unreadable,
            ),
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
        lines
    }

    /// Where the failover left the two nodes: the old master follows the new one, or (killed by
    /// the drill) it is down or was started again by something else.
    fn result_line(&self) -> Line {
        if !self.complete() {
            return Line::new(
                Level::Err,
                format!(
                    "[ERR] the failover of {} did not complete in time: `rcluster check {}` shows where it stands",
                    self.node.address, self.node.address
                ),
            );
        }
        let old = &self.old_master.address;
        let old_state = match self.killed() {
            None => format!("{old} follows it"),
            Some((pid, Some(true))) => {
                format!("its old master {old} was killed (process {pid}) and answers again")
            }
            Some((pid, _)) => {
                format!("its old master {old} was killed (process {pid}) and is not running")
            }
        };
        ok_line(format!(
            "{} is the master of {}; {old_state}",
            self.node.address,
            crate::words::counted(self.slot_count, "slot", "slots"),
        ))
    }

    /// The killed master's process and whether it answered again (`--kill-master` only).
    fn killed(&self) -> Option<(u32, Option<bool>)> {
        let drill = self.drill.as_ref()?;
        Some((drill.killed_pid?, drill.old_master_answers))
    }

    /// After `--kill-master`, with the old master down: how to start it again.
    fn restart_hint(&self) -> Option<String> {
        let (_, answers) = self.killed()?;
        if answers == Some(true) || !self.complete() {
            return None;
        }
        let drill = self.drill.as_ref()?;
        let binary = drill.killed_executable.as_deref().unwrap_or("the server");
        let how = match drill.killed_config_file.as_deref() {
            Some(config) => format!("{binary} with {config} and the options it ran with"),
            None => format!("{binary} with the options it ran with (it has no config file)"),
        };
        Some(format!(
            "rcluster does not start it again: start {how}, and it rejoins as a replica of {}",
            self.node.address
        ))
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
            if !tally.unreadable_during_outage.is_empty() {
                lines.push(Line::plain(format!(
                    "{writer} writer: {} could not be read at first and read back whole later (not lost)",
                    crate::words::counted(tally.unreadable_during_outage.len(), "key", "keys")
                )));
            }
            if !tally.unreadable.is_empty() {
                lines.push(Line::new(
                    Level::Err,
                    format!(
                        "[ERR] {writer} writer: {} could not be read back at all (neither found nor known lost)",
                        crate::words::counted(tally.unreadable.len(), "key", "keys")
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
