//! `backup` against real servers: one RDB per master and nodes.json; each RDB, loaded into a fresh
//! standalone server, holds exactly the keys its master held; redis-cli syntax prints redis-cli's lines.

use crate::common::{TestCluster, run};
use std::time::{Duration, Instant};

/// Starts a standalone redis-server on `rdb` (copied into a temp dir) and returns its key count.
fn keys_in_rdb(rdb: &std::path::Path) -> i64 {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(rdb, dir.path().join("dump.rdb")).unwrap();
    let port = rcluster::sandbox::pick_ports(None, 1).unwrap()[0];
    let mut server = std::process::Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(dir.path())
        .args(["--dbfilename", "dump.rdb"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server");
    let url = format!("redis://127.0.0.1:{port}/");
    let deadline = Instant::now() + Duration::from_secs(10);
    let keys = loop {
        let size = redis::Client::open(url.as_str())
            .and_then(|c| c.get_connection())
            .and_then(|mut c| redis::cmd("DBSIZE").query::<i64>(&mut c));
        match size {
            Ok(size) => break size,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(error) => panic!("standalone server on the backup: {error}"),
        }
    };
    server.kill().unwrap();
    server.wait().unwrap();
    keys
}

#[test]
fn backup_saves_every_master_and_the_topology() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_keys(3000);
    let seed = cluster.seed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let saved = run(&["--cluster", "backup", &seed, path]);
    assert_eq!(saved.code, 0, "{}{}", saved.stdout, saved.stderr);
    assert!(
        saved
            .stdout
            .contains(&format!("[OK] Backup created into: {path}")),
        "{}",
        saved.stdout
    );
    assert!(
        saved.stderr.contains("Transfer finished with success."),
        "{}",
        saved.stderr
    );
    let nodes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("nodes.json")).unwrap())
            .unwrap();
    let nodes = nodes.as_array().unwrap();
    assert_eq!(nodes.len(), 6);
    let slots: u64 = nodes
        .iter()
        .map(|n| n["slots_count"].as_u64().unwrap())
        .sum();
    assert_eq!(slots, 16384);
    for master in cluster.view().loaded_masters() {
        let file = dir.path().join(format!(
            "redis-node-127.0.0.1-{}-{}.rdb",
            master.address.port,
            master.id()
        ));
        assert!(file.exists(), "{}", file.display());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup is readable by its owner only");
        let expected = match cluster.redis(master.address.port, &["DBSIZE"]) {
            redis::Value::Int(n) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(keys_in_rdb(&file), expected, "{}", file.display());
    }
    // A folder that cannot be made (its parent is a file): one line, exit 2.
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let impossible = blocker.path().join("folder");
    let missing = run(&["backup", &seed, impossible.to_str().unwrap()]);
    crate::common::assert_one_error(&missing, "cannot create");
}

