//! The move backends behind one type: [`Mover::Legacy`] (the per-slot engine of `exec::migrate`, whose
//! owner changes go through `exec::handoff`), [`Mover::ValkeyAtomic`] (Valkey 9's server-side
//! `CLUSTER MIGRATESLOTS`, `exec::atomic`) and [`Mover::RedisAsm`] (Redis 8.4's `CLUSTER MIGRATION`,
//! `exec::redis_asm`). Chosen once per run, before the journal is written, by `exec::run::open` and
//! by `resume`, from what every master's `CLUSTER HELP` offers.

use super::atomic::{execute_atomic, running_jobs, server_side_offers};
use super::handoff::Handoffs;
use super::migrate::execute_moves;
use super::moves::{Endpoint, MigrateOptions, MoveError, MoveSummary, SlotLog};
use super::redis_asm::execute_redis_asm;
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
    /// Redis 8.4+: one server-side task per source and destination, started on the destination.
    RedisAsm,
}

/// What the user asked for (as journals record it: `auto`, `legacy`, `atomic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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
            Mover::ValkeyAtomic | Mover::RedisAsm => "atomic",
        }
    }

    /// The servers move the keys themselves (no per-slot hand-off to verify).
    pub fn server_side(self) -> bool {
        self != Mover::Legacy
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
        let offers = server_side_offers(session, masters).await;
        let server_side = if offers.valkey {
            Some(Mover::ValkeyAtomic)
        } else if offers.redis {
            Some(Mover::RedisAsm)
        } else {
            None
        };
        match (choice, server_side, throttled) {
            (MoverChoice::Atomic, None, _) => Err(
                "--migration atomic needs CLUSTER MIGRATESLOTS (Valkey 9 or later) or CLUSTER MIGRATION (Redis 8.4 or later) on every master; use --migration legacy".into(),
            ),
            (MoverChoice::Atomic, Some(_), true) => Err(
                "--rate cannot throttle a server-side (atomic) migration; use --migration legacy"
                    .into(),
            ),
            (_, Some(mover), _) => Ok(mover),
            (_, None, _) => Ok(Mover::Legacy),
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
            Mover::RedisAsm => {
                let limit = options.migrate_timeout;
                let deadline = options.deadline;
                execute_redis_asm(session, endpoints, plan, limit, deadline, progress, stop).await
            }
        }
    }

    /// Server-side jobs running on `masters` (any backend's), one line each.
    pub async fn running_jobs(session: &Arc<Session>, masters: &[NodeAddress]) -> Vec<String> {
        running_jobs(session, masters).await
    }
}
