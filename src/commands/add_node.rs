//! `rcluster add-node NEW:PORT EXISTING:PORT [--replica [--master-id ID]]`: check the cluster, inspect
//! the new node (reachable, cluster mode, empty), copy Redis Functions to a new master, MEET, and wait
//! (bounded) until every node knows the new one and none suspects it, so that a rebalance started
//! right after does not meet CLUSTERDOWN. With `--replica`, attach it to the given master or to the
//! master with the fewest replicas (preferring another host).

use super::{Context, check::check_view, seed_address};
use crate::error::{Exit, UsageError};
use crate::exec::create::{NewNode, inspect_new_nodes, resolve};
use crate::exec::poll_until;
use crate::net::{NodeAddress, Session};
use crate::output::legacy::json;
use crate::output::{Level, Line, human};
use crate::topology::check::owner_map;
use crate::topology::load::load_tables;
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Arguments of `add-node`.
#[derive(Debug, clap::Args)]
pub struct AddNodeArgs {
    /// The new, empty node (HOST:PORT).
    pub new_node: String,
    /// Any node of the cluster (HOST:PORT).
    pub existing_node: String,
    /// Add the node as a replica.
    #[arg(long)]
    pub replica: bool,
    /// The master the replica follows (id or unique id prefix); default: the master with the fewest
    /// replicas. Ignored without --replica, as redis-cli ignores it.
    #[arg(long)]
    pub master_id: Option<String>,
    /// Bound on waiting for every node to know the new one.
    #[arg(long, default_value = "30s", value_parser = crate::cli::args::parse_duration, value_name = "TIME")]
    pub wait: Duration,
}

/// Runs `add-node`.
pub async fn run(context: &Context, args: &AddNodeArgs) -> anyhow::Result<Exit> {
    let new_address = NodeAddress::parse(&args.new_node, None)?;
    let seed = seed_address(&args.existing_node, None)?;
    let out = |lines: Vec<Line>| {
        if !context.output.json {
            context.output.print_lines(&lines);
        }
    };
    out(vec![Line::new(
        Level::Info,
        format!(">>> Adding node {new_address} to cluster {seed}"),
    )]);
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, false).await?;
    out(human::render_check(&report, context.output.compat));
    if !report.is_clean_for_redis_cli() {
        context.output.hint(&format!(
            "the cluster has problems: repair them first with `rcluster fix {seed}`"
        ));
        return Ok(Exit::Problems);
    }
    let new_node = inspect_new_nodes(&context.session, std::slice::from_ref(&new_address))
        .await?
        .remove(0);
    let master = if args.replica {
        let master = choose_master(&view, args.master_id.as_deref(), &new_node)?;
        if args.master_id.is_none() {
            out(vec![Line::new(
                Level::Plain,
                format!("Automatically selected master {}", master.address),
            )]);
        }
        Some((master.id().to_string(), master.address.clone()))
    } else {
        copy_functions(context, &seed, &new_node, &out).await?;
        None
    };
    out(vec![Line::new(
        Level::Info,
        format!(">>> Send CLUSTER MEET to node {new_address} to make it join the cluster."),
    )]);
    meet(context, &view, &seed, &new_node).await?;
    let members: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    wait_until_known(&context.session, &members, &new_node, args.wait).await?;
    if let Some((master_id, master_address)) = &master {
        out(vec![Line::new(
            Level::Info,
            format!(">>> Configure node as replica of {master_address}."),
        )]);
        let mut client = context.session.client(&new_address).await?;
        client
            .query::<()>(&["CLUSTER", "REPLICATE", master_id])
            .await?;
    }
    out(vec![Line::new(
        Level::Success,
        "[OK] New node added correctly.",
    )]);
    if context.output.json {
        json::print_json(&serde_json::json!({
            "ok": true, "address": new_address.to_string(), "id": new_node.id,
            "role": if master.is_some() { "replica" } else { "master" },
            "master": master.as_ref().map(|(id, _)| id),
        }));
    }
    Ok(Exit::Ok)
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
    out: &impl Fn(Vec<Line>),
) -> anyhow::Result<()> {
    out(vec![Line::new(
        Level::Info,
        ">>> Getting functions from cluster",
    )]);
    let dump = context.session.client(seed).await?.function_dump().await;
    let payload = match dump {
        Ok(payload) => payload,
        Err(error) => {
            out(vec![Line::new(
                Level::Info,
                format!(
                    ">>> Failed retrieving Functions from the cluster, skip this step as Redis version do not support function command (error = '{error}')"
                ),
            )]);
            return Ok(());
        }
    };
    let address = &new_node.address;
    out(vec![Line::new(
        Level::Info,
        format!(">>> Send FUNCTION LIST to {address} to verify there is no functions in it"),
    )]);
    let mut client = context.session.client(address).await?;
    if client.function_library_count().await? > 0 {
        return Err(UsageError(format!(
            "New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again. ({address}: node already contains functions)"
        ))
        .into());
    }
    out(vec![Line::new(
        Level::Info,
        format!(">>> Send FUNCTION RESTORE to {address}"),
    )]);
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
    let mut args = vec![
        "CLUSTER".to_string(),
        "MEET".into(),
        ip,
        seed.port.to_string(),
    ];
    let seed_bus = view.nodes.first().and_then(|n| n.myself().addr.bus_port);
    if let Some(bus) = seed_bus.filter(|&bus| u32::from(bus) != u32::from(seed.port) + 10000) {
        args.push(bus.to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    context
        .session
        .client(&new_node.address)
        .await?
        .query::<()>(&args)
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
