//! `watch` in a real terminal (tmux, read with capture-pane): it shows the masters, a killed
//! replica shows as DOWN within a few refreshes, and `q` leaves a clean terminal with exit 0.
//! Without a terminal it prints a plain summary every interval.

use crate::common::{TestCluster, eventually, run};
use std::process::Command;

/// A tmux session, killed when dropped.
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

fn capture(session: &str) -> String {
    let out = Command::new("tmux")
        .args(["capture-pane", "-p", "-t", session])
        .output()
        .expect("tmux is not installed: run scripts/install-deps.sh");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn watch_shows_the_cluster_live_and_q_restores_the_terminal() {
    let cluster = TestCluster::start(3, 1);
    let seed = cluster.seed();
    let plain = run(&["watch", &seed, "--count", "2", "--interval", "100ms"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert_eq!(
        plain.stdout.matches("cluster_state:ok").count(),
        2,
        "{}",
        plain.stdout
    );
    assert_eq!(
        plain.stdout.matches(" master ").count(),
        6,
        "{}",
        plain.stdout
    );
    assert_eq!(
        plain.stdout.matches(" replica  up ").count(),
        6,
        "{}",
        plain.stdout
    );
    assert_eq!(
        plain
            .stdout
            .lines()
            .filter(|l| l.starts_with("node ")
                && l.contains(" role ")
                && l.ends_with(" link  lag  lag_s"))
            .count(),
        2,
        "a header over each summary's rows: {}",
        plain.stdout
    );
    // --json without a terminal: one NDJSON document per refresh, and nothing else.
    let json = run(&[
        "watch",
        &seed,
        "--count",
        "2",
        "--interval",
        "100ms",
        "--json",
    ]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let documents: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one document a line"))
        .collect();
    assert_eq!(documents.len(), 2, "{}", json.stdout);
    for document in &documents {
        assert_eq!(document["schema"], 1);
        assert_eq!(document["command"], "watch");
        assert_eq!(document["ok"], true);
        assert_eq!(document["cluster_state_ok"], true);
        let nodes = document["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 6, "{document}");
        let slots: i64 = nodes.iter().filter_map(|n| n["slots"].as_i64()).sum();
        assert_eq!(slots, 16384, "{document}");
        // Each replica's link and lag (issue 26): synced replicas, their link up.
        let replicas: Vec<&serde_json::Value> =
            nodes.iter().filter(|n| n["role"] == "replica").collect();
        assert_eq!(replicas.len(), 3, "{document}");
        for replica in replicas {
            assert_eq!(replica["link"], "up", "{document}");
            assert!(replica["lag_bytes"].is_i64(), "{document}");
            assert!(replica["lag_seconds"].is_i64(), "{document}");
        }
    }

    let name = Session(format!("rcluster-watch-{}", std::process::id()));
    let bin = assert_cmd::cargo::cargo_bin("rcluster");
    let command = format!(
        "{} watch {seed} --interval 300ms --timeout 500ms --connect-timeout 300ms; echo WATCH-EXIT=$?; sleep 60",
        bin.display()
    );
    let started = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &name.0,
            "-x",
            "120",
            "-y",
            "30",
            &command,
        ])
        .env("NO_COLOR", "1")
        .status()
        .expect("tmux is not installed: run scripts/install-deps.sh");
    assert!(started.success());
    assert!(
        eventually(20, || {
            let screen = capture(&name.0);
            screen.contains("rcluster watch") && screen.matches(" master ").count() == 3
        }),
        "{}",
        capture(&name.0)
    );
    let replica = cluster
        .view()
        .loaded()
        .find(|n| !n.is_master())
        .map(|n| n.address.port)
        .unwrap();
    cluster.sandbox.signal(replica, libc::SIGKILL).unwrap();
    assert!(
        eventually(20, || capture(&name.0).lines().any(|l| l
            .contains(&format!("127.0.0.1:{replica}"))
            && l.contains("DOWN"))),
        "{}",
        capture(&name.0)
    );
    let quit = Command::new("tmux")
        .args(["send-keys", "-t", &name.0, "q"])
        .status()
        .unwrap();
    assert!(quit.success());
    assert!(
        eventually(10, || capture(&name.0).contains("WATCH-EXIT=0")),
        "{}",
        capture(&name.0)
    );
    assert!(
        !capture(&name.0).contains("rcluster watch"),
        "the screen is restored: {}",
        capture(&name.0)
    );
}
