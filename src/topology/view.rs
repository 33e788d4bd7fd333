//! [`ClusterView`]: every node the seed knows, each with the seed's opinion of it and, when it answered,
//! its own full `CLUSTER NODES` table. Disagreement between nodes is data kept here, not an error.
//!
//! Built by [`super::load`] from live nodes, or by [`ClusterView::from_tables`] from captured text in tests.

use super::parse::{NodeEntry, ParseError, parse_cluster_nodes};
use crate::net::{NetError, NodeAddress};

/// Why a node's own table could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unread {
    #[error("the node has no address (noaddr)")]
    NoAddress,
    #[error("the node is still in handshake")]
    Handshake,
    #[error(transparent)]
    Net(#[from] NetError),
    /// Its reply could not be read, or (fixtures) any other reason.
    #[error("{0}")]
    Other(String),
}

/// The loaded cluster.
#[derive(Debug, Clone)]
pub struct ClusterView {
    /// The node the user named.
    pub seed: NodeAddress,
    /// The seed first, then every other node in the order of the seed's `CLUSTER NODES`.
    pub nodes: Vec<NodeView>,
}

/// One node: the seed's line about it and, when reachable, its own table.
#[derive(Debug, Clone)]
pub struct NodeView {
    pub address: NodeAddress,
    pub seen_by_seed: NodeEntry,
    /// The node's own `CLUSTER NODES`, or why it could not be read.
    pub own: Result<Vec<NodeEntry>, Unread>,
    /// The node's own `myself` line, or the seed's line when it did not answer.
    me: NodeEntry,
    /// Keys in every database (`INFO keyspace`), asked in the same round trip as `CLUSTER NODES`
    /// (live views only).
    pub keys: Option<u64>,
    /// The same per database (Valkey 9 serves several in cluster mode).
    pub keyspace: Option<crate::net::Keyspace>,
    /// `INFO replication`, read in the same round trip (full loads only).
    pub replication: Option<crate::net::Replication>,
    /// How long the node took to answer (connection included; live views only).
    pub latency: Option<std::time::Duration>,
}

impl NodeView {
    pub fn new(
        address: NodeAddress,
        seen_by_seed: NodeEntry,
        own: Result<Vec<NodeEntry>, Unread>,
    ) -> NodeView {
        let me = own
            .as_deref()
            .ok()
            .and_then(|table| table.iter().find(|n| n.flags.myself))
            .unwrap_or(&seen_by_seed)
            .clone();
        NodeView {
            address,
            seen_by_seed,
            own,
            me,
            keys: None,
            keyspace: None,
            replication: None,
            latency: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.seen_by_seed.id
    }

    /// The node's own table, when it answered.
    pub fn own_table(&self) -> Option<&[NodeEntry]> {
        self.own.as_deref().ok()
    }

    /// The node's own `myself` line, or the seed's line about it when it did not answer.
    pub fn myself(&self) -> &NodeEntry {
        &self.me
    }

    pub fn is_reachable(&self) -> bool {
        self.own.is_ok()
    }

    /// Why the node could not be read.
    pub fn error(&self) -> Option<&Unread> {
        self.own.as_ref().err()
    }

    /// Flagged `fail` or `noaddr` by itself or by the seed.
    pub fn is_flagged_failed(&self) -> bool {
        let flags = [&self.seen_by_seed.flags, &self.myself().flags];
        flags.iter().any(|f| f.fail || f.noaddr)
    }

    /// A node redis-cli would load: reachable and not flagged failed.
    pub fn is_loaded(&self) -> bool {
        self.is_reachable() && !self.is_flagged_failed()
    }

    pub fn is_master(&self) -> bool {
        self.myself().is_master()
    }
}

impl ClusterView {
    /// Builds a view from the seed's table text and, per node id, each node's own table text (or error).
    /// Used by tests with captured fixtures; the loader builds the same structure from live replies.
    pub fn from_tables(
        seed: NodeAddress,
        seed_table: &str,
        own_tables: &[(&str, Result<&str, &str>)],
    ) -> Result<ClusterView, ParseError> {
        let entries = parse_cluster_nodes(seed_table)?;
        let mut nodes = Vec::new();
        for entry in ordered_seed_first(entries) {
            let own = if entry.flags.myself {
                Ok(parse_cluster_nodes(seed_table)?)
            } else {
                match own_tables.iter().find(|(id, _)| *id == entry.id) {
                    Some((_, Ok(text))) => Ok(parse_cluster_nodes(text)?),
                    Some((_, Err(reason))) => Err(Unread::Other(reason.to_string())),
                    None => Err(Unread::Other("not contacted".to_string())),
                }
            };
            let address = if entry.flags.myself {
                seed.clone()
            } else {
                NodeAddress::new(entry.addr.ip.clone(), entry.addr.port)
            };
            nodes.push(NodeView::new(address, entry, own));
        }
        Ok(ClusterView { seed, nodes })
    }

