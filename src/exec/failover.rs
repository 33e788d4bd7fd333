//! The failover phases: the replica is made to take over (`CLUSTER FAILOVER [FORCE|TAKEOVER]`,
//! after a coordinated failover's bounded wait for its link to the master; or the master's process
//! is killed, on this host only), then one deadline bounds three phases in turn: the replica calls
//! itself a master, its old master (when reachable) calls itself the replica's replica, and every
//! reachable node's table gives the promoted node the slots. With a drill, `exec::drill`'s traffic
//! runs before, during and after.
//!
//! Called by `commands::failover`, which resolves the replica and its master, refuses what would
//! lose data or cannot be voted, and builds the report from the phases returned here.

use super::drill::{Tally, run_traffic};
use super::poll_until;
use crate::error::UsageError;
use crate::net::{NetError, NodeAddress, NodeRole, Session};
use crate::report::Reporter;
use crate::topology::ClusterView;
use crate::topology::load::slot_maps_agree;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
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

/// One phase and when it was reached (milliseconds after the command was sent), or `null`.
#[derive(Debug, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub ms: Option<u128>,
}

/// A failover to carry out, resolved and allowed by the command.
pub struct Failover<'a> {
    pub replica: &'a NodeAddress,
    pub master: &'a NodeAddress,
    /// The master answered when the view was loaded.
    pub master_reachable: bool,
    pub mode: Mode,
    /// The master's process to kill instead of asking the replica (`--kill-master`, [`master_pid`]).
    pub kill: Option<u32>,
    /// Bound on the link wait, and on all three phases together.
    pub wait: Duration,
}

/// A drill's traffic: how many keys a second, for how long (the failover starts after a third).
#[derive(Debug, Clone, Copy)]
pub struct Drill {
    pub rate: u32,
    pub duration: Duration,
}

/// Runs the failover: the drill's traffic (if any) for a third of its duration, the trigger, the
/// three phases, then the rest of the traffic (at least a second after the phases). The phases,
/// and what the traffic saw.
pub async fn run(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    view: &ClusterView,
    failover: &Failover<'_>,
    drill: Option<Drill>,
) -> anyhow::Result<(Vec<Phase>, Option<Tally>)> {
    let traffic = drill.map(|drill| start_traffic(session, view, drill.rate));
    if let Some(drill) = drill {
        ui.step(&format!(
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
    trigger(session, ui, failover).await?;
    let master_reachable = failover.master_reachable && failover.kill.is_none();
    let phases = follow(session, failover, view, master_reachable).await;
    let tally = match (traffic, drill) {
        (Some(traffic), Some(drill)) => {
            let spent = triggered.elapsed() + drill.duration / 3;
            let rest = drill.duration.saturating_sub(spent);
            tokio::time::sleep(rest.max(Duration::from_secs(1))).await;
            Some(traffic.finish().await)
        }
        _ => None,
    };
    Ok((phases, tally))
}

/// Kills the master's process, or asks the replica to take over (a coordinated failover first
/// waits for the replica's link).
async fn trigger(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    failover: &Failover<'_>,
) -> anyhow::Result<()> {
    if let Some(pid) = failover.kill {
        ui.step(&format!("Killing the master's process {pid} (SIGKILL)"));
        return kill_process(pid);
    }
    let how = match failover.mode {
        Mode::Coordinated => "with its agreement",
        Mode::Force => "without its agreement (FORCE)",
        Mode::Takeover => "without any vote (TAKEOVER)",
    };
    if failover.mode == Mode::Coordinated {
        wait_for_link(session, failover.replica, failover.wait).await?;
    }
    ui.step(&format!(
        "Asking {} to take over from {} {how}",
        failover.replica, failover.master
    ));
    send_failover(session, failover.replica, failover.mode).await?;
    Ok(())
}

/// The drill's traffic, running.
struct Traffic {
    stop: Arc<AtomicBool>,
    started: Arc<Mutex<Option<Instant>>>,
    task: tokio::task::JoinHandle<Tally>,
}

impl Traffic {
    async fn finish(self) -> Tally {
        self.stop.store(true, Ordering::SeqCst);
        self.task.await.unwrap_or_default()
    }
}

fn start_traffic(session: &Arc<Session>, view: &ClusterView, rate: u32) -> Traffic {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(Mutex::new(None));
    let known: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    let task = tokio::spawn(run_traffic(
        Arc::clone(session),
        known,
        rate,
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
/// the link to be up (`INFO replication`), as a replica that was just added or demoted may still
/// be syncing.
async fn wait_for_link(
    session: &Arc<Session>,
    replica: &NodeAddress,
    limit: Duration,
) -> anyhow::Result<()> {
    let linked = poll_until(Instant::now() + limit, || async {
        let Ok(mut client) = session.client(replica).await else {
            return false;
        };
        client.replication().await.is_ok_and(|r| r.link_up)
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
pub async fn master_pid(session: &Arc<Session>, master: &NodeAddress) -> anyhow::Result<u32> {
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
) -> Result<(), NetError> {
    let mut client = session.client(replica).await?;
    let mut args = vec!["CLUSTER", "FAILOVER"];
    match mode {
        Mode::Coordinated => {}
        Mode::Force => args.push("FORCE"),
        Mode::Takeover => args.push("TAKEOVER"),
    }
    client.query::<()>(&args).await
}

/// Waits for each phase in turn, within one deadline.
async fn follow(
    session: &Arc<Session>,
    failover: &Failover<'_>,
    view: &ClusterView,
    master_reachable: bool,
) -> Vec<Phase> {
    let started = Instant::now();
    let deadline = started + failover.wait;
    let (replica, master) = (failover.replica, failover.master);
    let mut phases = Vec::new();
    let promoted = poll_until(deadline, || {
        role_is(session, replica, |r| *r == NodeRole::Master)
    })
    .await;
    phases.push(Phase {
        name: "replica_is_master",
        ms: promoted.then(|| started.elapsed().as_millis()),
    });
    if master_reachable {
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
