//! `doctor`'s audit beyond `check`: the production rules of the seed's guide, as pure functions of
//! what the exec layer read (every node's settings, secrets reduced to set/unset before they get
//! here) and of the view (placement). Each piece of advice has a level, the nodes concerned, why it
//! matters, and what deals with it. Called by `commands::doctor`.

use super::view::ClusterView;
use serde::Serialize;
use std::collections::BTreeMap;

/// How much a piece of advice weighs: a warning makes `doctor` exit 1, a note does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Note,
}

/// One piece of advice.
#[derive(Debug, Clone, Serialize)]
pub struct Advice {
    pub level: Level,
    /// `settings`, `placement` or `permissions`.
    pub topic: &'static str,
    pub message: String,
    /// Why it matters for availability or data.
    pub why: &'static str,
    /// A command or setting that deals with it.
    pub remedy: Option<String>,
}

/// The settings read from every node (`CONFIG GET`); the secrets among them are read only as
/// whether they are set.
pub const SETTINGS: &[&str] = &[
    "cluster-node-timeout",
    "cluster-require-full-coverage",
    "cluster-allow-reads-when-down",
    "appendonly",
    "appendfsync",
    "save",
    "maxmemory",
    "maxmemory-policy",
    "protected-mode",
    "tcp-keepalive",
    "repl-diskless-sync",
];

/// Settings whose values are secrets: only "set" or "" reaches the audit.
pub use crate::net::SECRET_SETTINGS;

/// One node's settings by name.
pub type Settings = BTreeMap<String, String>;

/// The advice on the settings of every node (`address`, settings). Pure.
pub fn audit_settings(nodes: &[(String, Settings)], seed: &str) -> Vec<Advice> {
    let mut advice = Vec::new();
    for name in SETTINGS.iter().chain(SECRET_SETTINGS) {
        let mut values: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (address, settings) in nodes {
            if let Some(value) = settings.get(*name) {
                values
                    .entry(value.as_str())
                    .or_default()
                    .push(address.as_str());
            }
        }
        if values.len() > 1 {
            let shown: Vec<String> = values
                .iter()
                .map(|(value, at)| format!("{value:?} on {}", at.join(", ")))
                .collect();
            advice.push(Advice {
                level: Level::Warning,
                topic: "settings",
                message: format!("{name} differs between nodes: {}", shown.join("; ")),
                why: "Nodes that are configured differently behave differently once a failover or a reshard puts them in charge.",
                remedy: Some(if *name == "cluster-node-timeout" {
                    format!("rcluster set-timeout {seed} MILLISECONDS")
                } else {
                    format!("rcluster call {seed} CONFIG SET {name} VALUE")
                }),
            });
        }
    }
    let each = |test: &dyn Fn(&Settings) -> bool| -> Vec<&str> {
        nodes
            .iter()
            .filter(|(_, s)| test(s))
            .map(|(a, _)| a.as_str())
            .collect()
    };
    let get = |s: &Settings, name: &str| s.get(name).cloned().unwrap_or_default();
    let volatile = each(&|s| get(s, "appendonly") == "no" && get(s, "save").is_empty());
    if !volatile.is_empty() {
        advice.push(Advice {
            level: Level::Warning,
            topic: "settings",
            message: format!("no persistence (appendonly no, save \"\") on {}", volatile.join(", ")),
            why: "A node that restarts comes back empty; if it was a master whose replica is also gone, its keys are lost.",
            remedy: Some(format!("rcluster call {seed} CONFIG SET appendonly yes")),
        });
    }
    let no_masterauth =
        each(&|s| !get(s, "requirepass").is_empty() && get(s, "masterauth").is_empty());
    if !no_masterauth.is_empty() {
        advice.push(Advice {
            level: Level::Warning,
            topic: "settings",
            message: format!("requirepass without masterauth on {}", no_masterauth.join(", ")),
            why: "After a failover the node becomes a replica of a master that asks for a password it does not have: it cannot sync.",
            remedy: Some(format!("rcluster call {seed} CONFIG SET masterauth PASSWORD")),
        });
    }
    let timeouts = each(&|s| {
        get(s, "cluster-node-timeout")
            .parse::<u64>()
            .is_ok_and(|ms| !(1000..=60000).contains(&ms))
    });
    if !timeouts.is_empty() {
        advice.push(Advice {
            level: Level::Warning,
            topic: "settings",
            message: format!("cluster-node-timeout below 1 s or above 60 s on {}", timeouts.join(", ")),
            why: "Too short and a busy node is failed over for nothing; too long and a dead master's slots stay down that long.",
            remedy: Some(format!("rcluster set-timeout {seed} 15000")),
        });
    }
    let full_coverage = each(&|s| get(s, "cluster-require-full-coverage") == "yes");
    if !full_coverage.is_empty() {
        advice.push(Advice {
            level: Level::Note,
            topic: "settings",
            message: format!("cluster-require-full-coverage yes on {} node(s)", full_coverage.len()),
            why: "A trade-off: with it, one shard lost (a master and its replicas) stops writes to every slot; without it, the other shards keep serving.",
            remedy: Some(format!("rcluster call {seed} CONFIG SET cluster-require-full-coverage no")),
        });
    }
    let unbounded = each(&|s| get(s, "maxmemory") == "0");
    if !unbounded.is_empty() {
        advice.push(Advice {
            level: Level::Note,
            topic: "settings",
            message: format!("maxmemory 0 (no bound) on {} node(s)", unbounded.len()),
            why: "A trade-off: without a bound a node grows until the kernel kills it; with one, maxmemory-policy decides between refusing writes (noeviction) and evicting keys (allkeys-*).",
            remedy: Some(format!("rcluster call {seed} CONFIG SET maxmemory BYTES")),
        });
    }
    advice
}

