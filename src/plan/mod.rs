//! Planners: pure functions from a description of the cluster (and the user's options) to a plan that
//! the commands render, confirm and execute. Each planner validates its own result.

pub mod balance_load;
pub mod big_keys;
pub mod bound;
pub mod create;
pub mod file;
pub mod fix;
pub mod rebalance;
pub mod reshard;

use crate::topology::Slot;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A master as the planners see it: its id and the slots it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MasterSlots {
    pub id: String,
    pub slots: crate::topology::SlotSet,
}

/// One slot to move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotMove {
    pub slot: Slot,
    /// Node ids.
    pub source: String,
    pub target: String,
}

impl SlotMove {
    pub fn new(slot: Slot, source: &str, target: &str) -> SlotMove {
        SlotMove {
            slot,
            source: source.to_string(),
            target: target.to_string(),
        }
    }
}

/// An ordered list of slot moves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovePlan {
    pub moves: Vec<SlotMove>,
}

impl MovePlan {
    /// Every move takes a slot its source owns, to another master, and no slot moves twice; a failure
    /// is a bug in a planner and says so.
    pub fn validate(&self, masters: &[MasterSlots]) -> Result<(), String> {
        let mut seen = HashSet::new();
        for step in &self.moves {
            let bug = |what: String| Err(format!("bug in the planner: slot {}: {what}", step.slot));
            if !seen.insert(step.slot) {
                return bug("moved twice".into());
            }
            if step.source == step.target {
                return bug("source and target are the same".into());
            }
            let owns = masters
                .iter()
                .any(|m| m.id == step.source && m.slots.contains(step.slot));
            if !owns {
                return bug(format!("not owned by its source {}", step.source));
            }
            if !masters.iter().any(|m| m.id == step.target) {
                return bug(format!("unknown target {}", step.target));
            }
        }
        Ok(())
    }
}
