//! `watch`'s command line, turned into [`crate::commands::watch::Options`].

use crate::commands::watch::Options;
use crate::net::NodeAddress;
use std::time::Duration;

/// Arguments of `watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// Time between refreshes.
    #[arg(long, default_value = "1s", value_parser = super::parse_duration, value_name = "TIME")]
    pub interval: Duration,
    /// Without a terminal: stop after this many summaries.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

impl WatchArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            interval: self.interval,
            count: self.count,
        })
    }
}
