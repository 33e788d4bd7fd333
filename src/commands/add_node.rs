//! `rcluster add-node NEW:PORT EXISTING:PORT [--replica [--master-id ID]]`: check the cluster, inspect
//! the new node (reachable, cluster mode, empty), copy Redis Functions to a new master, MEET, and wait
//! (bounded) until every node knows the new one and none suspects it, so that a rebalance started
//! right after does not meet CLUSTERDOWN. With `--replica`, attach it to the given master or to the
//! master with the fewest replicas (preferring another host). The choice is made here
//! ([`choose_master`], pure); the MEET, the wait, the function copy and the REPLICATE are
//! `exec::membership`'s.

use super::{Context, check::check_view};
use crate::error::{Exit, UsageError};
use crate::exec::create::{NewNode, inspect_new_nodes};
use crate::exec::membership::{copy_functions, meet, replicate, wait_until_known};
use crate::net::NodeAddress;
use crate::report::Outcome;
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;
use std::time::Duration;

/// What `add-node` is asked to do, validated (built by `crate::cli::args::add_node`).
#[derive(Debug)]
pub struct Options {
    /// The new, empty node.
    pub new_node: NodeAddress,
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub replica: bool,
    /// The master a new replica follows (id or unique prefix).
    pub master_id: Option<String>,
    pub wait: Duration,
    /// A new replica: return only once it holds its master's data.
    pub wait_sync: bool,
}

/// What `add-node` did.
#[derive(Debug, Serialize)]
pub struct AddNodeReport {
    /// The cluster node given on the command line.
    pub seed: String,
    /// The new node.
    pub address: String,
    /// `false` when the cluster had problems and the node was not added.
    pub added: bool,
    pub id: Option<String>,
    /// `master` or `replica`.
    pub role: Option<&'static str>,
    /// The master a new replica follows.
    pub master: Option<Master>,
    /// How long a new replica's first sync took (milliseconds); `null` when not waited for.
    pub synced_ms: Option<u128>,
}

/// A node named by both id and address.
#[derive(Debug, Serialize)]
pub struct Master {
    pub id: String,
    pub address: String,
}

impl AddNodeReport {
    fn refused(address: &NodeAddress, seed: &NodeAddress) -> AddNodeReport {
        AddNodeReport {
            seed: seed.to_string(),
            address: address.to_string(),
            added: false,
            id: None,
            role: None,
            master: None,
            synced_ms: None,
        }
    }
}

/// Runs `add-node`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let new_address = options.new_node.clone();
    let seed = options.seed.clone();
    context
        .ui
        .step(&format!("Adding node {new_address} to cluster {seed}"));
    let view = load_cluster_view(&context.session, &seed).await?;
    let _lock = super::take_lock(context, &view, "add-node").await?;
    let report = check_view(context, &view, false).await?;
    context
        .ui
        .section(&super::check::CheckSection::new(&report));
    if !report.is_clean_for_redis_cli() {
        return Ok(Outcome::clean_if(
            AddNodeReport::refused(&new_address, &seed),
            false,
        ));
    }
    let new_node = inspect_new_nodes(&context.session, std::slice::from_ref(&new_address))
        .await?
        .remove(0);
    let master = if options.replica {
        let master = choose_master(&view, options.master_id.as_deref(), &new_node)?;
        if options.master_id.is_none() {
            context
                .ui
                .notice(&format!("Automatically selected master {}", master.address));
        }
        Some((master.id().to_string(), master.address.clone()))
    } else {
        copy_functions(&context.session, context.ui.as_ref(), &seed, &new_node).await?;
        None
    };
    context.ui.step(&format!(
        "Send CLUSTER MEET to node {new_address} to make it join the cluster."
    ));
    meet(&context.session, &view, &seed, &new_node).await?;
    if master.is_some() {
        // redis-cli waits for a replica to join (and says so); for a master it does not wait.
        context.ui.notice("Waiting for the cluster to join\n");
    }
    let members: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    wait_until_known(&context.session, &members, &new_node, options.wait).await?;
    if let Some((master_id, master_address)) = &master {
        context
            .ui
            .step(&format!("Configure node as replica of {master_address}."));
        replicate(&context.session, &new_address, master_id).await?;
    }
    let synced_ms = match &master {
        Some((_, master_address)) if options.wait_sync => {
            let pair = [(new_address.clone(), master_address.clone())];
            match crate::exec::replicas::wait_until_synced(&context.session, &pair, options.wait)
                .await
            {
                Ok(took) => Some(took.as_millis()),
                Err(behind) => {
                    anyhow::bail!(
                        "{} after {} s: a failover to it would lose its master's keys; `rcluster check` shows when it is in sync",
                        behind.join("; "),
                        options.wait.as_secs()
                    )
                }
            }
        }
        _ => None,
    };
    Ok(Outcome::new(
        AddNodeReport {
            seed: seed.to_string(),
            address: new_address.to_string(),
            added: true,
            id: Some(new_node.id.clone()),
            role: Some(if master.is_some() {
                "replica"
            } else {
                "master"
            }),
            master: master.map(|(id, address)| Master {
                id,
                address: address.to_string(),
            }),
            synced_ms,
        },
        Exit::Ok,
    ))
}

