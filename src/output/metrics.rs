//! `metrics`' OpenMetrics text (prometheus-client): redis_exporter's names and rcluster's own, from
//! one [`Snapshot`] (`exec::sample`). Pure; called by `commands::metrics` for every scrape.

use crate::exec::sample::{CLUSTER_FIELDS, Snapshot};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

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
        (
            "redis_master_sync_in_progress",
            "1 while a replica's full sync runs (replicas only)",
            Some("master_sync_in_progress"),
        ),
        (
            "redis_master_last_io_seconds_ago",
            "Seconds since a replica last heard from its master (replicas only)",
            Some("master_last_io_seconds_ago"),
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
    let link = Family::<NodeLabels, Gauge>::default();
    for node in &snapshot.nodes {
        if let Some(status) = node.info.get("master_link_status") {
            let labels = NodeLabels {
                addr: node.addr.clone(),
                role: node.role.to_string(),
            };
            link.get_or_create(&labels)
                .set(i64::from(status.trim() == "up"));
        }
    }
    registry.register(
        "redis_master_link_up",
        "1 when a replica's link to its master is up (replicas only)",
        link,
    );
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
    sorted_series(&text)
}

/// `text` with the samples of each family sorted (by name, then labels: the node's address first),
/// since a family keeps its series in hash order: every scrape lists them in the same order.
fn sorted_series(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut samples: Vec<&str> = Vec::new();
    let flush = |samples: &mut Vec<&str>, out: &mut String| {
        samples.sort_unstable();
        for sample in samples.drain(..) {
            out.push_str(sample);
            out.push('\n');
        }
    };
    for line in text.lines() {
        if line.starts_with('#') {
            flush(&mut samples, &mut out);
            out.push_str(line);
            out.push('\n');
        } else {
            samples.push(line);
        }
    }
    flush(&mut samples, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::sample::{NodeSample, replica_lag};
    use crate::net::Keyspace;
    use std::collections::HashMap;

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
        let up: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("redis_up{"))
            .collect();
        assert_eq!(up.len(), 2);
        assert!(up[0] < up[1], "series sorted within a family: {text}");
    }

    #[test]
    fn series_are_sorted_within_each_family() {
        let text = "# HELP a x\n# TYPE a gauge\na{addr=\"b\"} 1\na{addr=\"a\"} 2\n# HELP c y\nc{addr=\"z\"} 3\nc{addr=\"y\"} 4\n# EOF\n";
        assert_eq!(
            sorted_series(text),
            "# HELP a x\n# TYPE a gauge\na{addr=\"a\"} 2\na{addr=\"b\"} 1\n# HELP c y\nc{addr=\"y\"} 4\nc{addr=\"z\"} 3\n# EOF\n"
        );
    }
}
