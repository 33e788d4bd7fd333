//! Membership I/O: a node joins (`CLUSTER MEET`, then a bounded wait until every member knows it
//! and it says `cluster_state:ok`), a new master gets the cluster's Redis Functions, a replica
//! follows a master (`CLUSTER REPLICATE`), and a node leaves (`CLUSTER FORGET` on every other node
//! at once, `CLUSTER RESET SOFT` on itself), or stays as a replica of a named master (the bounded
//! wait until every node lists it so and its first sync finished). Which node, which master and
//! whether a node may leave are decided by the commands, purely; nothing here chooses or prints, it
//! reports steps and returns what each node answered.
//!
//! Also the masters a run of slot moves left empty while `cluster-allow-replica-migration` is `no`
//! on them ([`drained_masters`]): such a master stays an empty master instead of becoming a replica.
//!
//! Called by `commands::add_node`, `commands::del_node` and `exec::run`.

use super::create::{NewNode, resolve};
use super::poll_until;
use crate::error::UsageError;
use crate::net::{NetError, NodeAddress, Session, concurrently};
use crate::plan::MovePlan;
use crate::report::Reporter;
use crate::topology::ClusterView;
use crate::topology::load::load_tables;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// redis-cli's function copy for a new master: dump from the cluster, refuse a node that has functions,
/// restore the dump.
pub async fn copy_functions(
    session: &Session,
    ui: &dyn Reporter,
    seed: &NodeAddress,
    new_node: &NewNode,
) -> anyhow::Result<()> {
    ui.step("Getting functions from cluster");
    let dump = session.client(seed).await?.function_dump().await;
    let payload = match dump {
        Ok(payload) => payload,
        Err(error) => {
            ui.step(&format!(
                    "Failed retrieving Functions from the cluster, skip this step as Redis version do not support function command (error = '{error}')"
                ));
            return Ok(());
        }
    };
    let address = &new_node.address;
    ui.step(&format!(
        "Send FUNCTION LIST to {address} to verify there is no functions in it"
    ));
    let mut client = session.client(address).await?;
    if client.function_library_count().await? > 0 {
        return Err(UsageError(format!(
            "New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again. ({address}: node already contains functions)"
        ))
        .into());
    }
    ui.step(&format!("Send FUNCTION RESTORE to {address}"));
    client.function_restore(&payload).await?;
    Ok(())
}

/// The new node meets the seed (by IP, with the seed's bus port when it is not port+10000).
pub async fn meet(
    session: &Session,
    view: &ClusterView,
    seed: &NodeAddress,
    new_node: &NewNode,
) -> anyhow::Result<()> {
    let ip = resolve(seed).await?;
    let mut meet = vec![
        "CLUSTER".to_string(),
        "MEET".into(),
        ip,
        seed.port.to_string(),
    ];
    let seed_bus = view.nodes.first().and_then(|n| n.myself().addr.bus_port);
    if let Some(bus) = seed_bus.filter(|&bus| u32::from(bus) != u32::from(seed.port) + 10000) {
        meet.push(bus.to_string());
    }
    let words: Vec<&str> = meet.iter().map(String::as_str).collect();
    session
        .client(&new_node.address)
        .await?
        .query::<()>(&words)
        .await?;
    Ok(())
}

/// Waits (20 ms polls) until every member lists the new node without `handshake`, `fail?` or `fail`,
/// the new node lists every member, all agree on who owns which slots, and the new node says
/// `cluster_state:ok` (a node holds it at `fail` for its first 2 s; slots moved to it before then
/// fail with CLUSTERDOWN).
pub async fn wait_until_known(
    session: &Arc<Session>,
    members: &[NodeAddress],
    new_node: &NewNode,
    limit: Duration,
) -> anyhow::Result<()> {
    let mut everyone = members.to_vec();
    everyone.push(new_node.address.clone());
    let rule = crate::topology::settled::Settled {
        members: Some(everyone.len()),
        none_failing: true,
        knows: Some(new_node.id.clone()),
        same_slot_map: true,
        no_open_slots: false,
    };
    let settled = || async {
        rule.holds(&load_tables(session, &everyone).await)
            && cluster_state_ok(session, &new_node.address).await
    };
    if poll_until(Instant::now() + limit, settled).await {
        return Ok(());
    }
    anyhow::bail!(
        "{} met the cluster but not every node knows it after {} s; it may still join: check with `rcluster check {}`",
        new_node.address,
        limit.as_secs(),
        new_node.address
    )
}

