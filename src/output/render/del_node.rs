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
                lines.push(Line::new(Level::Err, not_empty(address)));
                return lines;
            }
            DelNodeState::HoldsKeys | DelNodeState::Moving => {
                lines.push(Line::new(Level::Err, self.unfinished_move()));
                return lines;
            }
            DelNodeState::FailoverIncomplete => {
                lines.push(Line::new(Level::Err, self.failover_incomplete()));
                return lines;
            }
            DelNodeState::Removed | DelNodeState::Replica | DelNodeState::ReplicaStuck => {}
        }
        if let Some(takeover) = self.failover.as_ref() {
            lines.push(Line::new(
                Level::Info,
                format!(
                    ">>> {} took over {} from {address} (CLUSTER FAILOVER)",
                    takeover.replica.address,
                    crate::words::counted(takeover.slot_count, "slot", "slots")
                ),
            ));
        }
        for repoint in &self.repointed {
            lines.push(Line::new(
                Level::Info,
                format!(">>> {} as replica of {}", repoint.replica, repoint.master),
            ));
        }
        match self.state {
            DelNodeState::Replica => {
                lines.extend(self.replica_lines());
                return lines;
            }
            DelNodeState::ReplicaStuck => {
                lines.extend(self.failure_lines());
                lines.push(Line::new(
                    Level::Err,
                    format!(
                        "[ERR] Nothing was forgotten: a replica that still follows {address} cannot forget it (Can't forget my master!)."
                    ),
                ));
                return lines;
            }
            _ => {}
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
        if self.shutdown == Some(true) {
            lines.push(Line::new(
                Level::Info,
                ">>> Stopped the deleted node (SHUTDOWN NOSAVE).",
            ));
        }
        if let Some(recheck) = &self.recheck {
            lines.push(recheck_line(recheck));
        }
        lines.extend(self.failure_lines());
        lines
    }

    fn failure_lines(&self) -> Vec<Line> {
        self.failed
            .iter()
            .map(|failure| {
                Line::new(
                    Level::Err,
                    format!("[ERR] {}: {}", failure.address, failure.error),
                )
            })
            .collect()
    }

    /// `--replicate-to`: the node follows the named master, and whether it holds its data.
    fn replica_lines(&self) -> Vec<Line> {
        let address = self.address.as_deref().unwrap_or_default();
        let Some(to) = &self.replicate_to else {
            return Vec::new();
        };
        let mut lines = vec![Line::new(
            Level::Info,
            format!(">>> {address} as replica of {}", to.master.address),
        )];
        if let Some(ms) = to.synced_ms {
            lines.push(Line::new(
                Level::Success,
                format!(
                    "[OK] {address} is a replica of {} and holds its data (every node agrees; {:.1} s).",
                    to.master.address,
                    ms as f64 / 1000.0
                ),
            ));
        }
        lines.extend(self.failure_lines());
        lines.extend(
            to.waiting_for
                .iter()
                .map(|missing| Line::new(Level::Err, format!("[ERR] {missing}"))),
        );
        lines
    }

    /// The failover of a master that owns slots did not finish: which phase was not reached.
    fn failover_incomplete(&self) -> String {
        let address = self.address.as_deref().unwrap_or_default();
        let Some(takeover) = &self.failover else {
            return format!("[ERR] The failover of {address} did not finish; it was not removed.");
        };
        let missing: Vec<&str> = (takeover.phases.iter())
            .filter(|p| p.ms.is_none())
            .map(|p| p.name)
            .collect();
        format!(
            "[ERR] The failover of {address} to {} did not finish within --wait (not reached: {}); {address} was not removed: look with `rcluster check {}`, then run del-node again",
            takeover.replica.address,
            missing.join(", "),
            self.seed
        )
    }

    /// Why a node taking part in a move is kept, and what to do, in one line.
    fn unfinished_move(&self) -> String {
        let address = self.address.as_deref().unwrap_or_default();
        let why = match (self.state, self.moving.split_first()) {
            (DelNodeState::Moving, Some((first, []))) => {
                format!("takes part in an unfinished move ({first})")
            }
            (DelNodeState::Moving, Some((first, rest))) => format!(
                "takes part in unfinished moves ({first}, and {} more)",
                rest.len()
            ),
            _ => format!(
                "holds {} but owns no slot (a move onto or off it is unfinished)",
                crate::words::counted(self.keys.unwrap_or_default(), "key", "keys")
            ),
        };
        let seed = &self.seed;
        format!(
            "[ERR] Node {address} {why}: let the move finish (`rcluster resume {seed}` completes an interrupted one) or repair it with `rcluster fix {seed}`, then remove the node"
        )
    }

    fn hint(&self) -> Option<String> {
        let (seed, id) = (&self.seed, self.id.as_deref().unwrap_or_default());
        match self.state {
            DelNodeState::NotEmpty => Some(self.not_empty_hint()),
            DelNodeState::Removed if !self.failed.is_empty() => Some(format!(
                "nodes that did not forget {id} may bring it back through gossip: run `rcluster del-node {seed} {id}` again once they answer"
            )),
            DelNodeState::Removed
                if self.reset != Some(true)
                    && self.shutdown != Some(true)
                    && self.recheck.is_none() =>
            {
                Some(format!(
                    "{id} was not reset: if it keeps running it can rejoin once the 60 s forget blacklist expires; stop it, or run del-node with --shutdown or --recheck"
                ))
            }
            _ => None,
        }
    }
}

