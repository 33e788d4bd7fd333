//! `doctor`'s audit on real servers: a cluster built to show the seed's production findings
//! (settings that differ, requirepass without masterauth, no persistence, an even number of masters,
//! no replicas) gets each of them, exit 1, and never shows a password.

mod common;

use common::{TestCluster, rcluster};
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
    let doctor: common::Outcome = rcluster()
        .env("REDISCLI_AUTH", PASSWORD)
        .args(["doctor", &cluster.seed(), "--json"])
        .output()
        .unwrap()
        .into();
    assert_eq!(doctor.code, 1, "{}{}", doctor.stdout, doctor.stderr);
    assert!(!doctor.stdout.contains(PASSWORD), "{}", doctor.stdout);
    let doc = common::json(&doctor.stdout);
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
