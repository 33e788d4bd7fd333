//! The migration engine's options shared by reshard, rebalance, apply and resume, turned into
//! [`crate::commands::moves::MoveOptions`].

use super::values::MigrationArg;
use crate::commands::moves::MoveOptions;
use crate::exec::journal::GivenEngine;
use std::time::Duration;

/// Slots per window by default. Each window is handed off as one group (docs/handoff.md), and
/// the groups of all sources run one at a time, so small windows make the hand-offs the critical
/// path when several sources move at once (`RC_ARGS="--window N" bash bench/rebalance.sh`, wall/floor:
/// 64: 1.63, 256: 1.44, 1024: 1.24-1.26). A stop (Ctrl-C, a closed output) finishes the windows in
/// flight (two per source), so a bigger default would make a stop take that much longer.
pub const DEFAULT_WINDOW: usize = 256;

/// Sources moving slots at once by default (`fix`: holders handing keys over at once).
pub const DEFAULT_PARALLEL: usize = 4;

/// Options of the migration engine.
#[derive(Debug, Clone, clap::Args)]
pub struct MoveArgs {
    /// Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`.
    #[arg(long, value_name = "PATH")]
    pub plan_out: Option<std::path::PathBuf>,
    /// Throttle: at most this many keys per second over all sources [resume: the interrupted run's].
    #[arg(long, value_name = "KEYS_PER_SEC")]
    pub rate: Option<u64>,
    /// The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals),
    /// read by `rcluster resume`.
    #[arg(long, value_name = "PATH")]
    pub journal: Option<std::path::PathBuf>,
    /// Keys per GETKEYSINSLOT / MIGRATE batch [default: 100; resume: the interrupted run's].
    #[arg(long, value_name = "PIPELINE", value_parser = clap::value_parser!(usize))]
    pub pipeline: Option<usize>,
    /// MIGRATE's timeout: `60s`, or milliseconds.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
    /// Overwrite keys that already exist on the target (otherwise equal values are merged and
    /// different ones stop the move).
    #[arg(long)]
    pub replace: bool,
    /// Sources moving slots at once [default: 4; resume: the interrupted run's].
    #[arg(long, value_name = "PARALLEL")]
    pub parallel: Option<usize>,
    /// How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side
    /// CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not
    /// given) [default: auto; resume: the interrupted run's].
    #[arg(long, value_enum, value_name = "MIGRATION")]
    pub migration: Option<MigrationArg>,
    /// Slots of one source in flight together (each protocol step pipelined for all of them, and one
    /// hand-off for the window); 1 moves one slot at a time, slower than redis-cli (each window
    /// pays a hand-off and a journal sync, docs/bench.md) [default: 256; resume: the interrupted
    /// run's].
    #[arg(long, value_name = "WINDOW")]
    pub window: Option<usize>,
    /// When a big key's MIGRATE would block its source for half the cluster-node-timeout or more,
    /// raise cluster-node-timeout on every node for the move and restore it afterwards (also on
    /// error or Ctrl-C) [resume: the interrupted run's].
    #[arg(long)]
    pub raise_node_timeout: bool,
    /// Leave the slots of big keys (those that would risk a failover, or exceed the target's
    /// proto-max-bulk-len) where they are; the report names them [resume: the interrupted run's].
    #[arg(long)]
    pub skip_big_keys: bool,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

/// Bounds of one run, for operators who drive a long move in steps (`rebalance`, `reshard
/// --slot-ranges`): each run plans from the live cluster, so running it again continues.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StepArgs {
    /// Move at most N slots in this run, then stop with every slot closed and say how many are
    /// left; run the same command again to continue.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16384))]
    pub max_slots: Option<u64>,
    /// Start no new slot after this time (`10m`, `90s`, or milliseconds); the slots in flight
    /// finish, none is left open. Server-side migrations are checked between tasks.
    #[arg(long, value_parser = super::parse_duration, value_name = "TIME")]
    pub max_time: Option<Duration>,
}

impl StepArgs {
    /// The validated bounds.
    pub fn bounds(&self) -> crate::commands::moves::StepBounds {
        crate::commands::moves::StepBounds {
            max_slots: self.max_slots.map(|n| n as usize),
            max_time: self.max_time,
        }
    }
}

/// What a client sees while slots move (`reshard`, `rebalance`, `apply`), and a bound on it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ObserveArgs {
    /// Measure the latency clients see (GET/SET) before and during the move.
    ///
    /// A cluster-aware client sends SET and GET to keys in the slots being moved and to keys in
    /// others (following ASK, MOVED and TRYAGAIN, as a client library does), first for a baseline
    /// (--observe-baseline), then until the moves end; the report gives p50, p99, max, samples,
    /// errors and redirects of each. Works with every migration method.
    #[arg(long)]
    pub observe: bool,
    /// How long --observe measures the baseline before the first slot moves.
    #[arg(long, default_value = "1s", value_parser = super::parse_duration, value_name = "TIME", hide_short_help = true)]
    pub observe_baseline: Duration,
    /// Hold the client's p99 under TIME, e.g. `5ms` (implies --observe).
    ///
    /// The mover starts at 1 slot and 10 keys per batch and doubles them while the p99 of the last
    /// second stays under half of TIME; over TIME it halves them, then grows them slowly back
    /// while under half of it (never above --window and --pipeline).
    /// Moves with the legacy mover (said on stderr when the servers' own migration was
    /// available); refused with --migration atomic, whose pace the servers set.
    #[arg(long, value_parser = super::parse_duration, value_name = "TIME")]
    pub max_latency: Option<Duration>,
}

impl ObserveArgs {
    /// The observer's options; `None` without --observe or --max-latency.
    pub fn options(&self) -> Option<crate::exec::observe::ObserveOptions> {
        (self.observe || self.max_latency.is_some()).then_some(
            crate::exec::observe::ObserveOptions {
                baseline: self.observe_baseline,
                max_latency: self.max_latency,
            },
        )
    }
}

/// Keys per batch by default.
pub const DEFAULT_PIPELINE: usize = 100;

impl MoveArgs {
    /// The validated options (batch and window sizes at least 1), with the defaults for what was
    /// not given.
    pub fn options(&self) -> MoveOptions {
        MoveOptions {
            plan_out: self.plan_out.clone(),
            rate: self.rate,
            journal: self.journal.clone(),
            pipeline: self.pipeline.unwrap_or(DEFAULT_PIPELINE).max(1),
            migrate_timeout: self.migrate_timeout,
            replace: self.replace,
            parallel: self.parallel.unwrap_or(DEFAULT_PARALLEL),
            migration: self.migration.unwrap_or(MigrationArg::Auto).into(),
            window: self.window.unwrap_or(DEFAULT_WINDOW).max(1),
            max_time: None,
            left_beyond_plan: None,
            raise_node_timeout: self.raise_node_timeout,
            skip_big_keys: self.skip_big_keys,
            observe: None,
        }
    }

    /// Which engine options the command line gives (`resume` takes the others from the journal).
    pub fn given(&self) -> GivenEngine {
        GivenEngine {
            rate: self.rate.is_some(),
            pipeline: self.pipeline.is_some(),
            window: self.window.is_some(),
            parallel: self.parallel.is_some(),
            migration: self.migration.is_some(),
            raise_node_timeout: self.raise_node_timeout,
            skip_big_keys: self.skip_big_keys,
        }
    }
}
