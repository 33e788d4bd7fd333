//! `rcluster fix HOST:PORT [--dry-run] [--yes]`: check the cluster, plan one repair per broken slot
//! (open, uncovered, several owners, disagreed about), show the plan with the reason for each choice,
//! ask once, carry it out, wait until the nodes agree and check again. Exit 0 when the final check is
//! clean, 1 when problems remain (or the plan was declined or refused), 2 when it could not run.
//!
//! An unfinished rcluster journal for the cluster is read first: its slots are completed in the
//! direction it was moving them (`--no-journal` ignores it).

use super::Context;
use super::check::{CheckPart, CheckSection, check_view};
use crate::error::UsageError;
use crate::exec::fix::{FixOutcome, execute_fix};
use crate::exec::handoff::Handoffs;
use crate::exec::journal::{Journal, JournalState, Record, default_dir, find_unfinished, read};
use crate::exec::mover::Mover;
use crate::exec::moves::{Endpoint, MigrateOptions, endpoints_of};
use crate::exec::run::{bounded_migrate_timeout, wait_for_agreement};
use crate::net::NodeAddress;
use crate::plan::fix::{FixOptions, FixPlan, Intent, Problem, SlotKeys, plan_fix, slots_to_count};
use crate::report::Outcome;
use crate::topology::check::{CheckReport, check_cluster_on};
use crate::topology::load::{count_keys_on_masters, load_keys_in_unowned_slots};
use crate::topology::{ClusterView, load_cluster_view};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What `fix` is asked to do, validated (built by `crate::cli::args::fix`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub dry_run: bool,
    pub yes: bool,
    pub search_multiple_owners: bool,
    pub fix_with_unreachable_masters: bool,
    /// The journal to complete (default: the newest unfinished one), unless `no_journal`.
    pub journal: Option<PathBuf>,
    pub no_journal: bool,
    pub replace: bool,
    /// Keys per batch (at least 1).
    pub pipeline: usize,
    pub migrate_timeout: Duration,
    /// Masters handing keys over at once.
    pub parallel: usize,
    /// Slots of one master whose keys move together (at least 1).
    pub window: usize,
    /// `--max-slots`: repair at most this many slots in this run.
    pub max_slots: Option<usize>,
}

/// How `fix` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStage {
    /// Unreachable masters own slots: nothing was done (`plan.refused` says why).
    Refused,
    /// No slot needs repair.
    NothingToDo,
    /// `--dry-run`: the plan, nothing changed.
    DryRun,
    /// The plan was declined at the prompt.
    Declined,
    /// The plan was carried out (`outcome`, `after`).
    Repaired,
}

/// What `fix` found, planned and did.
#[derive(Debug, Serialize)]
pub struct FixReport {
    pub stage: FixStage,
    /// Whether anything was changed.
    pub applied: bool,
    /// The check before the repair.
    pub check: CheckReport,
    pub plan: FixPlan,
    /// What the repair did; `null` unless repaired.
    pub outcome: Option<FixOutcome>,
    pub seconds: Option<f64>,
    /// With `--max-slots`: the broken slots this run leaves for the next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_slots: Option<usize>,
    /// The check after the repair; `null` unless repaired.
    pub after: Option<CheckReport>,
    /// Whether the cluster is clean at the end (by redis-cli's rules in its syntax).
    #[serde(skip)]
    pub clean: bool,
    /// `host:port` of every node id, for the plan's text.
    #[serde(skip)]
    pub addresses: Addresses,
}

/// Node ids to `host:port`, for rendering a plan; an unknown id stays as it is.
#[derive(Debug, Clone, Default)]
pub struct Addresses(HashMap<String, String>);

impl Addresses {
    pub fn of(view: &ClusterView) -> Addresses {
        Addresses(
            view.nodes
                .iter()
                .map(|n| (n.id().to_string(), n.address.to_string()))
                .collect(),
        )
    }

    pub fn get(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
}

/// The repair plan as shown before it is carried out: a table natively, redis-cli's lines in its
/// syntax.
#[derive(Serialize)]
pub struct PlanSection<'a> {
    pub plan: &'a FixPlan,
    #[serde(skip)]
    pub addresses: &'a Addresses,
}

impl FixReport {
    fn new(stage: FixStage, check: CheckReport, plan: FixPlan, addresses: Addresses) -> FixReport {
        FixReport {
            stage,
            applied: false,
            check,
            plan,
            outcome: None,
            seconds: None,
            left_slots: None,
            after: None,
            clean: false,
            addresses,
        }
    }

    /// The outcome: exit 0 only when the final state is clean and nothing failed.
    fn finish(mut self, clean: bool) -> Outcome {
        let failed = self.outcome.as_ref().is_some_and(|o| !o.failed.is_empty());
        self.clean = clean && !failed;
        let ok = self.clean;
        Outcome::clean_if(self, ok)
    }
}

