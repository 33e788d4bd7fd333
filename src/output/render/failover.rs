//! `failover`'s view: each phase with its time, then the result line.

use super::{Render, RenderOptions, ok_line};
use crate::commands::failover::FailoverReport;
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
