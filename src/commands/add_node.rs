//! `rcluster add-node NEW:PORT EXISTING:PORT [--replica [--master-id ID]]`: check the cluster, inspect
//! the new node (reachable, cluster mode, empty), copy Redis Functions to a new master, MEET, and wait
//! (bounded) until every node knows the new one and none suspects it, so that a rebalance started
//! right after does not meet CLUSTERDOWN. With `--replica`, attach it to the given master or to the
//! master with the fewest replicas (preferring another host).

use super::{Context, check::check_view};
use crate::error::{Exit, UsageError};
use crate::exec::create::{NewNode, inspect_new_nodes, resolve};
use crate::exec::poll_until;
use crate::net::{NodeAddress, Session};
use crate::report::Outcome;
use crate::topology::check::owner_map;
use crate::topology::load::load_tables;
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
        copy_functions(context, &seed, &new_node).await?;
        None
    };
    context.ui.step(&format!(
        "Send CLUSTER MEET to node {new_address} to make it join the cluster."
    ));
    meet(context, &view, &seed, &new_node).await?;
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
        let mut client = context.session.client(&new_address).await?;
        client
            .query::<()>(&["CLUSTER", "REPLICATE", master_id])
            .await?;
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

/// redis-cli's function copy for a new master: dump from the cluster, refuse a node that has functions,
/// restore the dump.
async fn copy_functions(
    context: &Context,
    seed: &NodeAddress,
    new_node: &NewNode,
) -> anyhow::Result<()> {
    context.ui.step("Getting functions from cluster");
    let dump = context.session.client(seed).await?.function_dump().await;
    let payload = match dump {
        Ok(payload) => payload,
        Err(error) => {
            context.ui.step(&format!(
                    "Failed retrieving Functions from the cluster, skip this step as Redis version do not support function command (error = '{error}')"
                ));
            return Ok(());
        }
    };
    let address = &new_node.address;
    context.ui.step(&format!(
        "Send FUNCTION LIST to {address} to verify there is no functions in it"
    ));
    let mut client = context.session.client(address).await?;
    if client.function_library_count().await? > 0 {
        return Err(UsageError(format!(
            "New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again. ({address}: node already contains functions)"
        ))
        .into());
    }
    context
        .ui
        .step(&format!("Send FUNCTION RESTORE to {address}"));
    client.function_restore(&payload).await?;
    Ok(())
}

/// The new node meets the seed (by IP, with the seed's bus port when it is not port+10000).
async fn meet(
    context: &Context,
    view: &ClusterView,
    seed: &NodeAddress,
    new_node: &NewNode,
) -> anyhow::Result<()> {
    let ip = resolve(seed).await?;
    let mut meet = vec![
        "CLUSTER".to_string(),
        "MEET".into(),
        ip,
        seed.port.to_string(),
    ];
    let seed_bus = view.nodes.first().and_then(|n| n.myself().addr.bus_port);
    if let Some(bus) = seed_bus.filter(|&bus| u32::from(bus) != u32::from(seed.port) + 10000) {
        meet.push(bus.to_string());
    }
    let words: Vec<&str> = meet.iter().map(String::as_str).collect();
    context
        .session
        .client(&new_node.address)
        .await?
        .query::<()>(&words)
        .await?;
    Ok(())
}

/// Waits (20 ms polls) until every member lists the new node without `handshake`, `fail?` or `fail`,
/// the new node lists every member, all agree on who owns which slots, and the new node says
/// `cluster_state:ok` (a node holds it at `fail` for its first 2 s; slots moved to it before then
/// fail with CLUSTERDOWN).
async fn wait_until_known(
    session: &Arc<Session>,
    members: &[NodeAddress],
    new_node: &NewNode,
    limit: Duration,
) -> anyhow::Result<()> {
    let mut everyone = members.to_vec();
    everyone.push(new_node.address.clone());
    let expected = everyone.len();
    let settled = || async {
        let tables = load_tables(session, &everyone).await;
        let mut signatures = Vec::new();
        for table in &tables {
            let Some(entries) = table else { return false };
            let healthy = entries
                .iter()
                .filter(|e| !e.flags.handshake && !e.flags.pfail && !e.flags.fail);
            if healthy.count() != expected || !entries.iter().any(|e| e.id == new_node.id) {
                return false;
            }
            signatures.push(owner_map(entries));
        }
        let agreed = signatures.windows(2).all(|pair| pair[0] == pair[1]);
        agreed && cluster_state_ok(session, &new_node.address).await
    };
    if poll_until(Instant::now() + limit, settled).await {
        return Ok(());
    }
    anyhow::bail!(
        "{} met the cluster but not every node knows it after {} s; it may still join: check with `rcluster check {}`",
        new_node.address,
        limit.as_secs(),
        new_node.address
    )
}

async fn cluster_state_ok(session: &Arc<Session>, address: &NodeAddress) -> bool {
    let Ok(mut client) = session.client(address).await else {
        return false;
    };
    client
        .cluster_info()
        .await
        .is_ok_and(|info| info.get("cluster_state").map(String::as_str) == Some("ok"))
}
