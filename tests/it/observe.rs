//! `--observe` and `--max-latency` against real servers: a reshard on Redis 7.0 reports the
//! client's baseline and its figures during the move (in the report and as `--events json`
//! records), a `--max-latency` run keeps every key and reports its bound and the pace it held, and
//! on Valkey 9 `--observe` works with the servers' own migration while `--max-latency` moves with
//! the legacy mover (said on stderr) or is refused with `--migration atomic`. Latency values are
//! never asserted: they depend on the machine.

use crate::common::{TestCluster, assert_same_keys, cached_server, json, reshard_from_all, run};
use rcluster::sandbox::SandboxOptions;

/// The figures of one phase and class of keys in an `observe` report.
fn figures<'a>(report: &'a serde_json::Value, phase: &str, class: &str) -> &'a serde_json::Value {
    &report["observe"][phase][class]
}

#[test]
fn an_observed_reshard_reports_the_baseline_and_the_move() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(5000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let extra = [
        "--yes",
        "--observe",
        "--observe-baseline",
        "500ms",
        "--window",
        "8",
        "--json",
        "--events",
        "json",
    ];
    let moved = reshard_from_all(&seed, &target, "1500", &extra);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    let report = json(&moved.stdout);
    assert_eq!(report["observe"]["baseline_ms"], 500);
    for phase in ["baseline", "during"] {
        for class in ["moved_slots", "other_slots"] {
            let figures = figures(&report, phase, class);
            assert!(
                figures["samples"].as_u64().unwrap() > 0,
                "{phase} {class}: {figures}"
            );
            for field in ["p50_ms", "p99_ms", "max_ms"] {
                assert!(figures[field].is_number(), "{phase} {class}: {figures}");
            }
            for redirect in ["ask", "moved", "tryagain"] {
                assert!(figures["redirects"][redirect].is_u64(), "{figures}");
            }
        }
    }
    assert!(report["observe"].get("pace").is_none(), "{report}");
    // The progress records carry the figures: the baseline's at least.
    let baseline = moved
        .stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|record| record["event"] == "latency" && record["phase"] == "baseline")
        .unwrap_or_else(|| panic!("no baseline record: {}", moved.stderr));
    assert!(baseline["other_slots"]["samples"].as_u64().unwrap() > 0);
    // Every key kept, none of the observer's left behind.
    assert_same_keys(&before, &cluster.dump_all());
    assert_eq!(run(&["check", &seed, "--json"]).code, 0);
}

#[test]
fn a_reshard_under_max_latency_keeps_every_key_and_reports_its_pace() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(5000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(1));
    let extra = [
        "--yes",
        "--max-latency",
        "1ms",
        "--observe-baseline",
        "300ms",
        "--window",
        "16",
        "--pipeline",
        "20",
        "--json",
    ];
    let moved = reshard_from_all(&seed, &target, "1200", &extra);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    let report = json(&moved.stdout);
    assert_eq!(report["migration"], "legacy");
    assert_eq!(report["summary"]["slot_count"], 1200);
    let observe = &report["observe"];
    assert_eq!(observe["max_latency_ms"], 1.0);
    let pace = &observe["pace"];
    assert_eq!(
        (pace["window_limit"].as_u64(), pace["batch_limit"].as_u64()),
        (Some(16), Some(20))
    );
    let (peak, end) = (
        pace["window_peak"].as_u64().unwrap(),
        pace["window_end"].as_u64().unwrap(),
    );
    assert!(
        (1..=16).contains(&peak) && (1..=peak).contains(&end),
        "{pace}"
    );
    // A pause after each batch only at the floor, at most 1 s.
    let (pause_peak, pause_end) = (
        pace["pause_peak_ms"].as_f64().unwrap(),
        pace["pause_end_ms"].as_f64().unwrap(),
    );
    assert!(
        (0.0..=1000.0).contains(&pause_peak) && (0.0..=pause_peak).contains(&pause_end),
        "{pace}"
    );
    assert!(pause_end == 0.0 || end == 1, "{pace}");
    assert!(
        figures(&report, "during", "moved_slots")["samples"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_same_keys(&before, &cluster.dump_all());
    assert_eq!(run(&["check", &seed, "--json"]).code, 0);
}

#[test]
fn server_side_moves_are_observed_and_max_latency_takes_the_legacy_mover() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        replicas: 0,
        server_bin: cached_server("valkey-server-9.1"),
        ..Default::default()
    });
    cluster.write_keys(2000);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let observe = [
        "--yes",
        "--observe",
        "--observe-baseline",
        "300ms",
        "--json",
    ];
    let observed = reshard_from_all(&seed, &target, "300", &observe);
    assert_eq!(observed.code, 0, "{}{}", observed.stdout, observed.stderr);
    let report = json(&observed.stdout);
    assert_eq!(report["migration"], "atomic");
    assert!(
        figures(&report, "baseline", "other_slots")["samples"]
            .as_u64()
            .unwrap()
            > 0
    );

    let refused = reshard_from_all(
        &seed,
        &target,
        "10",
        &["--yes", "--max-latency", "5ms", "--migration", "atomic"],
    );
    crate::common::assert_one_error(&refused, "--max-latency cannot hold a server-side");

    let held = [
        "--yes",
        "--max-latency",
        "5ms",
        "--observe-baseline",
        "300ms",
        "--json",
    ];
    let held = reshard_from_all(&seed, &target, "300", &held);
    assert_eq!(held.code, 0, "{}{}", held.stdout, held.stderr);
    assert_eq!(json(&held.stdout)["migration"], "legacy");
    assert!(
        held.stderr
            .contains("--max-latency: moving with the legacy mover"),
        "{}",
        held.stderr
    );
    assert_same_keys(&before, &cluster.dump_all());
}
