//! Every command meets the scripted server's hostile replies (garbage, cut short, enormous,
//! trickling): each ends within its bounds with a non-zero exit and an error on stderr that names
//! the node, never a panic, a hang or a library's internals.

use crate::common::run;
use crate::common::scripted::{self, Hostile};

const ID: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// Every command, aimed at `node`.
fn command_lines(node: &str, folder: &str) -> Vec<Vec<String>> {
    let lines: Vec<Vec<&str>> = vec![
        vec!["check", node],
        vec!["info", node],
        vec!["doctor", node],
        vec!["call", node, "DBSIZE"],
        vec![
            "reshard", node, "--from", "all", "--to", ID, "--slots", "10", "--yes",
        ],
        vec!["rebalance", node, "--yes"],
        vec!["fix", node, "--yes"],
        vec!["set-timeout", node, "5000"],
        vec!["add-node", node, node],
        vec!["del-node", node, ID],
        vec!["backup", node, folder],
        vec!["setslot", node, "1", "stable"],
        vec!["import", node, "--from", node],
        vec!["-t", "1", "--cluster", "check", node],
    ];
    lines
        .into_iter()
        .map(|line| {
            let bounds: &[&str] = if line[0] == "-t" {
                &[]
            } else {
                &["--timeout", "1s", "--connect-timeout", "1s"]
            };
            line.iter().chain(bounds).map(|a| a.to_string()).collect()
        })
        .collect()
}

#[test]
fn every_command_survives_every_hostile_reply() {
    let folder = tempfile::tempdir().unwrap();
    let folder = folder.path().to_str().unwrap().to_string();
    let cases: Vec<(Hostile, Vec<String>)> = scripted::ALL
        .into_iter()
        .flat_map(|hostile| {
            let node = scripted::start(hostile);
            command_lines(&node, &folder)
                .into_iter()
                .map(move |line| (hostile, line))
        })
        .collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(hostile, line)| {
                scope.spawn(move || {
                    let args: Vec<&str> = line.iter().map(String::as_str).collect();
                    let outcome = run(&args);
                    let stderr = outcome.stderr.trim();
                    let bad = outcome.code == 0
                        || stderr.is_empty()
                        || stderr.contains("panicked")
                        || stderr.contains("Pipeline failures")
                        || stderr.contains("Os {")
                        || stderr.lines().count() > 4
                        || !line
                            .iter()
                            .any(|a| a.starts_with("127.0.0.1:") && stderr.contains(a.as_str()));
                    bad.then(|| {
                        format!(
                            "{hostile:?} {args:?}: exit {}\nstdout: {}\nstderr: {stderr}",
                            outcome.code, outcome.stdout
                        )
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
