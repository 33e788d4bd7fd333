//! `reshard`'s command line, turned into [`crate::commands::reshard::Options`].

use super::moves::{MoveArgs, StepArgs};
use crate::commands::reshard::Options;
use crate::error::UsageError;
use crate::net::NodeAddress;
use crate::topology::SlotSet;

/// Arguments of `reshard`.
#[derive(Debug, clap::Args)]
pub struct ReshardArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Source masters: ids (or unique prefixes of 8 or more characters) separated by commas, or `all`.
    #[arg(long, value_name = "ID[,ID...]|all")]
    pub from: Option<String>,
    /// The receiving master's id (or a unique prefix of 8 or more characters).
    #[arg(long, value_name = "ID")]
    pub to: Option<String>,
    /// How many slots to move (exactly this many).
    #[arg(long, value_name = "N")]
    pub slots: Option<usize>,
    /// Exact slots to move to --to, each from its owner: `0-99,5000`.
    #[arg(long, value_name = "RANGES", conflicts_with_all = ["from", "slots"])]
    pub slot_ranges: Option<String>,
    /// Move without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub moves: MoveArgs,
    #[command(flatten)]
    pub step: StepArgs,
}

impl ReshardArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        if self.slot_ranges.is_none() && self.step.bounds().any() {
            return Err(UsageError(
                "--max-slots and --max-time need --slot-ranges: a --slots N reshard would move N more slots on every run".into(),
            )
            .into());
        }
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            from: self.from.clone(),
            to: self.to.clone(),
            slots: self.slots,
            slot_ranges: self
                .slot_ranges
                .as_deref()
                .map(|text| text.parse::<SlotSet>().map_err(UsageError))
                .transpose()?,
            yes: self.yes,
            dry_run: self.dry_run,
            moves: self.moves.options(),
            step: self.step.bounds(),
        })
    }
}
