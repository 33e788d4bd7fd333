//! Redis 8.4+ server-side migration (`CLUSTER MIGRATION`) when things go wrong, on Redis 8.6: the
//! tool killed while a task runs (then `resume` finishes the task, or `fix` cancels it), and a task
//! that makes no progress under client traffic (reported and cancelled on both sides). Each ends
//! with `check` clean and every key intact (a DUMP of every key compared with before).
//!
//! A task is kept running on purpose with the source's `rdb-key-save-delay` (microseconds per key
//! its snapshot child writes): the servers' own tests slow a migration the same way.

use crate::common::{
    TestCluster, Traffic, assert_same_keys, cached_server, client_traffic, fill_slot, owner_port,
    run, slots_of,
};
use rcluster::sandbox::SandboxOptions;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// 3 masters of Redis 8.6, and one slot of the third filled with `keys` keys (a slot no
/// `traffic:N` key of the test client hashes to): (cluster, slot, source port, target port).
fn cluster_with_a_slot(keys: usize) -> (TestCluster, u16, u16, u16) {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 0,
        server_bin: cached_server("redis-server-8.6"),
        ..Default::default()
    });
    let (source, target) = (cluster.port(2), cluster.port(0));
    let traffic: std::collections::HashSet<u16> = (0..5000)
        .map(|n| rcluster::topology::key_slot(format!("traffic:{n}").as_bytes()).number())
        .collect();
    let slot = slots_of(&cluster, source, 2000)
        .into_iter()
        .find(|s| !traffic.contains(s))
        .expect("a slot without client keys");
    fill_slot(&cluster, slot, keys);
    (cluster, slot, source, target)
}

/// Slows the snapshot of every migration from `port` to `micros` per key (0: full speed).
fn slow_snapshots(cluster: &TestCluster, port: u16, micros: u64) {
    cluster.redis(
        port,
        &["CONFIG", "SET", "rdb-key-save-delay", &micros.to_string()],
    );
}