/// The master named by `master_id` (id or unique prefix), or the one with the fewest replicas,
/// preferring a master on another host than the new node.
fn choose_master<'a>(
    view: &'a ClusterView,
    master_id: Option<&str>,
    new_node: &NewNode,
) -> anyhow::Result<&'a NodeView> {
    let masters: Vec<&NodeView> = view.loaded_masters().collect();
    if let Some(wanted) = master_id {
        return view
            .find_node(wanted, |n| n.is_loaded() && n.is_master())
            .ok_or_else(|| {
                UsageError(format!(
                    "[ERR] No such master ID {wanted}; `rcluster check {}` lists the masters' ids",
                    view.seed
                ))
                .into()
            });
    }
    masters
        .into_iter()
        .min_by_key(|m| {
            (
                view.loaded_replica_count(m.id()),
                m.address.host == new_node.address.host || m.address.host == new_node.ip,
            )
        })
        .ok_or_else(|| UsageError("the cluster has no master to replicate".into()).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::fixtures::view;

    fn new_node(host: &str) -> NewNode {
        NewNode {
            address: NodeAddress::new(host, 42010),
            id: "0".repeat(40),
            ip: host.to_string(),
            bus_port: None,
        }
    }

    #[test]
    fn a_new_replica_follows_the_master_named_or_the_one_with_fewest_replicas() {
        // 42005, the replica of 2ce1 (42002), does not answer: 2ce1 has the fewest.
        let view = view("healthy_3m3r.txt", &[], &[42005]);
        let chosen = choose_master(&view, None, &new_node("10.0.0.9")).unwrap();
        assert_eq!(chosen.address.port, 42002);
        let named = choose_master(&view, Some("fb5c8687ae"), &new_node("10.0.0.9")).unwrap();
        assert_eq!(named.address.port, 42003);
        let replica = choose_master(&view, Some("a8ae89c59c07"), &new_node("10.0.0.9"));
        let refused = replica.unwrap_err().to_string();
        assert!(refused.starts_with("[ERR] No such master ID"), "{refused}");
    }

    #[test]
    fn among_equals_a_master_on_another_host_is_preferred() {
        let mut view = view("healthy_3m3r.txt", &[], &[]);
        // Every master has one replica: the first wins, unless it shares the new node's host.
        let first = choose_master(&view, None, &new_node("10.0.0.9"))
            .unwrap()
            .id()
            .to_string();
        let shared = view.nodes.iter_mut().find(|n| n.id() == first).unwrap();
        shared.address.host = "10.0.0.9".into();
        let chosen = choose_master(&view, None, &new_node("10.0.0.9")).unwrap();
        assert_ne!(chosen.id(), first);
        assert!(chosen.is_master());
    }
}
