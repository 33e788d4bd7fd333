//! Bad input and unreachable or unsuitable nodes: a one-line error that says what to do, exit 2.

mod common;

use common::{TestCluster, run};
use rcluster::sandbox::SandboxOptions;

fn assert_one_line_error(args: &[&str], needle: &str) {
    let outcome = run(args);
    assert_eq!(
        outcome.code, 2,
        "{args:?}: {}{}",
        outcome.stdout, outcome.stderr
    );
    assert!(outcome.stdout.is_empty(), "{args:?}: {}", outcome.stdout);
    assert_eq!(
        outcome.stderr.trim().lines().count(),
        1,
        "{args:?}: {}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains(needle),
        "{args:?}: {}",
        outcome.stderr
    );
}

#[test]
fn bad_addresses_and_refused_connections() {
    assert_one_line_error(&["check", "127.0.0.1"], "HOST:PORT");
    assert_one_line_error(&["check", "127.0.0.1:0"], "HOST:PORT");
    assert_one_line_error(&["info", "127.0.0.1", "notaport"], "HOST:PORT");
    let port = rcluster::sandbox::pick_ports(None, 1).unwrap()[0].to_string();
    assert_one_line_error(
        &["check", "127.0.0.1", &port],
        "could not connect to 127.0.0.1",
    );
    assert_one_line_error(&["check", "[::1]:1"], "could not connect to [::1]:1");
    let clap_error = run(&["check", "127.0.0.1:1", "--timeout", "soon"]);
    assert_eq!(clap_error.code, 2);
    assert!(
        clap_error
            .stderr
            .lines()
            .next()
            .unwrap()
            .contains("is not a duration"),
        "{}",
        clap_error.stderr
    );
}

#[test]
fn node_not_in_cluster_mode() {
    let plain = TestCluster::start_with(SandboxOptions {
        masters: 1,
        standalone: true,
        ..Default::default()
    });
    assert_one_line_error(&["check", &plain.seed()], "cluster-enabled yes");
    let compat = run(&["--cluster", "check", &plain.seed()]);
    assert_eq!(compat.code, 1);
}

#[test]
fn usage_errors_exit_2() {
    let outcome = run(&["check"]);
    assert_eq!(outcome.code, 2);
    let outcome = run(&["frobnicate"]);
    assert_eq!(outcome.code, 2);
    assert_one_line_error(
        &["check", "127.0.0.1:1", "--user", "bob"],
        "--user needs a password",
    );
    assert_one_line_error(&["check", "127.0.0.1:1", "--cacert", "x.pem"], "need --tls");
}
