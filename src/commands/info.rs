//! `rcluster info HOST:PORT`: per master its keys (of every database: on Redis, and on Valkey with
//! one database, that is redis-cli's DBSIZE), slots and replicas, then the totals, as redis-cli
//! prints them; `--json` gives the same report, with the keys per database. Every node is asked at
//! once for `INFO keyspace` and ROLE (one round trip each), so each node's role is its own, as
//! redis-cli reads it (right after `create` the seed may not yet know who became a replica); slots
//! are the seed's view. With `-v` every node's own `CLUSTER NODES` and `INFO replication` are read
//! (as `check` reads them) and each master's replicas are listed with their link and lag.

use super::Context;
use crate::error::Exit;
use crate::net::NodeAddress;
use crate::report::Outcome;
use crate::topology::{
    ClusterView, NodeView, SLOT_COUNT, SlotSet, load_cluster_summary, load_cluster_view,
};
use serde::Serialize;

/// What `info` is asked to do, validated (built by `crate::cli::args::info`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// `-v`: list each master's replicas with their link and lag (every node's `CLUSTER NODES`
    /// and `INFO replication` are read, as `check` reads them).
    pub replicas: bool,
}

/// One master's line.
#[derive(Debug, Clone, Serialize)]
pub struct MasterInfo {
    pub address: String,
    pub id: String,
    /// Keys in every database, or `None` with `error` when they could not be read.
    pub keys: Option<u64>,
    /// Keys per database that holds any, by number.
    pub databases: std::collections::BTreeMap<u16, u64>,
    pub error: Option<String>,
    pub slots: SlotSet,
    pub slot_count: usize,
    pub replicas: usize,
    /// With `-v`: each replica, its link and lag; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_nodes: Option<Vec<ReplicaInfo>>,
}

/// One replica of a master (`info -v`).
#[derive(Debug, Clone, Serialize)]
pub struct ReplicaInfo {
    pub address: String,
    pub id: String,
    /// `up`, `down`, `syncing` or `first sync pending`; `null` when not read.
    pub link: Option<&'static str>,
    /// Bytes its applied offset trails its master's, when both were read and the link is up.
    pub lag_bytes: Option<u64>,
}

/// What `info` reports.
#[derive(Debug, Clone, Serialize)]
pub struct InfoReport {
    pub masters: Vec<MasterInfo>,
    pub total_keys: u64,
    pub keys_per_slot: f64,
    /// Every master said how many keys it holds.
    pub complete: bool,
}

/// Each loaded replica of `master`, with its link and lag where the view read `INFO replication`.
fn replicas_of(view: &ClusterView, master: &NodeView) -> Vec<ReplicaInfo> {
    let master_offset = master.replication.as_ref().and_then(|r| r.offset);
    view.loaded()
        .filter(|n| n.myself().master_id.as_deref() == Some(master.id()))
        .map(|replica| {
            let state = replica.replication.as_ref();
            let link = state.map(|r| {
                if r.never_synced {
                    "first sync pending"
                } else if r.sync_in_progress {
                    "syncing"
                } else if r.link_up {
                    "up"
                } else {
                    "down"
                }
            });
            let applied = state.filter(|r| r.link_up).and_then(|r| r.replica_offset);
            ReplicaInfo {
                address: replica.address.to_string(),
                id: replica.id().to_string(),
                link,
                lag_bytes: master_offset
                    .zip(applied)
                    .map(|(master, applied)| master.saturating_sub(applied)),
            }
        })
        .collect()
}

/// [`build_info_report`], with each master's replicas listed (`info -v`).
pub fn build_info_report_with_replicas(view: &ClusterView) -> InfoReport {
    let mut report = build_info_report(view);
    for master in &mut report.masters {
        master.replica_nodes = view
            .node_by_id(&master.id)
            .map(|node| replicas_of(view, node));
    }
    report
}

/// Builds the report from the view (the loader asked every node's `INFO keyspace` with its ROLE).
pub fn build_info_report(view: &ClusterView) -> InfoReport {
    let masters: Vec<MasterInfo> = view
        .loaded_masters()
        .map(|node: &NodeView| MasterInfo {
            address: node.address.to_string(),
            id: node.id().to_string(),
            keys: node.keys,
            databases: node
                .keyspace
                .as_ref()
                .map(|keyspace| keyspace.databases.clone())
                .unwrap_or_default(),
            error: node
                .keys
                .is_none()
                .then(|| "INFO keyspace was not answered".to_string()),
            slots: node.myself().slots.clone(),
            slot_count: node.myself().slots.len(),
            replicas: view.loaded_replica_count(node.id()),
            replica_nodes: None,
        })
        .collect();
    let total_keys = masters.iter().filter_map(|m| m.keys).sum();
    InfoReport {
        complete: masters.iter().all(|m| m.keys.is_some()),
        keys_per_slot: total_keys as f64 / f64::from(SLOT_COUNT),
        total_keys,
        masters,
    }
}

/// Runs `info`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    if options.replicas {
        let view = load_cluster_view(&context.session, &seed).await?;
        super::report_unreachable_like_redis_cli(context, &view);
        return Ok(Outcome::new(
            build_info_report_with_replicas(&view),
            Exit::Ok,
        ));
    }
    let view = load_cluster_summary(&context.session, &seed).await?;
    super::report_unreachable_like_redis_cli(context, &view);
    Ok(Outcome::new(build_info_report(&view), Exit::Ok))
}
