//! The `fix` planner: from a [`ClusterView`], the key counts of the slots in trouble and the intent of
//! any interrupted rcluster run, a [`FixPlan`] with one [`SlotRepair`] per slot. Pure; `exec::fix`
//! carries the plan out and `commands::fix` renders and confirms it.
//!
//! Every repair has one shape, "consolidate slot S on node T": T takes the slot (it owns it, imports
//! it, or claims it), every other master holding keys of S hands them to T with MIGRATE, then every
//! master is told T owns S and every open state is closed. Strategies differ only in choosing T, and
//! each says why:
//!
//! 1. the journal of an interrupted rcluster run names the slot's target: complete that move;
//! 2. a node migrates the slot to a master that has started receiving it (imports it, owns it, or
//!    holds keys of it): complete that move, whatever the key counts (redis-cli moves the keys back
//!    when the source has more);
//! 3. exactly one master owns the slot: close the half-open state on it, bringing stray keys home;
//! 4. several owners or none: the one holding the most keys (ties: the highest config epoch, then
//!    view order); keyless uncovered slots are spread over the masters with the fewest slots, in
//!    contiguous ranges.
//!
//! Masters that cannot be reached but still own slots make the planner refuse, unless the user allows
//! reassigning their slots (their keys in those slots are then lost).
//!
//! What is wrong with a slot is read from the [`SlotFacts`] that `check` reports, and the plan is
//! checked against the view before it is returned ([`FixPlan::validate`], in `fix/validate.rs`).

use crate::topology::slot_facts::SlotFacts;
use crate::topology::{ClusterView, NodeView, SLOT_COUNT, Slot};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

pub use crate::topology::slot_facts::SlotKeys;

mod validate;

/// What an interrupted rcluster run meant to do with a slot (from its journal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Intent {
    pub source: String,
    pub target: String,
    /// The journal, and the command that wrote it, for the plan's explanation.
    pub journal: String,
    pub command: String,
}

/// The user's choices.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Reassign slots of masters that cannot be reached (their keys in those slots are lost).
    pub with_unreachable_masters: bool,
}

/// Why a slot needs repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Migrating or importing somewhere.
    OpenSlot,
    /// More than one master owns it or holds its keys.
    MultipleOwners,
    /// No reachable master owns it.
    Uncovered,
    /// Its only owner cannot be reached (with `with_unreachable_masters`).
    UnreachableOwner,
    /// One owner, but some masters still name another.
    Disagreement,
}

impl Problem {
    /// A few words for the plan table.
    pub fn describe(self) -> &'static str {
        match self {
            Problem::OpenSlot => "open slot",
            Problem::MultipleOwners => "several owners",
            Problem::Uncovered => "uncovered",
            Problem::UnreachableOwner => "owner unreachable",
            Problem::Disagreement => "owner disputed",
        }
    }
}

/// Why the planner chose a slot's new owner. The output layer writes it out (`output/render/fix.rs`
/// implements `Display`), and it serialises to that same sentence. Nodes are named by `host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepairReason {
    /// 1. An interrupted rcluster run was moving the slot: its move is completed.
    Journal {
        command: String,
        journal: String,
        source: String,
        target: String,
    },
    /// 2. A master was migrating the slot to the target, which had started receiving it.
    Migration {
        source: String,
        target: String,
        receiving: Receiving,
    },
    /// 3. The only owner, and the slot is open: its open state is closed.
    ClosesOpenState,
    /// 3. The only owner, and other masters hold keys of the slot: they come home.
    BringsKeysHome,
    /// 3. The only owner, and some masters name another: they are told.
    AnnouncesOwner,
    /// 4. Nobody else holds keys of it (with its count).
    OnlyHolder { keys: u64 },
    /// 4. It holds the most keys of it (with its count).
    MostKeys { keys: u64 },
    /// 4. Several masters own it, none holds keys: the highest config epoch keeps it.
    HighestEpoch,
    /// An unowned slot without keys, given to a master with the fewest slots.
    FewestSlots,
}

/// How the target of a migration had started receiving the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receiving {
    Owns,
    Imports,
    /// It holds this many of its keys.
    HoldsKeys(u64),
}

impl Serialize for RepairReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A plan that does not fit the view it was made from: a bug in the planner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixPlanError {
    #[error("{0}")]
    Invalid(String),
}

