//! `rcluster fix HOST:PORT [--dry-run] [--yes]`: check the cluster, plan one repair per broken slot
//! (open, uncovered, several owners, disagreed about), show the plan with the reason for each choice,
//! ask once, carry it out, wait until the nodes agree and check again. Exit 0 when the final check is
//! clean, 1 when problems remain (or the plan was declined or refused), 2 when it could not run.
//!
//! An unfinished rcluster journal for the cluster is read first: its slots are completed in the
//! direction it was moving them (`--no-journal` ignores it).

use super::moves::{bounded_migrate_timeout, wait_for_agreement};
use super::{Context, check::check_view, seed_address};
use crate::error::{Exit, UsageError};
use crate::exec::fix::{FixOutcome, execute_fix};
use crate::exec::handoff::{Handoffs, node_timeout};
use crate::exec::journal::{Journal, JournalState, Record, default_dir, find_unfinished, read};
use crate::exec::migrate::{MigrateOptions, endpoints_of};
use crate::output::legacy::{json, prompt};
use crate::output::{Level, Line, human};
use crate::plan::fix::{FixOptions, FixPlan, Intent, Problem, SlotKeys, plan_fix, slots_to_count};
use crate::topology::check::{CheckReport, check_cluster};
use crate::topology::load::{count_keys_on_masters, load_keys_in_unowned_slots};
use crate::topology::{ClusterView, load_cluster_view};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Arguments of `fix`.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Show the findings and the repair plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Repair without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Also look for keys held by masters that do not own their slot, and repair those slots.
    #[arg(long)]
    pub search_multiple_owners: bool,
    /// Give the slots of unreachable masters to reachable ones (keys the unreachable masters hold in
    /// them are lost).
    #[arg(long)]
    pub fix_with_unreachable_masters: bool,
    /// The journal of an interrupted rcluster run to complete (default: the newest unfinished one for
    /// this cluster under ~/.local/state/rcluster/journals).
    #[arg(long, value_name = "PATH", conflicts_with = "no_journal")]
    pub journal: Option<PathBuf>,
    /// Ignore journals: decide from the cluster's own state only.
    #[arg(long)]
    pub no_journal: bool,
    /// Overwrite keys that already exist on the new owner (otherwise equal values are merged and
    /// different ones stop that slot's repair).
    #[arg(long)]
    pub replace: bool,
    /// Keys per GETKEYSINSLOT / MIGRATE batch.
    #[arg(long, default_value_t = 100)]
    pub pipeline: usize,
    /// MIGRATE's timeout: `60s`, or milliseconds.
    #[arg(long, default_value = "60s", value_parser = crate::cli::args::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
}

