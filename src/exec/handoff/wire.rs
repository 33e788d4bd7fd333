//! The hand-off's commands on the wire: the one builder of `CLUSTER SETSLOT` ([`setslot_command`],
//! also used by the movers for `IMPORTING`, `MIGRATING` and `STABLE`, which change no owner), a
//! target's claim pipeline (count, `SETSLOT NODE myself`, `CLUSTER INFO`), telling masters an owner
//! that has already won (`tell_owners`, `announce_owner`), and the cluster's `cluster-node-timeout`.
//! Called by [`super::Handoffs`], and `tell_owners` / `announce_owner` by `exec::fix` and
//! `exec::atomic` (docs/handoff.md names why they need no epoch).

use super::Handoff;
use crate::exec::retry::{Decision, classify_text, decide};
use crate::net::{NodeAddress, Session, concurrently};
use std::sync::Arc;
use std::time::Duration;

/// A `CLUSTER SETSLOT` action, with the node id it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetSlot<'a> {
    Importing(&'a str),
    Migrating(&'a str),
    Node(&'a str),
    Stable,
}

impl SetSlot<'_> {
    /// The action's name as the server spells it.
    pub fn name(&self) -> &'static str {
        match self {
            SetSlot::Importing(_) => "IMPORTING",
            SetSlot::Migrating(_) => "MIGRATING",
            SetSlot::Node(_) => "NODE",
            SetSlot::Stable => "STABLE",
        }
    }
}

/// `CLUSTER SETSLOT slot ACTION [node]`: the only builder of SETSLOT in rcluster. `NODE` (an owner
/// change) is sent from this module only; docs/handoff.md lists every sender of an owner change.
pub fn setslot_command(slot: u16, action: SetSlot<'_>) -> redis::Cmd {
    let mut command = redis::cmd("CLUSTER");
    command.arg("SETSLOT").arg(slot).arg(action.name());
    match action {
        SetSlot::Importing(id) | SetSlot::Migrating(id) | SetSlot::Node(id) => {
            command.arg(id);
        }
        SetSlot::Stable => {}
    }
    command
}

/// The target's pipeline: `COUNTKEYSINSLOT` for every slot, `SETSLOT slot NODE myself` for each, then
/// `CLUSTER INFO`, whose epoch must exceed `floor`: a claim below it is reported for its slots.
pub(super) async fn claim(
    session: &Arc<Session>,
    address: &NodeAddress,
    handoffs: Vec<Handoff>,
    floor: u64,
) -> (
    Vec<(Handoff, Result<u64, String>)>,
    Option<String>,
    Option<u64>,
) {
    let fail_all = |handoffs: Vec<Handoff>, reason: String| {
        let failed = handoffs
            .into_iter()
            .map(|h| (h, Err(reason.clone())))
            .collect();
        (failed, None, None)
    };
    let mut client = match session.client(address).await {
        Ok(client) => client,
        Err(error) => return fail_all(handoffs, error.to_string()),
    };
    // Keys of the databases other than 0 first (a target gains keys until its claim, never loses
    // them to us, so counting them a moment early only lowers the figure `finish` checks against).
    let slots: Vec<u16> = handoffs.iter().map(|h| h.slot).collect();
    let elsewhere = match other_databases(&mut client, &slots).await {
        Ok(counts) => counts,
        Err(error) => return fail_all(handoffs, error.to_string()),
    };
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for handoff in &handoffs {
        pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(handoff.slot);
    }
    for handoff in &handoffs {
        pipe.add_command(setslot_command(handoff.slot, SetSlot::Node(&handoff.to)));
    }
    pipe.cmd("CLUSTER").arg("INFO");
    let replies: Vec<redis::RedisResult<redis::Value>> =
        match client.pipeline(&pipe, "CLUSTER SETSLOT NODE").await {
            Ok(replies) => replies,
            Err(error) => {
                let reason =
                    format!("{error}; the slot may or may not be claimed, run `rcluster check`");
                return fail_all(handoffs, reason);
            }
        };
    let (counts, rest) = replies.split_at(handoffs.len());
    let (claims, info) = rest.split_at(handoffs.len());
    let epoch = info.first().and_then(|reply| {
        let text: String = redis::from_redis_value(reply.as_ref().ok()?.clone()).ok()?;
        text.lines()
            .find_map(|line| line.trim().strip_prefix("cluster_my_epoch:"))?
            .parse::<u64>()
            .ok()
    });
    let behind = epoch.filter(|e| *e <= floor).map(|e| {
        format!("{address} claimed it at epoch {e}, not above its old owner's {floor}: its claim may lose; run `rcluster check`")
    });
    let outcomes = handoffs
        .into_iter()
        .zip(counts.iter().zip(claims).zip(elsewhere))
        .map(|(handoff, ((count, claimed), elsewhere))| {
            let outcome = match (count, claimed) {
                (_, Err(error)) => Err(format!(
                    "{address} replied to CLUSTER SETSLOT NODE: {}",
                    crate::net::server_error_text(error).unwrap_or_else(|| error.to_string())
                )),
                (Ok(redis::Value::Int(keys)), Ok(_)) => Ok((*keys).max(0) as u64 + elsewhere),
                (_, Ok(_)) => Ok(elsewhere),
            };
            (handoff, outcome)
        })
        .collect();
    (outcomes, behind, epoch)
}