/// How the chosen node comes to accept the slot's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "from")]
pub enum Prepare {
    /// It owns the slot already.
    Owns,
    /// `SETSLOT IMPORTING <from>`, completed later by `SETSLOT NODE` on itself (which bumps its epoch).
    Import(String),
    /// Nobody reachable owns it: the hand-off module's claim (`BUMPEPOCH` where needed, `DELSLOTS`
    /// tolerated, `ADDSLOTS`).
    Claim,
}

/// What a holder of stray keys must be told before it can MIGRATE them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Open {
    /// Its state already allows MIGRATE.
    AsIs,
    /// It owns the slot: `SETSLOT MIGRATING <target>` (clients are sent to the target meanwhile).
    Migrating,
    /// It does not own the slot: `SETSLOT IMPORTING <target>` so MIGRATE runs locally.
    Importing,
    /// It owns the slot, and so does the target: it gives the slot up first (the hand-off module's
    /// claim: `SETSLOT STABLE`, `DELSLOTS`, `SETSLOT NODE <target>`, all before the target's epoch
    /// is raised), then `SETSLOT IMPORTING <target>` so MIGRATE runs locally. Owning nothing, it
    /// cannot delete its keys when the target's claim reaches it (docs/handoff.md, "Several owners").
    GivesUp,
}

/// A master whose keys of the slot move to the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drain {
    pub node: String,
    pub keys: u64,
    pub open: Open,
}

/// The repair of one slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotRepair {
    pub slot: Slot,
    pub problem: Problem,
    /// The node that ends up owning the slot.
    pub target: String,
    /// Why that node.
    pub reason: RepairReason,
    /// The journal whose move this completes, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    pub prepare: Prepare,
    /// The target owns the slot but migrates it elsewhere: `SETSLOT STABLE` on it first, or it
    /// would redirect the keys sent to it (ASK) towards that other node.
    pub stabilize_target: bool,
    /// Keys of the slot the target holds already.
    pub target_keys: u64,
    /// Other masters whose own table gives them the slot too (an importing target's source among
    /// them). A target that owns the slot must win over them: `exec::fix` has the hand-off module
    /// make each of them give the slot up, then raise the target's epoch (docs/handoff.md, "Claims"
    /// and "Several owners").
    pub rivals: Vec<String>,
    pub drains: Vec<Drain>,
    /// Masters other than the target to `SETSLOT STABLE` once the owner is announced.
    pub close: Vec<String>,
    /// Primaries of replicas that show the slot open: told the owner again, which they replicate.
    pub via_primary: Vec<String>,
    /// Masters that will send or receive the slot's keys but whose own table does not give the slot
    /// to its current owner ([`SlotRepair::owner`]): told it first (`SETSLOT NODE`). A master that
    /// imports a slot ignores every claim for it (`clusterUpdateSlotsConfigWith`), and drops it when
    /// its old owner turns replica (`clusterProcessPacket`); with the slot served by nobody it
    /// answers MIGRATE and RESTORE alike with `CLUSTERDOWN Hash slot not served`.
    pub tell_owner: Vec<String>,
}

impl SlotRepair {
    /// The master that owns the slot while its keys move: the one the target imports from, or the
    /// target itself.
    pub fn owner(&self) -> &str {
        owner_while_moving(&self.prepare, &self.target)
    }
}

fn owner_while_moving<'p>(prepare: &'p Prepare, target: &'p str) -> &'p str {
    match prepare {
        Prepare::Import(from) => from,
        Prepare::Owns | Prepare::Claim => target,
    }
}

/// Everything `fix` will do, or why it will not.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FixPlan {
    pub repairs: Vec<SlotRepair>,
    /// Why nothing may be done (unreachable masters that own slots); `null` when it may.
    pub refused: Option<String>,
    /// Advice that needs no repair (failed masters to forget, data that will be lost).
    pub notes: Vec<String>,
}

impl FixPlan {
    /// Keeps the first `max` repairs (at least one), for a bounded run; returns how many it left
    /// out. Each repair is one slot's, complete in itself, so any prefix is a plan of its own.
    pub fn keep_first(&mut self, max: usize) -> usize {
        let kept = max.max(1).min(self.repairs.len());
        let left = self.repairs.len() - kept;
        self.repairs.truncate(kept);
        left
    }

