//! `fix`'s command line, turned into [`crate::commands::fix::Options`].

use crate::commands::fix::Options;
use crate::net::NodeAddress;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `fix`.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Show the findings and the repair plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Repair without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Also look for keys held by masters that do not own their slot, and repair those slots.
    #[arg(long)]
    pub search_multiple_owners: bool,
    /// Give the slots of unreachable masters to reachable ones (keys the unreachable masters hold in
    /// them are lost).
    #[arg(long)]
    pub fix_with_unreachable_masters: bool,
    /// The journal of an interrupted rcluster run to complete (default: the newest unfinished one for
    /// this cluster under ~/.local/state/rcluster/journals).
    #[arg(long, value_name = "PATH", conflicts_with = "no_journal")]
    pub journal: Option<PathBuf>,
    /// Ignore journals: decide from the cluster's own state only.
    #[arg(long)]
    pub no_journal: bool,
    /// Overwrite keys that already exist on the new owner (otherwise equal values are merged and
    /// different ones stop that slot's repair).
    #[arg(long)]
    pub replace: bool,
    /// Keys per GETKEYSINSLOT / MIGRATE batch.
    #[arg(long, default_value_t = 100)]
    pub pipeline: usize,
    /// MIGRATE's timeout: `60s`, or milliseconds.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
    /// Masters handing their keys to a slot's new owner at once (as the moves' --parallel).
    #[arg(long, default_value_t = super::moves::DEFAULT_PARALLEL)]
    pub parallel: usize,
    /// Slots of one master whose keys move together (each protocol step pipelined for all of them);
    /// 1 moves one slot at a time (each window pays a hand-off, docs/bench.md).
    #[arg(long, default_value_t = super::moves::DEFAULT_WINDOW)]
    pub window: usize,
    /// Repair at most N slots in this run, then check and say how many are left; run the same
    /// command again to continue.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=16384))]
    pub max_slots: Option<u64>,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl FixArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            dry_run: self.dry_run,
            yes: self.yes,
            search_multiple_owners: self.search_multiple_owners,
            fix_with_unreachable_masters: self.fix_with_unreachable_masters,
            journal: self.journal.clone(),
            no_journal: self.no_journal,
            replace: self.replace,
            pipeline: self.pipeline.max(1),
            migrate_timeout: self.migrate_timeout,
            parallel: self.parallel,
            window: self.window.max(1),
            max_slots: self.max_slots.map(|n| n as usize),
        })
    }
}
