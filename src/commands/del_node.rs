//! `rcluster del-node HOST:PORT NODE_ID`: remove a node that owns no slots, also when it is dead or
//! unreachable. Its replicas are re-pointed first, then every other node forgets it at once (so it cannot
//! come back through gossip), and the node itself is reset when it answers. Which master each
//! replica follows next ([`least_replicated_master`]) and whether the node may go ([`refusal`]) are
//! decided here, purely; the REPLICATE, FORGET and RESET are `exec::membership`'s.
//!
//! Under the cluster's lock (read again once it is held), a master is refused, before anything
//! changes, while a move could still put keys on it or take them off: it owns slots (redis-cli's
//! refusal), it holds keys in any database although it owns no slot, it is the source or target of a
//! slot some node shows open, or of a server-side migration not yet ended. Forgetting it then would
//! leave its keys outside the cluster.
//!
//! A replica cannot forget its own master (`ERR Can't forget my master!`). So every reachable
//! replica of the node follows another master before any node is told to forget it; when one
//! cannot, nothing is forgotten. A master that owns slots and has a replica holding its data can
//! still go (natively, not in redis-cli syntax), with consent (the prompt, or `--yes`): that replica
//! takes its slots over first (a coordinated `CLUSTER FAILOVER`, bounded by `--wait`), and the old
//! master, now its replica, is removed.
//!
//! `--replicate-to MASTER` keeps the node instead, as a replica of MASTER (for a master drained
//! while `cluster-allow-replica-migration` is `no`, which stays an empty master): refused like a
//! removal while it owns slots, holds keys or takes part in a move; its own replicas follow other
//! masters first; then `CLUSTER REPLICATE` and a bounded wait until every node lists it as MASTER's
//! replica and its first sync finished.

use super::Context;
use crate::error::UsageError;
use crate::exec::atomic::{Job, unfinished_jobs};
use crate::exec::failover::{Failover, Mode, Phase};
use crate::exec::membership::{
    FORGET_BLACKLIST, forget_everywhere, knowing, replicate, reset_soft, shut_down,
    wait_until_replica_of,
};
use crate::net::NodeAddress;
use crate::report::Outcome;
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;

/// What `del-node` is asked to do, validated (built by `crate::cli::args::del_node`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// The full id of the node to remove.
    pub node_id: String,
    /// `--shutdown`: stop the node once it is forgotten and reset.
    pub shutdown: bool,
    /// `--recheck`: once the forget blacklist has expired, look again and forget it again if it
    /// came back.
    pub recheck: bool,
    /// `--replicate-to`: keep the node as a replica of this master (id, prefix or HOST:PORT)
    /// instead of removing it.
    pub replicate_to: Option<String>,
    /// `--yes`: fail a master that owns slots over to its replica without asking.
    pub yes: bool,
    /// `--wait`: bound on `--replicate-to`'s sync and on a failover.
    pub wait: std::time::Duration,
}

/// What `del-node` found and did.
#[derive(Debug, Default, Serialize)]
pub struct DelNodeReport {
    /// The node given on the command line (`host:port`).
    pub seed: String,
    /// The id (or prefix) asked for.
    pub requested: String,
    pub state: DelNodeState,
    /// The removed node, when one matched.
    pub id: Option<String>,
    pub address: Option<String>,
    /// How many slots it owns (a node that owns slots is not removed).
    pub slot_count: usize,
    /// The keys it holds in every database, when it answered (a master holding keys is not removed).
    pub keys: Option<u64>,
    /// The unfinished moves it takes part in (such a node is not removed), one line each.
    pub moving: Vec<String>,
    /// Its replicas, each told to replicate another master.
    pub repointed: Vec<Repoint>,
    /// The nodes that forgot it.
    pub forgot: Vec<String>,
    /// Nodes that could not be told, with why.
    pub failed: Vec<NodeFailure>,
    /// Whether `CLUSTER RESET SOFT` on the node worked; `null` when it was not reachable.
    pub reset: Option<bool>,
    /// With `--shutdown`: whether the node stopped; `null` when not asked or not reachable.
    pub shutdown: Option<bool>,
    /// With `--recheck`: what the look after the forget blacklist found.
    pub recheck: Option<Recheck>,
    /// A master that owns slots: its replica that holds its data and could take them over first
    /// (`null`: none, or not asked).
    pub heir: Option<String>,
    /// The failover to that replica, when it was agreed to (prompt or `--yes`).
    pub failover: Option<TakeOver>,
    /// With `--replicate-to`: the master the node replicates now, instead of leaving.
    pub replicate_to: Option<ReplicateTo>,
}

