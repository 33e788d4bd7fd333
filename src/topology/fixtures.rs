//! Test support: views built from the captured `CLUSTER NODES` fixtures in
//! `tests/fixtures/cluster_nodes`, and from a hand-built four-node cluster ([`edited_view`]), for
//! the checks' and planners' unit tests.

use super::{ClusterView, parse_cluster_nodes};
use crate::net::NodeAddress;

pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/cluster_nodes/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The seed's reply as node `id` would give it (same table, `myself` moved).
pub fn as_seen_by(text: &str, id: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.replacen("myself,", "", 1);
            if line.starts_with(id) {
                let mut fields: Vec<&str> = line.split(' ').collect();
                let flags = format!("myself,{}", fields[2]);
                fields[2] = &flags;
                fields.join(" ")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A view seeded with `seed`, where each of `others` is that node's own reply, every node in
/// `unreachable` (by port) failed with "refused", and every other node agrees with the seed.
pub fn view(seed: &str, others: &[&str], unreachable: &[u16]) -> ClusterView {
    let seed_text = fixture(seed);
    let texts: Vec<String> = others.iter().map(|name| fixture(name)).collect();
    let seed_entries = parse_cluster_nodes(&seed_text).unwrap();
    let mut own: Vec<(String, Result<String, &str>)> = texts
        .iter()
        .map(|text| {
            let entries = parse_cluster_nodes(text).unwrap();
            let me = entries.iter().find(|e| e.flags.myself).unwrap();
            (me.id.clone(), Ok(text.clone()))
        })
        .collect();
    for entry in &seed_entries {
        if unreachable.contains(&entry.addr.port) {
            own.push((entry.id.clone(), Err("refused")));
        } else if !own.iter().any(|(id, _)| *id == entry.id) {
            own.push((entry.id.clone(), Ok(as_seen_by(&seed_text, &entry.id))));
        }
    }
    let own: Vec<(&str, Result<&str, &str>)> = own
        .iter()
        .map(|(id, text)| {
            (
                id.as_str(),
                text.as_ref().map(String::as_str).map_err(|e| *e),
            )
        })
        .collect();
    let me = seed_entries.iter().find(|e| e.flags.myself).unwrap();
    ClusterView::from_tables(
        NodeAddress::new("127.0.0.1", me.addr.port),
        &seed_text,
        &own,
    )
    .unwrap()
}

pub const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
pub const C: &str = "cccccccccccccccccccccccccccccccccccccccc";
pub const R: &str = "dddddddddddddddddddddddddddddddddddddddd";

/// The healthy cluster: A, B, C masters, R replica of A. `slots` overrides a node's slot field.
fn line(id: &str, slots: Option<&str>) -> String {
    let (port, role, epoch, default) = match id {
        A => (7000, "master -", 1, "0-5460"),
        B => (7001, "master -", 2, "5461-10922"),
        C => (7002, "master -", 3, "10923-16383"),
        _ => (
            7003,
            "slave aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            1,
            "",
        ),
    };
    format!(
        "{id} 127.0.0.1:{port}@{} {role} 0 0 {epoch} connected {}",
        port + 10000,
        slots.unwrap_or(default)
    )
    .trim_end()
    .to_string()
}

/// Node `me`'s own table, where `edits` give some nodes other slot fields.
fn table(me: &str, edits: &[(&str, &str)]) -> String {
    [A, B, C, R]
        .iter()
        .map(|id| {
            let edit = edits.iter().find(|(who, _)| who == id).map(|(_, s)| *s);
            let text = line(id, edit);
            if *id == me {
                text.replacen(" master", " myself,master", 1)
                    .replacen(" slave", " myself,slave", 1)
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The hand-built cluster of [`line`], every node reachable: each node's own table applies
/// `own_edits[node]` (its opinion) on top of `shared`.
pub fn edited_view(shared: &[(&str, &str)], own_edits: &[(&str, &[(&str, &str)])]) -> ClusterView {
    let tables: Vec<(&str, String)> = [A, B, C, R]
        .iter()
        .map(|id| {
            let mut edits = shared.to_vec();
            if let Some((_, mine)) = own_edits.iter().find(|(who, _)| who == id) {
                edits.retain(|(who, _)| !mine.iter().any(|(m, _)| m == who));
                edits.extend_from_slice(mine);
            }
            (*id, table(id, &edits))
        })
        .collect();
    let own: Vec<(&str, Result<&str, &str>)> = tables[1..]
        .iter()
        .map(|(id, text)| (*id, Ok(text.as_str())))
        .collect();
    ClusterView::from_tables(NodeAddress::new("127.0.0.1", 7000), &tables[0].1, &own).unwrap()
}
