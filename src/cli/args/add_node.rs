//! `add-node`'s command line, turned into [`crate::commands::add_node::Options`].

use crate::commands::add_node::Options;
use crate::net::NodeAddress;
use std::time::Duration;

/// Arguments of `add-node`.
#[derive(Debug, clap::Args)]
pub struct AddNodeArgs {
    /// The new, empty node: HOST:PORT, or HOST then PORT.
    pub new_node: String,
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub existing_node: String,
    /// Add the node as a replica.
    #[arg(long)]
    pub replica: bool,
    /// The master the replica follows (id, or a unique prefix of 8 or more characters); default: the
    /// master with the fewest replicas. Ignored without --replica, as redis-cli ignores it.
    #[arg(long)]
    pub master_id: Option<String>,
    /// Bound on waiting for every node to know the new one, and for a replica's first sync.
    #[arg(long, default_value = "30s", value_parser = super::parse_duration, value_name = "TIME")]
    pub wait: Duration,
    /// With --replica: return once it follows its master, without waiting for its first sync.
    #[arg(long)]
    pub no_wait_sync: bool,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl AddNodeArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            new_node: NodeAddress::parse(&self.new_node, None)?,
            seed: NodeAddress::parse(&self.existing_node, None)?,
            replica: self.replica,
            master_id: self.master_id.clone(),
            wait: self.wait,
            wait_sync: !self.no_wait_sync,
        })
    }
}
