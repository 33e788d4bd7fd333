//! The failover phases: the replica is made to take over (`CLUSTER FAILOVER [FORCE|TAKEOVER]`,
//! after a coordinated failover's bounded wait for its link to the master; or the master's process
//! is killed, on this host only), then one deadline bounds three phases in turn: the replica calls
//! itself a master, its old master (when reachable) calls itself the replica's replica, and every
//! reachable node's table gives the promoted node the slots. With a drill, `exec::drill`'s traffic
//! runs before, during and after.
//!
//! A coordinated failover waits on the server side: the master stops writes, and the replica takes
//! over only once it has applied the master's whole stream. That wait is measured from outside
//! ([`CatchUp`]): the replica's lag when the command is sent, then both offsets polled until the
//! replica's reaches its master's.
//!
//! Called by `commands::failover`, which resolves the replica and its master, refuses what would
//! lose data or cannot be voted, and builds the report from the phases returned here.

use super::drill::{Tally, run_traffic};
use super::poll_until;
use crate::error::UsageError;
use crate::net::{NetError, NodeAddress, NodeRole, Replication, Session};
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

/// A coordinated failover's wait for the replica to reach its master's offset, as seen by polling
/// both nodes' `INFO replication`.
#[derive(Debug, Clone, Serialize)]
pub struct CatchUp {
    /// Bytes of the master's stream the replica had not applied when the failover was sent
    /// (`null`: an offset could not be read).
    pub lag_bytes: Option<u64>,
    /// Seconds since the replica had last heard from its master then.
    pub last_io_seconds: Option<i64>,
    /// Milliseconds after the command was sent until the replica's offset reached its master's
    /// (`null`: not seen before the bound, or before it had taken over).
    pub caught_up_ms: Option<u128>,
}

/// What the failover did: its phases, a coordinated failover's catch-up, and what a drill's
/// traffic saw.
#[derive(Debug)]
pub struct Ran {
    pub phases: Vec<Phase>,
    pub catch_up: Option<CatchUp>,
    pub tally: Option<Tally>,
    /// After a killed master's failover: whether the old master answers again (restarted by
    /// something else than rcluster; rcluster does not start it).
    pub killed_master_answers: Option<bool>,
}

