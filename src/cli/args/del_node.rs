//! `del-node`'s command line, turned into [`crate::commands::del_node::Options`].

use crate::commands::del_node::Options;
use crate::net::NodeAddress;

/// Arguments of `del-node`.
#[derive(Debug, clap::Args)]
pub struct DelNodeArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The full id of the node to remove (as `check` lists it; a prefix is not enough here).
    pub node_id: String,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl DelNodeArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            node_id: self.node_id.clone(),
        })
    }
}
