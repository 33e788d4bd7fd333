//! Guards around slot moves (docs/handoff.md, "Bounds and what stops a run"): a second run on the
//! same cluster, a frozen target, a stale journal, a target some master does not know, and output
//! that can no longer be written. Each ends with every key intact.

use crate::common::{FOUR_DATABASES, TestCluster, assert_same_databases, assert_same_keys, run};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `rcluster ARGS` started in the background with its state (journals, locks) under `state`.
fn spawn(args: &[&str], state: &std::path::Path) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
        .args(args)
        .env("XDG_STATE_HOME", state)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rcluster")
}

/// `rcluster ARGS` run to the end with its state under `state`.
fn run_in(args: &[&str], state: &std::path::Path) -> crate::common::Outcome {
    crate::common::rcluster()
        .args(args)
        .env("XDG_STATE_HOME", state)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("run rcluster")
        .into()
}

/// Waits until some node shows an open slot (a move is under way).
fn wait_until_open(cluster: &TestCluster) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if cluster.any_slot_open() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("no slot was ever open");
}

/// Waits until every node says `cluster_state:ok` again (a thawed master's FAIL flag is cleared).
fn wait_until_healthy(cluster: &TestCluster) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let ok = cluster.sandbox.nodes.iter().all(|node| {
            matches!(cluster.redis(node.port, &["CLUSTER", "INFO"]),
                redis::Value::BulkString(text) if String::from_utf8_lossy(&text).contains("cluster_state:ok"))
        });
        let flagged = cluster.view().nodes.iter().any(|n| n.is_flagged_failed());
        if ok && !flagged {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the cluster did not recover");
}

#[test]
fn a_second_move_on_the_same_cluster_is_refused_while_the_first_completes() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(6000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let source = cluster.id(cluster.port(1));
    let state = tempfile::tempdir().unwrap();
    let first = spawn(
        &[
            "reshard", &seed, "--from", &source, "--to", &target, "--slots", "3000", "--yes",
            "--rate", "500",
        ],
        state.path(),
    );
    wait_until_open(&cluster);
    let second = run_in(
        &[
            "reshard", &seed, "--from", &target, "--to", &source, "--slots", "100", "--yes",
        ],
        state.path(),
    );
    assert_eq!(second.code, 2, "{}{}", second.stdout, second.stderr);
    let fixing = run_in(&["fix", &seed, "--yes"], state.path());
    assert_eq!(
        fixing.code, 1,
        "fix waits too (a busy cluster is a finding, exit 1): {}{}",
        fixing.stdout, fixing.stderr
    );
    assert!(
        fixing.stderr.contains("another rcluster run") && fixing.stderr.contains("reshard"),
        "{}",
        fixing.stderr
    );
    let output = first.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_same_keys(&before, &cluster.dump_all());
    assert_eq!(run(&["check", &seed]).code, 0);
}

#[test]
fn a_frozen_target_stops_the_move_within_the_node_timeout_and_fix_repairs_it() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(20_000);
    frozen_target_stops_the_move(cluster, &[0]);
}

/// The same on Valkey 9.1 with keys in four databases (issue 23).
#[test]
fn a_frozen_target_stops_the_move_and_fix_repairs_it_on_four_valkey_databases() {
    let cluster = TestCluster::valkey_databases(3, 0, 4);
    cluster.write_keys_in_databases(5_000, &FOUR_DATABASES);
    frozen_target_stops_the_move(cluster, &FOUR_DATABASES);
}

/// A reshard whose target is frozen (SIGSTOP) while keys move stops within the node timeout, names
/// `rcluster fix`, and fix then keeps every key of `dbs`.
fn frozen_target_stops_the_move(cluster: TestCluster, dbs: &[u16]) {
    let before = cluster.dump_databases(dbs);
    let seed = cluster.seed();
    let target_port = cluster.port(0);
    let target = cluster.id(target_port);
    let source = cluster.id(cluster.port(1));
    let state = tempfile::tempdir().unwrap();
    let child = spawn(
        &[
            "reshard",
            &seed,
            "--from",
            &source,
            "--to",
            &target,
            "--slots",
            "4000",
            "--yes",
            "--rate",
            "2000",
            "--migrate-timeout",
            "60s",
        ],
        state.path(),
    );
    wait_until_open(&cluster);
    let pid = cluster.sandbox.nodes[0].pid as i32;
    let frozen = Instant::now();
    // SAFETY: signals to a server process this test started.
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    let output = child.wait_with_output().unwrap();
    let returned = frozen.elapsed();
    unsafe { libc::kill(pid, libc::SIGCONT) };
    wait_until_healthy(&cluster);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    // The cluster-node-timeout is 2 s: MIGRATE is bounded by half of it, the wait for agreement and
    // the hand-off's own bounds by a few times it; never the 60 s asked for.
    assert!(
        returned < Duration::from_secs(30),
        "returned after {returned:?}: {stderr}"
    );
    assert!(
        stderr.contains("rcluster fix") || stderr.contains("rcluster resume"),
        "{stderr}"
    );
    let fixed = run_in(&["fix", &seed, "--yes"], state.path());
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert_same_databases(&before, &cluster.dump_databases(dbs));
}

