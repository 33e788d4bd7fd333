//! `fix`'s views: the repair plan (a table natively, redis-cli's `>>> Fixing ...` lines in its syntax),
//! the sentence of each [`RepairReason`] (also its JSON form), and the result of each way `fix` can
//! end.

use super::{Render, RenderOptions, hint_line};
use crate::commands::fix::{Addresses, FixReport, FixStage, OpenSlotSection, PlanSection};
use crate::exec::fix::FixOutcome;
use crate::output::human::render_check_with;
use crate::output::{Level, Line};
use crate::plan::fix::{FixPlan, Prepare, Problem, Receiving, RepairReason, SlotRepair};
use crate::topology::check::CheckReport;
use std::fmt;

impl fmt::Display for RepairReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepairReason::Journal {
                command,
                journal,
                source,
                target,
            } => write!(
                f,
                "the interrupted rcluster {command} (journal {journal}) was moving it from {source} to {target}: completing that move"
            ),
            RepairReason::Migration {
                source,
                target,
                receiving,
            } => {
                let receiving = match receiving {
                    Receiving::Owns => "owns it already".to_string(),
                    Receiving::Imports => "imports it".to_string(),
                    Receiving::HoldsKeys(keys) => format!("holds {keys} of its keys"),
                };
                write!(
                    f,
                    "{source} was migrating it to {target}, which {receiving}: completing that move"
                )
            }
            RepairReason::ClosesOpenState => f.write_str(
                "it owns the slot and no move towards another master had started: closing the open state",
            ),
            RepairReason::BringsKeysHome => {
                f.write_str("it owns the slot: moving the keys other masters hold to it")
            }
            RepairReason::AnnouncesOwner => {
                f.write_str("it owns the slot: telling the masters that name another owner")
            }
            RepairReason::OnlyHolder { keys } => {
                write!(f, "the only master holding keys of it ({keys})")
            }
            RepairReason::MostKeys { keys } => write!(
                f,
                "holds the most keys of it ({keys}); the others' keys move to it"
            ),
            RepairReason::HighestEpoch => f.write_str(
                "several masters own it and none holds keys: the one with the highest config epoch keeps it",
            ),
            RepairReason::FewestSlots => f.write_str(
                "no master holds keys of it: given to a master with the fewest slots",
            ),
        }
    }
}

/// A reason with its key counts left out: consecutive slots whose reasons differ only there share a
/// row of the plan table.
fn without_counts(reason: &RepairReason) -> RepairReason {
    let mut kind = reason.clone();
    match &mut kind {
        RepairReason::OnlyHolder { keys }
        | RepairReason::MostKeys { keys }
        | RepairReason::Migration {
            receiving: Receiving::HoldsKeys(keys),
            ..
        } => *keys = 0,
        _ => {}
    }
    kind
}

impl Render for FixReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        match self.stage {
            FixStage::Refused => vec![Line::stderr(
                Level::Err,
                format!("[ERR] not fixing: {}", self.refusal()),
            )],
            FixStage::NothingToDo if self.clean => {
                vec![Line::new(Level::Success, "[OK] No slot needs repair.")]
            }
            FixStage::NothingToDo => vec![Line::new(
                Level::Warn,
                "No slot needs repair; the problems above need another command (see the notes).",
            )],
            FixStage::DryRun | FixStage::Declined => Vec::new(),
            FixStage::Repaired => self.repaired(options, false),
        }
    }

    fn redis_cli(&self, options: &RenderOptions) -> Vec<Line> {
        match self.stage {
            FixStage::Refused => vec![Line::new(
                Level::Warn,
                format!("*** Not fixing: {}", self.refusal()),
            )],
            FixStage::DryRun => plan_lines(&self.plan, &self.addresses, true),
            FixStage::NothingToDo | FixStage::Declined => Vec::new(),
            FixStage::Repaired => self.repaired(options, true),
        }
    }
}

impl FixReport {
    fn refusal(&self) -> &str {
        self.plan.refused.as_deref().unwrap_or_default()
    }

