//! `doctor`'s audit on real servers: a cluster built to show the seed's production findings
//! (settings that differ, requirepass without masterauth, no persistence, an even number of masters,
//! no replicas) gets each of them, exit 1, and never shows a password.

use crate::common::{TestCluster, rcluster};
use rcluster::sandbox::SandboxOptions;

#[test]
fn doctor_audits_settings_placement_and_permissions() {
    const PASSWORD: &str = "doctor-pw-7731";
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 4,
        password: Some(PASSWORD.into()),
        ..Default::default()
    });
    let (one, two) = (cluster.port(1), cluster.port(2));
    cluster.redis(one, &["CONFIG", "SET", "cluster-node-timeout", "3000"]);
    cluster.redis(two, &["CONFIG", "SET", "masterauth", ""]);
    let doctor: crate::common::Outcome = rcluster()
        .env("REDISCLI_AUTH", PASSWORD)
        .args(["doctor", &cluster.seed(), "--json"])
        .output()
        .unwrap()
        .into();
    assert_eq!(doctor.code, 1, "{}{}", doctor.stdout, doctor.stderr);
    assert!(!doctor.stdout.contains(PASSWORD), "{}", doctor.stdout);
    let doc = crate::common::json(&doctor.stdout);
    let messages: Vec<String> = doc["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["message"].as_str().unwrap().to_string())
        .collect();
    let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(
        has("cluster-node-timeout differs between nodes"),
        "{messages:?}"
    );
    assert!(
        has(&format!(
            "requirepass without masterauth on 127.0.0.1:{two}"
        )),
        "{messages:?}"
    );
    assert!(has("masterauth differs between nodes"), "{messages:?}");
    assert!(has("no persistence"), "{messages:?}");
    assert!(has("4 masters: an even number"), "{messages:?}");
    assert!(
        !has("cannot move slots"),
        "the default user may: {messages:?}"
    );
    let kinds: Vec<&str> = doc["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["finding"]["kind"].as_str().unwrap_or_default())
        .collect();
    assert!(!kinds.is_empty(), "no replicas is a finding: {doc}");
}

fn args(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

/// `doctor --json` run with `args` after the seed: exit code and the audit's messages.
fn audit(cluster: &TestCluster, args: &[&str]) -> (i32, Vec<String>, String) {
    let mut all = vec!["doctor".to_string(), cluster.seed(), "--json".into()];
    all.extend(args.iter().map(|a| a.to_string()));
    let out: crate::common::Outcome = rcluster().args(&all).output().unwrap().into();
    let doc = crate::common::json(&out.stdout);
    let messages = doc["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["level"] == "warning")
        .map(|a| a["message"].as_str().unwrap().to_string())
        .collect();
    (out.code, messages, out.stdout)
}

#[test]
fn a_well_placed_cluster_is_clean_and_zones_and_capacity_are_audited() {
    let cluster = TestCluster::start(3, 1);
    for node in &cluster.sandbox.nodes {
        cluster.redis(node.port, &["CONFIG", "SET", "appendonly", "yes"]);
    }
    let view = cluster.view();
    let masters: Vec<_> = view.loaded_masters().collect();
    let zone_args = |replica_zone: &dyn Fn(usize) -> usize,
                     master_zone: &dyn Fn(usize) -> usize| {
        let mut args = Vec::new();
        for (i, master) in masters.iter().enumerate() {
            args.push(format!("--zone={}={}", master.address, master_zone(i)));
            for replica in view
                .loaded()
                .filter(|n| n.myself().master_id.as_deref() == Some(master.id()))
            {
                args.push(format!("--zone={}={}", replica.address, replica_zone(i)));
            }
        }
        args
    };

    // On one host every replica shares its master's host: exit 1, by host.
    let (code, _, out) = audit(&cluster, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("replica_on_master_host"), "{out}");
    // Zones that keep each replica out of its master's zone: clean, exit 0.
    let spread = zone_args(&|i| (i + 1) % 3, &|i| i);
    let (code, warnings_spread, out) = audit(&cluster, &args(&spread));
    assert_eq!(code, 0, "{warnings_spread:?} {out}");
    // Zones for some nodes only: refused in one line.
    let partial = format!("--zone={}=a", masters[0].address);
    let refused: crate::common::Outcome = rcluster()
        .args(["doctor", &cluster.seed(), &partial])
        .output()
        .unwrap()
        .into();
    crate::common::assert_one_error(&refused, "give every node a zone, or none");
    // Every replica in its master's zone.
    let together = zone_args(&|i| i, &|i| i);
    let (code, warnings, out) = audit(&cluster, &args(&together));
    assert_eq!(code, 1, "{out}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("3 replicas in their master's zone")),
        "{warnings:?}"
    );
    // Two masters in one zone (as after a failover onto the wrong side).
    let crowded = zone_args(&|_| 2, &|i| if i < 2 { 0 } else { 1 });
    let (code, warnings, _) = audit(&cluster, &args(&crowded));
    assert_eq!(code, 1);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("zone 0 holds 2 of the 3 masters")),
        "{warnings:?}"
    );

    // Capacity: a 12 MB key is named; against a 100 ms MIGRATE timeout it is a warning.
    let big = "big:blob";
    cluster.on_owner(
        big.as_bytes(),
        &[b"SETRANGE", big.as_bytes(), b"12000000", b"x"],
    );
    let (code, _, out) = audit(&cluster, &args(&spread));
    assert_eq!(code, 0, "a big key alone is a note: {out}");
    assert!(out.contains("key \\\"big:blob\\\" uses"), "{out}");
    let mut strict = args(&spread);
    strict.extend(["--migrate-timeout", "100ms"]);
    let (code, warnings, _) = audit(&cluster, &strict);
    assert_eq!(code, 1);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("more than the 100 ms migrate timeout")),
        "{warnings:?}"
    );
    // A master near its maxmemory.
    let port = masters[0].address.port;
    let redis::Value::BulkString(info) = cluster.redis(port, &["INFO", "memory"]) else {
        panic!("INFO")
    };
    let used: u64 = String::from_utf8_lossy(&info)
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:")?.trim().parse().ok())
        .unwrap();
    let max = (used as f64 * 1.1) as u64;
    cluster.redis(port, &["CONFIG", "SET", "maxmemory", &max.to_string()]);
    let (code, warnings, _) = audit(&cluster, &args(&spread));
    assert_eq!(code, 1);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("memory at 80% of maxmemory or more on 127.0.0.1:")),
        "{warnings:?}"
    );
}