    /// Nodes redis-cli would load (reachable, not failed), in view order.
    pub fn loaded(&self) -> impl Iterator<Item = &NodeView> {
        self.nodes.iter().filter(|n| n.is_loaded())
    }

    /// Loaded masters, in view order.
    pub fn loaded_masters(&self) -> impl Iterator<Item = &NodeView> {
        self.loaded().filter(|n| n.is_master())
    }

    pub fn node_by_id(&self, id: &str) -> Option<&NodeView> {
        self.nodes.iter().find(|n| n.id().eq_ignore_ascii_case(id))
    }

    /// The master a replica follows, by the replica's own table.
    pub fn master_of(&self, replica: &NodeView) -> Option<&NodeView> {
        let id = replica.myself().master_id.as_deref()?;
        self.node_by_id(id)
    }

    /// The node among those `wanted` whose id is `id`, or the only one whose id starts with it (ids
    /// as users type them: full, or a prefix of at least [`MIN_ID_PREFIX`] characters that is unique;
    /// any case).
    pub fn find_node(&self, id: &str, wanted: impl Fn(&NodeView) -> bool) -> Option<&NodeView> {
        let id = id.to_ascii_lowercase();
        if let Some(exact) = self.find_node_exact(&id, &wanted) {
            return Some(exact);
        }
        let candidates = || self.nodes.iter().filter(|n| wanted(n));
        let long_enough = id.len() >= MIN_ID_PREFIX;
        let mut matches = candidates().filter(|n| long_enough && n.id().starts_with(&id));
        let first = matches.next();
        first.filter(|_| matches.next().is_none())
    }

    /// The node among those `wanted` whose full id is `id` (any case): what destructive commands take,
    /// as redis-cli's `del-node` does.
    pub fn find_node_exact(
        &self,
        id: &str,
        wanted: impl Fn(&NodeView) -> bool,
    ) -> Option<&NodeView> {
        let id = id.to_ascii_lowercase();
        self.nodes
            .iter()
            .filter(|n| wanted(n))
            .find(|n| n.id() == id)
    }

    /// Why [`find_node`](Self::find_node) found no loaded master for `id`, in words for the user: an
    /// id prefix too short or matching several nodes, a node that is a replica (and of which master),
    /// one that could not be read, or no such node.
    pub fn why_no_master(&self, id: &str) -> String {
        let id = id.trim().to_ascii_lowercase();
        if id.is_empty() {
            return "an empty node id names no master".to_string();
        }
        let matching: Vec<&NodeView> = self
            .nodes
            .iter()
            .filter(|n| n.id().starts_with(&id))
            .collect();
        let nodes = |n: usize| crate::words::counted(n, "node", "nodes");
        if let Some(node) = self.find_node_exact(&id, |_| true) {
            return self.not_a_master(node);
        }
        if id.len() < MIN_ID_PREFIX {
            let matches = match matching.len() {
                0 => "it matches no node".to_string(),
                n => format!("it matches {}", nodes(n)),
            };
            return format!(
                "node id prefix '{id}' is too short ({matches}): give at least {MIN_ID_PREFIX} characters of the id, or all of it"
            );
        }
        match matching.as_slice() {
            [] => format!("no node of the cluster has an id starting with '{id}'"),
            [node] => self.not_a_master(node),
            several => format!(
                "node id prefix '{id}' matches {}: give more characters of the id",
                nodes(several.len())
            ),
        }
    }