async fn cluster_state_ok(session: &Arc<Session>, address: &NodeAddress) -> bool {
    let Ok(mut client) = session.client(address).await else {
        return false;
    };
    client
        .cluster_info()
        .await
        .is_ok_and(|info| info.get("cluster_state").map(String::as_str) == Some("ok"))
}

/// `CLUSTER REPLICATE master_id` on `replica`.
pub async fn replicate(
    session: &Session,
    replica: &NodeAddress,
    master_id: &str,
) -> Result<(), NetError> {
    let mut client = session.client(replica).await?;
    client
        .query::<()>(&["CLUSTER", "REPLICATE", master_id])
        .await
}

/// `CLUSTER FORGET id` on every node of `others` at once; what each answered, in their order. A
/// node that answers "Unknown node" has not heard of `id` (right after an add-node, gossip may not
/// have reached it): it has nothing to forget, which counts as done.
pub async fn forget_everywhere(
    session: &Arc<Session>,
    others: Vec<NodeAddress>,
    id: &str,
) -> Vec<(NodeAddress, Result<(), NetError>)> {
    let id = id.to_string();
    concurrently(others, |address| {
        let session = Arc::clone(session);
        let id = id.clone();
        async move {
            let outcome: Result<(), NetError> = async {
                let mut client = session.client(&address).await?;
                client.query::<()>(&["CLUSTER", "FORGET", &id]).await
            }
            .await;
            let outcome = match outcome {
                Err(NetError::Server { message, .. }) if message.contains("Unknown node") => Ok(()),
                other => other,
            };
            (address, outcome)
        }
    })
    .await
}

/// `CLUSTER RESET SOFT` on a node that left: it forgets every other node.
pub async fn reset_soft(session: &Session, address: &NodeAddress) -> Result<(), NetError> {
    let mut client = session.client(address).await?;
    client.query::<()>(&["CLUSTER", "RESET", "SOFT"]).await
}

/// `SHUTDOWN NOSAVE` on a node that left the cluster (its data is no longer the cluster's), then
/// waits, bounded by `limit`, until it no longer accepts connections. The server closes the
/// connection instead of answering, so a closed connection is the expected reply.
pub async fn shut_down(
    session: &Session,
    address: &NodeAddress,
    limit: Duration,
) -> Result<(), NetError> {
    let mut client = session.dedicated_client(address, 0).await?;
    if let Err(error @ NetError::Server { .. }) = client.query::<()>(&["SHUTDOWN", "NOSAVE"]).await
    {
        return Err(error);
    }
    drop(client);
    // A connection of its own: the session's cached one says nothing about new connections.
    let gone = || async { session.dedicated_client(address, 0).await.is_err() };
    if poll_until(Instant::now() + limit, gone).await {
        Ok(())
    } else {
        Err(NetError::Server {
            address: address.to_string(),
            message: format!(
                "still accepts connections {} s after SHUTDOWN",
                limit.as_secs()
            ),
        })
    }
}

/// Forgotten nodes stay out of a node's table for this long (`CLUSTER_BLACKLIST_TTL` in Redis's
/// and Valkey's cluster code): after it, gossip from a node that still knows them can bring them back.
pub const FORGET_BLACKLIST: Duration = Duration::from_secs(60);