    /// The slots that failed, the result line, then (natively) the findings of the check after the
    /// repair and the advice.
    fn repaired(&self, options: &RenderOptions, redis_cli: bool) -> Vec<Line> {
        let default = FixOutcome::default();
        let outcome = self.outcome.as_ref().unwrap_or(&default);
        // In redis-cli syntax the open slots were reported as they were repaired.
        let shown = |slot: &u16| {
            redis_cli
                && self
                    .plan
                    .repairs
                    .iter()
                    .any(|r| r.slot.number() == *slot && r.problem == Problem::OpenSlot)
        };
        let mut lines: Vec<Line> = outcome
            .failed
            .iter()
            .filter(|(slot, _)| !shown(slot))
            .map(|(slot, reason)| {
                Line::new(
                    Level::Err,
                    format!("[ERR] slot {slot} was not repaired: {reason}"),
                )
            })
            .collect();
        if redis_cli {
            // redis-cli prints no result line.
            return lines;
        }
        let (level, tag) = if outcome.failed.is_empty() {
            (Level::Success, "[OK]")
        } else {
            (Level::Warn, "[WARNING]")
        };
        lines.push(Line::new(
            level,
            format!(
                "{tag} Repaired {} of {}, moving {}, in {:.2} s.",
                outcome.fixed.len(),
                crate::words::counted(self.plan.repairs.len(), "slot", "slots"),
                crate::words::counted(outcome.keys_moved, "key", "keys"),
                self.seconds.unwrap_or_default()
            ),
        ));
        if let Some(left) = self.left_slots.filter(|&left| left > 0) {
            lines.push(Line::new(
                Level::Plain,
                format!(
                    "{} left to repair (--max-slots): run the same command again to continue",
                    crate::words::counted(left, "slot", "slots")
                ),
            ));
        }
        match &self.after {
            // -q: one line for the check after the repair.
            Some(after) if options.quiet => lines.push(super::quiet_check_summary(after)),
            // The findings only: the node listing was printed before the repair.
            Some(after) => lines.extend(render_check_with(after, false, false)),
            None => {}
        }
        let advice = outcome.warnings.iter().cloned().chain(
            (!outcome.failed.is_empty()).then(|| {
                "slots not repaired are as they were or still open; rerun `rcluster fix` (with --replace if keys differ on both sides)".to_string()
            }),
        );
        lines.extend(advice.filter_map(|text| hint_line(options, text)));
        lines
    }
}

impl Render for OpenSlotSection<'_> {
    /// Shown in redis-cli syntax only (natively the plan table says it all).
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        Vec::new()
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        self.plan
            .repairs
            .iter()
            .flat_map(|r| open_slot_lines(r, self.check, self.addresses, self.outcome))
            .collect()
    }
}

/// One open slot's repair as redis-cli words it: where it was open, the case that fits what was
/// done, and a dot per key moved; rcluster's own reason goes to stderr when no case fits.
fn open_slot_lines(
    repair: &SlotRepair,
    check: &CheckReport,
    addresses: &Addresses,
    outcome: &FixOutcome,
) -> Vec<Line> {
    let slot = repair.slot;
    let open_in =
        |pick: fn(&crate::topology::check::OpenSlotNode) -> &Vec<crate::topology::Slot>| {
            check
                .open_slot_nodes
                .iter()
                .filter(|n| pick(n).contains(&slot))
                .map(|n| n.address.clone())
                .collect::<Vec<_>>()
        };
    let (migrating, importing) = (open_in(|n| &n.migrating), open_in(|n| &n.importing));
    let target = addresses.get(&repair.target);
    let mut lines = vec![Line::new(
        Level::Info,
        format!(">>> Fixing open slot {slot}"),
    )];
    let candidates = OwnerCandidates::of(repair, check);
    for id in &candidates.non_owners {
        lines.push(Line::new(
            Level::Warn,
            format!(
                "*** Found keys about slot {slot} in non-owner node {}!",
                addresses.get(id)
            ),
        ));
    }
    if !migrating.is_empty() {
        lines.push(Line::plain(format!(
            "Set as migrating in: {}",
            migrating.join(",")
        )));
    }
    if !importing.is_empty() {
        lines.push(Line::plain(format!(
            "Set as importing in: {}",
            importing.join(",")
        )));
    }
    if let Some(reason) = outcome.failed.get(&slot.number()) {
        lines.push(Line::new(
            Level::Err,
            format!("[ERR] slot {slot} was not repaired: {reason}"),
        ));
        return lines;
    }
    let moves = |lines: &mut Vec<Line>| {
        for drain in &repair.drains {
            lines.push(Line::plain(format!(
                "Moving slot {slot} from {} to {target}: {}",
                addresses.get(&drain.node),
                ".".repeat(drain.keys as usize)
            )));
        }
    };
    let drained_from = |address: &str| {
        repair
            .drains
            .iter()
            .any(|d| addresses.get(&d.node) == address)
    };
    if candidates.count() > 1
        && let Some(chosen) =
            owner_by_keys_lines(repair, &candidates, addresses, [&migrating, &importing])
    {
        lines.extend(chosen);
        return lines;
    }
    match (migrating.as_slice(), importing.as_slice()) {
        ([from], [to]) if *to == target && (repair.drains.is_empty() || drained_from(from)) => {
            lines.push(Line::new(
                Level::Info,
                format!(">>> Case 1: Moving slot {slot} from {from} to {to}"),
            ));
            lines.push(Line::plain(format!(
                "Moving slot {slot} from {from} to {to}: {}",
                ".".repeat(repair.drains.iter().map(|d| d.keys).sum::<u64>() as usize)
            )));
        }
        ([], [_, ..]) => {
            lines.push(Line::new(
                Level::Info,
                format!(">>> Case 2: Moving all the {slot} slot keys to its owner {target}"),
            ));
            let others = importing.iter().filter(|n| **n != target);
            lines.extend(case_2_moves(repair, addresses, &target, others));
        }
        ([node], []) if repair.drains.is_empty() => {
            lines.push(Line::new(
                Level::Info,
                format!(">>> Case 4: Closing slot {slot} on {node}"),
            ));
        }
        _ => {
            moves(&mut lines);
            lines.push(Line::stderr(
                Level::Plain,
                format!("*** slot {slot}: {}", repair.reason),
            ));
        }
    }
    lines
}

