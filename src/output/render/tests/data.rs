//! import, backup, restore, local, metrics and watch, with the addresses of the captured clusters.

use super::{Syntax, quiet_and_verbose, views};
use crate::commands::backup::{BackupFile, BackupReport};
use crate::commands::import::ImportReport;
use crate::commands::local::{LocalDownReport, LocalStatusReport, LocalUpReport};
use crate::commands::metrics::Scrape;
use crate::commands::restore::{DatabaseKeys, RdbRestore, RestoreReport};
use crate::commands::watch::{Summary, WatchedNode};
use crate::error::Exit;
use crate::output::render::Text;
use crate::report::Outcome;
use crate::sandbox::RecordedNode;

#[test]
fn import_done_with_skipped_keys_and_failed() {
    let done = ImportReport {
        source: "127.0.0.1:6379".into(),
        moved: 60,
        databases: [(0, 60)].into(),
        skipped: 0,
        skipped_keys: vec![],
        seconds: 0.31,
        failure: None,
    };
    let mut text = views(
        "import",
        &[],
        &Outcome::new(done, Exit::Ok),
        Syntax::WithRedisCli,
    );
    let skipped = ImportReport {
        source: "127.0.0.1:6379".into(),
        moved: 57,
        databases: [(0, 50), (3, 7)].into(),
        skipped: 3,
        skipped_keys: vec!["user:1".into(), "user:2".into()],
        seconds: 0.29,
        failure: None,
    };
    let skipped = Outcome::new(skipped, Exit::Problems);
    text.push_str(&views("import", &[], &skipped, Syntax::WithRedisCli));
    text.push_str(&quiet_and_verbose("import", &[], &skipped));
    let failed = ImportReport {
        source: "127.0.0.1:6379".into(),
        moved: 12,
        databases: [(0, 12)].into(),
        skipped: 0,
        skipped_keys: vec![],
        seconds: 0.05,
        failure: Some(
            "Source 127.0.0.1:6379 replied with error:\nNOAUTH Authentication required.".into(),
        ),
    };
    let failed = Outcome::new(failed, Exit::Problems);
    text.push_str(&views("import", &[], &failed, Syntax::WithRedisCli));
    insta::assert_snapshot!("import", text);
}

fn backup_file(port: u16, id: &str, bytes: Option<u64>, error: Option<&str>) -> BackupFile {
    BackupFile {
        address: format!("127.0.0.1:{port}"),
        file: format!("/backups/redis-node-127.0.0.1-{port}-{id}.rdb").into(),
        bytes,
        error: error.map(str::to_string),
    }
}

#[test]
fn backup_done_with_problems_and_failed() {
    let files = || {
        vec![
            backup_file(
                42001,
                "455c96e21c819466b6e3920fa4f1da92d8c51e50",
                Some(48213),
                None,
            ),
            backup_file(
                42002,
                "2ce1d2811d32323eaeebeb9630ac576d8f2340c0",
                Some(48190),
                None,
            ),
            backup_file(
                42003,
                "fb5c8687ae773267e9ef09569da6bed42f7c4c16",
                Some(48377),
                None,
            ),
        ]
    };
    let report = |files, problems| BackupReport {
        files,
        nodes: "/backups/nodes.json".into(),
        dir: "/backups".into(),
        problems,
    };
    let done = Outcome::new(report(files(), false), Exit::Ok);
    let mut text = views("backup", &[], &done, Syntax::WithRedisCli);
    text.push_str(&quiet_and_verbose("backup", &[], &done));
    let problems = Outcome::new(report(files(), true), Exit::Ok);
    text.push_str(&views("backup", &[], &problems, Syntax::WithRedisCli));
    let mut failed = files();
    failed[1] = backup_file(
        42002,
        "2ce1d2811d32323eaeebeb9630ac576d8f2340c0",
        None,
        Some("the SYNC stream ended after 1024 of 48190 bytes"),
    );
    let failed = Outcome::new(report(failed, false), Exit::Problems);
    text.push_str(&views("backup", &[], &failed, Syntax::WithRedisCli));
    insta::assert_snapshot!("backup", text);
}

