//! `failover` on real servers: a replica promoted with its master's agreement, then one whose master
//! was killed (refused without --force, done with it); a master is refused, and so is a vote that
//! cannot pass (most masters stopped). Each ends with every
//! key in place and `check` clean.

use crate::common::{TestCluster, run};

/// The port of a replica of the master on `master_port`.
fn replica_of(cluster: &TestCluster, master_port: u16) -> u16 {
    let id = cluster.id(master_port);
    cluster
        .view()
        .loaded()
        .find(|n| n.myself().master_id.as_deref() == Some(id.as_str()))
        .map(|n| n.address.port)
        .expect("a replica")
}

#[test]
fn failover_promotes_a_replica_and_waits_until_every_node_agrees() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_keys_pipelined(2000);
    // The promoted replicas must hold their masters' keys.
    cluster.wait_replicas_synced();
    let before = cluster.dump_all();
    let master = cluster.port(0);
    let replica = replica_of(&cluster, master);
    let replica_address = format!("127.0.0.1:{replica}");

    let refused = run(&["failover", &format!("127.0.0.1:{master}")]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stderr.contains(&format!(
            "is a master already: name one of its replicas: {replica_address} (`rcluster info -v"
        )),
        "{}",
        refused.stderr
    );

    let done = run(&["failover", &replica_address, "--json"]);
    assert_eq!(done.code, 0, "{}{}", done.stdout, done.stderr);
    let doc = crate::common::json(&done.stdout);
    let phases = doc["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3, "{doc}");
    assert!(phases.iter().all(|p| p["ms"].is_u64()), "{doc}");
    // The server-side wait of a coordinated failover is reported: the replica's lag when the
    // command was sent, and when it reached its master's offset (before it took over).
    let catch_up = &doc["catch_up"];
    assert!(catch_up["lag_bytes"].is_u64(), "{doc}");
    let caught_up = catch_up["caught_up_ms"].as_u64().expect("caught up");
    assert!(caught_up <= phases[0]["ms"].as_u64().unwrap(), "{doc}");
    let redis::Value::Array(role) = cluster.redis(master, &["ROLE"]) else {
        panic!("ROLE")
    };
    assert_eq!(role[0], redis::Value::BulkString(b"slave".to_vec()));
    assert_eq!(run(&["check", &replica_address]).code, 0);
    crate::common::assert_same_keys(&before, &cluster.dump_all());

    // The new replica's master dies: without --force it is refused, with it the replica takes over.
    let promoted = replica;
    let follower = master;
    cluster.wait_replicas_of(promoted);
    cluster.sandbox.signal(promoted, libc::SIGKILL).unwrap();
    let follower_address = format!("127.0.0.1:{follower}");
    let refused = run(&["failover", &follower_address, "--timeout", "1s"]);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    let forced = run(&["failover", &follower_address, "--force", "--wait", "20s"]);
    assert_eq!(forced.code, 0, "{}{}", forced.stdout, forced.stderr);
    assert!(
        forced
            .stdout
            .contains(&format!("[OK] {follower_address} is the master of")),
        "{}",
        forced.stdout
    );

    // Two of the three masters stopped: no vote can pass, so it is refused before anything is sent.
    let (second, third) = (cluster.port(1), cluster.port(2));
    let voter_replica = format!("127.0.0.1:{}", replica_of(&cluster, second));
    for port in [second, third] {
        cluster.sandbox.signal(port, libc::SIGSTOP).unwrap();
    }
    let no_quorum = run(&["failover", &voter_replica, "--force", "--timeout", "1s"]);
    for port in [second, third] {
        cluster.sandbox.signal(port, libc::SIGCONT).unwrap();
    }
    crate::common::assert_one_error(&no_quorum, "needs the votes of 2 of the 3 masters");
    assert!(
        no_quorum.stderr.contains("--takeover"),
        "{}",
        no_quorum.stderr
    );
}

