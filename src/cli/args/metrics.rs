//! `metrics`'s command line, turned into [`crate::commands::metrics::Options`].

use crate::commands::metrics::Options;
use crate::net::NodeAddress;
use std::net::SocketAddr;

/// Arguments of `metrics`.
#[derive(Debug, clap::Args)]
pub struct MetricsArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// Where to serve GET /metrics (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1:9121", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// Print one scrape on stdout and exit (for node_exporter's textfile collector).
    #[arg(long)]
    pub once: bool,
}

impl MetricsArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            listen: self.listen,
            once: self.once,
        })
    }
}