/// Runs `fix`.
pub async fn run(context: &Context, args: &FixArgs) -> anyhow::Result<Exit> {
    let seed = seed_address(&args.node, args.port.as_deref())?;
    let view = load_cluster_view(&context.session, &seed).await?;
    super::report_unreachable_like_redis_cli(context, &view);
    let unowned = if args.search_multiple_owners {
        Some(load_keys_in_unowned_slots(&context.session, &view).await?)
    } else {
        None
    };
    let report = check_cluster(&view, unowned.as_ref());
    if !context.output.json {
        let mut lines = human::render_load_warnings(&report);
        lines.extend(human::render_info(&super::info::build_info_report(&view)));
        lines.extend(human::render_check(&report, context.output.compat));
        context.output.print_lines(&lines);
    }
    super::refuse_during_atomic_migration(context, &view).await?;
    let _lock = super::moves::lock_run(&view, "fix")?;
    let mut keys = count_keys(context, &view).await?;
    for (id, found) in unowned.into_iter().flatten() {
        keys.entry(id).or_default().extend(found);
    }
    let journal = find_journal(&view, args)?;
    let intents = journal
        .as_ref()
        .map(|(path, state)| intents_of(path, state))
        .unwrap_or_default();
    let options = FixOptions {
        with_unreachable_masters: args.fix_with_unreachable_masters,
    };
    let mut plan = plan_fix(&view, &keys, &intents, options);
    if let Some(reason) = &plan.refused {
        return refuse(context, &report, &plan, reason);
    }
    if plan.repairs.is_empty() {
        return nothing_to_do(context, &report, &plan);
    }
    let show_plan = |plan: &FixPlan| {
        if !context.output.json {
            let lines = render_plan(&view, plan, context.output.compat);
            context.output.print_lines(&lines);
        }
    };
    if !context.output.compat {
        show_plan(&plan);
    }
    for note in &plan.notes {
        context.output.hint(note);
    }
    if args.dry_run {
        if context.output.compat {
            show_plan(&plan);
        }
        if context.output.json {
            json::print_json(&serde_json::json!({
                "ok": false, "applied": false, "check": report, "plan": plan,
            }));
        }
        return Ok(Exit::Problems);
    }
    if !consent(context, args, &mut plan) {
        context.output.hint("declined: nothing was changed");
        return Ok(Exit::Problems);
    }
    if context.output.compat {
        show_plan(&plan);
    }
    let started = Instant::now();
    let mut migrate = migrate_options(context, args);
    let node_timeout = node_timeout(&context.session, &view.seed).await;
    migrate.migrate_timeout = bounded_migrate_timeout(migrate.migrate_timeout, node_timeout);
    let handoffs = Handoffs::new(Arc::clone(&context.session), &view, node_timeout);
    let outcome = execute_fix(
        &context.session,
        &endpoints_of(&view),
        &handoffs,
        &plan,
        &migrate,
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    if let Some((path, state)) = &journal {
        record_in_journal(context, path, state, &plan, &outcome);
    }
    wait_for_agreement(context, &view, Duration::from_secs(10)).await;
    let after_view = load_cluster_view(&context.session, &seed).await?;
    let after = check_view(context, &after_view, args.search_multiple_owners).await?;
    report_outcome(context, &plan, &outcome, &after, seconds)
}

/// Key counts of every slot the planner looks at, on every loaded master.
async fn count_keys(context: &Context, view: &ClusterView) -> anyhow::Result<SlotKeys> {
    let slots = slots_to_count(view);
    let counts = count_keys_on_masters(&context.session, view, |_| slots.clone()).await?;
    Ok(counts
        .into_iter()
        .map(|(id, found)| (id, found.into_iter().collect()))
        .collect())
}

/// The journal to follow: `--journal PATH`, or the newest unfinished one for this cluster.
fn find_journal(
    view: &ClusterView,
    args: &FixArgs,
) -> anyhow::Result<Option<(PathBuf, JournalState)>> {
    if args.no_journal {
        return Ok(None);
    }
    if let Some(path) = &args.journal {
        let state = read(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?
            .ok_or_else(|| UsageError(format!("{} is not an rcluster journal", path.display())))?;
        return Ok(Some((path.clone(), state)));
    }
    let ids: Vec<String> = view.nodes.iter().map(|n| n.id().to_string()).collect();
    Ok(find_unfinished(&default_dir(), &ids))
}

/// The moves a journal had not finished, by slot.
fn intents_of(path: &std::path::Path, state: &JournalState) -> HashMap<u16, Intent> {
    state
        .remaining()
        .moves
        .into_iter()
        .map(|m| {
            let intent = Intent {
                source: m.source,
                target: m.target,
                journal: path.display().to_string(),
                command: state.command.clone(),
            };
            (m.slot.number(), intent)
        })
        .collect()
}

fn migrate_options(context: &Context, args: &FixArgs) -> MigrateOptions {
    let options = context.session.options();
    MigrateOptions {
        pipeline: args.pipeline.max(1),
        migrate_timeout: args.migrate_timeout,
        replace: args.replace,
        parallel: 4,
        window: 64,
        rate: None,
        user: options.user.clone(),
        password: options.password.clone(),
    }
}

/// Unreachable masters own slots: say why nothing is done, and how to proceed.
fn refuse(
    context: &Context,
    report: &CheckReport,
    plan: &FixPlan,
    reason: &str,
) -> anyhow::Result<Exit> {
    if context.output.json {
        json::print_json(
            &serde_json::json!({ "ok": false, "applied": false, "check": report, "plan": plan }),
        );
    } else if context.output.compat {
        context
            .output
            .print_lines(&[Line::new(Level::Warn, format!("*** Not fixing: {reason}"))]);
    } else {
        eprintln!("[ERR] not fixing: {reason}");
    }
    Ok(Exit::Problems)
}

/// No slot needs repair: the notes, and the check's verdict as the exit code.
fn nothing_to_do(context: &Context, report: &CheckReport, plan: &FixPlan) -> anyhow::Result<Exit> {
    let clean = if context.output.compat {
        report.is_clean_for_redis_cli()
    } else {
        report.is_clean()
    };
    if context.output.json {
        json::print_json(&serde_json::json!({
            "ok": clean, "applied": false, "check": report, "plan": plan,
        }));
    } else {
        for note in &plan.notes {
            context.output.hint(note);
        }
        if !context.output.compat {
            // The result line: stdout, like every command's.
            let line = if clean {
                Line::new(Level::Success, "[OK] No slot needs repair.")
            } else {
                Line::new(
                    Level::Warn,
                    "No slot needs repair; the problems above need another command (see the notes).",
                )
            };
            context.output.print_lines(&[line]);
        }
    }
    Ok(Exit::from_clean(clean))
}

/// `--yes`, or one question. In redis-cli syntax, open slots and multiple owners are repaired
/// without asking (as redis-cli does) and each group of uncovered slots is asked about with
/// redis-cli's question; a declined group is dropped from the plan.
fn consent(context: &Context, args: &FixArgs, plan: &mut FixPlan) -> bool {
    if args.yes {
        return true;
    }
    if !context.output.compat {
        return prompt::confirm(&context.output, "Repair the cluster as planned?");
    }
    let uncovered = |p: Problem| matches!(p, Problem::Uncovered | Problem::UnreachableOwner);
    let groups = [
        (0, "Fix these slots by covering with a random node?"),
        (1, "Fix these slots by covering with those nodes?"),
        (2, "Fix these slots by moving keys into a single node?"),
    ];
    let holders =
        |r: &crate::plan::fix::SlotRepair| (usize::from(r.target_keys > 0) + r.drains.len()).min(2);
    for (group, question) in groups {
        let slots: Vec<_> = plan
            .repairs
            .iter()
            .filter(|r| uncovered(r.problem) && holders(r) == group)
            .map(|r| r.slot)
            .collect();
        if slots.is_empty() {
            continue;
        }
        let set: crate::topology::SlotSet = slots.iter().copied().collect();
        context.output.print_lines(&[Line::new(
            Level::Plain,
            format!(
                "The following uncovered slots {}:\n{}",
                GROUP_WORDS[group],
                set.to_bracketed()
            ),
        )]);
        if !prompt::confirm(&context.output, question) {
            plan.repairs
                .retain(|r| !(uncovered(r.problem) && holders(r) == group));
        }
    }
    !plan.repairs.is_empty()
}

const GROUP_WORDS: [&str; 3] = [
    "have no keys across the cluster",
    "have keys in just one node",
    "have keys in multiple nodes",
];

/// Completed intents are recorded; a journal with nothing left is finished.
fn record_in_journal(
    context: &Context,
    path: &std::path::Path,
    state: &JournalState,
    plan: &FixPlan,
    outcome: &FixOutcome,
) {
    let completed: BTreeSet<u16> = plan
        .repairs
        .iter()
        .filter(|r| r.intent.is_some() && outcome.fixed.contains(&r.slot.number()))
        .map(|r| r.slot.number())
        .collect();
    if completed.is_empty() {
        return;
    }
    let Ok(journal) = Journal::reopen(path) else {
        return;
    };
    for slot in &completed {
        let _ = journal.append(&Record::SlotDone { slot: *slot });
    }
    let left = state
        .remaining()
        .moves
        .iter()
        .filter(|m| !completed.contains(&m.slot.number()))
        .count();
    if left == 0 {
        let _ = journal.append(&Record::Finished);
    } else {
        context.output.hint(&format!(
            "the interrupted {} still has {left} slots to move: `rcluster resume --journal {}`",
            state.command,
            path.display()
        ));
    }
}

/// The result, the check after the repair, and the exit code it implies.
fn report_outcome(
    context: &Context,
    plan: &FixPlan,
    outcome: &FixOutcome,
    after: &CheckReport,
    seconds: f64,
) -> anyhow::Result<Exit> {
    let clean = if context.output.compat {
        after.is_clean_for_redis_cli()
    } else {
        after.is_clean()
    };
    if context.output.json {
        json::print_json(&serde_json::json!({
            "ok": clean && outcome.failed.is_empty(), "applied": true, "plan": plan,
            "outcome": outcome, "seconds": seconds, "after": after,
        }));
        return Ok(Exit::from_clean(clean && outcome.failed.is_empty()));
    }
    let mut lines = Vec::new();
    for (slot, reason) in &outcome.failed {
        lines.push(Line::new(
            Level::Err,
            format!("[ERR] slot {slot} was not repaired: {reason}"),
        ));
    }
    lines.push(Line::new(
        if outcome.failed.is_empty() {
            Level::Success
        } else {
            Level::Warn
        },
        format!(
            "{} Repaired {} of {} slots, moving {} keys, in {seconds:.2} s.",
            if outcome.failed.is_empty() {
                "[OK]"
            } else {
                "[WARNING]"
            },
            outcome.fixed.len(),
            plan.repairs.len(),
            outcome.keys_moved
        ),
    ));
    if !context.output.compat {
        // The findings only: the node listing was printed before the repair.
        lines.extend(human::render_check_with(after, false, false));
    }
    context.output.print_lines(&lines);
    for warning in &outcome.warnings {
        context.output.hint(warning);
    }
    if !outcome.failed.is_empty() {
        context.output.hint(
            "slots not repaired are as they were or still open; rerun `rcluster fix` (with --replace if keys differ on both sides)",
        );
    }
    Ok(Exit::from_clean(clean && outcome.failed.is_empty()))
}

/// The plan: a table of slot ranges with the same repair (native), or redis-cli style lines.
fn render_plan(view: &ClusterView, plan: &FixPlan, compat: bool) -> Vec<Line> {
    let address = |id: &str| {
        view.node_by_id(id)
            .map(|n| n.address.to_string())
            .unwrap_or_else(|| id.to_string())
    };
    if compat {
        return plan
            .repairs
            .iter()
            .flat_map(|r| {
                let head = match r.problem {
                    Problem::OpenSlot => format!(">>> Fixing open slot {}", r.slot),
                    Problem::MultipleOwners => {
                        format!(">>> Fixing multiple owners for slot {}...", r.slot)
                    }
                    Problem::Uncovered | Problem::UnreachableOwner => {
                        format!(">>> Covering slot {} with {}", r.slot, address(&r.target))
                    }
                    Problem::Disagreement => format!(">>> Announcing the owner of slot {}", r.slot),
                };
                [
                    Line::new(Level::Info, head),
                    Line::new(
                        Level::Plain,
                        format!("*** {}: {}", address(&r.target), r.reason),
                    ),
                ]
            })
            .collect();
    }
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["Slots", "Problem", "New owner", "Keys to move", "Why"]);
    for group in group_repairs(plan) {
        let first = group[0];
        let slots: crate::topology::SlotSet = group.iter().map(|r| r.slot).collect();
        let mut from: Vec<(String, u64)> = Vec::new();
        for drain in group.iter().flat_map(|r| &r.drains) {
            match from.iter_mut().find(|(id, _)| *id == drain.node) {
                Some((_, keys)) => *keys += drain.keys,
                None => from.push((drain.node.clone(), drain.keys)),
            }
        }
        let keys = if from.is_empty() {
            "none".to_string()
        } else {
            from.iter()
                .map(|(id, keys)| format!("{keys} from {}", address(id)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        table.add_row([
            slots.to_compact(),
            first.problem.describe().to_string(),
            address(&first.target),
            keys,
            first.reason.clone(),
        ]);
    }
    vec![
        Line::new(
            Level::Info,
            format!(">>> Repair plan: {} slots", plan.repairs.len()),
        ),
        Line::new(Level::Plain, table.to_string()),
    ]
}

/// Consecutive slots with the same problem, owner, sources and kind of reason, as one row.
fn group_repairs(plan: &FixPlan) -> Vec<Vec<&crate::plan::fix::SlotRepair>> {
    let shape = |r: &crate::plan::fix::SlotRepair| {
        let reason: String = r.reason.chars().filter(|c| !c.is_ascii_digit()).collect();
        let sources: Vec<&str> = r.drains.iter().map(|d| d.node.as_str()).collect();
        (r.problem, r.target.clone(), sources.join(","), reason)
    };
    let mut groups: Vec<Vec<&crate::plan::fix::SlotRepair>> = Vec::new();
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