/// redis-cli's owner candidates for an open slot (its step 1): the masters whose table gives them
/// the slot, and the others that hold keys of it, as far as the repair knows them.
struct OwnerCandidates<'a> {
    owners: Vec<&'a str>,
    /// Masters holding keys of the slot without owning it, in node order.
    non_owners: Vec<&'a str>,
    /// Keys of the slot per master that holds some (the target and the drained masters).
    keys: Vec<(&'a str, u64)>,
}

impl<'a> OwnerCandidates<'a> {
    fn of(repair: &'a SlotRepair, check: &CheckReport) -> OwnerCandidates<'a> {
        let mut owners: Vec<&str> = repair.rivals.iter().map(String::as_str).collect();
        match &repair.prepare {
            Prepare::Owns => owners.push(&repair.target),
            Prepare::Import(from) => owners.push(from),
            Prepare::Claim => {}
        }
        owners.dedup();
        let mut keys: Vec<(&str, u64)> = repair
            .drains
            .iter()
            .map(|d| (d.node.as_str(), d.keys))
            .collect();
        keys.push((&repair.target, repair.target_keys));
        keys.retain(|(_, count)| *count > 0);
        let position = |id: &str| check.nodes.iter().position(|n| n.id == id);
        let mut non_owners: Vec<&str> = keys
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !owners.contains(id))
            .collect();
        non_owners.sort_by_key(|id| position(id));
        non_owners.dedup();
        OwnerCandidates {
            owners,
            non_owners,
            keys,
        }
    }

    fn count(&self) -> usize {
        self.owners.len() + self.non_owners.len()
    }

    fn all(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.owners.iter().chain(&self.non_owners).copied()
    }
}

/// redis-cli's Case 2 for each of `nodes`: its keys moved to `target` (a dot per key), then the
/// slot set STABLE there.
fn case_2_moves<'n>(
    repair: &SlotRepair,
    addresses: &Addresses,
    target: &str,
    nodes: impl Iterator<Item = &'n String>,
) -> Vec<Line> {
    let slot = repair.slot;
    nodes
        .flat_map(|node| {
            let keys: u64 = repair
                .drains
                .iter()
                .filter(|d| addresses.get(&d.node) == *node)
                .map(|d| d.keys)
                .sum();
            [
                Line::plain(format!(
                    "Moving slot {slot} from {node} to {target}: {}",
                    ".".repeat(keys as usize)
                )),
                Line::new(
                    Level::Info,
                    format!(">>> Setting {slot} as STABLE in {node}"),
                ),
            ]
        })
        .collect()
}

