//! `create`'s command line, turned into [`crate::commands::create::Options`].

use crate::commands::create::Options;
use crate::net::NodeAddress;
use std::time::Duration;

/// Arguments of `create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The empty nodes to form the cluster from, HOST:PORT each.
    #[arg(required = true, num_args = 1.., value_name = "HOST:PORT")]
    pub nodes: Vec<String>,
    /// Replicas per master.
    #[arg(long, default_value_t = 0)]
    pub replicas: usize,
    /// The failure zone of a host, HOST=ZONE, or of one node, HOST:PORT=ZONE (repeat for each);
    /// replicas are kept out of their master's zone when possible.
    #[arg(long = "zone", value_name = "HOST[:PORT]=ZONE")]
    pub zones: Vec<String>,
    /// Show the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Bound on waiting for the cluster to form and become healthy, and for the replicas' first sync.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub wait: Duration,
    /// Return once the cluster is formed, without waiting for the replicas' first sync (until it
    /// ends, a failover to a replica loses its master's keys).
    #[arg(long)]
    pub no_wait_sync: bool,
}

impl CreateArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        let nodes = self
            .nodes
            .iter()
            .map(|text| NodeAddress::parse(text, None))
            .collect::<Result<_, _>>()?;
        Ok(Options {
            nodes,
            replicas: self.replicas,
            zones: self.zones.clone(),
            dry_run: self.dry_run,
            yes: self.yes,
            wait: self.wait,
            wait_sync: !self.no_wait_sync,
        })
    }
}