/// The advice on where masters and replicas are. Pure.
pub fn audit_placement(view: &ClusterView) -> Vec<Advice> {
    let masters: Vec<_> = view
        .loaded_masters()
        .filter(|m| !m.myself().slots.is_empty())
        .collect();
    let mut advice = Vec::new();
    if masters.len() < 3 {
        advice.push(Advice {
            level: Level::Warning,
            topic: "placement",
            message: format!("{} master(s) with slots: fewer than 3", masters.len()),
            why: "Failing a master over needs the votes of a majority of masters; with fewer than 3, losing one can leave no majority.",
            remedy: Some("rcluster add-node NEW_HOST:PORT SEED, then rcluster rebalance SEED --use-empty-masters".into()),
        });
    } else if masters.len() % 2 == 0 {
        advice.push(Advice {
            level: Level::Warning,
            topic: "placement",
            message: format!("{} masters: an even number", masters.len()),
            why: "A majority of an even number of masters survives no more failures than one master fewer: a split into halves leaves neither side able to fail over.",
            remedy: Some("add or remove one master (add-node / del-node after a rebalance)".into()),
        });
    }
    let counts: Vec<usize> = masters
        .iter()
        .map(|m| view.loaded_replica_count(m.id()))
        .collect();
    if counts.iter().any(|c| *c > 0) && counts.iter().min() != counts.iter().max() {
        advice.push(Advice {
            level: Level::Note,
            topic: "placement",
            message: format!("uneven replica counts per master: {counts:?}"),
            why: "The masters with fewer replicas are the first to lose their slots when nodes fail.",
            remedy: Some("rcluster add-node NEW_HOST:PORT SEED --replica (replicas go to the master with fewest)".into()),
        });
    }
    advice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(address: &str, pairs: &[(&str, &str)]) -> (String, Settings) {
        (
            address.into(),
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn finds_differences_missing_persistence_and_masterauth() {
        let good = [
            ("cluster-node-timeout", "15000"),
            ("appendonly", "yes"),
            ("save", ""),
            ("requirepass", "set"),
            ("masterauth", "set"),
            ("maxmemory", "100mb"),
            ("cluster-require-full-coverage", "no"),
        ];
        let clean = audit_settings(&[node("a:1", &good), node("b:1", &good)], "a:1");
        assert!(clean.is_empty(), "{clean:?}");
        let mut bad = good.to_vec();
        bad[0] = ("cluster-node-timeout", "500");
        bad[1] = ("appendonly", "no");
        bad[4] = ("masterauth", "");
        let found = audit_settings(&[node("a:1", &good), node("b:1", &bad)], "a:1");
        let messages: Vec<&str> = found.iter().map(|a| a.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("cluster-node-timeout differs")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.starts_with("no persistence")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("requirepass without masterauth on b:1")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("below 1 s")),
            "{messages:?}"
        );
        assert!(found.iter().all(|a| a.level == Level::Warning));
    }
}
