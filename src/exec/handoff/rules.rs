//! The pure rules of the hand-off protocol (docs/handoff.md): what the epoch precondition needs next
//! (`epoch_action` for a hand-off, `claim_action` for a claim, both on one target rule), which slots
//! a table still records under an old owner, how hand-offs are grouped so no node both gives and
//! receives, and which untold nodes may be left to gossip. Called by [`super::Handoffs`];
//! unit-tested in `tests.rs`.

use super::{Epochs, Handoff};
use crate::topology::check::owner_map;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the epoch precondition needs next.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum EpochAction {
    /// Every giver is unique and every target is or will be ahead.
    Ready,
    /// `CLUSTER BUMPEPOCH` on this node.
    Bump(String),
    /// Gossip has to carry an epoch first.
    Wait(String),
}

/// The pure rule of steps 2-3 (docs/handoff.md), from every master's epochs.
pub(super) fn epoch_action(
    epochs: &HashMap<String, Epochs>,
    givers: &BTreeSet<&str>,
    group: &[Handoff],
) -> EpochAction {
    for giver in givers {
        let Some(mine) = epochs.get(*giver).map(|e| e.mine) else {
            continue;
        };
        // Of two masters with one epoch, the one with the smaller id raises itself
        // (clusterHandleConfigEpochCollision): a giver is at risk when a larger id shares its epoch.
        let raised_later = epochs
            .iter()
            .any(|(id, e)| e.mine == mine && id.as_str() > *giver);
        if raised_later || mine == 0 {
            return EpochAction::Bump(giver.to_string());
        }
    }
    let floor = givers
        .iter()
        .filter_map(|g| epochs.get(*g))
        .map(|e| e.mine)
        .max()
        .unwrap_or(0);
    let mut targets: Vec<(&str, bool)> = Vec::new();
    for handoff in group {
        match targets.iter_mut().find(|(t, _)| *t == handoff.to) {
            Some((_, imports)) => *imports &= handoff.target_imports,
            None => targets.push((&handoff.to, handoff.target_imports)),
        }
    }
    for (target, imports) in targets {
        let Some(own) = epochs.get(target) else {
            return EpochAction::Wait(format!("the target {target} does not answer CLUSTER INFO"));
        };
        if let Some(action) = target_action(target, *own, floor, imports) {
            return action;
        }
    }
    EpochAction::Ready
}

/// The target half of the rule, shared by hand-offs and claims: `None` when `own` is, or will be
/// by its own `SETSLOT NODE` (an importing target that is not the highest it knows), above
/// `floor`; `Bump` when it has heard of `floor`; `Wait` until gossip carries `floor` to it.
fn target_action(target: &str, own: Epochs, floor: u64, imports: bool) -> Option<EpochAction> {
    if own.mine > floor {
        return None;
    }
    // SETSLOT NODE on an importing target bumps it to current + 1 when it is not the highest.
    if imports && own.current >= floor && (own.mine < own.current || own.mine == 0) {
        return None;
    }
    if own.current >= floor {
        return Some(EpochAction::Bump(target.to_string()));
    }
    Some(EpochAction::Wait(format!(
        "the target {target} has not heard of epoch {floor} yet (its current epoch is {})",
        own.current
    )))
}

/// What a claim without a hand-off needs first (docs/handoff.md, "Claims"): `claimer` adds a slot
/// nobody reachable owns, or keeps one other masters own too, so its claim must win over every
/// record of another owner. The target rule of a hand-off ([`target_action`]) with the floor at the
/// epoch of every other master but `alongside` (other claimers of this round that own none of its
/// slots: their epochs rise too, and neither claim has to beat the other) and, when the claimer's own
/// epoch is below its current epoch, at that current epoch (an epoch it heard of, perhaps from an
/// old owner that cannot be reached). A claimer that does not answer `CLUSTER INFO` is bumped all the
/// same (its failure fails the claim).
pub(super) fn claim_action(
    epochs: &HashMap<String, Epochs>,
    claimer: &str,
    alongside: &BTreeSet<&str>,
) -> EpochAction {
    let Some(own) = epochs.get(claimer) else {
        return EpochAction::Bump(claimer.to_string());
    };
    let others = epochs
        .iter()
        .filter(|(id, _)| id.as_str() != claimer && !alongside.contains(id.as_str()))
        .map(|(_, e)| e.mine)
        .max()
        .unwrap_or(0);
    let heard = if own.mine < own.current {
        own.current
    } else {
        0
    };
    target_action(claimer, *own, others.max(heard), false).unwrap_or(EpochAction::Ready)
}