/// Several candidates: redis-cli selects an owner by key count, configures it, and moves every
/// other holder's keys to it (its "Case 2"). rcluster's target is the owner configured in these
/// lines; where redis-cli's key count would choose another, the reason goes to stderr. `None` when
/// the slot would stay migrating somewhere after that (not redis-cli's Case 2).
fn owner_by_keys_lines(
    repair: &SlotRepair,
    candidates: &OwnerCandidates,
    addresses: &Addresses,
    [migrating, importing]: [&Vec<String>; 2],
) -> Option<Vec<Line>> {
    let (slot, target) = (repair.slot, addresses.get(&repair.target));
    let others: Vec<String> = candidates
        .all()
        .filter(|id| *id != repair.target)
        .map(|id| addresses.get(id))
        .collect();
    if migrating
        .iter()
        .any(|node| !others.contains(node) && *node != target)
    {
        return None;
    }
    let mut importing: Vec<String> = importing
        .iter()
        .filter(|n| **n != target)
        .cloned()
        .collect();
    for other in others {
        if !importing.contains(&other) {
            importing.push(other);
        }
    }
    let mut lines = vec![
        Line::new(
            Level::Info,
            ">>> No single clear owner for the slot, selecting an owner by # of keys...",
        ),
        Line::new(
            Level::Warn,
            format!("*** Configuring {target} as the slot owner"),
        ),
        Line::new(
            Level::Info,
            format!(">>> Case 2: Moving all the {slot} slot keys to its owner {target}"),
        ),
    ];
    lines.extend(case_2_moves(repair, addresses, &target, importing.iter()));
    let most = candidates
        .keys
        .iter()
        .filter(|(id, _)| *id != repair.target)
        .max_by_key(|(_, count)| *count);
    if let Some((id, count)) = most.filter(|(_, count)| *count >= repair.target_keys) {
        lines.push(Line::stderr(
            Level::Plain,
            format!(
                "*** slot {slot}: {}; redis-cli would choose by key count {} ({count} keys) and move the {} keys on {target} back to it",
                repair.reason,
                addresses.get(id),
                repair.target_keys
            ),
        ));
    }
    Some(lines)
}

impl Render for PlanSection<'_> {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        plan_table(self.plan, self.addresses)
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        plan_lines(self.plan, self.addresses, false)
    }
}

/// redis-cli's lines: a `>>>` header per slot, and with `reasons` (a dry run, which redis-cli
/// does not have) rcluster's reason for it.
fn plan_lines(plan: &FixPlan, addresses: &Addresses, reasons: bool) -> Vec<Line> {
    plan.repairs
        .iter()
        .flat_map(|r| {
            let head = match r.problem {
                Problem::OpenSlot => format!(">>> Fixing open slot {}", r.slot),
                Problem::MultipleOwners => {
                    format!(">>> Fixing multiple owners for slot {}...", r.slot)
                }
                Problem::Uncovered | Problem::UnreachableOwner => format!(
                    ">>> Covering slot {} with {}",
                    r.slot,
                    addresses.get(&r.target)
                ),
                Problem::Disagreement => format!(">>> Announcing the owner of slot {}", r.slot),
            };
            let reason = reasons
                .then(|| Line::plain(format!("*** {}: {}", addresses.get(&r.target), r.reason)));
            std::iter::once(Line::new(Level::Info, head)).chain(reason)
        })
        .collect()
}

/// A table of slot ranges with the same repair.
fn plan_table(plan: &FixPlan, addresses: &Addresses) -> Vec<Line> {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["Slots", "Problem", "New owner", "Keys to move", "Why"]);
    for group in group_repairs(plan) {
        let first = group[0];
        let slots: crate::topology::SlotSet = group.iter().map(|r| r.slot).collect();
        table.add_row([
            slots.to_compact(),
            first.problem.describe().to_string(),
            addresses.get(&first.target),
            keys_to_move(&group, addresses),
            first.reason.to_string(),
        ]);
    }
    vec![
        Line::new(
            Level::Info,
            format!(
                ">>> Repair plan: {}",
                crate::words::counted(plan.repairs.len(), "slot", "slots")
            ),
        ),
        Line::plain(table.to_string()),
    ]
}

