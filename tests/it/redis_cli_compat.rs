//! redis-cli syntax against the reference: the same scenarios run through `redis-cli --cluster` and
//! `rcluster --cluster`, comparing exit codes and the signal lines scripts grep; stderr stays empty.
//! Also the argument errors and their exit codes.

use crate::common::{TestCluster, owner_port, redis_cli, run, signal_lines};

/// Runs `args` with redis-cli and rcluster: the same exit code and the same stdout (ids and ports
/// normalised by `cluster` when given). Returns (redis-cli's, rcluster's).
fn compare(
    cluster: Option<&TestCluster>,
    args: &[&str],
) -> (crate::common::Outcome, crate::common::Outcome) {
    let reference = redis_cli(args);
    let ours = run(args);
    assert_eq!(
        ours.code, reference.code,
        "{args:?}: exit codes differ\nredis-cli:\n{}\nrcluster:\n{}{}",
        reference.stdout, ours.stdout, ours.stderr
    );
    let normalize = |text: &str| cluster.map_or(text.to_string(), |c| c.normalize(text));
    assert_eq!(
        normalize(&ours.stdout),
        normalize(&reference.stdout),
        "{args:?}: stdout differs from redis-cli"
    );
    (reference, ours)
}

/// Runs `--cluster check` with both tools and compares exit code, signal lines and stdout.
fn compare_check(
    cluster: &TestCluster,
    extra: &[&str],
) -> (crate::common::Outcome, crate::common::Outcome) {
    let port = cluster.port(0).to_string();
    let mut args = vec!["--cluster", "check", "127.0.0.1", port.as_str()];
    args.extend_from_slice(extra);
    let (reference, ours) = compare(Some(cluster), &args);
    assert_eq!(
        signal_lines(&ours.stdout),
        signal_lines(&reference.stdout),
        "signal lines differ"
    );
    (reference, ours)
}

/// A replica of `cluster`, as the seed sees it.
fn a_replica(cluster: &TestCluster) -> rcluster::topology::NodeView {
    let view = cluster.view();
    view.nodes
        .into_iter()
        .find(|n| n.myself().flags.replica)
        .expect("a replica")
}

#[test]
fn healthy_open_and_uncovered_match_redis_cli() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_keys(200);
    let (_, ours) = compare_check(&cluster, &[]);
    assert!(
        ours.stderr.is_empty(),
        "stderr must stay empty in redis-cli syntax: {}",
        ours.stderr
    );
    compare_check(&cluster, &["--cluster-search-multiple-owners"]);

    let info_ref = redis_cli(&["--cluster", "info", &cluster.seed()]);
    let info = run(&["--cluster", "info", &cluster.seed()]);
    assert_eq!(
        (info.code, cluster.normalize(&info.stdout)),
        (info_ref.code, cluster.normalize(&info_ref.stdout))
    );
    assert!(info.stderr.is_empty());

    let (source, target) = (cluster.port(0), cluster.port(1));
    let (source_id, target_id) = (cluster.id(source), cluster.id(target));
    cluster.redis(
        target,
        &["CLUSTER", "SETSLOT", "7", "IMPORTING", &source_id],
    );
    cluster.redis(
        source,
        &["CLUSTER", "SETSLOT", "7", "MIGRATING", &target_id],
    );
    let (_, ours) = compare_check(&cluster, &[]);
    assert_eq!(ours.code, 1);
    assert!(ours.stderr.is_empty(), "{}", ours.stderr);
    cluster.redis(target, &["CLUSTER", "SETSLOT", "7", "STABLE"]);
    cluster.redis(source, &["CLUSTER", "SETSLOT", "7", "STABLE"]);

    cluster.redis(source, &["CLUSTER", "DELSLOTS", "20", "21"]);
    let (_, ours) = compare_check(&cluster, &[]);
    assert_eq!(ours.code, 1);
    assert!(
        ours.stdout
            .contains("[ERR] Not all 16384 slots are covered by nodes.")
    );
}

