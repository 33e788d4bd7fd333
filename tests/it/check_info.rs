//! `check`, `info` and `setslot` against real redis-server clusters: healthy, open slot, uncovered
//! slots, a SIGSTOPped master, disagreeing nodes. Human output is snapshotted (ids and ports
//! normalised); JSON is parsed back. On a Valkey cluster of 4 databases, `info`, `metrics`, `watch`
//! and `doctor` count (and sample) the keys of every database.

use crate::common::{TestCluster, json, run};
use std::time::{Duration, Instant};

#[test]
fn healthy_cluster_checks_clean_in_both_formats() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_keys(300);
    let seed = cluster.seed();

    let human = run(&["check", &seed]);
    assert_eq!(human.code, 0, "{}{}", human.stdout, human.stderr);
    assert!(human.stderr.is_empty(), "{}", human.stderr);
    insta::assert_snapshot!("check_healthy_3m3r", cluster.normalize(&human.stdout));

    let machine = run(&["check", &seed, "--json"]);
    assert_eq!(machine.code, 0);
    let doc = json(&machine.stdout);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["info"]["total_keys"], 300);
    assert_eq!(doc["info"]["masters"].as_array().unwrap().len(), 3);
    assert_eq!(doc["check"]["config_consistent"], true);
    assert_eq!(doc["check"]["uncovered"], serde_json::json!([]));
    assert_eq!(doc["check"]["nodes"].as_array().unwrap().len(), 6);

    let views = doc["views"].as_array().unwrap();
    assert_eq!(views.len(), 6, "every node's own view: {doc}");
    assert!(views.iter().all(|v| v["agrees_with_seed"] == true));
    assert!(
        views
            .iter()
            .all(|v| v["answered_ms"].as_f64().unwrap() >= 0.0)
    );
    assert_eq!(views.iter().filter(|v| v["role"] == "replica").count(), 3);

    let verbose = run(&["check", &seed, "-v"]);
    assert_eq!(verbose.code, 0);
    let table: Vec<&str> = verbose
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with(">>> Each node's own view"))
        .collect();
    assert_eq!(
        table.len(),
        1 + 1 + 6,
        "a header and a row per node: {}",
        verbose.stdout
    );
    assert!(
        table.iter().skip(2).all(|row| row.contains(" yes ")),
        "{}",
        verbose.stdout
    );
    assert!(human.stdout.lines().count() < verbose.stdout.lines().count());

    let quiet = run(&["check", &seed, "-q"]);
    assert_eq!(quiet.code, 0);
    let lines: Vec<&str> = quiet.stdout.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&"[OK] The cluster is healthy (1 warning above)."),
        "{}",
        quiet.stdout
    );
    assert!(
        lines[..lines.len() - 1]
            .iter()
            .all(|l| l.starts_with("[WARNING]")),
        "-q keeps only warnings and the result: {}",
        quiet.stdout
    );

    let info = run(&["info", &seed]);
    assert_eq!(info.code, 0);
    insta::assert_snapshot!("info_healthy_3m3r", cluster.normalize(&info.stdout));
    let info_json = json(&run(&["info", &seed, "--json"]).stdout);
    assert_eq!(info_json["total_keys"], 300);
    let per_master: u64 = info_json["masters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["keys"].as_u64().unwrap())
        .sum();
    assert_eq!(per_master, 300);

    // -v lists each master's replicas with their link and lag (the failover hint points here).
    cluster.wait_replicas_synced();
    let info_verbose = run(&["info", &seed, "-v"]);
    assert_eq!(info_verbose.code, 0, "{}", info_verbose.stderr);
    let replica_lines: Vec<&str> = info_verbose
        .stdout
        .lines()
        .filter(|l| l.starts_with("   replica 127.0.0.1:"))
        .collect();
    assert_eq!(replica_lines.len(), 3, "{}", info_verbose.stdout);
    assert!(
        replica_lines
            .iter()
            .all(|l| l.contains(" link up, ") && l.ends_with(" behind")),
        "{}",
        info_verbose.stdout
    );
    let verbose_json = json(&run(&["info", &seed, "-v", "--json"]).stdout);
    let first = &verbose_json["masters"][0];
    let replica = &first["replica_nodes"][0];
    assert_eq!(replica["link"], "up", "{verbose_json}");
    assert!(replica["lag_bytes"].is_u64(), "{verbose_json}");
    assert!(info_json["masters"][0].get("replica_nodes").is_none());

    // --to naming a replica, or too short a prefix: why, not "not known or not a master".
    let master_address = first["address"].as_str().unwrap();
    let replica_id = replica["id"].as_str().unwrap();
    let reshard_to = |to: &str| {
        run(&[
            "reshard", &seed, "--slots", "1", "--from", "all", "--to", to, "--yes",
        ])
    };
    crate::common::assert_one_error(
        &reshard_to(replica_id),
        &format!("is a replica of {master_address}: name a master"),
    );
    crate::common::assert_one_error(&reshard_to(&replica_id[..4]), "is too short");

    let spaced = run(&[
        "check",
        "127.0.0.1",
        &cluster.port(0).to_string(),
        "--search-multiple-owners",
    ]);
    assert_eq!(spaced.code, 0, "{}", spaced.stdout);
    assert!(spaced.stdout.contains("[OK] No multiple owners found."));
}