/// A master's slots taken over by its replica before the master is removed.
#[derive(Debug, Serialize)]
pub struct TakeOver {
    pub replica: super::NodeRef,
    pub slot_count: usize,
    /// The failover's phases (`ms` null: not reached within `--wait`).
    pub phases: Vec<Phase>,
}

impl TakeOver {
    pub fn complete(&self) -> bool {
        self.phases.iter().all(|p| p.ms.is_some())
    }
}

/// The node kept as a replica (`--replicate-to`).
#[derive(Debug, Serialize)]
pub struct ReplicateTo {
    pub master: super::NodeRef,
    /// Milliseconds until every node listed it as the master's replica and its first sync had
    /// finished (`null`: not within `--wait`; `waiting_for` says what was missing).
    pub synced_ms: Option<u128>,
    pub waiting_for: Vec<String>,
}

/// The look again once the forget blacklist has expired.
#[derive(Debug, Serialize)]
pub struct Recheck {
    /// Seconds after the forget.
    pub seconds: u64,
    /// Nodes whose table listed the removed node again (each told to forget it again).
    pub came_back: Vec<String>,
}

/// How `del-node` ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DelNodeState {
    #[default]
    Removed,
    /// No node has the id (redis-cli syntax only; natively a usage error).
    NotFound,
    /// The node owns slots.
    NotEmpty,
    /// The node is a master that owns no slot but holds keys.
    HoldsKeys,
    /// The node is the source or target of an unfinished move.
    Moving,
    /// `--replicate-to`: the node replicates the named master now (it stays in the cluster).
    Replica,
    /// A reachable replica of the node could not follow another master: nothing was forgotten.
    ReplicaStuck,
    /// The failover of a master that owns slots to its replica did not finish: it was not removed.
    FailoverIncomplete,
}

/// A replica moved to another master.
#[derive(Debug, Serialize)]
pub struct Repoint {
    pub replica: String,
    pub master: String,
    pub ok: bool,
}

/// A node that could not do its part.
#[derive(Debug, Serialize)]
pub struct NodeFailure {
    pub address: String,
    pub error: String,
}

impl DelNodeReport {
    fn fail(&mut self, address: impl ToString, error: impl ToString) {
        self.failed.push(NodeFailure {
            address: address.to_string(),
            error: error.to_string(),
        });
    }

    pub fn ok(&self) -> bool {
        matches!(self.state, DelNodeState::Removed | DelNodeState::Replica)
            && self.failed.is_empty()
            && self.recheck.as_ref().is_none_or(|r| r.came_back.is_empty())
    }
}

