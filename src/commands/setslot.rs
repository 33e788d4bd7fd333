//! `rcluster setslot HOST:PORT SLOT importing|migrating|node|stable [NODE_ID]`: the low-level
//! `CLUSTER SETSLOT`, after checking the slot number and that the node id belongs to the cluster.

use super::{Context, seed_address};
use crate::error::{Exit, UsageError};
use crate::report::Outcome;
use crate::topology::{Slot, load_cluster_summary};
use serde::Serialize;

/// The state to put the slot in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SlotState {
    /// The node will accept keys of the slot from NODE_ID.
    Importing,
    /// The node is sending the slot's keys to NODE_ID.
    Migrating,
    /// Assign the slot to NODE_ID.
    Node,
    /// Clear importing/migrating state.
    Stable,
}

/// Arguments of `setslot`.
#[derive(Debug, clap::Args)]
pub struct SetslotArgs {
    /// The node to send CLUSTER SETSLOT to: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The slot, 0 to 16383.
    pub slot: Slot,
    pub state: SlotState,
    /// The other node's id (required except for `stable`).
    pub node_id: Option<String>,
}

/// What `setslot` reports: the command that was applied.
#[derive(Debug, Clone, Serialize)]
pub struct SetslotReport {
    /// The node the command was sent to (`host:port`).
    pub address: String,
    pub slot: Slot,
    pub state: &'static str,
    /// The other node's id; `null` for `stable`.
    pub id: Option<String>,
}

/// Runs `setslot`.
pub async fn run(context: &Context, args: &SetslotArgs) -> anyhow::Result<Outcome> {
    let address = seed_address(&args.node, None)?;
    let view = load_cluster_summary(&context.session, &address).await?;
    let node_id = match (args.state, &args.node_id) {
        (SlotState::Stable, None) => None,
        (SlotState::Stable, Some(_)) => {
            return Err(UsageError("`stable` takes no NODE_ID".into()).into());
        }
        (_, None) => {
            return Err(UsageError(format!(
                "`{}` needs the NODE_ID of the other node (see `rcluster check {address}`)",
                state_word(args.state)
            ))
            .into());
        }
        (_, Some(id)) => match view.node_by_id(id) {
            Some(node) => Some(node.id().to_string()),
            None => {
                return Err(UsageError(format!(
                    "no node with id '{id}' in the cluster of {address}; `rcluster check {address}` lists the ids"
                ))
                .into());
            }
        },
    };
    let mut client = context.session.client(&address).await?;
    let id = node_id.as_deref().unwrap_or_default();
    let action = match args.state {
        SlotState::Importing => crate::net::SetSlot::Importing(id),
        SlotState::Migrating => crate::net::SetSlot::Migrating(id),
        SlotState::Node => crate::net::SetSlot::Node(id),
        SlotState::Stable => crate::net::SetSlot::Stable,
    };
    client.setslot(args.slot.number(), action).await?;
    Ok(Outcome::new(
        SetslotReport {
            address: address.to_string(),
            slot: args.slot,
            state: state_word(args.state),
            id: node_id,
        },
        Exit::Ok,
    ))
}

fn state_word(state: SlotState) -> &'static str {
    match state {
        SlotState::Importing => "importing",
        SlotState::Migrating => "migrating",
        SlotState::Node => "node",
        SlotState::Stable => "stable",
    }
}
