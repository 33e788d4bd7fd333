//! `rcluster watch HOST:PORT [--interval 1s]`: the cluster live in the terminal (ratatui on
//! crossterm), refreshed every interval from the same concurrent, bounded read as `metrics`
//! (`commands::metrics::snapshot`): masters with slots, keys, memory and ops/s, replicas with their
//! lag, nodes that are down highlighted, open slots, and a footer with the cluster state and the time
//! of the last refresh. `q` (or Esc, Ctrl-C) quits; the terminal is restored, also on error or panic
//! (`ratatui::init`). When stdout is not a terminal it prints a plain summary every interval instead.

use super::Context;
use super::metrics::{NodeSample, Snapshot, snapshot};
use crate::net::NodeAddress;
use crate::report::Outcome;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Paragraph, Row, Table};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

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
    let mut terminal = ratatui::init();
    let outcome = async {
        loop {
            let snapshot = snapshot(&context.session, &options.seed).await;
            terminal.draw(|frame| draw(frame, &snapshot, &options.seed))?;
            let until = Instant::now() + options.interval;
            while Instant::now() < until {
                let wait = until.saturating_duration_since(Instant::now());
                // The only task on this thread between refreshes: polling the keyboard may block it.
                if event::poll(wait.min(Duration::from_millis(100)))?
                    && let Event::Key(key) = event::read()?
                {
                    let ctrl_c = key.code == KeyCode::Char('c')
                        && key.modifiers.contains(KeyModifiers::CONTROL);
                    if matches!(key.code, KeyCode::Char('q') | KeyCode::Esc) || ctrl_c {
                        return Ok::<(), anyhow::Error>(());
                    }
                }
            }
        }
    }
    .await;
    ratatui::restore();
    outcome
}

fn draw(frame: &mut ratatui::Frame, snapshot: &Snapshot, seed: &NodeAddress) {
    let [body, foot] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let header = Row::new(HEADER.to_vec()).style(Style::default().add_modifier(Modifier::BOLD));
    let lines: Vec<Row> = snapshot
        .nodes
        .iter()
        .zip(rows(snapshot))
        .map(|(node, cells)| {
            let style = if !node.up {
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
            } else if node.role == "master" {
                Style::default()
            } else {
                Style::default().fg(Color::DarkGray)
            };
            Row::new(cells).style(style)
        })
        .collect();
    let widths = [
        Constraint::Length(22),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(6),
    ];
    let table = Table::new(lines, widths)
        .header(header)
        .block(Block::bordered().title(format!(" rcluster watch {seed} (q quits) ")));
    frame.render_widget(table, body);
    frame.render_widget(Paragraph::new(footer(snapshot, seed)), foot);
}

const HEADER: [&str; 8] = [
    "node", "role", "state", "slots", "keys", "memory", "ops/s", "lag",
];

/// One row of cells per node: masters first, each followed by its replicas' lag. Pure.
fn rows(snapshot: &Snapshot) -> Vec<Vec<String>> {
    snapshot
        .nodes
        .iter()
        .map(|node| row(snapshot, node))
        .collect()
}

fn row(snapshot: &Snapshot, node: &NodeSample) -> Vec<String> {
    let info = |field: &str| node.info.get(field).cloned().unwrap_or_else(|| "-".into());
    let slots = snapshot
        .master_slots
        .iter()
        .find(|(addr, _)| *addr == node.addr)
        .map_or("-".into(), |(_, n)| n.to_string());
    let keys = node.keyspace.total().to_string();
    let lag = snapshot
        .replica_lag
        .iter()
        .find(|(addr, _)| *addr == node.addr)
        .map_or("-".into(), |(_, bytes)| bytes.to_string());
    vec![
        node.addr.clone(),
        if node.role == "master" {
            "master"
        } else {
            "replica"
        }
        .into(),
        if node.up { "up" } else { "DOWN" }.into(),
        slots,
        if node.up { keys } else { "-".into() },
        info("used_memory_human"),
        info("instantaneous_ops_per_sec"),
        lag,
    ]
}

fn footer(snapshot: &Snapshot, seed: &NodeAddress) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let (h, m, s) = ((now / 3600) % 24, (now / 60) % 60, now % 60);
    let state = match (snapshot.loaded, snapshot.cluster_state_ok) {
        (false, _) => format!("cannot read the cluster through {seed}"),
        (true, true) => "cluster_state:ok".into(),
        (true, false) => "cluster_state:fail".into(),
    };
    let down = snapshot.nodes.iter().filter(|n| !n.up).count();
    format!(
        "{state} | {} nodes, {down} down | open slots: {} | refreshed {h:02}:{m:02}:{s:02} UTC",
        snapshot.nodes.len(),
        snapshot.open_slots
    )
}
