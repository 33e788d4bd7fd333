//! `apply`'s command line, turned into [`crate::commands::apply::Options`].

use super::moves::{MoveArgs, ObserveArgs};
use crate::commands::apply::Options;
use crate::net::NodeAddress;
use std::path::PathBuf;

/// Arguments of `apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The plan file (from `--plan-out`).
    pub plan: PathBuf,
    /// Reach the cluster through this node instead of the one the plan was made through.
    #[arg(long, value_name = "HOST:PORT")]
    pub node: Option<String>,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub moves: MoveArgs,
    #[command(flatten)]
    pub observe: ObserveArgs,
}

impl ApplyArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            plan: self.plan.clone(),
            node: self
                .node
                .as_deref()
                .map(|node| NodeAddress::parse(node, None))
                .transpose()?,
            yes: self.yes,
            moves: crate::commands::moves::MoveOptions {
                observe: self.observe.options(),
                ..self.moves.options()
            },
        })
    }
}
