//! Membership commands against real servers: `call`, `set-timeout` (and, as they land, `create`,
//! `add-node`, `del-node`).

use crate::common::{TestCluster, redis_cli, run};

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
    let port = cluster.port(0).to_string();
    let spaced = run(&[
        "call",
        "127.0.0.1",
        &port,
        "CONFIG",
        "GET",
        "cluster-node-timeout",
    ]);
    assert_eq!(spaced.stdout, expected, "HOST PORT is HOST:PORT");

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

/// Fresh, empty cluster-mode nodes (not formed into a cluster).
fn fresh_nodes(count: usize) -> TestCluster {
    TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: count,
        no_cluster: true,
        ..Default::default()
    })
}

fn addresses(cluster: &TestCluster) -> Vec<String> {
    cluster
        .sandbox
        .nodes
        .iter()
        .map(|n| n.address().to_string())
        .collect()
}

#[test]
fn create_forms_a_healthy_cluster_like_redis_cli() {
    let nodes = fresh_nodes(6);
    let addrs = addresses(&nodes);
    let mut args = vec!["--cluster", "create"];
    args.extend(addrs.iter().map(String::as_str));
    args.extend(["--cluster-replicas", "1", "--cluster-yes"]);
    let created = run(&args);
    assert_eq!(created.code, 0, "{}{}", created.stdout, created.stderr);
    assert!(created.stderr.is_empty(), "{}", created.stderr);
    for line in [
        ">>> Performing hash slots allocation on 6 nodes...",
        "Master[0] -> Slots 0 - 5460",
        "Master[1] -> Slots 5461 - 10922",
        "Master[2] -> Slots 10923 - 16383",
        "[OK] All 16384 slots covered.",
    ] {
        assert!(
            created.stdout.contains(line),
            "missing {line:?} in\n{}",
            created.stdout
        );
    }
    assert_eq!(created.stdout.matches("Adding replica ").count(), 3);
    // At once, before gossip has spread: every node's own role, as redis-cli reads it.
    let info = run(&["--cluster", "info", &addrs[0], "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&info.stdout).unwrap();
    assert_eq!(doc["masters"].as_array().unwrap().len(), 3, "{doc}");
    assert!(
        doc["masters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["slot_count"] != 0)
    );
    for node in &nodes.sandbox.nodes {
        let state = nodes.redis(node.port, &["CLUSTER", "INFO"]);
        let redis::Value::BulkString(text) = state else {
            panic!("{state:?}")
        };
        assert!(
            String::from_utf8_lossy(&text).contains("cluster_state:ok"),
            "create returned before the cluster was ok"
        );
    }
    let check = run(&["check", &addrs[0], "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(doc["check"]["config_consistent"], true);
    assert_eq!(doc["check"]["nodes"].as_array().unwrap().len(), 6);
    assert_eq!(
        doc["info"]["masters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["replicas"] == 1)
            .count(),
        3
    );
}

/// Five nodes in zone a and one in zone b (on one machine): two replicas cannot leave their master's
/// zone, and the plan names each of those conflicts, in its human lines and in its JSON.
#[test]
fn create_names_every_unavoidable_zone_conflict() {
    let nodes = fresh_nodes(6);
    let addrs = addresses(&nodes);
    let zone_args: Vec<String> = addrs
        .iter()
        .enumerate()
        .map(|(index, address)| format!("{address}={}", if index == 5 { "b" } else { "a" }))
        .collect();
    let mut args = vec!["create", "--replicas", "1", "--dry-run"];
    for zone in &zone_args {
        args.extend(["--zone", zone.as_str()]);
    }
    args.extend(addrs.iter().map(String::as_str));
    let is_zone_conflict = |line: &str| {
        line.contains(" is in zone a with its master 127.0.0.1:")
            && line.ends_with(": zone b has too few nodes")
    };
    let human = run(&args);
    assert_eq!(human.code, 0, "{}{}", human.stdout, human.stderr);
    let named = human
        .stdout
        .lines()
        .filter(|line| line.trim_start().starts_with("replica ") && is_zone_conflict(line))
        .count();
    assert_eq!(named, 2, "{}", human.stdout);

    args.push("--json");
    let machine = run(&args);
    assert_eq!(machine.code, 0, "{}", machine.stderr);
    let doc: serde_json::Value = serde_json::from_str(&machine.stdout).unwrap();
    let conflicts: Vec<&str> = doc["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .filter(|c| is_zone_conflict(c))
        .collect();
    assert_eq!(conflicts.len(), 2, "{doc}");
}

#[test]
fn create_with_zones_keeps_replicas_out_of_their_masters_zone() {
    let nodes = fresh_nodes(6);
    let addrs = addresses(&nodes);
    // Loopback is one host, so zones are given per node: a, a, b, b, c, c.
    let zone_args: Vec<String> = addrs
        .iter()
        .enumerate()
        .map(|(index, address)| format!("{address}=zone-{}", ["a", "b", "c"][index / 2]))
        .collect();
    let mut args = vec!["create", "--replicas", "1", "--yes", "--json"];
    for zone in &zone_args {
        args.extend(["--zone", zone.as_str()]);
    }
    args.extend(addrs.iter().map(String::as_str));
    let created = run(&args);
    assert_eq!(created.code, 0, "{}{}", created.stdout, created.stderr);
    let doc: serde_json::Value = serde_json::from_str(&created.stdout).unwrap();
    assert_eq!(doc["applied"], true);
    let zone_of = |address: &str| {
        addrs
            .iter()
            .position(|a| a == address)
            .map(|i| i / 2)
            .unwrap()
    };
    let zone_by_id = |id: &str| {
        let master = doc["masters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap();
        zone_of(master["address"].as_str().unwrap())
    };
    let masters_zones: std::collections::BTreeSet<usize> = doc["masters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| zone_of(m["address"].as_str().unwrap()))
        .collect();
    assert_eq!(masters_zones.len(), 3, "one master per zone");
    for replica in doc["replicas"].as_array().unwrap() {
        let replica_zone = zone_of(replica["address"].as_str().unwrap());
        assert_ne!(
            replica_zone,
            zone_by_id(replica["master"].as_str().unwrap()),
            "replica in its master's zone: {replica}"
        );
    }
    // What the cluster now says matches the plan.
    let view = nodes.view();
    for replica in doc["replicas"].as_array().unwrap() {
        let node = view.node_by_id(replica["id"].as_str().unwrap()).unwrap();
        assert_eq!(
            node.myself().master_id.as_deref(),
            replica["master"].as_str()
        );
    }
    // create returns once every replica holds its master's data (issue 26): right away, no
    // replica is still waiting for its first sync.
    assert!(doc["replicas_synced_ms"].is_u64(), "{doc}");
    for replica in doc["replicas"].as_array().unwrap() {
        let port: u16 = replica["address"]
            .as_str()
            .unwrap()
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let redis::Value::BulkString(info) = nodes.redis(port, &["INFO", "replication"]) else {
            panic!("INFO replication of {port}");
        };
        let info = String::from_utf8_lossy(&info).into_owned();
        assert!(info.contains("master_link_status:up"), "{port}: {info}");
    }
    let check = run(&["check", &addrs[0]]);
    assert!(
        !check.stdout.contains("do not hold their master's data"),
        "{}",
        check.stdout
    );
}

#[test]
fn create_refuses_bad_input_before_changing_anything() {
    let nodes = fresh_nodes(6);
    let addrs = addresses(&nodes);
    let two_masters = run(&["create", "--yes", &addrs[0], &addrs[1]]);
    assert_eq!(two_masters.code, 2);
    assert!(
        two_masters.stderr.contains("at least 3 masters"),
        "{}",
        two_masters.stderr
    );
    let replicas_too_many = run(&[
        "create",
        "--yes",
        "--replicas",
        "1",
        &addrs[0],
        &addrs[1],
        &addrs[2],
        &addrs[3],
    ]);
    assert_eq!(replicas_too_many.code, 2, "{}", replicas_too_many.stderr);
    let twice = run(&["create", "--yes", &addrs[0], &addrs[1], &addrs[1]]);
    assert_eq!(twice.code, 2);
    // A node that owns a slot is not empty (keys need a healthy cluster to be written).
    nodes.redis(nodes.port(3), &["CLUSTER", "ADDSLOTS", "15495"]);
    let not_empty = run(&[
        "create", "--yes", &addrs[0], &addrs[1], &addrs[2], &addrs[3],
    ]);
    assert_eq!(not_empty.code, 2);
    assert!(
        not_empty.stderr.contains(&addrs[3]) && not_empty.stderr.contains("CLUSTER RESET"),
        "{}",
        not_empty.stderr
    );
    let declined = crate::common::rcluster()
        .args(["create", &addrs[0], &addrs[1], &addrs[2]])
        .write_stdin("no\n")
        .output()
        .unwrap();
    assert_eq!(declined.status.code(), Some(1), "declining exits 1");
    for port in [nodes.port(0), nodes.port(1), nodes.port(2)] {
        let redis::Value::BulkString(text) = nodes.redis(port, &["CLUSTER", "INFO"]) else {
            panic!()
        };
        assert!(
            String::from_utf8_lossy(&text).contains("cluster_known_nodes:1"),
            "a refused create changed {port}"
        );
    }
    let plain = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 1,
        standalone: true,
        ..Default::default()
    });
    let not_cluster = run(&["create", "--yes", &addrs[0], &addrs[1], &plain.seed()]);
    assert_eq!(not_cluster.code, 2);
    assert!(
        not_cluster.stderr.contains("cluster-enabled yes"),
        "{}",
        not_cluster.stderr
    );
}

#[test]
fn add_node_as_master_and_replica_then_del_node() {
    let cluster = TestCluster::start(3, 0);
    let spare = fresh_nodes(2);
    let seed = cluster.seed();
    let (new_master, new_replica) = (
        spare.sandbox.nodes[0].address().to_string(),
        spare.sandbox.nodes[1].address().to_string(),
    );

    let added = run(&["add-node", &new_master, &seed]);
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    assert!(added.stdout.contains("[OK] New node added correctly."));
    let master_id = spare.id(spare.sandbox.nodes[0].port);
    let after = run(&["check", &seed, "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&after.stdout).unwrap();
    assert_eq!(
        doc["check"]["nodes"].as_array().unwrap().len(),
        4,
        "every node knows the new master at once"
    );

    let replica = run(&[
        "--cluster",
        "add-node",
        &new_replica,
        &seed,
        "--cluster-slave",
    ]);
    assert_eq!(replica.code, 0, "{}{}", replica.stdout, replica.stderr);
    assert!(
        replica.stdout.contains("Automatically selected master"),
        "{}",
        replica.stdout
    );
    assert!(
        replica
            .stdout
            .contains("Waiting for the cluster to join\n\n>>> Configure node as replica of "),
        "redis-cli's wait line and the blank line after it: {}",
        replica.stdout
    );
    let replica_id = spare.id(spare.sandbox.nodes[1].port);

    let wrong = run(&[
        "add-node",
        &new_replica,
        &seed,
        "--replica",
        "--master-id",
        "ffffffff",
    ]);
    assert_eq!(wrong.code, 2);

    let busy = run(&["del-node", &seed, &cluster.id(cluster.port(0))]);
    assert_eq!(busy.code, 1);
    assert!(
        busy.stdout.contains("is not empty! Reshard data away"),
        "{}",
        busy.stdout
    );
    let unknown = run(&["--cluster", "del-node", &seed, "deadbeef"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stdout.contains("[ERR] No such node ID deadbeef"));
    // redis-cli's del-node takes the full id only; natively a unique prefix of 8 characters will do.
    let theirs = run(&["--cluster", "del-node", &seed, &replica_id[..12]]);
    assert_eq!(theirs.code, 1);
    assert!(
        theirs.stdout.contains("[ERR] No such node ID"),
        "{}",
        theirs.stdout
    );
    let short = run(&["del-node", &seed, &replica_id[..7]]);
    assert_eq!(short.code, 2, "{}", short.stderr);
    assert!(
        short.stderr.contains("shorter than 8 characters"),
        "{}",
        short.stderr
    );

    // Right after add-node: a node that has not heard of the new ones has nothing to forget.
    for id in [&replica_id[..12], master_id.as_str()] {
        let removed = run(&["del-node", &seed, id]);
        assert_eq!(removed.code, 0, "{}{}", removed.stdout, removed.stderr);
    }
    let view = cluster.view();
    assert_eq!(view.nodes.len(), 3);
    assert!(
        view.nodes.iter().all(|n| n.own_table().unwrap().len() == 3),
        "every node forgot both"
    );
}

#[test]
fn del_node_removes_a_killed_node_for_good() {
    let cluster = TestCluster::start(3, 1);
    let seed = cluster.seed();
    let view = cluster.view();
    let replica = view
        .nodes
        .iter()
        .find(|n| n.myself().flags.replica)
        .unwrap();
    let (victim_port, victim_id) = (replica.address.port, replica.id().to_string());
    cluster.sandbox.signal(victim_port, libc::SIGKILL).unwrap();
    let removed = run(&["del-node", &seed, &victim_id]);
    assert_eq!(removed.code, 0, "{}{}", removed.stdout, removed.stderr);
    let lists_victim = || {
        cluster.view().nodes.iter().any(|n| {
            n.own_table()
                .is_some_and(|t| t.iter().any(|e| e.id == victim_id))
        })
    };
    assert!(!lists_victim(), "a node still lists the deleted node");
    // Redis keeps a forgotten id banned for 60 s; after that, gossip could bring it back if any node
    // still knew it.
    std::thread::sleep(std::time::Duration::from_secs(62));
    assert!(!lists_victim(), "the deleted node came back through gossip");
    assert_eq!(
        run(&["check", &seed]).code,
        0,
        "check is clean without the dead replica"
    );
}

#[test]
fn add_node_copies_functions_and_refuses_a_node_that_has_some() {
    let cluster = TestCluster::start(3, 0);
    let spare = fresh_nodes(2);
    let seed = cluster.seed();
    let library = "#!lua name=rclusterlib\nredis.register_function('rcluster_answer', function() return 42 end)";
    cluster.redis(cluster.port(0), &["FUNCTION", "LOAD", library]);

    let first = spare.sandbox.nodes[0].address().to_string();
    let added = run(&["add-node", &first, &seed]);
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    assert!(
        added
            .stderr
            .contains(&format!(">>> Send FUNCTION RESTORE to {first}")),
        "steps are progress, on stderr: {}",
        added.stderr
    );
    let redis::Value::Array(libraries) =
        spare.redis(spare.sandbox.nodes[0].port, &["FUNCTION", "LIST"])
    else {
        panic!("FUNCTION LIST")
    };
    assert_eq!(
        libraries.len(),
        1,
        "the new master got the cluster's functions"
    );

    let second = spare.sandbox.nodes[1].port;
    spare.redis(second, &["FUNCTION", "LOAD", library]);
    let refused = run(&[
        "add-node",
        &spare.sandbox.nodes[1].address().to_string(),
        &seed,
    ]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("node already contains functions"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        cluster.view().nodes.len(),
        4,
        "the refused node was not met"
    );
}

#[test]
fn create_output_matches_redis_cli_line_for_line() {
    let ours_nodes = fresh_nodes(6);
    let reference_nodes = fresh_nodes(6);
    let create = |nodes: &TestCluster| {
        let mut args = vec!["--cluster".to_string(), "create".to_string()];
        args.extend(addresses(nodes));
        args.extend(["--cluster-replicas", "1", "--cluster-yes"].map(String::from));
        args
    };
    let ours_args = create(&ours_nodes);
    let ours = run(&ours_args.iter().map(String::as_str).collect::<Vec<_>>());
    let reference_args = create(&reference_nodes);
    let reference = redis_cli(
        &reference_args
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(ours.code, reference.code);
    assert!(ours.stderr.is_empty(), "{}", ours.stderr);
    // redis-cli prints a dot per second it waited (how many depends on the machine's speed);
    // rcluster polls and prints none.
    let reference_text: String = reference
        .stdout
        .lines()
        .map(|line| {
            if line.chars().all(|c| c == '.') {
                ""
            } else {
                line
            }
        })
        .map(|line| format!("{line}\n"))
        .collect();
    // On one host redis-cli's anti-affinity step is a clock-seeded random walk, so which master each
    // replica follows is random there; everything else must match.
    let mask = |text: String| {
        text.lines()
            .map(|line| match line.find("replicates <id") {
                Some(at) => format!("{}replicates <id?>", &line[..at]),
                None => line.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        mask(ours_nodes.normalize(&ours.stdout)),
        mask(reference_nodes.normalize(&reference_text))
    );
}

/// A master that owns no slot is still refused by `del-node` while it takes part in a move (a slot
/// open towards it) or holds keys: forgetting it would leave those keys outside the cluster. In
/// redis-cli syntax, a master holding keys gets redis-cli's "not empty" line. Nothing is sent.
#[test]
fn del_node_refuses_a_master_that_holds_keys_or_takes_part_in_a_move() {
    let cluster = TestCluster::start(3, 0);
    let spare = fresh_nodes(1);
    let seed = cluster.seed();
    let address = spare.sandbox.nodes[0].address().to_string();
    let port = spare.sandbox.nodes[0].port;
    let added = run(&["add-node", &address, &seed]);
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    let id = spare.id(port);
    let key = "held-by-a-slotless-master";
    let slot = rcluster::topology::key_slot(key.as_bytes())
        .number()
        .to_string();
    let owner = cluster
        .view()
        .loaded_masters()
        .find(|m| {
            m.myself()
                .slots
                .iter()
                .any(|s| s.number().to_string() == slot)
        })
        .unwrap()
        .id()
        .to_string();

    // The new master imports a slot: it takes part in a move, with no key yet.
    spare.redis(port, &["CLUSTER", "SETSLOT", &slot, "IMPORTING", &owner]);
    let moving = run(&["del-node", &seed, &id]);
    assert_eq!(moving.code, 1, "{}{}", moving.stdout, moving.stderr);
    let line = format!(
        "[ERR] Node {address} takes part in an unfinished move (slot {slot} importing from {owner} on {address})"
    );
    assert!(moving.stdout.contains(&line), "{}", moving.stdout);
    assert!(moving.stdout.contains("rcluster fix"), "{}", moving.stdout);

    // A key arrives (as a move's RESTORE would put it there), then the slot is closed on it alone.
    spare.redis(port, &["ASKING"]);
    spare.redis(port, &["SET", key, "value"]);
    spare.redis(port, &["CLUSTER", "SETSLOT", &slot, "STABLE"]);
    let holding = run(&["del-node", &seed, &id]);
    assert_eq!(holding.code, 1, "{}{}", holding.stdout, holding.stderr);
    let line = format!("[ERR] Node {address} holds 1 key but owns no slot");
    assert!(holding.stdout.contains(&line), "{}", holding.stdout);
    assert_eq!(holding.stdout.lines().count(), 1, "{}", holding.stdout);
    let json = run(&["del-node", &seed, &id, "--json"]);
    let doc = crate::common::json(&json.stdout);
    assert_eq!(
        (json.code, &doc["state"], &doc["keys"]),
        (1, &serde_json::json!("holds_keys"), &serde_json::json!(1))
    );

    let redis_cli_syntax = run(&["--cluster", "del-node", &seed, &id]);
    assert_eq!(redis_cli_syntax.code, 1, "{}", redis_cli_syntax.stderr);
    assert_eq!(
        redis_cli_syntax.stdout,
        format!(
            ">>> Removing node {id} from cluster {seed}\n[ERR] Node {address} is not empty! Reshard data away and try again.\n"
        )
    );
    assert!(
        cluster.view().node_by_id(&id).is_some(),
        "every node still knows it"
    );

    spare.redis(port, &["FLUSHALL"]);
    let removed = run(&["del-node", &seed, &id]);
    assert_eq!(removed.code, 0, "{}{}", removed.stdout, removed.stderr);
}

/// A one-node cluster whose server was started without a config file (as many containers start it):
/// `CONFIG REWRITE` fails there. Killed when dropped.
struct NoConfigNode {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for NoConfigNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_without_config_file() -> NoConfigNode {
    let dir = tempfile::tempdir().unwrap();
    let port = rcluster::sandbox::pick_ports(None, 1).unwrap()[0];
    let child = std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args([
            "--cluster-enabled",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args([
            "--cluster-config-file",
            "nodes.conf",
            "--loglevel",
            "warning",
        ])
        .arg("--dir")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server");
    let node = NoConfigNode {
        child,
        port,
        _dir: dir,
    };
    let address = format!("127.0.0.1:{port}");
    assert!(
        crate::common::eventually(10, || run(&["call", &address, "PING"]).code == 0),
        "the node never answered"
    );
    let added = redis_cli(&[
        "-p",
        &port.to_string(),
        "CLUSTER",
        "ADDSLOTSRANGE",
        "0",
        "16383",
    ]);
    assert_eq!(added.stdout.trim(), "OK", "{}", added.stderr);
    node
}

#[test]
fn set_timeout_without_a_config_file_is_set_not_saved() {
    let node = start_without_config_file();
    let seed = format!("127.0.0.1:{}", node.port);
    let port = node.port.to_string();
    let set = run(&["set-timeout", &seed, "4321"]);
    assert_eq!(
        set.code, 0,
        "set everywhere is success: {}{}",
        set.stdout, set.stderr
    );
    assert!(
        set.stdout.contains(&format!(
            "*** New timeout set for {seed}, not saved: ERR The server is running without a config file"
        )),
        "{}",
        set.stdout
    );
    assert!(
        set.stdout
            .ends_with(">>> New node timeout set. 1 OK (1 not saved), 0 ERR.\n"),
        "{}",
        set.stdout
    );
    assert!(
        set.stderr.contains("a restart brings back the old timeout"),
        "{}",
        set.stderr
    );
    let value = redis_cli(&["-p", &port, "CONFIG", "GET", "cluster-node-timeout"]);
    assert!(value.stdout.contains("4321"), "{}", value.stdout);
    let doc = crate::common::json(&run(&["set-timeout", &seed, "4322", "--json"]).stdout);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["nodes"][0]["ok"], true);
    assert_eq!(doc["nodes"][0]["saved"], false);

    // redis-cli syntax: redis-cli's lines and exit code.
    let args = ["--cluster", "set-timeout", seed.as_str(), "4323"];
    let reference = redis_cli(&args);
    let ours = run(&args);
    assert_eq!(ours.code, reference.code, "{}", reference.stdout);
    assert_eq!(ours.stdout, reference.stdout);
    assert_eq!(ours.stderr, reference.stderr);
}

/// Valkey 8.1+ lets a node removed with FORGET rejoin once the 60 s blacklist expires if it still
/// runs and knows the cluster (valkey-io/valkey#2788). del-node resets a running node, or with
/// `--shutdown` stops it, and `--recheck` looks again after the blacklist: 70 s later neither is back.
#[test]
fn removed_nodes_are_still_absent_70_s_later_on_valkey() {
    let cluster = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 3,
        replicas: 1,
        server_bin: crate::common::cached_server("valkey-server-9.1"),
        ..Default::default()
    });
    let seed = cluster.seed();
    let replicas: Vec<(u16, String)> = cluster
        .view()
        .nodes
        .iter()
        .filter(|n| n.myself().flags.replica)
        .map(|n| (n.address.port, n.id().to_string()))
        .collect();
    let removed_at = std::time::Instant::now();
    let reset = run(&["del-node", &seed, &replicas[0].1, "--json"]);
    assert_eq!(reset.code, 0, "{}{}", reset.stdout, reset.stderr);
    assert_eq!(crate::common::json(&reset.stdout)["reset"], true);
    let stopped: crate::common::Outcome = crate::common::rcluster()
        .args(["del-node", &seed, &replicas[1].1, "--shutdown", "--recheck"])
        .timeout(std::time::Duration::from_secs(150))
        .output()
        .expect("run rcluster")
        .into();
    assert_eq!(stopped.code, 0, "{}{}", stopped.stdout, stopped.stderr);
    assert!(
        stopped
            .stdout
            .contains("no node knows the deleted node again"),
        "{}",
        stopped.stdout
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", replicas[1].0)).is_err(),
        "--shutdown left the node running"
    );
    let lists = |id: &str| {
        cluster
            .view()
            .nodes
            .iter()
            .any(|n| n.own_table().is_some_and(|t| t.iter().any(|e| e.id == id)))
    };
    let due = removed_at + std::time::Duration::from_secs(70);
    std::thread::sleep(due.saturating_duration_since(std::time::Instant::now()));
    for (port, id) in &replicas[..2] {
        assert!(!lists(id), "{port} is back 70 s after del-node");
    }
    assert_eq!(run(&["check", &seed]).code, 0);
}

/// `DBSIZE` of the node on `port`.
fn dbsize(cluster: &TestCluster, port: u16) -> i64 {
    match cluster.redis(port, &["DBSIZE"]) {
        redis::Value::Int(n) => n,
        other => panic!("DBSIZE: {other:?}"),
    }
}

/// The ports of the masters (own tables) and, for each node, the master it follows.
fn replica_of(cluster: &TestCluster, port: u16) -> Option<String> {
    let view = cluster.view();
    let node = view.loaded().find(|n| n.address.port == port)?;
    node.myself().master_id.clone()
}

/// Turns `cluster-allow-replica-migration` off on every node, writes `keys` keys, and returns the
/// masters' ports and ids.
fn without_replica_migration(cluster: &TestCluster, keys: usize) -> Vec<(u16, String)> {
    let view = cluster.view();
    for node in view.loaded() {
        cluster.redis(
            node.address.port,
            &["CONFIG", "SET", "cluster-allow-replica-migration", "no"],
        );
    }
    cluster.write_keys(keys);
    view.loaded_masters()
        .map(|m| (m.address.port, m.id().to_string()))
        .collect()
}

/// With `cluster-allow-replica-migration no` (Redis 7.0), a drained master stays an empty master
/// (valkey-io/valkey-operator#216): rebalance names the two choices, `del-node --replicate-to`
/// keeps it as a synced replica holding its new master's keys (its own replica follows another
/// master first). A master that owns slots is refused without consent; with `--yes` its replica
/// takes its slots over and it is removed. Every key is kept and check is clean.
#[test]
fn drained_master_kept_as_a_replica_and_a_master_with_slots_failed_over_first() {
    let cluster = TestCluster::start(3, 1);
    let seed = cluster.seed();
    let masters = without_replica_migration(&cluster, 300);
    let view = cluster.view();
    let [(drained, drained_id), (kept, kept_id), (busy, busy_id)] = masters.as_slice() else {
        panic!("3 masters: {masters:?}");
    };
    let drained_replica = view
        .loaded()
        .find(|n| n.myself().master_id.as_deref() == Some(drained_id.as_str()))
        .unwrap()
        .address
        .port;

    let weight = format!("{drained_id}=0");
    let rebalanced = run(&["rebalance", &seed, "--weight", &weight, "--yes"]);
    assert_eq!(
        rebalanced.code, 0,
        "{}{}",
        rebalanced.stdout, rebalanced.stderr
    );
    assert!(
        rebalanced.stderr.contains(&format!(
            "stays an empty master (cluster-allow-replica-migration is no): remove it with `rcluster del-node {seed} {drained_id}`"
        )),
        "{}",
        rebalanced.stderr
    );
    assert_eq!(
        replica_of(&cluster, *drained),
        None,
        "still an empty master"
    );

    // Still owning slots: refused, with the reshard toward the named master.
    let owning = run(&["del-node", &seed, busy_id, "--replicate-to", kept_id]);
    assert_eq!(owning.code, 1, "{}{}", owning.stdout, owning.stderr);
    assert!(
        owning.stderr.contains(&format!(
            "move them first, then run this again: `rcluster reshard {seed} --from {busy_id} --to {kept_id}"
        )),
        "{}",
        owning.stderr
    );
    let replica_target = run(&[
        "del-node",
        &seed,
        drained_id,
        "--replicate-to",
        &format!("127.0.0.1:{drained_replica}"),
    ]);
    assert_eq!(replica_target.code, 2, "{}", replica_target.stderr);

    let kept_address = format!("127.0.0.1:{kept}");
    let replicated = run(&[
        "del-node",
        &seed,
        &drained_id[..10],
        "--replicate-to",
        &kept_address,
        "--json",
    ]);
    assert_eq!(
        replicated.code, 0,
        "{}{}",
        replicated.stdout, replicated.stderr
    );
    let doc = crate::common::json(&replicated.stdout);
    assert_eq!(doc["state"], "replica", "{doc}");
    assert!(doc["replicate_to"]["synced_ms"].is_u64(), "{doc}");
    assert_eq!(doc["repointed"][0]["ok"], true, "{doc}");
    assert_eq!(
        replica_of(&cluster, *drained).as_deref(),
        Some(kept_id.as_str())
    );
    let follows = replica_of(&cluster, drained_replica).unwrap();
    assert!(follows == *kept_id || follows == *busy_id, "{follows}");
    assert_eq!(
        dbsize(&cluster, *drained),
        dbsize(&cluster, *kept),
        "it holds its master's keys"
    );
    assert_eq!(run(&["check", &seed]).code, 0);

    // A master owning slots: declined (stdin closed), then removed after its replica took over.
    cluster.wait_replicas_synced();
    let declined = run(&["del-node", &seed, busy_id]);
    assert_eq!(declined.code, 1, "{}{}", declined.stdout, declined.stderr);
    assert!(
        declined.stdout.contains("is not empty! Reshard data away"),
        "{}",
        declined.stdout
    );
    assert!(declined.stderr.contains("--yes`"), "{}", declined.stderr);
    let busy_slots = cluster
        .view()
        .loaded()
        .find(|n| n.address.port == *busy)
        .unwrap()
        .myself()
        .slots
        .len();
    let removed = run(&["del-node", &seed, busy_id, "--yes"]);
    assert_eq!(removed.code, 0, "{}{}", removed.stdout, removed.stderr);
    assert!(
        removed.stdout.contains(&format!(
            "took over {busy_slots} slots from 127.0.0.1:{busy} (CLUSTER FAILOVER)"
        )),
        "{}",
        removed.stdout
    );
    let view = cluster.view();
    assert!(
        view.loaded()
            .all(|n| n.own_table().unwrap().iter().all(|e| e.id != *busy_id)),
        "every node forgot the old master"
    );
    let total: i64 = view
        .loaded_masters()
        .map(|m| dbsize(&cluster, m.address.port))
        .sum();
    assert_eq!(total, 300, "every key kept");
    assert_eq!(run(&["check", &seed]).code, 0);
}

/// del-node of a master drained under `cluster-allow-replica-migration no` (Valkey 9.1, moved by
/// reshard): its replica, which cannot forget its own master, follows another master first, and
/// the cluster is clean after.
#[test]
fn del_node_of_an_empty_master_moves_its_replica_on_valkey() {
    let cluster = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 3,
        replicas: 1,
        server_bin: crate::common::cached_server("valkey-server-9.1"),
        ..Default::default()
    });
    let seed = cluster.seed();
    let masters = without_replica_migration(&cluster, 200);
    let view = cluster.view();
    // Not the seed, through which the test looks at the cluster afterwards.
    let (drained, drained_id) = &masters[1];
    let owned = view
        .loaded()
        .find(|n| n.address.port == *drained)
        .unwrap()
        .myself()
        .slots
        .len()
        .to_string();
    let replica = view
        .loaded()
        .find(|n| n.myself().master_id.as_deref() == Some(drained_id.as_str()))
        .unwrap()
        .address
        .port;
    let moved = run(&[
        "reshard",
        &seed,
        "--from",
        drained_id,
        "--to",
        &masters[2].1,
        "--slots",
        &owned,
        "--yes",
    ]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert!(
        moved.stderr.contains("stays an empty master"),
        "{}",
        moved.stderr
    );
    assert_eq!(
        replica_of(&cluster, replica).as_deref(),
        Some(drained_id.as_str())
    );

    let removed = run(&["del-node", &seed, drained_id]);
    assert_eq!(removed.code, 0, "{}{}", removed.stdout, removed.stderr);
    assert!(
        removed
            .stdout
            .contains(&format!(">>> 127.0.0.1:{replica} as replica of ")),
        "{}",
        removed.stdout
    );
    let follows = replica_of(&cluster, replica).unwrap();
    assert!(
        [&masters[0], &masters[2]]
            .iter()
            .any(|(_, id)| *id == follows),
        "{follows}"
    );
    assert!(
        cluster
            .view()
            .loaded()
            .all(|n| n.own_table().unwrap().iter().all(|e| e.id != *drained_id)),
        "every node forgot it"
    );
    cluster.wait_replicas_synced();
    assert_eq!(run(&["check", &seed]).code, 0);
}
