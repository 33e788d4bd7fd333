//! `import` against real servers: every key of a standalone server's db 0 (several types, binary
//! names) lands on the master owning its slot with the same DUMP; BUSYKEY stops it and names the
//! keys; `--replace --copy` (in redis-cli syntax) finishes and leaves the source intact. Into a
//! Valkey 9 cluster of 4 databases: `--from-db` lands in the same database or `--to-db`'s, a
//! database the cluster does not serve is refused before any key moves, and `--from-cluster`
//! copies every database into the same number.

use crate::common::{TestCluster, run};
use rcluster::sandbox::SandboxOptions;
use rcluster::topology::key_slot;
use std::collections::BTreeMap;

fn source() -> TestCluster {
    TestCluster::start_with(SandboxOptions {
        masters: 1,
        standalone: true,
        ..Default::default()
    })
}

/// A connection of its own to database `db` of the server on `port`.
fn connect_db(port: u16, db: u16) -> redis::Connection {
    redis::Client::open(format!("redis://127.0.0.1:{port}/{db}"))
        .and_then(|client| client.get_connection())
        .expect("standalone server")
}

/// Every key of database `db` of the standalone server on `port` with its DUMP payload.
fn dump_source(port: u16, db: u16) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut connection = connect_db(port, db);
    let keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(&mut connection).unwrap();
    keys.into_iter()
        .map(|key| {
            let dump: Vec<u8> = redis::cmd("DUMP").arg(&key).query(&mut connection).unwrap();
            (key, dump)
        })
        .collect()
}

