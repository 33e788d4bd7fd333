//! `doctor`'s write-loss exposure: for each master, how much acknowledged writing a network
//! partition can lose, from its replication (asynchronous), `min-replicas-to-write` /
//! `min-replicas-max-lag` and `cluster-node-timeout`. It states the trade-off (availability
//! against loss), not a verdict: every piece is a note. Pure; called by `commands::doctor` with the
//! settings it read from every node.
//!
//! The rules, from the Redis Cluster specification and the servers' source:
//! - replication is asynchronous: a master acknowledges a write before any replica has it;
//! - a master cut off from the majority keeps accepting writes until it has not heard from the
//!   majority for `cluster-node-timeout` (it then marks the cluster failed on its side), while the
//!   majority elects one of its replicas after that timeout plus an election delay (about 1 s):
//!   every write it acknowledged in between is lost when it rejoins as a replica of the new master;
//! - with `min-replicas-to-write N` (N > 0) it refuses writes once fewer than N replicas have
//!   acknowledged within `min-replicas-max-lag` seconds: cut off from its replicas, it stops after
//!   about that lag plus a second (replicas acknowledge once a second; the partition drill measures
//!   it, docs/drills.md), which bounds the loss without closing it, at the price of refusing writes whenever fewer than N
//!   replicas are connected (a replica restarting, a resync);
//! - a master without replicas is not failed over: a partition makes its slots unavailable on the
//!   majority side, but it loses nothing.

use super::audit::{Advice, Level, Settings};
use super::view::ClusterView;
use std::collections::BTreeMap;

/// The settings this audit reads from every master (`CONFIG GET`).
pub const SETTINGS: &[&str] = &["min-replicas-to-write", "min-replicas-max-lag"];

/// What one master is exposed to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Exposure {
    /// No replica: a partition takes its slots down on the majority side; no write is lost.
    NoReplica,
    /// Writes go on for about the node timeout (ms) after it is cut off.
    NodeTimeout { node_timeout_ms: u64 },
    /// It stops after about the lag (s): `to_write` replicas must acknowledge within it.
    MinReplicas {
        to_write: u64,
        max_lag_s: u64,
        node_timeout_ms: u64,
    },
}

impl Exposure {
    fn of(replicas: usize, settings: &Settings) -> Option<Exposure> {
        let number = |name: &str| settings.get(name)?.trim().parse::<u64>().ok();
        let node_timeout_ms = number("cluster-node-timeout")?;
        if replicas == 0 {
            return Some(Exposure::NoReplica);
        }
        match number("min-replicas-to-write").unwrap_or(0) {
            0 => Some(Exposure::NodeTimeout { node_timeout_ms }),
            to_write => Some(Exposure::MinReplicas {
                to_write,
                max_lag_s: number("min-replicas-max-lag").unwrap_or(10),
                node_timeout_ms,
            }),
        }
    }

    /// The sentence for the masters that share this exposure.
    fn describe(&self, masters: &[String]) -> (String, &'static str) {
        let who = masters.join(", ");
        match self {
            Exposure::NoReplica => (
                format!(
                    "{who}: no replica, so no failover: a partition makes its slots unavailable on the majority side until it returns, and loses no acknowledged write"
                ),
                "Without a replica there is nobody to take over: availability is what a partition costs.",
            ),
            Exposure::NodeTimeout { node_timeout_ms } => (
                format!(
                    "{who}: asynchronous replication with min-replicas-to-write 0: cut off from the majority, it keeps acknowledging writes for about cluster-node-timeout ({:.1} s), while the majority promotes a replica after that timeout plus about 1 s; those writes are lost when it rejoins. min-replicas-to-write 1 with min-replicas-max-lag L bounds the loss to about L s, at the price of refusing writes whenever no replica is connected",
                    *node_timeout_ms as f64 / 1000.0
                ),
                "A partition is not a crash: the isolated master stays alive and answers its clients until it gives up, and the side that wins discards what it accepted.",
            ),
            Exposure::MinReplicas {
                to_write,
                max_lag_s,
                node_timeout_ms,
            } => {
                // Replicas acknowledge once a second, and the lag is counted in whole seconds.
                let bound = (*max_lag_s as f64 + 1.0).min(*node_timeout_ms as f64 / 1000.0);
                (
                    format!(
                        "{who}: min-replicas-to-write {to_write}, min-replicas-max-lag {max_lag_s} s: cut off from its replicas, it refuses writes after at most about {bound:.1} s, so a partition loses at most that much acknowledged writing (not zero: only a client that waits for its replicas with WAIT loses none); the price: writes fail whenever fewer than {to_write} replica(s) acknowledge within {max_lag_s} s (a restart, a full resync)"
                    ),
                    "Requiring replicas to acknowledge trades availability for a bound on what a partition can lose.",
                )
            }
        }
    }
}

