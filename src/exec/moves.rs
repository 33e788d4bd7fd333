//! The vocabulary every mover shares: how to move (`MigrateOptions`), the masters taking part
//! (`Endpoint`), where a slot's move stopped (`SlotStep`, `MoveError`), finished slots (`SlotDone`,
//! recorded by `SlotLog` in the journal and shown to the reporter), what a run did (`MoveSummary`),
//! and the MIGRATE command every key copy sends. Used by the legacy engine (`exec::migrate`), the
//! server-side engines (`exec::atomic`), `exec::fix`, the key-copy engine (`exec::import`), and the
//! commands that run moves.

use super::journal::{Journal, LeftTask, Record};
use crate::net::{NodeAddress, Secret};
use crate::report::{Event, Reporter, SlotMoved};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
    /// Slots of one source moved together (each step pipelined for all of them).
    pub window: usize,
    /// At most this many keys per second over all sources (production throttle).
    pub rate: Option<u64>,
    /// `--max-time`: no new window (per-slot path) or task (server-side path) starts after this.
    pub deadline: Option<std::time::Instant>,
    /// Credentials the source uses to authenticate to the target.
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// Keys moved alone, each with its own MIGRATE timeout: `(db, key) -> timeout`
    /// (`exec::big_keys`, `plan::big_keys`).
    pub alone: Arc<HashMap<(u16, Vec<u8>), Duration>>,
    /// `--max-latency`: the window and batch the observer allows now (`exec::observe`); the
    /// legacy engine reads it before each window and each batch.
    pub pace: Option<Arc<super::observe::Pace>>,
}

