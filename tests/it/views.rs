//! The text views of the main reports, snapshotted per mode (ids and ports normalised): check, info,
//! doctor, a reshard dry run, a fix dry run and an error, each natively and (where redis-cli has the
//! command) in redis-cli syntax. The JSON view of each is parsed back and its fields asserted, and
//! no view writes anything to stdout that another mode puts on stderr.

use crate::common::{TestCluster, json, run};

#[test]
fn every_view_of_check_info_doctor_and_plans() {
    let cluster = TestCluster::start(3, 0);
    cluster.write_keys(300);
    let seed = cluster.seed();
    let snapshot = |name: &str, args: &[&str]| {
        let out = run(args);
        insta::assert_snapshot!(name, cluster.normalize(&out.stdout));
        out
    };

    let check = snapshot("check_human", &["check", &seed]);
    assert_eq!(check.code, 0);
    let check_redis_cli = snapshot("check_redis_cli", &["--cluster", "check", &seed]);
    assert_eq!(check_redis_cli.code, 0);
    assert!(
        check_redis_cli.stderr.is_empty(),
        "{}",
        check_redis_cli.stderr
    );
    snapshot("check_quiet", &["check", &seed, "-q"]);

    let info = snapshot("info_human", &["info", &seed]);
    assert_eq!(info.code, 0);
    let info_redis_cli = snapshot("info_redis_cli", &["--cluster", "info", &seed]);
    assert_eq!(
        info_redis_cli.stdout, info.stdout,
        "info is redis-cli's lines in both"
    );

    let doctor = snapshot("doctor_human", &["doctor", &seed]);
    let doctor_json = json(&run(&["doctor", &seed, "--json"]).stdout);
    assert_eq!(doctor_json["ok"], doctor.code == 0);
    assert!(doctor_json["diagnoses"].is_array(), "{doctor_json}");

    let (giver, taker) = (cluster.id(cluster.port(1)), cluster.id(cluster.port(0)));
    let reshard = [
        "reshard",
        &seed,
        "--from",
        &giver,
        "--to",
        &taker,
        "--slots",
        "10",
        "--dry-run",
    ];
    let planned = snapshot("reshard_dry_run_human", &reshard);
    assert_eq!(planned.code, 0, "{}", planned.stderr);
    let plan = json(&run(&[&reshard[..], &["--json"]].concat()).stdout);
    assert_eq!(plan["applied"], false);
    assert_eq!(plan["slot_count"], 10);
    assert_eq!(plan["target"]["id"], taker.as_str());
    assert_eq!(plan["sources"][0]["id"], giver.as_str());
    let moves = plan["moves"].as_array().unwrap();
    assert_eq!(moves.len(), 10);
    assert!(
        moves
            .iter()
            .all(|m| m["source"]["address"] == format!("127.0.0.1:{}", cluster.port(1)).as_str())
    );

    // -q: only the result line, on stdout; nothing on stderr.
    let quiet = run(&[&reshard[..reshard.len() - 1], &["--yes", "-q"]].concat());
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert_eq!(quiet.stdout.lines().count(), 1, "{}", quiet.stdout);
    assert!(
        quiet.stdout.starts_with("moved 10 slots and "),
        "{}",
        quiet.stdout
    );
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);

    // One open slot: slot 0 MIGRATING on its owner, nothing IMPORTING.
    let receiver = cluster.id(cluster.port(2));
    cluster.redis(
        cluster.port(0),
        &["CLUSTER", "SETSLOT", "0", "MIGRATING", &receiver],
    );
    let fix = snapshot("fix_dry_run_human", &["fix", &seed, "--dry-run"]);
    // The 10 slots moved above changed the table, so the check part of the snapshot says so.
    assert_eq!(fix.code, 1, "a dry run leaves the problem: {}", fix.stderr);
    let fix_redis_cli = run(&["--cluster", "fix", &seed, "--dry-run"]);
    assert_eq!(fix_redis_cli.code, 1, "redis-cli has no --dry-run");
    assert_eq!(
        (fix_redis_cli.stdout.as_str(), fix_redis_cli.stderr.as_str()),
        (
            "",
            "Unrecognized option or bad number of args for: '--dry-run'\n"
        )
    );
    let fix_json = json(&run(&["fix", &seed, "--dry-run", "--json"]).stdout);
    assert_eq!(fix_json["stage"], "dry_run");
    assert_eq!(fix_json["applied"], false);
    assert_eq!(fix_json["check"]["open_slots"], serde_json::json!([0]));
    assert_eq!(fix_json["plan"]["repairs"][0]["slot"], 0);
    assert!(fix_json["outcome"].is_null() && fix_json["after"].is_null());
    cluster.redis(cluster.port(0), &["CLUSTER", "SETSLOT", "0", "STABLE"]);
}

#[test]
fn an_error_in_every_mode() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = listener.local_addr().unwrap().to_string();
    drop(listener);
    let normalize = |text: &str| text.replace(&dead, "127.0.0.1:<port>");

    let human = run(&["check", &dead]);
    assert_eq!(human.code, 2);
    assert!(human.stdout.is_empty(), "{}", human.stdout);
    insta::assert_snapshot!("error_human", normalize(&human.stderr));

    let redis_cli = run(&["--cluster", "check", &dead]);
    assert_eq!(redis_cli.code, 1, "redis-cli exits 1");
    insta::assert_snapshot!(
        "error_redis_cli",
        normalize(&format!(
            "stdout:\n{}stderr:\n{}",
            redis_cli.stdout, redis_cli.stderr
        ))
    );

    let machine = run(&["check", &dead, "--json"]);
    assert_eq!(machine.code, 2);
    let doc = json(&machine.stdout);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["kind"], "connection");
}