/// One note per group of masters with the same exposure (`nodes`: every node's settings by
/// address, as `doctor` read them; a master whose settings were not read is left out).
pub fn audit_write_loss(nodes: &[(String, Settings)], view: &ClusterView) -> Vec<Advice> {
    let settings: BTreeMap<&str, &Settings> = nodes.iter().map(|(a, s)| (a.as_str(), s)).collect();
    let mut groups: BTreeMap<Exposure, Vec<String>> = BTreeMap::new();
    for master in view
        .loaded_masters()
        .filter(|m| !m.myself().slots.is_empty())
    {
        let address = master.address.to_string();
        let Some(read) = settings.get(address.as_str()) else {
            continue;
        };
        let replicas = view.loaded_replica_count(master.id());
        if let Some(exposure) = Exposure::of(replicas, read) {
            groups.entry(exposure).or_default().push(address);
        }
    }
    groups
        .into_iter()
        .map(|(exposure, mut masters)| {
            // In address order (host, then port as a number), whatever order the view holds.
            masters.sort_by_key(|address| {
                let (host, port) = address.rsplit_once(':').unwrap_or((address, "0"));
                (host.to_string(), port.parse::<u16>().unwrap_or(0))
            });
            let (message, why) = exposure.describe(&masters);
            Advice {
                level: Level::Note,
                topic: "write loss",
                message,
                why,
                remedy: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_window_follows_min_replicas_and_the_node_timeout() {
        let plain = settings(&[
            ("cluster-node-timeout", "15000"),
            ("min-replicas-to-write", "0"),
        ]);
        assert_eq!(
            Exposure::of(1, &plain),
            Some(Exposure::NodeTimeout {
                node_timeout_ms: 15000
            })
        );
        let (message, _) = Exposure::of(1, &plain).unwrap().describe(&["a:1".into()]);
        assert!(
            message.contains("about cluster-node-timeout (15.0 s)"),
            "{message}"
        );
        let guarded = settings(&[
            ("cluster-node-timeout", "15000"),
            ("min-replicas-to-write", "1"),
            ("min-replicas-max-lag", "2"),
        ]);
        let (message, _) = Exposure::of(1, &guarded).unwrap().describe(&["a:1".into()]);
        assert!(
            message.contains("refuses writes after at most about 3.0 s"),
            "{message}"
        );
        let short = settings(&[
            ("cluster-node-timeout", "1000"),
            ("min-replicas-to-write", "1"),
            ("min-replicas-max-lag", "10"),
        ]);
        let (message, _) = Exposure::of(1, &short).unwrap().describe(&["a:1".into()]);
        assert!(
            message.contains("after at most about 1.0 s"),
            "the timeout bounds it too: {message}"
        );
        assert_eq!(Exposure::of(0, &guarded), Some(Exposure::NoReplica));
        assert_eq!(
            Exposure::of(1, &settings(&[])),
            None,
            "unread settings say nothing"
        );
    }
}
