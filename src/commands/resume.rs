//! `rcluster resume HOST:PORT [--journal PATH]`: finish an interrupted reshard, rebalance or apply
//! forward, from its journal (by default the newest unfinished one that concerns this cluster). Slots
//! the target already owns are only announced; slots still at their source (open or not) are moved.

use super::moves::{MoveArgs, Run, Style, execute_plan, use_atomic};
use super::{Context, seed_address};
use crate::error::{Exit, UsageError};
use crate::exec::handoff::announce_owner;
use crate::exec::journal::{Journal, Record, default_dir, find_unfinished, read};
use crate::output::{Level, Line};
use crate::plan::{MovePlan, SlotMove};
use crate::topology::{ClusterView, Slot, load_cluster_view};
use std::collections::{BTreeMap, HashSet};

/// Arguments of `resume`.
#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// Any node of the cluster (HOST:PORT).
    pub node: String,
    /// Engine options; `--journal PATH` names the journal to resume.
    #[command(flatten)]
    pub moves: MoveArgs,
}

/// Runs `resume`.
pub async fn run(context: &Context, args: &ResumeArgs) -> anyhow::Result<Exit> {
    let seed = seed_address(&args.node, None)?;
    let view = load_cluster_view(&context.session, &seed).await?;
    let ids: Vec<String> = view.nodes.iter().map(|n| n.id().to_string()).collect();
    let (path, state) = match &args.moves.journal {
        Some(path) => match read(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?
        {
            Some(state) => (path.clone(), state),
            None => {
                return Err(
                    UsageError(format!("{} is not an rcluster journal", path.display())).into(),
                );
            }
        },
        None => find_unfinished(&default_dir(), &ids).ok_or_else(|| {
            UsageError(format!(
                "no unfinished journal for this cluster in {}",
                default_dir().display()
            ))
        })?,
    };
    if state.finished {
        context.output.print_lines(&[Line::new(
            Level::Success,
            format!("[OK] {} is finished: nothing to resume.", path.display()),
        )]);
        return Ok(Exit::Ok);
    }
    super::refuse_during_atomic_migration(context, &view).await?;
    let remaining = state.remaining();
    refuse_foreign_open_slots(&view, &remaining)?;
    let (announce, moves) = split_by_owner(&view, &remaining)?;
    let journal = Journal::reopen(&path)
        .map_err(|e| UsageError(format!("cannot append to {}: {e}", path.display())))?;
    context.output.print_lines(&[Line::new(
        Level::Info,
        format!(
            ">>> Resuming {} from {}: {} slots to move, {} to announce",
            state.command,
            path.display(),
            moves.moves.len(),
            announce.len()
        ),
    )]);
    announce_owners(context, &view, &announce, &journal).await?;
    if moves.moves.is_empty() {
        journal.append(&Record::Finished)?;
        context.output.print_lines(&[Line::new(
            Level::Success,
            "[OK] Resumed: every slot of the plan is at its target.",
        )]);
        return Ok(Exit::Ok);
    }
    let atomic = use_atomic(context, &view, &args.moves).await?;
    let run = Run { journal, atomic };
    execute_plan(context, &view, &moves, &args.moves, Style::PerSlot, run).await
}

/// Open slots that the journal does not explain are not ours to finish.
fn refuse_foreign_open_slots(view: &ClusterView, remaining: &MovePlan) -> anyhow::Result<()> {
    let ours: HashSet<u16> = remaining.moves.iter().map(|m| m.slot.number()).collect();
    for node in view.loaded() {
        let me = node.myself();
        let open = me
            .migrating
            .iter()
            .chain(&me.importing)
            .map(|(slot, _)| slot.number());
        if let Some(slot) = open.into_iter().find(|s| !ours.contains(s)) {
            return Err(UsageError(format!(
                "slot {slot} is open on {} but not part of this journal: repair it with `rcluster fix` first",
                node.address
            ))
            .into());
        }
    }
    Ok(())
}

/// Slots whose target already owns them (announce only) and slots still at their source (move).
fn split_by_owner(
    view: &ClusterView,
    remaining: &MovePlan,
) -> anyhow::Result<(Vec<SlotMove>, MovePlan)> {
    let owns = |id: &str, slot: Slot| {
        view.node_by_id(id)
            .is_some_and(|n| n.is_loaded() && n.myself().slots.contains(slot))
    };
    let mut announce = Vec::new();
    let mut moves = Vec::new();
    for step in &remaining.moves {
        if owns(&step.target, step.slot) {
            announce.push(step.clone());
        } else if owns(&step.source, step.slot) {
            moves.push(step.clone());
        } else {
            return Err(UsageError(format!(
                "slot {} is owned by neither its source {} nor its target {} now; check the cluster (`rcluster check`)",
                step.slot, step.source, step.target
            ))
            .into());
        }
    }
    Ok((announce, MovePlan { moves }))
}

/// `SETSLOT NODE target` on every master for slots the target already owns, then journal them.
async fn announce_owners(
    context: &Context,
    view: &ClusterView,
    announce: &[SlotMove],
    journal: &Journal,
) -> anyhow::Result<()> {
    let masters: Vec<_> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let mut by_target: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
    for step in announce {
        by_target
            .entry(&step.target)
            .or_default()
            .push(step.slot.number());
    }
    for (target, slots) in by_target {
        let failures = announce_owner(&context.session, masters.clone(), &slots, target).await;
        if let Some(failure) = failures.first() {
            anyhow::bail!("{failure}; run `rcluster resume` again once it answers");
        }
        for slot in slots {
            journal.append(&Record::SlotDone { slot })?;
        }
    }
    Ok(())
}
