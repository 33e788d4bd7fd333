//! `watch`'s full-screen view (ratatui on crossterm): masters with slots, keys, memory and ops/s,
//! replicas with their link (up, first sync pending, syncing, down) and their lag in bytes and in
//! seconds, nodes that are down highlighted (and replicas whose link is not up), and a footer with
//! the cluster state.
//! [`Screen`] owns the terminal (restored on drop, also on error or panic through `ratatui::init`);
//! `commands::watch` reads a [`Snapshot`] every interval and shows it.

use crate::exec::sample::{NodeSample, Snapshot, link_state};
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
            } else if link(snapshot, node).is_some_and(|l| !l.starts_with("up")) {
                Style::default().fg(Color::Yellow)
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
        Constraint::Length(11),
        Constraint::Length(10),
        Constraint::Length(6),
    ];
    let table = Table::new(lines, widths)
        .header(header)
        .block(Block::bordered().title(format!(" rcluster watch {seed} (q quits) ")));
    frame.render_widget(table, body);
    frame.render_widget(Paragraph::new(footer(snapshot, seed)), foot);
}

/// The column names of the rows: `lag` is in bytes behind the master, `lag_s` the seconds since the
/// replica last acknowledged its master's stream.
pub const HEADER: [&str; 10] = [
    "node", "role", "state", "slots", "keys", "memory", "ops/s", "link", "lag", "lag_s",
];

/// One row of cells per node: masters first, then the replicas with their link and lag. Pure.
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
    let of_node = |list: &[(String, i64)]| {
        list.iter()
            .find(|(addr, _)| *addr == node.addr)
            .map_or("-".into(), |(_, value)| value.to_string())
    };
    let lag = of_node(&snapshot.replica_lag);
    let lag_seconds = of_node(&snapshot.replica_lag_seconds);
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
        link(snapshot, node).unwrap_or_else(|| "-".into()),
        lag,
        lag_seconds,
    ]
}

/// A replica's link cell: `up`, `first_sync`, `syncing`, or `down` with how long (`down(12s)`);
/// `None` for a master or a replica that did not answer.
fn link(snapshot: &Snapshot, node: &NodeSample) -> Option<String> {
    let (_, replication) = snapshot
        .replica_links
        .iter()
        .find(|(addr, _)| *addr == node.addr)?;
    let state = link_state(replication);
    Some(match replication.link_down_seconds {
        Some(seconds) if state == "down" => format!("down({seconds}s)"),
        _ => state.to_string(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Replication;

    #[test]
    fn a_replica_row_shows_its_link_and_its_lag() {
        let replica = |port: u16| NodeSample {
            addr: format!("127.0.0.1:{port}"),
            role: "slave",
            up: true,
            ..NodeSample::default()
        };
        let pending = Replication::parse(
            "role:slave\r\nmaster_link_status:down\r\nmaster_sync_in_progress:0\r\nmaster_link_down_since_seconds:-1\r\nslave_repl_offset:0\r\n",
        );
        let down = Replication::parse(
            "role:slave\r\nmaster_link_status:down\r\nmaster_sync_in_progress:0\r\nmaster_link_down_since_seconds:12\r\nslave_repl_offset:400\r\n",
        );
        let synced = Replication::parse(
            "role:slave\r\nmaster_link_status:up\r\nmaster_sync_in_progress:0\r\nslave_repl_offset:900\r\n",
        );
        let snapshot = Snapshot {
            loaded: true,
            nodes: vec![replica(7003), replica(7004), replica(7005)],
            replica_lag: vec![
                ("127.0.0.1:7003".into(), 100),
                ("127.0.0.1:7005".into(), 2048),
            ],
            replica_lag_seconds: vec![("127.0.0.1:7003".into(), 0), ("127.0.0.1:7005".into(), 1)],
            replica_links: vec![
                ("127.0.0.1:7003".into(), synced),
                ("127.0.0.1:7004".into(), down),
                ("127.0.0.1:7005".into(), pending),
            ],
            ..Snapshot::default()
        };
        let rows = rows(&snapshot);
        let tail = |row: &Vec<String>| row[7..].to_vec();
        assert_eq!(tail(&rows[0]), ["up", "100", "0"]);
        assert_eq!(tail(&rows[1]), ["down(12s)", "-", "-"]);
        assert_eq!(tail(&rows[2]), ["first_sync", "2048", "1"]);
        assert_eq!(rows[0].len(), HEADER.len());
    }
}
