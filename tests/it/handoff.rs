//! The slot hand-off under stress (docs/handoff.md): many masters at once both giving slots away and
//! receiving others, the shape that made concurrent `SETSLOT NODE` lose keys to epoch races. Every
//! run must end with every key intact (count and DUMP), `check` clean and one slot table.

use crate::common::{
    FOUR_DATABASES as ALL, TestCluster, assert_same_databases, assert_same_keys, run,
};
use rcluster::exec::handoff::{SetSlot, setslot_command};
use rcluster::net::NodeAddress;
use rcluster::topology::key_slot;

/// A small deterministic generator (xorshift64*), so a failing seed can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Leaves each of `slots` MIGRATING on its owner and IMPORTING on a random other master, with a random
/// share of its keys already moved: an interrupted many-slot migration in which every master both
/// gives and receives.
fn open_slots_everywhere(
    cluster: &TestCluster,
    slots: std::ops::Range<u16>,
    random: &mut Random,
    dbs: &[u16],
) {
    let view = cluster.view();
    let masters: Vec<(String, NodeAddress)> = view
        .loaded_masters()
        .map(|m| (m.id().to_string(), m.address.clone()))
        .collect();
    let session = cluster.session();
    cluster.runtime.block_on(async {
        for slot in slots {
            let owner = masters
                .iter()
                .position(|(_, a)| {
                    view.loaded_masters().any(|m| {
                        &m.address == a
                            && m.myself()
                                .slots
                                .contains(rcluster::topology::Slot::new(u64::from(slot)).unwrap())
                    })
                })
                .expect("owner");
            let mut other = random.below(masters.len() - 1);
            if other >= owner {
                other += 1;
            }
            let (owner_id, owner_address) = &masters[owner];
            let (other_id, other_address) = &masters[other];
            let mut importer = session.client(other_address).await.expect("connect");
            importer
                .run::<()>(
                    &setslot_command(slot, SetSlot::Importing(owner_id)),
                    "SETSLOT",
                )
                .await
                .expect("importing");
            let mut giver = session.client(owner_address).await.expect("connect");
            giver
                .run::<()>(
                    &setslot_command(slot, SetSlot::Migrating(other_id)),
                    "SETSLOT",
                )
                .await
                .expect("migrating");
            for &db in dbs {
                let mut get = redis::cmd("CLUSTER");
                get.arg("GETKEYSINSLOT").arg(slot).arg(1000);
                let mut found = giver.pipeline_in(db, &[get], "GETKEYSINSLOT").await;
                let keys: Vec<Vec<u8>> =
                    redis::from_redis_value(found.as_mut().expect("keys").remove(0).expect("keys"))
                        .expect("keys");
                let share = random.below(keys.len() + 1);
                if share > 0 {
                    let command = rcluster::exec::moves::migrate_keys_command(
                        ("127.0.0.1", other_address.port),
                        db,
                        std::time::Duration::from_secs(10),
                        &[],
                        (None, None),
                        &keys[..share],
                    );
                    let replies = giver.pipeline_in(db, &[command], "MIGRATE").await;
                    replies.expect("migrate")[0].as_ref().expect("migrate");
                }
            }
        }
    });
}

/// Names the slots that lost keys, what fix said, and what the servers logged about epochs.
fn report_loss(
    cluster: &TestCluster,
    before: &[(Vec<u8>, Vec<u8>)],
    after: &[(Vec<u8>, Vec<u8>)],
    fixed: &crate::common::Outcome,
) {
    let kept: std::collections::BTreeSet<&[u8]> = after.iter().map(|(k, _)| k.as_slice()).collect();
    let mut slots: std::collections::BTreeMap<u16, usize> = Default::default();
    for (key, _) in before.iter().filter(|(k, _)| !kept.contains(k.as_slice())) {
        *slots.entry(key_slot(key).number()).or_default() += 1;
    }
    eprintln!("slots that lost keys: {slots:?}");
    eprintln!(
        "fix exit {}\nstdout:\n{}\nstderr:\n{}",
        fixed.code, fixed.stdout, fixed.stderr
    );
    for node in &cluster.sandbox.nodes {
        let log = std::fs::read_to_string(node.dir.join("node.log")).unwrap_or_default();
        for line in log
            .lines()
            .filter(|l| l.contains("poch") || l.contains("ollision"))
        {
            eprintln!("{}: {line}", node.port);
        }
    }
}

