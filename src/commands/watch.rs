//! `rcluster watch HOST:PORT [--interval 1s]`: the cluster live in the terminal (drawn by
//! `output::watch`), refreshed every interval from the same concurrent, bounded read as `metrics`
//! (`exec::sample::snapshot`): masters with slots, keys, memory and ops/s, replicas with their
//! link (up, first sync pending, syncing, down) and lag (bytes, seconds), nodes that are down
//! highlighted, open slots, and a footer with the cluster state and the time
//! of the last refresh. `q` (or Esc, Ctrl-C) quits; the terminal is restored, also on error or panic.
//! When stdout is not a terminal it prints a plain summary every interval instead (the footer line,
//! a header row and a row per node), or with `--json` one NDJSON document per interval ([`Summary`]).

use super::Context;
use crate::exec::sample::snapshot;
use crate::net::NodeAddress;
use crate::output::watch::{HEADER, Screen, footer, rows};
use crate::report::Outcome;
use std::io::IsTerminal;
use std::time::Duration;

/// What `watch` is asked to do, validated (built by `crate::cli::args::watch`).
#[derive(Debug)]
pub struct Options {
    pub seed: NodeAddress,
    pub interval: Duration,
    /// Stop after this many refreshes (plain mode), for scripts.
    pub count: Option<u64>,
}

/// Runs `watch`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    if std::io::stdout().is_terminal() {
        live(context, options).await?;
    } else {
        plain(context, options).await;
    }
    Ok(Outcome::new((), crate::error::Exit::Ok))
}

/// A summary every interval on stdout.
async fn plain(context: &Context, options: &Options) {
    let mut refreshes = 0u64;
    loop {
        let snapshot = snapshot(&context.session, &options.seed).await;
        let summary = Summary::of(&snapshot, &options.seed);
        context.ui.event(crate::report::Event::Snapshot {
            command: "watch",
            report: &summary,
        });
        refreshes += 1;
        if options.count.is_some_and(|count| refreshes >= count) {
            return;
        }
        tokio::time::sleep(options.interval).await;
    }
}

/// One refresh without a terminal: in text the footer line, a header row and a row per node; in
/// JSON the same facts as one document.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    pub seed: String,
    /// Seconds since the Unix epoch when the refresh was read.
    pub time: u64,
    /// The cluster could be read through the seed.
    pub loaded: bool,
    pub cluster_state_ok: bool,
    pub open_slots: i64,
    /// Some node's slot table differs from the others'.
    pub slot_tables_disagree: bool,
    /// Server-side slot migrations running, or failed and retrying, one line each.
    pub server_side_moves: Vec<String>,
    pub nodes: Vec<WatchedNode>,
    /// The footer line of the text view.
    #[serde(skip)]
    pub footer: String,
    /// The rows of the text view (cells), under [`HEADER`].
    #[serde(skip)]
    pub rows: Vec<Vec<String>>,
}

/// One node in a [`Summary`]; `null` where the node did not say.
#[derive(Debug, serde::Serialize)]
pub struct WatchedNode {
    pub address: String,
    /// `master` or `replica`.
    pub role: &'static str,
    pub up: bool,
    /// Slots it owns (masters).
    pub slots: Option<i64>,
    /// Keys of every database (`null` when down).
    pub keys: Option<u64>,
    pub used_memory: Option<u64>,
    pub ops_per_sec: Option<u64>,
    /// Bytes of replication stream behind its master (replicas).
    pub lag_bytes: Option<i64>,
    /// Seconds since it last acknowledged its master's stream (replicas; its master's `slaveN`
    /// line's `lag`).
    pub lag_seconds: Option<i64>,
    /// Its link to its master (replicas that answer): `up`, `first_sync` (its first sync has not
    /// finished: it holds none of its master's keys), `syncing` (a full sync runs), `down`.
    pub link: Option<&'static str>,
    /// How long its link has been down, in seconds (`null` when up, or down since its start).
    pub link_down_seconds: Option<i64>,
}

impl Summary {
    pub fn of(snapshot: &crate::exec::sample::Snapshot, seed: &NodeAddress) -> Summary {
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let find = |list: &[(String, i64)], addr: &str| {
            list.iter().find(|(a, _)| a == addr).map(|(_, v)| *v)
        };
        let nodes = snapshot
            .nodes
            .iter()
            .map(|node| {
                let number = |field: &str| node.info.get(field).and_then(|v| v.trim().parse().ok());
                let replication = snapshot
                    .replica_links
                    .iter()
                    .find(|(addr, _)| *addr == node.addr)
                    .map(|(_, replication)| replication);
                WatchedNode {
                    address: node.addr.clone(),
                    role: if node.role == "master" {
                        "master"
                    } else {
                        "replica"
                    },
                    up: node.up,
                    slots: find(&snapshot.master_slots, &node.addr),
                    keys: node.up.then(|| node.keyspace.total()),
                    used_memory: number("used_memory"),
                    ops_per_sec: number("instantaneous_ops_per_sec"),
                    lag_bytes: find(&snapshot.replica_lag, &node.addr),
                    lag_seconds: find(&snapshot.replica_lag_seconds, &node.addr),
                    link: replication.map(crate::exec::sample::link_state),
                    link_down_seconds: replication.and_then(|r| r.link_down_seconds),
                }
            })
            .collect();
        Summary {
            seed: seed.to_string(),
            time,
            loaded: snapshot.loaded,
            cluster_state_ok: snapshot.cluster_state_ok,
            open_slots: snapshot.open_slots,
            slot_tables_disagree: snapshot.disagreement,
            server_side_moves: snapshot.server_side_moves.clone(),
            nodes,
            footer: footer(snapshot, seed),
            rows: rows(snapshot),
        }
    }

    /// The header and the rows, each column padded to its widest cell.
    pub fn table(&self) -> Vec<String> {
        let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
        let all: Vec<&Vec<String>> = std::iter::once(&header).chain(&self.rows).collect();
        let widths: Vec<usize> = (0..HEADER.len())
            .map(|i| {
                all.iter()
                    .filter_map(|r| r.get(i))
                    .map(String::len)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        all.iter()
            .map(|row| {
                let cells: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .map(|(cell, width)| format!("{cell:<width$}"))
                    .collect();
                cells.join("  ").trim_end().to_string()
            })
            .collect()
    }
}

/// The full-screen view until `q`.
async fn live(context: &Context, options: &Options) -> anyhow::Result<()> {
    let mut screen = Screen::open();
    loop {
        let snapshot = snapshot(&context.session, &options.seed).await;
        screen.show(&snapshot, &options.seed)?;
        if screen.quit_within(options.interval)? {
            return Ok(());
        }
    }
}