#[test]
fn options_anywhere_and_password_handling() {
    let cluster = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 3,
        password: Some("s3cret-pw".into()),
        ..Default::default()
    });
    let seed = cluster.seed();
    for args in [
        vec![
            "-a",
            "s3cret-pw",
            "--no-auth-warning",
            "--cluster",
            "check",
            seed.as_str(),
        ],
        vec![
            "--cluster",
            "check",
            seed.as_str(),
            "-a",
            "s3cret-pw",
            "--no-auth-warning",
        ],
        vec![
            "--cluster-yes",
            "--no-auth-warning",
            "--cluster",
            "info",
            seed.as_str(),
            "--pass",
            "s3cret-pw",
        ],
    ] {
        let outcome = run(&args);
        assert_eq!(
            outcome.code, 0,
            "{args:?}: {}{}",
            outcome.stdout, outcome.stderr
        );
        assert!(outcome.stderr.is_empty(), "{args:?}: {}", outcome.stderr);
    }
    let warned = run(&["-a", "s3cret-pw", "--cluster", "check", &seed]);
    assert_eq!(warned.code, 0);
    assert!(
        warned.stderr.starts_with("Warning: Using a password"),
        "{}",
        warned.stderr
    );

    let wrong = run(&["check", &seed, "-a", "not-the-password"]);
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("authentication"), "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("WRONGPASS"),
        "the server's words: {}",
        wrong.stderr
    );
    let lines: Vec<&str> = wrong.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "the -a warning, then one error line: {}",
        wrong.stderr
    );
    assert!(
        lines[0].starts_with("Warning: Using a password"),
        "{}",
        wrong.stderr
    );
    let missing = run(&["check", &seed]);
    assert_eq!(missing.code, 2, "{}", missing.stdout);
    for outcome in [&wrong, &missing, &warned] {
        assert!(!outcome.stdout.contains("s3cret") && !outcome.stderr.contains("s3cret"));
        assert!(!outcome.stderr.contains("not-the-password"));
    }
    let from_env = crate::common::rcluster()
        .env("REDISCLI_AUTH", "s3cret-pw")
        .args(["info", &seed])
        .output()
        .unwrap();
    assert!(from_env.status.success());
}

#[test]
fn argument_errors_match_redis_cli_exit_codes() {
    for args in [
        vec!["--cluster", "check"],
        vec!["--cluster", "bogus", "127.0.0.1:1"],
        vec!["--cluster", "check", "127.0.0.1:1", "--bogus-option"],
        vec!["--cluster", "check", "nonsense"],
        vec!["--cluster", "help"],
    ] {
        let reference = redis_cli(&args);
        let ours = run(&args);
        assert_eq!(ours.code, reference.code, "{args:?}: {}", ours.stderr);
        assert_eq!(
            ours.stdout.is_empty(),
            reference.stdout.is_empty(),
            "{args:?}"
        );
        assert_eq!(
            ours.stderr.is_empty(),
            reference.stderr.is_empty(),
            "{args:?}: {}",
            ours.stderr
        );
    }
    let help = run(&["--cluster", "help"]);
    assert_eq!(help.stdout, redis_cli(&["--cluster", "help"]).stdout);
}

