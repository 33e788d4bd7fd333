//! `rcluster info HOST:PORT`: per master its keys (of every database: on Redis, and on Valkey with
//! one database, that is redis-cli's DBSIZE), slots and replicas, then the totals, as redis-cli
//! prints them; `--json` gives the same report, with the keys per database. Every node is asked at
//! once for `INFO keyspace` and ROLE (one round trip each), so each node's role is its own, as
//! redis-cli reads it (right after `create` the seed may not yet know who became a replica); slots
//! are the seed's view.

use super::Context;
use crate::error::Exit;
use crate::net::NodeAddress;
use crate::report::Outcome;
use crate::topology::{ClusterView, NodeView, SLOT_COUNT, SlotSet, load_cluster_summary};
use serde::Serialize;

/// What `info` is asked to do, validated (built by `crate::cli::args::info`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
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
    let view = load_cluster_summary(&context.session, &seed).await?;
    super::report_unreachable_like_redis_cli(context, &view);
    Ok(Outcome::new(build_info_report(&view), Exit::Ok))
}