/// The manifest of the backup in `dir`.
fn manifest(dir: &std::path::Path) -> serde_json::Value {
    crate::common::json(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
}

/// Key names of every master of `cluster`, sorted.
fn key_names(cluster: &TestCluster) -> Vec<Vec<u8>> {
    cluster.dump_all().into_iter().map(|(key, _)| key).collect()
}

#[test]
fn a_backup_restores_into_clusters_of_other_shapes_and_servers() {
    let source = TestCluster::start(3, 1);
    source.write_keys_pipelined(100_000);
    source.write_mixed_keys(0);
    for i in 0..20 {
        let key = format!("ttl:{i}");
        source.on_owner(
            key.as_bytes(),
            &[b"SET", key.as_bytes(), b"v", b"PX", b"600000"],
        );
    }
    let before = source.dump_all();
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let saved = run(&["backup", &source.seed(), dir]);
    assert_eq!(saved.code, 0, "{}{}", saved.stdout, saved.stderr);

    // The manifest: every master's file, its checksum, its keys, its format; every node's files.
    let doc = manifest(folder.path());
    let masters = doc["masters"].as_array().unwrap();
    assert_eq!(masters.len(), 3);
    assert_eq!(doc["nodes"].as_array().unwrap().len(), 6);
    let recorded: u64 = masters.iter().map(|m| m["dbsize"].as_u64().unwrap()).sum();
    assert_eq!(recorded, before.len() as u64);
    for master in masters {
        let bytes = std::fs::read(folder.path().join(master["file"].as_str().unwrap())).unwrap();
        assert_eq!(master["bytes"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(
            master["sha256"].as_str().unwrap(),
            rcluster::exec::manifest::sha256_hex(&bytes)
        );
        assert_eq!(master["rdb_magic"], "REDIS");
        assert!(master["rdb_version"].as_u64().unwrap() >= 10, "{master}");
    }
    for node in &source.sandbox.nodes {
        let files = folder
            .path()
            .join("nodes")
            .join(format!("127.0.0.1-{}", node.port));
        let config = std::fs::read_to_string(files.join("config.txt")).unwrap();
        assert!(config.contains("cluster-enabled yes"), "{config}");
        assert!(
            std::fs::read_to_string(files.join("cluster-nodes.txt"))
                .unwrap()
                .contains("myself")
        );
    }
    // A folder that holds files: refused natively unless --force; redis-cli syntax writes anyway.
    let again = run(&["backup", &source.seed(), dir]);
    assert_eq!(again.code, 2, "{}", again.stdout);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(run(&["backup", &source.seed(), dir, "--force"]).code, 0);

    // Into 4 masters: every key equal, TTLs kept.
    let four = TestCluster::start(4, 0);
    let restored = run(&["restore", dir, &four.seed()]);
    assert_eq!(restored.code, 0, "{}{}", restored.stdout, restored.stderr);
    assert!(
        restored.stdout.contains(&format!(
            "[OK] Restored {} keys from 3 RDB files",
            before.len()
        )),
        "{}",
        restored.stdout
    );
    crate::common::assert_same_keys(&before, &four.dump_all());
    for i in 0..20 {
        let key = format!("ttl:{i}");
        let ttl = four.pttl(&key);
        assert!(ttl > 500_000 && ttl <= 600_000, "{key}: {ttl}");
    }

    // A changed byte: refused before anything is restored.
    let valkey = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 3,
        server_bin: crate::common::cached_server("valkey-server-9.1"),
        ..Default::default()
    });
    let corrupt = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(folder.path()).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), corrupt.path().join(entry.file_name())).unwrap();
        }
    }
    let victim = corrupt.path().join(masters[0]["file"].as_str().unwrap());
    let mut bytes = std::fs::read(&victim).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&victim, bytes).unwrap();
    let refused = run(&["restore", corrupt.path().to_str().unwrap(), &valkey.seed()]);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("do not match the manifest"),
        "{}",
        refused.stderr
    );
    assert!(key_names(&valkey).is_empty());

    // Into Valkey 9.1 (the RDB is loaded by redis-server, the keys land in Valkey), as JSON.
    let restored = run(&["restore", dir, &valkey.seed(), "--json"]);
    assert_eq!(restored.code, 0, "{}{}", restored.stdout, restored.stderr);
    let doc = crate::common::json(&restored.stdout);
    assert_eq!(doc["restored"].as_u64().unwrap(), before.len() as u64);
    assert_eq!(doc["recorded"], doc["restored"]);
    let names: Vec<Vec<u8>> = before.iter().map(|(key, _)| key.clone()).collect();
    assert_eq!(key_names(&valkey), names);
}

#[test]
fn a_stopped_master_fails_its_backup_within_the_bound_and_a_restore_says_it_is_partial() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys_pipelined(3000);
    let stopped = cluster.sandbox.nodes[1].pid;
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    // SAFETY: a signal to a process this test started.
    unsafe { libc::kill(stopped as i32, libc::SIGSTOP) };
    let saved = run(&[
        "backup",
        &cluster.seed(),
        dir,
        "--timeout",
        "1s",
        "--snapshot-timeout",
        "5s",
    ]);
    unsafe { libc::kill(stopped as i32, libc::SIGCONT) };
    assert_eq!(saved.code, 1, "{}{}", saved.stdout, saved.stderr);
    assert!(
        saved.stdout.contains("[ERR] Failed to back cluster!"),
        "{}",
        saved.stdout
    );
    let doc = manifest(folder.path());
    assert_eq!(doc["masters"].as_array().unwrap().len(), 2);
    assert_eq!(doc["missing"].as_array().unwrap().len(), 1);
    let target = TestCluster::start(3, 0);
    let restored = run(&["restore", dir, &target.seed()]);
    assert_eq!(restored.code, 1, "{}{}", restored.stdout, restored.stderr);
    assert!(
        restored.stdout.contains("[ERR] Restore partial"),
        "{}",
        restored.stdout
    );
    assert!(
        restored.stderr.contains("has no RDB of"),
        "{}",
        restored.stderr
    );
}

#[test]
fn an_rdb_newer_than_the_loading_server_is_refused_with_the_release_it_needs() {
    let redis_82 = crate::common::cached_server("redis-server-8.2");
    let shaped = |masters| {
        TestCluster::start_with(rcluster::sandbox::SandboxOptions {
            masters,
            server_bin: redis_82.clone(),
            ..Default::default()
        })
    };
    let source = shaped(3);
    source.write_keys_pipelined(500);
    let before = source.dump_all();
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let saved = run(&["backup", &source.seed(), dir]);
    assert_eq!(saved.code, 0, "{}{}", saved.stdout, saved.stderr);
    let format = manifest(folder.path())["masters"][0]["rdb_version"]
        .as_u64()
        .unwrap();
    assert!(format >= 12, "Redis 8.2 writes RDB {format}");

    // The redis-server on PATH (7.0) reads RDB 10 at most: one line naming the release needed.
    let target = shaped(4);
    let refused = run(&["restore", dir, &target.seed()]);
    crate::common::assert_one_error(&refused, "Redis 7.4");
    assert!(
        refused.stderr.contains("--server-bin"),
        "{}",
        refused.stderr
    );
    assert!(key_names(&target).is_empty());

    // A server that stops at once: each file is named, and the result says what to do.
    let failed = run(&["restore", dir, &target.seed(), "--server-bin", "/bin/false"]);
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert!(
        failed
            .stdout
            .contains("3 of 3 RDB files could not be loaded (above) and 0 keys were restored"),
        "{}",
        failed.stdout
    );
    assert!(key_names(&target).is_empty());

    // With the server it names, every key lands.
    let restored = run(&["restore", dir, &target.seed(), "--server-bin", &redis_82]);
    assert_eq!(restored.code, 0, "{}{}", restored.stdout, restored.stderr);
    crate::common::assert_same_keys(&before, &target.dump_all());
}