/// Runs `del-node`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let mut report = DelNodeReport {
        seed: seed.to_string(),
        requested: options.node_id.clone(),
        ..DelNodeReport::default()
    };
    if options.replicate_to.is_none() {
        context.ui.step(&format!(
            "Removing node {} from cluster {seed}",
            options.node_id
        ));
    }
    let view = load_cluster_view(&context.session, &seed).await?;
    // redis-cli takes the full id only; natively a unique prefix of 8 or more characters will do.
    let find = |view: &'_ ClusterView| {
        let id = options.node_id.as_str();
        if context.redis_cli() {
            view.find_node_exact(id, |_| true)
                .map(|n| n.id().to_string())
        } else {
            view.find_node(id, |_| true).map(|n| n.id().to_string())
        }
    };
    let Some(id) = find(&view) else {
        return not_found(context, options, report);
    };
    // Read again under the lock: a run that ended meanwhile may have given the node slots or keys.
    let _lock = super::take_lock(context, &view, "del-node").await?;
    let view = load_cluster_view(&context.session, &seed).await?;
    let Some(doomed) = view.find_node_exact(&id, |_| true) else {
        return not_found(context, options, report);
    };
    describe(context, &view, doomed, &mut report).await;
    if let Some(master) = &options.replicate_to {
        let master = resolve_new_master(&view, master, doomed)?;
        return replicate_instead(context, options, &view, doomed, master, report).await;
    }
    let Some(state) = refusal(doomed, &report) else {
        return remove(context, options, &view, doomed, report).await;
    };
    // A master that owns slots: its replica may take them over first, if the user agrees.
    let heir = match state == DelNodeState::NotEmpty && report.moving.is_empty() {
        true if !context.redis_cli() => heir(&view, doomed),
        _ => None,
    };
    report.heir = heir.map(|h| h.address.to_string());
    let Some(heir) =
        heir.filter(|h| options.yes || context.ui.confirm(&consent_question(doomed, h)))
    else {
        report.state = state;
        return Ok(Outcome::clean_if(report, false));
    };
    let takeover = take_over(context, options, &view, doomed, heir).await?;
    let complete = takeover.complete();
    report.failover = Some(takeover);
    if !complete {
        report.state = DelNodeState::FailoverIncomplete;
        return Ok(Outcome::clean_if(report, false));
    }
    // The old master is its replica's replica now: removed as a replica.
    let view = load_cluster_view(&context.session, &seed).await?;
    let Some(doomed) = view.find_node_exact(&id, |_| true) else {
        return not_found(context, options, report);
    };
    describe(context, &view, doomed, &mut report).await;
    if let Some(state) = refusal(doomed, &report) {
        report.state = state;
        return Ok(Outcome::clean_if(report, false));
    }
    remove(context, options, &view, doomed, report).await
}

/// What the report says of `doomed` before anything changes: its id, address, slots, keys and the
/// unfinished moves it takes part in.
async fn describe(
    context: &Context,
    view: &ClusterView,
    doomed: &NodeView,
    report: &mut DelNodeReport,
) {
    report.id = Some(doomed.id().to_string());
    report.address = Some(doomed.address.to_string());
    report.slot_count = doomed.myself().slots.len();
    report.keys = doomed.keys;
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let jobs = unfinished_jobs(&context.session, &masters).await;
    // A replica's open slots and keys are its primary's, copied.
    report.moving = match doomed.is_master() {
        true => moves_naming(view, doomed, &jobs),
        false => Vec::new(),
    };
}

/// Its replicas follow other masters, every other node forgets it, it is reset (and stopped with
/// `--shutdown`), and with `--recheck` looked for again once the forget blacklist has expired.
/// A replica that cannot follow another master cannot forget it either: then nothing is forgotten.
async fn remove(
    context: &Context,
    options: &Options,
    view: &ClusterView,
    doomed: &NodeView,
    mut report: DelNodeReport,
) -> anyhow::Result<Outcome> {
    repoint_replicas(context, view, doomed, &mut report).await;
    if !report.failed.is_empty() {
        report.state = DelNodeState::ReplicaStuck;
        return Ok(Outcome::clean_if(report, false));
    }
    let forgotten = std::time::Instant::now();
    forget_all(context, view, doomed, &mut report).await;
    if doomed.is_reachable() {
        let reset = reset_soft(&context.session, &doomed.address).await;
        if let Err(error) = &reset {
            report.fail(&doomed.address, error);
        }
        report.reset = Some(reset.is_ok());
        if options.shutdown {
            let stopped = shut_down(&context.session, &doomed.address, SHUTDOWN_WAIT).await;
            if let Err(error) = &stopped {
                report.fail(&doomed.address, error);
            }
            report.shutdown = Some(stopped.is_ok());
        }
    }
    if options.recheck {
        report.recheck = Some(recheck(context, view, doomed, forgotten).await);
    }
    let ok = report.ok();
    Ok(Outcome::clean_if(report, ok))
}