/// The nodes of `others` whose table lists `id` again.
pub async fn knowing(
    session: &Arc<Session>,
    others: Vec<NodeAddress>,
    id: &str,
) -> Vec<NodeAddress> {
    let tables = load_tables(session, &others).await;
    others
        .into_iter()
        .zip(tables)
        .filter(|(_, table)| table.as_ref().is_some_and(|t| t.iter().any(|n| n.id == id)))
        .map(|(address, _)| address)
        .collect()
}

/// Waits, bounded by `limit`, until every node of `members` lists `replica` as a replica of
/// `master` and the replica's first sync has finished (link up, no sync running, its master's
/// offset reached): how long that took, or what was still missing.
pub async fn wait_until_replica_of(
    session: &Arc<Session>,
    members: &[NodeAddress],
    replica: (&NodeAddress, &str),
    master: (&NodeAddress, &str),
    limit: Duration,
) -> Result<Duration, Vec<String>> {
    let started = Instant::now();
    let deadline = started + limit;
    let (replica_address, replica_id) = replica;
    let (master_address, master_id) = master;
    let unaware = || async {
        let tables = load_tables(session, members).await;
        members
            .iter()
            .zip(tables)
            .filter(|(_, table)| {
                !table.as_ref().is_some_and(|t| {
                    t.iter().any(|n| {
                        n.id == replica_id
                            && n.flags.replica
                            && n.master_id.as_deref() == Some(master_id)
                    })
                })
            })
            .map(|(address, _)| address.to_string())
            .collect::<Vec<String>>()
    };
    let listed = poll_until(deadline, || async { unaware().await.is_empty() }).await;
    if !listed {
        let nodes = unaware().await;
        return Err(vec![format!(
            "{} do not list {replica_address} as a replica of {master_address} yet",
            nodes.join(", ")
        )]);
    }
    let pair = [(replica_address.clone(), master_address.clone())];
    let left = deadline.saturating_duration_since(Instant::now());
    super::replicas::wait_until_synced(session, &pair, left).await?;
    Ok(started.elapsed())
}

/// A master a run of slot moves left without a slot while `cluster-allow-replica-migration` is
/// `no` on it: it stays an empty master instead of becoming a replica of the slots' new owner.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DrainedMaster {
    pub id: String,
    pub address: String,
}

/// The sources of `plan` that it leaves without a slot (by `view`'s tables) and on which
/// `CONFIG GET cluster-allow-replica-migration` says `no`. A refused or failed CONFIG GET counts as
/// not known: no such master.
pub async fn drained_masters(
    session: &Arc<Session>,
    view: &ClusterView,
    plan: &MovePlan,
) -> Vec<DrainedMaster> {
    let emptied: Vec<NodeAddress> = view
        .loaded_masters()
        .filter(|m| {
            let owned = m.myself().slots.len();
            let leaving = plan.moves.iter().filter(|s| s.source == m.id()).count();
            owned > 0 && leaving == owned
        })
        .map(|m| m.address.clone())
        .collect();
    let off = concurrently(emptied, |address| {
        let session = Arc::clone(session);
        async move {
            let off = replica_migration_off(&session, &address).await;
            (address, off)
        }
    })
    .await;
    off.into_iter()
        .filter(|(_, off)| *off)
        .filter_map(|(address, _)| view.loaded().find(|n| n.address == address))
        .map(|node| DrainedMaster {
            id: node.id().to_string(),
            address: node.address.to_string(),
        })
        .collect()
}

/// Whether `cluster-allow-replica-migration` is `no` on `address` (false when it cannot be read).
async fn replica_migration_off(session: &Session, address: &NodeAddress) -> bool {
    let Ok(mut client) = session.client(address).await else {
        return false;
    };
    let reply: Result<Vec<String>, NetError> = client
        .query(&["CONFIG", "GET", "cluster-allow-replica-migration"])
        .await;
    reply.is_ok_and(|pair| pair.get(1).is_some_and(|v| v.eq_ignore_ascii_case("no")))
}
