//! Bad input and unreachable or unsuitable nodes: a one-line error that says what to do, exit 2.

use crate::common::{TestCluster, run};
use rcluster::sandbox::SandboxOptions;

fn assert_one_line_error(args: &[&str], needle: &str) {
    crate::common::assert_one_line_error(&run(args), needle);
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

#[test]
fn bad_input_is_refused_before_any_io() {
    // Nothing listens on port 1: an error that names the input, not the connection, proves no
    // node was asked (and no check was printed).
    for count in ["0", "99999"] {
        assert_one_line_error(
            &[
                "reshard",
                "127.0.0.1:1",
                "--slots",
                count,
                "--from",
                "all",
                "--to",
                "abcdef12",
            ],
            "give a number of slots from 1 to 16384",
        );
    }
    // HOST:PORT then a stray port: one usage line, not a lookup of `[127.0.0.1:1]:2`.
    assert_one_line_error(
        &["check", "127.0.0.1:16010", "16011"],
        "HOST:PORT already names a port",
    );
    assert_one_line_error(&["info", "[::1]:16010", "16011"], "already names a port");
}

/// A scripted RESP server for replies no real server gives: every request gets `CLUSTER NODES` as
/// `table` and `DBSIZE` as 0 (the loader pipelines the two). Returns its address.
fn hostile_server(table: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let table = table.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buffer = [0u8; 4096];
                while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {
                    let reply = format!("${}\r\n{table}\r\n:0\r\n", table.len());
                    if stream.write_all(reply.as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    address
}

#[test]
fn hostile_cluster_nodes_replies_are_refused_once_and_fast() {
    let id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let me =
        |port: &str| format!("{id} 127.0.0.1:{port}@1 myself,master - 0 0 1 connected 0-16383");
    let short_id = hostile_server("zz 127.0.0.1:1@2 myself,master - 0 0 1 connected".into());
    assert_one_line_error(&["check", &short_id], "bad node id 'zz'");
    let outcome = run(&["check", &short_id]);
    assert_eq!(
        outcome
            .stderr
            .matches("invalid CLUSTER NODES reply")
            .count(),
        1,
        "the reason once: {}",
        outcome.stderr
    );
    let twice = hostile_server(format!("{}\n{}", me("1"), me("2").replace("aaaa", "bbbb")));
    assert_one_line_error(&["info", &twice], "a second `myself` line");
    let huge: String = std::iter::once(me("1"))
        .chain((1..1_000_000).map(|i| format!("{i:040x} 127.0.0.1:1@2 master - 0 0 1 connected")))
        .collect::<Vec<_>>()
        .join("\n");
    let flood = hostile_server(huge);
    assert_one_line_error(&["check", &flood], "more than 2000 nodes");
}

/// A server that reads each request and then, `close`, hangs up; or else never answers.
fn mute_server(close: bool) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer);
                if !close {
                    std::thread::sleep(std::time::Duration::from_secs(30));
                }
            });
        }
    });
    address
}

#[test]
fn a_hang_up_and_tls_to_a_plain_port_say_what_happened() {
    let hangs_up = mute_server(true);
    assert_one_line_error(
        &["check", &hangs_up],
        "closed the connection during CLUSTER NODES",
    );
    let silent = mute_server(false);
    assert_one_line_error(
        &[
            "check",
            &silent,
            "--tls",
            "--insecure",
            "--connect-timeout",
            "300ms",
        ],
        "did not answer within 300 ms (TLS connect); a node that speaks plain TCP never answers a TLS handshake",
    );
}

#[test]
fn a_password_on_the_command_line_is_erased_from_ps_and_warned_about() {
    let silent = mute_server(false);
    let bounds = ["--timeout", "2s", "--connect-timeout", "2s"];
    let native = |args: &[&str]| -> Vec<String> {
        args.iter().chain(&bounds).map(|a| a.to_string()).collect()
    };
    for (args, warned) in [
        (native(&["-a", "S3cr3tPw_xyz", "check", &silent]), true),
        (
            native(&["check", &silent, "--pass=S3cr3tPw_xyz", "--no-auth-warning"]),
            false,
        ),
        (
            [
                "-u",
                "redis://bob:S3cr3tPw_xyz@h:1",
                "-t",
                "2",
                "--cluster",
                "check",
                &silent,
            ]
            .map(String::from)
            .to_vec(),
            true,
        ),
    ] {
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rcluster"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(500));
        let visible = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
        let output = child.wait_with_output().unwrap();
        let visible = String::from_utf8_lossy(&visible);
        assert!(
            !visible.contains("S3cr3tPw_xyz"),
            "{args:?}: ps shows {visible}"
        );
        assert!(visible.contains("xxxxxxxxxxxx"), "{args:?}: {visible}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.contains("Warning: Using a password"),
            warned,
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("S3cr3tPw_xyz"), "{stderr}");
    }
}
