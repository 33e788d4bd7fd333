//! The command line itself: `local up|status|down` through the binary, committed completions up to
//! date, help and version.

use crate::common::run;

#[test]
fn local_up_status_down_stops_exactly_its_nodes() {
    let state = tempfile::tempdir().unwrap();
    let state_dir = state.path().to_str().unwrap();
    // The sandbox's allocator hands out consecutive free ports; `local up` uses port..port+2.
    let port = rcluster::sandbox::pick_ports(None, 3).unwrap()[0];
    let up = run(&[
        "local",
        "up",
        "--masters",
        "3",
        "--port",
        &port.to_string(),
        "--state-dir",
        state_dir,
    ]);
    assert_eq!(up.code, 0, "{}", up.stderr);
    assert_eq!(up.stdout.trim(), format!("127.0.0.1:{port}"));
    let again = run(&[
        "local",
        "up",
        "--port",
        &port.to_string(),
        "--state-dir",
        state_dir,
    ]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already running"), "{}", again.stderr);

    let status = run(&["local", "status", "--state-dir", state_dir, "--json"]);
    assert_eq!(status.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let nodes = doc["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert!(nodes.iter().all(|n| n["running"] == true));
    let pids: Vec<u64> = nodes.iter().map(|n| n["pid"].as_u64().unwrap()).collect();

    assert_eq!(run(&["check", &format!("127.0.0.1:{port}")]).code, 0);
    let down = run(&["local", "down", "--state-dir", state_dir]);
    assert_eq!(down.code, 0);
    assert_eq!(down.stdout.trim(), "stopped 3 nodes");
    for pid in pids {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}/cmdline")).exists() || {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                stat.split_whitespace().nth(2) == Some("Z")
            },
            "pid {pid} still running"
        );
    }
    let status = run(&["local", "status", "--state-dir", state_dir]);
    assert_eq!(status.code, 1);
}

#[test]
fn local_up_no_create_says_the_nodes_are_not_joined_and_how_to_join_them() {
    let state = tempfile::tempdir().unwrap();
    let state_dir = state.path().to_str().unwrap();
    let port = rcluster::sandbox::pick_ports(None, 4).unwrap()[0];
    let up = run(&[
        "local",
        "up",
        "--masters",
        "2",
        "--replicas",
        "1",
        "--no-create",
        "--port",
        &port.to_string(),
        "--state-dir",
        state_dir,
    ]);
    let down = run(&["local", "down", "--state-dir", state_dir]);
    assert_eq!(up.code, 0, "{}", up.stderr);
    assert_eq!(down.code, 0, "{}", down.stderr);
    assert!(
        up.stderr
            .contains("Starting 4 empty nodes with redis-server (not joined into a cluster)"),
        "{}",
        up.stderr
    );
    let create = format!(
        "form one with `rcluster create 127.0.0.1:{} 127.0.0.1:{} 127.0.0.1:{} 127.0.0.1:{} --replicas 1`",
        port,
        port + 1,
        port + 2,
        port + 3
    );
    assert!(
        up.stderr
            .contains("4 empty nodes started, not joined into a cluster: ")
            && up.stderr.contains(&create),
        "{}",
        up.stderr
    );
    assert!(!up.stderr.contains("cluster ready"), "{}", up.stderr);
}

/// Asserts that the committed file at `path` is `generated` (`UPDATE_COMPLETIONS=1` rewrites it).
fn assert_committed(path: &std::path::Path, generated: &str) {
    if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date: run `UPDATE_COMPLETIONS=1 cargo test --test it cli::` and commit",
        path.display()
    );
}

#[test]
fn committed_completions_are_up_to_date() {
    use clap_complete::Shell;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        (Shell::Bash, "rcluster.bash"),
        (Shell::Zsh, "_rcluster"),
        (Shell::Fish, "rcluster.fish"),
        (Shell::PowerShell, "_rcluster.ps1"),
    ] {
        let generated = rcluster::cli::completions::script(shell);
        assert_committed(&dir.join(file), &generated);
        let printed = run(&["completions", &shell.to_string()]);
        assert_eq!(printed.stdout, generated);
    }
}