    /// Removes the repairs `which` picks and returns them as a plan of their own (no notes).
    pub fn take(&mut self, which: impl Fn(&SlotRepair) -> bool) -> FixPlan {
        let (taken, kept) = std::mem::take(&mut self.repairs)
            .into_iter()
            .partition(|r| which(r));
        self.repairs = kept;
        FixPlan {
            repairs: taken,
            refused: None,
            notes: Vec::new(),
        }
    }
}

/// The slots whose key counts the planner needs: open, uncovered, claimed by several masters,
/// disagreed about, or owned by an unreachable master.
pub fn slots_to_count(view: &ClusterView) -> Vec<u16> {
    let no_keys = SlotKeys::new();
    let facts = SlotFacts::derive(view, &no_keys);
    let mut slots: BTreeSet<u16> = facts.open_slot_numbers().collect();
    for slot in 0..SLOT_COUNT {
        if facts.claimants(slot).len() != 1 || facts.is_disputed(slot) {
            slots.insert(slot);
        }
    }
    slots.into_iter().collect()
}

/// Plans the repair. `keys` holds the counts of [`slots_to_count`] (plus, after a multiple-owner
/// search, every unowned slot with keys); `intents` the interrupted runs' moves by slot. The plan is
/// validated against the view before it is returned; an error is a bug in the planner.
pub fn plan_fix(
    view: &ClusterView,
    keys: &SlotKeys,
    intents: &HashMap<u16, Intent>,
    options: FixOptions,
) -> Result<FixPlan, FixPlanError> {
    let facts = SlotFacts::derive(view, keys);
    let plan = plan_repairs(&facts, intents, options);
    plan.validate(view, keys).map_err(FixPlanError::Invalid)?;
    Ok(plan)
}

