//! `rcluster failover REPLICA:PORT [--force|--takeover]`: promotes a replica with `CLUSTER FAILOVER`
//! and waits, bounded by `--wait`, through three phases: the replica calls itself a master, its old
//! master (when reachable) calls itself the replica's replica, and every reachable node's table
//! gives the promoted node the slots. Each phase's time is reported; a phase not reached in time is
//! exit 1, naming it. Refused up front, with what to do instead: a master, a replica whose master
//! does not answer (without `--force`/`--takeover`), and, without the master's agreement, a replica
//! that does not hold its master's data (unless `--accept-data-loss`).
//!
//! The trigger and the phases are `exec::failover`'s; this file resolves the replica and its master,
//! refuses, and builds the report.
//!
//! A coordinated failover (no `--force`/`--takeover`) waits on the server side until the replica has
//! applied its master's stream; the report carries that wait ([`CatchUp`]): the replica's lag when
//! the command was sent and when it reached its master's offset.
//!
//! `--drill` is the seed's FailoverTester made real: `exec::drill`'s client writes and reads keys at a
//! steady rate before, during and after the failover (or, with `--kill-master`, after rcluster kills
//! the master's process, on this host only), and the report adds what it saw: the time without a
//! write overall and per shard, and, apart, keys lost and keys that were only unreadable while the
//! cluster was down. After `--kill-master` the old master stays down (rcluster does not start it):
//! the report says so, and how to start it again. Exit 1 when the success rate is under
//! `--min-success` or any value read back wrong, went missing, or could not be read at all.
//!
//! `--drill --partition` names a master instead and cuts it off with firewall rules
//! ([`partition`]).

use super::Context;
use crate::error::UsageError;
pub use crate::exec::failover::CatchUp;
use crate::exec::failover::{Drill, Failover, master_pid};
use crate::net::NodeAddress;
use crate::report::Outcome;
use crate::topology::{ClusterView, load_cluster_view};
use serde::Serialize;
use std::time::Duration;

pub use crate::exec::failover::{Mode, Phase};
pub use partition::PartitionReport;

mod partition;

/// What `failover` is asked to do, validated (built by `crate::cli::args::failover`).
#[derive(Debug)]
pub struct Options {
    pub replica: NodeAddress,
    pub mode: Mode,
    /// Bound on all three phases together.
    pub wait: Duration,
    /// Promote a replica that does not hold its master's data.
    pub accept_data_loss: bool,
    pub drill: Option<DrillOptions>,
}

/// A drill's settings.
#[derive(Debug, Clone, Copy)]
pub struct DrillOptions {
    /// How long the traffic runs; the failover starts after a third of it.
    pub duration: Duration,
    /// Writes per second.
    pub rate: u32,
    /// The success rate (percent) below which the drill fails.
    pub min_success: f64,
    /// Kill the master's process instead of asking the replica to take over.
    pub kill_master: bool,
    /// Cut the named master off with firewall rules instead (`--partition`).
    pub partition: bool,
    /// `min-replicas-to-write` for a partition drill (`--with-min-replicas`).
    pub min_replicas: Option<u32>,
}

/// What a drill saw.
#[derive(Debug, Serialize)]
pub struct DrillReport {
    #[serde(flatten)]
    pub tally: crate::exec::drill::Tally,
    pub success_rate: f64,
    pub min_success: f64,
    /// The master's process rcluster killed (`--kill-master`).
    pub killed_pid: Option<u32>,
    /// After `--kill-master`: whether the old master answered again by the end (rcluster does not
    /// start it; something else may have).
    pub old_master_answers: Option<bool>,
    /// After `--kill-master`: the killed server's binary, and its config file (`null`: none), to
    /// start it again with (and the options it ran with).
    pub killed_executable: Option<String>,
    pub killed_config_file: Option<String>,
}

impl DrillReport {
    pub fn passed(&self) -> bool {
        self.success_rate >= self.min_success
            && self.tally.wrong.is_empty()
            && self.tally.lost.is_empty()
            && self.tally.unreadable.is_empty()
    }
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
    /// A coordinated failover's wait for the replica to reach its master's offset (`null`:
    /// `--force`, `--takeover`, `--kill-master`).
    pub catch_up: Option<CatchUp>,
    pub drill: Option<DrillReport>,
}

impl FailoverReport {
    pub fn complete(&self) -> bool {
        self.phases.iter().all(|p| p.ms.is_some())
    }

    /// Complete, and a drill (if any) passed.
    pub fn passed(&self) -> bool {
        self.complete() && self.drill.as_ref().is_none_or(DrillReport::passed)
    }
}

/// The refusal for a master given as the replica to promote: its replicas by address, or that it
/// has none; `rcluster info -v` lists every master's replicas.
fn already_master(view: &ClusterView, master: &crate::topology::NodeView) -> String {
    let replicas: Vec<String> = view
        .loaded()
        .filter(|n| n.myself().master_id.as_deref() == Some(master.id()))
        .map(|n| n.address.to_string())
        .collect();
    let named = match replicas.as_slice() {
        [] => "it has no replica to promote".to_string(),
        some => format!("name one of its replicas: {}", some.join(", ")),
    };
    format!(
        "{} is a master already: {named} (`rcluster info -v {}` lists every master's replicas)",
        master.address, master.address
    )
}

