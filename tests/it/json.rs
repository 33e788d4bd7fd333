//! The JSON contract (docs/json.md) through the binary: every command with `--json` prints exactly one
//! document on stdout, with `schema`, `command`, `ok` and `error`, on success and on failure alike.
//! Documents are parsed back and their fields asserted, never compared as strings.

use crate::common::{TestCluster, run};
use serde_json::Value;

/// Parses stdout as exactly one JSON document.
fn document(stdout: &str) -> Value {
    let mut stream = serde_json::Deserializer::from_str(stdout).into_iter::<Value>();
    let first = stream
        .next()
        .unwrap_or_else(|| panic!("no JSON document on stdout: {stdout:?}"))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}"));
    assert!(stream.next().is_none(), "more than one document: {stdout}");
    first
}

fn assert_envelope(doc: &Value, command: &str, ok: bool) {
    assert_eq!(doc["schema"], 1, "{doc}");
    assert_eq!(doc["command"], command, "{doc}");
    assert_eq!(doc["ok"], ok, "{doc}");
    assert!(doc.get("error").is_some(), "no error field: {doc}");
}

/// A loopback port nothing listens on.
fn refused_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("127.0.0.1:{port}")
}

#[test]
fn every_command_fails_with_one_document() {
    let dead = refused_port();
    let id = "0123456789abcdef0123456789abcdef01234567";
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("b");
    let backup = backup.to_str().unwrap();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("check", vec!["check", &dead]),
        ("info", vec!["info", &dead]),
        ("doctor", vec!["doctor", &dead]),
        ("fix", vec!["fix", &dead, "--yes"]),
        (
            "reshard",
            vec![
                "reshard", &dead, "--to", id, "--from", "all", "--slots", "1", "--yes",
            ],
        ),
        ("rebalance", vec!["rebalance", &dead]),
        ("add-node", vec!["add-node", &dead, &dead]),
        ("del-node", vec!["del-node", &dead, id]),
        ("call", vec!["call", &dead, "PING"]),
        ("set-timeout", vec!["set-timeout", &dead, "5000"]),
        ("import", vec!["import", &dead, "--from", &dead]),
        ("backup", vec!["backup", &dead, backup]),
        ("setslot", vec!["setslot", &dead, "1", "stable"]),
        ("resume", vec!["resume", &dead]),
        ("create", vec!["create", &dead, "--yes"]),
    ];
    for (command, args) in cases {
        let mut args = args;
        args.push("--json");
        let out = run(&args);
        assert_ne!(out.code, 0, "{command}: {}", out.stdout);
        let doc = document(&out.stdout);
        assert_envelope(&doc, command, false);
        assert!(doc["error"]["message"].is_string(), "{command}: {doc}");
        assert!(doc["error"]["kind"].is_string(), "{command}: {doc}");
    }
}

#[test]
fn a_refused_port_is_a_connection_error_and_a_usage_error_is_usage() {
    let dead = refused_port();
    let out = run(&["check", &dead, "--json"]);
    assert_eq!(out.code, 2);
    let doc = document(&out.stdout);
    assert_eq!(doc["error"]["kind"], "connection", "{doc}");

    let usage = run(&["check", "--json"]);
    assert_eq!(usage.code, 2);
    let doc = document(&usage.stdout);
    assert_envelope(&doc, "check", false);
    assert_eq!(doc["error"]["kind"], "usage", "{doc}");

    let bad = run(&["check", "no-port-here", "--json"]);
    assert_eq!(bad.code, 2);
    assert_eq!(document(&bad.stdout)["error"]["kind"], "usage");
}

#[test]
fn commands_succeed_with_one_document() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(100);
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));

    let check = document(&run(&["check", &seed, "--json"]).stdout);
    assert_envelope(&check, "check", true);
    assert_eq!(check["info"]["total_keys"], 100);
    // redis-cli syntax gives the same document.
    let compat = document(&run(&["--cluster", "check", &seed, "--json"]).stdout);
    assert_eq!(compat["check"]["nodes"], check["check"]["nodes"]);
    assert_eq!(compat["info"], check["info"]);

    let info = document(&run(&["info", &seed, "--json"]).stdout);
    assert_envelope(&info, "info", true);
    assert_eq!(info["masters"].as_array().unwrap().len(), 3);

    // No replica: doctor warns, exit 1.
    let doctor = run(&["doctor", &seed, "--json"]);
    assert_envelope(&document(&doctor.stdout), "doctor", doctor.code == 0);

    for (command, args) in [
        ("call", vec!["call", &seed, "DBSIZE"]),
        ("set-timeout", vec!["set-timeout", &seed, "5000"]),
        ("fix", vec!["fix", &seed, "--dry-run"]),
        ("rebalance", vec!["rebalance", &seed, "--dry-run"]),
        (
            "reshard",
            vec![
                "reshard",
                &seed,
                "--to",
                &target,
                "--from",
                "all",
                "--slots",
                "10",
                "--dry-run",
            ],
        ),
    ] {
        let mut args = args;
        args.push("--json");
        let out = run(&args);
        let doc = document(&out.stdout);
        assert_envelope(&doc, command, out.code == 0);
    }

    let folder = tempfile::tempdir().unwrap();
    // A folder that does not exist yet is made (owner-only).
    let inside = folder.path().join("new");
    let saved = run(&["backup", &seed, inside.to_str().unwrap(), "--json"]);
    let doc = document(&saved.stdout);
    assert_envelope(&doc, "backup", true);
    assert_eq!(doc["files"].as_array().unwrap().len(), 3, "{doc}");
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(&inside).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);

    let moved = run(&[
        "reshard", &seed, "--to", &target, "--from", "all", "--slots", "10", "--yes", "--json",
    ]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    let doc = document(&moved.stdout);
    assert_envelope(&doc, "reshard", true);
    assert_eq!(doc["summary"]["slot_count"], 10);
    assert!(doc["error"].is_null());
}

#[test]
fn events_json_are_ndjson_on_stderr() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(50);
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let out = run(&[
        "reshard", &seed, "--to", &target, "--from", "all", "--slots", "5", "--yes", "--json",
        "--events", "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    document(&out.stdout);
    let events: Vec<Value> = out
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not NDJSON ({e}): {l}")))
        .collect();
    let moved = events.iter().filter(|e| e["event"] == "slot_moved").count();
    assert_eq!(moved, 5, "{}", out.stderr);
}
