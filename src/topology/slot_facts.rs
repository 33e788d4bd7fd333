//! What is wrong with each slot, derived once from a [`ClusterView`] (and, when counted, the keys
//! the masters hold): [`SlotFacts`]. Pure. [`super::check`] reports these facts and `plan::fix`
//! repairs from them, so both answer "what is wrong with slot S" by the same rules:
//!
//! - **open**: some loaded node (replicas included) marks it migrating or importing in its own line;
//! - **uncovered**: no loaded master claims it in its own line;
//! - **owned by an unreachable master**: uncovered, and a master that is not loaded (unreachable or
//!   flagged failed) owns it in the seed's table;
//! - **disputed**: the loaded masters' own tables name more than one owner for it (a table that
//!   names nobody has no say);
//! - **several owners**: more than one loaded master claims it or holds its keys.

use super::slots::{SLOT_COUNT, Slot, SlotSet};
use super::view::{ClusterView, NodeView};
use std::collections::{BTreeMap, HashMap};

/// Keys per slot on each loaded master (by id), for the slots that were counted.
pub type SlotKeys = HashMap<String, HashMap<u16, u64>>;

/// A loaded node with open slots, in its own line's order, each with the peer it names.
#[derive(Debug)]
pub struct OpenNode<'a> {
    pub node: &'a NodeView,
    /// (slot, node id it migrates to).
    pub migrating: Vec<(Slot, &'a str)>,
    /// (slot, node id it imports from).
    pub importing: Vec<(Slot, &'a str)>,
}

/// The open states of one slot on every loaded node: (node, peer id).
#[derive(Debug, Default)]
pub struct OpenStates<'a> {
    pub migrating: Vec<(&'a NodeView, &'a str)>,
    pub importing: Vec<(&'a NodeView, &'a str)>,
}

impl OpenStates<'_> {
    /// Whether node `id` has the slot open either way.
    pub fn involves(&self, id: &str) -> bool {
        self.migrating
            .iter()
            .chain(&self.importing)
            .any(|(n, _)| n.id() == id)
    }
}

/// The per-slot facts of one view (see the module's rules).
#[derive(Debug)]
pub struct SlotFacts<'a> {
    view: &'a ClusterView,
    keys: &'a SlotKeys,
    masters: Vec<&'a NodeView>,
    /// Per slot: the loaded masters that claim it in their own line, in view order.
    claimants: Vec<Vec<&'a str>>,
    open_nodes: Vec<OpenNode<'a>>,
    open: BTreeMap<u16, OpenStates<'a>>,
    uncovered: SlotSet,
    disputed: SlotSet,
    unreachable_owners: Vec<(&'a NodeView, SlotSet)>,
}

