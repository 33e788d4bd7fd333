//! [`FixPlan::validate`]: a fix plan checked against the view and key counts it was made from, by
//! direct reads of the view (not through the [`SlotFacts`](crate::topology::slot_facts::SlotFacts)
//! the planner used), before anything is sent. [`super::plan_fix`] calls it; a failure is a bug in
//! the planner and says so.

use super::{FixPlan, Open, Prepare, SlotKeys, SlotRepair};
use crate::topology::{ClusterView, NodeView, SLOT_COUNT, Slot};
use std::collections::HashSet;

impl FixPlan {
    /// Every repaired slot's target is a reachable master, no slot is repaired twice, the target
    /// takes the slot in a way its state allows (owns it, imports it from its owner, or claims it
    /// where no reachable master owns it), every other master holding keys of it drains them, and
    /// every slot left alone ends with exactly one owner, no open state and no stray keys.
    pub fn validate(&self, view: &ClusterView, keys: &SlotKeys) -> Result<(), String> {
        if self.refused.is_some() && !self.repairs.is_empty() {
            return Err("bug in the planner: a refused plan has repairs".into());
        }
        let masters: Vec<&NodeView> = view.loaded_masters().collect();
        let mut repaired = HashSet::new();
        for repair in &self.repairs {
            if !repaired.insert(repair.slot) {
                return Err(bug(repair.slot, "repaired twice".into()));
            }
            check_repair(&masters, keys, repair).map_err(|what| bug(repair.slot, what))?;
        }
        if self.refused.is_none() && !masters.is_empty() {
            check_left_alone(view, &masters, keys, &repaired)?;
        }
        Ok(())
    }
}

fn bug(slot: Slot, what: String) -> String {
    format!("bug in the planner: slot {slot}: {what}")
}

fn owns(master: &NodeView, slot: Slot) -> bool {
    master.myself().slots.contains(slot)
}

fn count(keys: &SlotKeys, id: &str, slot: Slot) -> u64 {
    keys.get(id)
        .and_then(|counts| counts.get(&slot.number()))
        .copied()
        .unwrap_or(0)
}

/// Whether `node` marks `slot` migrating or importing in its own line.
fn has_open(node: &NodeView, slot: Slot) -> bool {
    let me = node.myself();
    me.migrating
        .iter()
        .chain(&me.importing)
        .any(|(s, _)| *s == slot)
}

/// One repair against the view.
fn check_repair(masters: &[&NodeView], keys: &SlotKeys, repair: &SlotRepair) -> Result<(), String> {
    let slot = repair.slot;
    let master = |id: &str| masters.iter().copied().find(|m| m.id() == id);
    let Some(target) = master(&repair.target) else {
        return Err(format!(
            "target {} is not a reachable master",
            repair.target
        ));
    };
    let owners: Vec<&str> = masters
        .iter()
        .filter(|m| owns(m, slot))
        .map(|m| m.id())
        .collect();
    match &repair.prepare {
        Prepare::Owns if !owns(target, slot) => {
            return Err("the target is said to own it but does not".into());
        }
        Prepare::Import(from) if *from == repair.target || !owners.contains(&from.as_str()) => {
            return Err(format!("imported from {from}, which does not own it"));
        }
        Prepare::Import(_) if owns(target, slot) => {
            return Err("imported by a target that owns it".into());
        }
        Prepare::Claim if !owners.is_empty() => {
            return Err(format!("claimed although {} owns it", owners.join(", ")));
        }
        _ => {}
    }
    if repair.target_keys != count(keys, &repair.target, slot) {
        return Err("the target's key count is not the counted one".into());
    }
    if repair.stabilize_target && !target.myself().migrating.iter().any(|(s, _)| *s == slot) {
        return Err("the target is stabilised but does not migrate it".into());
    }
    if repair
        .intent
        .as_ref()
        .is_some_and(|i| i.target != repair.target)
    {
        return Err("it completes a journal's move towards another node".into());
    }
    let mut drained = HashSet::new();
    for drain in &repair.drains {
        let Some(node) = master(&drain.node) else {
            return Err(format!("drains {}, not a reachable master", drain.node));
        };
        if drain.node == repair.target || !drained.insert(drain.node.as_str()) {
            return Err(format!("drains {} twice or into itself", drain.node));
        }
        if drain.keys == 0 || drain.keys != count(keys, &drain.node, slot) {
            return Err(format!(
                "drains {} keys from {}, not the counted number",
                drain.keys, drain.node
            ));
        }
        let fits = match drain.open {
            Open::AsIs => has_open(node, slot),
            Open::Migrating => owns(node, slot),
            Open::Importing => !owns(node, slot),
            Open::GivesUp => {
                owns(node, slot)
                    && matches!(repair.prepare, Prepare::Owns)
                    && repair.rivals.contains(&drain.node)
            }
        };
        if !fits {
            return Err(format!(
                "{} is opened as {:?}, which its state does not allow",
                drain.node, drain.open
            ));
        }
    }
    if let Some(left) = masters.iter().find(|m| {
        m.id() != repair.target && count(keys, m.id(), slot) > 0 && !drained.contains(m.id())
    }) {
        return Err(format!("{} keeps keys of it", left.id()));
    }
    let lists = [
        ("closed", &repair.close),
        ("told the owner", &repair.tell_owner),
        ("told through", &repair.via_primary),
    ];
    for (what, ids) in lists {
        if let Some(id) = ids.iter().find(|id| master(id).is_none()) {
            return Err(format!("{what} {id}, not a reachable master"));
        }
    }
    if repair.close.contains(&repair.target) {
        return Err("the target is closed as if it were another node".into());
    }
    Ok(())
}

/// Every slot without a repair has one reachable owner that every master's table names, no open
/// state on any reachable node and no keys on another master.
fn check_left_alone(
    view: &ClusterView,
    masters: &[&NodeView],
    keys: &SlotKeys,
    repaired: &HashSet<Slot>,
) -> Result<(), String> {
    let mut owner: Vec<Option<&str>> = vec![None; SLOT_COUNT as usize];
    for slot in (0..SLOT_COUNT).filter_map(|n| Slot::new(u64::from(n))) {
        if repaired.contains(&slot) {
            continue;
        }
        let owners: Vec<&str> = masters
            .iter()
            .filter(|m| owns(m, slot))
            .map(|m| m.id())
            .collect();
        let [only] = owners[..] else {
            return Err(bug(slot, format!("left with {} owners", owners.len())));
        };
        owner[slot.number() as usize] = Some(only);
        if let Some(node) = view.loaded().find(|n| has_open(n, slot)) {
            return Err(bug(slot, format!("left open on {}", node.id())));
        }
        if let Some(stray) = masters
            .iter()
            .find(|m| m.id() != only && count(keys, m.id(), slot) > 0)
        {
            return Err(bug(slot, format!("keys left on {}", stray.id())));
        }
    }
    for master in masters {
        for entry in master.own_table().unwrap_or_default() {
            for slot in entry.slots.iter() {
                let named = owner[slot.number() as usize];
                if named.is_some_and(|id| id != entry.id) {
                    return Err(bug(slot, format!("{} names another owner", master.id())));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