/// The master's process that `--kill-master` kills, and what it ran (for the advice to start it
/// again: its other options are not known, a server rewrites its command line).
#[derive(Debug, Clone)]
pub struct MasterProcess {
    pub pid: u32,
    /// The server's binary (`INFO server`'s `executable`, or its name alone when that path does
    /// not exist: found on PATH).
    pub executable: Option<String>,
    /// `INFO server`'s `config_file` (`None` when it runs without one).
    pub config_file: Option<String>,
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
/// three phases, then the rest of the traffic (at least a second after the phases).
pub async fn run(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    view: &ClusterView,
    failover: &Failover<'_>,
    drill: Option<Drill>,
) -> anyhow::Result<Ran> {
    let traffic = drill.map(|drill| start_traffic(session, view, drill.rate, failover.wait));
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
    let (sent, catch_up) = trigger(session, ui, failover).await?;
    let master_reachable = failover.master_reachable && failover.kill.is_none();
    let phases = follow(session, failover, view, master_reachable, sent).await;
    let tally = match (traffic, drill) {
        (Some(traffic), Some(drill)) => {
            let spent = triggered.elapsed() + drill.duration / 3;
            let rest = drill.duration.saturating_sub(spent);
            tokio::time::sleep(rest.max(Duration::from_secs(1))).await;
            Some(traffic.finish().await)
        }
        _ => None,
    };
    let killed_master_answers = match failover.kill {
        Some(_) => Some(answers(session, failover.master).await),
        None => None,
    };
    Ok(Ran {
        phases,
        catch_up,
        tally,
        killed_master_answers,
    })
}

/// Kills the master's process, or asks the replica to take over (a coordinated failover first
/// waits for the replica's link, and then measures its catch-up): when the command was sent (or
/// the process killed), and the catch-up.
async fn trigger(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    failover: &Failover<'_>,
) -> anyhow::Result<(Instant, Option<CatchUp>)> {
    if let Some(pid) = failover.kill {
        ui.step(&format!("Killing the master's process {pid} (SIGKILL)"));
        kill_process(pid)?;
        return Ok((Instant::now(), None));
    }
    let how = match failover.mode {
        Mode::Coordinated => "with its agreement",
        Mode::Force => "without its agreement (FORCE)",
        Mode::Takeover => "without any vote (TAKEOVER)",
    };
    let coordinated = failover.mode == Mode::Coordinated;
    if coordinated {
        wait_for_link(session, failover.replica, failover.wait).await?;
    }
    let before = match coordinated {
        true => Some(offsets(session, failover.replica, failover.master).await),
        false => None,
    };
    ui.step(&format!(
        "Asking {} to take over from {} {how}",
        failover.replica, failover.master
    ));
    let sent = Instant::now();
    send_failover(session, failover.replica, failover.mode).await?;
    let Some((replica, master)) = before else {
        return Ok((sent, None));
    };
    let caught_up = poll_until(sent + failover.wait, || async {
        match offsets(session, failover.replica, failover.master).await {
            (Some(replica), Some(master)) => caught_up(&replica, &master),
            _ => false,
        }
    })
    .await;
    let catch_up = CatchUp {
        lag_bytes: lag_bytes(replica.as_ref(), master.as_ref()),
        last_io_seconds: replica.as_ref().and_then(|r| r.last_io_seconds),
        caught_up_ms: caught_up.then(|| sent.elapsed().as_millis()),
    };
    Ok((sent, Some(catch_up)))
}

/// Whether `address` answers a `PING` on a new connection (a cached one died with a killed
/// process).
async fn answers(session: &Arc<Session>, address: &NodeAddress) -> bool {
    match session.dedicated_client(address, 0).await {
        Ok(mut client) => client.query::<String>(&["PING"]).await.is_ok(),
        Err(_) => false,
    }
}

/// The replica's and its master's `INFO replication`, read at once (`None`: no answer).
async fn offsets(
    session: &Arc<Session>,
    replica: &NodeAddress,
    master: &NodeAddress,
) -> (Option<Replication>, Option<Replication>) {
    let read = |address: &NodeAddress| {
        let (session, address) = (Arc::clone(session), address.clone());
        async move {
            session
                .client(&address)
                .await
                .ok()?
                .replication()
                .await
                .ok()
        }
    };
    tokio::join!(read(replica), read(master))
}

/// What the master's stream holds beyond the replica's offset.
fn lag_bytes(replica: Option<&Replication>, master: Option<&Replication>) -> Option<u64> {
    Some(master?.offset?.saturating_sub(replica?.replica_offset?))
}

/// The replica has applied its master's whole stream (the master stops writes during a
/// coordinated failover, so its offset stands still), or has taken over already (which the server
/// allows only after that).
fn caught_up(replica: &Replication, master: &Replication) -> bool {
    !replica.replica || lag_bytes(Some(replica), Some(master)) == Some(0)
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

/// The traffic, reading its keys back for up to `read_back_for` at the end.
fn start_traffic(
    session: &Arc<Session>,
    view: &ClusterView,
    rate: u32,
    read_back_for: Duration,
) -> Traffic {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(Mutex::new(None));
    let known: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    let task = tokio::spawn(run_traffic(
        Arc::clone(session),
        known,
        rate,
        Arc::clone(&stop),
        Arc::clone(&started),
        read_back_for,
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

/// The master's process, when it runs on this host and rcluster may signal it.
pub async fn master_pid(
    session: &Arc<Session>,
    master: &NodeAddress,
) -> anyhow::Result<MasterProcess> {
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
    let said = |name: &str| {
        crate::net::info_field(&info, name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    // `INFO`'s `executable` joins the working folder and argv[0]: for a binary found on PATH that
    // path does not exist, and the name alone is what started it. (`/proc/<pid>/exe` would name
    // the link's target, `redis-check-rdb` on Debian, which is no server by that name.)
    let executable = said("executable").map(|path| {
        let path = std::path::Path::new(&path);
        match path.file_name() {
            Some(name) if !path.exists() => name.to_string_lossy().into_owned(),
            _ => path.display().to_string(),
        }
    });
    Ok(MasterProcess {
        pid,
        executable,
        config_file: said("config_file"),
    })
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

/// Waits for each phase in turn, within one deadline from `started` (when the failover was
/// triggered).
async fn follow(
    session: &Arc<Session>,
    failover: &Failover<'_>,
    view: &ClusterView,
    master_reachable: bool,
    started: Instant,
) -> Vec<Phase> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn replica(offset: u64) -> Replication {
        Replication {
            replica: true,
            link_up: true,
            replica_offset: Some(offset),
            offset: Some(offset),
            ..Replication::default()
        }
    }

    fn master(offset: u64) -> Replication {
        Replication {
            offset: Some(offset),
            ..Replication::default()
        }
    }

    #[test]
    fn the_catch_up_ends_at_the_masters_offset_or_at_the_takeover() {
        assert_eq!(
            lag_bytes(Some(&replica(900)), Some(&master(1000))),
            Some(100)
        );
        assert_eq!(lag_bytes(Some(&replica(900)), None), None);
        assert!(!caught_up(&replica(900), &master(1000)));
        assert!(caught_up(&replica(1000), &master(1000)));
        // Promoted already: the server lets it take over only once it has caught up.
        assert!(caught_up(&master(1000), &master(1000)));
    }
}