fn dbsize(server: &TestCluster, port: u16) -> i64 {
    match server.redis(port, &["DBSIZE"]) {
        redis::Value::Int(n) => n,
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_moves_every_key_to_its_owner_and_stops_on_busykey() {
    let cluster = TestCluster::start(3, 0);
    let plain = source();
    let port = plain.port(0);
    for i in 0..3000 {
        plain.redis(port, &["SET", &format!("imp:{i}"), &format!("v{i}")]);
    }
    plain.redis(port, &["HSET", "a-hash", "f", "1", "g", "2"]);
    plain.redis(port, &["RPUSH", "a-list", "x", "y"]);
    plain.redis(port, &["ZADD", "a-zset", "1", "a", "2", "b"]);
    plain.redis(port, &["XADD", "a-stream", "*", "f", "v"]);
    plain.redis(port, &["SET", "bin\0key\u{ff}", "bin\0value"]);
    plain.redis(port, &["SET", "with-ttl", "v", "PX", "600000"]);
    let expected = dump_source(port, 0);
    let seed = cluster.seed();
    let from = plain.seed();

    let imported = run(&["import", &seed, "--from", &from]);
    assert_eq!(imported.code, 0, "{}{}", imported.stdout, imported.stderr);
    // Progress: stderr in native syntax (stdout in redis-cli syntax, below).
    assert!(
        imported
            .stderr
            .contains("*** Importing 3006 keys from DB 0"),
        "{}",
        imported.stderr
    );
    assert_eq!(
        dbsize(&plain, port),
        0,
        "without --copy the source is emptied"
    );
    let landed: BTreeMap<Vec<u8>, Vec<u8>> = cluster.dump_all().into_iter().collect();
    assert_eq!(landed.len(), expected.len());
    assert!(landed == expected, "every key arrived with the same value");
    let ttl = cluster.pttl("with-ttl");
    assert!(ttl > 500_000 && ttl <= 600_000, "the TTL is kept: {ttl}");
    assert_eq!(run(&["check", &seed]).code, 0);

    // Natively a key the cluster holds with another value is left alone and named, exactly; the
    // others move. In redis-cli syntax it stops the import; --replace --copy finishes it.
    plain.redis(port, &["SET", "imp:7", "other"]);
    plain.redis(port, &["SET", "fresh", "1"]);
    for i in 0..200 {
        plain.redis(port, &["SET", &format!("new:{i}"), "n"]);
    }
    let skipped = run(&["import", &seed, "--from", &from]);
    assert_eq!(skipped.code, 1, "{}{}", skipped.stdout, skipped.stderr);
    assert!(
        skipped.stderr.contains("was left alone: imp:7\n"),
        "only the conflicting key is named: {}",
        skipped.stderr
    );
    assert!(
        skipped.stdout.contains("imported 201 keys, skipped 1 in"),
        "{}",
        skipped.stdout
    );
    assert_eq!(
        dbsize(&plain, port),
        1,
        "only the conflicting key stays on the source"
    );
    let doc = crate::common::json(&run(&["import", &seed, "--from", &from, "--json"]).stdout);
    assert_eq!(doc["skipped"], 1, "{doc}");
    assert_eq!(doc["skipped_keys"][0], "imp:7", "{doc}");
    plain.redis(port, &["SET", "fresh", "1"]);
    let busy = run(&["--cluster", "import", &seed, "--cluster-from", &from]);
    assert_eq!(busy.code, 1, "{}", busy.stdout);
    assert!(busy.stdout.contains("BUSYKEY"), "{}", busy.stdout);
    let replaced = run(&[
        "--cluster",
        "import",
        &seed,
        "--cluster-from",
        &from,
        "--cluster-replace",
        "--cluster-copy",
    ]);
    assert_eq!(replaced.code, 0, "{}", replaced.stdout);
    assert!(
        replaced.stdout.contains("*** Importing "),
        "{}",
        replaced.stdout
    );
    assert!(
        replaced.stdout.contains("Migrating imp:7 to 127.0.0.1:"),
        "{}",
        replaced.stdout
    );
    assert!(replaced.stderr.is_empty(), "{}", replaced.stderr);
    assert!(dbsize(&plain, port) >= 1, "--copy leaves the source's keys");
    let owner = cluster
        .view()
        .loaded_masters()
        .find(|m| {
            m.myself()
                .slots
                .contains(rcluster::topology::key_slot(b"imp:7"))
        })
        .map(|m| m.address.port)
        .unwrap();
    assert_eq!(
        cluster.redis(owner, &["GET", "imp:7"]),
        redis::Value::BulkString(b"other".to_vec())
    );
}

#[test]
fn import_refuses_a_cluster_node_as_source() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let refused = run(&["--cluster", "import", &seed, "--cluster-from", &seed]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("The source node should not be a cluster node."),
        "{}",
        refused.stderr
    );
    let missing = run(&["--cluster", "import", &seed]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
}

#[test]
fn import_reads_another_database_and_another_cluster() {
    let cluster = TestCluster::start(4, 0);
    let seed = cluster.seed();
    let plain = source();
    let port = plain.port(0);
    // Keys in database 3 of a standalone server, written with redis-cli -n 3.
    for i in 0..50 {
        let status = std::process::Command::new("redis-cli")
            .args([
                "-p",
                &port.to_string(),
                "-n",
                "3",
                "SET",
                &format!("db3:{i}"),
                "v",
            ])
            .output()
            .unwrap();
        assert!(status.status.success());
    }
    let from = plain.seed();
    // Into database 3 by default, which a Redis cluster does not serve: refused, nothing moved.
    let refused = run(&["import", &seed, "--from", &from, "--from-db", "3"]);
    crate::common::assert_one_error(
        &refused,
        "serves database 0 only, not database 3: pass --to-db",
    );
    assert!(cluster.dump_all().is_empty());
    let copied = run(&[
        "import",
        &seed,
        "--from",
        &from,
        "--from-db",
        "3",
        "--to-db",
        "0",
        "--copy",
    ]);
    assert_eq!(copied.code, 0, "{}{}", copied.stdout, copied.stderr);
    assert!(
        copied
            .stderr
            .contains("*** Importing 50 keys from DB 3 into DB 0"),
        "{}",
        copied.stderr
    );
    assert_eq!(cluster.dump_all().len(), 50);

    let other = TestCluster::start(3, 0);
    other.write_keys_pipelined(3000);
    let expected = other.dump_all();
    let itself = run(&["import", &seed, "--from-cluster", &seed]);
    assert_eq!(itself.code, 2, "{}", itself.stderr);
    assert!(
        itself.stderr.contains("target cluster itself"),
        "{}",
        itself.stderr
    );
    let moved = run(&["import", &seed, "--from-cluster", &other.seed(), "--json"]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert_eq!(crate::common::json(&moved.stdout)["moved"], 3000);
    assert!(
        other.dump_all().is_empty(),
        "without --copy the source cluster is emptied"
    );
    let landed: Vec<_> = cluster
        .dump_all()
        .into_iter()
        .filter(|(key, _)| !key.starts_with(b"db3:"))
        .collect();
    crate::common::assert_same_keys(&expected, &landed);
}

#[test]
fn a_wrong_source_password_moves_nothing_and_says_so() {
    let cluster = TestCluster::start(3, 0);
    let locked = TestCluster::start_with(SandboxOptions {
        masters: 1,
        standalone: true,
        password: Some("source-pw-1".into()),
        ..Default::default()
    });
    locked.redis(locked.port(0), &["SET", "k", "v"]);
    let refused = run(&[
        "import",
        &cluster.seed(),
        "--from",
        &locked.seed(),
        "--from-pass",
        "nope",
    ]);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("WRONGPASS"), "{}", refused.stderr);
    assert!(cluster.dump_all().is_empty());
}

/// A Valkey 9.1 cluster of `masters` masters serving 4 databases.
fn valkey_cluster(masters: usize) -> TestCluster {
    TestCluster::start_with(SandboxOptions {
        masters,
        databases: 4,
        server_bin: crate::common::cached_server("valkey-server-9.1"),
        ..Default::default()
    })
}

/// Keys of several types, one with a TTL, into database `db` of the standalone server on `port`.
fn write_standalone(port: u16, db: u16, count: usize) {
    let mut pipe = redis::pipe();
    for i in 0..count {
        pipe.cmd("SET")
            .arg(format!("s:{i}"))
            .arg(format!("v{i}"))
            .ignore();
    }
    pipe.cmd("HSET").arg("s:hash").arg("f").arg("1").ignore();
    pipe.cmd("RPUSH").arg("s:list").arg("x").arg("y").ignore();
    pipe.cmd("ZADD").arg("s:zset").arg(1).arg("a").ignore();
    pipe.cmd("SET")
        .arg("s:ttl")
        .arg("v")
        .arg("PX")
        .arg(600_000)
        .ignore();
    pipe.query::<()>(&mut connect_db(port, db)).unwrap();
}

/// The keys of `dump` whose name starts with `prefix`.
fn with_prefix(dump: Vec<(Vec<u8>, Vec<u8>)>, prefix: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    dump.into_iter()
        .filter(|(key, _)| key.starts_with(prefix.as_bytes()))
        .collect()
}

#[test]
fn import_lands_in_the_databases_it_is_told_on_valkey() {
    let cluster = valkey_cluster(3);
    let seed = cluster.seed();
    let plain = TestCluster::start_with(SandboxOptions {
        masters: 1,
        standalone: true,
        server_bin: crate::common::cached_server("valkey-server-9.1"),
        ..Default::default()
    });
    let port = plain.port(0);
    write_standalone(port, 3, 1000);
    let expected: Vec<_> = dump_source(port, 3).into_iter().collect();
    let from = plain.seed();

    // A database the cluster does not serve: one line, before any key moves (no --copy here).
    let refused = run(&[
        "import",
        &seed,
        "--from",
        &from,
        "--from-db",
        "3",
        "--to-db",
        "7",
    ]);
    crate::common::assert_one_error(&refused, "serves databases 0-3, not database 7");
    assert_eq!(
        dump_source(port, 3).len(),
        expected.len(),
        "the source is intact"
    );
    assert!((0..4).all(|db| cluster.dump_db(db).is_empty()));

    // --from-db 3 lands in database 3, every key DUMP-equal.
    let into_3 = run(&[
        "import",
        &seed,
        "--from",
        &from,
        "--from-db",
        "3",
        "--copy",
        "--json",
    ]);
    assert_eq!(into_3.code, 0, "{}{}", into_3.stdout, into_3.stderr);
    let doc = crate::common::json(&into_3.stdout);
    assert_eq!(doc["moved"], expected.len(), "{doc}");
    assert_eq!(doc["databases"]["3"], expected.len(), "{doc}");
    crate::common::assert_same_keys(&expected, &cluster.dump_db(3));
    assert!(cluster.dump_db(0).is_empty(), "nothing lands in database 0");
    let owner = cluster
        .view()
        .loaded_masters()
        .find(|m| m.myself().slots.contains(key_slot(b"s:ttl")))
        .map(|m| m.address.port)
        .unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg("s:ttl")
        .query(&mut connect_db(owner, 3))
        .unwrap();
    assert!(ttl > 500_000 && ttl <= 600_000, "the TTL is kept: {ttl}");

    // --to-db 1 lands in database 1.
    let into_1 = run(&[
        "import",
        &seed,
        "--from",
        &from,
        "--from-db",
        "3",
        "--to-db",
        "1",
    ]);
    assert_eq!(into_1.code, 0, "{}{}", into_1.stdout, into_1.stderr);
    assert!(
        into_1.stdout.contains(&format!(
            "imported {} keys (db1 {})",
            expected.len(),
            expected.len()
        )),
        "{}",
        into_1.stdout
    );
    crate::common::assert_same_keys(&expected, &cluster.dump_db(1));
    assert!(
        dump_source(port, 3).is_empty(),
        "without --copy the source is emptied"
    );

    // Another Valkey cluster with keys in databases 0-3: each into the same number.
    let other = valkey_cluster(3);
    let mut before = Vec::new();
    for db in 0..4 {
        other.write_keys_in(db, &format!("c{db}"), 300 + 100 * usize::from(db));
        before.push(other.dump_db(db));
    }
    let moved = run(&["import", &seed, "--from-cluster", &other.seed(), "--json"]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    let doc = crate::common::json(&moved.stdout);
    assert_eq!(doc["moved"], 1800, "{doc}");
    for (db, expected) in before.iter().enumerate() {
        assert_eq!(doc["databases"][db.to_string()], expected.len(), "{doc}");
        let landed = with_prefix(cluster.dump_db(db as u16), &format!("c{db}:"));
        crate::common::assert_same_keys(expected, &landed);
        assert!(other.dump_db(db as u16).is_empty(), "the source is emptied");
    }
}

/// A slot that starts moving, and one that moves, after `import` read the owners (the pause
/// `before-key-copy`): the key of the second follows the MOVED to its new owner at once, the key of
/// the first waits out the ASKs (a standalone source's RESTORE cannot reach an importing node)
/// until the move ends, then follows the MOVED too; the rest of the batch lands where it did.
#[test]
fn import_follows_a_slot_that_moves_after_it_read_the_owners() {
    use std::io::BufRead as _;
    let cluster = TestCluster::start(3, 0);
    let plain = source();
    let port = plain.port(0);
    let (giver, taker) = (cluster.port(0), cluster.port(1));
    let keys: Vec<String> = (0..)
        .map(|i| format!("redirected:{i}"))
        .filter(|key| cluster.owner_of(key_slot(key.as_bytes()).number()) == giver)
        .take(2)
        .collect();
    let (asked, moved) = (
        key_slot(keys[0].as_bytes()).number(),
        key_slot(keys[1].as_bytes()).number(),
    );
    assert_ne!(asked, moved);
    for key in &keys {
        plain.redis(port, &["SET", key, "v"]);
    }
    for i in 0..200 {
        plain.redis(port, &["SET", &format!("imp:{i}"), "v"]);
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
        .args(["import", &cluster.seed(), "--from", &plain.seed()])
        .env("RCLUSTER_FAILPOINT", "before-key-copy:2000")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn rcluster");
    // The owners were read once this line is out; the copy waits 2 s.
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut said = String::new();
    while !said.contains("*** Importing") {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).expect("stderr");
        assert!(read > 0, "import ended before the pause: {said}");
        said.push_str(&line);
    }
    let (giver_id, taker_id) = (cluster.id(giver), cluster.id(taker));
    let slot = |s: u16| s.to_string();
    cluster.redis(
        taker,
        &["CLUSTER", "SETSLOT", &slot(asked), "IMPORTING", &giver_id],
    );
    cluster.redis(
        giver,
        &["CLUSTER", "SETSLOT", &slot(asked), "MIGRATING", &taker_id],
    );
    cluster.redis(
        taker,
        &["CLUSTER", "SETSLOT", &slot(moved), "NODE", &taker_id],
    );
    cluster.redis(
        giver,
        &["CLUSTER", "SETSLOT", &slot(moved), "NODE", &taker_id],
    );
    // The copy meets the open slot (ASK) and waits, within the movers' 10 s; the move then ends.
    std::thread::sleep(std::time::Duration::from_secs(5));
    for node in [taker, giver] {
        cluster.redis(
            node,
            &["CLUSTER", "SETSLOT", &slot(asked), "NODE", &taker_id],
        );
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("stderr");
    let output = child.wait_with_output().expect("import ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{said}{rest}");
    for slot in [asked, moved] {
        assert_eq!(cluster.count_in_db(taker, 0, slot), 1, "slot {slot}");
        assert_eq!(cluster.count_in_db(giver, 0, slot), 0, "slot {slot}");
    }
    assert_eq!(dbsize(&plain, port), 0, "every key moved");
    let landed: i64 = [cluster.port(0), cluster.port(1), cluster.port(2)]
        .iter()
        .map(|&p| match cluster.redis(p, &["DBSIZE"]) {
            redis::Value::Int(n) => n,
            other => panic!("{other:?}"),
        })
        .sum();
    assert_eq!(landed, 202);
}
