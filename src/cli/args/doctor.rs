//! `doctor`'s command line, turned into [`crate::commands::doctor::Options`].

use crate::commands::doctor::Options;
use crate::net::NodeAddress;

/// Arguments of `doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Also look for keys held by masters that do not own their slot.
    #[arg(long)]
    pub search_multiple_owners: bool,
}

impl DoctorArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            search_multiple_owners: self.search_multiple_owners,
        })
    }
}