impl DelNodeReport {
    /// How to empty a node that owns slots: toward `--replicate-to`'s master when one is named;
    /// otherwise a rebalance or reshard, or its replica taking over (`--yes`) when it has one.
    fn not_empty_hint(&self) -> String {
        let (seed, id) = (&self.seed, self.id.as_deref().unwrap_or_default());
        let count = self.slot_count;
        if let Some(to) = &self.replicate_to {
            return format!(
                "it owns {count} slots: move them first, then run this again: `rcluster reshard {seed} --from {id} --to {} --slots {count}`",
                to.master.id
            );
        }
        let emptied = format!(
            "it owns {count} slots: empty it with `rcluster rebalance {seed} --weight {id}=0` or `rcluster reshard {seed} --from {id} --to ID --slots {count}`"
        );
        match &self.heir {
            Some(heir) => format!(
                "{emptied}, or let its replica {heir} take them over and remove it: `rcluster del-node {seed} {id} --yes`"
            ),
            None => emptied,
        }
    }
}

/// What `--recheck` found once the forget blacklist had expired.
fn recheck_line(recheck: &crate::commands::del_node::Recheck) -> Line {
    if recheck.came_back.is_empty() {
        return Line::new(
            Level::Success,
            format!(
                "[OK] {} s later no node knows the deleted node again.",
                recheck.seconds
            ),
        );
    }
    Line::new(
        Level::Err,
        format!(
            "[ERR] {} s later {} knew the deleted node again (it is still running and knows the cluster); they were told to forget it again: stop the node, or run del-node again with --shutdown",
            recheck.seconds,
            recheck.came_back.join(", ")
        ),
    )
}

/// redis-cli's refusal of a node that is not empty.
fn not_empty(address: &str) -> String {
    format!("[ERR] Node {address} is not empty! Reshard data away and try again.")
}

impl Render for DelNodeReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let hint = self.hint().and_then(|text| hint_line(options, text));
        self.lines().into_iter().chain(hint).collect()
    }

    /// redis-cli refuses only a node that owns slots; a master holding keys gets the same words (it
    /// is not empty), a node in an unfinished move without keys gets rcluster's line.
    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        if self.state == DelNodeState::HoldsKeys {
            let address = self.address.as_deref().unwrap_or_default();
            return vec![Line::new(Level::Err, not_empty(address))];
        }
        self.lines()
    }
}