impl MigrateOptions {
    /// Whether `--max-time` has run out: start no new window or task.
    pub fn past_deadline(&self) -> bool {
        self.deadline
            .is_some_and(|deadline| std::time::Instant::now() >= deadline)
    }
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

/// Every loaded master of `view` as an endpoint, by id.
pub fn endpoints_of(view: &crate::topology::ClusterView) -> HashMap<String, Endpoint> {
    view.loaded_masters()
        .map(|m| {
            let announced = m.myself().addr.ip.clone();
            let migrate_host = if announced.is_empty() {
                m.address.host.clone()
            } else {
                announced
            };
            let endpoint = Endpoint {
                id: m.id().to_string(),
                address: m.address.clone(),
                migrate_host,
            };
            (endpoint.id.clone(), endpoint)
        })
        .collect()
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

/// Where the engines put each finished slot: first in the run's journal (so that a run killed
/// right after never forgets a completed move), then as [`Event::SlotMoved`] to the reporter. When
/// the reporter's stdout is gone (a closed pipe), the run is stopped: no new window opens, so no
/// slot is left open by it.
pub struct SlotLog {
    journal: Option<Arc<Journal>>,
    ui: Arc<dyn Reporter>,
    stop: Arc<AtomicBool>,
}

impl SlotLog {
    pub fn new(journal: Arc<Journal>, ui: Arc<dyn Reporter>, stop: Arc<AtomicBool>) -> SlotLog {
        SlotLog {
            journal: Some(journal),
            ui,
            stop,
        }
    }

    /// Records nothing and shows nothing (a drain of keys outside any run).
    pub fn silent() -> SlotLog {
        SlotLog {
            journal: None,
            ui: Arc::new(crate::report::Silent),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn slot_done(&self, done: &SlotDone, source: &Endpoint, target: &Endpoint) {
        self.slots_done(std::slice::from_ref(done), source, target);
    }

    /// A server-side task entered `phase` (shown, not journaled).
    pub fn task_phase(&self, task: &crate::report::TaskPhase) {
        self.ui.event(Event::TaskPhase(task));
    }

    /// A server-side task started: journaled, so that `resume` and `fix` find it if the run dies.
    pub fn task_started(&self, task: LeftTask) {
        self.record(&[Record::TaskStarted(task)]);
    }

    /// A server-side task settled or was cancelled on both sides.
    pub fn task_ended(&self, id: &str) {
        self.record(&[Record::TaskEnded { id: id.to_string() }]);
    }

    /// Appends `records` to the journal (if any) in one sync; a failure is a warning.
    fn record(&self, records: &[Record]) {
        if let Some(journal) = &self.journal
            && let Err(error) = journal.append_all(records)
        {
            self.ui.warn(&format!(
                "rcluster: warning: cannot write the journal {}: {error}",
                journal.path.display()
            ));
        }
    }

    /// A window of slots completed together: one journal sync for all of them.
    pub fn slots_done(&self, done: &[SlotDone], source: &Endpoint, target: &Endpoint) {
        self.journal_slots_done(done, None);
        self.show_slots_done(done, source, target);
    }

    /// Journals `done` (and the end of the server-side task `ended`, when given) in one sync,
    /// without showing them: [`SlotLog::show_slots_done`] does, once this returned.
    pub fn journal_slots_done(&self, done: &[SlotDone], ended: Option<&str>) {
        let records: Vec<Record> = done
            .iter()
            .map(|d| Record::SlotDone { slot: d.slot })
            .chain(ended.map(|id| Record::TaskEnded { id: id.to_string() }))
            .collect();
        self.record(&records);
    }

    /// Shows slots already journaled (`journal_slots_done`) as [`Event::SlotMoved`].
    pub fn show_slots_done(&self, done: &[SlotDone], source: &Endpoint, target: &Endpoint) {
        for slot in done {
            self.ui.event(Event::SlotMoved(&SlotMoved {
                slot: slot.slot,
                source: source.address.to_string(),
                target: target.address.to_string(),
                keys: slot.keys,
            }));
        }
        if self.ui.output_closed() {
            self.stop.store(true, Ordering::SeqCst);
        }
    }
}

/// Where a legacy run's time went, summed over all sources (seconds): the profile `bench/` reads.
#[derive(Debug, Default, Clone, Serialize)]
pub struct PhaseTimes {
    /// `SETSLOT IMPORTING` + `MIGRATING` round trips.
    pub open: f64,
    /// `CLUSTER GETKEYSINSLOT` round trips.
    pub getkeys: f64,
    /// `MIGRATE` round trips (the source's own work).
    pub migrate: f64,
    /// Hand-offs, waits for the hand-off lock and for the key-flow rule included.
    pub handoff: f64,
}

/// Where a Redis server-side (`CLUSTER MIGRATION`) run's time went, summed over its tasks
/// (seconds): the profile `bench/asm.sh` reads.
#[derive(Debug, Default, Clone, Serialize)]
pub struct TaskTimes {
    /// Keys counted on the sources before the first task (the run's wall time, not summed).
    pub count: f64,
    /// `CLUSTER MIGRATION IMPORT` until the destination answered, and the task journaled.
    pub start: f64,
    /// Until the destination reported `completed`.
    pub destination: f64,
    /// The settle gate: until the source reported `completed` and its trim ended.
    pub settle: f64,
    /// Slots journaled, the other masters told the owner.
    pub report: f64,
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct MoveSummary {
    /// Slots moved (a count: `slot_count`, as everywhere).
    #[serde(rename = "slot_count")]
    pub slots: usize,
    pub keys: u64,
    pub seconds: f64,
    /// Where the time went (legacy engine only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phases: Option<PhaseTimes>,
    /// Where the time went (Redis server-side engine only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<TaskTimes>,
    /// Notes for the user (server-side jobs cancelled and confirmed).
    pub warnings: Vec<String>,
}

/// `MIGRATE host port "" db timeout [flags...] [AUTH pw | AUTH2 user pw] KEYS k...`: the source sends
/// `keys` of its selected database to database `db` of `target` (`flags`: `COPY`, `REPLACE`),
/// authenticating with the cluster's credentials.
pub fn migrate_keys_command(
    (host, port): (&str, u16),
    db: u16,
    timeout: Duration,
    flags: &[&str],
    (user, password): (Option<&str>, Option<&Secret>),
    keys: &[Vec<u8>],
) -> redis::Cmd {
    let mut command = redis::cmd("MIGRATE");
    command
        .arg(host)
        .arg(port)
        .arg("")
        .arg(db)
        .arg(timeout.as_millis() as u64);
    for flag in flags {
        command.arg(*flag);
    }
    match (user, password) {
        (Some(user), Some(password)) => {
            command.arg("AUTH2").arg(user).arg(password.expose());
        }
        (None, Some(password)) => {
            command.arg("AUTH").arg(password.expose());
        }
        _ => {}
    }
    command.arg("KEYS").arg(keys);
    command
}

#[cfg(test)]
mod slot_log_tests;
