//! `metrics` against real servers and a real Prometheus server (Debian's `prometheus`, installed by
//! scripts/install-deps.sh): `--once` prints redis_exporter's names; `--listen` is scraped by
//! Prometheus, whose HTTP API then shows `redis_cluster_state` 1 and, for a killed replica,
//! `redis_up` 0.

use crate::common::{TestCluster, eventually, run};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A child process killed (by its PID) when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` on 127.0.0.1:`port`; the body, or `None` when nothing answers.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

/// The value of the first series of an instant query, from Prometheus's HTTP API.
fn query(port: u16, promql: &str) -> Option<String> {
    let encoded: String = promql
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let body = http_get(port, &format!("/api/v1/query?query={encoded}"))?;
    let doc: serde_json::Value = serde_json::from_str(&body).ok()?;
    Some(doc["data"]["result"][0]["value"][1].as_str()?.to_string())
}

#[test]
fn once_prints_redis_exporter_names_for_every_node() {
    let cluster = TestCluster::start(3, 1);
    let once = run(&["metrics", &cluster.seed(), "--once"]);
    assert_eq!(once.code, 0, "{}", once.stderr);
    for line in [
        "redis_cluster_state 1",
        "redis_cluster_slots_assigned 16384",
        "redis_cluster_size 3",
        "rcluster_open_slots 0",
        "rcluster_slot_tables_disagree 0",
    ] {
        assert!(once.stdout.contains(line), "{line}: {}", once.stdout);
    }
    assert_eq!(
        once.stdout.matches("redis_up{").count(),
        6,
        "{}",
        once.stdout
    );
    // Every replica's link, under redis_exporter's name (the cluster starts with synced replicas).
    let links: Vec<&str> = once
        .stdout
        .lines()
        .filter(|l| l.starts_with("redis_master_link_up{"))
        .collect();
    assert_eq!(links.len(), 3, "{}", once.stdout);
    assert!(links.iter().all(|l| l.ends_with(" 1")), "{links:?}");
}

#[test]
fn prometheus_scrapes_the_cluster_and_sees_a_killed_replica_down() {
    let cluster = TestCluster::start(3, 1);
    let exporter_port = free_port();
    let rcluster_bin = assert_cmd::cargo::cargo_bin("rcluster");
    let _exporter = Guard(
        Command::new(rcluster_bin)
            .args(["metrics", &cluster.seed(), "--listen"])
            .arg(format!("127.0.0.1:{exporter_port}"))
            .args(["--timeout", "1s", "--connect-timeout", "500ms"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    assert!(
        eventually(10, || http_get(exporter_port, "/metrics").is_some()),
        "the exporter did not answer"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: rcluster\n    static_configs:\n      - targets: ['127.0.0.1:{exporter_port}']\n"
        ),
    )
    .unwrap();
    let prometheus_port = free_port();
    let _prometheus = Guard(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prometheus_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus is not installed: run scripts/install-deps.sh"),
    );
    assert!(
        eventually(60, || query(prometheus_port, "redis_cluster_state")
            .as_deref()
            == Some("1")),
        "Prometheus never saw redis_cluster_state 1"
    );
    let replica = cluster
        .view()
        .loaded()
        .find(|n| !n.is_master())
        .map(|n| n.address.port)
        .unwrap();
    cluster.sandbox.signal(replica, libc::SIGKILL).unwrap();
    let series = format!("redis_up{{addr=\"127.0.0.1:{replica}\"}}");
    assert!(
        eventually(60, || query(prometheus_port, &series).as_deref()
            == Some("0")),
        "Prometheus never saw {series} 0"
    );
}