/// Runs `fix`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let mut view = load_cluster_view(&context.session, &seed).await?;
    let _lock = if options.dry_run {
        super::take_local_lock(&view, "fix")?
    } else {
        super::take_lock(context, &view, "fix").await?
    };
    let mut journal = find_journal(&view, options)?;
    if let Some((path, state)) = journal.as_ref().filter(|_| !options.dry_run)
        && !state.tasks.is_empty()
    {
        // A task the interrupted run left is cancelled first (the servers keep its slots on the
        // source); what it had completed is journaled. Then the cluster is read again.
        crate::exec::run::conclude_left_tasks(
            &context.driver(),
            &view,
            path,
            &state.tasks,
            crate::exec::redis_asm::Conclude::Cancel,
            options.migrate_timeout,
        )
        .await?;
        view = load_cluster_view(&context.session, &seed).await?;
        journal = find_journal(&view, options)?;
        if let Some((path, state)) = &journal {
            hint_resume(context, path, state, &BTreeSet::new());
        }
    }
    super::report_unreachable_like_redis_cli(context, &view);
    let unowned = if options.search_multiple_owners {
        Some(load_keys_in_unowned_slots(&context.session, &view).await?)
    } else {
        None
    };
    let machines = super::check::machines_of(&view).await;
    let check = check_cluster_on(&view, unowned.as_ref(), &machines);
    let info = super::info::build_info_report(&view);
    super::refuse_during_atomic_migration(context, &view).await?;
    let mut keys = count_keys(context, &view).await?;
    for (id, found) in unowned.into_iter().flatten() {
        keys.entry(id).or_default().extend(found);
    }
    let intents = journal
        .as_ref()
        .map(|(path, state)| intents_of(path, state))
        .unwrap_or_default();
    let planning = FixOptions {
        with_unreachable_masters: options.fix_with_unreachable_masters,
    };
    let mut plan = plan_fix(&view, &keys, &intents, planning)?;
    let left_slots = options.max_slots.map(|max| plan.keep_first(max));
    let addresses = Addresses::of(&view);
    // redis-cli repairs open slots between the open-slot and the coverage parts of its check.
    let open_first = context.redis_cli()
        && !options.dry_run
        && plan.refused.is_none()
        && plan.repairs.iter().any(|r| r.problem == Problem::OpenSlot);
    let part = if open_first {
        CheckPart::BeforeCoverage
    } else {
        CheckPart::Whole
    };
    context
        .ui
        .section(&CheckSection::with_info(&check, &info).part(part));
    if plan.refused.is_some() {
        let report = FixReport::new(FixStage::Refused, check, plan, addresses);
        return Ok(report.finish(false));
    }
    if plan.repairs.is_empty() {
        for note in &plan.notes {
            context.ui.hint(note);
        }
        let clean = clean_for(context, &check);
        let report = FixReport::new(FixStage::NothingToDo, check, plan, addresses);
        return Ok(report.finish(clean));
    }
    let show_plan = |plan: &FixPlan| {
        context.ui.section(&PlanSection {
            plan,
            addresses: &addresses,
        })
    };
    if !context.redis_cli() {
        show_plan(&plan);
    }
    if let Some(left) = left_slots.filter(|&left| left > 0) {
        context.ui.hint(&format!(
            "this run repairs {} (--max-slots); {} left for the next run",
            crate::words::counted(plan.repairs.len(), "slot", "slots"),
            left
        ));
    }
    for note in &plan.notes {
        context.ui.hint(note);
    }
    if options.dry_run {
        let report = FixReport::new(FixStage::DryRun, check, plan, addresses);
        return Ok(report.finish(false));
    }
    crate::exec::run::refuse_without_permission(&context.driver(), &view, Mover::Legacy).await?;
    let started = Instant::now();
    let repairer = Repairer::new(context, options, &view).await;
    let mut outcome = FixOutcome::default();
    let mut rest = plan.clone();
    if open_first {
        let open = rest.take(|r| r.problem == Problem::OpenSlot);
        let done = repairer.repair(&open).await;
        context.ui.section(&OpenSlotSection {
            plan: &open,
            check: &check,
            addresses: &addresses,
            outcome: &done,
        });
        context
            .ui
            .section(&CheckSection::new(&check).part(CheckPart::FromCoverage));
        outcome.merge(done);
    }
    if !rest.repairs.is_empty() {
        let agreed = consent(context, options, &mut rest);
        if !agreed && !open_first {
            context.ui.hint("declined: nothing was changed");
            let report = FixReport::new(FixStage::Declined, check, plan, addresses);
            return Ok(report.finish(false));
        }
        if agreed {
            if context.redis_cli() {
                show_plan(&rest);
            }
            outcome.merge(repairer.repair(&rest).await);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some((path, state)) = &journal {
        record_in_journal(context, path, state, &plan, &outcome);
    }
    wait_for_agreement(&context.driver(), &view, Duration::from_secs(10)).await;
    let after_view = load_cluster_view(&context.session, &seed).await?;
    let after = check_view(context, &after_view, options.search_multiple_owners).await?;
    let clean = clean_for(context, &after);
    let mut report = FixReport::new(FixStage::Repaired, check, plan, addresses);
    report.applied = true;
    report.outcome = Some(outcome);
    report.seconds = Some(seconds);
    report.left_slots = left_slots;
    report.after = Some(after);
    Ok(report.finish(clean))
}

/// Carries out repairs: the migrate options, the node timeout and the hand-offs of one run.
struct Repairer<'a> {
    context: &'a Context,
    endpoints: HashMap<String, Endpoint>,
    migrate: MigrateOptions,
    handoffs: Handoffs,
}