    /// Why `node` is not a loaded master.
    fn not_a_master(&self, node: &NodeView) -> String {
        let named = format!(
            "node {} ({})",
            super::check::short_id(node.id()),
            node.address
        );
        if !node.is_reachable() {
            return format!("{named} could not be read, so it cannot be used");
        }
        if node.is_flagged_failed() {
            return format!("{named} is marked as failed");
        }
        match self.master_of(node) {
            Some(master) => format!("{named} is a replica of {}: name a master", master.address),
            None if !node.is_master() => format!("{named} is a replica: name a master"),
            None => format!("{named} is not a master"),
        }
    }

    /// Number of loaded replicas that name `master_id` as their master.
    pub fn loaded_replica_count(&self, master_id: &str) -> usize {
        self.loaded()
            .filter(|n| n.myself().master_id.as_deref() == Some(master_id))
            .count()
    }
}

/// The shortest id prefix a command takes in place of a full id (`check` shows 8 characters).
pub const MIN_ID_PREFIX: usize = 8;

/// The seed's entries with its `myself` line first, the rest in reply order.
pub(super) fn ordered_seed_first(entries: Vec<NodeEntry>) -> Vec<NodeEntry> {
    let (mut ordered, others): (Vec<_>, Vec<_>) = entries.into_iter().partition(|e| e.flags.myself);
    ordered.extend(others);
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_node_takes_full_ids_and_unique_prefixes() {
        let table = "\
aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383
aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222 127.0.0.1:7001@17001 slave aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111 0 0 1 connected";
        let view =
            ClusterView::from_tables(NodeAddress::new("127.0.0.1", 7000), table, &[]).unwrap();
        let any = |_: &NodeView| true;
        assert_eq!(
            view.find_node("AAAA2222AAAA2222AAAA2222AAAA2222AAAA2222", any)
                .unwrap()
                .address
                .port,
            7001
        );
        assert_eq!(view.find_node("aaaa1111", any).unwrap().address.port, 7000);
        assert!(
            view.find_node("aaaa111", any).is_none(),
            "under 8 characters"
        );
        assert!(view.find_node("aaaa", any).is_none(), "ambiguous and short");
        assert!(view.find_node("", any).is_none());
        assert!(
            view.find_node("aaaa2222", |n| n.is_master()).is_none(),
            "filtered out"
        );
        assert!(
            view.find_node_exact("aaaa2222", any).is_none(),
            "exact takes full ids"
        );
        assert_eq!(
            view.why_no_master("aaaa"),
            "node id prefix 'aaaa' is too short (it matches 2 nodes): give at least 8 characters of the id, or all of it"
        );
        let replica_table = table
            .replace("myself,master", "master")
            .replace(" slave ", " myself,slave ");
        let view = ClusterView::from_tables(
            NodeAddress::new("127.0.0.1", 7000),
            table,
            &[(
                "aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222",
                Ok(replica_table.as_str()),
            )],
        )
        .unwrap();
        assert_eq!(
            view.why_no_master("aaaa2222"),
            "node aaaa2222 (127.0.0.1:7001) is a replica of 127.0.0.1:7000: name a master"
        );
        assert_eq!(
            view.why_no_master("bbbb2222"),
            "no node of the cluster has an id starting with 'bbbb2222'"
        );
        assert!(
            view.find_node_exact("aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222", any)
                .is_some()
        );
    }
}
