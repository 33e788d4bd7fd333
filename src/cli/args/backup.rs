//! `backup`'s command line, turned into [`crate::commands::backup::Options`].

use crate::commands::backup::Options;
use crate::net::NodeAddress;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// An existing folder for the RDB files and nodes.json.
    pub dir: PathBuf,
    /// Bound on each master's snapshot (its BGSAVE and the transfer).
    #[arg(long, default_value = "600s", value_parser = super::parse_duration, value_name = "TIME")]
    pub snapshot_timeout: Duration,
    /// Write into a folder that already holds files (redis-cli syntax always does).
    #[arg(long)]
    pub force: bool,
}

impl BackupArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            dir: self.dir.clone(),
            snapshot_timeout: self.snapshot_timeout,
            force: self.force,
        })
    }
}
