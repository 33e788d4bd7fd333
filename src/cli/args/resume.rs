//! `resume`'s command line, turned into [`crate::commands::resume::Options`].

use super::moves::MoveArgs;
use crate::commands::resume::Options;
use crate::net::NodeAddress;

/// Arguments of `resume`.
#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Engine options; `--journal PATH` names the journal to resume.
    #[command(flatten)]
    pub moves: MoveArgs,
}

impl ResumeArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            moves: self.moves.options(),
            given: self.moves.given(),
        })
    }
}
