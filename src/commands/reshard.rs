//! `rcluster reshard HOST:PORT --to ID (--from ID[,ID...]|all --slots N | --slot-ranges RANGES)`:
//! check the cluster, plan exactly the slots asked for, show the plan, ask, move the slots (several
//! sources at once, pipelined key batches), wait until every node agrees, report.

use super::moves::{MoveOptions, PlannedMove, Style, planned_moves};
use super::{Context, NodeRef, RedisCliRefusal, check::check_view};
use crate::error::{Exit, UsageError};
use crate::net::NodeAddress;
use crate::plan::MasterSlots;
use crate::plan::MovePlan;
use crate::plan::reshard::{plan_reshard, plan_slot_list};
use crate::report::Outcome;
use crate::topology::check::NodeSummary;
use crate::topology::{ClusterView, NodeView, SlotSet, load_cluster_view};
use serde::Serialize;

/// What `reshard` is asked to do, validated (built by `crate::cli::args::reshard`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// Source masters: ids or prefixes separated by commas, or `all`.
    pub from: Option<String>,
    /// The receiving master's id (or prefix).
    pub to: Option<String>,
    /// How many slots to move.
    pub slots: Option<usize>,
    /// Exact slots to move, each from its owner.
    pub slot_ranges: Option<SlotSet>,
    pub yes: bool,
    pub dry_run: bool,
    pub moves: MoveOptions,
    /// `--max-slots`, `--max-time`: one bounded step of the job.
    pub step: super::moves::StepBounds,
}

/// The reshard plan: shown before the prompt, and the report of a dry run.
#[derive(Debug, Serialize)]
pub struct ReshardPlan {
    /// Always false: a plan changes nothing (the run's own report follows it).
    pub applied: bool,
    pub target: NodeRef,
    /// The masters that give slots, in the order of the plan.
    pub sources: Vec<NodeRef>,
    pub slot_count: usize,
    /// The count `Ready to move N slots.` names: in redis-cli syntax the one asked for, which may
    /// exceed what the sources own (redis-cli then moves all they own).
    #[serde(skip)]
    pub announced: usize,
    pub moves: Vec<PlannedMove>,
    /// The check's listing of each source, then of the target, for the text views.
    #[serde(skip)]
    pub listing: Vec<NodeSummary>,
}

impl ReshardPlan {
    pub(crate) fn new(
        view: &ClusterView,
        nodes: &[NodeSummary],
        plan: &MovePlan,
        target: &NodeView,
    ) -> Self {
        let mut sources: Vec<&str> = Vec::new();
        for step in &plan.moves {
            if !sources.contains(&step.source.as_str()) {
                sources.push(&step.source);
            }
        }
        let listing = sources
            .iter()
            .chain(std::iter::once(&target.id()))
            .filter_map(|id| nodes.iter().find(|n| n.id == *id).cloned())
            .collect();
        ReshardPlan {
            applied: false,
            target: NodeRef::of(view, target.id()),
            sources: sources.iter().map(|id| NodeRef::of(view, id)).collect(),
            slot_count: plan.moves.len(),
            announced: plan.moves.len(),
            moves: planned_moves(view, plan),
            listing,
        }
    }
}

/// Runs `reshard`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, false).await?;
    context
        .ui
        .section(&super::check::CheckSection::new(&report));
    if !report.is_clean_for_redis_cli() {
        if context.redis_cli() {
            return Ok(RedisCliRefusal::outcome(
                "*** Please fix your cluster problems before resharding",
                true,
            ));
        }
        return Err(super::moves::unhealthy_cluster(&report, &seed.to_string()).into());
    }
    let masters = master_slots(&view);
    let count = match (&options.slot_ranges, options.slots) {
        (None, None) => Some(ask_slot_count(context)?),
        (_, count) => count,
    };
    let to = match &options.to {
        Some(to) => to.clone(),
        None => ask_line(context, "What is the receiving node ID? ")?,
    };
    let target = resolve_master(&view, &to, context.redis_cli())?;
    if let Some(slots) = options.slot_ranges.as_ref().filter(|_| options.step.any())
        && slots.difference(&target.myself().slots).is_empty()
    {
        let done = super::moves::NothingLeft {
            applied: false,
            target: NodeRef::of(&view, target.id()),
        };
        return Ok(Outcome::new(done, Exit::Ok));
    }
    let from = match (&options.slot_ranges, &options.from) {
        (None, None) => Some(ask_sources(context, &view, target)?),
        (_, from) => from.clone(),
    };
    let plan = make_plan(
        &view,
        &masters,
        target,
        options,
        count,
        from.as_deref(),
        context.redis_cli(),
    )?;
    let mut shown = ReshardPlan::new(&view, &report.nodes, &plan, target);
    if let Some(asked) = count.filter(|_| context.redis_cli()) {
        shown.announced = asked;
    }
    let (plan, moves) = options.step.apply(plan, &options.moves);
    super::moves::announce_step(context, &plan, &moves);
    super::moves::write_plan_file(context, &moves, "reshard", &view, &plan)?;
    if options.dry_run {
        return Ok(Outcome::new(shown, Exit::Ok));
    }
    context.ui.section(&shown);
    let proceed = options.yes
        || context
            .ui
            .read_answer("Do you want to proceed with the proposed reshard plan (yes/no)? ")
            .is_some_and(|answer| answer.starts_with("yes"));
    if !proceed {
        context.ui.hint("declined: nothing was moved");
        return Ok(Outcome::new((), Exit::Problems));
    }
    let run = crate::exec::run::open(&context.driver(), &moves, "reshard", &view, &plan).await?;
    crate::exec::run::execute(&context.driver(), &view, &plan, &moves, Style::PerSlot, run).await
}