#[test]
fn a_dead_replica_is_named_on_stderr_as_redis_cli_does() {
    let cluster = TestCluster::start(3, 1);
    cluster.write_keys(100);
    let replica = a_replica(&cluster).address.port;
    cluster.sandbox.signal(replica, libc::SIGKILL).unwrap();
    // The signal is delivered before the process is gone: until its port refuses, a connection
    // can still be accepted and then reset, which redis-cli reports differently.
    assert!(
        crate::common::eventually(10, || std::net::TcpStream::connect(("127.0.0.1", replica))
            .is_err()),
        "the killed replica's port still accepts"
    );
    let expected =
        format!("Could not connect to Redis at 127.0.0.1:{replica}: Connection refused\n");
    let compare = |when: &str| {
        let (reference, ours) = compare_check(&cluster, &[]);
        assert_eq!(reference.stderr, expected, "{when}: redis-cli's own line");
        assert_eq!(
            ours.stderr, reference.stderr,
            "{when}: stderr as redis-cli's"
        );
    };
    compare("just killed");
    // Once the seed flags it `fail`, redis-cli still tries it, and says so.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let flagged = || {
        let text = match cluster.redis(cluster.port(0), &["CLUSTER", "NODES"]) {
            redis::Value::BulkString(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            redis::Value::VerbatimString { text, .. } => text,
            other => panic!("CLUSTER NODES: {other:?}"),
        };
        text.lines()
            .any(|l| l.contains(&format!(":{replica}@")) && l.contains(" slave,fail "))
    };
    while !flagged() {
        assert!(std::time::Instant::now() < deadline, "never flagged fail");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    compare("flagged fail");
}

#[test]
fn rebalance_weights_are_looked_up_as_redis_cli_does() {
    let cluster = TestCluster::start(3, 1);
    let replica = a_replica(&cluster).id().to_string();
    let seed = cluster.seed();
    for weight in [format!("{}=5", &replica[..10]), "zzzzzz=1".to_string()] {
        let args = ["--cluster", "rebalance", &seed, "--cluster-weight", &weight];
        let (reference, ours) = compare(Some(&cluster), &args);
        assert_eq!(ours.stderr, reference.stderr, "{weight}");
    }
}

/// Runs `args` with both tools: the same exit code and stdout; rcluster's advice may follow on stderr.
fn same_as_redis_cli(args: &[&str]) -> crate::common::Outcome {
    compare(None, args).1
}

#[test]
fn refusals_are_worded_and_placed_as_redis_cli_does() {
    let plain = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 1,
        standalone: true,
        ..Default::default()
    });
    let standalone = plain.seed();
    same_as_redis_cli(&["--cluster", "info", &standalone]);
    same_as_redis_cli(&["--cluster", "check", &standalone]);

    let guarded = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 3,
        password: Some("s3cret-pw".into()),
        ..Default::default()
    });
    let seed = guarded.seed();
    let noauth = same_as_redis_cli(&["--cluster", "info", &seed]);
    assert!(
        noauth.stdout.contains("NOAUTH Authentication required."),
        "{}",
        noauth.stdout
    );
    let wrong = same_as_redis_cli(&[
        "-a",
        "nope",
        "--no-auth-warning",
        "--cluster",
        "check",
        &seed,
    ]);
    assert!(
        wrong.stdout.contains("replied with error:\nWRONGPASS"),
        "{}",
        wrong.stdout
    );
    assert!(!wrong.stderr.contains("nope") && !wrong.stdout.contains("nope"));

    let other = guarded.id(guarded.port(1));
    let unknown = [
        "-a",
        "s3cret-pw",
        "--no-auth-warning",
        "--cluster",
        "reshard",
        &seed,
        "--cluster-from",
        &other,
        "--cluster-to",
        "0123456789abcdef",
        "--cluster-slots",
        "1",
        "--cluster-yes",
    ];
    let reference = redis_cli(&unknown);
    let ours = run(&unknown);
    assert_eq!(ours.code, reference.code);
    let last = |text: &str| text.lines().last().unwrap_or_default().to_string();
    assert_eq!(last(&ours.stdout), last(&reference.stdout));
}

#[test]
fn cluster_alone_prints_the_cluster_usage_on_stderr_and_help_on_stdout() {
    let help = crate::common::redis_cli(&["--cluster", "help"]);
    let ours = run(&["--cluster", "help"]);
    assert_eq!(ours.code, help.code);
    assert_eq!(ours.stdout, help.stdout);
    let alone = run(&["--cluster"]);
    let theirs = crate::common::redis_cli(&["--cluster"]);
    assert_eq!(alone.code, theirs.code, "{}", theirs.stderr);
    assert!(alone.stdout.is_empty() && theirs.stdout.is_empty());
    assert_eq!(alone.stderr.trim_end(), help.stdout.trim_end());
}