/// Per slot, the keys a node holds in its databases other than 0 (none on Redis).
async fn other_databases(
    client: &mut crate::net::NodeClient,
    slots: &[u16],
) -> Result<Vec<u64>, crate::net::NetError> {
    let others = client.keyspace().await?.others();
    client.count_keys_in_databases(&others, slots).await
}

/// `SETSLOT slot NODE owner` for each `(slot, owner)` on the master at `address`, one pipeline; a
/// master that turned replica (it gave its last slot away) counts as told. A line on failure.
/// `SETSLOT NODE owner` for each of `slots` on `address`, one pipeline; the server's reason when it
/// refuses one (a replica's "only with masters" counts as told) or cannot be reached.
pub(super) async fn tell(
    session: &Arc<Session>,
    address: &NodeAddress,
    slots: &[(u16, String)],
) -> Result<(), String> {
    let mut client = session.client(address).await.map_err(|e| e.to_string())?;
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for (slot, owner) in slots {
        pipe.add_command(setslot_command(*slot, SetSlot::Node(owner)));
    }
    let replies: Vec<redis::RedisResult<redis::Value>> = client
        .pipeline(&pipe, "CLUSTER SETSLOT NODE")
        .await
        .map_err(|e| e.to_string())?;
    for reply in replies {
        if let Err(error) = reply {
            let text = crate::net::server_error_text(&error).unwrap_or_else(|| error.to_string());
            if decide(classify_text(&text)) != Decision::Done {
                return Err(text);
            }
        }
    }
    Ok(())
}

/// `SETSLOT NODE owner` for each node's (slot, owner) pairs, every node at once (one pipeline each),
/// where no epoch may move: the owner has already won, or the node only has to record who owns a slot
/// it does not hold (`fix` telling an importing master whose table lost the owner). Returns each node
/// that could not be told, with its slots and the reason.
pub async fn tell_owners(
    session: &Arc<Session>,
    work: Vec<(NodeAddress, Vec<(u16, String)>)>,
) -> Vec<(NodeAddress, Vec<u16>, String)> {
    let results = concurrently(work, |(address, slots)| {
        let session = Arc::clone(session);
        async move {
            let error = tell(&session, &address, &slots).await.err()?;
            Some((address, slots.iter().map(|(s, _)| *s).collect(), error))
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

/// `SETSLOT NODE owner` for `slots` on every node of `addresses` at once, for a slot whose owner
/// already won everywhere that matters; returns a line per node that could not be told. No epoch
/// moves.
pub async fn announce_owner(
    session: &Arc<Session>,
    addresses: Vec<NodeAddress>,
    slots: &[u16],
    owner: &str,
) -> Vec<String> {
    let pairs: Vec<(u16, String)> = slots.iter().map(|s| (*s, owner.to_string())).collect();
    let work = addresses.into_iter().map(|a| (a, pairs.clone())).collect();
    not_told(tell_owners(session, work).await)
}

/// A warning per node [`tell_owners`] could not tell.
pub(super) fn not_told(failures: Vec<(NodeAddress, Vec<u16>, String)>) -> Vec<String> {
    failures
        .into_iter()
        .map(|(address, numbers, error)| {
            format!(
                "{address} was not told the new owner of slots {numbers:?} ({error}); gossip will tell it, and it holds no key of them (docs/handoff.md, nodes left to gossip)"
            )
        })
        .collect()
}

/// `cluster-node-timeout` when the servers do not say (Redis's default).
pub const DEFAULT_NODE_TIMEOUT: Duration = Duration::from_secs(15);

/// The cluster's `cluster-node-timeout` as `address` reports it (`CONFIG GET`), or
/// [`DEFAULT_NODE_TIMEOUT`] when it may not be read (an ACL without CONFIG, say).
pub async fn node_timeout(session: &Arc<Session>, address: &NodeAddress) -> Duration {
    let read = async {
        let mut client = session.client(address).await.ok()?;
        let reply: Vec<String> = client
            .query(&["CONFIG", "GET", "cluster-node-timeout"])
            .await
            .ok()?;
        let millis: u64 = reply.get(1)?.parse().ok()?;
        Some(Duration::from_millis(millis))
    };
    read.await.unwrap_or(DEFAULT_NODE_TIMEOUT)
}
