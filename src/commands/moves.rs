//! What every slot-moving command shares: the options of the migration engine and running a plan
//! with progress, a bounded wait for agreement, and a report that names any slot left open.

use super::Context;
use crate::exec::handoff::{HandoffError, Handoffs, announce_owner, node_timeout};
use crate::exec::journal::{Journal, Record};
use crate::exec::lock::ClusterLock;
use crate::exec::mover::{Mover, MoverChoice};
use crate::exec::moves::{MigrateOptions, SlotLog, endpoints_of};
use crate::exec::permissions::{Duty, preflight};
use crate::exec::poll_until;
use crate::net::NodeAddress;
use crate::plan::MovePlan;
use crate::report::{Event, MovesStart, Outcome, Reporter};
use crate::topology::ClusterView;
use crate::topology::load::slot_maps_agree;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// The migration engine's options, validated (built by `crate::cli::args::moves`).
#[derive(Debug, Clone)]
pub struct MoveOptions {
    /// Also write the plan to this file for `rcluster apply`.
    pub plan_out: Option<std::path::PathBuf>,
    /// At most this many keys per second over all sources.
    pub rate: Option<u64>,
    /// The journal to record progress in (or, for `resume`, to read).
    pub journal: Option<std::path::PathBuf>,
    /// Keys per batch (at least 1).
    pub pipeline: usize,
    pub migrate_timeout: Duration,
    pub replace: bool,
    /// Sources moving slots at once.
    pub parallel: usize,
    pub migration: Migration,
    /// Slots of one source in flight together (at least 1).
    pub window: usize,
}

/// How slots move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migration {
    Auto,
    Legacy,
    Atomic,
}

/// The backend for this run; an error when the choice cannot be honoured. [`start_run`] asks
/// before writing a journal, so a refused run leaves none behind.
pub async fn choose_mover(
    context: &Context,
    view: &ClusterView,
    args: &MoveOptions,
) -> anyhow::Result<Mover> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let choice = match args.migration {
        Migration::Auto => MoverChoice::Auto,
        Migration::Legacy => MoverChoice::Legacy,
        Migration::Atomic => MoverChoice::Atomic,
    };
    Mover::choose(&context.session, &masters, choice, args.rate.is_some())
        .await
        .map_err(|reason| crate::error::UsageError(reason).into())
}

/// Refuses a run whose user may not send what `mover` sends, before anything changes (the probes of
/// `exec::permissions`, on every master at once).
pub async fn refuse_without_permission(
    context: &Context,
    view: &ClusterView,
    mover: Mover,
) -> anyhow::Result<()> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let duty = match mover {
        Mover::Legacy => Duty::LegacyMoves,
        Mover::ValkeyAtomic => Duty::AtomicMoves,
    };
    for note in preflight(&context.session, &masters, duty).await? {
        context.ui.hint(&note);
    }
    Ok(())
}

/// How progress is shown in redis-cli syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `Moving slot N from A to B: ...` per slot (reshard).
    PerSlot,
    /// Nothing per slot (rebalance prints its own lines).
    Quiet,
}

