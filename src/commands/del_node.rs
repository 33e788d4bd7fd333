//! `rcluster del-node HOST:PORT NODE_ID`: remove a node that owns no slots, also when it is dead or
//! unreachable. Its replicas are re-pointed first, then every other node forgets it at once (so it cannot
//! come back through gossip), and the node itself is reset when it answers.

use super::Context;
use crate::error::UsageError;
use crate::net::{NetError, NodeAddress, concurrently};
use crate::report::Outcome;
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;
use std::sync::Arc;

/// What `del-node` is asked to do, validated (built by `crate::cli::args::del_node`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// The full id of the node to remove.
    pub node_id: String,
}

/// What `del-node` found and did.
#[derive(Debug, Default, Serialize)]
pub struct DelNodeReport {
    /// The node given on the command line (`host:port`).
    pub seed: String,
    /// The id (or prefix) asked for.
    pub requested: String,
    pub state: DelNodeState,
    /// The removed node, when one matched.
    pub id: Option<String>,
    pub address: Option<String>,
    /// How many slots it owns (a node that owns slots is not removed).
    pub slot_count: usize,
    /// Its replicas, each told to replicate another master.
    pub repointed: Vec<Repoint>,
    /// The nodes that forgot it.
    pub forgot: Vec<String>,
    /// Nodes that could not be told, with why.
    pub failed: Vec<NodeFailure>,
    /// Whether `CLUSTER RESET SOFT` on the node worked; `null` when it was not reachable.
    pub reset: Option<bool>,
}

/// How `del-node` ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DelNodeState {
    #[default]
    Removed,
    /// No node has the id (redis-cli syntax only; natively a usage error).
    NotFound,
    /// The node owns slots.
    NotEmpty,
}

/// A replica moved to another master.
#[derive(Debug, Serialize)]
pub struct Repoint {
    pub replica: String,
    pub master: String,
    pub ok: bool,
}

/// A node that could not do its part.
#[derive(Debug, Serialize)]
pub struct NodeFailure {
    pub address: String,
    pub error: String,
}

impl DelNodeReport {
    fn fail(&mut self, address: impl ToString, error: impl ToString) {
        self.failed.push(NodeFailure {
            address: address.to_string(),
            error: error.to_string(),
        });
    }

    pub fn ok(&self) -> bool {
        self.state == DelNodeState::Removed && self.failed.is_empty()
    }
}

/// Runs `del-node`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let mut report = DelNodeReport {
        seed: seed.to_string(),
        requested: options.node_id.clone(),
        ..DelNodeReport::default()
    };
    context.ui.step(&format!(
        "Removing node {} from cluster {seed}",
        options.node_id
    ));
    let view = load_cluster_view(&context.session, &seed).await?;
    let Some(doomed) = view.find_node_exact(&options.node_id, |_| true) else {
        if context.redis_cli() {
            report.state = DelNodeState::NotFound;
            return Ok(Outcome::clean_if(report, false));
        }
        return Err(UsageError(format!(
            "no node with id '{}' in the cluster of {seed}: del-node takes the full 40-character id, as `rcluster check {seed}` lists it",
            options.node_id
        ))
        .into());
    };
    report.id = Some(doomed.id().to_string());
    report.address = Some(doomed.address.to_string());
    report.slot_count = doomed.myself().slots.len();
    if report.slot_count > 0 {
        report.state = DelNodeState::NotEmpty;
        return Ok(Outcome::clean_if(report, false));
    }
    repoint_replicas(context, &view, doomed, &mut report).await;
    forget_everywhere(context, &view, doomed, &mut report).await;
    if doomed.is_reachable() {
        let reset = async {
            let mut client = context.session.client(&doomed.address).await?;
            client.query::<()>(&["CLUSTER", "RESET", "SOFT"]).await
        }
        .await;
        if let Err(error) = &reset {
            report.fail(&doomed.address, error);
        }
        report.reset = Some(reset.is_ok());
    }
    let ok = report.ok();
    Ok(Outcome::clean_if(report, ok))
}

/// Each reachable replica of `doomed` replicates the master with the fewest replicas instead,
/// preferring one on another host.
async fn repoint_replicas(
    context: &Context,
    view: &ClusterView,
    doomed: &NodeView,
    report: &mut DelNodeReport,
) {
    let replicas: Vec<&NodeView> = view
        .loaded()
        .filter(|n| n.myself().master_id.as_deref() == Some(doomed.id()))
        .collect();
    for replica in replicas {
        let Some(master) = least_replicated_master(view, doomed, &replica.address) else {
            report.fail(&replica.address, "no other master to replicate");
            continue;
        };
        let outcome = async {
            let mut client = context.session.client(&replica.address).await?;
            client
                .query::<()>(&["CLUSTER", "REPLICATE", master.id()])
                .await
        }
        .await;
        report.repointed.push(Repoint {
            replica: replica.address.to_string(),
            master: master.address.to_string(),
            ok: outcome.is_ok(),
        });
        if let Err(error) = outcome {
            report.fail(&replica.address, error);
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
            Err(error) => report.fail(&address, error),
        }
    }
}
