//! No key lost in any database (issue 23). Valkey 9 serves numbered databases in cluster mode
//! (`cluster-databases N`): every command that moves keys (reshard, rebalance, fix, and del-node's
//! refusal of a master that still holds keys) must carry every database's keys, not only
//! database 0's. Each test writes keys into databases 0-3 of a 3-master Valkey 9.1 cluster, takes a
//! fingerprint of every key of every database (count and DUMP), runs one command, and asserts the
//! fingerprint is unchanged, every key sits on its slot's owner, and `check` is clean with no slot
//! open.
//!
//! The same builders run on Redis 7.0 and 8.2 (one database) where no equivalent test existed:
//! del-node of a slotless master holding keys (7.0), a reshard then a fix of an open slot (8.2).
//! Redis 7.0's reshard, throttled reshard, rebalance and fix are covered by migrate.rs, guards.rs
//! and fix.rs.

use crate::common::{
    Databases, FOUR_DATABASES as ALL, Outcome, TestCluster, assert_same_databases, cached_server,
    database_key, run,
};
use rcluster::sandbox::SandboxOptions;
use rcluster::topology::key_slot;

/// Keys written into each database.
const PER_DB: usize = 1000;

/// A Valkey 9.1 cluster of 3 masters serving 4 databases, `PER_DB` keys in each.
fn four_databases() -> TestCluster {
    let cluster = TestCluster::valkey_databases(3, 0, 4);
    cluster.write_keys_in_databases(PER_DB, &ALL);
    cluster
}

/// The fingerprint of databases `dbs`, checked to hold what was written (`per_db` keys each).
fn fingerprint(cluster: &TestCluster, dbs: &[u16], per_db: usize) -> Databases {
    let before = cluster.dump_databases(dbs);
    for (db, keys) in &before {
        assert!(
            keys.len() >= per_db,
            "db{db} holds {} keys, {per_db} were written",
            keys.len()
        );
    }
    before
}

/// `outcome` is exit 0, every key of `dbs` is as in `before` and on its slot's owner, `check` is
/// clean and no slot is open.
#[track_caller]
fn assert_intact(cluster: &TestCluster, outcome: &Outcome, before: &Databases, dbs: &[u16]) {
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    assert_same_databases(before, &cluster.dump_databases(dbs));
    cluster.assert_keys_on_owners(dbs);
    let check = run(&["check", &cluster.seed()]);
    assert_eq!(check.code, 0, "check after the command:\n{}", check.stdout);
    assert!(!cluster.any_slot_open(), "a slot is left open");
}

/// How many slots the master with `id` owns.
fn slot_count(cluster: &TestCluster, id: &str) -> usize {
    cluster.view().node_by_id(id).unwrap().myself().slots.len()
}

/// A hash tag whose keys hash to `slot`.
fn tag_for(slot: u16) -> String {
    (0u64..)
        .map(|n| format!("t{n}"))
        .find(|t| key_slot(t.as_bytes()).number() == slot)
        .unwrap()
}

/// The first `n` slots of the master on `port` that no key of `write_keys_in_databases(PER_DB,
/// ALL)` hashes to: the keys a test puts there are the slot's only keys.
fn free_slots(cluster: &TestCluster, port: u16, n: usize) -> Vec<u16> {
    let used: std::collections::BTreeSet<u16> = ALL
        .iter()
        .flat_map(|&db| (0..PER_DB).map(move |i| database_key(db, i).0))
        .map(|key| key_slot(key.as_bytes()).number())
        .collect();
    let view = cluster.view();
    let node = view.loaded().find(|m| m.address.port == port).unwrap();
    node.myself()
        .slots
        .iter()
        .map(|s| s.number())
        .filter(|s| !used.contains(s))
        .take(n)
        .collect()
}

/// Writes `count` keys of `slot` (`{tag}:db{db}:i`, values naming the database) into database `db`
/// of the node on `port`.
fn fill_slot_in_db(cluster: &TestCluster, port: u16, db: u16, slot: u16, count: usize) {
    let tag = tag_for(slot);
    let commands: Vec<Vec<String>> = (0..count)
        .map(|i| {
            vec![
                "SET".into(),
                format!("{{{tag}}}:db{db}:{i}"),
                format!("db{db}-slot{slot}-{i}"),
            ]
        })
        .collect();
    cluster.redis_in_db_many(port, db, &commands);
}

