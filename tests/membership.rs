//! Membership commands against real servers: `call`, `set-timeout` (and, as they land, `create`,
//! `add-node`, `del-node`).

mod common;

use common::{TestCluster, redis_cli, run};

#[test]
fn call_runs_everywhere_and_reports_a_dead_node() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_keys(30);
    let seed = cluster.seed();

    let all = run(&["call", &seed, "CONFIG", "GET", "cluster-node-timeout"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let mut ports: Vec<u16> = cluster.sandbox.nodes.iter().map(|n| n.port).collect();
    ports.sort();
    let expected: String = ports
        .iter()
        .map(|p| format!("127.0.0.1:{p}: cluster-node-timeout\n2000\n"))
        .collect();
    assert_eq!(all.stdout, expected, "one reply per node, in address order");

    let masters = run(&["call", &seed, "--only-masters", "DBSIZE", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&masters.stdout).unwrap();
    let nodes = doc["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert_eq!(
        nodes
            .iter()
            .map(|n| n["reply"].as_i64().unwrap())
            .sum::<i64>(),
        30
    );
    assert!(nodes.iter().all(|n| n["role"] == "master"));

    let replicas = run(&[
        "--cluster",
        "call",
        &seed,
        "GET",
        "key:1",
        "--cluster-only-replicas",
    ]);
    let reference = redis_cli(&[
        "--cluster",
        "call",
        &seed,
        "GET",
        "key:1",
        "--cluster-only-replicas",
    ]);
    assert_eq!(replicas.code, 1, "error replies make call exit 1");
    let sorted = |text: &str| {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort();
        lines.join("\n")
    };
    assert_eq!(
        sorted(&replicas.stdout),
        sorted(&reference.stdout),
        "same replies as redis-cli"
    );
    assert!(replicas.stderr.is_empty(), "{}", replicas.stderr);

    let victim = cluster.port(2);
    cluster.sandbox.signal(victim, libc::SIGKILL).unwrap();
    let degraded = run(&["call", &seed, "PING"]);
    assert_eq!(degraded.code, 1);
    assert_eq!(
        degraded.stdout.matches(": PONG").count(),
        5,
        "{}",
        degraded.stdout
    );
    assert!(
        degraded
            .stdout
            .contains(&format!("127.0.0.1:{victim}: Failed!")),
        "{}",
        degraded.stdout
    );
}

#[test]
fn set_timeout_reconfigures_and_persists_every_node() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let low = run(&["--cluster", "set-timeout", &seed, "50"]);
    assert_eq!(low.code, 1);
    assert_eq!(
        low.stderr.trim(),
        "Setting a node timeout of less than 100 milliseconds is a bad idea."
    );
    assert_eq!(run(&["set-timeout", &seed, "99"]).code, 2);

    let ok = run(&["set-timeout", &seed, "3500"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout
            .ends_with(">>> New node timeout set. 3 OK, 0 ERR.\n"),
        "{}",
        ok.stdout
    );
    for node in &cluster.sandbox.nodes {
        let config = std::fs::read_to_string(node.dir.join("node.conf")).unwrap();
        assert!(
            config.contains("cluster-node-timeout 3500"),
            "not persisted on {}: {config}",
            node.port
        );
    }

    cluster
        .sandbox
        .signal(cluster.port(1), libc::SIGKILL)
        .unwrap();
    let degraded = run(&["set-timeout", &seed, "4000", "--json"]);
    assert_eq!(degraded.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&degraded.stdout).unwrap();
    let failed: Vec<&serde_json::Value> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["ok"] == false)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0]["address"],
        format!("127.0.0.1:{}", cluster.port(1))
    );
}
