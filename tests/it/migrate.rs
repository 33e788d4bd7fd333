//! The migration engine against real servers: `reshard` keeps every key (count and DUMP of each),
//! moves exactly what was planned, in redis-cli syntax prints what redis-cli prints, and a
//! cluster-aware client keeps working while slots move.

use crate::common::{TestCluster, redis_cli, run};

fn slots_of(cluster: &TestCluster, id: &str) -> usize {
    cluster.view().node_by_id(id).unwrap().myself().slots.len()
}

#[test]
fn reshard_moves_exactly_the_slots_and_keeps_every_key() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_mixed_keys(2000);
    let before = cluster.dump_all();
    assert_eq!(before.len(), 2000 + 6 * 20 + 3);
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let target_slots = slots_of(&cluster, &target);

    let dry = crate::common::reshard_from_all(&seed, &target, "2000", &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(
        slots_of(&cluster, &target),
        target_slots,
        "--dry-run moved something"
    );

    let moved =
        crate::common::reshard_from_all(&seed, &target, "2000", &["--yes", "--pipeline", "7"]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert_eq!(slots_of(&cluster, &target), target_slots + 2000);
    assert_eq!(
        run(&["check", &seed, "--json"]).code,
        0,
        "check is clean after the reshard"
    );
    crate::common::assert_same_keys(&before, &cluster.dump_all());

    let exact = run(&[
        "reshard",
        &seed,
        "--to",
        &cluster.id(cluster.port(1)),
        "--slot-ranges",
        "0-9,100",
        "--yes",
        "--json",
    ]);
    assert_eq!(exact.code, 0, "{}", exact.stderr);
    let view = cluster.view();
    let owner = view.node_by_id(&cluster.id(cluster.port(1))).unwrap();
    assert!((0..10).chain([100]).all(|s| {
        owner
            .myself()
            .slots
            .contains(rcluster::topology::Slot::new(s).unwrap())
    }));
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

#[test]
fn reshard_in_redis_cli_syntax_prints_what_redis_cli_prints() {
    let ours = TestCluster::start(3, 0);
    let reference = TestCluster::start(3, 0);
    for cluster in [&ours, &reference] {
        cluster.write_keys(3000);
    }
    let reshard = |cluster: &TestCluster| {
        let from = cluster.id(cluster.port(1));
        let to = cluster.id(cluster.port(0));
        vec![
            "--cluster".to_string(),
            "reshard".into(),
            cluster.seed(),
            "--cluster-from".into(),
            from,
            "--cluster-to".into(),
            to,
            "--cluster-slots".into(),
            "40".into(),
            "--cluster-yes".into(),
        ]
    };
    let ours_args = reshard(&ours);
    let ours_out = run(&ours_args.iter().map(String::as_str).collect::<Vec<_>>());
    let reference_args = reshard(&reference);
    let reference_out = redis_cli(
        &reference_args
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(ours_out.code, reference_out.code, "{}", ours_out.stderr);
    assert!(ours_out.stderr.is_empty(), "{}", ours_out.stderr);
    assert_eq!(
        ours.normalize(&ours_out.stdout),
        reference.normalize(&reference_out.stdout)
    );
    let refuse = run(&[
        "--cluster",
        "reshard",
        &ours.seed(),
        "--cluster-from",
        "nosuchid",
        "--cluster-to",
        &ours.id(ours.port(0)),
        "--cluster-slots",
        "1",
        "--cluster-yes",
    ]);
    assert_eq!(refuse.code, 1);
}

#[test]
fn reshard_refuses_an_unhealthy_cluster() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    cluster.redis(
        cluster.port(1),
        &[
            "CLUSTER",
            "SETSLOT",
            "6000",
            "MIGRATING",
            &cluster.id(cluster.port(2)),
        ],
    );
    let target = cluster.id(cluster.port(0));
    let refused = crate::common::reshard_from_all(&seed, &target, "10", &["--yes"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("fix"), "{}", refused.stderr);
    let compat = run(&[
        "--cluster",
        "reshard",
        &seed,
        "--cluster-from",
        "all",
        "--cluster-to",
        &target,
        "--cluster-slots",
        "10",
        "--cluster-yes",
    ]);
    assert_eq!(compat.code, 1);
    assert_eq!(
        compat.stderr.trim(),
        "*** Please fix your cluster problems before resharding"
    );
}

#[test]
fn rebalance_fills_an_empty_master_and_drains_it_again() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_mixed_keys(3000);
    let before = cluster.dump_all();
    let spare = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 1,
        no_cluster: true,
        ..Default::default()
    });
    let seed = cluster.seed();
    let new_node = spare.sandbox.nodes[0].address().to_string();
    assert_eq!(run(&["add-node", &new_node, &seed]).code, 0);
    let new_id = spare.id(spare.sandbox.nodes[0].port);

    let simulated = run(&[
        "--cluster",
        "rebalance",
        &seed,
        "--cluster-use-empty-masters",
        "--cluster-simulate",
    ]);
    assert_eq!(simulated.code, 0, "{}", simulated.stderr);
    assert!(
        simulated
            .stdout
            .contains(">>> Rebalancing across 4 nodes. Total weight = 4.00"),
        "{}",
        simulated.stdout
    );
    assert_eq!(
        slots_of(&cluster, &new_id),
        0,
        "--cluster-simulate moved something"
    );

    let filled = run(&["rebalance", &seed, "--use-empty-masters", "--yes"]);
    assert_eq!(filled.code, 0, "{}{}", filled.stdout, filled.stderr);
    assert_eq!(
        slots_of(&cluster, &new_id),
        4096,
        "an even quarter, exactly"
    );
    crate::common::assert_same_keys(&before, &cluster.dump_all());
    let balanced = run(&["rebalance", &seed]);
    assert!(
        balanced
            .stdout
            .contains("*** No rebalancing needed! All nodes are within the 2.00% threshold.")
    );

    let drained = run(&[
        "rebalance",
        "--yes",
        &seed,
        "--weight",
        &format!("{}=0", &new_id[..10]),
    ]);
    assert_eq!(drained.code, 0, "{}{}", drained.stdout, drained.stderr);
    assert_eq!(
        slots_of(&cluster, &new_id),
        0,
        "weight 0 empties the master"
    );
    crate::common::assert_same_keys(&before, &cluster.dump_all());
    assert_eq!(run(&["check", &seed, "--json"]).code, 0);
}

