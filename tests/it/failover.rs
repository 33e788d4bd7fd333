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
    assert!(drill["tried"].as_u64().unwrap() > 500, "{drill}");
    assert!(drill["success_rate"].as_f64().unwrap() >= 99.0, "{drill}");
    assert_eq!(drill["wrong"].as_array().unwrap().len(), 0, "{drill}");
    assert_eq!(drill["lost"].as_array().unwrap().len(), 0, "{drill}");
    assert!(
        cluster
            .dump_all()
            .iter()
            .all(|(key, _)| !key.starts_with(b"rcluster:drill:")),
        "the drill leaves no key behind"
    );

    // The master's process killed: the replica is promoted by the cluster itself; the drill says
    // how many writes failed meanwhile (a third of the slots were down for a node timeout).
    let other = replica_of(&cluster, cluster.port(1));
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
