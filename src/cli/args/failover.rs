//! `failover`'s command line, turned into [`crate::commands::failover::Options`].

use crate::commands::failover::{Mode, Options};
use crate::net::NodeAddress;
use std::time::Duration;

/// Arguments of `failover`.
#[derive(Debug, clap::Args)]
pub struct FailoverArgs {
    /// The replica to promote: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// Without the master's agreement (it may be down); a majority of masters must vote.
    #[arg(long, conflicts_with = "takeover")]
    pub force: bool,
    /// Without any vote (a partitioned minority): the replica takes a new epoch by itself.
    #[arg(long)]
    pub takeover: bool,
    /// Bound on the whole failover, until every node agrees.
    #[arg(long, default_value = "30s", value_parser = super::parse_duration, value_name = "TIME")]
    pub wait: Duration,
}

impl FailoverArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            replica: NodeAddress::parse(&self.node, None)?,
            mode: match (self.force, self.takeover) {
                (true, _) => Mode::Force,
                (_, true) => Mode::Takeover,
                _ => Mode::Coordinated,
            },
            wait: self.wait,
        })
    }
}