#[test]
fn a_valkey_backup_restores_every_database_and_refuses_a_cluster_with_fewer() {
    let valkey = crate::common::cached_server("valkey-server-9.1");
    let shaped = |masters, databases| {
        TestCluster::start_with(rcluster::sandbox::SandboxOptions {
            masters,
            databases,
            server_bin: valkey.clone(),
            ..Default::default()
        })
    };
    let source = shaped(3, 4);
    let counts = [1000, 1300, 1600, 1918];
    let mut before = Vec::new();
    for (db, count) in (0..4).zip(counts) {
        source.write_keys_in(db, &format!("d{db}"), count);
        before.push(source.dump_db(db));
    }
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let saved = run(&["backup", &source.seed(), dir]);
    assert_eq!(saved.code, 0, "{}{}", saved.stdout, saved.stderr);

    // The manifest: per master its keys in all (dbsize) and per database.
    let doc = manifest(folder.path());
    let masters = doc["masters"].as_array().unwrap();
    let total: u64 = masters.iter().map(|m| m["dbsize"].as_u64().unwrap()).sum();
    assert_eq!(total, counts.iter().sum::<usize>() as u64, "{doc}");
    for (db, count) in counts.iter().enumerate() {
        let recorded: u64 = masters
            .iter()
            .map(|m| m["databases"][db.to_string()].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(recorded, *count as u64, "database {db}: {doc}");
    }

    // A cluster of one database: one line, before any temporary server loads an RDB.
    let single = shaped(3, 1);
    let refused = run(&["restore", dir, &single.seed(), "--server-bin", &valkey]);
    crate::common::assert_one_error(&refused, "serves database 0 only");
    assert!(
        !refused.stderr.contains("keys loaded by"),
        "{}",
        refused.stderr
    );
    assert!(key_names(&single).is_empty());

    // Into 4 masters of 4 databases: every database into the same number, every key equal.
    let four = shaped(4, 4);
    let restored = run(&["restore", dir, &four.seed(), "--server-bin", &valkey]);
    assert_eq!(restored.code, 0, "{}{}", restored.stdout, restored.stderr);
    assert!(
        restored
            .stdout
            .contains("Keys restored per database: db0 1000, db1 1300, db2 1600, db3 1918"),
        "{}",
        restored.stdout
    );
    assert!(
        restored
            .stdout
            .contains("[OK] Restored 5818 keys from 3 RDB files"),
        "{}",
        restored.stdout
    );
    for (db, expected) in before.iter().enumerate() {
        crate::common::assert_same_keys(expected, &four.dump_db(db as u16));
    }

    // Again, as JSON: the keys are there with the same values, so each counts as restored.
    let again = run(&[
        "restore",
        dir,
        &four.seed(),
        "--server-bin",
        &valkey,
        "--json",
    ]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    let doc = crate::common::json(&again.stdout);
    for (db, count) in counts.iter().enumerate() {
        let keys = &doc["databases"][db.to_string()];
        assert_eq!(keys["restored"], *count, "{doc}");
        assert_eq!(keys["loaded"], *count, "{doc}");
        assert_eq!(keys["recorded"], *count, "{doc}");
    }
    assert_eq!(doc["restored"], 5818, "{doc}");
}

#[test]
fn a_restore_names_the_key_the_cluster_holds_with_another_value() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys_pipelined(300);
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let saved = run(&["backup", &cluster.seed(), dir]);
    assert_eq!(saved.code, 0, "{}{}", saved.stdout, saved.stderr);
    // Into the same cluster, where one key has changed since: that key is left alone, by name.
    cluster.on_owner(b"k:7", &[b"SET", b"k:7", b"changed"]);
    let restored = run(&["restore", dir, &cluster.seed()]);
    assert_eq!(restored.code, 1, "{}{}", restored.stdout, restored.stderr);
    assert!(
        restored
            .stdout
            .contains("1 key the cluster already holds with other values was left alone: k:7\n"),
        "{}",
        restored.stdout
    );
    assert!(
        restored
            .stdout
            .contains("[ERR] Restore incomplete: 299 of 300 loaded keys restored; 1 key with other values in the cluster was left alone (named above): running it again with --replace overwrites it"),
        "{}",
        restored.stdout
    );
    let doc = crate::common::json(&run(&["restore", dir, &cluster.seed(), "--json"]).stdout);
    let named: Vec<&serde_json::Value> = doc["rdbs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["skipped_keys"].as_array().unwrap())
        .collect();
    assert_eq!(named, [&serde_json::json!("k:7")], "{doc}");
}
