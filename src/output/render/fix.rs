//! `fix`'s views: the repair plan (a table natively, redis-cli's `>>> Fixing ...` lines in its syntax)
//! and the result of each way `fix` can end.

use super::{Render, RenderOptions, hint_line};
use crate::commands::fix::{Addresses, FixReport, FixStage, PlanSection};
use crate::exec::fix::FixOutcome;
use crate::output::human::render_check_with;
use crate::output::{Level, Line};
use crate::plan::fix::{FixPlan, Problem, SlotRepair};

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
            FixStage::DryRun => plan_lines(&self.plan, &self.addresses),
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
        let mut lines: Vec<Line> = outcome
            .failed
            .iter()
            .map(|(slot, reason)| {
                Line::new(
                    Level::Err,
                    format!("[ERR] slot {slot} was not repaired: {reason}"),
                )
            })
            .collect();
        let (level, tag) = if outcome.failed.is_empty() {
            (Level::Success, "[OK]")
        } else {
            (Level::Warn, "[WARNING]")
        };
        lines.push(Line::new(
            level,
            format!(
                "{tag} Repaired {} of {} slots, moving {} keys, in {:.2} s.",
                outcome.fixed.len(),
                self.plan.repairs.len(),
                outcome.keys_moved,
                self.seconds.unwrap_or_default()
            ),
        ));
        if redis_cli {
            return lines;
        }
        if let Some(after) = &self.after {
            // The findings only: the node listing was printed before the repair.
            lines.extend(render_check_with(after, false, false));
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

impl Render for PlanSection<'_> {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        plan_table(self.plan, self.addresses)
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        plan_lines(self.plan, self.addresses)
    }
}

/// redis-cli's lines: a `>>>` header and the reason, per slot.
fn plan_lines(plan: &FixPlan, addresses: &Addresses) -> Vec<Line> {
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
            [
                Line::new(Level::Info, head),
                Line::plain(format!("*** {}: {}", addresses.get(&r.target), r.reason)),
            ]
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
            first.reason.clone(),
        ]);
    }
    vec![
        Line::new(
            Level::Info,
            format!(">>> Repair plan: {} slots", plan.repairs.len()),
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
        let reason: String = r.reason.chars().filter(|c| !c.is_ascii_digit()).collect();
        let sources: Vec<&str> = r.drains.iter().map(|d| d.node.as_str()).collect();
        (r.problem, r.target.clone(), sources.join(","), reason)
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
