//! Guards around slot moves (docs/handoff.md, "Bounds and what stops a run"): a second run on the
//! same cluster, a frozen target, a stale journal, a target some master does not know, and output
//! that can no longer be written. Each ends with every key intact.

mod common;

use common::{TestCluster, assert_same_keys, run};
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
fn run_in(args: &[&str], state: &std::path::Path) -> common::Outcome {
    common::rcluster()
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
    let before = cluster.dump_all();
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
    assert_same_keys(&before, &cluster.dump_all());
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
