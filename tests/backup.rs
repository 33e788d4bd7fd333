//! `backup` against real servers: one RDB per master and nodes.json; each RDB, loaded into a fresh
//! standalone server, holds exactly the keys its master held; redis-cli syntax prints redis-cli's lines.

mod common;

use common::{TestCluster, run};
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
    let missing = run(&["backup", &seed, "/nonexistent/folder"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
}
