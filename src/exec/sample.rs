//! One concurrent, bounded read of every node for `metrics` and `watch`: the seed's table and
//! `CLUSTER INFO`, and each node's `INFO` (memory, clients, ops/s, replication, keys per database).
//! Plain data; `output::metrics` encodes it as OpenMetrics text and `output::watch` draws it.

use crate::net::{Keyspace, NodeAddress, Session, concurrently};
use crate::topology::check::{FindingKind, check_cluster};
use crate::topology::load_cluster_view;
use std::collections::HashMap;
use std::sync::Arc;

/// The `CLUSTER INFO` fields exported as `redis_cluster_*`, with their help.
pub const CLUSTER_FIELDS: &[(&str, &str)] = &[
    ("cluster_slots_assigned", "Slots assigned to a master"),
    ("cluster_slots_ok", "Slots whose master is not failing"),
    (
        "cluster_slots_pfail",
        "Slots whose master is suspected (PFAIL)",
    ),
    ("cluster_slots_fail", "Slots whose master failed (FAIL)"),
    ("cluster_known_nodes", "Nodes the seed knows"),
    ("cluster_size", "Masters serving at least one slot"),
];

/// What one scrape read: plain data, which [`encode`] turns into OpenMetrics text.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The cluster could be loaded through the seed.
    pub loaded: bool,
    pub cluster_state_ok: bool,
    /// `CLUSTER INFO` fields of the seed, by name.
    pub cluster_info: Vec<(&'static str, i64)>,
    pub nodes: Vec<NodeSample>,
    /// Slots per master address.
    pub master_slots: Vec<(String, i64)>,
    /// Bytes each replica (by address) is behind its master.
    pub replica_lag: Vec<(String, i64)>,
    pub open_slots: i64,
    pub disagreement: bool,
    /// Server-side slot migrations running, or failed and retrying (one line each, as
    /// `exec::atomic::running_jobs` describes them).
    pub server_side_moves: Vec<String>,
}

/// One node's sample.
#[derive(Debug, Default)]
pub struct NodeSample {
    pub addr: String,
    pub role: &'static str,
    pub up: bool,
    /// From `INFO`, by field name.
    pub info: HashMap<String, String>,
    /// Keys per database, from the same `INFO`.
    pub keyspace: Keyspace,
}

/// Reads everything a scrape shows, all nodes at once.
pub async fn snapshot(session: &Arc<Session>, seed: &NodeAddress) -> Snapshot {
    let mut snapshot = Snapshot::default();
    let Ok(view) = load_cluster_view(session, seed).await else {
        return snapshot;
    };
    snapshot.loaded = true;
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    snapshot.server_side_moves = super::atomic::running_jobs(session, &masters).await;
    let report = check_cluster(&view, None);
    snapshot.open_slots = report.open_slots.len() as i64;
    snapshot.disagreement = report
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::ConfigDisagreement);
    if let Ok(mut client) = session.client(seed).await
        && let Ok(info) = client.cluster_info().await
    {
        snapshot.cluster_state_ok = info.get("cluster_state").map(String::as_str) == Some("ok");
        snapshot.cluster_info = CLUSTER_FIELDS
            .iter()
            .map(|(field, _)| {
                let value = info.get(*field).and_then(|v| v.parse().ok());
                (*field, value.unwrap_or_default())
            })
            .collect();
    }
    let nodes: Vec<(NodeAddress, &'static str, bool)> = view
        .nodes
        .iter()
        .map(|n| {
            let master = if n.is_loaded() {
                n.is_master()
            } else {
                n.seen_by_seed.flags.master
            };
            (
                n.address.clone(),
                if master { "master" } else { "slave" },
                n.is_loaded(),
            )
        })
        .collect();
    snapshot.nodes = concurrently(nodes, |(address, role, loaded)| {
        let session = Arc::clone(session);
        async move {
            let info = if loaded {
                read_info(&session, &address).await
            } else {
                None
            };
            let up = info.is_some();
            let (info, keyspace) = info.unwrap_or_default();
            NodeSample {
                addr: address.to_string(),
                role,
                up,
                info,
                keyspace,
            }
        }
    })
    .await;
    snapshot
        .nodes
        .sort_by(|a, b| (a.role != "master", &a.addr).cmp(&(b.role != "master", &b.addr)));
    snapshot.master_slots = view
        .loaded_masters()
        .map(|m| (m.address.to_string(), m.myself().slots.len() as i64))
        .collect();
    snapshot.replica_lag = snapshot
        .nodes
        .iter()
        .filter(|n| n.role == "master")
        .flat_map(|n| replica_lag(&n.info))
        .collect();
    snapshot
}

/// A node's `INFO` as field → value, and its keys per database; `None` when it does not answer.
async fn read_info(
    session: &Session,
    address: &NodeAddress,
) -> Option<(HashMap<String, String>, Keyspace)> {
    let mut client = session.client(address).await.ok()?;
    let text: String = client.query(&["INFO"]).await.ok()?;
    Some((crate::net::info_fields(&text), Keyspace::parse(&text)))
}

/// From a master's `INFO replication`: each replica's address and how many bytes it is behind.
pub fn replica_lag(info: &HashMap<String, String>) -> Vec<(String, i64)> {
    let Some(offset) = info
        .get("master_repl_offset")
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return Vec::new();
    };
    (0..)
        .map_while(|i| info.get(&format!("slave{i}")))
        .filter_map(|line| {
            let fields: HashMap<&str, &str> =
                line.split(',').filter_map(|f| f.split_once('=')).collect();
            let address = format!("{}:{}", fields.get("ip")?, fields.get("port")?);
            let at: i64 = fields.get("offset")?.parse().ok()?;
            Some((address, (offset - at).max(0)))
        })
        .collect()
}
