//! `rcluster del-node HOST:PORT NODE_ID`: remove a node that owns no slots, also when it is dead or
//! unreachable. Its replicas are re-pointed first, then every other node forgets it at once (so it cannot
//! come back through gossip), and the node itself is reset when it answers.

use super::{Context, seed_address};
use crate::error::{Exit, UsageError};
use crate::net::{NetError, NodeAddress, concurrently};
use crate::output::legacy::json;
use crate::output::{Level, Line};
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;
use std::sync::Arc;

/// Arguments of `del-node`.
#[derive(Debug, clap::Args)]
pub struct DelNodeArgs {
    /// Any node of the cluster (HOST:PORT).
    pub node: String,
    /// The id of the node to remove (the full id, or a prefix that names one node).
    pub node_id: String,
}

/// What `del-node` did.
#[derive(Debug, Default, Serialize)]
struct DelNodeReport {
    ok: bool,
    id: String,
    address: String,
    /// (replica, new master) pairs.
    repointed: Vec<(String, String)>,
    forgot: Vec<String>,
    /// Nodes that could not be told to forget, with why.
    failed: Vec<(String, String)>,
    reset: Option<bool>,
}

/// Runs `del-node`.
pub async fn run(context: &Context, args: &DelNodeArgs) -> anyhow::Result<Exit> {
    let seed = seed_address(&args.node, None)?;
    let mut lines = vec![Line::new(
        Level::Info,
        format!(">>> Removing node {} from cluster {seed}", args.node_id),
    )];
    let view = load_cluster_view(&context.session, &seed).await?;
    let Some(doomed) = view.find_node(&args.node_id, |_| true) else {
        if context.output.compat {
            lines.push(Line::new(
                Level::Err,
                format!("[ERR] No such node ID {}", args.node_id),
            ));
            context.output.print_lines(&lines);
            return Ok(Exit::Problems);
        }
        return Err(UsageError(format!(
            "no node with id '{}' in the cluster of {seed}; `rcluster check {seed}` lists the ids",
            args.node_id
        ))
        .into());
    };
    let owned = doomed.myself().slots.clone();
    if !owned.is_empty() {
        lines.push(Line::new(
            Level::Err,
            format!(
                "[ERR] Node {} is not empty! Reshard data away and try again.",
                doomed.address
            ),
        ));
        context.output.print_lines(&lines);
        context.output.hint(&format!(
            "it owns {} slots: empty it with `rcluster rebalance {seed} --weight {}=0` or `rcluster reshard {seed} --from {} --to ID --slots {}`",
            owned.len(),
            doomed.id(),
            doomed.id(),
            owned.len()
        ));
        return Ok(Exit::Problems);
    }
    let mut report = DelNodeReport {
        id: doomed.id().to_string(),
        address: doomed.address.to_string(),
        ..DelNodeReport::default()
    };
    repoint_replicas(context, &view, doomed, &mut report, &mut lines).await;
    lines.push(Line::new(
        Level::Info,
        ">>> Sending CLUSTER FORGET messages to the cluster...",
    ));
    forget_everywhere(context, &view, doomed, &mut report).await;
    if doomed.is_reachable() {
        lines.push(Line::new(
            Level::Info,
            ">>> Sending CLUSTER RESET SOFT to the deleted node.",
        ));
        let reset = async {
            let mut client = context.session.client(&doomed.address).await?;
            client.query::<()>(&["CLUSTER", "RESET", "SOFT"]).await
        }
        .await;
        if let Err(error) = &reset {
            report
                .failed
                .push((doomed.address.to_string(), error.to_string()));
        }
        report.reset = Some(reset.is_ok());
    }
    for (address, why) in &report.failed {
        lines.push(Line::new(Level::Err, format!("[ERR] {address}: {why}")));
    }
    report.ok = report.failed.is_empty();
    if context.output.json {
        json::print_json(&report);
    } else {
        context.output.print_lines(&lines);
        if !report.ok {
            context.output.hint(&format!(
                "nodes that did not forget {} may bring it back through gossip: run `rcluster del-node {seed} {}` again once they answer",
                report.id, report.id
            ));
        }
    }
    Ok(Exit::from_clean(report.ok))
}

/// Each reachable replica of `doomed` replicates the master with the fewest replicas instead,
/// preferring one on another host.
async fn repoint_replicas(
    context: &Context,
    view: &ClusterView,
    doomed: &NodeView,
    report: &mut DelNodeReport,
    lines: &mut Vec<Line>,
) {
    let replicas: Vec<&NodeView> = view
        .loaded()
        .filter(|n| n.myself().master_id.as_deref() == Some(doomed.id()))
        .collect();
    for replica in replicas {
        let Some(master) = least_replicated_master(view, doomed, &replica.address) else {
            report.failed.push((
                replica.address.to_string(),
                "no other master to replicate".into(),
            ));
            continue;
        };
        lines.push(Line::new(
            Level::Info,
            format!(">>> {} as replica of {}", replica.address, master.address),
        ));
        let outcome = async {
            let mut client = context.session.client(&replica.address).await?;
            client
                .query::<()>(&["CLUSTER", "REPLICATE", master.id()])
                .await
        }
        .await;
        match outcome {
            Ok(()) => report
                .repointed
                .push((replica.address.to_string(), master.address.to_string())),
            Err(error) => report
                .failed
                .push((replica.address.to_string(), error.to_string())),
        }
    }
}

fn least_replicated_master<'a>(
    view: &'a ClusterView,
    doomed: &NodeView,
    replica: &NodeAddress,
) -> Option<&'a NodeView> {
    view.loaded_masters()
        .filter(|m| m.id() != doomed.id() && !m.myself().slots.is_empty())
        .min_by_key(|m| {
            (
                view.loaded_replica_count(m.id()),
                m.address.host == replica.host,
            )
        })
}

/// `CLUSTER FORGET` on every other node at once; unreachable ones are reported.
async fn forget_everywhere(
    context: &Context,
    view: &ClusterView,
    doomed: &NodeView,
    report: &mut DelNodeReport,
) {
    let others: Vec<NodeAddress> = view
        .nodes
        .iter()
        .filter(|n| n.id() != doomed.id() && !n.seen_by_seed.flags.handshake)
        .map(|n| n.address.clone())
        .collect();
    let id = doomed.id().to_string();
    let session = Arc::clone(&context.session);
    let results = concurrently(others, |address| {
        let session = Arc::clone(&session);
        let id = id.clone();
        async move {
            let outcome: Result<(), NetError> = async {
                let mut client = session.client(&address).await?;
                client.query::<()>(&["CLUSTER", "FORGET", &id]).await
            }
            .await;
            (address, outcome)
        }
    })
    .await;
    for (address, outcome) in results {
        match outcome {
            Ok(()) => report.forgot.push(address.to_string()),
            Err(error) => report.failed.push((address.to_string(), error.to_string())),
        }
    }
}
