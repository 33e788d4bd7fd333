//! The value sets of options (clap `ValueEnum`), each mapped to the core's own enum so that clap's
//! derive stays on this side of the edge.

use crate::commands::rebalance::Balance;
use crate::commands::setslot::SlotState;
use crate::exec::mover::MoverChoice as Migration;
use clap::ValueEnum;

/// The state to put the slot in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SlotStateArg {
    /// The node will accept keys of the slot from NODE_ID.
    Importing,
    /// The node is sending the slot's keys to NODE_ID.
    Migrating,
    /// Assign the slot to NODE_ID.
    Node,
    /// Clear importing/migrating state.
    Stable,
}

impl From<SlotStateArg> for SlotState {
    fn from(value: SlotStateArg) -> SlotState {
        match value {
            SlotStateArg::Importing => SlotState::Importing,
            SlotStateArg::Migrating => SlotState::Migrating,
            SlotStateArg::Node => SlotState::Node,
            SlotStateArg::Stable => SlotState::Stable,
        }
    }
}

/// What `rebalance` evens out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BalanceArg {
    Slots,
    Keys,
    Memory,
}

impl From<BalanceArg> for Balance {
    fn from(value: BalanceArg) -> Balance {
        match value {
            BalanceArg::Slots => Balance::Slots,
            BalanceArg::Keys => Balance::Keys,
            BalanceArg::Memory => Balance::Memory,
        }
    }
}

/// How slots move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrationArg {
    Auto,
    Legacy,
    Atomic,
}

impl From<MigrationArg> for Migration {
    fn from(value: MigrationArg) -> Migration {
        match value {
            MigrationArg::Auto => Migration::Auto,
            MigrationArg::Legacy => Migration::Legacy,
            MigrationArg::Atomic => Migration::Atomic,
        }
    }
}