/// The slots of `unsettled` that `table` records under another owner.
pub(super) fn stale_slots_in(
    table: &[crate::topology::NodeEntry],
    unsettled: &BTreeMap<u16, String>,
) -> Vec<u16> {
    let owners = owner_map(table);
    unsettled
        .iter()
        .filter(|(slot, owner)| {
            let Some(slot) = crate::topology::Slot::new(u64::from(**slot)) else {
                return false;
            };
            !owners
                .iter()
                .any(|(id, slots)| *id == owner.as_str() && slots.contains(slot))
        })
        .map(|(slot, _)| *slot)
        .collect()
}

/// The next group of `left` to hand off, in plan order: no node both gives and receives in it, and
/// no master gives away its last owned slot (`owned`) while `left` still has a slot for it to
/// receive. A master left without slots turns replica of its last slot's owner and resyncs from it,
/// which deletes every key it was importing for slots not yet handed to it.
pub fn next_group(left: &[Handoff], owned: &BTreeMap<String, usize>) -> Vec<Handoff> {
    let (mut givers, mut targets) = (BTreeSet::new(), BTreeSet::new());
    let mut giving: BTreeMap<&str, usize> = BTreeMap::new();
    let mut group = Vec::new();
    for handoff in left.iter().filter(|h| h.slot != u16::MAX) {
        if givers.contains(&handoff.to) {
            continue;
        }
        if let Some(from) = &handoff.from {
            if targets.contains(from) {
                continue;
            }
            let given = giving.get(from.as_str()).copied().unwrap_or(0) + 1;
            let empties = owned.get(from).is_some_and(|n| *n <= given);
            if empties && left.iter().any(|h| &h.to == from) {
                continue;
            }
            giving.insert(from, given);
            givers.insert(from.clone());
        }
        targets.insert(handoff.to.clone());
        group.push(handoff.clone());
    }
    group
}

/// All of `handoffs` split into the groups [`next_group`] gives when ownership is unknown.
pub fn split_into_groups(handoffs: &[Handoff]) -> Vec<Vec<Handoff>> {
    let mut groups = Vec::new();
    let mut left = handoffs.to_vec();
    while !left.is_empty() {
        let group = next_group(&left, &BTreeMap::new());
        left.retain(|h| !group.contains(h));
        groups.push(group);
    }
    groups
}

/// Whether a master that could not be told a slot's new owner may be left to learn it by gossip
/// (docs/handoff.md, "Nodes left to gossip"): never when it says it still holds keys; otherwise when
/// it was the slot's giver (counted empty in every database just before the claim, and a MIGRATING
/// giver gains no key of the slot), or when its own table did not give it the slot (it serves no
/// key of it, so learning the owner deletes nothing).
pub(super) fn left_to_gossip(reason: &str, was_giver: bool, thought_it_owned: bool) -> bool {
    let holds_keys = reason.contains("still hold keys") || reason.contains("I still hold keys");
    !holds_keys && (was_giver || !thought_it_owned)
}

/// The lines of [`super::HandoffError::KeysLeft`].
pub(super) fn describe_left(left: &[super::KeyLoss]) -> String {
    let line = |l: &super::KeyLoss| {
        let what = match l.after {
            u64::MAX => "keys that could not be counted".to_string(),
            n => format!("{n} of its keys"),
        };
        format!(
            "slot {} was handed over but {} may still hold {what}: run `rcluster fix` now, before gossip makes it drop them",
            l.slot, l.owner
        )
    };
    left.iter().map(line).collect::<Vec<_>>().join("; ")
}
