//! The `CLUSTER NODES` parser: text in, typed [`NodeEntry`] values out, exactly once.
//!
//! Pure and total: any input gives either entries or a [`ParseError`] naming the offending line; it never
//! panics (a proptest feeds it arbitrary and mutated text). Understands `ip:port@cport[,hostname][,k=v]*`,
//! the older `ip:port` form, every flag word, link state, slot ranges and the open-slot markers
//! `[slot->-id]` (migrating) and `[slot-<-id]` (importing).

use super::slots::{Slot, SlotSet};
use serde::Serialize;
use std::fmt;

/// A `CLUSTER NODES` line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CLUSTER NODES reply, line {line}: {reason}: '{text}'")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// The line itself (shortened when very long).
    pub text: String,
    pub reason: String,
}

/// Where a node says it can be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeAddr {
    /// IP (or announced endpoint); empty for `noaddr` nodes.
    pub ip: String,
    pub port: u16,
    /// Cluster bus port; absent in the pre-4.0 format.
    pub bus_port: Option<u16>,
    /// `cluster-announce-hostname`, when announced.
    pub hostname: Option<String>,
}

impl NodeAddr {
    /// `ip:port`, with brackets around IPv6 addresses.
    pub fn host_port(&self) -> String {
        if self.ip.contains(':') {
            format!("[{}]:{}", self.ip, self.port)
        } else {
            format!("{}:{}", self.ip, self.port)
        }
    }

    /// Whether the address can be connected to at all.
    pub fn is_usable(&self) -> bool {
        !self.ip.is_empty() && self.port != 0
    }
}

/// The flag words of a line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NodeFlags {
    pub myself: bool,
    pub master: bool,
    /// `slave` (or Valkey's `replica`).
    pub replica: bool,
    /// `fail?`: this node's own suspicion.
    pub pfail: bool,
    /// `fail`: the cluster agreed the node failed.
    pub fail: bool,
    pub handshake: bool,
    pub noaddr: bool,
    pub nofailover: bool,
    /// The flags as written (`myself,master`).
    pub raw: String,
}

impl NodeFlags {
    fn parse(text: &str) -> NodeFlags {
        let mut flags = NodeFlags {
            raw: text.to_string(),
            ..NodeFlags::default()
        };
        for word in text.split(',') {
            match word {
                "myself" => flags.myself = true,
                "master" => flags.master = true,
                "slave" | "replica" => flags.replica = true,
                "fail?" => flags.pfail = true,
                "fail" => flags.fail = true,
                "handshake" => flags.handshake = true,
                "noaddr" => flags.noaddr = true,
                "nofailover" => flags.nofailover = true,
                _ => {}
            }
        }
        flags
    }

    /// The words without `myself`, comma-joined, as redis-cli prints them.
    pub fn display_words(&self) -> String {
        self.raw
            .split(',')
            .filter(|w| !w.is_empty() && *w != "myself" && *w != "noflags")
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// State of the cluster-bus link to the node, as seen by the reporting node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    Connected,
    Disconnected,
}

/// One line of `CLUSTER NODES`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeEntry {
    pub id: String,
    pub addr: NodeAddr,
    pub flags: NodeFlags,
    /// The master's id when this is a replica.
    pub master_id: Option<String>,
    pub ping_sent: u64,
    pub pong_recv: u64,
    pub config_epoch: u64,
    pub link_state: LinkState,
    /// Slots this node serves (open-slot markers excluded).
    pub slots: SlotSet,
    /// `[slot->-id]`: slots being migrated to node `id`.
    pub migrating: Vec<(Slot, String)>,
    /// `[slot-<-id]`: slots being imported from node `id`.
    pub importing: Vec<(Slot, String)>,
}

impl NodeEntry {
    /// A master is any node not flagged as a replica.
    pub fn is_master(&self) -> bool {
        !self.flags.replica
    }
}

#[derive(Debug)]
struct LineError(String);

