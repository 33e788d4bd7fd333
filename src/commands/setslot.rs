//! `rcluster setslot HOST:PORT SLOT importing|migrating|node|stable [NODE_ID]`: the low-level
//! `CLUSTER SETSLOT`, after checking the slot number and that the node id belongs to the cluster.
//! `node` changes the slot's owner, so it goes through the hand-off protocol (`exec::handoff`:
//! the giver counted empty in every database, the new owner told first, then every master);
//! `node --force` sends the one command to the one node instead, the exception docs/handoff.md names.

use super::Context;
use crate::error::{Exit, UsageError};
use crate::exec::handoff::{SetSlot, hand_over, set_slot_on};
use crate::net::NodeAddress;
use crate::report::Outcome;
use crate::topology::{Slot, load_cluster_summary, load_cluster_view};
use serde::Serialize;

/// The state to put the slot in (`CLUSTER SETSLOT` subcommands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    Importing,
    Migrating,
    Node,
    Stable,
}

/// What `setslot` is asked to do, validated (built by `crate::cli::args::setslot`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub slot: Slot,
    pub state: SlotState,
    /// The other node's id: present for every state but `stable`.
    pub node_id: Option<String>,
    /// `node` only: send `CLUSTER SETSLOT ... NODE` to the one node, outside the hand-off protocol.
    pub force: bool,
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
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let address = options.seed.clone();
    let by_handoff = options.state == SlotState::Node && !options.force;
    let view = if by_handoff {
        load_cluster_view(&context.session, &address).await?
    } else {
        load_cluster_summary(&context.session, &address).await?
    };
    let node_id = match &options.node_id {
        None => None,
        Some(id) => match view.node_by_id(id) {
            Some(node) => Some(node.id().to_string()),
            None => {
                return Err(UsageError(format!(
                    "no node with id '{id}' in the cluster of {address}; `rcluster check {address}` lists the ids"
                ))
                .into());
            }
        },
    };
    let _lock = super::take_lock(context, &view, "setslot").await?;
    super::refuse_during_atomic_migration(context, &view).await?;
    let id = node_id.as_deref().unwrap_or_default();
    if by_handoff {
        let report = hand_over(&context.session, &view, options.slot, id).await?;
        for warning in &report.warnings {
            context.ui.warn(warning);
        }
    } else {
        let action = match options.state {
            SlotState::Importing => SetSlot::Importing(id),
            SlotState::Migrating => SetSlot::Migrating(id),
            SlotState::Node => SetSlot::Node(id),
            SlotState::Stable => SetSlot::Stable,
        };
        set_slot_on(&context.session, &address, options.slot, action).await?;
    }
    Ok(Outcome::new(
        SetslotReport {
            address: address.to_string(),
            slot: options.slot,
            state: state_word(options.state),
            id: node_id,
        },
        Exit::Ok,
    ))
}

pub fn state_word(state: SlotState) -> &'static str {
    match state {
        SlotState::Importing => "importing",
        SlotState::Migrating => "migrating",
        SlotState::Node => "node",
        SlotState::Stable => "stable",
    }
}