/// Opens slot 0 on two identical clusters in the same way, then `--cluster fix` with redis-cli on
/// one and rcluster on the other: the same exit code, the same stdout once ids and ports are
/// normalised, and nothing on stderr (as redis-cli).
fn compare_fix(clusters: &[TestCluster; 2], open: &dyn Fn(&TestCluster)) {
    for cluster in clusters {
        open(cluster);
    }
    let fix = |cluster: &TestCluster, tool: fn(&[&str]) -> crate::common::Outcome| {
        let outcome = tool(&["--cluster", "fix", &cluster.seed()]);
        (outcome.code, cluster.normalize(&outcome.stdout), outcome)
    };
    let (reference_code, reference, _) = fix(&clusters[0], redis_cli);
    let (code, ours, outcome) = fix(&clusters[1], run);
    assert_eq!(
        code, reference_code,
        "redis-cli:\n{reference}\nrcluster:\n{ours}"
    );
    assert_eq!(ours, reference, "stderr: {}", outcome.stderr);
    assert!(outcome.stderr.is_empty(), "{}", outcome.stderr);
    for cluster in clusters {
        assert!(!cluster.any_slot_open());
    }
}

#[test]
fn fix_repairs_open_slots_with_redis_cli_lines_in_redis_cli_order() {
    let clusters = [TestCluster::start(3, 0), TestCluster::start(3, 0)];
    for cluster in &clusters {
        for i in 0..25 {
            // "{06S}" hashes to slot 0, owned by the first master.
            let key = format!("{{06S}}:{i}");
            cluster.on_owner(key.as_bytes(), &[b"SET", key.as_bytes(), b"v"]);
        }
    }
    let ids = |cluster: &TestCluster| {
        let (owner, other) = (cluster.port(0), cluster.port(1));
        (owner, other, cluster.id(owner), cluster.id(other))
    };
    // Case 1: migrating on the owner (with its keys), importing on another master.
    compare_fix(&clusters, &|cluster| {
        let (owner, other, owner_id, other_id) = ids(cluster);
        cluster.redis(other, &["CLUSTER", "SETSLOT", "0", "IMPORTING", &owner_id]);
        cluster.redis(owner, &["CLUSTER", "SETSLOT", "0", "MIGRATING", &other_id]);
    });
    // Case 4: migrating on the owner, importing nowhere (the keys are now on port(1)).
    compare_fix(&clusters, &|cluster| {
        let (_, now_owner, _, _) = ids(cluster);
        let elsewhere = cluster.id(cluster.port(2));
        cluster.redis(
            now_owner,
            &["CLUSTER", "SETSLOT", "0", "MIGRATING", &elsewhere],
        );
    });
    // Case 2: importing on a master without keys, migrating nowhere.
    compare_fix(&clusters, &|cluster| {
        let owner_id = cluster.id(cluster.port(1));
        cluster.redis(
            cluster.port(2),
            &["CLUSTER", "SETSLOT", "0", "IMPORTING", &owner_id],
        );
    });
}

/// The same lines, or the first that differs (whole outputs can be thousands of lines).
#[track_caller]
fn assert_same_lines(reference: &str, ours: &str) {
    let (theirs, mine): (Vec<&str>, Vec<&str>) =
        (reference.lines().collect(), ours.lines().collect());
    if let Some(at) = (0..theirs.len().max(mine.len())).find(|&i| theirs.get(i) != mine.get(i)) {
        panic!(
            "line {at} differs:\nredis-cli: {:?}\nrcluster:  {:?}\n({} and {} lines)",
            theirs.get(at),
            mine.get(at),
            theirs.len(),
            mine.len()
        );
    }
}

/// `args` with both tools: the same exit code, stdout and stderr, byte for byte.
#[track_caller]
fn assert_byte_for_byte(args: &[&str]) {
    let (reference, ours) = (redis_cli(args), run(args));
    assert_eq!(
        (ours.code, &ours.stdout, &ours.stderr),
        (reference.code, &reference.stdout, &reference.stderr),
        "{args:?}"
    );
}

