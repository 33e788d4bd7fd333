//! The migration engine: carries out a [`MovePlan`] with the legacy per-slot protocol, as an explicit
//! state machine per slot: IMPORTING on the target, MIGRATING on the source, keys moved with
//! `GETKEYSINSLOT` + `MIGRATE ... KEYS` in batches, then `SETSLOT NODE` on the target, the source and
//! every other master at once.
//!
//! Slots of different sources move concurrently (one slot per source at a time, `parallel` sources at
//! once); the first error stops new moves, lets the ones in flight finish, and is reported with the
//! state its slot was left in and how to finish it.

use crate::net::{NetError, NodeAddress, NodeClient, Secret, Session, concurrently};
use crate::plan::{MovePlan, SlotMove};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How to move keys.
#[derive(Debug, Clone)]
pub struct MigrateOptions {
    /// Keys per `GETKEYSINSLOT` / `MIGRATE`.
    pub pipeline: usize,
    /// MIGRATE's own timeout.
    pub migrate_timeout: Duration,
    /// Overwrite keys that already exist on the target.
    pub replace: bool,
    /// Sources moving at once.
    pub parallel: usize,
    /// Credentials the source uses to authenticate to the target.
    pub user: Option<String>,
    pub password: Option<Secret>,
}

/// A master taking part in the moves.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    /// Where rcluster connects.
    pub address: NodeAddress,
    /// Where the source's MIGRATE connects (the node's announced IP).
    pub migrate_host: String,
}

/// Where a slot's move stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotStep {
    /// Nothing changed yet.
    Untouched,
    /// The target imports; the source is untouched.
    Importing,
    /// Both sides are open; keys may be on both.
    Migrating,
    /// The target owns the slot; some nodes may not know yet.
    Assigned,
}

impl SlotStep {
    fn describe(self) -> &'static str {
        match self {
            SlotStep::Untouched => "nothing was changed for it",
            SlotStep::Importing => "it is open (importing) on the target only",
            SlotStep::Migrating => {
                "it is open on both nodes and its keys may be split between them"
            }
            SlotStep::Assigned => "it belongs to the target; some masters were not told yet",
        }
    }
}

/// A slot whose move failed.
#[derive(Debug, thiserror::Error)]
#[error("slot {slot} ({source_address} -> {target_address}) stopped at {step:?}: {reason}; {}", step.describe())]
pub struct MoveError {
    pub slot: u16,
    pub source_address: String,
    pub target_address: String,
    pub step: SlotStep,
    pub reason: String,
}

/// One finished move.
#[derive(Debug, Clone, Serialize)]
pub struct SlotDone {
    pub slot: u16,
    pub source: String,
    pub target: String,
    pub keys: u64,
}

