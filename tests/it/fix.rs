//! `fix` against real servers: every broken state built by hand or by a fault (killed tool, killed or
//! frozen master), then repaired; each ends with `check` clean and every key intact (count and a
//! DUMP of every key compared with before).

use crate::common::{
    FOUR_DATABASES, TestCluster, assert_same_databases, assert_same_keys, fill_slot, owner_port,
    redis_cli, run, slots_of,
};
use std::time::{Duration, Instant};

/// `MIGRATE` of up to `count` keys of `slot` from `from` to `to` (which must accept them).
fn migrate_some(cluster: &TestCluster, slot: u16, from: u16, to: u16, count: usize, copy: bool) {
    let keys = cluster.redis(
        from,
        &[
            "CLUSTER",
            "GETKEYSINSLOT",
            &slot.to_string(),
            &count.to_string(),
        ],
    );
    let redis::Value::Array(keys) = keys else {
        panic!("{keys:?}")
    };
    let keys: Vec<String> = keys
        .into_iter()
        .map(|k| match k {
            redis::Value::BulkString(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    let port = to.to_string();
    let mut args = vec!["MIGRATE", "127.0.0.1", &port, "", "0", "5000"];
    if copy {
        args.push("COPY");
    }
    args.push("KEYS");
    args.extend(keys.iter().map(String::as_str));
    cluster.redis(from, &args);
}

fn setslot(port: u16, slot: u16, state: &str, id: Option<&str>) {
    let node = format!("127.0.0.1:{port}");
    let slot = slot.to_string();
    let mut args = vec!["setslot", &node, &slot, state];
    args.extend(id);
    if state == "node" {
        // Half-applied on purpose: this one node only, outside the hand-off protocol.
        args.push("--force");
    }
    let outcome = run(&args);
    assert_eq!(
        outcome.code, 0,
        "setslot: {}{}",
        outcome.stdout, outcome.stderr
    );
}

fn assert_clean(seed: &str) {
    let check = run(&["check", seed]);
    assert_eq!(check.code, 0, "check after fix:\n{}", check.stdout);
}

fn count(cluster: &TestCluster, port: u16, slot: u16) -> i64 {
    match cluster.redis(port, &["CLUSTER", "COUNTKEYSINSLOT", &slot.to_string()]) {
        redis::Value::Int(n) => n,
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_open_slot_case_built_by_hand_is_repaired_with_every_key() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(1000);
    let (a, b, c) = (cluster.port(0), cluster.port(1), cluster.port(2));
    let (id_a, id_b) = (cluster.id(a), cluster.id(b));
    // Slots of master A, each broken a different way, keys split where the case allows.
    let [both, importing_only, migrating_only, half_assigned, strays] =
        slots_of(&cluster, a, 5)[..]
    else {
        unreachable!()
    };
    for (slot, keys) in [
        (both, 100),
        (importing_only, 50),
        (migrating_only, 50),
        (half_assigned, 50),
        (strays, 20),
    ] {
        fill_slot(&cluster, slot, keys);
    }
    let before = cluster.dump_all();

    // Both sides open, 40 of 100 keys already on B.
    setslot(b, both, "importing", Some(&id_a));
    setslot(a, both, "migrating", Some(&id_b));
    migrate_some(&cluster, both, a, b, 40, false);
    // B imports, A never started migrating, yet 30 keys reached B.
    setslot(b, importing_only, "importing", Some(&id_a));
    migrate_some(&cluster, importing_only, a, b, 30, false);
    // A migrates towards B, which knows nothing of it.
    setslot(a, migrating_only, "migrating", Some(&id_b));
    // Every key moved and B assigned the slot to itself, but A and C were never told.
    setslot(b, half_assigned, "importing", Some(&id_a));
    setslot(a, half_assigned, "migrating", Some(&id_b));
    migrate_some(&cluster, half_assigned, a, b, 50, false);
    setslot(b, half_assigned, "node", Some(&id_b));
    // Copies of 10 keys left on C, which does not own the slot.
    setslot(c, strays, "importing", Some(&id_a));
    migrate_some(&cluster, strays, a, c, 10, true);
    setslot(c, strays, "stable", None);

    let seed = cluster.seed();
    assert_eq!(run(&["check", &seed]).code, 1);
    let dry = run(&[
        "fix",
        &seed,
        "--dry-run",
        "--search-multiple-owners",
        "--json",
    ]);
    assert_eq!(dry.code, 1, "{}", dry.stderr);
    let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
    let target_of = |slot: u16| {
        plan["plan"]["repairs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["slot"] == slot)
            .map(|r| r["target"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no repair for slot {slot}: {plan:#}"))
    };
    assert_eq!(target_of(both), id_b, "an interrupted move is completed");
    assert_eq!(
        target_of(importing_only),
        id_a,
        "nothing migrated: back home"
    );
    assert_eq!(target_of(migrating_only), id_a);
    assert_eq!(target_of(half_assigned), id_b);
    assert_eq!(target_of(strays), id_a);
    assert_eq!(count(&cluster, b, both), 40, "--dry-run changed nothing");

    let fixed = run(&["fix", &seed, "--yes", "--search-multiple-owners"]);
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed.stdout.contains("[OK] Repaired 5 of 5 slots"),
        "{}",
        fixed.stdout
    );
    assert_clean(&seed);
    assert_eq!(owner_port(&cluster, both), b);
    assert_eq!(count(&cluster, b, both), 100);
    assert_eq!(owner_port(&cluster, importing_only), a);
    assert_eq!(count(&cluster, a, importing_only), 50);
    assert_eq!(owner_port(&cluster, half_assigned), b);
    assert_eq!(
        count(&cluster, c, strays),
        0,
        "the copies are merged into the owner"
    );
    let after = cluster.dump_all();
    assert_eq!(before.len(), after.len());
    assert_same_keys(&before, &after);
    let again = run(&["fix", &seed, "--yes"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(
        again.stdout.contains("[OK] No slot needs repair."),
        "{}",
        again.stdout
    );
}

#[test]
fn uncovered_slots_are_covered_where_their_keys_are_in_redis_cli_syntax() {
    let cluster = TestCluster::start(3, 0);
    let owner = cluster.port(1);
    let with_keys = slots_of(&cluster, owner, 1)[0] + 100;
    fill_slot(&cluster, with_keys, 25);
    let before = cluster.dump_all();
    let empty: Vec<u16> = (0..16384u16)
        .filter(|s| *s != with_keys && owner_port(&cluster, *s) == owner)
        .take(3)
        .collect();
    let mut delslots = vec![
        "CLUSTER".to_string(),
        "DELSLOTS".to_string(),
        with_keys.to_string(),
    ];
    delslots.extend(empty.iter().map(u16::to_string));
    let args: Vec<&str> = delslots.iter().map(String::as_str).collect();
    cluster.redis(owner, &args);
    let seed = cluster.seed();
    assert_eq!(run(&["--cluster", "check", &seed]).code, 1);

    let declined = crate::common::rcluster()
        .args(["--cluster", "fix", &seed])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(
        declined.status.code(),
        Some(1),
        "a closed stdin declines, it does not loop"
    );
    let fixed = crate::common::rcluster()
        .args(["--cluster", "fix", &seed])
        .write_stdin("yes\nyes\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&fixed.stdout);
    assert_eq!(fixed.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("The following uncovered slots have no keys across the cluster:"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            ">>> Covering slot {with_keys} with 127.0.0.1:{owner}"
        )),
        "{stdout}"
    );
    assert!(
        fixed.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    assert_clean(&seed);
    assert_eq!(owner_port(&cluster, with_keys), owner);
    assert_same_keys(&before, &cluster.dump_all());
}

/// `rcluster fix SEED --yes` finding its journals under `state`.
fn fix_with_journals(seed: &str, state: &std::path::Path) -> crate::common::Outcome {
    crate::common::rcluster()
        .args(["fix", seed, "--yes"])
        .env("XDG_STATE_HOME", state)
        .output()
        .unwrap()
        .into()
}

/// Starts `rcluster args` in the background with its state under `state`.
fn spawn_rcluster(args: &[&str], state: &std::path::Path) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
        .args(args)
        .env("XDG_STATE_HOME", state)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Kills a reshard once some slots are open on both sides (keys may be split), and returns how
/// many are.
fn kill_when_open(cluster: &TestCluster, child: &mut std::process::Child) -> usize {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let view = cluster.view();
        let open: usize = view.loaded().map(|n| n.myself().migrating.len()).sum();
        let importing = view.loaded().any(|n| !n.myself().importing.is_empty());
        if (open > 0 && importing) || Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            return open;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn a_killed_reshard_is_completed_forward_with_and_without_its_journal() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(20_000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let state = tempfile::tempdir().unwrap();
    let target = cluster.id(cluster.port(0));
    let reshard = |to: &str| {
        [
            "reshard",
            &seed,
            "--from",
            "all",
            "--to",
            to,
            "--slots",
            "4000",
            "--yes",
            "--pipeline",
            "1",
            "--window",
            "8",
            "--rate",
            "2000",
        ]
        .map(str::to_string)
    };
    let args = reshard(&target);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = spawn_rcluster(&args, state.path());
    assert!(kill_when_open(&cluster, &mut child) > 0, "killed mid-slot");
    assert_eq!(run(&["check", &seed]).code, 1);

    // With the journal: its direction, said so in the plan.
    let fixed = fix_with_journals(&seed, state.path());
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    let stdout = fixed.stdout;
    assert!(
        stdout.contains("the interrupted rcluster reshard"),
        "{stdout}"
    );
    assert!(
        fixed.stderr.contains("rcluster resume"),
        "the rest of the reshard is pointed to resume"
    );
    assert_clean(&seed);
    assert_same_keys(&before, &cluster.dump_all());

    // Without it: the open states alone say where the keys were going.
    let other = cluster.id(cluster.port(1));
    let args = reshard(&other);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = spawn_rcluster(&args, state.path());
    assert!(kill_when_open(&cluster, &mut child) > 0, "killed mid-slot");
    assert_eq!(run(&["check", &seed]).code, 1);
    let view = cluster.view();
    let open: Vec<(u16, String)> = view
        .loaded()
        .flat_map(|n| n.myself().migrating.clone())
        .map(|(slot, to)| (slot.number(), to))
        .collect();
    let fixed = run(&["fix", &seed, "--yes", "--no-journal"]);
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert!(
        !fixed.stdout.contains("interrupted rcluster"),
        "{}",
        fixed.stdout
    );
    assert_clean(&seed);
    for (slot, to) in open {
        assert_eq!(
            cluster.id(owner_port(&cluster, slot)),
            to,
            "slot {slot} went forward"
        );
    }
    assert_same_keys(&before, &cluster.dump_all());
}

/// A 3+1 cluster in the middle of a reshard from master `source` to master `target` (by index), the
/// source's first slots holding 100 keys each, slowed down (one key per MIGRATE, 2000 keys/s) so
/// that it can be caught with slots open.
struct Moving {
    cluster: TestCluster,
    seed: String,
    state: tempfile::TempDir,
    source: u16,
    target: u16,
    source_id: String,
    target_id: String,
    /// The databases holding keys, and every key of them before the move.
    dbs: &'static [u16],
    before: crate::common::Databases,
    child: std::process::Child,
}

/// The servers a fault case runs on: Redis 7.0 (database 0), or Valkey 9.1 with keys in four
/// databases (issue 23: a repair must carry every database).
#[derive(Clone, Copy)]
enum Servers {
    Redis,
    ValkeyDatabases,
}

impl Servers {
    /// A 3+1 cluster holding 20,000 keys over its databases.
    fn start(self) -> (TestCluster, &'static [u16]) {
        match self {
            Servers::Redis => {
                let cluster = TestCluster::start(3, 1);
                cluster.write_keys(20_000);
                (cluster, &[0])
            }
            Servers::ValkeyDatabases => {
                let cluster = TestCluster::valkey_databases(3, 1, 4);
                cluster.write_keys_in_databases(5_000, &FOUR_DATABASES);
                (cluster, &FOUR_DATABASES)
            }
        }
    }
}

fn start_slow_move(source: usize, target: usize, servers: Servers) -> Moving {
    let (cluster, dbs) = servers.start();
    let (source, target) = (cluster.port(source), cluster.port(target));
    for slot in slots_of(&cluster, source, 8) {
        fill_slot(&cluster, slot, 100);
    }
    // The faults that follow promote replicas: each must hold its master's keys first.
    cluster.wait_replicas_synced();
    let (seed, state) = (cluster.seed(), tempfile::tempdir().unwrap());
    let (source_id, target_id) = (cluster.id(source), cluster.id(target));
    let before = cluster.dump_databases(dbs);
    let child = spawn_rcluster(
        &[
            "reshard",
            &seed,
            "--from",
            &source_id,
            "--to",
            &target_id,
            "--slots",
            "3000",
            "--yes",
            "--pipeline",
            "1",
            "--window",
            "4",
            "--rate",
            "2000",
        ],
        state.path(),
    );
    Moving {
        cluster,
        seed,
        state,
        source,
        target,
        source_id,
        target_id,
        dbs,
        before,
        child,
    }
}

/// Waits until `port`'s replica has taken over its slots (the dead node owns nothing). The cluster
/// fails over on its own; when it has not after 10 s (a loaded CI machine: the replica's election can
/// lose its vote round or wait out its data-age check), the replica is asked with `CLUSTER FAILOVER
/// FORCE`, as an operator would: the repair after the failover is what these tests are about.
fn wait_for_failover(cluster: &TestCluster, dead_id: &str) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(40);
    let mut nudged = false;
    loop {
        let view = cluster.view();
        let dead = view.node_by_id(dead_id).map(|n| n.seen_by_seed.clone());
        if dead.is_some_and(|d| d.flags.fail && d.slots.is_empty())
            && run(&["--cluster", "check", &cluster.seed()])
                .stdout
                .contains("[OK] All 16384 slots covered.")
        {
            return;
        }
        if !nudged && started.elapsed() > Duration::from_secs(10) {
            nudged = true;
            for replica in view
                .loaded()
                .filter(|n| n.myself().master_id.as_deref() == Some(dead_id))
            {
                let port = replica.address.port.to_string();
                redis_cli(&["-p", &port, "CLUSTER", "FAILOVER", "FORCE"]);
            }
        }
        assert!(Instant::now() < deadline, "no failover of {dead_id}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_target_killed_mid_move_is_repaired_after_failover_and_then_forgotten() {
    target_killed_mid_move(Servers::Redis);
}

#[test]
fn a_target_killed_mid_move_is_repaired_on_four_valkey_databases() {
    target_killed_mid_move(Servers::ValkeyDatabases);
}

fn target_killed_mid_move(servers: Servers) {
    let Moving {
        cluster,
        seed,
        state: _state,
        target,
        target_id,
        dbs,
        before,
        mut child,
        ..
    } = start_slow_move(0, 1, servers);
    assert!(kill_when_open(&cluster, &mut child) > 0);
    // The replica that takes over must hold what the move gave the target before it was stopped.
    cluster.wait_replicas_of(target);
    cluster.sandbox.signal(target, libc::SIGKILL).unwrap();
    wait_for_failover(&cluster, &target_id);

    let refused_not = run(&["fix", &seed, "--yes", "--no-journal"]);
    assert!(
        !refused_not.stderr.contains("not fixing"),
        "{}",
        refused_not.stderr
    );
    assert!(
        refused_not
            .stderr
            .contains(&format!("rcluster del-node {seed} {target_id}")),
        "the dead master is pointed to del-node: {}",
        refused_not.stderr
    );
    assert_eq!(
        refused_not.code, 1,
        "the failed node is still listed: {}",
        refused_not.stdout
    );
    assert!(
        refused_not.stdout.contains("[OK] Repaired"),
        "{}",
        refused_not.stdout
    );
    let forgotten = run(&["del-node", &seed, &target_id]);
    assert_eq!(forgotten.code, 0, "{}", forgotten.stderr);
    assert_clean(&seed);
    assert_same_databases(&before, &cluster.dump_databases(dbs));
}

#[test]
fn a_source_frozen_past_the_node_timeout_is_repaired_after_it_returns() {
    source_frozen_past_the_node_timeout(Servers::Redis);
}

#[test]
fn a_source_frozen_past_the_node_timeout_is_repaired_on_four_valkey_databases() {
    source_frozen_past_the_node_timeout(Servers::ValkeyDatabases);
}

fn source_frozen_past_the_node_timeout(servers: Servers) {
    let Moving {
        cluster,
        seed,
        state,
        source,
        source_id,
        dbs,
        before,
        mut child,
        ..
    } = start_slow_move(1, 2, servers);
    std::thread::sleep(Duration::from_millis(200));
    // Freeze the source while keys are moving, and stop the tool as an operator would.
    let deadline = Instant::now() + Duration::from_secs(20);
    while cluster
        .view()
        .loaded()
        .all(|n| n.myself().migrating.is_empty())
    {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    // The replica that takes over must hold the source's keys (the move goes on meanwhile: what it
    // sends after this point may be left on both sides, which fix merges).
    cluster.wait_replicas_of(source);
    cluster.sandbox.signal(source, libc::SIGSTOP).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    wait_for_failover(&cluster, &source_id);
    cluster.sandbox.signal(source, libc::SIGCONT).unwrap();
    // The old source comes back and becomes a replica of its replacement.
    let deadline = Instant::now() + Duration::from_secs(20);
    while cluster
        .view()
        .node_by_id(&source_id)
        .is_none_or(|n| n.is_master() || !n.is_loaded())
    {
        assert!(
            Instant::now() < deadline,
            "the old source did not rejoin as a replica"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let fixed = fix_with_journals(&seed, state.path());
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert_clean(&seed);
    assert_same_databases(&before, &cluster.dump_databases(dbs));
}

#[test]
fn redis_cli_fix_moves_an_interrupted_move_back_where_rcluster_completes_it() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let (a, b) = (cluster.port(0), cluster.port(1));
    let (id_a, id_b) = (cluster.id(a), cluster.id(b));
    let slot = slots_of(&cluster, a, 1)[0];
    fill_slot(&cluster, slot, 100);
    let before = cluster.dump_all();
    let interrupt = || {
        setslot(b, slot, "importing", Some(&id_a));
        setslot(a, slot, "migrating", Some(&id_b));
        migrate_some(&cluster, slot, a, b, 30, false);
    };
    interrupt();
    let theirs = redis_cli(&["--cluster", "fix", &seed]);
    assert_eq!(theirs.code, 0, "{}", theirs.stdout);
    assert_eq!(
        owner_port(&cluster, slot),
        a,
        "redis-cli picks the side with more keys: the source"
    );
    assert_same_keys(&before, &cluster.dump_all());

    interrupt();
    let ours = run(&["fix", &seed, "--yes", "--no-journal"]);
    assert_eq!(ours.code, 0, "{}", ours.stdout);
    assert_eq!(owner_port(&cluster, slot), b, "rcluster completes the move");
    assert_same_keys(&before, &cluster.dump_all());
}

#[test]
fn a_key_with_different_values_on_both_sides_stops_its_slot_until_replace() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let (a, b) = (cluster.port(0), cluster.port(1));
    let (id_a, id_b) = (cluster.id(a), cluster.id(b));
    let slot = slots_of(&cluster, a, 1)[0];
    fill_slot(&cluster, slot, 20);
    let mut before = cluster.dump_all();
    // B gets copies of every key while importing; then one key changes on A, the owner.
    setslot(b, slot, "importing", Some(&id_a));
    migrate_some(&cluster, slot, a, b, 20, true);
    let key = match cluster.redis(a, &["CLUSTER", "GETKEYSINSLOT", &slot.to_string(), "1"]) {
        redis::Value::Array(keys) => match &keys[0] {
            redis::Value::BulkString(k) => String::from_utf8(k.clone()).unwrap(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    cluster.redis(a, &["SET", &key, "changed on the owner"]);
    let redis::Value::BulkString(dump) = cluster.redis(a, &["DUMP", &key]) else {
        panic!("DUMP")
    };
    let entry = before
        .iter_mut()
        .find(|(k, _)| *k == key.as_bytes())
        .unwrap();
    entry.1 = dump;
    setslot(a, slot, "migrating", Some(&id_b));

    let stopped = run(&["fix", &seed, "--yes"]);
    assert_eq!(stopped.code, 1, "{}", stopped.stdout);
    assert!(
        stopped.stdout.contains("different values") && stopped.stdout.contains(&key),
        "the key is named: {}",
        stopped.stdout
    );
    assert_eq!(run(&["check", &seed]).code, 1, "the slot stays open");

    let replaced = run(&["fix", &seed, "--yes", "--replace"]);
    assert_eq!(replaced.code, 0, "{}{}", replaced.stdout, replaced.stderr);
    assert_clean(&seed);
    assert_eq!(
        owner_port(&cluster, slot),
        b,
        "the interrupted move is completed"
    );
    assert_same_keys(&before, &cluster.dump_all());
}

/// A master frozen while two slots are half-moved comes back as a replica of its replacement. The
/// importing master then sees those slots served by nobody: it dropped the demoted node's slots
/// (`clusterProcessPacket`) and ignores every claim for a slot it imports
/// (`clusterUpdateSlotsConfigWith`). Neither a MIGRATE from it nor a RESTORE into it works until it
/// is told the owner (`CLUSTERDOWN Hash slot not served`), so `fix` tells it first.
#[test]
fn an_importing_master_that_lost_track_of_the_owner_is_told_it_before_keys_move() {
    lost_owner_is_told(TestCluster::start(3, 1), true);
}

/// The same fault on Valkey 9.1: its importing master keeps naming an owner (the promoted replica),
/// and `fix` repairs it all the same.
#[test]
fn an_importing_master_that_lost_track_of_the_owner_is_told_it_on_valkey() {
    lost_owner_is_told(
        TestCluster::start_with(rcluster::sandbox::SandboxOptions {
            masters: 3,
            replicas: 1,
            server_bin: crate::common::cached_server("valkey-server-9.1"),
            ..Default::default()
        }),
        false,
    );
}

/// Half-moves two slots of the second master to the third, freezes the source until its replica
/// takes over, lets it rejoin as a replica, and runs `fix`. With `unserved`, first waits until the
/// importing master's table gives the slots to nobody (Redis 7.0 does; Valkey 9.1 does not).
fn lost_owner_is_told(cluster: TestCluster, unserved: bool) {
    let seed = cluster.seed();
    let (a, b) = (cluster.port(1), cluster.port(2));
    let (id_a, id_b) = (cluster.id(a), cluster.id(b));
    let slots = slots_of(&cluster, a, 2);
    for &slot in &slots {
        fill_slot(&cluster, slot, 100);
    }
    let before = cluster.dump_all();
    for &slot in &slots {
        setslot(b, slot, "importing", Some(&id_a));
        setslot(a, slot, "migrating", Some(&id_b));
        migrate_some(&cluster, slot, a, b, 30, false);
    }
    // The replica that takes over must have every write (its first sync can take seconds).
    cluster.wait_replicas_of(a);
    cluster.sandbox.signal(a, libc::SIGSTOP).unwrap();
    wait_for_failover(&cluster, &id_a);
    cluster.sandbox.signal(a, libc::SIGCONT).unwrap();
    let old_source_is_replica = || {
        cluster
            .view()
            .node_by_id(&id_a)
            .is_some_and(|n| n.is_loaded() && !n.is_master())
    };
    assert!(
        crate::common::eventually(30, old_source_is_replica),
        "the old source did not rejoin as a replica"
    );
    let served_by_nobody_on_b = || {
        let view = cluster.view();
        let Some(table) = view.node_by_id(&id_b).and_then(|n| n.own_table()) else {
            return false;
        };
        slots.iter().all(|&slot| {
            let slot = rcluster::topology::Slot::new(u64::from(slot)).unwrap();
            table.iter().all(|entry| !entry.slots.contains(slot))
        })
    };
    assert!(
        !unserved || crate::common::eventually(30, served_by_nobody_on_b),
        "the importing master still names an owner"
    );
    let fixed = run(&["fix", &seed, "--yes", "--no-journal"]);
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert_clean(&seed);
    assert_same_keys(&before, &cluster.dump_all());
}

/// Holds (`true`) or lets go (`false`) the cluster bus of every master on `ports`: each drops every
/// PING it receives (`DEBUG DROP-CLUSTER-PACKET-FILTER`), so no node hears another's claim (and no
/// PONG is sent either). Waits a moment for the messages already under way.
fn hold_gossip(cluster: &TestCluster, ports: &[u16], hold: bool) {
    for &port in ports {
        let filter = if hold { "0" } else { "-1" };
        cluster.redis(port, &["DEBUG", "DROP-CLUSTER-PACKET-FILTER", filter]);
    }
    std::thread::sleep(Duration::from_millis(300));
}

/// `cluster_my_epoch` of the node on `port`.
fn my_epoch(cluster: &TestCluster, port: u16) -> u64 {
    let text = match cluster.redis(port, &["CLUSTER", "INFO"]) {
        redis::Value::BulkString(bytes) => String::from_utf8(bytes).unwrap(),
        redis::Value::VerbatimString { text, .. } => text,
        other => panic!("CLUSTER INFO: {other:?}"),
    };
    text.lines()
        .find_map(|line| line.strip_prefix("cluster_my_epoch:"))
        .and_then(|epoch| epoch.trim().parse().ok())
        .expect("cluster_my_epoch")
}

/// Writes `count` keys `{tag}:{prefix}:i` into each database of `dbs` on the node on `port`, which
/// serves the tag's slot in its own table.
fn write_on(cluster: &TestCluster, port: u16, dbs: &[u16], tag: &str, prefix: &str, count: usize) {
    for &db in dbs {
        let commands: Vec<Vec<String>> = (0..count)
            .map(|i| {
                let key = format!("{{{tag}}}:{prefix}:{i}");
                vec!["SET".into(), key, format!("db{db}-{prefix}-{i}")]
            })
            .collect();
        cluster.redis_in_db_many(port, db, &commands);
    }
}

/// A slot owned by two masters, each holding keys of it the other does not (docs/handoff.md,
/// "Several owners"), repaired with every key of both kept. Such a state lasts only while the two
/// cannot hear each other (the lower epoch's keys are deleted as soon as it hears the other's
/// claim), so the cluster bus is held while it is built and while `fix` plans. `fix` pauses once
/// its claims are made (`after-claim`), and the bus is let go the moment the target's epoch rises
/// above every other master's: the target's claim reaches the rival before any key moves. The
/// rival must not own the slot any more by then, or it deletes its keys. Two rounds on one cluster:
/// the target owns the slot and the rival added it, then the other way round; the target is always
/// the master with the lowest epoch (it must be raised), the rival the one with the highest.
fn several_owners_keep_every_key(cluster: TestCluster, dbs: &[u16]) {
    let seed = cluster.seed();
    let masters: Vec<u16> = (0..3).map(|i| cluster.port(i)).collect();
    let state = tempfile::tempdir().unwrap();
    for round in 0..2 {
        let mut by_epoch = masters.clone();
        by_epoch.sort_by_key(|&port| my_epoch(&cluster, port));
        let (target, rival) = (by_epoch[0], by_epoch[2]);
        let (owner, newcomer) = if round == 0 {
            (target, rival)
        } else {
            (rival, target)
        };
        // A slot of its own each round (the first round's slot holds keys now).
        let slot = slots_of(&cluster, owner, 2)[round];
        let tag = (0u64..)
            .map(|n| format!("t{n}"))
            .find(|t| rcluster::topology::key_slot(t.as_bytes()).number() == slot)
            .unwrap();
        hold_gossip(&cluster, &masters, true);
        cluster.redis(newcomer, &["CLUSTER", "DELSLOTS", &slot.to_string()]);
        cluster.redis(newcomer, &["CLUSTER", "ADDSLOTS", &slot.to_string()]);
        // More keys on the target, so that `fix` keeps the slot there.
        write_on(&cluster, target, dbs, &tag, &format!("target{round}"), 40);
        write_on(&cluster, rival, dbs, &tag, &format!("rival{round}"), 25);
        for &db in dbs {
            assert_eq!(cluster.count_in_db(target, db, slot), 40);
            assert_eq!(cluster.count_in_db(rival, db, slot), 25);
        }
        let before = cluster.dump_databases(dbs);
        let highest_other = by_epoch[1..]
            .iter()
            .map(|&port| my_epoch(&cluster, port))
            .max()
            .unwrap();
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
            .args(["fix", &seed, "--yes"])
            .env("XDG_STATE_HOME", state.path())
            .env("RCLUSTER_FAILPOINT", "after-claim:3000")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let raised = crate::common::eventually(30, || my_epoch(&cluster, target) > highest_other);
        hold_gossip(&cluster, &masters, false);
        let fixed: crate::common::Outcome = child.wait_with_output().unwrap().into();
        assert!(raised, "round {round}: the target's epoch never rose");
        crate::common::eventually(20, || run(&["check", &seed]).code == 0);
        assert_same_databases(&before, &cluster.dump_databases(dbs));
        assert_eq!(
            fixed.code, 0,
            "round {round}:\n{}{}",
            fixed.stdout, fixed.stderr
        );
        assert_clean(&seed);
        cluster.assert_keys_on_owners(dbs);
    }
}

#[test]
fn a_slot_owned_by_two_masters_with_keys_on_both_keeps_every_key() {
    several_owners_keep_every_key(
        TestCluster::start_with(rcluster::sandbox::SandboxOptions {
            masters: 3,
            debug_command: true,
            ..Default::default()
        }),
        &[0],
    );
}

#[test]
fn a_slot_owned_by_two_masters_keeps_every_key_on_four_valkey_databases() {
    several_owners_keep_every_key(
        TestCluster::start_with(rcluster::sandbox::SandboxOptions {
            masters: 3,
            databases: 4,
            debug_command: true,
            server_bin: crate::common::cached_server("valkey-server-9.1"),
            ..Default::default()
        }),
        &FOUR_DATABASES,
    );
}

/// A batch whose first key goes over and whose next keys the target already holds (BUSYKEY, as a
/// move interrupted mid-batch or a failover leaves them): the source, migrating, answers ASK for
/// the keys it no longer holds, so the value comparison takes them as moved instead of failing on
/// ASK. The same values on both sides are overwritten; every key ends on the target.
#[test]
fn a_busy_batch_whose_first_key_went_over_is_compared_and_completed() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let (a, b) = (cluster.port(0), cluster.port(1));
    let slot = slots_of(&cluster, a, 1)[0];
    fill_slot(&cluster, slot, 40);
    let before = cluster.dump_all();
    let keys = cluster.redis(a, &["CLUSTER", "GETKEYSINSLOT", &slot.to_string(), "40"]);
    let keys: Vec<String> = redis::from_redis_value(keys).unwrap();
    // An interrupted move: every key but the first of the source's listing is already on the
    // target.
    let (id_a, id_b) = (cluster.id(a), cluster.id(b));
    setslot(b, slot, "importing", Some(&id_a));
    setslot(a, slot, "migrating", Some(&id_b));
    let port = b.to_string();
    let mut copy = vec![
        "MIGRATE",
        "127.0.0.1",
        &port,
        "",
        "0",
        "5000",
        "COPY",
        "KEYS",
    ];
    copy.extend(keys[1..].iter().map(String::as_str));
    cluster.redis(a, &copy);
    let moved = run(&["fix", &seed, "--yes", "--no-journal"]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert_eq!(owner_port(&cluster, slot), b);
    assert_eq!(count(&cluster, b, slot), 40);
    assert_clean(&seed);
    assert_same_keys(&before, &cluster.dump_all());
}