/// Moves up to `count` keys of `slot` in database `db` from the node on `from` to the same database
/// of the node on `to` (which must accept them: it imports the slot): `SELECT db`, `GETKEYSINSLOT`,
/// `MIGRATE 127.0.0.1 to "" db 5000 KEYS ...`.
fn migrate_in_db(cluster: &TestCluster, from: u16, to: u16, db: u16, slot: u16, count: usize) {
    let keys = cluster.redis_in_db(
        from,
        db,
        &[
            "CLUSTER",
            "GETKEYSINSLOT",
            &slot.to_string(),
            &count.to_string(),
        ],
    );
    let keys: Vec<String> = redis::from_redis_value(keys).expect("GETKEYSINSLOT");
    assert!(
        !keys.is_empty(),
        "no key of slot {slot} in db{db} on {from}"
    );
    let (port, db_text) = (to.to_string(), db.to_string());
    let mut args = vec!["MIGRATE", "127.0.0.1", &port, "", &db_text, "5000", "KEYS"];
    args.extend(keys.iter().map(String::as_str));
    let reply = cluster.redis_in_db(from, db, &args);
    assert_eq!(reply, redis::Value::Okay, "MIGRATE in db{db}");
}

/// `CLUSTER SETSLOT slot state [id]` on the node on `port`, raw.
fn setslot(cluster: &TestCluster, port: u16, slot: u16, state: &str, id: Option<&str>) {
    let slot = slot.to_string();
    let mut args = vec!["CLUSTER", "SETSLOT", &slot, state];
    args.extend(id);
    cluster.redis(port, &args);
}

/// `reshard --from <first master> --to <second> --slots 2000 --yes EXTRA...` keeps every key of
/// every database.
fn reshard_keeps_every_database(cluster: &TestCluster, dbs: &[u16], per_db: usize, extra: &[&str]) {
    let before = fingerprint(cluster, dbs, per_db);
    let seed = cluster.seed();
    let (from, to) = (cluster.id(cluster.port(0)), cluster.id(cluster.port(1)));
    let owned = slot_count(cluster, &to);
    let mut args = vec![
        "reshard", &seed, "--from", &from, "--to", &to, "--slots", "2000", "--yes",
    ];
    args.extend_from_slice(extra);
    let moved = run(&args);
    assert_intact(cluster, &moved, &before, dbs);
    assert_eq!(slot_count(cluster, &to), owned + 2000, "2000 slots moved");
}

#[test]
fn a_legacy_reshard_keeps_every_key_of_every_database() {
    let cluster = four_databases();
    reshard_keeps_every_database(&cluster, &ALL, PER_DB, &["--migration", "legacy"]);
}

#[test]
fn a_throttled_legacy_reshard_keeps_every_key_of_every_database() {
    let cluster = four_databases();
    reshard_keeps_every_database(
        &cluster,
        &ALL,
        PER_DB,
        &["--migration", "legacy", "--rate", "2000"],
    );
}

#[test]
fn an_atomic_reshard_keeps_every_key_of_every_database() {
    let cluster = four_databases();
    reshard_keeps_every_database(&cluster, &ALL, PER_DB, &["--migration", "atomic"]);
}

#[test]
fn a_rebalance_that_drains_a_master_keeps_every_key_of_every_database() {
    let cluster = four_databases();
    let before = fingerprint(&cluster, &ALL, PER_DB);
    let seed = cluster.seed();
    let drained = cluster.id(cluster.port(0));
    let weight = format!("{drained}=0");
    let moved = run(&[
        "rebalance",
        &seed,
        "--weight",
        &weight,
        "--yes",
        "--migration",
        "legacy",
    ]);
    assert_intact(&cluster, &moved, &before, &ALL);
    assert_eq!(slot_count(&cluster, &drained), 0, "weight 0 empties it");
}

/// For each database of `open_in`, a slot of the first master whose keys are in that database only,
/// left half-moved to the second master (IMPORTING there, MIGRATING here, 25 of its 60 keys already
/// there); `fix --yes` must close them with every key of `dbs` intact, each slot's 60 keys on its
/// final owner in their database and none elsewhere.
fn fix_repairs_open_slots(cluster: &TestCluster, dbs: &[u16], per_db: usize, open_in: &[u16]) {
    let (a, b) = (cluster.port(0), cluster.port(1));
    let (id_a, id_b) = (cluster.id(a), cluster.id(b));
    let slots = free_slots(cluster, a, open_in.len());
    for (&slot, &db) in slots.iter().zip(open_in) {
        fill_slot_in_db(cluster, a, db, slot, 60);
    }
    let before = fingerprint(cluster, dbs, per_db);
    for (&slot, &db) in slots.iter().zip(open_in) {
        setslot(cluster, b, slot, "IMPORTING", Some(&id_a));
        setslot(cluster, a, slot, "MIGRATING", Some(&id_b));
        migrate_in_db(cluster, a, b, db, slot, 25);
        assert_eq!(cluster.count_in_db(a, db, slot), 35, "db{db} slot {slot}");
        assert_eq!(cluster.count_in_db(b, db, slot), 25, "db{db} slot {slot}");
        for other in dbs.iter().filter(|&&d| d != db) {
            assert_eq!(cluster.count_in_db(a, *other, slot), 0, "only db{db}");
        }
    }
    assert_eq!(
        run(&["check", &cluster.seed()]).code,
        1,
        "the slots are open"
    );
    let fixed = run(&["fix", &cluster.seed(), "--yes"]);
    assert_intact(cluster, &fixed, &before, dbs);
    for (&slot, &db) in slots.iter().zip(open_in) {
        let owner = cluster.owner_of(slot);
        assert_eq!(
            cluster.count_in_db(owner, db, slot),
            60,
            "db{db} slot {slot} on its owner {owner}"
        );
    }
}

