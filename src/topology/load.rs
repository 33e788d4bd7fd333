//! The loader: the only networked part of the topology. From one seed it learns every node and asks
//! each for its own `CLUSTER NODES` concurrently, every call bounded by the session's timeouts. A dead or
//! hung node is kept in the view with the reason it could not be read; it is never dropped.

use super::parse::{ParseError, parse_cluster_nodes};
use super::view::{ClusterView, NodeView, Unread, ordered_seed_first};
use crate::net::{Keyspace, NetError, NodeAddress, Replication, Session, concurrently};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// Why the cluster could not be loaded at all (the seed failed).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Net(#[from] NetError),
    /// The reply is named once in the message (it is not also the error's source, which would print
    /// it twice in a chain).
    #[error("{address}: {reply}")]
    Parse {
        address: NodeAddress,
        reply: ParseError,
    },
}

/// Loads the cluster reachable from `seed`: every node's own table and keys (every database).
pub async fn load_cluster_view(
    session: &Arc<Session>,
    seed: &NodeAddress,
) -> Result<ClusterView, LoadError> {
    load(session, seed, Depth::Full).await
}

/// Loads the seed's table and every node's keys (`INFO keyspace`) only: roles and slots are the seed's
/// opinion. For `info`, `setslot` and other commands that do not judge agreement; a tenth of the
/// server work of a full load (`CLUSTER NODES` costs each node far more than `INFO keyspace`).
pub async fn load_cluster_summary(
    session: &Arc<Session>,
    seed: &NodeAddress,
) -> Result<ClusterView, LoadError> {
    load(session, seed, Depth::Summary).await
}

/// How much to ask of each node other than the seed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// `CLUSTER NODES` and `INFO keyspace`.
    Full,
    /// `INFO keyspace` and `ROLE` only; the node's own table is the seed's line about it.
    Summary,
}

async fn load(
    session: &Arc<Session>,
    seed: &NodeAddress,
    depth: Depth,
) -> Result<ClusterView, LoadError> {
    let started = Instant::now();
    let mut client = session.client(seed).await?;
    let (seed_text, seed_keys, seed_replication) = client.cluster_nodes_and_keyspace().await?;
    let seed_latency = started.elapsed();
    let parse_error = |reply| LoadError::Parse {
        address: seed.clone(),
        reply,
    };
    let entries = ordered_seed_first(parse_cluster_nodes(&seed_text).map_err(parse_error)?);
    let seed_table = Arc::new(entries.clone());
    let own_tables = concurrently(entries.clone(), |entry| {
        let session = Arc::clone(session);
        let seed_table = Arc::clone(&seed_table);
        async move {
            if entry.flags.myself {
                return None;
            }
            let started = Instant::now();
            let own = read_own_table(&session, &entry, &seed_table, depth).await;
            Some((own, started.elapsed()))
        }
    })
    .await;
    let nodes = entries
        .into_iter()
        .zip(own_tables)
        .map(|(entry, own)| {
            let address = if entry.flags.myself {
                seed.clone()
            } else {
                NodeAddress::new(entry.addr.ip.clone(), entry.addr.port)
            };
            let (own, keys, replication, latency) = match own {
                None => (
                    Ok(seed_table.to_vec()),
                    Some(seed_keys.clone()),
                    Some(seed_replication.clone()),
                    seed_latency,
                ),
                Some((Ok((table, keys, replication)), latency)) => {
                    (Ok(table), Some(keys), replication, latency)
                }
                Some((Err(reason), latency)) => (Err(reason), None, None, latency),
            };
            let mut node = NodeView::new(address, entry, own);
            node.keys = keys.as_ref().map(Keyspace::total);
            node.keyspace = keys;
            node.replication = replication;
            node.latency = Some(latency);
            node
        })
        .collect();
    Ok(ClusterView {
        seed: seed.clone(),
        nodes,
    })
}