#[test]
fn a_drill_keeps_writing_through_a_failover_and_through_a_killed_master() {
    let cluster = TestCluster::start(3, 1);
    // The drill counts a write the promoted replica lacks as lost: replication must be running.
    cluster.wait_replicas_synced();
    let replica = replica_of(&cluster, cluster.port(0));
    let drilled = run(&[
        "failover",
        &format!("127.0.0.1:{replica}"),
        "--drill",
        "--duration",
        "6s",
        "--json",
    ]);
    assert_eq!(drilled.code, 0, "{}{}", drilled.stdout, drilled.stderr);
    let doc = crate::common::json(&drilled.stdout);
    let drill = &doc["drill"];
    // How many writes a drill makes, and how many fail while the roles swap, depend on the
    // machine's speed: only that it wrote throughout and that nothing was lost is asserted.
    let count = |field: &str| drill[field].as_u64().unwrap();
    assert!(count("succeeded") > 0, "{drill}");
    assert_eq!(
        count("succeeded") + count("failed"),
        count("tried"),
        "{drill}"
    );
    assert_eq!(drill["wrong"].as_array().unwrap().len(), 0, "{drill}");
    assert_eq!(drill["lost"].as_array().unwrap().len(), 0, "{drill}");
    assert_eq!(drill["unreadable"].as_array().unwrap().len(), 0, "{drill}");
    assert_eq!(drill["shards"].as_array().unwrap().len(), 3, "{drill}");
    assert!(
        drill["killed_pid"].is_null() && doc["catch_up"].is_object(),
        "{doc}"
    );
    assert!(
        cluster
            .dump_all()
            .iter()
            .all(|(key, _)| !key.starts_with(b"rcluster:drill:")),
        "the drill leaves no key behind"
    );

    // The master's process killed: the replica is promoted by the cluster itself; the drill says
    // how many writes failed meanwhile (a third of the slots were down for a node timeout).
    let killed_master = cluster.port(1);
    let other = replica_of(&cluster, killed_master);
    cluster.wait_replicas_synced();
    let killed = run(&[
        "failover",
        &format!("127.0.0.1:{other}"),
        "--drill",
        "--kill-master",
        "--duration",
        "8s",
        "--min-success",
        "10",
        "--json",
    ]);
    let doc = crate::common::json(&killed.stdout);
    // Asynchronous replication may lose the last writes a killed master acknowledged: then the
    // drill names them and exits 1; anything else is a pass.
    let lost = doc["drill"]["lost"].as_array().unwrap().len();
    assert_eq!(
        killed.code,
        i32::from(lost > 0),
        "{}{}",
        killed.stdout,
        killed.stderr
    );
    assert_eq!(doc["drill"]["wrong"].as_array().unwrap().len(), 0, "{doc}");
    assert!(doc["drill"]["killed_pid"].is_u64(), "{doc}");
    assert!(doc["drill"]["failed"].as_u64().unwrap() > 0, "{doc}");
    assert!(doc["phases"][0]["ms"].is_u64(), "{doc}");
    assert_eq!(doc["phases"].as_array().unwrap().len(), 2, "{doc}");
    // Keys that exist are never counted lost for having been unreadable while the shard was down.
    assert_eq!(
        doc["drill"]["unreadable"].as_array().unwrap().len(),
        0,
        "{doc}"
    );
    // The killed master's shard had its own gap, at least the cluster's, named by its old master.
    let shards = doc["drill"]["shards"].as_array().unwrap();
    assert_eq!(shards.len(), 3, "{doc}");
    let killed_address = format!("127.0.0.1:{killed_master}");
    let shard = shards
        .iter()
        .find(|s| s["master"] == killed_address.as_str())
        .expect("the killed master's shard");
    assert!(shard["failed"].as_u64().unwrap() > 0, "{doc}");
    let overall = doc["drill"]["longest_gap_ms"].as_u64().unwrap();
    assert!(
        shard["longest_gap_ms"].as_u64().unwrap() >= overall,
        "{doc}"
    );
    // The final state is true: the old master is down, and rcluster did not start it.
    assert_eq!(doc["drill"]["old_master_answers"], false, "{doc}");
    assert!(doc["catch_up"].is_null(), "{doc}");
}

/// The human view of a kill-master drill ends with the true state: the old master was killed and
/// is not running, with how to start it again; the gap is given per shard.
#[test]
fn a_kill_master_drill_says_the_old_master_is_down() {
    let cluster = TestCluster::start(3, 1);
    cluster.wait_replicas_synced();
    let master = cluster.port(2);
    let replica = replica_of(&cluster, master);
    let killed = run(&[
        "failover",
        &format!("127.0.0.1:{replica}"),
        "--drill",
        "--kill-master",
        "--duration",
        "6s",
        "--min-success",
        "10",
    ]);
    let out = &killed.stdout;
    assert!(
        out.contains(&format!(
            "its old master 127.0.0.1:{master} was killed (process "
        )) && out.contains("and is not running"),
        "{out}{}",
        killed.stderr
    );
    assert!(!out.contains("follows it"), "{out}");
    // The binary that started it (found on PATH), not INFO's guess from the working folder.
    assert!(
        out.contains("rcluster does not start it again: start redis-server with /"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "/{master}/node.conf and the options it ran with, and it rejoins as a replica of 127.0.0.1:{replica}"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("  shard of 127.0.0.1:{master} (slots "))
            && out.contains(", failed over): longest time without a successful write"),
        "{out}"
    );
}