/// The scenario, several seeds on one cluster, alternating the two syntaxes.
#[test]
fn a_many_slot_fix_where_every_master_gives_and_receives_loses_no_key() {
    let seeds: u64 = std::env::var("RCLUSTER_HANDOFF_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    // `RCLUSTER_HANDOFF_SERVER=redis-server-8.6` (a name in the server cache) for other servers.
    let cluster = match std::env::var("RCLUSTER_HANDOFF_SERVER") {
        Ok(name) => TestCluster::start_with(rcluster::sandbox::SandboxOptions {
            masters: 10,
            server_bin: crate::common::cached_server(&name),
            ..Default::default()
        }),
        Err(_) => TestCluster::start(10, 0),
    };
    cluster.write_keys_pipelined(40_000);
    let before = cluster.dump_all();
    assert_eq!(before.len(), 40_000);
    let seed = cluster.seed();
    let (host, port) = seed.split_once(':').unwrap();
    for round in 0..seeds {
        let mut random = Random(0x9E37_79B9_7F4A_7C15 ^ (round + 1));
        let first = (round as u16 * 1000) % 15_000;
        open_slots_everywhere(&cluster, first..first + 1000, &mut random, &[0]);
        let started = std::time::Instant::now();
        let fixed = if round % 2 == 0 {
            run(&["fix", &seed, "--yes", "--no-journal"])
        } else {
            run(&["--cluster", "fix", host, port, "--cluster-yes"])
        };
        eprintln!("seed {round}: fix took {:?}", started.elapsed());
        let after = cluster.dump_all();
        if after.len() != before.len() {
            report_loss(&cluster, &before, &after, &fixed);
        }
        assert_same_keys(&before, &after);
        assert_eq!(
            fixed.code, 0,
            "seed {round}: fix exit {}\n{}\n{}",
            fixed.code, fixed.stdout, fixed.stderr
        );
        let check = run(&["check", &seed]);
        assert_eq!(
            check.code, 0,
            "seed {round}: check after fix:\n{}",
            check.stdout
        );
    }
}

/// The same scenario on Valkey 9.1 with keys in four databases (issue 23): every database of every
/// opened slot has a random share of its keys already moved, so givers and takers hold keys of one
/// slot in several databases. Fewer seeds than on Redis (`RCLUSTER_HANDOFF_SEEDS` scales both).
#[test]
fn a_many_slot_fix_on_four_valkey_databases_loses_no_key() {
    let seeds: u64 = std::env::var("RCLUSTER_HANDOFF_SEEDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(3, |n| n.div_ceil(3));
    let cluster = TestCluster::valkey_databases(6, 0, 4);
    cluster.write_keys_in_databases(2_500, &ALL);
    let before = cluster.dump_databases(&ALL);
    let seed = cluster.seed();
    for round in 0..seeds {
        let mut random = Random(0x5851_F42D_4C95_7F2D ^ (round + 1));
        let first = (round as u16 * 1000) % 15_000;
        open_slots_everywhere(&cluster, first..first + 1000, &mut random, &ALL);
        let fixed = run(&["fix", &seed, "--yes", "--no-journal"]);
        assert_same_databases(&before, &cluster.dump_databases(&ALL));
        assert_eq!(
            fixed.code, 0,
            "seed {round}: fix exit {}\n{}\n{}",
            fixed.code, fixed.stdout, fixed.stderr
        );
        cluster.assert_keys_on_owners(&ALL);
        let check = run(&["check", &seed]);
        assert_eq!(
            check.code, 0,
            "seed {round}: check after fix:\n{}",
            check.stdout
        );
    }
}

/// The first `n` slots the master `id` owns.
fn first_slots(cluster: &TestCluster, id: &str, skip: usize, n: usize) -> Vec<u16> {
    let view = cluster.view();
    let node = view.node_by_id(id).expect("node");
    node.myself()
        .slots
        .iter()
        .skip(skip)
        .take(n)
        .map(|s| s.number())
        .collect()
}

/// A hand-written plan with crossing moves (A->B next to B->A, and a 3-cycle A->B->C->A), applied
/// while a cluster client writes and reads: no failed operation, no key lost.
#[test]
fn a_plan_of_crossing_moves_is_applied_under_traffic_without_a_failure_or_a_lost_key() {
    use rcluster::plan::{MovePlan, SlotMove};
    use rcluster::topology::Slot;
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys_pipelined(20_000);
    let before = cluster.dump_all();
    let ids: Vec<String> = (0..3).map(|i| cluster.id(cluster.port(i))).collect();
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);
    let mut moves = Vec::new();
    let mut add = |slots: Vec<u16>, from: &str, to: &str| {
        moves.extend(
            slots
                .into_iter()
                .map(|s| SlotMove::new(Slot::new(u64::from(s)).unwrap(), from, to)),
        )
    };
    add(first_slots(&cluster, a, 0, 300), a, b);
    add(first_slots(&cluster, b, 0, 300), b, a);
    add(first_slots(&cluster, a, 300, 100), a, b);
    add(first_slots(&cluster, b, 300, 100), b, c);
    add(first_slots(&cluster, c, 0, 100), c, a);
    let view = cluster.view();
    let file = rcluster::plan::file::PlanFile {
        version: rcluster::plan::file::PLAN_FILE_VERSION,
        command: "reshard".into(),
        seed: cluster.seed(),
        fingerprint: rcluster::plan::file::fingerprint(&view),
        plan: MovePlan { moves },
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crossing.json");
    std::fs::write(&path, serde_json::to_string(&file).unwrap()).unwrap();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = {
        let (port, stop) = (cluster.port(0), std::sync::Arc::clone(&stop));
        std::thread::spawn(move || crate::common::client_traffic(port, stop))
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let applied = run(&["apply", path.to_str().unwrap(), "--yes", "--window", "16"]);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let traffic = client.join().unwrap();
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(traffic.operations > 500, "{traffic:?}");
    assert!(
        traffic.failures.is_empty(),
        "{} of {} operations failed, first: {:?}",
        traffic.failures.len(),
        traffic.operations,
        traffic.failures.first()
    );
    let mut after = cluster.dump_all();
    after.retain(|(k, _)| !k.starts_with(b"traffic:"));
    assert_same_keys(&before, &after);
    let check = run(&["check", &cluster.seed()]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

/// rcluster SIGKILLed at several moments of a many-source move (some during hand-offs), then
/// `resume` finishes it forward and `fix` finds nothing left: every key intact each time.
#[test]
fn a_many_source_move_killed_at_any_moment_is_finished_by_resume_without_a_lost_key() {
    let cluster = TestCluster::start(4, 0);
    cluster.write_keys_pipelined(40_000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let state = tempfile::tempdir().unwrap();
    for (round, delay_ms) in [150u64, 400, 700].into_iter().enumerate() {
        let target = cluster.id(cluster.port(round % 4));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
            .args([
                "reshard", &seed, "--from", "all", "--to", &target, "--slots", "6000",
            ])
            .args(["--yes", "--window", "8", "--parallel", "3"])
            .env("XDG_STATE_HOME", state.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let resumed = crate::common::rcluster()
            .args(["resume", &seed])
            .env("XDG_STATE_HOME", state.path())
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let resumed: crate::common::Outcome = resumed.into();
        let fixed = crate::common::rcluster()
            .args(["fix", &seed, "--yes"])
            .env("XDG_STATE_HOME", state.path())
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let fixed: crate::common::Outcome = fixed.into();
        assert_same_keys(&before, &cluster.dump_all());
        assert!(
            resumed.code == 0 || resumed.stderr.contains("no unfinished journal"),
            "round {round}: resume {}\n{}{}",
            resumed.code,
            resumed.stdout,
            resumed.stderr
        );
        assert_eq!(
            fixed.code, 0,
            "round {round}: {}{}",
            fixed.stdout, fixed.stderr
        );
        let check = run(&["check", &seed]);
        assert_eq!(check.code, 0, "round {round}: {}", check.stdout);
    }
}