/// One non-empty answer; a closed stdin is a usage error naming the option to pass instead.
fn ask_line(context: &Context, question: &str) -> anyhow::Result<String> {
    loop {
        let answer = context.ui.read_answer(question).ok_or_else(|| {
            UsageError(format!(
                "no answer to '{}' (stdin is closed): pass --slots, --to and --from",
                question.trim()
            ))
        })?;
        if !answer.trim().is_empty() {
            return Ok(answer.trim().to_string());
        }
    }
}

/// redis-cli's question, asked again until the answer is a number from 1 to 16384.
fn ask_slot_count(context: &Context) -> anyhow::Result<usize> {
    loop {
        let answer = ask_line(
            context,
            "How many slots do you want to move (from 1 to 16384)? ",
        )?;
        if let Some(count) = answer.parse().ok().filter(|n| (1..=16384).contains(n)) {
            return Ok(count);
        }
    }
}

/// redis-cli's source questions: ids until `done`, or `all`; the target itself is refused and
/// skipped. Returns the `--from` value the answers stand for.
fn ask_sources(context: &Context, view: &ClusterView, target: &NodeView) -> anyhow::Result<String> {
    context.ui.notice(
        "Please enter all the source node IDs.\n  Type 'all' to use all the nodes as source nodes for the hash slots.\n  Type 'done' once you entered all the source nodes IDs.",
    );
    let mut sources: Vec<String> = Vec::new();
    loop {
        let answer = ask_line(context, &format!("Source node #{}: ", sources.len() + 1))?;
        match answer.as_str() {
            "all" => return Ok("all".into()),
            "done" => break,
            id => {
                let source = resolve_master(view, id, context.redis_cli())?;
                if source.id() == target.id() {
                    context
                        .ui
                        .notice("*** It is not possible to use the target node as source node.");
                } else {
                    sources.push(source.id().to_string());
                }
            }
        }
    }
    if sources.is_empty() {
        return Err(UsageError("*** No source nodes given, operation aborted.".into()).into());
    }
    Ok(sources.join(","))
}

fn master_slots(view: &ClusterView) -> Vec<MasterSlots> {
    view.loaded_masters()
        .map(|m| MasterSlots {
            id: m.id().to_string(),
            slots: m.myself().slots.clone(),
        })
        .collect()
}

/// A loaded master by id or unique id prefix. Not found: redis-cli's words in its syntax, natively
/// why (a prefix too short or ambiguous, a replica and of which master, no such node).
fn resolve_master<'a>(
    view: &'a ClusterView,
    id: &str,
    redis_cli: bool,
) -> anyhow::Result<&'a NodeView> {
    view.find_node(id, |n| n.is_loaded() && n.is_master())
        .ok_or_else(|| {
            if redis_cli {
                crate::error::UnknownMaster(id.to_string()).into()
            } else {
                UsageError(view.why_no_master(id)).into()
            }
        })
}

fn make_plan(
    view: &ClusterView,
    masters: &[MasterSlots],
    target: &NodeView,
    options: &Options,
    count: Option<usize>,
    from: Option<&str>,
    redis_cli: bool,
) -> anyhow::Result<MovePlan> {
    if let Some(slots) = &options.slot_ranges {
        // A bounded step continues a job: the slots an earlier step moved are done.
        let slots = match options.step.any() {
            true => slots.difference(&target.myself().slots),
            false => slots.clone(),
        };
        return Ok(
            plan_slot_list(masters, &slots, target.id()).map_err(|e| UsageError(e.to_string()))?
        );
    }
    let (Some(count), Some(from)) = (count, from) else {
        return Err(
            UsageError("--slots and --from are required without --slot-ranges".into()).into(),
        );
    };
    let sources: Vec<String> = if from.split(',').any(|part| part == "all") {
        masters
            .iter()
            .map(|m| m.id.clone())
            .filter(|id| id != target.id())
            .collect()
    } else {
        from.split(',')
            .map(|id| resolve_master(view, id, redis_cli).map(|m| m.id().to_string()))
            .collect::<anyhow::Result<_>>()?
    };
    // redis-cli moves what the sources have when asked for more; natively that is refused.
    let count = if redis_cli {
        let owned: usize = masters
            .iter()
            .filter(|m| sources.contains(&m.id))
            .map(|m| m.slots.len())
            .sum();
        count.min(owned)
    } else {
        count
    };
    Ok(plan_reshard(masters, &sources, target.id(), count)
        .map_err(|e| UsageError(e.to_string()))?)
}
