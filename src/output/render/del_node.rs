//! `del-node`'s view: redis-cli's steps and result lines, then what to do about nodes that did not
//! forget (human view, stderr).

use super::{Render, RenderOptions, hint_line};
use crate::commands::del_node::{DelNodeReport, DelNodeState};
use crate::output::{Level, Line};

impl DelNodeReport {
    fn lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        let address = self.address.as_deref().unwrap_or_default();
        match self.state {
            DelNodeState::NotFound => {
                lines.push(Line::new(
                    Level::Err,
                    format!("[ERR] No such node ID {}", self.requested),
                ));
                return lines;
            }
            DelNodeState::NotEmpty => {
                lines.push(Line::new(
                    Level::Err,
                    format!("[ERR] Node {address} is not empty! Reshard data away and try again."),
                ));
                return lines;
            }
            DelNodeState::Removed => {}
        }
        for repoint in &self.repointed {
            lines.push(Line::new(
                Level::Info,
                format!(">>> {} as replica of {}", repoint.replica, repoint.master),
            ));
        }
        lines.push(Line::new(
            Level::Info,
            ">>> Sending CLUSTER FORGET messages to the cluster...",
        ));
        if self.reset.is_some() {
            lines.push(Line::new(
                Level::Info,
                ">>> Sending CLUSTER RESET SOFT to the deleted node.",
            ));
        }
        for failure in &self.failed {
            lines.push(Line::new(
                Level::Err,
                format!("[ERR] {}: {}", failure.address, failure.error),
            ));
        }
        lines
    }

    fn hint(&self) -> Option<String> {
        let (seed, id) = (&self.seed, self.id.as_deref().unwrap_or_default());
        match self.state {
            DelNodeState::NotEmpty => Some(format!(
                "it owns {} slots: empty it with `rcluster rebalance {seed} --weight {id}=0` or `rcluster reshard {seed} --from {id} --to ID --slots {}`",
                self.slot_count, self.slot_count
            )),
            DelNodeState::Removed if !self.failed.is_empty() => Some(format!(
                "nodes that did not forget {id} may bring it back through gossip: run `rcluster del-node {seed} {id}` again once they answer"
            )),
            _ => None,
        }
    }
}

impl Render for DelNodeReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let hint = self.hint().and_then(|text| hint_line(options, text));
        self.lines().into_iter().chain(hint).collect()
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        self.lines()
    }
}
