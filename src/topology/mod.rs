//! The cluster as rcluster sees it: [`parse`] turns `CLUSTER NODES` text into typed entries, [`load`]
//! asks every node for its own view concurrently and builds a [`ClusterView`], [`slot_facts`] derives
//! what is wrong with each slot (pure), [`check`] finds problems in that view (pure), and [`slots`]
//! holds slot arithmetic.

pub mod audit;
pub mod capacity;
pub mod check;
pub mod diagnose;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod load;
pub mod parse;
pub mod settled;
pub mod slot_facts;
pub mod slots;
mod view;
pub mod write_loss;

pub use load::{load_cluster_summary, load_cluster_view};
pub use parse::{NodeEntry, ParseError, parse_cluster_nodes};
pub use slots::{SLOT_COUNT, Slot, SlotSet, key_slot, parse_slot_range};
pub use view::{ClusterView, MIN_ID_PREFIX, NodeView, Unread};
