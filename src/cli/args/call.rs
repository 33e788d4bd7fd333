//! `call`'s command line, turned into [`crate::commands::call::Options`].

use crate::commands::call::Options;
use crate::net::NodeAddress;

/// Arguments of `call`.
#[derive(Debug, clap::Args)]
pub struct CallArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// Only masters.
    #[arg(long, conflicts_with = "only_replicas")]
    pub only_masters: bool,
    /// Only replicas.
    #[arg(long)]
    pub only_replicas: bool,
    /// The command and its arguments, sent verbatim (after `--` when an argument starts with `-`).
    #[arg(required = true, num_args = 1.., value_name = "COMMAND")]
    pub command: Vec<String>,
}

impl CallArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            only_masters: self.only_masters,
            only_replicas: self.only_replicas,
            command: self.command.clone(),
        })
    }
}
