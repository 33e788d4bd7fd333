//! The partition drill on real servers and real firewall rules (`failover MASTER --drill
//! --partition`): a 3+3 cluster on spread loopback addresses, a master cut off by iptables, the
//! acknowledged writes it loses, and nothing left behind. Runs as root; a missing iptables fails.
//! One test, one drill at a time: spread clusters share the addresses 127.0.0.2 and up, so two
//! drills at once would cut each other's nodes.

use crate::common::{TestCluster, json, run};
use rcluster::sandbox::SandboxOptions;

/// The rcluster drill rules `iptables -S` lists (fails clearly when iptables cannot run).
fn drill_rules() -> Vec<String> {
    let output = std::process::Command::new("iptables")
        .arg("-S")
        .output()
        .expect("iptables is not installed: run scripts/install-deps.sh (the partition drill needs it, as root)");
    assert!(
        output.status.success(),
        "iptables -S failed (the partition drill test runs as root): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("rcluster-drill"))
        .map(str::to_string)
        .collect()
}

/// A master with slots and a replica, by port.
fn a_master(cluster: &TestCluster) -> u16 {
    let view = cluster.view();
    view.loaded_masters()
        .find(|m| !m.myself().slots.is_empty() && view.loaded_replica_count(m.id()) > 0)
        .map(|m| m.address.port)
        .expect("a master with a replica")
}

fn config(cluster: &TestCluster, port: u16, name: &str) -> String {
    match cluster.redis(port, &["CONFIG", "GET", name]) {
        redis::Value::Array(values) => match &values[1] {
            redis::Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            other => panic!("CONFIG GET {name}: {other:?}"),
        },
        other => panic!("CONFIG GET {name}: {other:?}"),
    }
}

/// `failover MASTER --drill --partition --duration 8s --json` plus `extra`: exit 0 and its document.
fn partition_drill(master: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "failover",
        master,
        "--drill",
        "--partition",
        "--duration",
        "8s",
        "--json",
    ];
    args.extend_from_slice(extra);
    let drilled = run(&args);
    assert_eq!(drilled.code, 0, "{}{}", drilled.stdout, drilled.stderr);
    json(&drilled.stdout)
}

#[test]
fn a_partitioned_master_loses_what_it_acknowledged_and_min_replicas_refuses_writes() {
    assert!(
        drill_rules().is_empty(),
        "rcluster drill rules are already in place"
    );
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 1,
        node_timeout_ms: 2000,
        spread_addresses: true,
        ..SandboxOptions::default()
    });
    let seed = cluster.seed();
    assert!(seed.starts_with("127.0.0.2:"), "{seed}");

    // Without min-replicas: the cut-off master acknowledges writes until its node timeout, and
    // they are gone once it rejoins as a replica.
    let master = cluster.node_address(a_master(&cluster)).to_string();
    let doc = partition_drill(&master, &[]);
    let minority = &doc["minority"];
    assert!(
        !minority["lost"].as_array().unwrap().is_empty(),
        "the isolated master's acknowledged writes are lost: {minority}"
    );
    assert!(minority["acknowledged_during_cut"].as_u64().unwrap() > 0);
    assert_eq!(
        doc["majority"]["lost"].as_array().unwrap().len(),
        0,
        "{doc}"
    );
    assert_eq!(minority["wrong"].as_array().unwrap().len(), 0, "{doc}");
    assert!(doc["promoted_ms"].as_u64().is_some(), "{doc}");
    assert!(doc["majority"]["longest_gap_ms"].as_u64().unwrap() > 0);
    let rules = doc["rules"].as_array().unwrap();
    // Both ways between the master and 5 other nodes plus the majority client.
    assert_eq!(rules.len(), 12, "{doc}");
    assert!(
        rules
            .iter()
            .all(|r| r.as_str().unwrap().contains("rcluster-drill:"))
    );
    assert!(drill_rules().is_empty(), "{:?}", drill_rules());
    let checked = run(&["check", &seed]);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);

    // With min-replicas-to-write 1: the isolated master refuses writes once its replica's lag
    // passes min-replicas-max-lag (NOREPLICAS), and the old settings come back.
    let master_port = a_master(&cluster);
    let before: Vec<(u16, String, String)> = cluster
        .view()
        .loaded_masters()
        .map(|m| m.address.port)
        .map(|p| {
            (
                p,
                config(&cluster, p, "min-replicas-to-write"),
                config(&cluster, p, "min-replicas-max-lag"),
            )
        })
        .collect();
    let master = cluster.node_address(master_port).to_string();
    let doc = partition_drill(&master, &["--with-min-replicas", "1"]);
    let minority = &doc["minority"];
    eprintln!(
        "with min-replicas-to-write 1: {} acknowledged writes lost, accepted for {} ms after the cut",
        minority["lost"].as_array().unwrap().len(),
        minority["accepted_for_ms"]
    );
    assert!(
        minority["errors"]["NOREPLICAS"].as_u64().unwrap_or(0) > 0,
        "the isolated master refused writes for want of a replica: {minority}"
    );
    assert_eq!(doc["min_replicas"]["to_write"], 1, "{doc}");
    assert_eq!(
        doc["majority"]["lost"].as_array().unwrap().len(),
        0,
        "{doc}"
    );
    for (port, to_write, max_lag) in before {
        assert_eq!(config(&cluster, port, "min-replicas-to-write"), to_write);
        assert_eq!(config(&cluster, port, "min-replicas-max-lag"), max_lag);
    }
    assert!(drill_rules().is_empty(), "{:?}", drill_rules());
    let checked = run(&["check", &seed]);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
}

#[test]
fn the_partition_drill_refuses_a_master_that_shares_its_address() {
    let cluster = TestCluster::start(3, 1);
    let refused = run(&[
        "failover",
        &cluster.seed(),
        "--drill",
        "--partition",
        "--duration",
        "2s",
    ]);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    crate::common::assert_one_line_error(&refused, "shares its address");
}
