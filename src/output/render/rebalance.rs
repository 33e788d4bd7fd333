//! `rebalance`'s views: redis-cli's plan lines (the header, each master's balance with `-v`, one line
//! per transfer) and its "No rebalancing needed!" line. redis-cli's `#` per slot follows each
//! transfer only in its syntax; natively the bar shows the moves while they run.

use super::{Render, RenderOptions};
use crate::commands::rebalance::{Balance, RebalanceNotNeeded, RebalancePlanReport};
use crate::output::{Level, Line};

impl Render for RebalancePlanReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        self.lines(options, false)
    }

    fn redis_cli(&self, options: &RenderOptions) -> Vec<Line> {
        self.lines(options, true)
    }
}

impl RebalancePlanReport {
    fn lines(&self, options: &RenderOptions, hashes: bool) -> Vec<Line> {
        let unit = match self.by {
            Balance::Memory => "bytes",
            _ => "keys",
        };
        let mut lines = vec![Line::new(
            Level::Info,
            format!(
                ">>> Rebalancing across {} nodes. Total weight = {:.2}",
                self.balances.len(),
                self.total_weight
            ),
        )];
        if options.verbose > 0 {
            let measure = if self.by == Balance::Slots {
                "slots"
            } else {
                unit
            };
            lines.extend(self.balances.iter().map(|b| {
                Line::plain(format!(
                    "{} balance is {} {measure}",
                    b.node.address, b.balance
                ))
            }));
        }
        for transfer in &self.transfers {
            let load = transfer
                .load
                .map(|load| format!(" ({load} {unit})"))
                .unwrap_or_default();
            lines.push(Line::plain(format!(
                "Moving {} slots{load} from {} to {}",
                transfer.slot_count, transfer.source.address, transfer.target.address
            )));
            if hashes {
                lines.push(Line::plain("#".repeat(transfer.slot_count)));
            }
        }
        lines
    }
}

impl Render for RebalanceNotNeeded {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        vec![Line::new(
            Level::Warn,
            format!(
                "*** No rebalancing needed! All nodes are within the {:.2}% threshold.",
                self.threshold
            ),
        )]
    }
}