impl<'a> SlotFacts<'a> {
    /// Derives the facts of `view`; `keys` holds what was counted (empty when nothing was).
    pub fn derive(view: &'a ClusterView, keys: &'a SlotKeys) -> SlotFacts<'a> {
        let masters: Vec<&NodeView> = view.loaded_masters().collect();
        let mut claimants = vec![Vec::new(); SLOT_COUNT as usize];
        let mut covered = SlotSet::new();
        for node in &masters {
            for slot in node.myself().slots.iter() {
                claimants[slot.number() as usize].push(node.id());
            }
            covered.union_with(&node.myself().slots);
        }
        let open_nodes = open_nodes(view);
        let mut open: BTreeMap<u16, OpenStates> = BTreeMap::new();
        for entry in &open_nodes {
            for (slot, peer) in &entry.migrating {
                let states = open.entry(slot.number()).or_default();
                states.migrating.push((entry.node, peer));
            }
            for (slot, peer) in &entry.importing {
                let states = open.entry(slot.number()).or_default();
                states.importing.push((entry.node, peer));
            }
        }
        let unreachable_owners = view
            .nodes
            .iter()
            .filter(|n| !n.is_loaded() && n.seen_by_seed.is_master())
            .map(|n| (n, n.seen_by_seed.slots.difference(&covered)))
            .filter(|(_, slots)| !slots.is_empty())
            .collect();
        SlotFacts {
            view,
            keys,
            disputed: disputed(&masters),
            masters,
            claimants,
            open_nodes,
            open,
            uncovered: covered.complement(),
            unreachable_owners,
        }
    }

    pub fn view(&self) -> &'a ClusterView {
        self.view
    }

    /// Loaded masters, in view order.
    pub fn masters(&self) -> &[&'a NodeView] {
        &self.masters
    }

    /// The loaded master whose id is `id`.
    pub fn master(&self, id: &str) -> Option<&'a NodeView> {
        self.masters.iter().copied().find(|m| m.id() == id)
    }

    /// `host:port` of node `id`, or `unknown node ID`.
    pub fn address(&self, id: &str) -> String {
        self.view
            .node_by_id(id)
            .map(|n| n.address.to_string())
            .unwrap_or_else(|| format!("unknown node {id}"))
    }

    /// The loaded masters that claim `slot` in their own line, in view order.
    pub fn claimants(&self, slot: u16) -> &[&'a str] {
        &self.claimants[slot as usize]
    }

    /// Loaded masters with keys of `slot`, in view order, with their counts.
    pub fn holders(&self, slot: u16) -> Vec<(&'a str, u64)> {
        self.masters
            .iter()
            .filter_map(|m| {
                let count = self.keys.get(m.id())?.get(&slot).copied().unwrap_or(0);
                (count > 0).then_some((m.id(), count))
            })
            .collect()
    }

    /// The masters that own `slot` by claim or by its keys: its claimants, then the other holders of
    /// its keys, each in view order.
    pub fn owners(&self, slot: u16) -> Vec<&'a str> {
        let claims = self.claimants(slot);
        let mut owners = claims.to_vec();
        owners.extend(
            self.holders(slot)
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| !claims.contains(id)),
        );
        owners
    }

    /// Several owners: more than one loaded master claims `slot` or holds its keys.
    pub fn has_several_owners(&self, slot: u16) -> bool {
        self.owners(slot).len() > 1
    }

    /// Loaded nodes with open slots, in view order.
    pub fn open_nodes(&self) -> &[OpenNode<'a>] {
        &self.open_nodes
    }

    /// Every open slot, in order of first appearance (node by node, migrating before importing).
    pub fn open_slots_in_order(&self) -> Vec<Slot> {
        let mut list: Vec<Slot> = Vec::new();
        for entry in &self.open_nodes {
            for (slot, _) in entry.migrating.iter().chain(&entry.importing) {
                if !list.contains(slot) {
                    list.push(*slot);
                }
            }
        }
        list
    }

    /// The open states of `slot`, when it is open.
    pub fn open(&self, slot: u16) -> Option<&OpenStates<'a>> {
        self.open.get(&slot)
    }

    pub fn is_open(&self, slot: u16) -> bool {
        self.open.contains_key(&slot)
    }

    /// The numbers of the open slots, ascending.
    pub fn open_slot_numbers(&self) -> impl Iterator<Item = u16> + '_ {
        self.open.keys().copied()
    }

    /// Slots no loaded master claims.
    pub fn uncovered(&self) -> &SlotSet {
        &self.uncovered
    }

    pub fn is_uncovered(&self, slot: u16) -> bool {
        self.claimants(slot).is_empty()
    }

    /// Masters that are not loaded but own slots in the seed's table, with those of their slots no
    /// loaded master claims; in view order.
    pub fn unreachable_owners(&self) -> &[(&'a NodeView, SlotSet)] {
        &self.unreachable_owners
    }

    /// Whether an unreachable or failed master owns `slot` and no loaded master claims it.
    pub fn has_unreachable_owner(&self, slot: u16) -> bool {
        let slot = slot_of(slot);
        self.unreachable_owners
            .iter()
            .any(|(_, slots)| slots.contains(slot))
    }

    /// Whether the loaded masters' own tables name more than one owner for `slot`.
    pub fn is_disputed(&self, slot: u16) -> bool {
        self.disputed.contains(slot_of(slot))
    }

    /// Whether master `id`'s own table gives `slot` to `owner`.
    pub fn names_owner(&self, id: &str, slot: u16, owner: &str) -> bool {
        let slot = slot_of(slot);
        self.master(id)
            .and_then(|m| m.own_table())
            .is_some_and(|table| {
                table
                    .iter()
                    .any(|entry| entry.id == owner && entry.slots.contains(slot))
            })
    }
}

/// The loaded nodes with open slots, in view order.
fn open_nodes(view: &ClusterView) -> Vec<OpenNode<'_>> {
    view.loaded()
        .filter_map(|node| {
            let me = node.myself();
            let entry = OpenNode {
                node,
                migrating: with_peers(&me.migrating),
                importing: with_peers(&me.importing),
            };
            (!entry.migrating.is_empty() || !entry.importing.is_empty()).then_some(entry)
        })
        .collect()
}

fn with_peers(marks: &[(Slot, String)]) -> Vec<(Slot, &str)> {
    marks.iter().map(|(s, peer)| (*s, peer.as_str())).collect()
}

/// Slots the masters' own tables give to different owners.
fn disputed(masters: &[&NodeView]) -> SlotSet {
    let mut named: Vec<Option<&str>> = vec![None; SLOT_COUNT as usize];
    let mut disputed = SlotSet::new();
    for node in masters {
        for entry in node.own_table().unwrap_or_default() {
            for slot in entry.slots.iter() {
                match &mut named[slot.number() as usize] {
                    none @ None => *none = Some(entry.id.as_str()),
                    Some(owner) if *owner != entry.id => disputed.insert(slot),
                    Some(_) => {}
                }
            }
        }
    }
    disputed
}

fn slot_of(number: u16) -> Slot {
    Slot::new(u64::from(number)).expect("slot numbers come from 0..SLOT_COUNT")
}

#[cfg(test)]
mod tests;