#[test]
fn fix_closes_open_slots_whose_keys_are_only_in_databases_1_and_3() {
    let cluster = four_databases();
    fix_repairs_open_slots(&cluster, &ALL, PER_DB, &[1, 3]);
}

#[test]
fn fix_covers_an_uncovered_slot_whose_keys_are_only_in_database_2_where_they_are() {
    let cluster = four_databases();
    let owner = cluster.port(1);
    let slot = free_slots(&cluster, owner, 1)[0];
    fill_slot_in_db(&cluster, owner, 2, slot, 60);
    for db in [0, 1, 3] {
        assert_eq!(
            cluster.count_in_db(owner, db, slot),
            0,
            "only db2 holds keys"
        );
    }
    let before = fingerprint(&cluster, &ALL, PER_DB);
    // The owner forgets the slot; the others still name it (as in fix.rs's uncovered-slot test).
    cluster.redis(owner, &["CLUSTER", "DELSLOTS", &slot.to_string()]);
    assert_eq!(
        run(&["check", &cluster.seed()]).code,
        1,
        "slot {slot} is uncovered"
    );
    let fixed = run(&["fix", &cluster.seed(), "--yes"]);
    assert_intact(&cluster, &fixed, &before, &ALL);
    assert_eq!(
        cluster.owner_of(slot),
        owner,
        "the slot goes back to the master holding its keys"
    );
    assert_eq!(cluster.count_in_db(owner, 2, slot), 60);
}

/// Adds `spare`'s node to `cluster` as a master without slots and puts 50 keys into database `db`
/// of it, then asks `del-node` to remove it: refused (non-zero exit), every key of `dbs` kept, the
/// node still in the cluster.
///
/// A master that owns no slot answers MOVED to a write, so the keys arrive the way a move brings
/// them: the empty master imports a slot of the second master (`SETSLOT IMPORTING`), which sends it
/// the keys of that slot in `db` with MIGRATE (RESTORE-ASKING, accepted while importing); then the
/// slot is made STABLE again on it. The keys stay (a master drops keys only of slots it owned and
/// lost), so it holds keys in a slot it does not own: removing it would take them out of the
/// cluster.
fn del_node_refuses_a_master_holding_keys(
    cluster: &TestCluster,
    spare: &TestCluster,
    db: u16,
    dbs: &[u16],
    per_db: usize,
) {
    let seed = cluster.seed();
    let empty = spare.port(0);
    let added = run(&["add-node", &format!("127.0.0.1:{empty}"), &seed]);
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    let empty_id = spare.id(empty);
    let (giver, giver_id) = (cluster.port(1), cluster.id(cluster.port(1)));
    let knows_giver = || match spare.redis(empty, &["CLUSTER", "NODES"]) {
        redis::Value::BulkString(text) => String::from_utf8_lossy(&text).contains(&giver_id),
        redis::Value::VerbatimString { text, .. } => text.contains(&giver_id),
        _ => false,
    };
    assert!(
        crate::common::eventually(20, knows_giver),
        "the new master never learnt of the giver"
    );
    let slot = free_slots(cluster, giver, 1)[0];
    fill_slot_in_db(cluster, giver, db, slot, 50);
    setslot(spare, empty, slot, "IMPORTING", Some(&giver_id));
    migrate_in_db(cluster, giver, empty, db, slot, 50);
    setslot(spare, empty, slot, "STABLE", None);
    assert_eq!(spare.count_in_db(empty, db, slot), 50, "the keys are on it");
    assert_eq!(cluster.count_in_db(giver, db, slot), 0, "and only there");
    assert_eq!(slot_count(cluster, &empty_id), 0, "it owns no slot");
    let before = fingerprint(cluster, dbs, per_db);

    let removed = run(&["del-node", &seed, &empty_id]);
    eprintln!(
        "del-node: exit {}\n{}{}",
        removed.code, removed.stdout, removed.stderr
    );
    assert_ne!(
        removed.code, 0,
        "a master holding keys was removed: {}{}",
        removed.stdout, removed.stderr
    );
    assert_same_databases(&before, &cluster.dump_databases(dbs));
    assert!(
        cluster
            .view()
            .node_by_id(&empty_id)
            .is_some_and(|n| n.is_loaded() && n.is_master()),
        "the master holding keys is still in the cluster"
    );
    assert_eq!(
        spare.count_in_db(empty, db, slot),
        50,
        "its keys are still on it"
    );
}

