//! `setslot`'s command line, turned into [`crate::commands::setslot::Options`].

use super::values::SlotStateArg;
use crate::commands::setslot::{Options, SlotState, state_word};
use crate::error::UsageError;
use crate::net::NodeAddress;
use crate::topology::Slot;

/// Arguments of `setslot`.
#[derive(Debug, clap::Args)]
pub struct SetslotArgs {
    /// The node to send CLUSTER SETSLOT to: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The slot, 0 to 16383.
    pub slot: Slot,
    pub state: SlotStateArg,
    /// The other node's id (required except for `stable`).
    pub node_id: Option<String>,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl SetslotArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        let seed = NodeAddress::parse(&self.node, None)?;
        let state = SlotState::from(self.state);
        match (state, &self.node_id) {
            (SlotState::Stable, Some(_)) => {
                Err(UsageError("`stable` takes no NODE_ID".into()).into())
            }
            (SlotState::Stable, None) | (_, Some(_)) => Ok(Options {
                seed,
                slot: self.slot,
                state,
                node_id: self.node_id.clone(),
            }),
            (state, None) => Err(UsageError(format!(
                "`{}` needs the NODE_ID of the other node (see `rcluster check {seed}`)",
                state_word(state)
            ))
            .into()),
        }
    }
}
