//! Bounded, re-entrant steps (issue 27): `--max-slots` and `--max-time` on rebalance and
//! `reshard --slot-ranges`, run again and again until nothing is left, each run closing every slot.

use crate::common::{TestCluster, json, run};

fn slots_of(cluster: &TestCluster, id: &str) -> usize {
    cluster.view().node_by_id(id).unwrap().myself().slots.len()
}

/// `check --json` finds nothing: every slot closed, every node agreeing.
fn assert_stable(seed: &str, after: &str) {
    let check = run(&["check", seed, "--json"]);
    let verdict = json(&check.stdout)["verdict"].clone();
    assert_eq!(verdict, "stable", "after {after}: {}", check.stdout);
}

/// Runs `args` (with `--json`) until a run reports nothing moved; returns the slots each run moved.
fn run_until_done(seed: &str, args: &[&str], max_runs: usize) -> Vec<u64> {
    let mut moved = Vec::new();
    for step in 0..max_runs {
        let mut full = args.to_vec();
        full.extend(["--yes", "--json"]);
        let out = run(&full);
        assert_eq!(out.code, 0, "run {step}: {}{}", out.stdout, out.stderr);
        let report = json(&out.stdout);
        let Some(slots) = report["summary"]["slot_count"].as_u64() else {
            return moved;
        };
        moved.push(slots);
        assert_stable(seed, &format!("run {step}"));
        if report["step"]["left_slots"] == 0 {
            // The next run must agree that nothing is left.
            let again = run(&full);
            assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
            assert!(
                json(&again.stdout)["summary"].is_null(),
                "a run after the last step moved something: {}",
                again.stdout
            );
            return moved;
        }
    }
    panic!("not done after {max_runs} runs: {moved:?}");
}

#[test]
fn bounded_rebalance_steps_end_where_one_run_ends() {
    let cluster = TestCluster::start(3, 0);
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

    let args = [
        "rebalance",
        &seed,
        "--use-empty-masters",
        "--max-slots",
        "1000",
    ];
    let moved = run_until_done(&seed, &args, 10);
    assert!(moved.iter().all(|&n| n <= 1000), "{moved:?}");
    assert_eq!(moved, [1000, 1000, 1000, 1000, 96], "4096 slots in steps");
    // One run gives every master 4096 slots; so do the steps.
    for master in cluster.view().loaded_masters() {
        assert_eq!(slots_of(&cluster, master.id()), 4096, "{}", master.address);
    }
    assert_eq!(slots_of(&cluster, &new_id), 4096);
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

#[test]
fn bounded_reshard_steps_by_slots_and_by_time() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(4000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(2));

    // Without --slot-ranges a bound is refused: `--slots N` would move N more on every run.
    let refused = run(&[
        "reshard",
        &seed,
        "--to",
        &target,
        "--from",
        "all",
        "--slots",
        "10",
        "--max-slots",
        "5",
        "--yes",
    ]);
    crate::common::assert_one_line_error(&refused, "need --slot-ranges");

    let by_slots = [
        "reshard",
        &seed,
        "--to",
        &target,
        "--slot-ranges",
        "0-599",
        "--max-slots",
        "250",
    ];
    assert_eq!(run_until_done(&seed, &by_slots, 5), [250, 250, 100]);

    // A step of 1 ms: every run starts one window (so each makes progress) and no more.
    let by_time = [
        "reshard",
        &seed,
        "--to",
        &target,
        "--slot-ranges",
        "600-1199",
        "--max-time",
        "1",
        "--window",
        "100",
        "--parallel",
        "1",
    ];
    let moved = run_until_done(&seed, &by_time, 12);
    assert!(
        moved.len() >= 2,
        "--max-time stopped no run early: {moved:?}"
    );
    assert_eq!(moved.iter().sum::<u64>(), 600, "{moved:?}");
    assert!(
        cluster
            .view()
            .node_by_id(&target)
            .unwrap()
            .myself()
            .slots
            .len()
            >= 1200
    );
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}

#[test]
fn bounded_fix_repairs_a_few_slots_per_run() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(2000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let (giver, receiver) = (cluster.port(0), cluster.port(1));
    let receiver_id = cluster.id(receiver);
    // Five slots left MIGRATING on their owner, as five interrupted moves would.
    let first = cluster.open_slot(giver, receiver);
    for slot in first + 1..first + 5 {
        let slot = slot.to_string();
        cluster.redis(
            giver,
            &["CLUSTER", "SETSLOT", &slot, "MIGRATING", &receiver_id],
        );
    }
    let mut left = Vec::new();
    for _ in 0..5 {
        let out = run(&[
            "fix",
            &seed,
            "--max-slots",
            "2",
            "--yes",
            "--json",
            "--no-journal",
        ]);
        let report = json(&out.stdout);
        let remaining = report["left_slots"].as_u64().unwrap_or(0);
        left.push(remaining);
        let expected = if remaining > 0 { 1 } else { 0 };
        assert_eq!(out.code, expected, "{}{}", out.stdout, out.stderr);
        if remaining == 0 {
            break;
        }
    }
    assert_eq!(left, [3, 1, 0]);
    assert_stable(&seed, "the bounded fixes");
    crate::common::assert_same_keys(&before, &cluster.dump_all());
}
