//! `info`'s command line, turned into [`crate::commands::info::Options`].

use crate::commands::info::Options;
use crate::net::NodeAddress;

/// Arguments of `info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
}

impl InfoArgs {
    /// The validated options; `verbose` (`-v`) lists each master's replicas.
    pub fn options(&self, verbose: bool) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            replicas: verbose,
        })
    }
}