/// A loopback port nothing listens on.
fn refused_address() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

#[test]
fn every_subcommand_against_a_refused_port_matches_redis_cli() {
    let dead = refused_address();
    let other = refused_address();
    let id = "0123456789012345678901234567890123456789";
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap();
    let matrix: Vec<Vec<&str>> = vec![
        vec!["create", &dead, &other, &other],
        vec!["check", &dead],
        vec!["info", &dead],
        vec!["fix", &dead],
        vec!["reshard", &dead],
        vec!["rebalance", &dead],
        vec!["add-node", &other, &dead],
        vec!["del-node", &dead, id],
        vec!["call", &dead, "PING"],
        vec!["set-timeout", &dead, "3000"],
        vec!["set-timeout", &dead, "abc"],
        vec!["import", &dead, "--cluster-from", &other],
        vec!["backup", &dead, dir],
    ];
    for case in matrix {
        let mut args = vec!["--cluster"];
        args.extend(case);
        assert_byte_for_byte(&args);
    }
}

#[test]
fn call_and_set_timeout_answer_in_redis_cli_node_order() {
    let cluster = TestCluster::start(3, 1);
    let seed = cluster.seed();
    for args in [
        vec!["--cluster", "call", seed.as_str(), "ROLE"],
        vec!["--cluster", "set-timeout", seed.as_str(), "3000"],
    ] {
        // No sorting of node blocks here: the order is the point.
        assert_byte_for_byte(&args);
    }
}

#[test]
fn too_many_slots_and_a_node_of_another_cluster_match_redis_cli() {
    let clusters = [TestCluster::start(3, 0), TestCluster::start(3, 0)];
    let outputs: Vec<(i32, String)> = clusters
        .iter()
        .zip([redis_cli as fn(&[&str]) -> crate::common::Outcome, run])
        .map(|(cluster, tool)| {
            let (from, to) = (cluster.id(cluster.port(1)), cluster.id(cluster.port(0)));
            let out = tool(&[
                "--cluster",
                "reshard",
                &cluster.seed(),
                "--cluster-from",
                &from,
                "--cluster-to",
                &to,
                "--cluster-slots",
                "9000",
                "--cluster-yes",
            ]);
            (out.code, cluster.normalize(&out.stdout))
        })
        .collect();
    assert_eq!(outputs[0].0, 0, "redis-cli moves all the source owns");
    assert_eq!(outputs[1].0, outputs[0].0);
    assert_same_lines(&outputs[0].1, &outputs[1].1);
    // A node that belongs to another cluster is not empty: redis-cli's words on stdout.
    let stranger = clusters[1].sandbox.nodes[2].address().to_string();
    let args = ["--cluster", "add-node", &stranger, &clusters[0].seed()];
    let (reference, ours) = (redis_cli(&args), run(&args));
    assert_eq!(
        (ours.code, &ours.stdout),
        (reference.code, &reference.stdout)
    );
}

#[test]
fn import_prints_one_line_per_key_with_its_real_owner_as_redis_cli_does() {
    let clusters = [TestCluster::start(3, 0), TestCluster::start(3, 0)];
    let sources = [0, 1].map(|_| {
        TestCluster::start_with(rcluster::sandbox::SandboxOptions {
            masters: 1,
            standalone: true,
            ..Default::default()
        })
    });
    let outputs: Vec<(i32, Vec<String>)> = clusters
        .iter()
        .zip(&sources)
        .zip([redis_cli as fn(&[&str]) -> crate::common::Outcome, run])
        .map(|((cluster, source), tool)| {
            for i in 0..60 {
                source.redis(source.port(0), &["SET", &format!("key:{i}"), "v"]);
            }
            let from = source.seed();
            let out = tool(&[
                "--cluster",
                "import",
                &cluster.seed(),
                "--cluster-from",
                &from,
            ]);
            let text = cluster
                .normalize(&out.stdout)
                .replace(&from, "127.0.0.1:<source>");
            // SCAN order is the servers' own: compare the lines as a set.
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines.sort();
            (out.code, lines)
        })
        .collect();
    assert_eq!(outputs[0].0, 0);
    assert_eq!(outputs[1], outputs[0]);
    let moved = outputs[1]
        .1
        .iter()
        .filter(|l| l.starts_with("Migrating key:"))
        .count();
    assert_eq!(moved, 60);
}