/// `rcluster reshard` of `slot` to `target` in the background, with its state under `state`.
fn spawn_reshard(
    cluster: &TestCluster,
    slot: u16,
    target: u16,
    state: &Path,
) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
        .args([
            "reshard",
            &cluster.seed(),
            "--slot-ranges",
            &slot.to_string(),
            "--to",
            &cluster.id(target),
            "--yes",
        ])
        .env("XDG_STATE_HOME", state)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until a journal under `state` records a started task (the run sent its IMPORT and the
/// destination answered), then kills the run with SIGKILL.
fn kill_once_the_task_runs(mut child: std::process::Child, state: &Path) {
    let journals = state.join("rcluster").join("journals");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let started = std::fs::read_dir(&journals)
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| {
                std::fs::read_to_string(entry.path())
                    .is_ok_and(|text| text.contains("\"event\":\"task_started\""))
            });
        if started {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the run never journaled a task under {}",
            journals.display()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before its task was journaled"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A run SIGKILLed while its task runs on the servers: the cluster, the slot, its source and
/// target ports, every key before, and the run's state folder (its journal).
struct Killed {
    cluster: TestCluster,
    slot: u16,
    source: u16,
    target: u16,
    before: Vec<(Vec<u8>, Vec<u8>)>,
    state: tempfile::TempDir,
}

/// A reshard of a 30-key slot whose snapshot takes `micros` per key, killed once its task is
/// journaled.
fn killed_mid_task(micros: u64) -> Killed {
    let (cluster, slot, source, target) = cluster_with_a_slot(30);
    let before = cluster.dump_all();
    slow_snapshots(&cluster, source, micros);
    let state = tempfile::tempdir().unwrap();
    kill_once_the_task_runs(
        spawn_reshard(&cluster, slot, target, state.path()),
        state.path(),
    );
    Killed {
        cluster,
        slot,
        source,
        target,
        before,
        state,
    }
}

/// The states `port` lists for its migration tasks (`CLUSTER MIGRATION STATUS ALL`).
fn task_states(cluster: &TestCluster, port: u16) -> Vec<String> {
    let reply = cluster.redis(port, &["CLUSTER", "MIGRATION", "STATUS", "ALL"]);
    let redis::Value::Array(tasks) = reply else {
        panic!("{reply:?}")
    };
    tasks
        .iter()
        .filter_map(|task| {
            let fields: Vec<String> = match task {
                redis::Value::Array(items) => items
                    .iter()
                    .map(|v| redis::from_redis_value(v.clone()).unwrap_or_default())
                    .collect(),
                _ => return None,
            };
            let at = fields.iter().position(|f| f == "state")?;
            fields.get(at + 1).cloned()
        })
        .collect()
}

/// Runs `rcluster args` with its state under `state`.
fn run_with_state(args: &[&str], state: &Path) -> crate::common::Outcome {
    crate::common::rcluster()
        .args(args)
        .env("XDG_STATE_HOME", state)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
        .into()
}

fn assert_clean(seed: &str) {
    let check = run(&["check", seed]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

/// rcluster SIGKILLed while its task runs on the servers: `resume` follows the task from its
/// journal to the end, settles it and journals its slots; the slot is at the target, every key
/// kept, and the journal finished.
#[test]
fn resume_finishes_the_task_a_killed_run_left() {
    // About 3 s of snapshot: the task outlives the run.
    let Killed {
        cluster,
        slot,
        source,
        target,
        before,
        state,
    } = killed_mid_task(100_000);
    let resumed = run_with_state(&["resume", &cluster.seed()], state.path());
    assert_eq!(resumed.code, 0, "{}{}", resumed.stdout, resumed.stderr);
    assert!(
        resumed
            .stderr
            .contains("Finishing 1 server-side task the interrupted run left"),
        "{}",
        resumed.stderr
    );
    slow_snapshots(&cluster, source, 0);
    assert_eq!(owner_port(&cluster, slot), target);
    assert_eq!(task_states(&cluster, target), ["completed"]);
    assert_clean(&cluster.seed());
    assert_same_keys(&before, &cluster.dump_all());
    let again = run_with_state(&["resume", &cluster.seed()], state.path());
    assert_ne!(again.code, 0, "nothing is left to resume: {}", again.stdout);
}

/// rcluster SIGKILLed while its task runs: `fix` cancels the task on both sides (the servers keep
/// the slot on the source), says so and points to `resume`, which then moves the slot.
#[test]
fn fix_cancels_the_task_a_killed_run_left_and_resume_moves_the_slot_after() {
    // Far longer than the test: only the cancel ends this task.
    let Killed {
        cluster,
        slot,
        source,
        target,
        before,
        state,
    } = killed_mid_task(1_000_000);
    let fixed = run_with_state(&["fix", &cluster.seed(), "--yes"], state.path());
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed.stderr.contains("Cancelling 1 server-side task ")
            && fixed.stderr.contains("the servers keep them on the source")
            && fixed.stderr.contains("rcluster resume --journal"),
        "{}",
        fixed.stderr
    );
    assert_eq!(owner_port(&cluster, slot), source);
    assert_eq!(task_states(&cluster, target), ["canceled"]);
    assert_same_keys(&before, &cluster.dump_all());
    slow_snapshots(&cluster, source, 0);
    let resumed = run_with_state(&["resume", &cluster.seed()], state.path());
    assert_eq!(resumed.code, 0, "{}{}", resumed.stdout, resumed.stderr);
    assert_eq!(owner_port(&cluster, slot), target);
    assert_clean(&cluster.seed());
    assert_same_keys(&before, &cluster.dump_all());
}

/// A task whose snapshot stops arriving while clients keep writing to the cluster: after the
/// no-progress limit the run reports it stalled, cancels it on both sides and exits 1; the slot
/// stays on the source, no client operation failed, and every key is kept.
#[test]
fn a_stalled_task_under_client_traffic_is_reported_and_cancelled_on_both_sides() {
    let (cluster, slot, source, target) = cluster_with_a_slot(20);
    let before = cluster.dump_all();
    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let (port, stop) = (cluster.port(0), Arc::clone(&stop));
        std::thread::spawn(move || client_traffic(port, stop))
    };
    // 4 s a key, past the 2 s limit: the snapshot makes no progress for it.
    slow_snapshots(&cluster, source, 4_000_000);
    let moved = run(&[
        "reshard",
        &cluster.seed(),
        "--slot-ranges",
        &slot.to_string(),
        "--to",
        &cluster.id(target),
        "--yes",
        "--migrate-timeout",
        "2s",
        "--events",
        "json",
    ]);
    stop.store(true, Ordering::SeqCst);
    let traffic: Traffic = client.join().unwrap();
    slow_snapshots(&cluster, source, 0);
    assert_eq!(moved.code, 1, "{}{}", moved.stdout, moved.stderr);
    let all = format!("{}{}", moved.stdout, moved.stderr);
    assert!(
        all.contains("made no progress") && all.contains("cancelled on both sides"),
        "{all}"
    );
    assert!(
        moved
            .stderr
            .lines()
            .any(|line| line.contains(r#""event":"task_phase""#)
                && line.contains(r#""phase":"snapshot""#)),
        "the task's phase is an event: {}",
        moved.stderr
    );
    assert_eq!(task_states(&cluster, target), ["canceled"]);
    assert_eq!(task_states(&cluster, source), ["canceled"]);
    assert_eq!(owner_port(&cluster, slot), source);
    assert!(
        traffic.failures.is_empty() && traffic.operations > 100,
        "{traffic:?}"
    );
    assert_clean(&cluster.seed());
    let after: Vec<_> = cluster
        .dump_all()
        .into_iter()
        .filter(|(key, _)| !key.starts_with(b"traffic:"))
        .collect();
    assert_same_keys(&before, &after);
}

/// A task started by hand (no rcluster journal names it) still running: `check` names it (a
/// warning) and `watch` shows it; `reshard` of its slot, `setslot` and `fix` are refused before they change anything,
/// naming the task; the slot is opened nowhere. On Valkey 9 (`MIGRATESLOTS`, sent to the source) as on Redis 8.6 (`CLUSTER
/// MIGRATION IMPORT`, sent to the destination).
fn a_running_task_is_refused(server: &str) {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 0,
        server_bin: cached_server(server),
        ..Default::default()
    });
    let (source, target) = (cluster.port(2), cluster.port(0));
    let slot = slots_of(&cluster, source, 1)[0];
    fill_slot(&cluster, slot, 20);
    // 10 s a key: the task outlives every command below however loaded the machine is (the test
    // cancels it at the end).
    slow_snapshots(&cluster, source, 10_000_000);
    let range = [slot.to_string(), slot.to_string()];
    if server.starts_with("valkey") {
        let target_id = cluster.id(target);
        cluster.redis(
            source,
            &[
                "CLUSTER",
                "MIGRATESLOTS",
                "SLOTSRANGE",
                &range[0],
                &range[1],
                "NODE",
                &target_id,
            ],
        );
    } else {
        cluster.redis(
            target,
            &["CLUSTER", "MIGRATION", "IMPORT", &range[0], &range[1]],
        );
    }
    let seed = cluster.seed();
    let reshard = run(&[
        "reshard",
        &seed,
        "--slot-ranges",
        &range[0],
        "--to",
        &cluster.id(target),
        "--yes",
        "--migration",
        "legacy",
    ]);
    let setslot = run(&["setslot", &seed, &range[0], "stable"]);
    let fix = run(&["fix", &seed, "--yes"]);
    for (name, refused) in [("reshard", &reshard), ("setslot", &setslot), ("fix", &fix)] {
        assert_eq!(
            refused.code, 2,
            "{name}: {}{}",
            refused.stdout, refused.stderr
        );
        assert!(
            refused
                .stderr
                .contains("a server-side slot migration is running"),
            "{}",
            refused.stderr
        );
    }
    let check = run(&["check", &seed]);
    assert_eq!(
        check.code, 0,
        "a running task is a warning: {}",
        check.stdout
    );
    assert!(
        check.stdout.contains("[WARNING] server-side migration")
            && check
                .stdout
                .contains(&format!("is moving slots {slot} from")),
        "{}",
        check.stdout
    );
    let watched = run(&["watch", &seed, "--count", "1", "--json"]);
    assert_eq!(watched.code, 0, "{}", watched.stderr);
    let moves = &crate::common::json(watched.stdout.trim())["server_side_moves"];
    assert!(
        moves.as_array().is_some_and(|m| !m.is_empty()),
        "watch names the running task: {}",
        watched.stdout
    );
    let plain = run(&["watch", &seed, "--count", "1"]);
    assert!(
        plain.stdout.contains("server-side moves: "),
        "{}",
        plain.stdout
    );
    for node in cluster.view().loaded() {
        assert!(
            node.myself().migrating.is_empty() && node.myself().importing.is_empty(),
            "{} has an open slot",
            node.address
        );
    }
    if server.starts_with("valkey") {
        cluster.redis(source, &["CLUSTER", "CANCELSLOTMIGRATIONS"]);
    } else {
        cluster.redis(target, &["CLUSTER", "MIGRATION", "CANCEL", "ALL"]);
        cluster.redis(source, &["CLUSTER", "MIGRATION", "CANCEL", "ALL"]);
    }
    slow_snapshots(&cluster, source, 0);
}

#[test]
fn a_running_task_is_refused_on_redis_8_6() {
    a_running_task_is_refused("redis-server-8.6");
}

#[test]
fn a_running_task_is_refused_on_valkey_9_1() {
    a_running_task_is_refused("valkey-server-9.1");
}

/// `check --json`'s verdict in each of its four states, each built on a real Redis 8.6 cluster
/// and lasting as long as the test needs: `stable`; `settling` while a server-side task runs (its
/// snapshot slowed); `repair` with an open slot; `unreachable` with a node stopped (SIGSTOP, so not
/// yet flagged failed). The exit code stays 0 for warnings only and 1 for errors; with
/// `--verdict-exit` it is the verdict's class (0, 3, 1, 2).
#[test]
fn check_json_gives_the_verdict_in_each_of_its_four_states() {
    let (cluster, slot, source, target) = cluster_with_a_slot(20);
    let seed = cluster.seed();
    let verdict = || {
        let out = run(&["check", &seed, "--json"]);
        let doc = crate::common::json(&out.stdout);
        let classed = run(&["check", &seed, "--verdict-exit", "-q"]).code;
        (
            doc["verdict"].as_str().unwrap().to_string(),
            out.code,
            classed,
        )
    };
    assert_eq!(verdict(), ("stable".to_string(), 0, 0));
    slow_snapshots(&cluster, source, 1_000_000);
    let range = slot.to_string();
    cluster.redis(target, &["CLUSTER", "MIGRATION", "IMPORT", &range, &range]);
    assert_eq!(verdict(), ("settling".to_string(), 0, 3));
    cluster.redis(target, &["CLUSTER", "MIGRATION", "CANCEL", "ALL"]);
    cluster.redis(source, &["CLUSTER", "MIGRATION", "CANCEL", "ALL"]);
    slow_snapshots(&cluster, source, 0);
    cluster.open_slot(source, target);
    assert_eq!(verdict(), ("repair".to_string(), 1, 1));
    // A stopped node is unreachable, not failed: no node may flag it `fail` (and have it failed
    // over or forgotten) however slow the checks are on a loaded machine.
    for port in cluster.sandbox.nodes.iter().map(|n| n.port) {
        cluster.redis(port, &["CONFIG", "SET", "cluster-node-timeout", "120000"]);
    }
    let stopped = cluster.port(1);
    cluster.sandbox.signal(stopped, libc::SIGSTOP).unwrap();
    // One run gives both the JSON verdict and the exit code it maps to.
    let unreachable = run(&["check", &seed, "--json", "--verdict-exit"]);
    cluster.sandbox.signal(stopped, libc::SIGCONT).unwrap();
    let doc = crate::common::json(&unreachable.stdout);
    assert_eq!(doc["verdict"], "unreachable", "{doc}");
    assert_eq!(unreachable.code, 2, "fail closed: {doc}");
}

/// A reshard from both other masters with `--json --events json`: each task's `task_phase` events
/// carry its phase, its keys counted before, the run's slots done of all, and the ETA field; the
/// second task, started once the first settled, has a rate to go by, so its ETA is a number.
#[test]
fn progress_events_carry_the_phase_slots_done_and_an_eta() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 0,
        server_bin: cached_server("redis-server-8.6"),
        ..Default::default()
    });
    cluster.write_keys(3000);
    let before = cluster.dump_all();
    // About 0.1 s a task, so that each is seen in a phase before it completes.
    for port in [cluster.port(1), cluster.port(2)] {
        slow_snapshots(&cluster, port, 500);
    }
    let moved = run(&[
        "reshard",
        &cluster.seed(),
        "--from",
        "all",
        "--to",
        &cluster.id(cluster.port(0)),
        "--slots",
        "2000",
        "--yes",
        "--json",
        "--events",
        "json",
    ]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    let phases: Vec<serde_json::Value> = moved
        .stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["event"] == "task_phase")
        .collect();
    let ids: std::collections::BTreeSet<&str> =
        phases.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), 2, "one task per source: {phases:?}");
    for event in &phases {
        assert!(
            ["snapshot", "stream", "handoff", "trim"].contains(&event["phase"].as_str().unwrap()),
            "{event}"
        );
        assert_eq!(event["slots_total"], 2000, "{event}");
        assert!(event["slots_done"].as_u64().unwrap() <= 2000, "{event}");
        assert!(event["keys"].as_u64().unwrap() > 0, "{event}");
        assert!(event.get("eta_seconds").is_some(), "{event}");
    }
    let first = phases[0]["id"].as_str().unwrap();
    assert!(
        phases
            .iter()
            .filter(|e| e["id"] != first)
            .all(|e| e["slots_done"].as_u64().unwrap() > 0 && e["eta_seconds"].is_number()),
        "the second task comes after the first settled: {phases:?}"
    );
    assert!(
        phases
            .iter()
            .filter(|e| e["id"] == first)
            .all(|e| e["eta_seconds"].is_null()),
        "no rate before the first task settles: {phases:?}"
    );
    for port in [cluster.port(1), cluster.port(2)] {
        slow_snapshots(&cluster, port, 0);
    }
    assert_clean(&cluster.seed());
    assert_same_keys(&before, &cluster.dump_all());
}