#[test]
fn resume_refuses_a_journal_older_than_a_finished_run() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(3000);
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let state = tempfile::tempdir().unwrap();
    // An unfinished journal: a run killed as soon as a slot is open.
    let mut killed = spawn(
        &[
            "reshard", &seed, "--from", "all", "--to", &target, "--slots", "2000", "--yes",
            "--rate", "500",
        ],
        state.path(),
    );
    wait_until_open(&cluster);
    killed.kill().unwrap();
    killed.wait().unwrap();
    let fixed = run_in(&["fix", &seed, "--yes"], state.path());
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    std::thread::sleep(Duration::from_millis(1100));
    let other = cluster.id(cluster.port(1));
    let newer = run_in(
        &[
            "reshard", &seed, "--from", &target, "--to", &other, "--slots", "10", "--yes",
        ],
        state.path(),
    );
    assert_eq!(newer.code, 0, "{}{}", newer.stdout, newer.stderr);
    let view_before = cluster.view();
    let resumed = run_in(&["resume", &seed], state.path());
    assert_eq!(resumed.code, 2, "{}{}", resumed.stdout, resumed.stderr);
    assert!(resumed.stderr.contains("stale"), "{}", resumed.stderr);
    let view_after = cluster.view();
    let slots = |view: &rcluster::topology::ClusterView| {
        view.loaded_masters()
            .map(|m| (m.id().to_string(), m.myself().slots.len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(slots(&view_before), slots(&view_after), "nothing moved");
}

#[test]
fn a_target_some_master_does_not_know_fails_check_and_is_refused() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let stranger = cluster.id(cluster.port(2));
    // The first master forgets the third (for 60 s, the FORGET ban).
    cluster.redis(cluster.port(0), &["CLUSTER", "FORGET", &stranger]);
    let check = run(&["check", &seed]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check.stdout.contains("is not known by"), "{}", check.stdout);
    let state = tempfile::tempdir().unwrap();
    let source = cluster.id(cluster.port(1));
    let moved = run_in(
        &[
            "reshard", &seed, "--from", &source, "--to", &stranger, "--slots", "10", "--yes",
        ],
        state.path(),
    );
    assert_ne!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert!(!cluster.any_slot_open(), "no slot was opened");
}

#[test]
fn a_closed_output_pipe_stops_the_move_with_exit_1_and_no_slot_open() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(5000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let state = tempfile::tempdir().unwrap();
    let script = format!(
        "XDG_STATE_HOME={} {} --cluster reshard {} --cluster-from all --cluster-to {target} --cluster-slots 3000 --cluster-yes | head -1; exit ${{PIPESTATUS[0]}}",
        state.path().display(),
        assert_cmd::cargo::cargo_bin("rcluster").display(),
        seed.replace(':', " ")
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!cluster.any_slot_open(), "no slot is left open");
    assert_same_keys(&before, &cluster.dump_all());

    // Natively the moves write only to stderr: the run ends, its result line is lost, no slot open.
    let giver = cluster.id(cluster.port(1));
    let native = piped(&format!(
        "XDG_STATE_HOME={} {} reshard {seed} --from {target} --to {giver} --slots 2000 --yes | head -1",
        state.path().display(),
        assert_cmd::cargo::cargo_bin("rcluster").display(),
    ));
    assert!(matches!(native.0, Some(0 | 1)), "{}", native.1);
    assert!(!native.1.contains("panicked"), "{}", native.1);
    assert!(!cluster.any_slot_open(), "no slot is left open");
    assert_same_keys(&before, &cluster.dump_all());

    // A check whose reader is gone before it writes: its own exit status, no panic, no error text.
    for args in ["check", "check -v", "info", "--cluster check"] {
        let (code, stderr) = piped(&format!(
            "{} {args} {seed} | true",
            assert_cmd::cargo::cargo_bin("rcluster").display(),
        ));
        assert_eq!(code, Some(0), "{args}: {stderr}");
        assert!(stderr.is_empty(), "{args}: {stderr}");
    }
}

/// Runs `pipeline` in bash; the exit status of its first command and its stderr.
fn piped(pipeline: &str) -> (Option<i32>, String) {
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("{pipeline}; exit ${{PIPESTATUS[0]}}"))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The cluster's lease key (docs/lock.md).
const LEASE: &str = "rcluster:lock";

/// Writes the lease by hand, as a run `holder` (`host pid command`) that took it now would, for 60 s.
fn hold_lease(cluster: &TestCluster, holder: &str) {
    let owner = lease_owner(cluster);
    let redis::Value::Array(time) = cluster.redis(owner, &["TIME"]) else {
        panic!("TIME")
    };
    let seconds: u64 = redis::from_redis_value(time[0].clone()).unwrap();
    let value = format!("0123456789abcdef {} {holder}", seconds * 1000);
    cluster.redis(owner, &["SET", LEASE, &value, "PX", "60000"]);
}

/// The port of the master that owns the lease's slot.
fn lease_owner(cluster: &TestCluster) -> u16 {
    let slot = rcluster::topology::key_slot(LEASE.as_bytes());
    cluster
        .view()
        .loaded_masters()
        .find(|m| m.myself().slots.contains(slot))
        .expect("the lease's slot has an owner")
        .address
        .port
}

/// Whether the lease key exists (on the owner of its slot, which the tests below never move).
fn lease_exists(cluster: &TestCluster) -> bool {
    cluster.redis(lease_owner(cluster), &["EXISTS", LEASE]) == redis::Value::Int(1)
}

/// One fresh, empty cluster-mode node (not in any cluster).
fn fresh_node() -> TestCluster {
    TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 1,
        no_cluster: true,
        ..Default::default()
    })
}

