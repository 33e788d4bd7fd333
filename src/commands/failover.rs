//! `rcluster failover REPLICA:PORT [--force|--takeover]`: promotes a replica with `CLUSTER FAILOVER`
//! and waits, bounded by `--wait`, through three phases: the replica calls itself a master, its old
//! master (when reachable) calls itself the replica's replica, and every reachable node's table
//! gives the promoted node the slots. Each phase's time is reported; a phase not reached in time is
//! exit 1, naming it. Refused up front, with what to do instead: a master, a replica whose master
//! does not answer (without `--force`/`--takeover`), and, without the master's agreement, a replica
//! that does not hold its master's data (unless `--accept-data-loss`).
//!
//! `--drill` is the seed's FailoverTester made real: `exec::drill`'s client writes and reads keys at a
//! steady rate before, during and after the failover (or, with `--kill-master`, after rcluster kills
//! the master's process, on this host only), and the report adds what it saw. Exit 1 when the success
//! rate is under `--min-success` or any value read back wrong or went missing.

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
}

impl DrillReport {
    pub fn passed(&self) -> bool {
        self.success_rate >= self.min_success
            && self.tally.wrong.is_empty()
            && self.tally.lost.is_empty()
    }
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
    let master_reachable = master.is_loaded();
    let master_address = master.address.clone();
    let kill = match options.drill {
        Some(drill) if drill.kill_master => {
            Some(master_pid(&context.session, &master_address).await?)
        }
        _ => None,
    };
    let traffic = options
        .drill
        .map(|drill| start_traffic(context, &view, drill));
    if let (Some(drill), Some(_)) = (options.drill, &traffic) {
        context.ui.step(&format!(
            "Drill: writing and reading {} keys/s for {} s; the failover starts after a third of it",
            drill.rate,
            drill.duration.as_secs()
        ));
        tokio::time::sleep(drill.duration / 3).await;
    }
    let triggered = Instant::now();
    if let Some(traffic) = &traffic {
        *traffic.started.lock().unwrap_or_else(|p| p.into_inner()) = Some(triggered);
    }
    match kill {
        Some(pid) => {
            context
                .ui
                .step(&format!("Killing the master's process {pid} (SIGKILL)"));
            kill_process(pid)?;
        }
        None => {
            let how = match options.mode {
                Mode::Coordinated => "with its agreement",
                Mode::Force => "without its agreement (FORCE)",
                Mode::Takeover => "without any vote (TAKEOVER)",
            };
            if options.mode == Mode::Coordinated {
                wait_for_link(&context.session, &options.replica, options.wait).await?;
            }
            context.ui.step(&format!(
                "Asking {} to take over from {master_address} {how}",
                options.replica
            ));
            send_failover(&context.session, &options.replica, options.mode).await?
        }
    }
    let master_reachable = master_reachable && kill.is_none();
    let phases = follow(context, options, &view, &master_address, master_reachable).await;
    let drill = match (traffic, options.drill) {
        (Some(traffic), Some(settings)) => {
            let total = settings.duration;
            let spent = triggered.elapsed() + settings.duration / 3;
            tokio::time::sleep(total.saturating_sub(spent).max(Duration::from_secs(1))).await;
            let tally = traffic.finish().await;
            Some(DrillReport {
                success_rate: tally.success_rate(),
                tally,
                min_success: settings.min_success,
                killed_pid: kill,
            })
        }
        _ => None,
    };
    let report = FailoverReport {
        node,
        old_master,
        mode: options.mode,
        slot_count,
        phases,
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

/// The drill's traffic, running.
struct Traffic {
    stop: Arc<std::sync::atomic::AtomicBool>,
    started: Arc<std::sync::Mutex<Option<Instant>>>,
    task: tokio::task::JoinHandle<crate::exec::drill::Tally>,
}

impl Traffic {
    async fn finish(self) -> crate::exec::drill::Tally {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.task.await.unwrap_or_default()
    }
}

fn start_traffic(context: &Context, view: &ClusterView, drill: DrillOptions) -> Traffic {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let started = Arc::new(std::sync::Mutex::new(None));
    let known: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    let task = tokio::spawn(crate::exec::drill::run_traffic(
        Arc::clone(&context.session),
        known,
        drill.rate,
        Arc::clone(&stop),
        Arc::clone(&started),
    ));
    Traffic {
        stop,
        started,
        task,
    }
}

/// A coordinated failover needs the replica's link to its master: it waits (within `limit`) for
/// `master_link_status:up`, as a replica that was just added or demoted may still be syncing.
async fn wait_for_link(
    session: &Arc<Session>,
    replica: &NodeAddress,
    limit: Duration,
) -> anyhow::Result<()> {
    let linked = poll_until(Instant::now() + limit, || async {
        let Ok(mut client) = session.client(replica).await else {
            return false;
        };
        let info: Result<String, _> = client.query(&["INFO", "replication"]).await;
        info.is_ok_and(|text| text.lines().any(|l| l.trim() == "master_link_status:up"))
    })
    .await;
    if linked {
        return Ok(());
    }
    Err(UsageError(format!(
        "{replica}'s link to its master is not up (still syncing, or the master is unreachable) after {} s: wait and run again, or add --force",
        limit.as_secs()
    ))
    .into())
}

/// The PID of the master's process, when it runs on this host and rcluster may signal it.
async fn master_pid(session: &Arc<Session>, master: &NodeAddress) -> anyhow::Result<u32> {
    let local = ["127.0.0.1", "localhost", "::1"].contains(&master.host.as_str());
    if !local {
        return Err(UsageError(format!(
            "--kill-master kills a process on this host only; {master} is not on it: drop --kill-master"
        ))
        .into());
    }
    let mut client = session.client(master).await?;
    let info: String = client.query(&["INFO", "server"]).await?;
    let pid: u32 = crate::net::info_field(&info, "process_id")
        .and_then(|pid| pid.parse().ok())
        .ok_or_else(|| UsageError(format!("{master} did not say its process id")))?;
    // SAFETY: signal 0 only asks whether this process may signal `pid`.
    if unsafe { libc::kill(pid as i32, 0) } != 0 {
        return Err(UsageError(format!(
            "rcluster may not signal {master}'s process {pid}: run as its user, or drop --kill-master"
        ))
        .into());
    }
    Ok(pid)
}

fn kill_process(pid: u32) -> anyhow::Result<()> {
    // SAFETY: a signal to the process checked by `master_pid`.
    if unsafe { libc::kill(pid as i32, libc::SIGKILL) } != 0 {
        return Err(anyhow::anyhow!(
            "could not kill process {pid}: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
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
    // A master that was killed (or did not answer) has no say.
    let addresses: Vec<NodeAddress> = view
        .loaded()
        .map(|n| n.address.clone())
        .filter(|a| master_reachable || a != master)
        .collect();
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
    match client.keyspace_and_role().await {
        Ok((_, role)) => wanted(&role),
        Err(_) => false,
    }
}