/// The replicas on their master's host, and doctor's placement advice, do not depend on how the
/// seed is written: `localhost` is resolved and compared as the 127.0.0.1 the other nodes are.
#[test]
fn same_host_detection_does_not_depend_on_how_the_seed_is_written() {
    let cluster = TestCluster::start(3, 1);
    let port = cluster.port(0).to_string();
    let same_host = |seed: &str| {
        let doc = json(&run(&["check", seed, "--json"]).stdout);
        let finding = doc["check"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "replica_on_master_host")
            .cloned();
        finding.map_or(0, |f| f["nodes"].as_array().unwrap().len())
    };
    assert_eq!(same_host(&format!("127.0.0.1:{port}")), 3);
    assert_eq!(same_host(&format!("localhost:{port}")), 3);

    let placement = |seed: &str| {
        let doc = json(&run(&["doctor", seed, "--json"]).stdout);
        let mut messages: Vec<String> = doc["audit"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["topic"] == "placement")
            .map(|a| a["message"].as_str().unwrap().to_string())
            .collect();
        messages.sort();
        messages
    };
    let by_ip = placement(&format!("127.0.0.1:{port}"));
    assert_eq!(placement(&format!("localhost:{port}")), by_ip);
    assert!(
        !by_ip.iter().any(|m| m.contains(" holds ")),
        "one host holds every node, so no host is singled out: {by_ip:?}"
    );
}

#[test]
fn open_slot_is_reported_with_both_nodes() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(50);
    let seed = cluster.seed();
    let (source, target) = (cluster.port(0), cluster.port(1));
    let (source_id, target_id) = (cluster.id(source), cluster.id(target));
    let target_addr = format!("127.0.0.1:{target}");
    let source_addr = format!("127.0.0.1:{source}");
    assert_eq!(
        run(&["setslot", &target_addr, "100", "importing", &source_id]).code,
        0
    );
    let migrating = run(&["setslot", &source_addr, "100", "migrating", &target_id]);
    assert_eq!(migrating.code, 0, "{}", migrating.stderr);
    assert!(migrating.stdout.contains("CLUSTER SETSLOT 100 MIGRATING"));

    let human = run(&["check", &seed]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains(&format!(
        "[WARNING] Node {source_addr} has slots in migrating state 100."
    )));
    assert!(human.stdout.contains(&format!(
        "[WARNING] Node {target_addr} has slots in importing state 100."
    )));
    assert!(
        human
            .stdout
            .contains("[WARNING] The following slots are open: 100.")
    );
    let doc = json(&run(&["check", &seed, "--json"]).stdout);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["check"]["open_slots"], serde_json::json!([100]));
    assert!(
        doc["check"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "open_slot")
    );

    assert_eq!(run(&["setslot", &source_addr, "100", "stable"]).code, 0);
    assert_eq!(run(&["setslot", &target_addr, "100", "stable"]).code, 0);
    assert_eq!(run(&["check", &seed]).code, 0);
}