#[track_caller]
fn assert_refused_by_lease(outcome: &crate::common::Outcome, holder: &str) {
    assert_eq!(outcome.code, 1, "{}{}", outcome.stdout, outcome.stderr);
    let error = outcome
        .stderr
        .lines()
        .find(|l| l.starts_with("rcluster: error:"))
        .unwrap_or_else(|| panic!("no error line: {}", outcome.stderr));
    assert!(
        error.contains("another rcluster run holds the cluster's lock (rcluster:lock)")
            && error.contains(holder)
            && error.contains("--break-lock"),
        "{error}"
    );
}

/// Issue 23: an empty master is added and a throttled rebalance starts filling it; `del-node` of that
/// master, as soon as it holds keys, is refused (from another state folder: the cluster's lease, not
/// this host's lock) and the rebalance finishes with every key where it belongs.
#[test]
fn del_node_of_a_master_a_rebalance_is_filling_is_refused_and_no_key_is_lost() {
    let cluster = TestCluster::start(3, 0);
    let spare = fresh_node();
    cluster.write_keys_pipelined(20_000);
    let seed = cluster.seed();
    let empty = spare.sandbox.nodes[0].address().to_string();
    let added = run(&["add-node", &empty, &seed]);
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    let empty_id = spare.id(spare.port(0));
    let before = cluster.dump_all();
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let rebalance = spawn(
        &[
            "rebalance",
            &seed,
            "--use-empty-masters",
            "--rate",
            "2000",
            "--yes",
        ],
        first.path(),
    );
    let holds_keys = || spare.redis(spare.port(0), &["DBSIZE"]) != redis::Value::Int(0);
    assert!(
        crate::common::eventually(30, holds_keys),
        "the new master never got a key"
    );
    let removed = run_in(&["del-node", &seed, &empty_id], second.path());
    assert_refused_by_lease(&removed, "`rebalance` by ");
    assert!(
        !removed.stdout.contains("FORGET"),
        "nothing was sent: {}",
        removed.stdout
    );
    let output = rebalance.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        cluster
            .view()
            .node_by_id(&empty_id)
            .is_some_and(|n| n.is_loaded()),
        "the new master is still a member"
    );
    assert_same_keys(&before, &cluster.dump_all());
    assert!(!lease_exists(&cluster), "the rebalance released its lease");
    let check = run(&["check", &seed]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

/// Two runs with two state folders (two operators, or two hosts): this host's lock cannot see the
/// first, the cluster's lease refuses the second, naming the first.
#[test]
fn a_run_with_another_state_folder_is_refused_by_the_clusters_lease() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys_pipelined(6000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    // The lease's slot stays where it is: the moves are between the other two masters.
    let keeper = lease_owner(&cluster);
    let others: Vec<u16> = (0..3)
        .map(|i| cluster.port(i))
        .filter(|p| *p != keeper)
        .collect();
    let (source, target) = (cluster.id(others[0]), cluster.id(others[1]));
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let moving = spawn(
        &[
            "reshard", &seed, "--from", &source, "--to", &target, "--slots", "3000", "--yes",
            "--rate", "1000",
        ],
        first.path(),
    );
    wait_until_open(&cluster);
    assert!(
        lease_exists(&cluster),
        "the running reshard holds the lease"
    );
    let holder = format!("`reshard` by {}:{}", hostname(), moving.id());
    // fix would "repair" the running move's open slots: the worst second run there is.
    let fixing = run_in(&["fix", &seed, "--yes"], second.path());
    assert_refused_by_lease(&fixing, &holder);
    let json = run_in(&["fix", &seed, "--yes", "--json"], second.path());
    assert_eq!(json.code, 1);
    assert_eq!(crate::common::json(&json.stdout)["error"]["kind"], "locked");
    let output = moving.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!lease_exists(&cluster), "released at the end");
    assert_same_keys(&before, &cluster.dump_all());
    assert_eq!(run(&["check", &seed]).code, 0);
}

