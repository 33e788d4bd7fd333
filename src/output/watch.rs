//! `watch`'s full-screen view (ratatui on crossterm): masters with slots, keys, memory and ops/s,
//! replicas with their lag, nodes that are down highlighted, and a footer with the cluster state.
//! [`Screen`] owns the terminal (restored on drop, also on error or panic through `ratatui::init`);
//! `commands::watch` reads a [`Snapshot`] every interval and shows it.

use crate::exec::sample::{NodeSample, Snapshot};
use crate::net::NodeAddress;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Paragraph, Row, Table};
use std::time::{Duration, Instant};

/// The terminal in full-screen mode while it lives.
pub struct Screen {
    terminal: ratatui::DefaultTerminal,
}

impl Screen {
    pub fn open() -> Screen {
        Screen {
            terminal: ratatui::init(),
        }
    }

    /// Draws `snapshot`.
    pub fn show(&mut self, snapshot: &Snapshot, seed: &NodeAddress) -> std::io::Result<()> {
        self.terminal
            .draw(|frame| draw(frame, snapshot, seed))
            .map(|_| ())
    }

    /// Waits `interval` for `q`, Esc or Ctrl-C; whether one came.
    pub fn quit_within(&mut self, interval: Duration) -> std::io::Result<bool> {
        let until = Instant::now() + interval;
        while Instant::now() < until {
            let wait = until.saturating_duration_since(Instant::now());
            // The only task on this thread between refreshes: polling the keyboard may block it.
            if event::poll(wait.min(Duration::from_millis(100)))?
                && let Event::Key(key) = event::read()?
            {
                let ctrl_c =
                    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
                if matches!(key.code, KeyCode::Char('q') | KeyCode::Esc) || ctrl_c {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        ratatui::restore();
    }
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

/// The column names of the rows.
pub const HEADER: [&str; 8] = [
    "node", "role", "state", "slots", "keys", "memory", "ops/s", "lag",
];

/// One row of cells per node: masters first, each followed by its replicas' lag. Pure.
pub fn rows(snapshot: &Snapshot) -> Vec<Vec<String>> {
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

pub fn footer(snapshot: &Snapshot, seed: &NodeAddress) -> String {
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
    let moving = match snapshot.server_side_moves.len() {
        0 => String::new(),
        n => format!(" | server-side moves: {n}"),
    };
    format!(
        "{state} | {} nodes, {down} down | open slots: {}{moving} | refreshed {h:02}:{m:02}:{s:02} UTC",
        snapshot.nodes.len(),
        snapshot.open_slots
    )
}
