//! Least privilege and credentials on real servers: every ACL rule in docs/security.md (read from the
//! document itself, so the page and the tests cannot drift) runs its group's commands, the other
//! groups' commands fail cleanly with the server's NOPERM words and leave no slot open, and no key is
//! lost; credentials files (`--auth-file`, the XDG default) are used, and refused when others can
//! read them.

use crate::common::{TestCluster, assert_same_keys, cached_server, rcluster, run};
use rcluster::sandbox::SandboxOptions;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// `(user, rule words)` for every `ACL SETUSER rcluster-...` line of docs/security.md.
fn documented_rules() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/security.md"))
        .expect("docs/security.md");
    doc.lines()
        .filter_map(|line| line.trim().strip_prefix("ACL SETUSER "))
        .map(|rule| {
            let mut words = rule.split_whitespace().map(String::from);
            let user = words.next().unwrap();
            (user, words.collect())
        })
        .collect()
}

fn password_of(user: &str) -> String {
    format!("pw-{user}-7f3a")
}

/// Creates every documented user on every node of `clusters` (the rules valid on this server).
fn add_users(clusters: &[&TestCluster], valkey: bool) {
    for (user, words) in documented_rules() {
        if user.ends_with("-valkey") && !valkey {
            continue;
        }
        let words: Vec<String> = words
            .into_iter()
            .map(|w| w.replace("PASSWORD", &password_of(&user)))
            .collect();
        for cluster in clusters {
            for node in &cluster.sandbox.nodes {
                let mut args = vec!["ACL", "SETUSER", user.as_str()];
                args.extend(words.iter().map(String::as_str));
                cluster.redis(node.port, &args);
            }
        }
    }
}

