//! `rcluster watch HOST:PORT [--interval 1s]`: the cluster live in the terminal (drawn by
//! `output::watch`), refreshed every interval from the same concurrent, bounded read as `metrics`
//! (`exec::sample::snapshot`): masters with slots, keys, memory and ops/s, replicas with their
//! lag, nodes that are down highlighted, open slots, and a footer with the cluster state and the time
//! of the last refresh. `q` (or Esc, Ctrl-C) quits; the terminal is restored, also on error or panic. When stdout is not a terminal it prints a plain summary every interval instead.

use super::Context;
use crate::exec::sample::snapshot;
use crate::net::NodeAddress;
use crate::output::watch::{Screen, footer, rows};
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
        let mut lines: Vec<String> = rows(&snapshot)
            .into_iter()
            .map(|row| row.join("  "))
            .collect();
        lines.insert(0, footer(&snapshot, &options.seed));
        context.ui.section(&Summary { lines });
        refreshes += 1;
        if options.count.is_some_and(|count| refreshes >= count) {
            return;
        }
        tokio::time::sleep(options.interval).await;
    }
}

/// One plain summary: the footer line, then a line per node (printed as a section, on stdout).
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    pub lines: Vec<String>,
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
