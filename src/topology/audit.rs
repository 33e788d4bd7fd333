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

/// The remedy that sets `name` to `value` on every node and saves it in each node's config file
/// (`CONFIG SET` alone is lost at the next restart).
fn config_set(seed: &str, settings: &[(&str, &str)]) -> String {
    let mut steps: Vec<String> = settings
        .iter()
        .map(|(name, value)| format!("rcluster call {seed} CONFIG SET {name} {value}"))
        .collect();
    steps.push(format!("rcluster call {seed} CONFIG REWRITE"));
    steps.join(" && ")
}

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
                    config_set(seed, &[(*name, "VALUE")])
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
            remedy: Some(config_set(seed, &[("appendonly", "yes")])),
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
            remedy: Some(config_set(seed, &[("masterauth", "PASSWORD")])),
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
            message: format!("cluster-require-full-coverage yes on {}", crate::words::counted(full_coverage.len(), "node", "nodes")),
            why: "A trade-off: with it, one shard lost (a master and its replicas) stops writes to every slot; without it, the other shards keep serving.",
            remedy: Some(config_set(seed, &[("cluster-require-full-coverage", "no")])),
        });
    }
    let protected =
        each(&|s| get(s, "protected-mode") == "yes" && get(s, "requirepass").is_empty());
    if !protected.is_empty() {
        advice.push(Advice {
            level: Level::Note,
            topic: "settings",
            message: format!("protected-mode yes without a password on {}", crate::words::counted(protected.len(), "node", "nodes")),
            why: "Such a node answers only loopback clients: clients and tools on other hosts are refused (DENIED) while the cluster looks healthy from the node itself. Set masterauth before requirepass, or replicas can no longer sync from their masters.",
            remedy: Some(config_set(
                seed,
                // masterauth first: a replica must know the password before its master asks for it.
                &[("masterauth", "PASSWORD"), ("requirepass", "PASSWORD")],
            )),
        });
    }
    let disk_sync = each(&|s| get(s, "repl-diskless-sync") == "no");
    if !disk_sync.is_empty() {
        advice.push(Advice {
            level: Level::Note,
            topic: "settings",
            message: format!("repl-diskless-sync no on {}", crate::words::counted(disk_sync.len(), "node", "nodes")),
            why: "A trade-off: a replica's full sync (after a failover, or a new replica) first writes an RDB to the master's disk; diskless sends it straight over the network, usually faster.",
            remedy: Some(config_set(seed, &[("repl-diskless-sync", "yes")])),
        });
    }
    let unbounded = each(&|s| get(s, "maxmemory") == "0");
    if !unbounded.is_empty() {
        advice.push(Advice {
            level: Level::Note,
            topic: "settings",
            message: format!("maxmemory 0 (no bound) on {}", crate::words::counted(unbounded.len(), "node", "nodes")),
            why: "A trade-off: without a bound a node grows until the kernel kills it; with one, maxmemory-policy decides between refusing writes (noeviction) and evicting keys (allkeys-*).",
            remedy: Some(config_set(seed, &[("maxmemory", "BYTES")])),
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
            message: format!("{} with slots: fewer than 3", crate::words::counted(masters.len(), "master", "masters")),
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

/// The advice on failure domains: masters that share one (after failovers, or as built), and with
/// zones, replicas in their master's zone. `zone_of` gives a node's `--zone`; without zones, hosts
/// are compared by the machine they resolved to (`machines`). Pure.
pub fn audit_domains(
    view: &ClusterView,
    zone_of: &dyn Fn(&super::view::NodeView) -> Option<String>,
    machines: &crate::net::Machines,
) -> Vec<Advice> {
    let domain = |node: &super::view::NodeView| match zone_of(node) {
        Some(zone) => format!("zone {zone}"),
        None => format!("host {}", machines.of(&node.address.host)),
    };
    let mut advice = Vec::new();
    let masters: Vec<_> = view
        .loaded_masters()
        .filter(|m| !m.myself().slots.is_empty())
        .collect();
    let mut by_domain: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for master in &masters {
        by_domain
            .entry(domain(master))
            .or_default()
            .push(master.address.to_string());
    }
    let domains: std::collections::BTreeSet<String> = view.loaded().map(domain).collect();
    if domains.len() > 1 {
        for (place, held) in by_domain.iter().filter(|(_, held)| held.len() > 1) {
            advice.push(Advice {
                level: Level::Warning,
                topic: "placement",
                message: format!(
                    "{place} holds {} of the {} masters: {}",
                    held.len(),
                    masters.len(),
                    held.join(", ")
                ),
                why: "Losing it loses these masters at once; when they are half of the masters or more, the others cannot vote their replicas in.",
                remedy: Some("rcluster failover REPLICA:PORT    # a replica of one of them, elsewhere".into()),
            });
        }
    }
    let mut same_zone = Vec::new();
    for replica in view.loaded().filter(|n| n.myself().flags.replica) {
        let master = view.master_of(replica);
        let (Some(master), Some(zone)) = (master, zone_of(replica)) else {
            continue;
        };
        if zone_of(master).as_deref() == Some(zone.as_str()) {
            same_zone.push(format!(
                "{} -> {} (zone {zone})",
                replica.address, master.address
            ));
        }
    }
    if !same_zone.is_empty() {
        advice.push(Advice {
            level: Level::Warning,
            topic: "placement",
            message: format!(
                "{} in {} master's zone: {}",
                crate::words::counted(same_zone.len(), "replica", "replicas"),
                crate::words::plural(same_zone.len(), "its", "their"),
                same_zone.join(", ")
            ),
            why: "One zone lost loses the master and its replica together, and with them the slots.",
            remedy: Some("add a replica in another zone (rcluster add-node HOST:PORT SEED --replica --master-id ID), then remove this one".into()),
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

    #[test]
    fn protected_mode_without_a_password_and_disk_sync_are_notes() {
        let settings = [
            ("protected-mode", "yes"),
            ("requirepass", ""),
            ("repl-diskless-sync", "no"),
        ];
        let found = audit_settings(&[node("a:1", &settings)], "a:1");
        let messages: Vec<&str> = found.iter().map(|a| a.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "protected-mode yes without a password on 1 node",
                "repl-diskless-sync no on 1 node"
            ]
        );
        assert!(found.iter().all(|a| a.level == Level::Note));
    }
}