fn rdb(port: u16, restored: u64, error: Option<&str>) -> RdbRestore {
    RdbRestore {
        file: format!("redis-node-127.0.0.1-{port}.rdb"),
        from: format!("127.0.0.1:{port}"),
        server: "127.0.0.1:43100".into(),
        loaded: error.is_none().then_some(restored),
        restored,
        databases: [(
            0,
            DatabaseKeys {
                loaded: restored,
                restored,
                recorded: Some(restored),
            },
        )]
        .into(),
        skipped: 0,
        skipped_keys: vec![],
        error: error.map(str::to_string),
    }
}

fn restore(rdbs: Vec<RdbRestore>, recorded: Option<u64>, missing: Vec<String>) -> Outcome {
    let restored = rdbs.iter().map(|r| r.restored).sum();
    let loaded = rdbs.iter().filter_map(|r| r.loaded).sum();
    let report = RestoreReport {
        backup: "/backups".into(),
        target: "127.0.0.1:42001".into(),
        rdbs,
        restored,
        loaded,
        recorded,
        databases: [(
            0,
            DatabaseKeys {
                loaded,
                restored,
                recorded,
            },
        )]
        .into(),
        missing,
        seconds: 0.8,
    };
    let complete = report.complete();
    Outcome::clean_if(report, complete)
}

#[test]
fn restore_complete_partial_and_incomplete() {
    let all = || {
        vec![
            rdb(42001, 1000, None),
            rdb(42002, 1000, None),
            rdb(42003, 1000, None),
        ]
    };
    let complete = restore(all(), Some(3000), vec![]);
    let mut text = views("restore", &[], &complete, Syntax::NativeOnly);
    text.push_str(&quiet_and_verbose("restore", &[], &complete));
    let recorded_more = restore(all(), Some(3100), vec![]);
    text.push_str(&views("restore", &[], &recorded_more, Syntax::NativeOnly));
    let partial = restore(
        vec![rdb(42001, 1000, None), rdb(42002, 1000, None)],
        None,
        vec!["127.0.0.1:42003".into()],
    );
    text.push_str(&views("restore", &[], &partial, Syntax::NativeOnly));
    let unloaded = restore(
        vec![
            rdb(42001, 1000, None),
            rdb(42002, 0, Some("the scratch server did not load it in 60 s")),
            rdb(42003, 1000, None),
        ],
        None,
        vec![],
    );
    text.push_str(&views("restore", &[], &unloaded, Syntax::NativeOnly));
    // A key the cluster already held with another value: named, as import names it.
    let mut differs = rdb(42002, 999, None);
    differs.loaded = Some(1000);
    differs.skipped = 1;
    differs.skipped_keys = vec!["user:42".into()];
    let differs = restore(
        vec![rdb(42001, 1000, None), differs, rdb(42003, 1000, None)],
        None,
        vec![],
    );
    text.push_str(&views("restore", &[], &differs, Syntax::NativeOnly));
    text.push_str(&quiet_and_verbose("restore", &[], &differs));
    insta::assert_snapshot!("restore", text);
}