#[test]
fn del_node_refuses_a_slotless_master_holding_keys_in_database_2() {
    let cluster = four_databases();
    let spare = TestCluster::start_with(SandboxOptions {
        masters: 1,
        no_cluster: true,
        databases: 4,
        server_bin: cached_server("valkey-server-9.1"),
        ..SandboxOptions::default()
    });
    del_node_refuses_a_master_holding_keys(&cluster, &spare, 2, &ALL, PER_DB);
}

#[test]
fn del_node_refuses_a_slotless_master_holding_keys_on_redis_7() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys_in_databases(PER_DB, &[0]);
    let spare = TestCluster::start_with(SandboxOptions {
        masters: 1,
        no_cluster: true,
        ..SandboxOptions::default()
    });
    del_node_refuses_a_master_holding_keys(&cluster, &spare, 0, &[0], PER_DB);
}

#[test]
fn redis_8_2_reshard_then_fix_of_an_open_slot_keep_every_key() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        server_bin: cached_server("redis-server-8.2"),
        ..SandboxOptions::default()
    });
    cluster.write_keys_in_databases(PER_DB, &[0]);
    reshard_keeps_every_database(&cluster, &[0], PER_DB, &["--migration", "legacy"]);
    fix_repairs_open_slots(&cluster, &[0], PER_DB, &[0]);
}

/// A giver that holds a key when its slot is about to be handed over (issue 23: "a hand-off never
/// shrugs off a refusal"). The reshard of one slot pauses before its hand-off (failpoint
/// `before-handoff`); meanwhile the test makes the giver stable again and writes a key of the slot
/// into its database 3, which the mover has already drained. The hand-off must count it and stop:
/// exit 1, the slot left open and named with `rcluster fix`, and `fix` then keeps every key,
/// the late one included.
#[test]
fn a_giver_that_holds_a_key_at_its_hand_off_stops_the_move_and_loses_nothing() {
    let cluster = four_databases();
    let (giver, taker) = (cluster.port(0), cluster.port(1));
    let slot = free_slots(&cluster, giver, 1)[0];
    for db in [1, 3] {
        fill_slot_in_db(&cluster, giver, db, slot, 30);
    }
    let seed = cluster.seed();
    let taker_id = cluster.id(taker);
    let range = slot.to_string();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
        .args([
            "reshard",
            &seed,
            "--slot-ranges",
            &range,
            "--to",
            &taker_id,
            "--yes",
            "--migration",
            "legacy",
        ])
        .env("RCLUSTER_FAILPOINT", "before-handoff:5000")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn rcluster");
    // The pause: the slot is open on both sides and the giver holds none of its keys.
    let drained = crate::common::eventually(20, || {
        cluster.any_slot_open()
            && ALL
                .iter()
                .all(|&db| cluster.count_in_db(giver, db, slot) == 0)
            && cluster.count_in_db(taker, 1, slot) == 30
    });
    assert!(drained, "the move never reached its hand-off");
    setslot(&cluster, giver, slot, "STABLE", None);
    let tag = tag_for(slot);
    cluster.redis_in_db(giver, 3, &["SET", &format!("{{{tag}}}:late"), "late"]);
    let output = child.wait_with_output().expect("reshard ends");
    let moved: Outcome = output.into();
    let before = cluster.dump_databases(&ALL);
    assert_eq!(moved.code, 1, "{}{}", moved.stdout, moved.stderr);
    let said = format!("{}{}", moved.stdout, moved.stderr);
    assert!(said.contains("still holds 1 of its keys"), "{said}");
    assert!(said.contains("rcluster fix"), "{said}");
    assert_eq!(cluster.count_in_db(giver, 3, slot), 1, "the late key stays");
    let fixed = run(&["fix", &seed, "--yes"]);
    assert_intact(&cluster, &fixed, &before, &ALL);
}