/// What the committed bash completions offer for `words` (the last one being completed).
fn bash_complete(words: &[&str]) -> String {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/rcluster.bash");
    let line = format!(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; _rcluster_redis_cli rcluster \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[*]}}\"",
        script.display(),
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words.len() - 1
    );
    let output = std::process::Command::new("bash")
        .args(["-c", &line])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn bash_completes_both_syntaxes() {
    assert_eq!(bash_complete(&["rcluster", "resh"]), "reshard");
    assert_eq!(
        bash_complete(&["rcluster", "--cluster", "re"]),
        "reshard rebalance"
    );
    assert_eq!(
        bash_complete(&[
            "rcluster",
            "--cluster",
            "reshard",
            "127.0.0.1:7000",
            "--cluster-f"
        ]),
        "--cluster-from"
    );
    let rebalance = bash_complete(&[
        "rcluster",
        "-a",
        "pw",
        "--cluster",
        "rebalance",
        "h:1",
        "--cluster-",
    ]);
    for option in [
        "--cluster-weight",
        "--cluster-simulate",
        "--cluster-threshold",
        "--cluster-use-empty-masters",
    ] {
        assert!(
            rebalance.split(' ').any(|o| o == option),
            "{option}: {rebalance}"
        );
    }
    assert!(
        !rebalance.contains("--cluster-replicas"),
        "create's option: {rebalance}"
    );
    assert_eq!(
        bash_complete(&[
            "rcluster",
            "--cluster",
            "add-node",
            "a:1",
            "b:2",
            "--cluster-s"
        ]),
        "--cluster-slave"
    );
}

#[test]
fn zsh_and_fish_complete_the_redis_cli_syntax_too() {
    use clap_complete::Shell;
    let zsh = rcluster::cli::completions::script(Shell::Zsh);
    assert!(
        zsh.contains("compdef _rcluster_redis_cli rcluster"),
        "the dispatcher is installed"
    );
    let fish = rcluster::cli::completions::script(Shell::Fish);
    assert!(fish.contains("__fish_seen_subcommand_from import' -l cluster-copy"));
}

#[test]
fn committed_man_pages_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for (file, generated) in rcluster::cli::completions::man_pages() {
        assert_committed(&dir.join(file), &generated);
    }
}

#[test]
fn help_and_version() {
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    for word in [
        "check",
        "info",
        "setslot",
        "local",
        "completions",
        "--json",
        "--timeout",
    ] {
        assert!(help.stdout.contains(word), "{word} missing from --help");
    }
    assert_eq!(run(&["--version"]).code, 0);
    assert!(run(&["local", "--help"]).stdout.contains("up"));
}

#[test]
fn short_help_keeps_the_connection_options_under_one_heading() {
    let short = run(&["reshard", "-h"]);
    assert_eq!(short.code, 0);
    assert!(short.stdout.contains("\nConnection:\n"), "{}", short.stdout);
    for everyday in [
        "--pass",
        "--user",
        "--tls",
        "--timeout",
        "--json",
        "--quiet",
    ] {
        assert!(
            short.stdout.contains(everyday),
            "{everyday} missing from -h"
        );
    }
    for detail in [
        "--cacert",
        "--sni",
        "--askpass",
        "--auth-file",
        "--connect-timeout",
        "--events",
    ] {
        assert!(
            !short.stdout.contains(detail),
            "{detail} belongs to --help only"
        );
    }
    assert!(!short.stdout.contains("\nTLS:\n") && !short.stdout.contains("\nAuthentication:\n"));
    // Two lines more for --observe and --max-latency (issue 27), each on one line.
    assert!(short.stdout.lines().count() < 82, "{}", short.stdout);
    let long = run(&["reshard", "--help"]);
    for detail in [
        "--cacert",
        "--sni",
        "--askpass",
        "--auth-file",
        "--connect-timeout",
        "--events",
    ] {
        assert!(long.stdout.contains(detail), "{detail} missing from --help");
    }
}