#[test]
fn local_up_down_and_status() {
    let up = LocalUpReport {
        seed: "127.0.0.1:42001".into(),
        ports: (42001..=42006).collect(),
        state_dir: "/tmp/rcluster-local".into(),
        state_dir_flag: " --state-dir /tmp/rcluster-local".into(),
        created: true,
        create_command: None,
    };
    let mut text = views(
        "local",
        &[],
        &Outcome::new(up, Exit::Ok),
        Syntax::NativeOnly,
    );
    // --no-create: empty nodes, and the create line that forms them.
    let empty = LocalUpReport {
        seed: "127.0.0.1:42001".into(),
        ports: (42001..=42004).collect(),
        state_dir: "/tmp/rcluster-local".into(),
        state_dir_flag: String::new(),
        created: false,
        create_command: Some(
            "rcluster create 127.0.0.1:42001 127.0.0.1:42002 127.0.0.1:42003 127.0.0.1:42004 --replicas 1"
                .into(),
        ),
    };
    text.push_str(&views(
        "local",
        &[],
        &Outcome::new(empty, Exit::Ok),
        Syntax::NativeOnly,
    ));
    let down = LocalDownReport {
        state_dir: "/tmp/rcluster-local".into(),
        stopped: (42001..=42006).collect(),
        removed_rules: vec![],
    };
    text.push_str(&views(
        "local",
        &[],
        &Outcome::new(down, Exit::Ok),
        Syntax::NativeOnly,
    ));
    let none = LocalDownReport {
        state_dir: "/tmp/rcluster-local".into(),
        stopped: vec![],
        removed_rules: vec![],
    };
    text.push_str(&views(
        "local",
        &[],
        &Outcome::new(none, Exit::Ok),
        Syntax::NativeOnly,
    ));
    let status = LocalStatusReport {
        state_dir: "/tmp/rcluster-local".into(),
        nodes: (42001..=42003)
            .map(|port| RecordedNode {
                port,
                pid: 40000 + u32::from(port - 42000),
                running: port != 42003,
            })
            .collect(),
    };
    text.push_str(&views(
        "local",
        &[],
        &Outcome::new(status, Exit::Ok),
        Syntax::NativeOnly,
    ));
    let empty = LocalStatusReport {
        state_dir: "/tmp/rcluster-local".into(),
        nodes: vec![],
    };
    text.push_str(&views(
        "local",
        &[],
        &Outcome::new(empty, Exit::Ok),
        Syntax::NativeOnly,
    ));
    insta::assert_snapshot!("local", text);
}

#[test]
fn metrics_watch_and_text() {
    let scrape = Scrape(
        "# HELP rcluster_slots_covered Slots owned by a reachable master.\n\
         # TYPE rcluster_slots_covered gauge\n\
         rcluster_slots_covered 16384\n\
         # EOF\n"
            .into(),
    );
    let mut text = views(
        "metrics",
        &[],
        &Outcome::new(scrape, Exit::Ok),
        Syntax::NativeOnly,
    );
    let node = |port: u16, role: &'static str, slots: Option<i64>, lag: Option<i64>| {
        let link = lag.map(|_| if port == 42005 { "first_sync" } else { "up" });
        let row = vec![
            format!("127.0.0.1:{port}"),
            role.to_string(),
            "up".to_string(),
            slots.map_or("-".into(), |s| s.to_string()),
            "1000".to_string(),
            "1.52M".to_string(),
            "12".to_string(),
            link.unwrap_or("-").to_string(),
            lag.map_or("-".into(), |l| l.to_string()),
            lag.map_or("-".into(), |_| "0".to_string()),
        ];
        let watched = WatchedNode {
            address: format!("127.0.0.1:{port}"),
            role,
            up: true,
            slots,
            keys: Some(1000),
            used_memory: Some(1_598_000),
            ops_per_sec: Some(12),
            lag_bytes: lag,
            lag_seconds: lag.map(|_| 0),
            link,
            link_down_seconds: None,
        };
        (row, watched)
    };
    let (rows, nodes): (Vec<_>, Vec<_>) = [
        node(42001, "master", Some(5461), None),
        node(42002, "master", Some(5462), None),
        node(42004, "replica", None, Some(0)),
        node(42005, "replica", None, Some(1_520_000)),
    ]
    .into_iter()
    .unzip();
    let summary = Summary {
        seed: "127.0.0.1:42001".into(),
        time: 1_795_612_305,
        loaded: true,
        cluster_state_ok: true,
        open_slots: 0,
        slot_tables_disagree: false,
        server_side_moves: Vec::new(),
        nodes,
        footer: "cluster_state:ok | 4 nodes, 0 down | open slots: 0 | refreshed 10:31:45 UTC"
            .into(),
        rows,
    };
    text.push_str(&views(
        "watch",
        &[],
        &Outcome::new(summary, Exit::Ok),
        Syntax::NativeOnly,
    ));
    let help = Text {
        text: "Cluster Manager Commands:\n  create         host1:port1 ... hostN:portN\n".into(),
    };
    text.push_str(&views(
        "help",
        &[],
        &Outcome::new(help, Exit::Ok),
        Syntax::NativeOnly,
    ));
    insta::assert_snapshot!("metrics_watch_text", text);
}