/// The master `--replicate-to` names: a loaded master other than `doomed`, by id, unique id prefix
/// or HOST:PORT.
fn resolve_new_master<'a>(
    view: &'a ClusterView,
    named: &str,
    doomed: &NodeView,
) -> anyhow::Result<&'a NodeView> {
    let by_address = match named.contains(':') {
        true => NodeAddress::parse(named, None)
            .ok()
            .and_then(|address| view.nodes.iter().find(|n| n.address == address)),
        false => None,
    };
    let found = by_address.or_else(|| view.find_node(named, |_| true));
    let Some(master) = found else {
        return Err(UsageError(format!(
            "--replicate-to {named}: {}",
            view.why_no_master(named)
        ))
        .into());
    };
    if master.id() == doomed.id() {
        return Err(UsageError(format!(
            "--replicate-to {named} names the node itself: name another master"
        ))
        .into());
    }
    if !master.is_loaded() || !master.is_master() {
        return Err(UsageError(format!(
            "--replicate-to {named}: {}",
            view.why_no_master(master.id())
        ))
        .into());
    }
    Ok(master)
}

/// `--replicate-to`: refused like a removal while the node owns slots, holds keys or takes part in
/// a move; otherwise its replicas follow other masters, it replicates `master`, and the wait.
async fn replicate_instead(
    context: &Context,
    options: &Options,
    view: &ClusterView,
    doomed: &NodeView,
    master: &NodeView,
    mut report: DelNodeReport,
) -> anyhow::Result<Outcome> {
    let mut replicate_to = ReplicateTo {
        master: super::NodeRef::of(view, master.id()),
        synced_ms: None,
        waiting_for: Vec::new(),
    };
    if let Some(state) = refusal(doomed, &report) {
        report.state = state;
        report.replicate_to = Some(replicate_to);
        return Ok(Outcome::clean_if(report, false));
    }
    repoint_replicas(context, view, doomed, &mut report).await;
    if !report.failed.is_empty() {
        report.state = DelNodeState::ReplicaStuck;
        report.replicate_to = Some(replicate_to);
        return Ok(Outcome::clean_if(report, false));
    }
    context.ui.step(&format!(
        "Making {} a replica of {}",
        doomed.address, master.address
    ));
    report.state = DelNodeState::Replica;
    if let Err(error) = replicate(&context.session, &doomed.address, master.id()).await {
        report.fail(&doomed.address, error);
        report.replicate_to = Some(replicate_to);
        return Ok(Outcome::clean_if(report, false));
    }
    let members: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    let waited = wait_until_replica_of(
        &context.session,
        &members,
        (&doomed.address, doomed.id()),
        (&master.address, master.id()),
        options.wait,
    )
    .await;
    match waited {
        Ok(took) => replicate_to.synced_ms = Some(took.as_millis()),
        Err(missing) => {
            replicate_to.waiting_for = missing;
            report.fail(
                &doomed.address,
                format!(
                    "not a synced replica of {} within {} s (--wait)",
                    master.address,
                    options.wait.as_secs()
                ),
            );
        }
    }
    report.replicate_to = Some(replicate_to);
    let ok = report.ok();
    Ok(Outcome::clean_if(report, ok))
}

/// The replica of `doomed` that would take its slots over: a loaded one holding its data (link up,
/// first sync done, within the lag bound), the furthest ahead first. Pure.
fn heir<'a>(view: &'a ClusterView, doomed: &NodeView) -> Option<&'a NodeView> {
    let master_offset = doomed.replication.as_ref().and_then(|r| r.offset);
    view.loaded()
        .filter(|n| n.myself().master_id.as_deref() == Some(doomed.id()))
        .filter(|n| {
            n.replication
                .as_ref()
                .is_some_and(|r| crate::net::ReplicaGap::of(r, master_offset).is_none())
        })
        .max_by_key(|n| n.replication.as_ref().and_then(|r| r.replica_offset))
}