#[test]
fn uncovered_slots_and_disagreement_name_the_node() {
    let cluster = TestCluster::start(3, 0);
    let owner = cluster.port(0);
    cluster.redis(owner, &["CLUSTER", "DELSLOTS", "3", "4", "5"]);
    let human = run(&["check", &cluster.seed()]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains(
            "[ERR] Not all 16384 slots are covered by nodes.\n    3 slots not covered: 3-5\n\n"
        ),
        "{}",
        human.stdout
    );
    // -q: the problem lines and one line that counts errors and warnings apart (no replicas is a
    // warning).
    let quiet = run(&["check", &cluster.seed(), "-q"]);
    assert_eq!(quiet.code, 1);
    assert!(
        quiet.stdout.ends_with("[ERR] 2 errors, 1 warning above.\n"),
        "{}",
        quiet.stdout
    );
    assert!(
        human
            .stdout
            .contains("[ERR] Nodes don't agree about configuration!")
    );
    assert!(
        human.stdout.contains(&format!("127.0.0.1:{owner} disagrees about slots 3-5 (it says: unassigned; most say: 127.0.0.1:{owner})")),
        "{}",
        human.stdout
    );
    let doc = json(&run(&["check", &cluster.seed(), "--json"]).stdout);
    assert_eq!(doc["check"]["uncovered"], serde_json::json!([[3, 5]]));
}

#[test]
fn stopped_master_is_reported_within_the_timeouts() {
    let cluster = TestCluster::start(3, 0);
    let victim = cluster.port(2);
    cluster.sandbox.signal(victim, libc::SIGSTOP).unwrap();
    let started = Instant::now();
    let outcome = run(&[
        "check",
        &cluster.seed(),
        "--timeout",
        "1s",
        "--connect-timeout",
        "1s",
    ]);
    let elapsed = started.elapsed();
    let json_outcome = run(&["check", &cluster.seed(), "--timeout", "1s", "--json"]);
    cluster.sandbox.signal(victim, libc::SIGCONT).unwrap();
    assert!(elapsed < Duration::from_secs(10), "check took {elapsed:?}");
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    assert!(
        outcome
            .stdout
            .contains(&format!("[ERR] master 127.0.0.1:{victim}"))
            && outcome.stdout.contains("is unreachable"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stdout
            .contains("[ERR] Not all 16384 slots are covered by nodes.")
    );
    let doc = json(&json_outcome.stdout);
    let kinds: Vec<&str> = doc["check"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"unreachable_node") || kinds.contains(&"failed_node"),
        "{kinds:?}"
    );
}

#[test]
fn setslot_validates_its_input() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let bad_slot = run(&["setslot", &seed, "16384", "stable"]);
    assert_eq!(bad_slot.code, 2);
    assert!(
        bad_slot.stderr.contains("0 to 16383"),
        "{}",
        bad_slot.stderr
    );
    let unknown = run(&[
        "setslot",
        &seed,
        "5",
        "node",
        "ffffffffffffffffffffffffffffffffffffffff",
    ]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no node with id"),
        "{}",
        unknown.stderr
    );
    assert_eq!(unknown.stderr.lines().count(), 1, "{}", unknown.stderr);
    let missing = run(&["setslot", &seed, "5", "migrating"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("needs the NODE_ID"),
        "{}",
        missing.stderr
    );
}

