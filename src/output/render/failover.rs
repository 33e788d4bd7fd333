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
        lines.push(if self.complete() {
            ok_line(format!(
                "{} is the master of {} slots; {} follows it",
                self.node.address, self.slot_count, self.old_master.address
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
