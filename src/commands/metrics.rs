//! `rcluster metrics HOST:PORT`: a Prometheus exporter. Every scrape reads the cluster concurrently,
//! bounded by `--timeout` (the seed's `CLUSTER INFO`, every node's own view and `INFO`), and answers
//! with redis_exporter's metric names where one exists (`redis_up`, `redis_cluster_state`,
//! `redis_memory_used_bytes`...; per node with `addr` and `role` labels, and `redis_db_keys` per
//! database that holds keys with a `db` label, `db0`, `db3`...), plus rcluster's own:
//! slots per master, open slots, replica lag in bytes, and whether the nodes disagree about slots.
//! A node that is down is `redis_up 0`, not a failed scrape. `--once` prints one scrape to stdout;
//! `--listen` serves `GET /metrics` (tiny_http, on a blocking thread) until stopped.

use super::Context;
use crate::net::{Keyspace, NodeAddress, Session, concurrently};
use crate::report::Outcome;
use crate::topology::check::{FindingKind, check_cluster};
use crate::topology::load_cluster_view;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// What `metrics` is asked to do, validated (built by `crate::cli::args::metrics`).
#[derive(Debug)]
pub struct Options {
    pub seed: NodeAddress,
    /// Where to serve `/metrics`.
    pub listen: SocketAddr,
    /// Print one scrape and exit.
    pub once: bool,
}

/// The content type of the OpenMetrics text prometheus-client writes.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Runs `metrics`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    if options.once {
        let text = scrape(&context.session, &options.seed).await;
        return Ok(Outcome::new(Scrape(text), crate::error::Exit::Ok));
    }
    let server = tiny_http::Server::http(options.listen).map_err(|e| {
        crate::error::UsageError(format!("cannot listen on {}: {e}", options.listen))
    })?;
    context.ui.step(&format!(
        "Serving metrics of the cluster of {} on http://{}/metrics",
        options.seed, options.listen
    ));
    let session = Arc::clone(&context.session);
    let seed = options.seed.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        for request in server.incoming_requests() {
            let response = if request.url() == "/metrics" {
                let text = runtime.block_on(scrape(&session, &seed));
                let header = tiny_http::Header::from_bytes("Content-Type", CONTENT_TYPE)
                    .expect("a valid header");
                tiny_http::Response::from_string(text).with_header(header)
            } else {
                tiny_http::Response::from_string("see /metrics\n").with_status_code(404)
            };
            let _ = request.respond(response);
        }
    })
    .await?;
    Ok(Outcome::new((), crate::error::Exit::Ok))
}