fn plan_repairs(facts: &SlotFacts, intents: &HashMap<u16, Intent>, options: FixOptions) -> FixPlan {
    let view = facts.view();
    let mut plan = FixPlan::default();
    note_failed_masters(view, &mut plan);
    let unreachable = facts.unreachable_owners();
    if !unreachable.is_empty() && !options.with_unreachable_masters {
        plan.refused = Some(format!(
            "{} cannot be reached but still own slots; wait for a replica to take over (or bring them back), or rerun with --fix-with-unreachable-masters to give their slots to reachable masters (keys those masters hold in them are lost)",
            unreachable
                .iter()
                .map(|(node, slots)| format!("{} ({})", node.address, slots.to_compact()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return plan;
    }
    let planner = Planner { facts };
    let mut keyless_uncovered = Vec::new();
    for slot in 0..SLOT_COUNT {
        let Some(problem) = problem(facts, slot) else {
            continue;
        };
        let holders = facts.holders(slot);
        let intent = intents.get(&slot);
        match choose_target(facts, slot, &holders, intent) {
            Some((target, reason)) => {
                let used_intent = intent.filter(|_| matches!(reason, RepairReason::Journal { .. }));
                plan.repairs.push(planner.repair(
                    slot,
                    problem,
                    &target,
                    reason,
                    used_intent.cloned(),
                    &holders,
                ));
            }
            None => keyless_uncovered.push(slot),
        }
    }
    for (slot, target) in spread(facts, &keyless_uncovered) {
        let problem = problem(facts, slot).unwrap_or(Problem::Uncovered);
        let reason = RepairReason::FewestSlots;
        plan.repairs
            .push(planner.repair(slot, problem, &target, reason, None, &[]));
    }
    plan.repairs.sort_by_key(|r| r.slot);
    for (node, slots) in unreachable {
        plan.notes.push(format!(
            "slots {} of unreachable master {} are given to reachable masters: keys it held in them are lost, and if it comes back its copy is ignored",
            slots.to_compact(),
            node.address
        ));
    }
    plan
}

/// Failed masters that own nothing need no repair, only forgetting: say how.
fn note_failed_masters(view: &ClusterView, plan: &mut FixPlan) {
    for node in &view.nodes {
        let line = &node.seen_by_seed;
        if line.is_master() && line.flags.fail && line.slots.is_empty() {
            plan.notes.push(format!(
                "failed master {} ({}) owns no slots: remove it with `rcluster del-node {} {}`",
                node.address, line.id, view.seed, line.id
            ));
        }
    }
}

/// What is wrong with `slot`, if anything, by the facts' rules; the first that applies names it.
fn problem(facts: &SlotFacts, slot: u16) -> Option<Problem> {
    if facts.is_open(slot) {
        Some(Problem::OpenSlot)
    } else if facts.is_uncovered(slot) && facts.has_unreachable_owner(slot) {
        Some(Problem::UnreachableOwner)
    } else if facts.is_uncovered(slot) {
        Some(Problem::Uncovered)
    } else if facts.has_several_owners(slot) {
        Some(Problem::MultipleOwners)
    } else if facts.is_disputed(slot) {
        Some(Problem::Disagreement)
    } else {
        None
    }
}

/// Builds repairs from the facts.
struct Planner<'f, 'a> {
    facts: &'f SlotFacts<'a>,
}

impl Planner<'_, '_> {
    /// The repair that consolidates `slot` on `target`.
    fn repair(
        &self,
        slot: u16,
        problem: Problem,
        target: &str,
        reason: RepairReason,
        intent: Option<Intent>,
        holders: &[(&str, u64)],
    ) -> SlotRepair {
        let claims = self.facts.claimants(slot);
        let other_claim = claims.iter().find(|id| **id != target);
        let prepare = if claims.contains(&target) {
            Prepare::Owns
        } else if let Some(owner) = other_claim {
            Prepare::Import(owner.to_string())
        } else {
            Prepare::Claim
        };
        let states = self.facts.open(slot);
        let is_open = |id: &str| states.is_some_and(|s| s.involves(id));
        let migrating_to_target = |id: &str| {
            states.is_some_and(|s| {
                s.migrating
                    .iter()
                    .any(|(n, peer)| n.id() == id && *peer == target)
            })
        };
        let drains: Vec<Drain> = holders
            .iter()
            .filter(|(id, _)| *id != target)
            .map(|(id, keys)| Drain {
                node: id.to_string(),
                keys: *keys,
                open: if claims.contains(id) {
                    if matches!(prepare, Prepare::Owns) {
                        Open::GivesUp
                    } else if migrating_to_target(id) {
                        Open::AsIs
                    } else {
                        Open::Migrating
                    }
                } else if is_open(id) {
                    Open::AsIs
                } else {
                    Open::Importing
                },
            })
            .collect();
        let mut close: Vec<String> = self
            .facts
            .masters()
            .iter()
            .map(|m| m.id())
            .filter(|id| *id != target && (is_open(id) || drains.iter().any(|d| d.node == *id)))
            .map(str::to_string)
            .collect();
        close.dedup();
        let mut via_primary: Vec<String> = states
            .map(|s| {
                s.migrating
                    .iter()
                    .chain(&s.importing)
                    .filter(|(n, _)| !n.is_master())
                    .filter_map(|(n, _)| n.myself().master_id.clone())
                    .filter(|id| self.facts.master(id).is_some())
                    .collect()
            })
            .unwrap_or_default();
        via_primary.sort();
        via_primary.dedup();
        let owner = owner_while_moving(&prepare, target);
        let tell_owner = std::iter::once(target)
            .filter(|_| matches!(prepare, Prepare::Import(_)))
            .chain(
                drains
                    .iter()
                    .map(|d| d.node.as_str())
                    .filter(|id| !claims.contains(id)),
            )
            .filter(|id| !self.facts.names_owner(id, slot, owner))
            .map(str::to_string)
            .collect();
        SlotRepair {
            slot: slot_of(slot),
            problem,
            target: target.to_string(),
            reason,
            intent,
            rivals: claims
                .iter()
                .filter(|id| **id != target)
                .map(|id| id.to_string())
                .collect(),
            stabilize_target: states
                .is_some_and(|s| s.migrating.iter().any(|(n, _)| n.id() == target)),
            target_keys: holders
                .iter()
                .find(|(id, _)| *id == target)
                .map_or(0, |(_, keys)| *keys),
            prepare,
            drains,
            close,
            via_primary,
            tell_owner,
        }
    }
}

/// A chosen owner and why.
type Choice = Option<(String, RepairReason)>;

/// The node that should own `slot`, and why; `None` for an unowned slot without keys (spread later).
fn choose_target(
    facts: &SlotFacts,
    slot: u16,
    holders: &[(&str, u64)],
    intent: Option<&Intent>,
) -> Choice {
    intent
        .and_then(|intent| by_intent(facts, intent))
        .or_else(|| by_migration(facts, slot, holders))
        .or_else(|| by_single_owner(facts, slot, holders))
        .or_else(|| by_keys_then_epoch(facts.view(), facts.claimants(slot), holders))
}

/// 1. The journal's target, when it can be reached.
fn by_intent(facts: &SlotFacts, intent: &Intent) -> Choice {
    facts.master(&intent.target)?;
    Some((
        intent.target.clone(),
        RepairReason::Journal {
            command: intent.command.clone(),
            journal: intent.journal.clone(),
            source: facts.address(&intent.source),
            target: facts.address(&intent.target),
        },
    ))
}

/// 2. The one destination masters migrate the slot to, when it has started receiving it.
fn by_migration(facts: &SlotFacts, slot: u16, holders: &[(&str, u64)]) -> Choice {
    let states = facts.open(slot)?;
    let mut destinations: Vec<(&NodeView, &str)> = Vec::new();
    for (node, peer) in states.migrating.iter().filter(|(n, _)| n.is_master()) {
        if !destinations.iter().any(|(_, known)| known == peer) {
            destinations.push((node, peer));
        }
    }
    let [(source, destination)] = destinations[..] else {
        return None;
    };
    let target = facts.master(destination)?;
    let receiving = if facts.claimants(slot).contains(&target.id()) {
        Receiving::Owns
    } else if states.importing.iter().any(|(n, _)| n.id() == target.id()) {
        Receiving::Imports
    } else {
        let (_, keys) = holders.iter().find(|(id, _)| *id == target.id())?;
        Receiving::HoldsKeys(*keys)
    };
    Some((
        target.id().to_string(),
        RepairReason::Migration {
            source: source.address.to_string(),
            target: target.address.to_string(),
            receiving,
        },
    ))
}

/// 3. The only master that owns it.
fn by_single_owner(facts: &SlotFacts, slot: u16, holders: &[(&str, u64)]) -> Choice {
    let [owner] = facts.claimants(slot) else {
        return None;
    };
    let why = if facts.is_open(slot) {
        RepairReason::ClosesOpenState
    } else if holders.iter().any(|(id, _)| id != owner) {
        RepairReason::BringsKeysHome
    } else {
        RepairReason::AnnouncesOwner
    };
    Some((owner.to_string(), why))
}

/// 4. The holder of the most keys; without keys, the owner with the highest config epoch.
fn by_keys_then_epoch(view: &ClusterView, claims: &[&str], holders: &[(&str, u64)]) -> Choice {
    let rank = |id: &str| (epoch(view, id), std::cmp::Reverse(position(view, id)));
    if let Some((id, keys)) = holders.iter().max_by_key(|(id, keys)| (*keys, rank(id))) {
        let why = if holders.len() == 1 {
            RepairReason::OnlyHolder { keys: *keys }
        } else {
            RepairReason::MostKeys { keys: *keys }
        };
        return Some((id.to_string(), why));
    }
    let owner = claims.iter().max_by_key(|id| rank(id))?;
    Some((owner.to_string(), RepairReason::HighestEpoch))
}

fn slot_of(number: u16) -> Slot {
    Slot::new(u64::from(number)).expect("slot numbers come from 0..SLOT_COUNT")
}

fn epoch(view: &ClusterView, id: &str) -> u64 {
    view.node_by_id(id)
        .map(|n| n.myself().config_epoch)
        .unwrap_or(0)
}

fn position(view: &ClusterView, id: &str) -> usize {
    view.nodes
        .iter()
        .position(|n| n.id() == id)
        .unwrap_or(usize::MAX)
}

/// Gives keyless unowned slots to the masters with the fewest slots: quotas by water-filling, then
/// contiguous runs of slots per master in view order.
fn spread(facts: &SlotFacts, slots: &[u16]) -> Vec<(u16, String)> {
    if facts.masters().is_empty() || slots.is_empty() {
        return Vec::new();
    }
    let mut counts: Vec<usize> = facts
        .masters()
        .iter()
        .map(|m| m.myself().slots.len())
        .collect();
    let mut quotas = vec![0usize; counts.len()];
    for _ in slots {
        let (index, _) = counts
            .iter()
            .enumerate()
            .min_by_key(|(index, count)| (**count, *index))
            .expect("masters is not empty");
        counts[index] += 1;
        quotas[index] += 1;
    }
    let mut sorted = slots.to_vec();
    sorted.sort_unstable();
    let mut assignments = Vec::with_capacity(sorted.len());
    let mut next = sorted.into_iter();
    for (master, quota) in facts.masters().iter().zip(quotas) {
        for slot in next.by_ref().take(quota) {
            assignments.push((slot, master.id().to_string()));
        }
    }
    assignments
}

#[cfg(test)]
mod tests;
