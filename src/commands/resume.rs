//! `rcluster resume HOST:PORT [--journal PATH]`: finish an interrupted reshard, rebalance or apply
//! forward, from its journal (by default the newest unfinished one that concerns this cluster). Slots
//! the target already owns are only announced; slots still at their source (open or not) are moved.

use super::Context;
use super::moves::{MoveOptions, Run, Style};
use crate::error::{Exit, UsageError};
use crate::exec::journal::{Journal, Record, default_dir, find_unfinished, newer_finished, read};
use crate::net::NodeAddress;
use crate::plan::{MovePlan, SlotMove};
use crate::topology::{ClusterView, Slot, load_cluster_view};
use serde::Serialize;
use std::collections::HashSet;

/// What `resume` is asked to do, validated (built by `crate::cli::args::resume`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// Engine options; `journal` names the journal to resume.
    pub moves: MoveOptions,
    /// The engine options the command line gives; the others come from the journal's run.
    pub given: crate::exec::journal::GivenEngine,
}

/// The journal had nothing left to move.
#[derive(Debug, Serialize)]
pub struct NothingToResume {
    pub journal: std::path::PathBuf,
    /// The run had finished before (otherwise this resume announced the last owners).
    pub already_finished: bool,
}

/// Runs `resume`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<crate::report::Outcome> {
    let seed = options.seed.clone();
    let view = load_cluster_view(&context.session, &seed).await?;
    let ids: Vec<String> = view.nodes.iter().map(|n| n.id().to_string()).collect();
    let (path, state) = match &options.moves.journal {
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
        let report = NothingToResume {
            journal: path,
            already_finished: true,
        };
        return Ok(crate::report::Outcome::new(report, Exit::Ok));
    }
    let lock = super::take_lock(context, &view, "resume").await?;
    let (view, state) = if state.tasks.is_empty() {
        (view, state)
    } else {
        crate::exec::run::conclude_left_tasks(
            &context.driver(),
            &view,
            &path,
            &state.tasks,
            crate::exec::redis_asm::Conclude::Finish,
            options.moves.migrate_timeout,
        )
        .await?;
        let view = load_cluster_view(&context.session, &seed).await?;
        let state = read(&path)?.unwrap_or(state);
        (view, state)
    };
    super::refuse_during_atomic_migration(context, &view).await?;
    if let Some(newer) = newer_finished(&default_dir(), &ids, &path) {
        return Err(UsageError(format!(
            "{} is stale: a newer run ({}) finished on this cluster after it, so its plan no longer applies. Nothing was moved; run `rcluster check` and plan again (`rcluster fix` repairs any slot left open)",
            path.display(),
            newer.display()
        ))
        .into());
    }
    // The interrupted run's engine options (its --rate above all), unless given again.
    let engine = match &state.engine {
        Some(recorded) => {
            let (engine, inherited) = recorded.inherit(options.moves.clone(), options.given);
            if !inherited.is_empty() {
                context.ui.hint(&format!(
                    "resuming with the interrupted run's options: {} (give an option on the command line to change it)",
                    inherited.join(" ")
                ));
            }
            engine
        }
        None => options.moves.clone(),
    };
    let options = &Options {
        seed: options.seed.clone(),
        moves: engine,
        given: options.given,
    };
    let remaining = state.remaining();
    refuse_stale_sources(&view, &state, &remaining)?;
    refuse_foreign_open_slots(&view, &remaining)?;
    let (announce, moves) = split_by_owner(&view, &remaining)?;
    let mover = crate::exec::run::choose_mover(&context.driver(), &view, &options.moves).await?;
    crate::exec::run::refuse_without_permission(&context.driver(), &view, mover).await?;
    let big_keys =
        crate::exec::run::big_keys_gate(&context.driver(), &view, &moves, &options.moves, mover)
            .await?;
    let journal = Journal::reopen(&path)
        .map_err(|e| UsageError(format!("cannot append to {}: {e}", path.display())))?;
    context.ui.step(&format!(
        "Resuming {} from {}: {} slots to move, {} to announce",
        state.command,
        path.display(),
        moves.moves.len(),
        announce.len()
    ));
    crate::exec::run::hand_off_again(&context.driver(), &view, &announce, &journal).await?;
    if moves.moves.is_empty() {
        journal.append(&Record::Finished)?;
        let report = NothingToResume {
            journal: path,
            already_finished: false,
        };
        return Ok(crate::report::Outcome::new(report, Exit::Ok));
    }
    let run = Run {
        journal,
        mover,
        lock,
        big_keys,
    };
    crate::exec::run::execute(
        &context.driver(),
        &view,
        &moves,
        &options.moves,
        Style::PerSlot,
        run,
    )
    .await
}

/// Open slots that the journal does not explain are not ours to finish.
/// Every remaining move must still start from the master the plan was made from, owning what the
/// plan and the journal say it owns (journals that carry a fingerprint): what it owned when planned,
/// minus what the journal gave away, plus what it received; slots of the remaining plan that are in
/// flight (already at their target) are allowed. Otherwise the cluster moved on and the journal is
/// refused, naming what changed. (Config epochs are not compared: the hand-off itself may raise a
/// giver's epoch to make it unique.)
fn refuse_stale_sources(
    view: &ClusterView,
    state: &crate::exec::journal::JournalState,
    remaining: &MovePlan,
) -> anyhow::Result<()> {
    if state.fingerprint.is_empty() {
        return Ok(());
    }
    let sources: std::collections::BTreeSet<&str> =
        remaining.moves.iter().map(|m| m.source.as_str()).collect();
    let mut changes = Vec::new();
    for source in sources {
        let Some(then) = state.fingerprint.iter().find(|p| p.id == source) else {
            continue;
        };
        let Some(now) = view.node_by_id(source).filter(|n| n.is_master()) else {
            changes.push(format!("source {source} is no longer a master"));
            continue;
        };
        let mut expected = crate::topology::SlotSet::read_ranges(&then.slots);
        for step in &state.plan.moves {
            if state.done.contains(&step.slot.number()) {
                if step.source == source {
                    expected.remove(step.slot);
                } else if step.target == source {
                    expected.insert(step.slot);
                }
            }
        }
        let actual = &now.myself().slots;
        let in_flight: crate::topology::SlotSet = {
            let mut set = crate::topology::SlotSet::new();
            for step in remaining
                .moves
                .iter()
                .filter(|m| m.source == source || m.target == source)
            {
                set.insert(step.slot);
            }
            set
        };
        let missing = expected.difference(actual).difference(&in_flight);
        let extra = actual.difference(&expected).difference(&in_flight);
        if !missing.is_empty() || !extra.is_empty() {
            changes.push(format!(
                "source {source} should own [{}] by the journal but owns [{}]",
                expected.to_compact(),
                actual.to_compact()
            ));
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    Err(UsageError(format!(
        "the journal's plan is stale: {}. Nothing was moved; run `rcluster check`, then `rcluster fix` for open slots and plan the rest again",
        changes.join("; ")
    ))
    .into())
}

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