/// One scrape's text, printed as is by `--once`.
#[derive(Debug, serde::Serialize)]
pub struct Scrape(pub String);

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NodeLabels {
    addr: String,
    role: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DbLabels {
    addr: String,
    role: String,
    db: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AddrLabels {
    addr: String,
}

/// The `CLUSTER INFO` fields exported as `redis_cluster_*`, with their help.
const CLUSTER_FIELDS: &[(&str, &str)] = &[
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

/// Reads the cluster through `seed` and encodes what it found.
pub async fn scrape(session: &Arc<Session>, seed: &NodeAddress) -> String {
    encode(&snapshot(session, seed).await)
}

/// Reads everything a scrape shows, all nodes at once.
pub async fn snapshot(session: &Arc<Session>, seed: &NodeAddress) -> Snapshot {
    let mut snapshot = Snapshot::default();
    let Ok(view) = load_cluster_view(session, seed).await else {
        return snapshot;
    };
    snapshot.loaded = true;
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
    let fields = text
        .lines()
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Some((fields, Keyspace::parse(&text)))
}

/// From a master's `INFO replication`: each replica's address and how many bytes it is behind.
fn replica_lag(info: &HashMap<String, String>) -> Vec<(String, i64)> {
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

/// The OpenMetrics text of `snapshot`. Pure.
pub fn encode(snapshot: &Snapshot) -> String {
    let mut registry = <Registry>::default();
    let gauge = |value: i64| {
        let gauge = Gauge::<i64>::default();
        gauge.set(value);
        gauge
    };
    registry.register(
        "rcluster_scrape_ok",
        "1 when the cluster could be read through the seed",
        gauge(i64::from(snapshot.loaded)),
    );
    registry.register(
        "redis_cluster_state",
        "1 when the seed says cluster_state:ok",
        gauge(i64::from(snapshot.cluster_state_ok)),
    );
    for (field, help) in CLUSTER_FIELDS {
        let value = snapshot
            .cluster_info
            .iter()
            .find(|(f, _)| f == field)
            .map_or(0, |(_, v)| *v);
        registry.register(format!("redis_{field}"), *help, gauge(value));
    }
    let per_node = [
        ("redis_up", "1 when the node answered", None),
        (
            "redis_memory_used_bytes",
            "used_memory",
            Some("used_memory"),
        ),
        (
            "redis_instantaneous_ops_per_sec",
            "instantaneous_ops_per_sec",
            Some("instantaneous_ops_per_sec"),
        ),
        (
            "redis_connected_clients",
            "connected_clients",
            Some("connected_clients"),
        ),
        (
            "redis_connected_slaves",
            "connected_slaves",
            Some("connected_slaves"),
        ),
    ];
    for (name, help, field) in per_node {
        let family = Family::<NodeLabels, Gauge>::default();
        for node in &snapshot.nodes {
            let labels = NodeLabels {
                addr: node.addr.clone(),
                role: node.role.to_string(),
            };
            let value = match field {
                None => Some(i64::from(node.up)),
                Some(field) => node.info.get(field).and_then(|v| v.parse().ok()),
            };
            if let Some(value) = value {
                family.get_or_create(&labels).set(value);
            }
        }
        registry.register(name, help, family);
    }
    let keys = Family::<DbLabels, Gauge>::default();
    for node in &snapshot.nodes {
        for (db, count) in &node.keyspace.databases {
            let labels = DbLabels {
                addr: node.addr.clone(),
                role: node.role.to_string(),
                db: format!("db{db}"),
            };
            keys.get_or_create(&labels).set(*count as i64);
        }
    }
    registry.register("redis_db_keys", "Keys in each database", keys);
    let by_addr = |name: &'static str,
                   help: &'static str,
                   values: &[(String, i64)],
                   registry: &mut Registry| {
        let family = Family::<AddrLabels, Gauge>::default();
        for (addr, value) in values {
            family
                .get_or_create(&AddrLabels { addr: addr.clone() })
                .set(*value);
        }
        registry.register(name, help, family);
    };
    by_addr(
        "rcluster_master_slots",
        "Slots each master owns, in its own view",
        &snapshot.master_slots,
        &mut registry,
    );
    by_addr(
        "rcluster_replica_lag_bytes",
        "Bytes of replication stream each replica is behind its master",
        &snapshot.replica_lag,
        &mut registry,
    );
    registry.register(
        "rcluster_open_slots",
        "Slots left MIGRATING or IMPORTING",
        gauge(snapshot.open_slots),
    );
    registry.register(
        "rcluster_slot_tables_disagree",
        "1 when some node's slot table differs from the others'",
        gauge(i64::from(snapshot.disagreement)),
    );
    let mut text = String::new();
    let _ = prometheus_client::encoding::text::encode(&mut text, &registry);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_down_node_is_up_zero_and_lag_is_read_from_the_master() {
        let info: HashMap<String, String> = [
            ("master_repl_offset", "1000"),
            (
                "slave0",
                "ip=127.0.0.1,port=7003,state=online,offset=900,lag=0",
            ),
            ("used_memory", "2048"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            replica_lag(&info),
            vec![("127.0.0.1:7003".to_string(), 100)]
        );
        let snapshot = Snapshot {
            loaded: true,
            cluster_state_ok: true,
            nodes: vec![
                NodeSample {
                    addr: "127.0.0.1:7000".into(),
                    role: "master",
                    up: true,
                    info,
                    keyspace: Keyspace::parse("db0:keys=5,expires=0\r\ndb3:keys=2,expires=0\r\n"),
                },
                NodeSample {
                    addr: "127.0.0.1:7003".into(),
                    role: "slave",
                    up: false,
                    ..NodeSample::default()
                },
            ],
            ..Snapshot::default()
        };
        let text = encode(&snapshot);
        assert!(
            text.contains("redis_up{addr=\"127.0.0.1:7003\",role=\"slave\"} 0"),
            "{text}"
        );
        assert!(
            text.contains("redis_memory_used_bytes{addr=\"127.0.0.1:7000\",role=\"master\"} 2048"),
            "{text}"
        );
        assert!(text.contains("redis_cluster_state 1"), "{text}");
        assert!(
            text.contains("redis_db_keys{addr=\"127.0.0.1:7000\",role=\"master\",db=\"db3\"} 2"),
            "{text}"
        );
    }
}