/// Moves the slots, waits until every node agrees, and reports.
pub async fn execute_plan(
    context: &Context,
    view: &ClusterView,
    plan: &MovePlan,
    args: &MoveOptions,
    style: Style,
    run: Run,
) -> anyhow::Result<Outcome> {
    let Run {
        journal,
        mover,
        lock: _lock,
    } = run;
    let atomic = mover == Mover::ValkeyAtomic;
    let endpoints = endpoints_of(view);
    let node_timeout = node_timeout(&context.session, &view.seed).await;
    let handoffs = Arc::new(Handoffs::new(
        Arc::clone(&context.session),
        view,
        node_timeout,
    ));
    // A server-side job does not block its source: there the timeout is the no-progress limit.
    let migrate_timeout = match mover {
        Mover::Legacy => bounded_migrate_timeout(args.migrate_timeout, node_timeout),
        Mover::ValkeyAtomic => args.migrate_timeout,
    };
    if migrate_timeout < args.migrate_timeout {
        context.ui.hint(&format!(
            "MIGRATE's timeout is {} ms, half the cluster-node-timeout ({} ms): a source blocked longer in MIGRATE could be failed over",
            migrate_timeout.as_millis(),
            node_timeout.as_millis()
        ));
    }
    let options = context.session.options();
    let migrate = MigrateOptions {
        pipeline: args.pipeline,
        migrate_timeout,
        replace: args.replace,
        parallel: args.parallel,
        window: args.window,
        rate: args.rate,
        user: options.user.clone(),
        password: options.password.clone(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    context.ui.event(Event::MovesStarted(MovesStart {
        slots: plan.moves.len(),
        per_slot_lines: style == Style::PerSlot,
    }));
    let journal = Arc::new(journal);
    let progress = Arc::new(SlotLog::new(
        Arc::clone(&journal),
        Arc::clone(&context.ui),
        Arc::clone(&stop),
    ));
    let interrupt = tokio::spawn(stop_on_ctrl_c(Arc::clone(&stop), Arc::clone(&context.ui)));
    let (summary, errors) = mover
        .execute(
            Arc::clone(&context.session),
            endpoints,
            Arc::clone(&handoffs),
            plan,
            migrate,
            progress,
            Arc::clone(&stop),
        )
        .await;
    interrupt.abort();
    context.ui.event(Event::MovesFinished);
    // Every hand-off settled and its keys counted again (docs/handoff.md, "Detect").
    let verified = if atomic {
        None
    } else {
        match handoffs.finish().await {
            Ok(report) => {
                for warning in &report.warnings {
                    context.ui.warn(warning);
                }
                None
            }
            Err(error) => Some(error),
        }
    };
    let interrupted = errors.is_empty() && summary.slots < plan.moves.len();
    if errors.is_empty() && !interrupted {
        let _ = journal.append(&Record::Finished);
    }
    let agreed = errors.is_empty() && verified.is_none() && settle(context, view, plan).await;
    let errors: Vec<String> = errors
        .into_iter()
        .map(RunError::Move)
        .chain(verified.map(RunError::Handoff))
        .map(|e| e.to_string())
        .collect();
    let clean = errors.is_empty() && !interrupted;
    let report = MoveRunReport {
        applied: true,
        interrupted,
        agreed,
        migration: mover.name().to_string(),
        planned: plan.moves.len(),
        profile: std::env::var_os("RCLUSTER_PROFILE").is_some(),
        summary,
        errors,
        seed: view.seed.to_string(),
        journal: journal.path.clone(),
    };
    Ok(Outcome::clean_if(report, clean))
}

/// What a run of slot moves did.
#[derive(Debug, serde::Serialize)]
pub struct MoveRunReport {
    /// Always true: the moves ran (a dry run or a declined prompt has no run).
    pub applied: bool,
    /// Stopped by Ctrl-C or a closed stdout before every slot moved (none left open).
    pub interrupted: bool,
    /// Every node's table showed the same owners at the end.
    pub agreed: bool,
    /// `legacy` or `atomic`.
    pub migration: String,
    /// Slots in the plan.
    pub planned: usize,
    pub summary: crate::exec::moves::MoveSummary,
    /// Each failure, in words that say what to run.
    pub errors: Vec<String>,
    /// `host:port` of the seed, for the commands the hints name.
    pub seed: String,
    /// The journal `rcluster resume` reads.
    pub journal: std::path::PathBuf,
    /// Show where the time went (`RCLUSTER_PROFILE` set).
    #[serde(skip)]
    pub profile: bool,
}

/// MIGRATE blocks its source while it waits for the target: never longer than half the
/// cluster-node-timeout, so a stalled target cannot get a healthy source failed over.
pub fn bounded_migrate_timeout(requested: Duration, node_timeout: Duration) -> Duration {
    requested
        .min(node_timeout / 2)
        .max(Duration::from_millis(100))
}

/// A failure of a run: a slot's move, or the hand-off's own check.
#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error(transparent)]
    Move(crate::exec::moves::MoveError),
    #[error(transparent)]
    Handoff(HandoffError),
}

/// Waits (at most 10 s) until every loaded node's table shows the same slot owners.
pub async fn wait_for_agreement(context: &Context, view: &ClusterView, limit: Duration) -> bool {
    let addresses: Vec<_> = view.loaded().map(|n| n.address.clone()).collect();
    poll_until(Instant::now() + limit, || {
        slot_maps_agree(&context.session, &addresses)
    })
    .await
}

/// Waits for agreement; if a replica still shows a moved slot open (seen on Valkey 9, whose replicas
/// follow their primary's slot states), sends the slot's final owner to that replica's primary again,
/// which replicates it, and waits once more.
async fn settle(context: &Context, view: &ClusterView, plan: &MovePlan) -> bool {
    if wait_for_agreement(context, view, Duration::from_secs(3)).await {
        return true;
    }
    let targets: HashMap<u16, &str> = plan
        .moves
        .iter()
        .map(|m| (m.slot.number(), m.target.as_str()))
        .collect();
    let addresses: Vec<_> = view.loaded().map(|n| n.address.clone()).collect();
    let tables = crate::topology::load::load_tables(&context.session, &addresses).await;
    let mut resend: BTreeMap<(NodeAddress, &str), Vec<u16>> = BTreeMap::new();
    for me in tables
        .iter()
        .flatten()
        .filter_map(|t| t.iter().find(|e| e.flags.myself))
    {
        let Some(primary) = me.master_id.as_deref().and_then(|id| view.node_by_id(id)) else {
            continue;
        };
        for (slot, _) in me.migrating.iter().chain(&me.importing) {
            if let Some(target) = targets.get(&slot.number()) {
                resend
                    .entry((primary.address.clone(), *target))
                    .or_default()
                    .push(slot.number());
            }
        }
    }
    for ((primary, target), slots) in resend {
        let _ = announce_owner(&context.session, vec![primary], &slots, target).await;
    }
    wait_for_agreement(context, view, Duration::from_secs(10)).await
}

/// First Ctrl-C: finish the slots in flight, start no more. Second: leave at once.
async fn stop_on_ctrl_c(stop: Arc<AtomicBool>, ui: Arc<dyn Reporter>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::SeqCst);
    ui.warn(
        "\nstopping: finishing the slots in flight, cancelling server-side jobs (Ctrl-C again to abort at once, leaving them open)",
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        ui.warn("aborted: slots in flight are left open; `rcluster check` names them");
        std::process::exit(130);
    }
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

/// What a run is decided to be before anything moves: its journal, how slots move, and the lock
/// that keeps a second run off this cluster while it lives.
pub struct Run {
    pub journal: Journal,
    pub mover: Mover,
    pub lock: ClusterLock,
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

/// Refuses a plan whose target some node does not know: `SETSLOT NODE` would fail there half-way.
pub fn refuse_unknown_targets(view: &ClusterView, plan: &MovePlan) -> anyhow::Result<()> {
    let missing = crate::topology::check::missing_members(view);
    let targets: std::collections::BTreeSet<&str> =
        plan.moves.iter().map(|m| m.target.as_str()).collect();
    for target in targets {
        if let Some(lacking) = missing.get(target) {
            return Err(crate::error::UsageError(format!(
                "the target {target} is not known by {}: wait until every node knows it (`rcluster check`), or meet it again, before moving slots to it",
                lacking.join(", ")
            ))
            .into());
        }
    }
    Ok(())
}

/// Decides the migration method (an error if it cannot be honoured), then opens the journal for a
/// new run, writing the plan, before anything is moved.
pub async fn start_run(
    context: &Context,
    args: &MoveOptions,
    command: &str,
    view: &ClusterView,
    plan: &MovePlan,
) -> anyhow::Result<Run> {
    refuse_unknown_targets(view, plan)?;
    let lock = super::take_lock(context, view, command).await?;
    let mover = choose_mover(context, view, args).await?;
    refuse_without_permission(context, view, mover).await?;
    let journal = Journal::create(
        args.journal.as_deref(),
        command,
        &view.seed.to_string(),
        plan,
        crate::plan::file::fingerprint(view),
    )
    .map_err(|e| {
        anyhow::anyhow!("cannot write the journal: {e}; pass a writable --journal PATH")
    })?;
    Ok(Run {
        journal,
        mover,
        lock,
    })
}
