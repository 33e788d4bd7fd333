//! `rcluster failover REPLICA:PORT [--force|--takeover]`: promotes a replica with `CLUSTER FAILOVER`
//! and waits, bounded by `--wait`, through three phases: the replica calls itself a master, its old
//! master (when reachable) calls itself the replica's replica, and every reachable node's table
//! gives the promoted node the slots. Each phase's time is reported; a phase not reached in time is
//! exit 1, naming it. Refused up front, with what to do instead: a master, a replica whose master
//! does not answer (without `--force`/`--takeover`).

use super::Context;
use crate::error::UsageError;
use crate::exec::poll_until;
use crate::net::{NodeAddress, NodeRole, Session};
use crate::report::Outcome;
use crate::topology::load::slot_maps_agree;
use crate::topology::{ClusterView, load_cluster_view};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the replica takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// With its master's agreement: no write is lost.
    Coordinated,
    /// Without its master (it may be down), with a majority of masters' votes.
    Force,
    /// Without any agreement: a new epoch of its own.
    Takeover,
}

/// What `failover` is asked to do, validated (built by `crate::cli::args::failover`).
#[derive(Debug)]
pub struct Options {
    pub replica: NodeAddress,
    pub mode: Mode,
    /// Bound on all three phases together.
    pub wait: Duration,
}

/// One phase and when it was reached (milliseconds after the command was sent), or `null`.
#[derive(Debug, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub ms: Option<u128>,
}

/// What `failover` did.
#[derive(Debug, Serialize)]
pub struct FailoverReport {
    pub node: super::NodeRef,
    pub old_master: super::NodeRef,
    pub mode: Mode,
    /// The promoted node's slots.
    pub slot_count: usize,
    pub phases: Vec<Phase>,
}

impl FailoverReport {
    pub fn complete(&self) -> bool {
        self.phases.iter().all(|p| p.ms.is_some())
    }
}

/// Runs `failover`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let view = load_cluster_view(&context.session, &options.replica).await?;
    let me = view
        .loaded()
        .find(|n| n.address == options.replica)
        .ok_or_else(|| UsageError(format!("{} did not answer", options.replica)))?;
    let master_id = me.myself().master_id.clone().ok_or_else(|| {
        UsageError(format!(
            "{} is a master already: name one of its replicas (`rcluster info {}` lists them)",
            options.replica, options.replica
        ))
    })?;
    let master = view.node_by_id(&master_id).ok_or_else(|| {
        UsageError(format!(
            "the master {master_id} of {} is unknown",
            options.replica
        ))
    })?;
    if options.mode == Mode::Coordinated && !master.is_loaded() {
        return Err(UsageError(format!(
            "its master {} does not answer, so it cannot agree: add --force (a majority of masters votes) or --takeover (no vote at all)",
            master.address
        ))
        .into());
    }
    let slot_count = master.seen_by_seed.slots.len();
    let old_master = super::NodeRef::of(&view, master.id());
    let node = super::NodeRef::of(&view, me.id());
    let master_reachable = master.is_loaded();
    let master_address = master.address.clone();
    let how = match options.mode {
        Mode::Coordinated => "with its agreement",
        Mode::Force => "without its agreement (FORCE)",
        Mode::Takeover => "without any vote (TAKEOVER)",
    };
    context.ui.step(&format!(
        "Asking {} to take over from {master_address} {how}",
        options.replica
    ));
    send_failover(&context.session, &options.replica, options.mode).await?;
    let phases = follow(context, options, &view, &master_address, master_reachable).await;
    let report = FailoverReport {
        node,
        old_master,
        mode: options.mode,
        slot_count,
        phases,
    };
    let complete = report.complete();
    Ok(Outcome::clean_if(report, complete))
}

async fn send_failover(
    session: &Arc<Session>,
    replica: &NodeAddress,
    mode: Mode,
) -> anyhow::Result<()> {
    let mut client = session.client(replica).await?;
    let mut args = vec!["CLUSTER", "FAILOVER"];
    match mode {
        Mode::Coordinated => {}
        Mode::Force => args.push("FORCE"),
        Mode::Takeover => args.push("TAKEOVER"),
    }
    client.query::<()>(&args).await?;
    Ok(())
}

/// Waits for each phase in turn, within one deadline.
async fn follow(
    context: &Context,
    options: &Options,
    view: &ClusterView,
    master: &NodeAddress,
    master_reachable: bool,
) -> Vec<Phase> {
    let started = Instant::now();
    let deadline = started + options.wait;
    let session = &context.session;
    let mut phases = Vec::new();
    let promoted = poll_until(deadline, || {
        role_is(session, &options.replica, |r| *r == NodeRole::Master)
    })
    .await;
    phases.push(Phase {
        name: "replica_is_master",
        ms: promoted.then(|| started.elapsed().as_millis()),
    });
    if master_reachable {
        let replica = &options.replica;
        let demoted = promoted
            && poll_until(deadline, || {
                role_is(
                    session,
                    master,
                    |r| matches!(r, NodeRole::Replica { port, .. } if *port == replica.port),
                )
            })
            .await;
        phases.push(Phase {
            name: "old_master_is_replica",
            ms: demoted.then(|| started.elapsed().as_millis()),
        });
    }
    let addresses: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    let agreed = promoted && poll_until(deadline, || slot_maps_agree(session, &addresses)).await;
    phases.push(Phase {
        name: "all_nodes_agree",
        ms: agreed.then(|| started.elapsed().as_millis()),
    });
    phases
}

/// Whether the node's own `ROLE` satisfies `wanted` (false when it does not answer).
async fn role_is(
    session: &Arc<Session>,
    address: &NodeAddress,
    wanted: impl Fn(&NodeRole) -> bool,
) -> bool {
    let Ok(mut client) = session.client(address).await else {
        return false;
    };
    match client.dbsize_and_role().await {
        Ok((_, role)) => wanted(&role),
        Err(_) => false,
    }
}