/// Runs `redis-cli args...` from Redis 8.6 (`redis-cli-8.6` in the server cache) with colours off.
fn redis_cli_8_6(args: &[&str]) -> crate::common::Outcome {
    std::process::Command::new(crate::common::cached_server("redis-cli-8.6"))
        .args(args)
        .env("TERM", "dumb")
        .output()
        .expect("redis-cli-8.6 runs")
        .into()
}

/// On a Redis 8.6 cluster, `--cluster check` and `info` (healthy, with an open slot, with
/// uncovered slots) give redis-cli 8.6's exit codes and stdout, line for line; redis-cli 7.0 prints
/// the same there (docs/compat.md, "Redis 8.6").
#[test]
fn check_and_info_match_redis_cli_8_6_on_redis_8_6() {
    let cluster = TestCluster::start_with(rcluster::sandbox::SandboxOptions {
        masters: 3,
        replicas: 1,
        server_bin: crate::common::cached_server("redis-server-8.6"),
        ..Default::default()
    });
    cluster.write_keys(200);
    let seed = cluster.seed();
    let same = |args: &[&str]| {
        let reference = redis_cli_8_6(args);
        let seven = redis_cli(args);
        let ours = run(args);
        assert_eq!(
            (ours.code, cluster.normalize(&ours.stdout)),
            (reference.code, cluster.normalize(&reference.stdout)),
            "{args:?}: rcluster and redis-cli 8.6 differ"
        );
        assert_eq!(
            cluster.normalize(&seven.stdout),
            cluster.normalize(&reference.stdout),
            "{args:?}: redis-cli 7.0 and 8.6 differ: list it in docs/compat.md"
        );
        assert!(ours.stderr.is_empty(), "{}", ours.stderr);
        ours
    };
    same(&["--cluster", "check", &seed]);
    same(&["--cluster", "info", &seed]);
    let (source, target) = (cluster.port(0), cluster.port(1));
    let (source_id, target_id) = (cluster.id(source), cluster.id(target));
    cluster.redis(
        target,
        &["CLUSTER", "SETSLOT", "7", "IMPORTING", &source_id],
    );
    cluster.redis(
        source,
        &["CLUSTER", "SETSLOT", "7", "MIGRATING", &target_id],
    );
    assert_eq!(same(&["--cluster", "check", &seed]).code, 1);
    cluster.redis(target, &["CLUSTER", "SETSLOT", "7", "STABLE"]);
    cluster.redis(source, &["CLUSTER", "SETSLOT", "7", "STABLE"]);
    cluster.redis(source, &["CLUSTER", "DELSLOTS", "20", "21"]);
    let uncovered = same(&["--cluster", "check", &seed]);
    assert!(
        uncovered
            .stdout
            .contains("[ERR] Not all 16384 slots are covered by nodes.")
    );
}

/// The `Moving N slots from A to B` lines of a rebalance.
fn moving_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("Moving "))
        .map(str::to_string)
        .collect()
}