/// The consent asked before a master that owns slots is failed over to `heir` and removed.
fn consent_question(doomed: &NodeView, heir: &NodeView) -> String {
    format!(
        "{} owns {}: let its replica {} take them over (CLUSTER FAILOVER), then remove {}?",
        doomed.address,
        crate::words::counted(doomed.myself().slots.len(), "slot", "slots"),
        heir.address,
        doomed.address
    )
}

/// A coordinated failover of `doomed` to `heir`, bounded by `--wait`.
async fn take_over(
    context: &Context,
    options: &Options,
    view: &ClusterView,
    doomed: &NodeView,
    heir: &NodeView,
) -> anyhow::Result<TakeOver> {
    let failover = Failover {
        replica: &heir.address,
        master: &doomed.address,
        master_reachable: true,
        mode: Mode::Coordinated,
        kill: None,
        wait: options.wait,
    };
    let ran =
        crate::exec::failover::run(&context.session, context.ui.as_ref(), view, &failover, None)
            .await?;
    Ok(TakeOver {
        replica: super::NodeRef::of(view, heir.id()),
        slot_count: doomed.myself().slots.len(),
        phases: ran.phases,
    })
}

/// No node has the id: redis-cli's line in its syntax, a usage error natively.
fn not_found(
    context: &Context,
    options: &Options,
    mut report: DelNodeReport,
) -> anyhow::Result<Outcome> {
    if context.redis_cli() {
        report.state = DelNodeState::NotFound;
        return Ok(Outcome::clean_if(report, false));
    }
    Err(UsageError(format!(
        "no node with id '{}' in the cluster of {}, or the prefix is shorter than {} characters or names several nodes: `rcluster check {}` lists the ids",
        options.node_id,
        options.seed,
        crate::topology::MIN_ID_PREFIX,
        options.seed
    ))
    .into())
}

/// Why `doomed` may not be removed yet, if it may not: it owns slots, takes part in an unfinished
/// move, or is a master holding keys (a replica's keys are copies).
fn refusal(doomed: &NodeView, report: &DelNodeReport) -> Option<DelNodeState> {
    if report.slot_count > 0 {
        Some(DelNodeState::NotEmpty)
    } else if !report.moving.is_empty() {
        Some(DelNodeState::Moving)
    } else if doomed.is_master() && report.keys.is_some_and(|keys| keys > 0) {
        Some(DelNodeState::HoldsKeys)
    } else {
        None
    }
}

/// The unfinished moves `doomed` takes part in: slots any node's own table shows open from or to it
/// (or open on it), and server-side jobs (`jobs`, with the node that listed each) from or to it, or
/// listed by it.
pub fn moves_naming(
    view: &ClusterView,
    doomed: &NodeView,
    jobs: &[(NodeAddress, Job)],
) -> Vec<String> {
    let id = doomed.id();
    let mut moving = Vec::new();
    for node in view.loaded() {
        let me = node.myself();
        let open = [
            ("migrating to", &me.migrating),
            ("importing from", &me.importing),
        ];
        for (how, slots) in open {
            for (slot, peer) in slots.iter() {
                if peer == id || node.id() == id {
                    moving.push(format!(
                        "slot {} {how} {peer} on {}",
                        slot.number(),
                        node.address
                    ));
                }
            }
        }
    }
    for (address, job) in jobs {
        if job.source == id || job.target == id || *address == doomed.address {
            moving.push(format!("server-side migration: {}", job.describe(address)));
        }
    }
    moving
}

/// Each reachable replica of `doomed` replicates the master with the fewest replicas instead,
/// preferring one on another host.
async fn repoint_replicas(
    context: &Context,
    view: &ClusterView,
    doomed: &NodeView,
    report: &mut DelNodeReport,
) {
    let replicas: Vec<&NodeView> = view
        .loaded()
        .filter(|n| n.myself().master_id.as_deref() == Some(doomed.id()))
        .collect();
    for replica in replicas {
        let Some(master) = least_replicated_master(view, doomed, &replica.address) else {
            report.fail(&replica.address, "no other master to replicate");
            continue;
        };
        let outcome = replicate(&context.session, &replica.address, master.id()).await;
        report.repointed.push(Repoint {
            replica: replica.address.to_string(),
            master: master.address.to_string(),
            ok: outcome.is_ok(),
        });
        if let Err(error) = outcome {
            report.fail(&replica.address, error);
        }
    }
}