#[test]
fn ctrl_c_finishes_the_slots_in_flight_and_leaves_none_open() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(5000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let child = spawn_one_slot_at_a_time(&cluster, &seed, &target, &[], None);
    // SAFETY: kill(2) on the child we started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no slot was left open"), "{stderr}");
    let check = run(&["check", &seed, "--json"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

/// A reshard of 10,000 slots from every master to `target`, one slot and one key at a time (plus
/// `extra`), started in the background once; returns when a slot is open (the move is under way),
/// however long the pre-flight took. Its state folder is `state` when given.
fn spawn_one_slot_at_a_time(
    cluster: &TestCluster,
    seed: &str,
    target: &str,
    extra: &[&str],
    state: Option<&std::path::Path>,
) -> std::process::Child {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"));
    command
        .args([
            "reshard", seed, "--from", "all", "--to", target, "--slots", "10000", "--yes",
        ])
        .args(["--window", "1", "--parallel", "1", "--pipeline", "1"])
        .args(extra)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if let Some(state) = state {
        command.env("XDG_STATE_HOME", state);
    }
    let child = command.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline && !cluster.any_slot_open() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child
}

/// A second Ctrl-C leaves at once: exit 130, the slots in flight named as left open, and `resume`
/// then finishes the run with every key.
#[test]
fn a_second_ctrl_c_exits_130_and_resume_finishes_the_run() {
    use std::io::BufRead;
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(5000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let state = tempfile::tempdir().unwrap();
    let mut child = spawn_one_slot_at_a_time(
        &cluster,
        &seed,
        &target,
        &["--rate", "500"],
        Some(state.path()),
    );
    let pid = child.id() as i32;
    // SAFETY: kill(2) on the child we started.
    unsafe { libc::kill(pid, libc::SIGINT) };
    // The second only once the first was taken (its "stopping:" line).
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if line.starts_with("stopping:") {
            break;
        }
    }
    assert!(said.contains("stopping:"), "{said}");
    // SAFETY: as above.
    unsafe { libc::kill(pid, libc::SIGINT) };
    for line in lines {
        said.push_str(&line.unwrap());
        said.push('\n');
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{said}");
    assert!(
        said.contains("aborted: slots in flight are left open"),
        "{said}"
    );
    let resumed = crate::common::rcluster()
        .args(["resume", &seed])
        .env("XDG_STATE_HOME", state.path())
        .output()
        .unwrap();
    let resumed: crate::common::Outcome = resumed.into();
    assert_eq!(resumed.code, 0, "{}{}", resumed.stdout, resumed.stderr);
    let check = run(&["check", &seed, "--json"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

#[test]
fn plan_files_apply_once_and_refuse_a_changed_cluster() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(2000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let plan_path = plan.to_str().unwrap();
    let target = cluster.id(cluster.port(2));
    let planned = crate::common::reshard_from_all(
        &seed,
        &target,
        "300",
        &["--dry-run", "--plan-out", plan_path],
    );
    assert_eq!(planned.code, 0, "{}", planned.stderr);
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(file["plan"]["moves"].as_array().unwrap().len(), 300);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&plan).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a plan is readable by its owner only");
    assert_eq!(slots_of(&cluster, &target), 5461, "--dry-run moved nothing");

    let applied = run(&["apply", plan_path, "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert_eq!(slots_of(&cluster, &target), 5761);
    crate::common::assert_same_keys(&before, &cluster.dump_all());

    let again = run(&["apply", plan_path, "--yes"]);
    assert_eq!(
        again.code, 1,
        "a plan the cluster has moved past is refused"
    );
    assert!(
        again.stdout.contains("The cluster changed since"),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stdout
            .contains(&format!("master {target} owned slots")),
        "{}",
        again.stdout
    );
    assert_eq!(slots_of(&cluster, &target), 5761);

    std::fs::write(&plan, "not json").unwrap();
    assert_eq!(run(&["apply", plan_path, "--yes"]).code, 2);
}

#[test]
fn resume_finishes_a_killed_reshard_forward_with_every_key() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_keys(6000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let target_slots = slots_of(&cluster, &target);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let journal_path = journal.to_str().unwrap();
    let binary = assert_cmd::cargo::cargo_bin("rcluster");
    let mut child = std::process::Command::new(binary)
        .args([
            "reshard", &seed, "--from", "all", "--to", &target, "--slots", "6000", "--yes",
        ])
        .args([
            "--journal",
            journal_path,
            "--pipeline",
            "1",
            "--window",
            "8",
            "--rate",
            "3000",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    let moved_before_kill = slots_of(&cluster, &target) - target_slots;
    assert!(
        moved_before_kill < 6000,
        "the reshard finished before it could be killed"
    );

    let resumed = run(&["resume", &seed, "--journal", journal_path]);
    assert_eq!(resumed.code, 0, "{}{}", resumed.stdout, resumed.stderr);
    assert!(
        resumed.stderr.contains(">>> Resuming reshard"),
        "the step is progress, on stderr: {}",
        resumed.stderr
    );
    assert!(
        resumed.stderr.contains(
            "resuming with the interrupted run's options: --rate 3000 --pipeline 1 --window 8"
        ),
        "the killed run's engine options are inherited, and said so: {}",
        resumed.stderr
    );
    assert_eq!(
        slots_of(&cluster, &target),
        target_slots + 6000,
        "resume completes the plan forward"
    );
    assert_eq!(
        run(&["check", &seed, "--json"]).code,
        0,
        "no slot left open"
    );
    crate::common::assert_same_keys(&before, &cluster.dump_all());
    let again = run(&["resume", &seed, "--journal", journal_path]);
    assert_eq!(again.code, 0);
    assert!(
        again.stdout.contains("nothing to resume"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_client_writing_and_reading_during_a_rebalance_sees_no_failure() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(30_000);
    crate::common::drain_under_traffic(&cluster, &[]);
}

#[test]
fn rebalance_by_keys_evens_out_key_counts_with_every_key() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(6000);
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let skewed = crate::common::reshard_from_all(&seed, &target, "3000", &["--yes"]);
    assert_eq!(skewed.code, 0, "{}", skewed.stderr);
    let before = cluster.dump_all();
    let dbsize = |port: u16| match cluster.redis(port, &["DBSIZE"]) {
        redis::Value::Int(n) => n,
        other => panic!("{other:?}"),
    };
    assert!(dbsize(cluster.port(0)) > 2800);
    let balanced = run(&[
        "rebalance",
        &seed,
        "--by",
        "keys",
        "--threshold",
        "0",
        "--yes",
    ]);
    assert_eq!(balanced.code, 0, "{}{}", balanced.stdout, balanced.stderr);
    assert!(
        balanced.stdout.contains(" keys) from "),
        "{}",
        balanced.stdout
    );
    for index in 0..3 {
        let keys = dbsize(cluster.port(index));
        assert!(
            (1990..=2010).contains(&keys),
            "master {index} holds {keys} keys"
        );
    }
    assert_eq!(run(&["check", &seed]).code, 0);
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

#[test]
fn reshard_in_redis_cli_syntax_asks_what_is_missing_as_redis_cli_does() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(1));
    let before = slots_of(&cluster, &target);
    let answered = crate::common::rcluster()
        .args(["--cluster", "reshard", &seed])
        .write_stdin(format!("2\n{target}\nall\nyes\n"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&answered.stdout);
    assert_eq!(answered.status.code(), Some(0), "{stdout}");
    for question in [
        "How many slots do you want to move (from 1 to 16384)? ",
        "What is the receiving node ID? ",
        "Type 'all' to use all the nodes as source nodes for the hash slots.",
        "Source node #1: ",
        "Do you want to proceed with the proposed reshard plan (yes/no)? ",
    ] {
        assert!(stdout.contains(question), "{question:?} in {stdout}");
    }
    assert_eq!(slots_of(&cluster, &target), before + 2);
    let closed = crate::common::rcluster()
        .args(["--cluster", "reshard", &seed])
        .write_stdin("")
        .output()
        .unwrap();
    assert_ne!(
        closed.status.code(),
        Some(0),
        "a closed stdin ends the questions"
    );
}
