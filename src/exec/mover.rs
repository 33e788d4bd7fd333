//! The move backends behind one type: [`Mover::Legacy`] (the per-slot engine of `exec::migrate`, whose
//! owner changes go through `exec::handoff`) and [`Mover::ValkeyAtomic`] (Valkey 9's server-side
//! `CLUSTER MIGRATESLOTS`, `exec::atomic`). Chosen once per run, before the journal is written, by
//! `commands::moves::start_run` and by `resume`. Room is left for a third: Redis 8.4's
//! `CLUSTER MIGRATION IMPORT|STATUS|CANCEL`, driven from the destination, one task per source, ending
//! in `completed`, `failed` or `canceled` (no Redis 8.4 server is packaged for these machines yet).

use super::atomic::{execute_atomic, running_jobs, supports_atomic};
use super::handoff::Handoffs;
use super::migrate::execute_moves;
use super::moves::{Endpoint, MigrateOptions, MoveError, MoveSummary, SlotLog};
use crate::net::{NodeAddress, Session};
use crate::plan::MovePlan;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// How a run's slots move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// rcluster drives every slot: IMPORTING/MIGRATING, MIGRATE batches, then the hand-off.
    Legacy,
    /// The servers move whole ranges themselves; rcluster starts, follows and cancels the jobs.
    ValkeyAtomic,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoverChoice {
    Auto,
    Legacy,
    Atomic,
}

impl Mover {
    /// The name shown in reports (`legacy`, `atomic`).
    pub fn name(self) -> &'static str {
        match self {
            Mover::Legacy => "legacy",
            Mover::ValkeyAtomic => "atomic",
        }
    }

    /// Picks the backend for `masters`: atomic when asked, or on `Auto` when every master offers it
    /// and the run is not throttled. The error says why a choice cannot be honoured.
    pub async fn choose(
        session: &Arc<Session>,
        masters: &[NodeAddress],
        choice: MoverChoice,
        throttled: bool,
    ) -> Result<Mover, String> {
        if choice == MoverChoice::Legacy || (choice == MoverChoice::Auto && throttled) {
            return Ok(Mover::Legacy);
        }
        let supported = supports_atomic(session, masters).await;
        match (choice, supported, throttled) {
            (MoverChoice::Atomic, false, _) => Err(
                "--migration atomic needs CLUSTER MIGRATESLOTS (Valkey 9 or later) on every master; use --migration legacy".into(),
            ),
            (MoverChoice::Atomic, true, true) => Err(
                "--rate cannot throttle a server-side (atomic) migration; use --migration legacy"
                    .into(),
            ),
            (_, true, _) => Ok(Mover::ValkeyAtomic),
            (_, false, _) => Ok(Mover::Legacy),
        }
    }

    /// Carries out `plan`; `handoffs` serves the legacy engine (the caller verifies with its
    /// `finish`). Setting `stop` ends the run as soon as the slots in flight are safe (atomic jobs are
    /// cancelled and the cancel confirmed).
    #[allow(clippy::too_many_arguments)]
    pub async fn execute(
        self,
        session: Arc<Session>,
        endpoints: HashMap<String, Endpoint>,
        handoffs: Arc<Handoffs>,
        plan: &MovePlan,
        options: MigrateOptions,
        progress: Arc<SlotLog>,
        stop: Arc<AtomicBool>,
    ) -> (MoveSummary, Vec<MoveError>) {
        match self {
            Mover::Legacy => {
                execute_moves(session, endpoints, handoffs, plan, options, progress, stop).await
            }
            Mover::ValkeyAtomic => {
                let limit = options.migrate_timeout;
                execute_atomic(session, endpoints, plan, limit, progress, stop).await
            }
        }
    }

    /// Server-side jobs running on `masters` (any backend's), one line each.
    pub async fn running_jobs(session: &Arc<Session>, masters: &[NodeAddress]) -> Vec<String> {
        running_jobs(session, masters).await
    }
}