impl<'a> Repairer<'a> {
    async fn new(context: &'a Context, options: &Options, view: &ClusterView) -> Repairer<'a> {
        let mut migrate = migrate_options(context, options);
        let (handoffs, node_timeout) =
            crate::exec::run::hand_off_desk(&context.session, view).await;
        migrate.migrate_timeout = bounded_migrate_timeout(migrate.migrate_timeout, node_timeout);
        Repairer {
            context,
            endpoints: endpoints_of(view),
            migrate,
            handoffs,
        }
    }

    async fn repair(&self, plan: &FixPlan) -> FixOutcome {
        execute_fix(
            &self.context.session,
            &self.endpoints,
            &self.handoffs,
            plan,
            &self.migrate,
        )
        .await
    }
}

/// In redis-cli syntax, the open slots just repaired, in redis-cli's words (`>>> Fixing open slot
/// N`, where it was open, the case, the keys moved), before the coverage part of the check.
#[derive(Serialize)]
pub struct OpenSlotSection<'a> {
    pub plan: &'a FixPlan,
    #[serde(skip)]
    pub check: &'a CheckReport,
    #[serde(skip)]
    pub addresses: &'a Addresses,
    pub outcome: &'a FixOutcome,
}

/// A check's verdict, by redis-cli's rules in its syntax.
fn clean_for(context: &Context, check: &CheckReport) -> bool {
    if context.redis_cli() {
        check.is_clean_for_redis_cli()
    } else {
        check.is_clean()
    }
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
    options: &Options,
) -> anyhow::Result<Option<(PathBuf, JournalState)>> {
    if options.no_journal {
        return Ok(None);
    }
    if let Some(path) = &options.journal {
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

fn migrate_options(context: &Context, options: &Options) -> MigrateOptions {
    let connect = context.session.options();
    MigrateOptions {
        pipeline: options.pipeline,
        migrate_timeout: options.migrate_timeout,
        replace: options.replace,
        parallel: options.parallel,
        window: options.window,
        rate: None,
        deadline: None,
        user: connect.user.clone(),
        password: connect.password.clone(),
        alone: Default::default(),
        pace: None,
    }
}

/// `--yes`, or one question. In redis-cli syntax, open slots and multiple owners are repaired
/// without asking (as redis-cli does) and each group of uncovered slots is asked about with
/// redis-cli's question; a declined group is dropped from the plan.
fn consent(context: &Context, options: &Options, plan: &mut FixPlan) -> bool {
    if options.yes {
        return true;
    }
    if !context.redis_cli() {
        return context.ui.confirm("Repair the cluster as planned?");
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
        context.ui.notice(&format!(
            "The following uncovered slots {}:\n{}",
            GROUP_WORDS[group],
            set.to_bracketed()
        ));
        if !context.ui.confirm(question) {
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
        // Nothing of the journal's was repaired: its slots to move were named already, if any.
        return;
    }
    let Ok(journal) = Journal::reopen(path) else {
        return;
    };
    for slot in &completed {
        let _ = journal.append(&Record::SlotDone { slot: *slot });
    }
    if hint_resume(context, path, state, &completed) == 0 {
        let _ = journal.append(&Record::Finished);
    }
}

/// Names `rcluster resume` when the journal at `path` still has slots to move besides
/// `completed`; how many it has.
fn hint_resume(
    context: &Context,
    path: &std::path::Path,
    state: &JournalState,
    completed: &BTreeSet<u16>,
) -> usize {
    let left = state
        .remaining()
        .moves
        .iter()
        .filter(|m| !completed.contains(&m.slot.number()))
        .count();
    if left > 0 {
        context.ui.hint(&format!(
            "the interrupted {} still has {left} slots to move: `rcluster resume --journal {}`",
            state.command,
            path.display()
        ));
    }
    left
}
