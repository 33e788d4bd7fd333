//! `check`'s command line, turned into [`crate::commands::check::Options`].

use crate::commands::check::Options;
use crate::net::NodeAddress;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Also look for slots that have keys on a master that does not own them (one pipelined
    /// COUNTKEYSINSLOT sweep per master).
    #[arg(long)]
    pub search_multiple_owners: bool,
    /// Exit with the verdict's class: 0 stable, 1 repair (run fix), 2 unreachable (fail closed),
    /// 3 settling (views disagree or a move runs: wait, do not fix).
    #[arg(long)]
    pub verdict_exit: bool,
}

impl CheckArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            search_multiple_owners: self.search_multiple_owners,
            verdict_exit: self.verdict_exit,
        })
    }
}