/// `N from HOST:PORT, ...` summed over a group's drains, or `none`.
fn keys_to_move(group: &[&SlotRepair], addresses: &Addresses) -> String {
    let mut from: Vec<(&str, u64)> = Vec::new();
    for drain in group.iter().flat_map(|r| &r.drains) {
        match from.iter_mut().find(|(id, _)| *id == drain.node) {
            Some((_, keys)) => *keys += drain.keys,
            None => from.push((&drain.node, drain.keys)),
        }
    }
    if from.is_empty() {
        return "none".to_string();
    }
    from.iter()
        .map(|(id, keys)| format!("{keys} from {}", addresses.get(id)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Consecutive slots with the same problem, owner, sources and kind of reason, as one row.
fn group_repairs(plan: &FixPlan) -> Vec<Vec<&SlotRepair>> {
    let shape = |r: &SlotRepair| {
        let sources: Vec<&str> = r.drains.iter().map(|d| d.node.as_str()).collect();
        (
            r.problem,
            r.target.clone(),
            sources.join(","),
            without_counts(&r.reason),
        )
    };
    let mut groups: Vec<Vec<&SlotRepair>> = Vec::new();
    for repair in &plan.repairs {
        match groups.last_mut() {
            Some(group)
                if shape(group[0]) == shape(repair)
                    && group.last().unwrap().slot.number() + 1 == repair.slot.number() =>
            {
                group.push(repair)
            }
            _ => groups.push(vec![repair]),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences the plan printed when reasons were strings, word for word (the plan table,
    /// `--dry-run` in redis-cli syntax and the JSON `reason` all show them).
    #[test]
    fn reasons_read_as_before_and_serialise_to_the_same_sentence() {
        let cases = [
            (
                RepairReason::Journal {
                    command: "reshard".into(),
                    journal: "/tmp/j.jsonl".into(),
                    source: "127.0.0.1:7000".into(),
                    target: "127.0.0.1:7001".into(),
                },
                "the interrupted rcluster reshard (journal /tmp/j.jsonl) was moving it from 127.0.0.1:7000 to 127.0.0.1:7001: completing that move",
            ),
            (
                RepairReason::Migration {
                    source: "a:1".into(),
                    target: "b:2".into(),
                    receiving: Receiving::HoldsKeys(3),
                },
                "a:1 was migrating it to b:2, which holds 3 of its keys: completing that move",
            ),
            (
                RepairReason::Migration {
                    source: "a:1".into(),
                    target: "b:2".into(),
                    receiving: Receiving::Owns,
                },
                "a:1 was migrating it to b:2, which owns it already: completing that move",
            ),
            (
                RepairReason::Migration {
                    source: "a:1".into(),
                    target: "b:2".into(),
                    receiving: Receiving::Imports,
                },
                "a:1 was migrating it to b:2, which imports it: completing that move",
            ),
            (
                RepairReason::ClosesOpenState,
                "it owns the slot and no move towards another master had started: closing the open state",
            ),
            (
                RepairReason::BringsKeysHome,
                "it owns the slot: moving the keys other masters hold to it",
            ),
            (
                RepairReason::AnnouncesOwner,
                "it owns the slot: telling the masters that name another owner",
            ),
            (
                RepairReason::OnlyHolder { keys: 5 },
                "the only master holding keys of it (5)",
            ),
            (
                RepairReason::MostKeys { keys: 9 },
                "holds the most keys of it (9); the others' keys move to it",
            ),
            (
                RepairReason::HighestEpoch,
                "several masters own it and none holds keys: the one with the highest config epoch keeps it",
            ),
            (
                RepairReason::FewestSlots,
                "no master holds keys of it: given to a master with the fewest slots",
            ),
        ];
        for (reason, text) in cases {
            assert_eq!(reason.to_string(), text);
            assert_eq!(serde_json::to_value(&reason).unwrap(), text);
        }
    }

    #[test]
    fn reasons_that_differ_only_in_key_counts_share_a_row() {
        let only = |keys| RepairReason::OnlyHolder { keys };
        assert_eq!(without_counts(&only(3)), without_counts(&only(5)));
        let holds = |keys| RepairReason::Migration {
            source: "a:1".into(),
            target: "b:2".into(),
            receiving: Receiving::HoldsKeys(keys),
        };
        assert_eq!(without_counts(&holds(1)), without_counts(&holds(2)));
        assert_ne!(
            without_counts(&only(3)),
            without_counts(&RepairReason::MostKeys { keys: 3 })
        );
    }
}