/// A credentials file for `user`, mode 0600.
fn auth_file(dir: &Path, user: &str) -> PathBuf {
    let path = dir.join(user);
    std::fs::write(
        &path,
        format!("user = {user}\npassword = {}\n", password_of(user)),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Runs `rcluster args... --auth-file FILE-of-user`.
fn as_user(files: &Path, user: &str, args: &[&str]) -> crate::common::Outcome {
    let file = auth_file(files, user);
    let mut all = args.to_vec();
    all.extend(["--auth-file", file.to_str().unwrap()]);
    run(&all)
}

#[track_caller]
fn allowed(outcome: &crate::common::Outcome, what: &str) {
    assert_eq!(
        outcome.code, 0,
        "{what}: {}\n{}",
        outcome.stdout, outcome.stderr
    );
}

/// Refused by the server: exit 2, the server's NOPERM words on stderr, no password anywhere.
#[track_caller]
fn denied(outcome: &crate::common::Outcome, what: &str) {
    assert_eq!(
        outcome.code, 2,
        "{what}: {}\n{}",
        outcome.stdout, outcome.stderr
    );
    assert!(
        outcome.stderr.contains("NOPERM") && outcome.stderr.contains("permissions to run"),
        "{what}: {}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("-7f3a"), "{}", outcome.stderr);
    assert!(!outcome.stdout.contains("-7f3a"), "{}", outcome.stdout);
}

/// The default user's password in the ACL tests, never given to rcluster's commands under test.
const DEFAULT_PASSWORD: &str = "default-pw-3301";

#[track_caller]
fn clean(cluster: &TestCluster) {
    let check = rcluster()
        .env("REDISCLI_AUTH", DEFAULT_PASSWORD)
        .args(["check", &cluster.seed()])
        .output()
        .unwrap();
    let check = crate::common::Outcome::from(check);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(!cluster.any_slot_open());
}

#[test]
fn each_documented_acl_rule_runs_its_group_and_no_other() {
    let files = tempfile::tempdir().unwrap();
    let files = files.path();
    // The default user has a password nobody gives rcluster: every connection rcluster makes, and
    // every MIGRATE it sends (AUTH2 user pass), must authenticate as the documented user.
    let locked = |options: SandboxOptions| {
        TestCluster::start_with(SandboxOptions {
            password: Some(DEFAULT_PASSWORD.into()),
            ..options
        })
    };
    let cluster = locked(SandboxOptions::default());
    let fresh = locked(SandboxOptions {
        masters: 5,
        no_cluster: true,
        ..Default::default()
    });
    let source = locked(SandboxOptions {
        masters: 1,
        standalone: true,
        ..Default::default()
    });
    add_users(&[&cluster, &fresh, &source], false);
    cluster.write_keys(400);
    for i in 0..50 {
        source.redis(source.port(0), &["SET", &format!("imported:{i}"), "v"]);
    }
    let seed = cluster.seed();
    let before = cluster.dump_all();
    let target = cluster.id(cluster.port(0));
    let fresh_address = |i: usize| fresh.sandbox.nodes[i].address().to_string();

    // Read only: the exporter and the live view see every node up.
    let metrics = as_user(files, "rcluster-read", &["metrics", &seed, "--once"]);
    allowed(&metrics, "read: metrics");
    assert_eq!(
        metrics.stdout.matches("redis_up{").count(),
        3,
        "{}",
        metrics.stdout
    );
    assert!(
        !metrics.stdout.contains("\"} 0\nredis_memory"),
        "{}",
        metrics.stdout
    );
    assert!(
        metrics.stdout.contains("redis_cluster_state 1"),
        "{}",
        metrics.stdout
    );
    let watch = as_user(files, "rcluster-read", &["watch", &seed, "--count", "1"]);
    allowed(&watch, "read: watch");
    assert!(
        watch.stdout.contains("cluster_state:ok | 3 nodes, 0 down"),
        "{}",
        watch.stdout
    );
    // doctor runs (exit 1: its findings), and says what this user could not audit.
    let doctor = as_user(files, "rcluster-read", &["doctor", &seed]);
    assert_eq!(doctor.code, 1, "{}{}", doctor.stdout, doctor.stderr);
    assert!(
        doctor.stdout.contains("settings not audited"),
        "{}",
        doctor.stdout
    );
    assert!(
        doctor.stdout.contains("this user cannot move slots"),
        "{}",
        doctor.stdout
    );
    for args in [
        vec!["check", seed.as_str()],
        vec!["info", seed.as_str()],
        vec![
            "reshard",
            &seed,
            "--from",
            "all",
            "--to",
            &target,
            "--slots",
            "10",
            "--dry-run",
        ],
        vec![
            "rebalance",
            &seed,
            "--weight",
            &format!("{target}=3"),
            "--dry-run",
        ],
    ] {
        allowed(
            &as_user(files, "rcluster-read", &args),
            &format!("read: {args:?}"),
        );
    }
    let moves = [
        "reshard", &seed, "--from", "all", "--to", &target, "--slots", "500", "--yes",
    ];
    denied(&as_user(files, "rcluster-read", &moves), "read: reshard");
    clean(&cluster);
    let join = ["add-node", &fresh_address(3), &seed];
    denied(&as_user(files, "rcluster-read", &join), "read: add-node");
    // set-timeout reports each node as redis-cli does: `ERR setting node-timeout for H:P: NOPERM ...`.
    let timeout = as_user(files, "rcluster-read", &["set-timeout", &seed, "3000"]);
    assert_eq!(timeout.code, 1, "{}{}", timeout.stdout, timeout.stderr);
    assert_eq!(
        timeout.stdout.matches("NOPERM").count(),
        3,
        "{}",
        timeout.stdout
    );

    // Moves.
    allowed(&as_user(files, "rcluster-move", &moves), "move: reshard");
    allowed(
        &as_user(
            files,
            "rcluster-move",
            &[
                "rebalance",
                &seed,
                "--weight",
                &format!("{target}=2"),
                "--yes",
            ],
        ),
        "move: rebalance",
    );
    cluster.open_slot(cluster.port(1), cluster.port(2));
    allowed(
        &as_user(files, "rcluster-move", &["fix", &seed, "--yes"]),
        "move: fix",
    );
    clean(&cluster);
    let source_file = auth_file(files, "rcluster-import-source");
    let _ = source_file;
    let imported = as_user(
        files,
        "rcluster-move",
        &[
            "import",
            &seed,
            "--from",
            &source.seed(),
            "--from-user",
            "rcluster-import-source",
            "--from-pass",
            &password_of("rcluster-import-source"),
        ],
    );
    allowed(&imported, "move: import");
    assert!(!imported.stderr.contains("-7f3a") && !imported.stdout.contains("-7f3a"));
    denied(&as_user(files, "rcluster-move", &join), "move: add-node");

    // Membership.
    let new_cluster = [
        "create",
        &fresh_address(0),
        &fresh_address(1),
        &fresh_address(2),
        "--yes",
    ];
    allowed(
        &as_user(files, "rcluster-member", &new_cluster),
        "member: create",
    );
    allowed(
        &as_user(files, "rcluster-member", &join),
        "member: add-node",
    );
    let replica = ["add-node", &fresh_address(4), &seed, "--replica"];
    allowed(
        &as_user(files, "rcluster-member", &replica),
        "member: add-node --replica",
    );
    let replica_port = fresh.sandbox.nodes[4].port;
    let empty_id = cluster.id(fresh.sandbox.nodes[3].port);
    assert!(
        crate::common::eventually(20, || {
            let redis::Value::BulkString(text) =
                cluster.redis(replica_port, &["INFO", "replication"])
            else {
                return false;
            };
            String::from_utf8_lossy(&text).contains("master_link_status:up")
        }),
        "the new replica never synced"
    );
    cluster.wait_replicas_synced();
    allowed(
        &as_user(
            files,
            "rcluster-member",
            &["failover", &fresh_address(4), "--wait", "30s"],
        ),
        "member: failover",
    );
    let promoted = cluster.id(replica_port);
    denied(
        &as_user(
            files,
            "rcluster-member",
            &[
                "reshard", &seed, "--from", "all", "--to", &promoted, "--slots", "10", "--yes",
            ],
        ),
        "member: reshard",
    );
    clean(&cluster);
    allowed(
        &as_user(files, "rcluster-member", &["del-node", &seed, &empty_id]),
        "member: del-node",
    );

    // The rest.
    allowed(
        &as_user(files, "rcluster-timeout", &["set-timeout", &seed, "3000"]),
        "timeout: set-timeout",
    );
    let backup = tempfile::tempdir().unwrap();
    allowed(
        &as_user(
            files,
            "rcluster-backup",
            &["backup", &seed, backup.path().to_str().unwrap()],
        ),
        "backup: backup",
    );
    // restore is a move: the mover's rule loads the backup into the cluster `create` made above.
    allowed(
        &as_user(
            files,
            "rcluster-move",
            &[
                "restore",
                backup.path().to_str().unwrap(),
                &fresh_address(0),
            ],
        ),
        "move: restore",
    );
    let restored = fresh.dump_all();

    clean(&cluster);
    let after = cluster.dump_all();
    let mut expected = before.clone();
    let imported_keys: Vec<_> = after
        .iter()
        .filter(|(k, _)| k.starts_with(b"imported:"))
        .cloned()
        .collect();
    assert_eq!(imported_keys.len(), 50);
    expected.extend(imported_keys);
    expected.sort();
    assert_same_keys(&expected, &after);
    assert_same_keys(&after, &restored);
}

#[test]
fn credentials_files_are_used_and_refused_when_others_can_read_them() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        password: Some("file-secret-9c1".into()),
        ..Default::default()
    });
    let seed = cluster.seed();
    let config = tempfile::tempdir().unwrap();
    let folder = config.path().join("rcluster");
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("auth");
    std::fs::write(&file, "# test\npassword = file-secret-9c1\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let with_default = |args: &[&str]| -> crate::common::Outcome {
        rcluster()
            .env("XDG_CONFIG_HOME", config.path())
            .args(args)
            .output()
            .unwrap()
            .into()
    };
    let checked = with_default(&["check", &seed]);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    let explicit = run(&["check", &seed, "--auth-file", file.to_str().unwrap()]);
    assert_eq!(explicit.code, 0, "{}", explicit.stderr);
    let both = run(&[
        "check",
        &seed,
        "--auth-file",
        file.to_str().unwrap(),
        "-a",
        "x",
    ]);
    assert_eq!(both.code, 2);
    assert!(both.stderr.contains("keep one"), "{}", both.stderr);

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    for refused in [
        with_default(&["check", &seed]),
        run(&["check", &seed, "--auth-file", file.to_str().unwrap()]),
    ] {
        assert_eq!(refused.code, 2, "{}", refused.stdout);
        assert_eq!(
            refused.stderr.trim().lines().count(),
            1,
            "{}",
            refused.stderr
        );
        assert!(refused.stderr.contains("chmod 600"), "{}", refused.stderr);
        assert!(
            !refused.stderr.contains("file-secret"),
            "{}",
            refused.stderr
        );
    }
    let missing = run(&["check", &seed, "--auth-file", "/nonexistent/auth"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("/nonexistent/auth"),
        "{}",
        missing.stderr
    );
}

#[test]
fn on_valkey_the_atomic_rule_moves_and_the_legacy_rule_is_refused_before_anything_moves() {
    let files = tempfile::tempdir().unwrap();
    let files = files.path();
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        server_bin: cached_server("valkey-server-9.1"),
        password: Some(DEFAULT_PASSWORD.into()),
        ..Default::default()
    });
    add_users(&[&cluster], true);
    cluster.write_keys(300);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(cluster.port(0));
    let moves = [
        "reshard", &seed, "--from", "all", "--to", &target, "--slots", "400", "--yes",
    ];
    let refused = as_user(files, "rcluster-move", &moves);
    denied(&refused, "legacy rule, atomic move");
    assert!(
        refused.stderr.contains("slotmigrations'") || refused.stderr.contains("migrateslots'"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("--migration legacy"),
        "{}",
        refused.stderr
    );
    clean(&cluster);
    let mut legacy = moves.to_vec();
    legacy.extend(["--migration", "legacy"]);
    allowed(
        &as_user(files, "rcluster-move", &legacy),
        "legacy rule, legacy move",
    );
    let atomic = as_user(files, "rcluster-move-valkey", &moves);
    allowed(&atomic, "valkey rule, atomic move");
    assert!(
        atomic.stdout.contains("atomic migration"),
        "{}",
        atomic.stdout
    );
    denied(
        &as_user(files, "rcluster-read", &moves),
        "read rule on valkey",
    );
    clean(&cluster);
    assert_same_keys(&before, &cluster.dump_all());
}