/// The master `replica` (of `doomed`) follows next: the one serving slots with the fewest replicas,
/// preferring one on another host. Pure.
fn least_replicated_master<'a>(
    view: &'a ClusterView,
    doomed: &NodeView,
    replica: &NodeAddress,
) -> Option<&'a NodeView> {
    view.loaded_masters()
        .filter(|m| m.id() != doomed.id() && !m.myself().slots.is_empty())
        .min_by_key(|m| {
            (
                view.loaded_replica_count(m.id()),
                m.address.host == replica.host,
            )
        })
}

/// How long `--shutdown` waits for the node to stop accepting connections.
const SHUTDOWN_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Waits until the forget blacklist has expired on every node (plus a gossip round), then asks every
/// other node whether it knows the removed node again; those that do forget it again.
async fn recheck(
    context: &Context,
    view: &ClusterView,
    doomed: &NodeView,
    forgotten: std::time::Instant,
) -> Recheck {
    let due = forgotten + FORGET_BLACKLIST + std::time::Duration::from_secs(5);
    context.ui.step(&format!(
        "Checking again in {} s, once the {} s forget blacklist has expired (--recheck)",
        due.saturating_duration_since(std::time::Instant::now())
            .as_secs(),
        FORGET_BLACKLIST.as_secs()
    ));
    tokio::time::sleep_until(due.into()).await;
    let back = knowing(&context.session, others(view, doomed), doomed.id()).await;
    if !back.is_empty() {
        forget_everywhere(&context.session, back.clone(), doomed.id()).await;
    }
    Recheck {
        seconds: forgotten.elapsed().as_secs(),
        came_back: back.iter().map(|a| a.to_string()).collect(),
    }
}

/// Every node but `doomed` (and nodes still in handshake).
fn others(view: &ClusterView, doomed: &NodeView) -> Vec<NodeAddress> {
    view.nodes
        .iter()
        .filter(|n| n.id() != doomed.id() && !n.seen_by_seed.flags.handshake)
        .map(|n| n.address.clone())
        .collect()
}

