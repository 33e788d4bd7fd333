//! The migration engine's options shared by reshard, rebalance, apply and resume, turned into
//! [`crate::commands::moves::MoveOptions`].

use super::values::MigrationArg;
use crate::commands::moves::MoveOptions;
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
    /// Throttle: at most this many keys per second over all sources.
    #[arg(long, value_name = "KEYS_PER_SEC")]
    pub rate: Option<u64>,
    /// The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals),
    /// read by `rcluster resume`.
    #[arg(long, value_name = "PATH")]
    pub journal: Option<std::path::PathBuf>,
    /// Keys per GETKEYSINSLOT / MIGRATE batch.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(usize))]
    pub pipeline: usize,
    /// MIGRATE's timeout: `60s`, or milliseconds.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
    /// Overwrite keys that already exist on the target (otherwise equal values are merged and
    /// different ones stop the move).
    #[arg(long)]
    pub replace: bool,
    /// Sources moving slots at once.
    #[arg(long, default_value_t = DEFAULT_PARALLEL)]
    pub parallel: usize,
    /// How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side
    /// CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not
    /// given).
    #[arg(long, value_enum, default_value_t = MigrationArg::Auto)]
    pub migration: MigrationArg,
    /// Slots of one source in flight together (each protocol step pipelined for all of them, and one
    /// hand-off for the window); 1 moves one slot at a time like redis-cli.
    #[arg(long, default_value_t = DEFAULT_WINDOW)]
    pub window: usize,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl MoveArgs {
    /// The validated options (batch and window sizes at least 1).
    pub fn options(&self) -> MoveOptions {
        MoveOptions {
            plan_out: self.plan_out.clone(),
            rate: self.rate,
            journal: self.journal.clone(),
            pipeline: self.pipeline.max(1),
            migrate_timeout: self.migrate_timeout,
            replace: self.replace,
            parallel: self.parallel,
            migration: self.migration.into(),
            window: self.window.max(1),
        }
    }
}
