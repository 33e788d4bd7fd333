//! One concurrent, bounded read of every node for `metrics` and `watch`: the seed's table and
//! `CLUSTER INFO`, and each node's `INFO` (memory, clients, ops/s, replication, keys per database);
//! per replica, its link (from its own `INFO replication`) and its lag in bytes and in seconds
//! (from its master's `slaveN` line).
//! Plain data; `output::metrics` encodes it as OpenMetrics text and `output::watch` draws it.

use crate::net::{Keyspace, NodeAddress, Replication, Session, concurrently};
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
    /// Seconds since each replica (by address) last acknowledged its master's stream (the
    /// master's `slaveN` line's `lag`, redis_exporter's `redis_connected_slave_lag_seconds`).
    pub replica_lag_seconds: Vec<(String, i64)>,
    /// Each answering replica's own replication state (link, first sync, offset), by address.
    pub replica_links: Vec<(String, Replication)>,
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
    let sampled = concurrently(nodes, |(address, role, loaded)| {
        let session = Arc::clone(session);
        async move {
            let info = if loaded {
                read_info(&session, &address).await
            } else {
                None
            };
            let up = info.is_some();
            let (info, keyspace, replication) = match info {
                Some((info, keyspace, replication)) => (info, keyspace, Some(replication)),
                None => Default::default(),
            };
            let sample = NodeSample {
                addr: address.to_string(),
                role,
                up,
                info,
                keyspace,
            };
            (sample, replication.filter(|r| r.replica))
        }
    })
    .await;
    for (sample, replication) in sampled {
        if let Some(replication) = replication {
            snapshot
                .replica_links
                .push((sample.addr.clone(), replication));
        }
        snapshot.nodes.push(sample);
    }
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
    snapshot.replica_lag_seconds = snapshot
        .nodes
        .iter()
        .filter(|n| n.role == "master")
        .flat_map(|n| replica_lag_seconds(&n.info))
        .collect();
    snapshot
}

/// A replica's link in one word, for `watch`: `up`, `first_sync` (its first sync has not finished:
/// it holds none of its master's keys), `syncing` (a full sync runs), or `down`.
pub fn link_state(replication: &Replication) -> &'static str {
    match crate::net::ReplicaGap::of(replication, None) {
        None | Some(crate::net::ReplicaGap::Behind { .. }) => "up",
        Some(crate::net::ReplicaGap::NeverSynced) => "first_sync",
        Some(crate::net::ReplicaGap::Syncing) => "syncing",
        Some(crate::net::ReplicaGap::LinkDown { .. }) => "down",
    }
}

/// A node's `INFO` as field → value, its keys per database and its replication state; `None` when
/// it does not answer.
async fn read_info(
    session: &Session,
    address: &NodeAddress,
) -> Option<(HashMap<String, String>, Keyspace, Replication)> {
    let mut client = session.client(address).await.ok()?;
    let text: String = client.query(&["INFO"]).await.ok()?;
    Some((
        crate::net::info_fields(&text),
        Keyspace::parse(&text),
        Replication::parse(&text),
    ))
}

/// A master's `slaveN` lines (`ip=..,port=..,state=..,offset=..,lag=..`): each replica's address
/// and fields.
fn replica_lines(info: &HashMap<String, String>) -> Vec<(String, HashMap<&str, &str>)> {
    (0..)
        .map_while(|i| info.get(&format!("slave{i}")))
        .filter_map(|line| {
            let fields: HashMap<&str, &str> =
                line.split(',').filter_map(|f| f.split_once('=')).collect();
            let address = format!("{}:{}", fields.get("ip")?, fields.get("port")?);
            Some((address, fields))
        })
        .collect()
}

/// From a master's `INFO replication`: each replica's address and how many bytes it is behind.
pub fn replica_lag(info: &HashMap<String, String>) -> Vec<(String, i64)> {
    let Some(offset) = info
        .get("master_repl_offset")
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return Vec::new();
    };
    replica_lines(info)
        .into_iter()
        .filter_map(|(address, fields)| {
            let at: i64 = fields.get("offset")?.parse().ok()?;
            Some((address, (offset - at).max(0)))
        })
        .collect()
}

/// From a master's `INFO replication`: each replica's address and the seconds since it last
/// acknowledged the stream.
pub fn replica_lag_seconds(info: &HashMap<String, String>) -> Vec<(String, i64)> {
    replica_lines(info)
        .into_iter()
        .filter_map(|(address, fields)| Some((address, fields.get("lag")?.parse().ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_replica_line_gives_its_lag_in_bytes_and_seconds() {
        let info = crate::net::info_fields(
            "role:master\r\nconnected_slaves:2\r\n\
             slave0:ip=127.0.0.1,port=7004,state=online,offset=900,lag=0\r\n\
             slave1:ip=127.0.0.1,port=7005,state=wait_bgsave,offset=0,lag=3\r\n\
             master_repl_offset:1000\r\n",
        );
        assert_eq!(
            replica_lag(&info),
            [
                ("127.0.0.1:7004".to_string(), 100),
                ("127.0.0.1:7005".to_string(), 1000)
            ]
        );
        assert_eq!(
            replica_lag_seconds(&info),
            [
                ("127.0.0.1:7004".to_string(), 0),
                ("127.0.0.1:7005".to_string(), 3)
            ]
        );
    }
}
