//! What every slot-moving command shares above the run driver (`exec::run`): the plan as a report,
//! the plan file, and the refusal of an unhealthy cluster. The driver's options and report are
//! re-exported here for the commands and the CLI.

use super::Context;
use crate::plan::MovePlan;
use crate::topology::ClusterView;

pub use crate::exec::run::{
    MoveOptions, MoveRunReport, Run, Style, bounded_migrate_timeout, refuse_unknown_targets,
};

/// The bounds of one step of a long move (`--max-slots`, `--max-time`); no bound: the whole job.
#[derive(Debug, Clone, Copy, Default)]
pub struct StepBounds {
    pub max_slots: Option<usize>,
    pub max_time: Option<std::time::Duration>,
}

impl StepBounds {
    /// Whether the run is a bounded step.
    pub fn any(&self) -> bool {
        self.max_slots.is_some() || self.max_time.is_some()
    }

    /// This run's share of `plan`, and the driver's options for it: the time bound, and what the
    /// plan leaves for later runs (for the report).
    pub fn apply(&self, plan: MovePlan, moves: &MoveOptions) -> (MovePlan, MoveOptions) {
        let mut moves = moves.clone();
        if !self.any() {
            return (plan, moves);
        }
        let step = match self.max_slots {
            Some(max) => crate::plan::bound::first_slots(&plan, max),
            None => crate::plan::bound::Step { plan, left: 0 },
        };
        moves.max_time = self.max_time;
        moves.left_beyond_plan = Some(step.left);
        (step.plan, moves)
    }
}

/// Says on stderr what share of the plan a bounded step moves.
pub fn announce_step(context: &Context, step: &MovePlan, moves: &MoveOptions) {
    if let Some(left) = moves.left_beyond_plan.filter(|&left| left > 0) {
        context.ui.hint(&format!(
            "this step moves {} of the {} planned (--max-slots); run the same command again for the rest",
            step.moves.len(),
            crate::words::counted(step.moves.len() + left, "slot", "slots"),
        ));
    }
}

/// A bounded `reshard --slot-ranges` whose slots are all on the target already: the job is done.
#[derive(Debug, serde::Serialize)]
pub struct NothingLeft {
    /// Always false: nothing was moved.
    pub applied: bool,
    pub target: super::NodeRef,
}

/// One planned move, its nodes named by id and address.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlannedMove {
    pub slot: crate::topology::Slot,
    pub source: super::NodeRef,
    pub target: super::NodeRef,
}

/// A plan's moves for a report.
pub fn planned_moves(view: &ClusterView, plan: &MovePlan) -> Vec<PlannedMove> {
    plan.moves
        .iter()
        .map(|m| PlannedMove {
            slot: m.slot,
            source: super::NodeRef::of(view, &m.source),
            target: super::NodeRef::of(view, &m.target),
        })
        .collect()
}

/// Planned moves of consecutive slots from one source to one target, as one entry.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlannedRange {
    pub first: crate::topology::Slot,
    pub last: crate::topology::Slot,
    pub slot_count: usize,
    pub source: super::NodeRef,
    pub target: super::NodeRef,
}

/// A plan's moves for a report, grouped into ranges: a move joins the range before it when it has
/// the same source and target and the next slot; the ranges keep the plan's order.
pub fn planned_ranges(view: &ClusterView, plan: &MovePlan) -> Vec<PlannedRange> {
    let mut ranges: Vec<PlannedRange> = Vec::new();
    for m in &plan.moves {
        if let Some(range) = ranges.last_mut()
            && range.source.id == m.source
            && range.target.id == m.target
            && usize::from(range.last.number()) + 1 == usize::from(m.slot.number())
        {
            range.last = m.slot;
            range.slot_count += 1;
            continue;
        }
        ranges.push(PlannedRange {
            first: m.slot,
            last: m.slot,
            slot_count: 1,
            source: super::NodeRef::of(view, &m.source),
            target: super::NodeRef::of(view, &m.target),
        });
    }
    ranges
}

/// Writes `plan` with the fingerprint of `view` to `path`, when asked to.
pub fn write_plan_file(
    context: &Context,
    args: &MoveOptions,
    command: &str,
    view: &ClusterView,
    plan: &MovePlan,
) -> anyhow::Result<()> {
    let Some(path) = &args.plan_out else {
        return Ok(());
    };
    let file = crate::plan::file::PlanFile {
        version: crate::plan::file::PLAN_FILE_VERSION,
        command: command.to_string(),
        seed: view.seed.to_string(),
        fingerprint: crate::plan::file::fingerprint(view),
        plan: plan.clone(),
    };
    let text = serde_json::to_string_pretty(&file)?;
    crate::exec::private::write(path, (text + "\n").as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    context.ui.hint(&format!(
        "plan written to {}: review it, then `rcluster apply {}`",
        path.display(),
        path.display()
    ));
    Ok(())
}

/// Why a move refuses an unhealthy cluster, and what to run: open slots mean another run is moving
/// them (from any host) or one was interrupted.
pub fn unhealthy_cluster(
    report: &crate::topology::check::CheckReport,
    seed: &str,
) -> crate::error::UsageError {
    if report.open_slots.is_empty() {
        return crate::error::UsageError(format!(
            "the cluster has problems (see above): repair them first with `rcluster fix {seed}`"
        ));
    }
    crate::error::UsageError(format!(
        "slots are open (see above): another run may be moving them, or one was interrupted. If one is running, wait for it; otherwise finish it with `rcluster resume {seed}` or repair with `rcluster fix {seed}`"
    ))
}
