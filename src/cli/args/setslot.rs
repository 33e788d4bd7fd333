//! `setslot`'s command line, turned into [`crate::commands::setslot::Options`].

use super::values::SlotStateArg;
use crate::commands::setslot::{Options, SlotState, state_word};
use crate::error::UsageError;
use crate::net::NodeAddress;
use crate::topology::Slot;

/// Arguments of `setslot`.
#[derive(Debug, clap::Args)]
pub struct SetslotArgs {
    /// The node to send CLUSTER SETSLOT to (for `node` without --force, the node to reach the
    /// cluster through): HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The slot, 0 to 16383.
    pub slot: Slot,
    pub state: SlotStateArg,
    /// The other node's id (required except for `stable`).
    pub node_id: Option<String>,
    /// With `node`: send CLUSTER SETSLOT NODE to this one node only, outside the hand-off protocol
    /// (no check that the old owner is empty, no epoch rule, no other master told; docs/handoff.md).
    /// Without it, `node` hands the slot over safely, telling the new owner first and then every
    /// master.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl SetslotArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        let seed = NodeAddress::parse(&self.node, None)?;
        let state = SlotState::from(self.state);
        if self.force && state != SlotState::Node {
            return Err(UsageError(format!(
                "--force applies to `node` only; `{}` is always sent to the one node",
                state_word(state)
            ))
            .into());
        }
        match (state, &self.node_id) {
            (SlotState::Stable, Some(_)) => {
                Err(UsageError("`stable` takes no NODE_ID".into()).into())
            }
            (SlotState::Stable, None) | (_, Some(_)) => Ok(Options {
                seed,
                slot: self.slot,
                state,
                node_id: self.node_id.clone(),
                force: self.force,
            }),
            (state, None) => Err(UsageError(format!(
                "`{}` needs the NODE_ID of the other node (see `rcluster check {seed}`)",
                state_word(state)
            ))
            .into()),
        }
    }
}