impl<T: fmt::Display> From<T> for LineError {
    fn from(reason: T) -> Self {
        LineError(reason.to_string())
    }
}

/// Parses a whole `CLUSTER NODES` reply. Blank lines are ignored.
pub fn parse_cluster_nodes(text: &str) -> Result<Vec<NodeEntry>, ParseError> {
    let error = |index: usize, line: &str, reason: String| ParseError {
        line: index + 1,
        text: line.chars().take(200).collect(),
        reason,
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .take(MAX_NODES + 1)
        .collect();
    if let Some(&(index, line)) = lines.get(MAX_NODES) {
        let reason = format!("more than {MAX_NODES} nodes, more than any cluster this tool loads");
        return Err(error(index, line, reason));
    }
    let mut entries = Vec::with_capacity(lines.len());
    let mut myself_seen = false;
    for (index, line) in lines {
        let entry =
            parse_line(line.trim()).map_err(|LineError(reason)| error(index, line, reason))?;
        if entry.flags.myself && std::mem::replace(&mut myself_seen, true) {
            return Err(error(index, line, "a second `myself` line".into()));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The most nodes a `CLUSTER NODES` reply may list (Redis Cluster is designed for up to 1,000): a
/// longer reply is refused before any node in it is contacted.
pub const MAX_NODES: usize = 2000;

/// A node id as the servers write it: 40 hexadecimal characters.
fn is_node_id(id: &str) -> bool {
    id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn parse_line(line: &str) -> Result<NodeEntry, LineError> {
    let mut tokens = line.split_ascii_whitespace();
    let mut fields = [""; 8];
    for (index, field) in fields.iter_mut().enumerate() {
        *field = tokens
            .next()
            .ok_or_else(|| LineError(format!("expected at least 8 fields, found {index}")))?;
    }
    let id = fields[0];
    if !is_node_id(id) {
        return Err(LineError(format!(
            "bad node id '{id}' (40 hex characters expected)"
        )));
    }
    let flags = NodeFlags::parse(fields[2]);
    let master_id = match fields[3] {
        "-" => None,
        other if is_node_id(other) => Some(other.to_string()),
        other => return Err(LineError(format!("bad master id '{other}'"))),
    };
    let link_state = match fields[7] {
        "connected" => LinkState::Connected,
        "disconnected" => LinkState::Disconnected,
        other => return Err(LineError(format!("bad link state '{other}'"))),
    };
    let mut entry = NodeEntry {
        id: id.to_string(),
        addr: parse_addr(fields[1])?,
        flags,
        master_id,
        ping_sent: number(fields[4], "ping-sent")?,
        pong_recv: number(fields[5], "pong-recv")?,
        config_epoch: number(fields[6], "config-epoch")?,
        link_state,
        slots: SlotSet::new(),
        migrating: Vec::new(),
        importing: Vec::new(),
    };
    for token in tokens {
        parse_slot_token(token, &mut entry)?;
    }
    Ok(entry)
}

fn number(text: &str, what: &str) -> Result<u64, LineError> {
    text.parse()
        .map_err(|_| LineError(format!("bad {what} '{text}'")))
}

fn slot(text: &str) -> Result<Slot, LineError> {
    Ok(text.parse::<Slot>()?)
}

/// `ip:port@cport[,hostname][,key=value]*`, `ip:port`, or `:0@0` for `noaddr`.
fn parse_addr(text: &str) -> Result<NodeAddr, LineError> {
    let (endpoint, bus_part) = match text.rsplit_once('@') {
        Some((endpoint, rest)) => (endpoint, Some(rest)),
        None => (text, None),
    };
    let (ip, port) = endpoint
        .rsplit_once(':')
        .ok_or_else(|| LineError(format!("bad address '{text}'")))?;
    let port = port
        .parse::<u16>()
        .map_err(|_| LineError(format!("bad port in address '{text}'")))?;
    let (bus_port, hostname) = match bus_part {
        None => (None, None),
        Some(rest) => {
            let mut parts = rest.split(',');
            let bus = parts.next().unwrap_or_default();
            let bus = bus
                .parse::<u16>()
                .map_err(|_| LineError(format!("bad bus port in address '{text}'")))?;
            let hostname = parts
                .next()
                .filter(|h| !h.is_empty() && !h.contains('='))
                .map(str::to_string);
            (Some(bus), hostname)
        }
    };
    let ip = ip.trim_start_matches('[').trim_end_matches(']').to_string();
    Ok(NodeAddr {
        ip,
        port,
        bus_port,
        hostname,
    })
}

/// `a`, `a-b`, `[a->-id]` or `[a-<-id]`.
fn parse_slot_token(token: &str, entry: &mut NodeEntry) -> Result<(), LineError> {
    if let Some(inner) = token.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if let Some((number, peer)) = inner.split_once("->-") {
            entry.migrating.push((slot(number)?, peer.to_string()));
        } else if let Some((number, peer)) = inner.split_once("-<-") {
            entry.importing.push((slot(number)?, peer.to_string()));
        } else {
            return Err(LineError(format!("bad open-slot marker '{token}'")));
        }
        return Ok(());
    }
    let (first, last) = super::slots::parse_slot_range(token)?;
    entry.slots.insert_range(first, last);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    const HEALTHY: &str = "\
9d7a29409ea220b8a17d60f8590499ef28af0f8d 127.0.0.1:41007@51007 myself,master - 0 1700000000000 1 connected 0-5460
e147aa51985c1d36ef3c1272b51240d918cf71ca 127.0.0.1:41013@51013 slave 9d7a29409ea220b8a17d60f8590499ef28af0f8d 0 1700000000100 1 connected
d64552469a86628f7a62a2efb4f359764e3d054b 127.0.0.1:41008@51008,node-b.local master - 0 1700000000200 2 connected 5461-10922 [5461->-26f7867510060252176a1c29251ba98bd2b33927]
26f7867510060252176a1c29251ba98bd2b33927 127.0.0.1:41010@51010 master,fail? - 1700000000000 1700000000300 3 disconnected 10923-16383 [5461-<-d64552469a86628f7a62a2efb4f359764e3d054b] 7
";

    #[test]
    fn parses_every_field() {
        let nodes = parse_cluster_nodes(HEALTHY).unwrap();
        assert_eq!(nodes.len(), 4);
        let me = &nodes[0];
        assert!(me.flags.myself && me.flags.master && me.is_master());
        assert_eq!(me.addr.host_port(), "127.0.0.1:41007");
        assert_eq!(me.addr.bus_port, Some(51007));
        assert_eq!(me.slots.len(), 5461);
        assert_eq!(me.flags.display_words(), "master");
        let replica = &nodes[1];
        assert!(replica.flags.replica && !replica.is_master());
        assert_eq!(replica.master_id.as_deref(), Some(me.id.as_str()));
        let b = &nodes[2];
        assert_eq!(b.addr.hostname.as_deref(), Some("node-b.local"));
        assert_eq!(b.migrating.len(), 1);
        assert_eq!(b.migrating[0].0.number(), 5461);
        let c = &nodes[3];
        assert!(c.flags.pfail && !c.flags.fail);
        assert_eq!(c.link_state, LinkState::Disconnected);
        assert_eq!(c.ping_sent, 1700000000000);
        assert_eq!(c.config_epoch, 3);
        assert_eq!(c.importing[0].1, b.id);
        assert_eq!(c.slots.len(), 5461 + 1);
    }

    #[test]
    fn hostile_replies_are_refused_with_the_line() {
        let short_id = "zz 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383";
        let error = parse_cluster_nodes(short_id).unwrap_err();
        assert!(error.reason.contains("bad node id 'zz'"), "{error}");
        let first = HEALTHY.lines().next().unwrap();
        let twice = format!("{first}\n{}", first.replace("9d7a", "9d7b"));
        let error = parse_cluster_nodes(&twice).unwrap_err();
        assert_eq!(
            (error.line, error.reason.as_str()),
            (2, "a second `myself` line")
        );
        let bad_master = first.replace("myself,master -", "slave xyz");
        assert!(parse_cluster_nodes(&bad_master).is_err());
        let many: String = (0..=MAX_NODES)
            .map(|i| format!("{i:040x} 127.0.0.1:7000@17000 master - 0 0 1 connected\n"))
            .collect();
        let error = parse_cluster_nodes(&many).unwrap_err();
        assert_eq!(error.line, MAX_NODES + 1);
        assert!(
            error.to_string().contains("more than 2000 nodes"),
            "{error}"
        );
    }

    #[test]
    fn parses_special_addresses() {
        let noaddr = parse_addr(":0@0").unwrap();
        assert!(!noaddr.is_usable());
        let v6 = parse_addr("::1:7000@17000").unwrap();
        assert_eq!(v6.ip, "::1");
        assert_eq!(v6.host_port(), "[::1]:7000");
        let old = parse_addr("10.0.0.1:6379").unwrap();
        assert_eq!(old.bus_port, None);
        let valkey = parse_addr("127.0.0.1:30001@40001,,tls-port=0,shard-id=abc").unwrap();
        assert_eq!(valkey.hostname, None);
        assert_eq!(valkey.bus_port, Some(40001));
        let with_aux = parse_addr("127.0.0.1:30001@40001,host-a,shard-id=abc").unwrap();
        assert_eq!(with_aux.hostname.as_deref(), Some("host-a"));
    }

    #[test]
    fn errors_name_the_line() {
        let text = format!("{A} 127.0.0.1:1@2 master - 0 0 1 connected\nbroken line\n");
        let text = text.as_str();
        let error = parse_cluster_nodes(text).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.to_string().contains("line 2"), "{error}");
        for bad in [
            "127.0.0.1:1@2 master - 0 0 1 connected 16384",
            "127.0.0.1:1@2 master - 0 0 1 connected 5-3",
            "127.0.0.1:1@2 master - 0 0 1 connected [5=>x]",
            "127.0.0.1:1@2 master - 0 0 1 sideways",
            "127.0.0.1:x@2 master - 0 0 1 connected",
            "127.0.0.1:1@2 master - zero 0 1 connected",
        ] {
            let bad = format!("{A} {bad}");
            assert!(parse_cluster_nodes(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_captured_fixtures() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cluster_nodes");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).unwrap();
                let nodes = parse_cluster_nodes(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(
                    nodes.iter().filter(|n| n.flags.myself).count(),
                    1,
                    "{}",
                    path.display()
                );
            }
        }
    }

    proptest! {
        #[test]
        fn fuzz_cluster_nodes_text_never_panics(text in "\\PC{0,400}") {
            let _ = parse_cluster_nodes(&text);
        }

        #[test]
        fn fuzz_cluster_nodes_mutations_never_panic(
            position in 0usize..HEALTHY.len(),
            insert in "[ \\-\\[\\]<>@:,0-9a-z?]{0,6}",
            cut in 0usize..8,
        ) {
            let mut text = HEALTHY.to_string();
            let position = (0..=position).rev().find(|p| text.is_char_boundary(*p)).unwrap_or(0);
            let end = (position + cut).min(text.len());
            if text.is_char_boundary(end) {
                text.replace_range(position..end, &insert);
            }
            let _ = parse_cluster_nodes(&text);
        }

        #[test]
        fn slot_ranges_round_trip(first in 0u64..16384, len in 0u64..200) {
            let last = (first + len).min(16383);
            let line = format!("{A} 127.0.0.1:1@2 master - 0 0 1 connected {first}-{last}");
            let nodes = parse_cluster_nodes(&line).unwrap();
            prop_assert_eq!(nodes[0].slots.len() as u64, last - first + 1);
        }
    }
}