#[test]
fn setslot_node_hands_an_empty_slot_over_and_refuses_a_giver_with_keys() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(2000);
    let seed = cluster.seed();
    let (a, b) = (cluster.port(0), cluster.port(1));
    let id_b = cluster.id(b);
    let view = cluster.view();
    let owned_by_a = view
        .loaded_masters()
        .find(|m| m.address.port == a)
        .expect("A is a master")
        .myself()
        .slots
        .clone();
    let count = |port: u16, slot: u16| match cluster
        .redis(port, &["CLUSTER", "COUNTKEYSINSLOT", &slot.to_string()])
    {
        redis::Value::Int(n) => n,
        other => panic!("{other:?}"),
    };
    let slots: Vec<u16> = owned_by_a.iter().map(|s| s.number()).collect();
    let empty = *slots
        .iter()
        .find(|s| count(a, **s) == 0)
        .expect("an empty slot");
    let full = *slots
        .iter()
        .find(|s| count(a, **s) > 0)
        .expect("a slot with keys");

    let moved = run(&["setslot", &seed, &empty.to_string(), "node", &id_b]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert_eq!(
        run(&["check", &seed]).code,
        0,
        "every master was told, so every table agrees"
    );
    let keys = count(a, full);
    let refused = run(&["setslot", &seed, &full.to_string(), "node", &id_b]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(refused.stderr.contains("still holds"), "{}", refused.stderr);
    assert_eq!(count(a, full), keys, "its keys stay where they were");
    assert_eq!(run(&["check", &seed]).code, 0, "and so does its owner");
}

#[test]
fn doctor_explains_each_finding_with_a_command() {
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let (a, b) = (cluster.port(0), cluster.port(1));
    let (id_a, id_b) = (cluster.id(a), cluster.id(b));
    cluster.redis(b, &["CLUSTER", "SETSLOT", "7", "IMPORTING", &id_a]);
    let first = cluster
        .view()
        .loaded_masters()
        .find(|m| m.address.port == a)
        .unwrap()
        .myself()
        .slots
        .iter()
        .next()
        .unwrap();
    cluster.redis(
        a,
        &["CLUSTER", "SETSLOT", &first.to_string(), "MIGRATING", &id_b],
    );
    let doctor = run(&["doctor", &seed]);
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    assert!(
        doctor.stdout.contains("stopped half-way"),
        "{}",
        doctor.stdout
    );
    assert!(
        doctor
            .stdout
            .contains(&format!("$ rcluster fix {seed} --dry-run")),
        "{}",
        doctor.stdout
    );
    assert!(
        doctor.stdout.contains("nobody to fail over to"),
        "{}",
        doctor.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(&["doctor", &seed, "--json"]).stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert!(json["diagnoses"].as_array().unwrap().len() >= 2);
}

#[test]
fn info_metrics_and_watch_count_the_keys_of_every_database_on_valkey() {
    let cluster = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 3,
        databases: 4,
        server_bin: crate::common::cached_server("valkey-server-9.1"),
        ..Default::default()
    });
    let seed = cluster.seed();
    let counts = [500u64, 0, 300, 218];
    for (db, count) in (0..4).zip(counts) {
        cluster.write_keys_in(db, &format!("d{db}"), count as usize);
    }
    let doc = json(&run(&["info", &seed, "--json"]).stdout);
    assert_eq!(doc["total_keys"], 1018, "{doc}");
    let masters = doc["masters"].as_array().unwrap();
    for (db, count) in counts.iter().enumerate() {
        let held: u64 = masters
            .iter()
            .map(|m| m["databases"][db.to_string()].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(held, *count, "database {db}: {doc}");
    }
    let info = run(&["--cluster", "info", &seed]);
    assert!(
        info.stdout.contains("[OK] 1018 keys in 3 masters."),
        "{}",
        info.stdout
    );

    let metrics = run(&["metrics", &seed, "--once"]);
    let in_db3: u64 = metrics
        .stdout
        .lines()
        .filter(|l| l.starts_with("redis_db_keys{") && l.contains("db=\"db3\""))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(in_db3, 218, "{}", metrics.stdout);

    // doctor samples every database that holds keys: a big key in database 3 is named.
    let owner = cluster
        .view()
        .loaded_masters()
        .find(|m| {
            m.myself()
                .slots
                .contains(rcluster::topology::key_slot(b"blob"))
        })
        .map(|m| m.address.port)
        .unwrap();
    let mut db3 = redis::Client::open(format!("redis://127.0.0.1:{owner}/3"))
        .and_then(|client| client.get_connection())
        .unwrap();
    redis::cmd("SET")
        .arg("blob")
        .arg(vec![b'x'; 11 * 1024 * 1024])
        .query::<()>(&mut db3)
        .unwrap();
    let doctor = run(&["doctor", &seed]);
    assert!(
        doctor.stdout.contains("key \"blob (db 3)\" uses"),
        "{}",
        doctor.stdout
    );
    redis::cmd("DEL").arg("blob").query::<()>(&mut db3).unwrap();

    let watch = run(&["watch", &seed, "--count", "1"]);
    for master in masters {
        let address = master["address"].as_str().unwrap();
        let keys = master["keys"].as_u64().unwrap().to_string();
        let row = watch.stdout.lines().find(|l| l.contains(address)).unwrap();
        assert!(
            row.split_whitespace().any(|cell| cell == keys),
            "{row}: {keys}"
        );
    }
}