#[test]
fn rebalance_simulate_moves_what_redis_cli_7_and_8_move() {
    // The issue 28 shape: 7994 / 4393 / 3997 slots, where a truncated share leaves one slot over.
    let cluster = TestCluster::start(3, 0);
    let seed = cluster.seed();
    let (a, b, c) = (
        cluster.id(cluster.port(0)),
        cluster.id(cluster.port(1)),
        cluster.id(cluster.port(2)),
    );
    let owned = |id: &str| {
        let view = cluster.view();
        view.node_by_id(id).unwrap().myself().slots.len()
    };
    // 4393 on b and 3997 on c, whichever master started with the odd 5462nd slot.
    let counts = [(&b, owned(&b) - 4393), (&c, owned(&c) - 3997)];
    for (from, count) in counts {
        let count = count.to_string();
        let moved = run(&[
            "reshard", &seed, "--from", from, "--to", &a, "--slots", &count, "--yes",
        ]);
        assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    }
    let args = ["--cluster", "rebalance", &seed, "--cluster-simulate"];
    let (reference, ours) = compare(Some(&cluster), &args);
    assert!(ours.stderr.is_empty(), "{}", ours.stderr);
    let moves = moving_lines(&ours.stdout);
    assert_eq!(moves.len(), 2, "{}", ours.stdout);
    assert_eq!(moves, moving_lines(&reference.stdout));
    // Which master starts with the odd 5462nd slot varies, so the shares are 1464 + 1069 or
    // 1465 + 1068: what matters is that both redis-cli versions move exactly what rcluster moves.
    let newer = redis_cli_8_6(&args);
    assert_eq!(newer.code, ours.code, "{}{}", newer.stdout, newer.stderr);
    assert_eq!(moving_lines(&newer.stdout), moves);

    // Natively: no `#` per slot before anything moves, and the JSON plan holds ranges, not slots.
    let native = run(&["rebalance", &seed, "--dry-run"]);
    assert_eq!(native.code, 0, "{}{}", native.stdout, native.stderr);
    assert!(!native.stdout.contains('#'), "{}", native.stdout);
    let plan = crate::common::json(&run(&["rebalance", &seed, "--dry-run", "--json"]).stdout);
    let ranges = plan["ranges"].as_array().expect("ranges");
    assert_eq!(ranges.len(), 2, "{plan}");
    let counted: u64 = ranges
        .iter()
        .map(|r| r["slot_count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 1464 + 1068, "natively the exact shares: {plan}");
    assert_eq!(ranges[0]["first"], 0);
    assert_eq!(ranges[0]["last"], 1463);
    assert!(plan.get("moves").is_none());
}

#[test]
fn call_with_a_node_down_says_so_on_stderr_and_exits_0_as_redis_cli_does() {
    let cluster = TestCluster::start(3, 1);
    let replica = a_replica(&cluster).address.port;
    cluster.sandbox.signal(replica, libc::SIGKILL).unwrap();
    assert!(
        crate::common::eventually(10, || std::net::TcpStream::connect(("127.0.0.1", replica))
            .is_err()),
        "the killed replica's port still accepts"
    );
    let seed = cluster.seed();
    let (reference, ours) = compare(Some(&cluster), &["--cluster", "call", &seed, "PING"]);
    assert_eq!(ours.code, 0);
    assert_eq!(
        reference.stderr,
        format!("Could not connect to Redis at 127.0.0.1:{replica}: Connection refused\n")
    );
    assert_eq!(ours.stderr, reference.stderr);
    // Natively the node that could not be asked is a failure.
    let native = run(&["call", &seed, "PING"]);
    assert_eq!(native.code, 1, "{}{}", native.stdout, native.stderr);
    assert!(
        native.stdout.contains(&format!(":{replica}: Failed!")),
        "{}",
        native.stdout
    );
}

/// An interrupted move with keys on both sides (slot 0: 15 keys left on its owner, which migrates
/// it; 10 already on the importing master). redis-cli 7.0 and 8.6 choose the owner by key count
/// and move the 10 keys back ("Case 2"); rcluster completes the move under way, with redis-cli's
/// lines for what it does and its reason on stderr (docs/compat.md).
#[test]
fn fix_of_an_open_slot_with_keys_on_both_sides_prints_redis_clis_lines_and_the_reason() {
    let clusters = [
        TestCluster::start(3, 0),
        TestCluster::start(3, 0),
        TestCluster::start(3, 0),
    ];
    for cluster in &clusters {
        let (owner, other) = (cluster.port(0), cluster.port(1));
        let keys: Vec<String> = (0..25).map(|i| format!("{{06S}}:{i}")).collect();
        for key in &keys {
            cluster.on_owner(key.as_bytes(), &[b"SET", key.as_bytes(), b"v"]);
        }
        let (owner_id, other_id) = (cluster.id(owner), cluster.id(other));
        cluster.redis(other, &["CLUSTER", "SETSLOT", "0", "IMPORTING", &owner_id]);
        cluster.redis(owner, &["CLUSTER", "SETSLOT", "0", "MIGRATING", &other_id]);
        let port = other.to_string();
        let mut migrate = vec!["MIGRATE", "127.0.0.1", &port, "", "0", "5000", "KEYS"];
        migrate.extend(keys[..10].iter().map(String::as_str));
        cluster.redis(owner, &migrate);
    }
    let fix = |cluster: &TestCluster, tool: fn(&[&str]) -> crate::common::Outcome| {
        let outcome = tool(&["--cluster", "fix", &cluster.seed()]);
        let stdout = cluster.normalize(&outcome.stdout);
        (outcome, stdout)
    };
    let (seven, seven_out) = fix(&clusters[0], redis_cli);
    let (eight, eight_out) = fix(&clusters[1], redis_cli_8_6);
    let (ours, ours_out) = fix(&clusters[2], run);
    let open_slot_lines = |text: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| !l.starts_with(">>> Fixing open slot"))
            .take_while(|l| !l.starts_with(">>> Check") && !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (seven_lines, eight_lines, our_lines) = (
        open_slot_lines(&seven_out),
        open_slot_lines(&eight_out),
        open_slot_lines(&ours_out),
    );
    assert_eq!(seven_lines, eight_lines, "redis-cli 7.0 and 8.6 agree");
    let expected_theirs = [
        ">>> Fixing open slot 0",
        "*** Found keys about slot 0 in non-owner node 127.0.0.1:<port1>!",
        "Set as migrating in: 127.0.0.1:<port0>",
        "Set as importing in: 127.0.0.1:<port1>",
        ">>> No single clear owner for the slot, selecting an owner by # of keys...",
        "*** Configuring 127.0.0.1:<port0> as the slot owner",
        ">>> Case 2: Moving all the 0 slot keys to its owner 127.0.0.1:<port0>",
        "Moving slot 0 from 127.0.0.1:<port1> to 127.0.0.1:<port0>: ..........",
        ">>> Setting 0 as STABLE in 127.0.0.1:<port1>",
    ];
    assert_eq!(seven_lines, expected_theirs, "{seven_out}");
    // The same lines for what rcluster does: the importing master becomes the owner, and the 15
    // keys left on the migrating one move to it.
    let expected_ours = [
        ">>> Fixing open slot 0",
        "*** Found keys about slot 0 in non-owner node 127.0.0.1:<port1>!",
        "Set as migrating in: 127.0.0.1:<port0>",
        "Set as importing in: 127.0.0.1:<port1>",
        ">>> No single clear owner for the slot, selecting an owner by # of keys...",
        "*** Configuring 127.0.0.1:<port1> as the slot owner",
        ">>> Case 2: Moving all the 0 slot keys to its owner 127.0.0.1:<port1>",
        "Moving slot 0 from 127.0.0.1:<port0> to 127.0.0.1:<port1>: ...............",
        ">>> Setting 0 as STABLE in 127.0.0.1:<port0>",
    ];
    assert_eq!(
        our_lines, expected_ours,
        "{ours_out}\nstderr: {}",
        ours.stderr
    );
    assert_eq!((ours.code, seven.code, eight.code), (0, 0, 0));
    assert!(seven.stderr.is_empty() && eight.stderr.is_empty());
    let reason = clusters[2].normalize(&ours.stderr);
    assert!(
        reason.contains("slot 0")
            && reason.contains("completing that move")
            && reason.contains("redis-cli"),
        "the reason for the other owner is on stderr: {reason}"
    );
    for (cluster, owner) in [(&clusters[0], 0), (&clusters[1], 0), (&clusters[2], 1)] {
        assert!(!cluster.any_slot_open());
        assert_eq!(owner_port(cluster, 0), cluster.port(owner));
    }
}
