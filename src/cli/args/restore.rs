//! `restore`'s command line, turned into [`crate::commands::restore::Options`].

use crate::commands::restore::Options;
use crate::net::NodeAddress;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A folder `rcluster backup` wrote (it holds manifest.json).
    pub dir: PathBuf,
    /// Any node of the target cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// Overwrite keys the cluster already holds.
    #[arg(long)]
    pub replace: bool,
    /// The server binary that loads every RDB (default: redis-server, or valkey-server for a
    /// Valkey RDB).
    #[arg(long, value_name = "PATH")]
    pub server_bin: Option<String>,
    /// Bound on loading each RDB.
    #[arg(long, default_value = "600s", value_parser = super::parse_duration, value_name = "TIME")]
    pub load_timeout: Duration,
    /// MIGRATE's timeout: `60s`, or milliseconds.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl RestoreArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            dir: self.dir.clone(),
            seed: NodeAddress::parse(&self.node, None)?,
            replace: self.replace,
            server_bin: self.server_bin.clone(),
            load_timeout: self.load_timeout,
            migrate_timeout: self.migrate_timeout,
        })
    }
}