/// The seed's line about a node, with the role the node itself gave (`ROLE`), marked `myself`: the
/// one-line own table of a summary load. A replica's master is the node at the address `ROLE` names
/// in the seed's table (the seed's own idea of the master when no node has that address).
fn as_it_says(
    entry: &super::NodeEntry,
    role: &crate::net::NodeRole,
    seed_table: &[super::NodeEntry],
) -> super::NodeEntry {
    use crate::net::NodeRole;
    let mut me = entry.clone();
    me.flags.myself = true;
    match role {
        NodeRole::Master => {
            me.flags.master = true;
            me.flags.replica = false;
            me.master_id = None;
        }
        NodeRole::Replica { host, port } => {
            me.flags.master = false;
            me.flags.replica = true;
            me.slots = super::SlotSet::new();
            let master = seed_table
                .iter()
                .find(|e| e.addr.ip == *host && e.addr.port == *port);
            if let Some(master) = master {
                me.master_id = Some(master.id.clone());
            }
        }
        NodeRole::Unknown => {}
    }
    me
}

/// A node's own table (at `Depth::Summary`, its one line as it says it is) and key count.
async fn read_own_table(
    session: &Session,
    entry: &super::NodeEntry,
    seed_table: &[super::NodeEntry],
    depth: Depth,
) -> Result<(Vec<super::NodeEntry>, Keyspace, Option<Replication>), Unread> {
    if entry.flags.noaddr || !entry.addr.is_usable() {
        return Err(Unread::NoAddress);
    }
    if entry.flags.handshake {
        return Err(Unread::Handshake);
    }
    let address = NodeAddress::new(entry.addr.ip.clone(), entry.addr.port);
    let mut client = session.client(&address).await?;
    if depth == Depth::Summary {
        let (keys, role) = client.keyspace_and_role().await?;
        return Ok((vec![as_it_says(entry, &role, seed_table)], keys, None));
    }
    let (text, keys, replication) = client.cluster_nodes_and_keyspace().await?;
    let table = parse_cluster_nodes(&text).map_err(|e| Unread::Other(e.to_string()))?;
    Ok((table, keys, Some(replication)))
}

/// For `--search-multiple-owners`: per loaded master id, the key count of every slot it does not own
/// (pipelined on each master, masters concurrently).
pub async fn load_keys_in_unowned_slots(
    session: &Arc<Session>,
    view: &ClusterView,
) -> Result<HashMap<String, Vec<(u16, u64)>>, NetError> {
    count_keys_on_masters(session, view, |n| {
        n.myself()
            .slots
            .complement()
            .iter()
            .map(|s| s.number())
            .collect()
    })
    .await
}

/// Per loaded master id, the slots among `slots_of(master)` where it holds keys, with their counts
/// (COUNTKEYSINSLOT in every database that holds keys, masters concurrently).
pub async fn count_keys_on_masters(
    session: &Arc<Session>,
    view: &ClusterView,
    slots_of: impl Fn(&super::NodeView) -> Vec<u16>,
) -> Result<HashMap<String, Vec<(u16, u64)>>, NetError> {
    let masters: Vec<(String, NodeAddress, Vec<u16>)> = view
        .loaded_masters()
        .map(|n| (n.id().to_string(), n.address.clone(), slots_of(n)))
        .filter(|(_, _, slots)| !slots.is_empty())
        .collect();
    let results = concurrently(masters, |(id, address, slots)| {
        let session = Arc::clone(session);
        async move {
            let counts = session
                .client(&address)
                .await?
                .count_keys_in_slots(&slots)
                .await?;
            let nonzero = slots
                .into_iter()
                .zip(counts)
                .filter(|(_, c)| *c > 0)
                .collect();
            Ok::<_, NetError>((id, nonzero))
        }
    })
    .await;
    results.into_iter().collect()
}

/// Each address's own `CLUSTER NODES`, parsed, asked of all at once; `None` where it failed. For
/// polling loops that only need the tables.
pub async fn load_tables(
    session: &Arc<Session>,
    addresses: &[NodeAddress],
) -> Vec<Option<Vec<super::NodeEntry>>> {
    concurrently(addresses.to_vec(), |address| {
        let session = Arc::clone(session);
        async move {
            let text = session
                .client(&address)
                .await
                .ok()?
                .cluster_nodes()
                .await
                .ok()?;
            parse_cluster_nodes(&text).ok()
        }
    })
    .await
}

/// Whether every address answers, all describe the same slot owners, and none reports an open slot
/// (Valkey replicas follow their primary's IMPORTING/MIGRATING states a moment later).
pub async fn slot_maps_agree(session: &Arc<Session>, addresses: &[NodeAddress]) -> bool {
    super::settled::Settled::after_moves().holds(&load_tables(session, addresses).await)
}