/// `CLUSTER FORGET` on every other node at once; unreachable ones are reported.
async fn forget_all(
    context: &Context,
    view: &ClusterView,
    doomed: &NodeView,
    report: &mut DelNodeReport,
) {
    let others = others(view, doomed);
    for (address, outcome) in forget_everywhere(&context.session, others, doomed.id()).await {
        match outcome {
            Ok(()) => report.forgot.push(address.to_string()),
            Err(error) => report.fail(&address, error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::fixtures::view;

    #[test]
    fn both_ends_of_an_open_slot_and_of_a_server_job_take_part_in_a_move() {
        let view = view(
            "open_slot.migrating_view.txt",
            &["open_slot.importing_view.txt"],
            &[],
        );
        let node = |prefix: &str| {
            view.nodes
                .iter()
                .find(|n| n.id().starts_with(prefix))
                .unwrap()
        };
        let (source, target, bystander) = (node("455c"), node("2ce1"), node("fb5c"));
        let moving = moves_naming(&view, target, &[]);
        assert_eq!(moving.len(), 2, "{moving:?}");
        assert!(
            moving[0].starts_with("slot 3300 migrating to 2ce1"),
            "{moving:?}"
        );
        assert_eq!(moves_naming(&view, source, &[]).len(), 2);
        assert!(moves_naming(&view, bystander, &[]).is_empty());
        let job = |source: &str, target: &str, state: &str| {
            let listing = redis::Value::Array(vec![redis::Value::Array(
                [
                    ("operation", "EXPORT"),
                    ("slot_ranges", "0-9"),
                    ("source_node", source),
                    ("target_node", target),
                    ("state", state),
                ]
                .iter()
                .flat_map(|(k, v)| [k, v].map(|t| redis::Value::BulkString(t.as_bytes().to_vec())))
                .collect(),
            )]);
            crate::exec::atomic::parse_jobs(&listing).remove(0)
        };
        let elsewhere = NodeAddress::new("127.0.0.1", 1);
        let running = job(source.id(), bystander.id(), "snapshotting");
        let jobs = [(elsewhere.clone(), running)];
        let found = moves_naming(&view, bystander, &jobs);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("server-side migration"), "{found:?}");
        let done = job(source.id(), bystander.id(), "success");
        assert!(done.finished());
    }

    #[test]
    fn a_replica_of_the_leaving_node_follows_the_master_with_fewest_replicas() {
        // 42005, the replica of 2ce1 (42002), does not answer: 2ce1 has the fewest.
        let view = view("healthy_3m3r.txt", &[], &[42005]);
        let node = |port: u16| view.nodes.iter().find(|n| n.address.port == port).unwrap();
        let doomed = node(42001);
        let next = least_replicated_master(&view, doomed, &node(42004).address).unwrap();
        assert_eq!(next.address.port, 42002);
        let next = least_replicated_master(&view, node(42002), &node(42005).address).unwrap();
        assert_ne!(next.address.port, 42002);
    }

    #[test]
    fn replicate_to_takes_another_loaded_master_by_id_prefix_or_address() {
        let mut view = view("healthy_3m3r.txt", &[], &[]);
        let id = |port: u16| {
            let n = view.nodes.iter().find(|n| n.address.port == port).unwrap();
            n.id().to_string()
        };
        let (doomed_id, master_id, replica_id) = (id(42001), id(42002), id(42004));
        let doomed = view.node_by_id(&doomed_id).unwrap();
        let by_prefix = resolve_new_master(&view, &master_id[..8], doomed).unwrap();
        assert_eq!(by_prefix.address.port, 42002);
        let by_address = resolve_new_master(&view, "127.0.0.1:42003", doomed).unwrap();
        assert_eq!(by_address.address.port, 42003);
        let itself = resolve_new_master(&view, &doomed_id, doomed).unwrap_err();
        assert!(itself.to_string().contains("the node itself"), "{itself}");
        let replica = resolve_new_master(&view, &replica_id, doomed).unwrap_err();
        assert!(replica.to_string().contains("replica"), "{replica}");
        assert!(resolve_new_master(&view, "127.0.0.1:1", doomed).is_err());
        // The heir holds its master's data: none is known without a replication state.
        view.nodes.iter_mut().for_each(|n| n.replication = None);
        let doomed = view.node_by_id(&doomed_id).unwrap();
        assert!(heir(&view, doomed).is_none());
    }

    #[test]
    fn a_node_owning_slots_moving_or_a_master_holding_keys_may_not_leave() {
        let view = view("healthy_3m3r.txt", &[], &[]);
        let node = |port: u16| view.nodes.iter().find(|n| n.address.port == port).unwrap();
        let (master, replica) = (node(42001), node(42004));
        let report = |slot_count, keys, moving: &[&str]| DelNodeReport {
            slot_count,
            keys,
            moving: moving.iter().map(|m| m.to_string()).collect(),
            ..DelNodeReport::default()
        };
        assert_eq!(
            refusal(master, &report(5, Some(0), &["slot 1"])),
            Some(DelNodeState::NotEmpty)
        );
        assert_eq!(
            refusal(master, &report(0, Some(3), &["slot 1"])),
            Some(DelNodeState::Moving)
        );
        assert_eq!(
            refusal(master, &report(0, Some(3), &[])),
            Some(DelNodeState::HoldsKeys)
        );
        assert_eq!(refusal(master, &report(0, Some(0), &[])), None);
        assert_eq!(refusal(master, &report(0, None, &[])), None);
        assert_eq!(refusal(replica, &report(0, Some(3), &[])), None);
    }
}