/// A replica whose first sync has not finished holds none of its master's keys (issue 26): `check`
/// names it, `doctor` exits 1 on it with `--json` carrying its state, and `failover --force` toward
/// it is refused (nothing changes) unless `--accept-data-loss`.
#[test]
fn a_replica_that_has_not_synced_is_named_and_a_forced_failover_to_it_is_refused() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(2000);
    let seed = cluster.seed();
    let master = cluster.port(0);
    // The master holds back the first copy for ten minutes: the replica stays empty.
    cluster.redis(master, &["CONFIG", "SET", "repl-diskless-sync", "yes"]);
    cluster.redis(
        master,
        &["CONFIG", "SET", "repl-diskless-sync-delay", "600"],
    );
    let spare = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 1,
        no_cluster: true,
        ..Default::default()
    });
    let replica = spare.seed();
    let master_id = cluster.id(master);
    let added = run(&[
        "add-node",
        &replica,
        &seed,
        "--replica",
        "--master-id",
        &master_id,
        "--no-wait-sync",
    ]);
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    let named = crate::common::eventually(20, || {
        let check = run(&["check", &seed]);
        check.code == 0
            && check.stdout.contains("do not hold their master's data yet")
            && check.stdout.contains(&format!(
                "{replica} (replica of 127.0.0.1:{master}) has not finished its first sync"
            ))
    });
    assert!(named, "{}", run(&["check", &seed]).stdout);
    let doctor = run(&["doctor", &seed, "--json"]);
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    let doc: serde_json::Value = serde_json::from_str(&doctor.stdout).unwrap();
    assert!(
        doctor.stdout.contains("replica_not_synced"),
        "doctor --json names the finding: {doc}"
    );
    let forced = run(&["failover", &replica, "--force"]);
    assert_ne!(forced.code, 0, "{}{}", forced.stdout, forced.stderr);
    assert!(
        forced.stderr.contains("has not finished its first sync")
            && forced.stderr.contains("--accept-data-loss"),
        "{}",
        forced.stderr
    );
    assert_eq!(forced.stderr.trim().lines().count(), 1, "{}", forced.stderr);
    let still = cluster.view();
    let node = still
        .loaded()
        .find(|n| n.address.to_string() == replica)
        .unwrap();
    assert!(node.myself().flags.replica, "the replica was not promoted");
}

/// Issue 26's first "done when", rcluster's side (bench/create-kill.sh runs both tools): `create
/// --replicas 1` returns only once every replica holds its master's data, so 20,000 keys written
/// right after it and a master SIGKILLed 1 s later lose nothing when its replica takes over.
#[test]
fn a_master_killed_right_after_create_loses_no_key() {
    let nodes = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 6,
        no_cluster: true,
        ..Default::default()
    });
    let mut args = vec![
        "create".to_string(),
        "--replicas".into(),
        "1".into(),
        "--yes".into(),
    ];
    args.extend(nodes.sandbox.nodes.iter().map(|n| n.address().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let created = run(&args);
    assert_eq!(created.code, 0, "{}{}", created.stdout, created.stderr);
    nodes.write_keys_pipelined(20_000);
    std::thread::sleep(std::time::Duration::from_secs(1));
    let seed = nodes.port(0);
    let master = nodes
        .view()
        .loaded_masters()
        .map(|m| m.address.port)
        .find(|port| *port != seed)
        .expect("a master besides the seed");
    let replica = replica_of(&nodes, master);
    nodes.sandbox.signal(master, libc::SIGKILL).unwrap();
    let took_over = crate::common::eventually(30, || {
        let redis::Value::Array(role) = nodes.redis(replica, &["ROLE"]) else {
            return false;
        };
        let redis::Value::BulkString(info) = nodes.redis(seed, &["CLUSTER", "INFO"]) else {
            return false;
        };
        role[0] == redis::Value::BulkString(b"master".to_vec())
            && String::from_utf8_lossy(&info).contains("cluster_state:ok")
    });
    assert!(
        took_over,
        "the replica {replica} of {master} did not take over"
    );
    assert_eq!(nodes.dump_all().len(), 20_000, "keys lost with {master}");
}