/// Runs `failover`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    if let Some(drill) = options.drill.filter(|d| d.partition) {
        return partition::run(context, options, drill).await;
    }
    let view = load_cluster_view(&context.session, &options.replica).await?;
    let me = view
        .loaded()
        .find(|n| n.address == options.replica)
        .ok_or_else(|| UsageError(format!("{} did not answer", options.replica)))?;
    let master_id = me
        .myself()
        .master_id
        .clone()
        .ok_or_else(|| UsageError(already_master(&view, me)))?;
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
    if options.mode != Mode::Takeover {
        refuse_without_quorum(&view, &options.replica)?;
    }
    let kills = options.drill.is_some_and(|d| d.kill_master);
    if (options.mode != Mode::Coordinated || kills) && !options.accept_data_loss {
        refuse_data_loss(me, master)?;
    }
    let _lock = super::take_lock(context, &view, "failover").await?;
    let slot_count = master.seen_by_seed.slots.len();
    let old_master = super::NodeRef::of(&view, master.id());
    let node = super::NodeRef::of(&view, me.id());
    let master_address = master.address.clone();
    let process = match options.drill {
        Some(drill) if drill.kill_master => {
            Some(master_pid(&context.session, &master_address).await?)
        }
        _ => None,
    };
    let kill = process.as_ref().map(|p| p.pid);
    let failover = Failover {
        replica: &options.replica,
        master: &master_address,
        master_reachable: master.is_loaded(),
        mode: options.mode,
        kill,
        wait: options.wait,
    };
    let traffic = options.drill.map(|drill| Drill {
        rate: drill.rate,
        duration: drill.duration,
    });
    let ran = crate::exec::failover::run(
        &context.session,
        context.ui.as_ref(),
        &view,
        &failover,
        traffic,
    )
    .await?;
    let drill = match (ran.tally, options.drill) {
        (Some(tally), Some(settings)) => Some(DrillReport {
            success_rate: tally.success_rate(),
            tally,
            min_success: settings.min_success,
            killed_pid: kill,
            old_master_answers: ran.killed_master_answers,
            killed_executable: process.as_ref().and_then(|p| p.executable.clone()),
            killed_config_file: process.as_ref().and_then(|p| p.config_file.clone()),
        }),
        _ => None,
    };
    let report = FailoverReport {
        node,
        old_master,
        mode: options.mode,
        slot_count,
        phases: ran.phases,
        catch_up: ran.catch_up,
        drill,
    };
    let passed = report.passed();
    Ok(Outcome::clean_if(report, passed))
}

/// A failover without the master's agreement (`--force`, `--takeover`, a killed master) toward a
/// replica that never synced, is in a full sync, or is known to lag loses the keys only the master
/// holds: refused,
/// with the figures, unless `--accept-data-loss`. (A coordinated failover waits for the offsets on
/// the server side.)
fn refuse_data_loss(
    replica: &crate::topology::NodeView,
    master: &crate::topology::NodeView,
) -> Result<(), UsageError> {
    let Some(state) = &replica.replication else {
        return Ok(());
    };
    let master_offset = master.replication.as_ref().and_then(|r| r.offset);
    // A link that is down is what `--force` is for (its master is gone): the replica holds what it
    // had. Refused are a replica that never synced, one in a full sync, and one known to lag.
    let gap = match crate::net::ReplicaGap::of(state, master_offset) {
        None | Some(crate::net::ReplicaGap::LinkDown { .. }) => return Ok(()),
        Some(gap) => gap,
    };
    let figures = match (state.replica_offset, master_offset) {
        (Some(mine), Some(theirs)) => format!(" (offset {mine}, its master's {theirs})"),
        (Some(mine), None) => format!(" (offset {mine}; its master's could not be read)"),
        _ => String::new(),
    };
    Err(UsageError(format!(
        "{} {}{figures}: promoted now, it would take over without its master's keys; wait until it is in sync (`rcluster check`), or add --accept-data-loss",
        replica.address,
        gap.describe()
    )))
}

/// A vote needs a majority of the masters that serve slots to answer: refused, naming those that
/// do not, when fewer answer.
fn refuse_without_quorum(view: &ClusterView, replica: &NodeAddress) -> Result<(), UsageError> {
    let voters: Vec<&crate::topology::NodeView> = view
        .nodes
        .iter()
        .filter(|n| n.seen_by_seed.flags.master && !n.seen_by_seed.slots.is_empty())
        .collect();
    let needed = voters.len() / 2 + 1;
    let silent: Vec<String> = voters
        .iter()
        .filter(|n| !n.is_loaded())
        .map(|n| n.address.to_string())
        .collect();
    let answering = voters.len() - silent.len();
    if answering >= needed {
        return Ok(());
    }
    Err(UsageError(format!(
        "{replica} cannot be voted in: a failover needs the votes of {needed} of the {} masters that serve slots, and only {answering} answer (not {}); bring them back, or use --takeover if they are gone for good (it takes no vote)",
        voters.len(),
        silent.join(", ")
    )))
}