/// Told about each slot as it completes.
pub trait Progress: Send + Sync {
    fn slot_done(&self, done: &SlotDone, source: &Endpoint, target: &Endpoint);
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct MoveSummary {
    pub slots: usize,
    pub keys: u64,
    pub seconds: f64,
    /// Masters that could not be told a slot's new owner (gossip will tell them).
    pub warnings: Vec<String>,
}

/// Everything a worker needs.
struct Engine {
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    /// Every master, told the new owner of each slot.
    masters: Vec<NodeAddress>,
    options: MigrateOptions,
    progress: Arc<dyn Progress>,
    stop: AtomicBool,
}

/// Runs `plan`. `endpoints` holds every source and target by id; `masters` every master to tell.
pub async fn execute_moves(
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    masters: Vec<NodeAddress>,
    plan: &MovePlan,
    options: MigrateOptions,
    progress: Arc<dyn Progress>,
) -> (MoveSummary, Vec<MoveError>) {
    let started = Instant::now();
    let limit = Arc::new(Semaphore::new(options.parallel.max(1)));
    let engine = Arc::new(Engine {
        session,
        endpoints,
        masters,
        options,
        progress,
        stop: AtomicBool::new(false),
    });
    let mut by_source: Vec<(String, Vec<SlotMove>)> = Vec::new();
    for step in &plan.moves {
        match by_source
            .iter_mut()
            .find(|(source, _)| *source == step.source)
        {
            Some((_, moves)) => moves.push(step.clone()),
            None => by_source.push((step.source.clone(), vec![step.clone()])),
        }
    }
    let results = concurrently(by_source, |(_, moves)| {
        let engine = Arc::clone(&engine);
        let limit = Arc::clone(&limit);
        async move {
            let _permit = limit.acquire_owned().await.ok();
            engine.run_source(moves).await
        }
    })
    .await;
    let mut summary = MoveSummary::default();
    let mut errors = Vec::new();
    for (done, warnings, error) in results {
        summary.slots += done.len();
        summary.keys += done.iter().map(|d| d.keys).sum::<u64>();
        summary.warnings.extend(warnings);
        errors.extend(error);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    (summary, errors)
}

impl Engine {
    /// One source's moves, in plan order, until done or told to stop.
    async fn run_source(
        &self,
        moves: Vec<SlotMove>,
    ) -> (Vec<SlotDone>, Vec<String>, Option<MoveError>) {
        let mut done = Vec::new();
        let mut warnings = Vec::new();
        for step in moves {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            match self.move_slot(&step, &mut warnings).await {
                Ok(finished) => {
                    let (source, target) =
                        (&self.endpoints[&step.source], &self.endpoints[&step.target]);
                    self.progress.slot_done(&finished, source, target);
                    done.push(finished);
                }
                Err(error) => {
                    self.stop.store(true, Ordering::SeqCst);
                    return (done, warnings, Some(error));
                }
            }
        }
        (done, warnings, None)
    }

    /// The per-slot state machine.
    async fn move_slot(
        &self,
        step: &SlotMove,
        warnings: &mut Vec<String>,
    ) -> Result<SlotDone, MoveError> {
        let source = &self.endpoints[&step.source];
        let target = &self.endpoints[&step.target];
        let slot = step.slot.number();
        let fail = |at: SlotStep, reason: String| MoveError {
            slot,
            source_address: source.address.to_string(),
            target_address: target.address.to_string(),
            step: at,
            reason,
        };
        let mut on_target = self
            .client(&target.address)
            .await
            .map_err(|e| fail(SlotStep::Untouched, e.to_string()))?;
        let mut on_source = self
            .client(&source.address)
            .await
            .map_err(|e| fail(SlotStep::Untouched, e.to_string()))?;
        // 1. Target imports first, so ASK redirections from the source always find it ready.
        on_target
            .setslot(slot, "IMPORTING", Some(&source.id))
            .await
            .map_err(|e| fail(SlotStep::Untouched, e.to_string()))?;
        // 2. Source migrates.
        on_source
            .setslot(slot, "MIGRATING", Some(&target.id))
            .await
            .map_err(|e| fail(SlotStep::Importing, e.to_string()))?;
        // 3. Keys, batch by batch.
        let keys = self
            .move_keys(slot, &mut on_source, &mut on_target, target)
            .await
            .map_err(|reason| fail(SlotStep::Migrating, reason))?;
        // 4. The target owns it, then the source, then everyone else at once.
        on_target
            .setslot(slot, "NODE", Some(&target.id))
            .await
            .map_err(|e| fail(SlotStep::Migrating, e.to_string()))?;
        match on_source.setslot(slot, "NODE", Some(&target.id)).await {
            Err(NetError::Server { message, .. }) if message.contains("only with masters") => {}
            Err(error) => return Err(fail(SlotStep::Assigned, error.to_string())),
            Ok(()) => {}
        }
        warnings.extend(self.tell_other_masters(slot, source, target).await);
        Ok(SlotDone {
            slot,
            source: step.source.clone(),
            target: step.target.clone(),
            keys,
        })
    }

    async fn client(&self, address: &NodeAddress) -> Result<NodeClient, NetError> {
        self.session.client(address).await
    }

    /// GETKEYSINSLOT + MIGRATE until the source has no key left in the slot; returns the keys moved.
    async fn move_keys(
        &self,
        slot: u16,
        source: &mut NodeClient,
        target: &mut NodeClient,
        to: &Endpoint,
    ) -> Result<u64, String> {
        let mut moved = 0u64;
        let mut migrating = source
            .clone()
            .with_timeout(self.options.migrate_timeout + Duration::from_secs(5));
        loop {
            let mut get = redis::cmd("CLUSTER");
            get.arg("GETKEYSINSLOT")
                .arg(slot)
                .arg(self.options.pipeline);
            let keys: Vec<Vec<u8>> = source
                .run(&get, "CLUSTER GETKEYSINSLOT")
                .await
                .map_err(|e| e.to_string())?;
            if keys.is_empty() {
                return Ok(moved);
            }
            let first = self
                .migrate(&mut migrating, to, &keys, self.options.replace)
                .await;
            match first {
                Ok(()) => {}
                Err(NetError::Server { message, .. }) if message.starts_with("BUSYKEY") => {
                    self.resolve_busy_keys(&mut migrating, target, to, &keys)
                        .await?;
                }
                Err(error) => return Err(error.to_string()),
            }
            moved += keys.len() as u64;
        }
    }

    /// `MIGRATE host port "" 0 timeout [REPLACE] [AUTH pw | AUTH2 user pw] KEYS k...` on the source.
    async fn migrate(
        &self,
        source: &mut NodeClient,
        to: &Endpoint,
        keys: &[Vec<u8>],
        replace: bool,
    ) -> Result<(), NetError> {
        let mut command = redis::cmd("MIGRATE");
        command
            .arg(&to.migrate_host)
            .arg(to.address.port)
            .arg("")
            .arg(0)
            .arg(self.options.migrate_timeout.as_millis() as u64);
        if replace {
            command.arg("REPLACE");
        }
        match (&self.options.user, &self.options.password) {
            (Some(user), Some(password)) => {
                command.arg("AUTH2").arg(user).arg(password.expose());
            }
            (None, Some(password)) => {
                command.arg("AUTH").arg(password.expose());
            }
            _ => {}
        }
        command.arg("KEYS").arg(keys);
        let reply: redis::Value = source.run(&command, "MIGRATE").await?;
        let _ = reply; // OK, or NOKEY when the keys vanished meanwhile.
        Ok(())
    }

    /// BUSYKEY without --replace: keys whose values are the same on both sides (same DUMP payload) are
    /// safe to overwrite; any that differ stop the move and are named.
    async fn resolve_busy_keys(
        &self,
        source: &mut NodeClient,
        target: &mut NodeClient,
        to: &Endpoint,
        keys: &[Vec<u8>],
    ) -> Result<(), String> {
        if self.options.replace {
            return Err("BUSYKEY even with REPLACE".into());
        }
        let dumps = |client: &mut NodeClient| {
            let mut pipe = redis::pipe();
            for key in keys {
                pipe.cmd("DUMP").arg(key);
            }
            let mut client = client.clone();
            async move { client.pipeline::<Vec<Option<Vec<u8>>>>(&pipe, "DUMP").await }
        };
        let (mine, theirs) = tokio::join!(dumps(source), dumps(target));
        let (mine, theirs) = (
            mine.map_err(|e| e.to_string())?,
            theirs.map_err(|e| e.to_string())?,
        );
        let different: Vec<String> = keys
            .iter()
            .zip(mine.iter().zip(&theirs))
            .filter(|(_, (a, b))| a.is_some() && b.is_some() && a != b)
            .map(|(key, _)| String::from_utf8_lossy(key).into_owned())
            .collect();
        if !different.is_empty() {
            return Err(format!(
                "{} key(s) exist on both nodes with different values: {}; fix them by hand or rerun with --replace to overwrite the target's",
                different.len(),
                different.join(", ")
            ));
        }
        self.migrate(source, to, keys, true)
            .await
            .map_err(|e| e.to_string())
    }

    /// `SETSLOT NODE` on every master other than source and target, at once; failures are warnings.
    async fn tell_other_masters(
        &self,
        slot: u16,
        source: &Endpoint,
        target: &Endpoint,
    ) -> Vec<String> {
        let others: Vec<NodeAddress> = self
            .masters
            .iter()
            .filter(|a| **a != source.address && **a != target.address)
            .cloned()
            .collect();
        let session = Arc::clone(&self.session);
        let target_id = target.id.clone();
        let results = concurrently(others, |address| {
            let session = Arc::clone(&session);
            let target_id = target_id.clone();
            async move {
                let outcome = async { session.client(&address).await?.setslot(slot, "NODE", Some(&target_id)).await }.await;
                outcome.err().map(|e| format!("slot {slot}: {address} was not told its new owner ({e}); gossip will tell it"))
            }
        })
        .await;
        results.into_iter().flatten().collect()
    }
}