/// Every file under `dir`, with its path.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push((path.clone(), std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn a_password_appears_in_no_output_file_or_started_process() {
    // A quote, a backslash and a blank: the server must read it back exactly from its config file.
    const SECRET: &str = "s3cr\"et \\ word-4471";
    const NEEDLE: &str = "word-4471";
    const SOURCE_SECRET: &str = "source-pw-8812";
    let work = tempfile::tempdir().unwrap();
    let state = work.path().join("state");
    let port = rcluster::sandbox::pick_ports(None, 3).unwrap()[0];
    let seed = format!("127.0.0.1:{port}");
    let secret_run = |args: &[&str]| -> crate::common::Outcome {
        rcluster()
            .env("REDISCLI_AUTH", SECRET)
            .args(args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap()
            .into()
    };
    let mut outputs = Vec::new();
    let mut keep = |what: &str, outcome: crate::common::Outcome| {
        let expected = if what == "wrong password" { 2 } else { 0 };
        assert_eq!(
            outcome.code, expected,
            "{what}: {}{}",
            outcome.stdout, outcome.stderr
        );
        outputs.push((what.to_string(), outcome.stdout + &outcome.stderr));
    };
    let up = ["local", "up", "--masters", "3", "--port", &port.to_string()];
    let mut up = up.to_vec();
    up.extend(["--state-dir", state.to_str().unwrap()]);
    keep("local up", secret_run(&up));
    let status = secret_run(&[
        "local",
        "status",
        "--state-dir",
        state.to_str().unwrap(),
        "--json",
    ]);
    let pids: Vec<u64> = crate::common::json(&status.stdout)["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(pids.len(), 3);
    for pid in &pids {
        let arguments = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
        assert!(
            !contains(&arguments, NEEDLE),
            "a node's arguments show the password"
        );
    }
    let source = TestCluster::start_with(SandboxOptions {
        masters: 1,
        standalone: true,
        password: Some(SOURCE_SECRET.into()),
        ..Default::default()
    });
    for i in 0..30 {
        source.redis(source.port(0), &["SET", &format!("imported:{i}"), "v"]);
    }
    let target = String::from_utf8(
        std::process::Command::new("redis-cli")
            .env("REDISCLI_AUTH", SECRET)
            .args(["-p", &port.to_string(), "CLUSTER", "MYID"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let target = target.trim();
    assert_eq!(target.len(), 40, "MYID: {target}");
    let journal = work.path().join("journal.jsonl");
    let plan = work.path().join("plan.json");
    let backup = work.path().join("backup");
    std::fs::create_dir_all(&backup).unwrap();
    let moves = [
        "reshard", &seed, "--from", "all", "--to", target, "--slots", "300",
    ];
    let mut planned = moves.to_vec();
    planned.extend(["--dry-run", "--plan-out", plan.to_str().unwrap()]);
    keep("reshard --plan-out", secret_run(&planned));
    let mut moved = moves.to_vec();
    moved.extend(["--yes", "-v", "--json", "--events", "json"]);
    moved.extend(["--journal", journal.to_str().unwrap()]);
    keep("reshard", secret_run(&moved));
    let from = source.seed();
    keep(
        "import",
        secret_run(&[
            "import",
            &seed,
            "--from",
            &from,
            "--from-pass",
            SOURCE_SECRET,
            "-v",
        ]),
    );
    keep(
        "backup",
        secret_run(&["backup", &seed, backup.to_str().unwrap()]),
    );
    keep(
        "check --json",
        secret_run(&["check", &seed, "--json", "-v"]),
    );
    let wrong = run(&["check", &seed, "-a", "wrong-pw-5530", "--json"]);
    assert!(wrong.stdout.contains("WRONGPASS"), "{}", wrong.stdout);
    keep("wrong password", wrong);
    keep(
        "local down",
        secret_run(&["local", "down", "--state-dir", state.to_str().unwrap()]),
    );

    for (what, text) in &outputs {
        for needle in [NEEDLE, SOURCE_SECRET, "wrong-pw-5530"] {
            assert!(!text.contains(needle), "{what} shows a password:\n{text}");
        }
    }
    let mut written = files_under(work.path());
    assert!(written.iter().any(|(path, _)| path == &journal));
    assert!(written.iter().any(|(path, _)| path == &plan));
    assert!(
        written
            .iter()
            .filter(|(path, _)| path.starts_with(&backup))
            .count()
            >= 4
    );
    for (path, bytes) in written.drain(..) {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name == "node.conf" {
            // The server's own config holds requirepass, readable by its owner only.
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{}", path.display());
            continue;
        }
        for needle in [NEEDLE, SOURCE_SECRET] {
            assert!(
                !contains(&bytes, needle),
                "{} holds a password",
                path.display()
            );
        }
    }
}

#[test]
fn on_valkey_a_replication_user_without_the_migration_rule_is_named_before_anything_moves() {
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        server_bin: cached_server("valkey-server-9.1"),
        password: Some(DEFAULT_PASSWORD.into()),
        ..Default::default()
    });
    let files = tempfile::tempdir().unwrap();
    add_users(&[&cluster], true);
    let ports: Vec<u16> = cluster.sandbox.nodes.iter().map(|n| n.port).collect();
    let set_replication_rule = |rule: &[&str]| {
        for port in &ports {
            let mut args = vec!["ACL", "SETUSER", "repl", "reset", "on", ">repl-pw-1"];
            args.extend(rule);
            cluster.redis(*port, &args);
            cluster.redis(*port, &["CONFIG", "SET", "primaryuser", "repl"]);
            cluster.redis(*port, &["CONFIG", "SET", "primaryauth", "repl-pw-1"]);
        }
    };
    set_replication_rule(&["+psync", "+replconf", "+ping", "+select"]);
    cluster.write_keys(200);
    let before = cluster.dump_all();
    let seed = cluster.seed();
    let target = cluster.id(ports[0]);
    let moves = [
        "reshard", &seed, "--from", "all", "--to", &target, "--slots", "300", "--yes",
    ];
    let as_admin = |args: &[&str]| -> crate::common::Outcome {
        rcluster()
            .env("REDISCLI_AUTH", DEFAULT_PASSWORD)
            .args(args)
            .output()
            .unwrap()
            .into()
    };
    let refused = as_admin(&moves);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("replication user 'repl'")
            && refused.stderr.contains("cluster|syncslots")
            && refused.stderr.contains("--migration legacy"),
        "{}",
        refused.stderr
    );
    clean(&cluster);
    // doctor reports it as a warning (exit 1), with the rule that deals with it.
    let doctor = as_admin(&["doctor", &seed]);
    assert_eq!(doctor.code, 1, "{}{}", doctor.stdout, doctor.stderr);
    assert!(
        doctor.stdout.contains("replication user 'repl'")
            && doctor.stdout.contains("cluster|syncslots"),
        "{}",
        doctor.stdout
    );
    let documented = "+psync +replconf +ping +cluster|syncslots +select +@write ~*";
    set_replication_rule(&documented.split(' ').collect::<Vec<_>>());
    let doctor = as_admin(&["doctor", &seed, "--json"]);
    assert!(
        !doctor.stdout.contains("replication user"),
        "{}",
        doctor.stdout
    );
    let moved = as_admin(&moves);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert!(
        moved.stdout.contains("atomic migration"),
        "{}",
        moved.stdout
    );
    let unverified = as_user(
        files.path(),
        "rcluster-move-valkey",
        &[
            "reshard",
            &seed,
            "--from",
            "all",
            "--to",
            &cluster.id(ports[1]),
            "--slots",
            "100",
            "--yes",
        ],
    );
    allowed(&unverified, "valkey rule, replication user unverifiable");
    assert!(
        unverified
            .stderr
            .contains("cannot check that the replication user 'repl'"),
        "{}",
        unverified.stderr
    );
    clean(&cluster);
    assert_same_keys(&before, &cluster.dump_all());
}