/// A lease left behind: by a holder on another host, refused until `--break-lock` (which names whom
/// it broke); by a run of this host killed with SIGKILL, broken by the next run at once (its process
/// is gone), which then releases it.
#[test]
fn a_lease_left_behind_is_broken_by_break_lock_or_by_the_next_run_of_its_host() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(3000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let state = tempfile::tempdir().unwrap();
    hold_lease(&cluster, "db-admin-7 4242 reshard");
    let refused = run_in(&["fix", &seed, "--yes"], state.path());
    assert_refused_by_lease(&refused, "`reshard` by db-admin-7:4242 for ");
    let broken = run_in(&["fix", &seed, "--yes", "--break-lock"], state.path());
    assert_eq!(broken.code, 0, "{}{}", broken.stdout, broken.stderr);
    assert!(
        broken.stderr.contains(
            "broke the cluster's lock held by `reshard` by db-admin-7:4242 (--break-lock)"
        ),
        "{}",
        broken.stderr
    );
    assert!(!lease_exists(&cluster), "the breaker released it");

    let keeper = lease_owner(&cluster);
    let others: Vec<u16> = (0..3)
        .map(|i| cluster.port(i))
        .filter(|p| *p != keeper)
        .collect();
    let (source, target) = (cluster.id(others[0]), cluster.id(others[1]));
    let mut killed = spawn(
        &[
            "reshard", &seed, "--from", &source, "--to", &target, "--slots", "2000", "--yes",
            "--rate", "300",
        ],
        state.path(),
    );
    wait_until_open(&cluster);
    killed.kill().unwrap();
    killed.wait().unwrap();
    assert!(lease_exists(&cluster), "SIGKILL left the lease");
    let other_state = tempfile::tempdir().unwrap();
    let fixed = run_in(&["fix", &seed, "--yes"], other_state.path());
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed
            .stderr
            .contains("broke the cluster's lock left by a killed run: `reshard` by "),
        "{}",
        fixed.stderr
    );
    assert!(!lease_exists(&cluster));
    assert_same_keys(&before, &cluster.dump_all());
    assert_eq!(run(&["check", &seed]).code, 0);
}

/// While another run holds the lease, the membership commands and setslot change nothing.
#[test]
fn membership_commands_and_setslot_are_refused_while_the_lease_is_held() {
    let cluster = TestCluster::start(3, 1);
    let spare = fresh_node();
    let seed = cluster.seed();
    let view = cluster.view();
    let replica = view.loaded().find(|n| !n.is_master()).expect("a replica");
    let (replica_id, replica) = (replica.id().to_string(), replica.address.to_string());
    let nodes = view.nodes.len();
    hold_lease(&cluster, "ops-host 999 rebalance");
    let holder = "`rebalance` by ops-host:999";
    let newcomer = spare.sandbox.nodes[0].address().to_string();
    for args in [
        vec!["add-node", newcomer.as_str(), seed.as_str()],
        vec!["del-node", &seed, &replica_id],
        vec!["failover", &replica],
        vec!["setslot", &seed, "0", "stable"],
    ] {
        assert_refused_by_lease(&run(&args), holder);
    }
    let view = cluster.view();
    assert_eq!(view.nodes.len(), nodes, "no node was added or removed");
    assert!(
        view.nodes
            .iter()
            .any(|n| n.id() == replica_id && !n.is_master()),
        "the replica was neither removed nor promoted"
    );
    assert!(
        lease_exists(&cluster),
        "a refused run leaves the lease alone"
    );
}

/// This host's name, as rcluster records it in the lease.
fn hostname() -> String {
    rcluster::exec::lease::this_host()
}
