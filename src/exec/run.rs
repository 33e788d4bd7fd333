//! The run driver of every slot move. `reshard`, `rebalance`, `apply` and `resume` pass the same
//! gates in one order ([`open`]: unknown targets, the cluster's lock, a running server-side move,
//! the mover's choice, the permissions, the journal), then [`execute`] builds the hand-off desk, bounds MIGRATE by the node
//! timeout, watches Ctrl-C (the first stops new windows, a second returns [`Aborted`], which the CLI
//! turns into exit 130), waits for every node to agree and reports. `fix` and `resume` build their
//! hand-off desks with [`hand_off_desk`]. Commands only resolve, load, plan, confirm, call this and
//! return the report.

use super::big_keys::{BigKeyReport, BigKeys, GateArgs, RaisedReport};
use super::handoff::{Handoff, HandoffError, Handoffs, announce_owner, node_timeout};
use super::journal::{Journal, Record};
use super::lock::{ClusterLock, LockRequest};
use super::mover::{Mover, MoverChoice};
use super::moves::{MigrateOptions, SlotLog, endpoints_of};
use super::observe::{ObserveOptions, ObserveReport, Observer};
use super::permissions::{Duty, preflight};
use super::poll_until;
use crate::net::{NodeAddress, Session};
use crate::plan::MovePlan;
use crate::plan::big_keys::Choices;
use crate::report::{Event, MovesStart, Outcome, Reporter};
use crate::topology::ClusterView;
use crate::topology::load::slot_maps_agree;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What the driver works with: the connections, where events go, and `--break-lock`.
#[derive(Clone)]
pub struct Driver {
    pub session: Arc<Session>,
    pub ui: Arc<dyn Reporter>,
    pub break_lock: bool,
}

impl Driver {
    /// The cluster's lock for `command` (this host's flock and the cluster's lease, docs/lock.md).
    pub async fn lock(&self, view: &ClusterView, command: &str) -> anyhow::Result<ClusterLock> {
        let request = LockRequest {
            session: &self.session,
            ui: &self.ui,
            command,
            break_lock: self.break_lock,
        };
        Ok(super::lock::lock(view, request).await?)
    }
}

/// The hand-off desk of a run on `view` (every owner change goes through it), with the cluster's
/// `cluster-node-timeout` it was sized by.
pub async fn hand_off_desk(session: &Arc<Session>, view: &ClusterView) -> (Handoffs, Duration) {
    let node_timeout = node_timeout(session, &view.seed).await;
    let desk = Handoffs::new(Arc::clone(session), view, node_timeout);
    (desk, node_timeout)
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
    pub migration: MoverChoice,
    /// Slots of one source in flight together (at least 1).
    pub window: usize,
    /// `--max-time`: start no new window or task once this long has passed since the moves began.
    pub max_time: Option<Duration>,
    /// For a bounded step (`--max-slots`, `--max-time`): the slots of the whole job the plan leaves
    /// for later runs, so the report can say what is left (`None`: not a bounded step).
    pub left_beyond_plan: Option<usize>,
    /// Raise `cluster-node-timeout` on every node while big keys move (restored afterwards).
    pub raise_node_timeout: bool,
    /// Leave the slots of big keys where they are.
    pub skip_big_keys: bool,
    /// `--observe` / `--max-latency`: measure what a client sees during the move (and hold it).
    pub observe: Option<ObserveOptions>,
}

/// Finds the big keys of `plan` before anything changes (a legacy `mover` only) and decides what
/// to do with them; refuses the run when one would risk a failover and no choice was made
/// (`exec::big_keys`).
pub async fn big_keys_gate(
    driver: &Driver,
    view: &ClusterView,
    plan: &MovePlan,
    args: &MoveOptions,
    mover: Mover,
) -> anyhow::Result<BigKeys> {
    let gate = GateArgs {
        choices: Choices {
            raise_node_timeout: args.raise_node_timeout,
            skip_big_keys: args.skip_big_keys,
        },
        server_side: mover.server_side(),
        migrate_timeout: args.migrate_timeout,
    };
    super::big_keys::gate(&driver.session, driver.ui.as_ref(), view, plan, gate).await
}

/// The backend for this run; an error when the choice cannot be honoured. [`start_run`] asks
/// before writing a journal, so a refused run leaves none behind.
pub async fn choose_mover(
    driver: &Driver,
    view: &ClusterView,
    args: &MoveOptions,
) -> anyhow::Result<Mover> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let mover = Mover::choose(
        &driver.session,
        &masters,
        args.migration,
        args.rate.is_some(),
    )
    .await
    .map_err(crate::error::UsageError)?;
    // The servers set a server-side move's pace: `--max-latency` needs the legacy mover.
    if mover.server_side() && args.observe.is_some_and(|o| o.max_latency.is_some()) {
        if args.migration == MoverChoice::Atomic {
            return Err(crate::error::UsageError(
                "--max-latency cannot hold a server-side (atomic) migration, whose pace the servers set; use --migration legacy, or --observe alone to measure it".into(),
            )
            .into());
        }
        driver.ui.hint(
            "--max-latency: moving with the legacy mover, whose pace rcluster sets, instead of the servers' own migration",
        );
        return Ok(Mover::Legacy);
    }
    Ok(mover)
}

/// Refuses a run whose user may not send what `mover` sends, before anything changes (the probes of
/// `exec::permissions`, on every master at once).
pub async fn refuse_without_permission(
    driver: &Driver,
    view: &ClusterView,
    mover: Mover,
) -> anyhow::Result<()> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let duty = match mover {
        Mover::Legacy => Duty::LegacyMoves,
        Mover::ValkeyAtomic => Duty::AtomicMoves,
        Mover::RedisAsm => Duty::RedisAsmMoves,
    };
    for note in preflight(&driver.session, &masters, duty).await? {
        driver.ui.hint(&note);
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
pub async fn execute(
    driver: &Driver,
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
        big_keys,
    } = run;
    // Slots of big keys left where they are (`--skip-big-keys`) are not moved.
    let kept;
    let plan = if big_keys.skipped_slots.is_empty() {
        plan
    } else {
        kept = MovePlan {
            moves: (plan.moves.iter())
                .filter(|m| !big_keys.skipped_slots.contains(&m.slot.number()))
                .cloned()
                .collect(),
        };
        &kept
    };
    let mut big_key_report = big_keys.report;
    let atomic = mover.server_side();
    let endpoints = endpoints_of(view);
    let (handoffs, node_timeout) = hand_off_desk(&driver.session, view).await;
    let handoffs = Arc::new(handoffs);
    // A server-side job does not block its source: there the timeout is the no-progress limit.
    let migrate_timeout = match mover {
        Mover::Legacy => bounded_migrate_timeout(args.migrate_timeout, node_timeout),
        Mover::ValkeyAtomic | Mover::RedisAsm => args.migrate_timeout,
    };
    if migrate_timeout < args.migrate_timeout {
        driver.ui.hint(&format!(
            "MIGRATE's timeout is {} ms, half the cluster-node-timeout ({} ms): a source blocked longer in MIGRATE could be failed over",
            migrate_timeout.as_millis(),
            node_timeout.as_millis()
        ));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let aborted = Arc::new(tokio::sync::Notify::new());
    let interrupt = tokio::spawn(stop_on_ctrl_c(
        Arc::clone(&stop),
        Arc::clone(&aborted),
        Arc::clone(&driver.ui),
    ));
    // The baseline is measured before the first slot moves (Ctrl-C watched: a stop during it
    // moves nothing).
    let mut observer = args
        .observe
        .map(|options| start_observer(driver, view, plan, args, options));
    if let Some(observer) = &mut observer {
        observer.baseline_measured().await;
    }
    let options = driver.session.options();
    let migrate = MigrateOptions {
        pipeline: args.pipeline,
        migrate_timeout,
        replace: args.replace,
        parallel: args.parallel,
        window: args.window,
        rate: args.rate,
        deadline: args.max_time.map(|limit| std::time::Instant::now() + limit),
        user: options.user.clone(),
        password: options.password.clone(),
        alone: Arc::new(big_keys.alone),
        pace: observer.as_ref().and_then(|o| o.pace.clone()),
    };
    driver.ui.event(Event::MovesStarted(MovesStart {
        slots: plan.moves.len(),
        per_slot_lines: style == Style::PerSlot,
    }));
    let journal = Arc::new(journal);
    let progress = Arc::new(SlotLog::new(
        Arc::clone(&journal),
        Arc::clone(&driver.ui),
        Arc::clone(&stop),
    ));
    // Raised once Ctrl-C is watched, so that no interrupt leaves it raised.
    let raised = match big_keys.raise_to {
        Some(to) => match raise_for_move(driver, view, plan, to).await {
            Ok(raised) => Some(raised),
            Err(error) => {
                interrupt.abort();
                return Err(error);
            }
        },
        None => None,
    };
    let moving = mover.execute(
        Arc::clone(&driver.session),
        endpoints,
        Arc::clone(&handoffs),
        plan,
        migrate,
        progress,
        Arc::clone(&stop),
    );
    let moved = tokio::select! {
        done = moving => Some(done),
        () = aborted.notified() => None,
    };
    interrupt.abort();
    let observed = match observer {
        Some(observer) if moved.is_some() => observer.finish().await,
        _ => None,
    };
    // The node timeout is restored on every path, the sources first (docs/big-keys.md).
    if let Some(raised) = &raised {
        let failed = super::big_keys::restore_node_timeout(&driver.session, raised).await;
        for failure in &failed {
            driver.ui.warn(&format!(
                "rcluster: warning: cluster-node-timeout not restored on {failure}"
            ));
        }
        if failed.is_empty() {
            driver.ui.step(&format!(
                "Restored cluster-node-timeout ({}) on {} nodes",
                raised.former(),
                raised.node_count()
            ));
        }
        if let Some(report) = &mut big_key_report {
            report.raised_node_timeout = Some(RaisedReport {
                from: raised.former(),
                to_ms: raised.to.as_millis() as u64,
                nodes: raised.node_count(),
                restored: failed.is_empty(),
            });
        }
    }
    let Some((summary, errors)) = moved else {
        return Err(Aborted.into());
    };
    driver.ui.event(Event::MovesFinished);
    // Every hand-off settled and its keys counted again (docs/handoff.md, "Detect").
    let verified = if atomic {
        None
    } else {
        match handoffs.finish().await {
            Ok(report) => {
                for warning in &report.warnings {
                    driver.ui.warn(warning);
                }
                None
            }
            Err(error) => Some(error),
        }
    };
    // Short of the plan with no error: Ctrl-C or a closed stdout, unless the time bound ran out.
    let timed_out = !stop.load(std::sync::atomic::Ordering::SeqCst)
        && args.max_time.is_some()
        && summary.slots < plan.moves.len();
    let interrupted = errors.is_empty() && summary.slots < plan.moves.len() && !timed_out;
    if errors.is_empty() && !interrupted {
        // A step that ran out of time is done too: the next run plans what is left afresh.
        let _ = journal.append(&Record::Finished);
    }
    let agreed = errors.is_empty() && verified.is_none() && settle(driver, view, plan).await;
    let errors: Vec<String> = errors
        .into_iter()
        .map(RunError::Move)
        .chain(verified.map(RunError::Handoff))
        .map(|e| e.to_string())
        .collect();
    if let Some(observed) = &observed {
        let known = view.loaded().map(|n| n.address.clone()).collect();
        super::observe::delete_keys(&driver.session, known, &observed.keys).await;
    }
    let clean = errors.is_empty() && !interrupted;
    let drained_masters = match clean && summary.slots == plan.moves.len() {
        true => super::membership::drained_masters(&driver.session, view, plan).await,
        false => Vec::new(),
    };
    let report = MoveRunReport {
        applied: true,
        interrupted,
        agreed,
        migration: mover.name().to_string(),
        planned: plan.moves.len(),
        step: args.left_beyond_plan.map(|beyond| StepReport {
            timed_out: errors.is_empty() && timed_out,
            left_slots: beyond + plan.moves.len() - summary.slots,
        }),
        profile: std::env::var_os("RCLUSTER_PROFILE").is_some(),
        summary,
        errors,
        seed: view.seed.to_string(),
        journal: journal.path.clone(),
        big_keys: big_key_report,
        drained_masters,
        observe: observed,
    };
    Ok(Outcome::clean_if(report, clean))
}

/// Starts the observing client of `--observe` on every loaded node's view, its keys in the
/// plan's slots and in others (`exec::observe`).
fn start_observer(
    driver: &Driver,
    view: &ClusterView,
    plan: &MovePlan,
    args: &MoveOptions,
    options: ObserveOptions,
) -> Observer {
    let target = super::observe::Target {
        connect: driver.session.options().clone(),
        known: view.loaded().map(|n| n.address.clone()).collect(),
        moved: plan.moves.iter().map(|m| m.slot.number()).collect(),
        ceiling: super::observe::latency::Limits::new(args.window, args.pipeline),
        ui: Arc::clone(&driver.ui),
    };
    Observer::start(target, options)
}

/// Raises `cluster-node-timeout` to `to` on every loaded node for the move (the plan's sources are
/// restored first), saying so and how to restore it by hand should this run be killed.
async fn raise_for_move(
    driver: &Driver,
    view: &ClusterView,
    plan: &MovePlan,
    to: Duration,
) -> anyhow::Result<super::big_keys::RaisedTimeout> {
    let nodes: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    let mut sources: Vec<NodeAddress> = Vec::new();
    for step in &plan.moves {
        if let Some(node) = view.node_by_id(&step.source)
            && !sources.contains(&node.address)
        {
            sources.push(node.address.clone());
        }
    }
    let raised = super::big_keys::raise_node_timeout(&driver.session, &nodes, &sources, to)
        .await
        .map_err(anyhow::Error::msg)?;
    let former = raised.former();
    let by_hand = match former.strip_suffix(" ms") {
        Some(ms) if !ms.contains(',') => ms.to_string(),
        _ => "<ms>".to_string(),
    };
    driver.ui.step(&format!(
        "Raised cluster-node-timeout from {former} to {} ms on {} nodes for the move (restored when it ends; should this run be killed, restore it with `rcluster set-timeout {} {by_hand}`)",
        to.as_millis(),
        raised.node_count(),
        view.seed
    ));
    Ok(raised)
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
    /// For a bounded step (`--max-slots`, `--max-time`): what is left for the next runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<StepReport>,
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
    /// Big keys: what was measured, what was decided (legacy moves).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub big_keys: Option<BigKeyReport>,
    /// Masters the run left without a slot while `cluster-allow-replica-migration` is `no` on them:
    /// they stay empty masters (remove them with `del-node`, or keep them as replicas with
    /// `del-node --replicate-to`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drained_masters: Vec<super::membership::DrainedMaster>,
    /// `--observe`: what a client saw before and during the move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observe: Option<ObserveReport>,
}

/// Where a bounded step stopped.
#[derive(Debug, serde::Serialize)]
pub struct StepReport {
    /// `--max-time` ran out before the step's last slot (every slot is closed all the same).
    pub timed_out: bool,
    /// Slots of the whole job not moved yet: run the same command again to move them.
    pub left_slots: usize,
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
pub async fn wait_for_agreement(driver: &Driver, view: &ClusterView, limit: Duration) -> bool {
    let addresses: Vec<_> = view.loaded().map(|n| n.address.clone()).collect();
    poll_until(Instant::now() + limit, || {
        slot_maps_agree(&driver.session, &addresses)
    })
    .await
}

/// Waits for agreement; if a replica still shows a moved slot open (seen on Valkey 9, whose replicas
/// follow their primary's slot states), sends the slot's final owner to that replica's primary again,
/// which replicates it, and waits once more.
async fn settle(driver: &Driver, view: &ClusterView, plan: &MovePlan) -> bool {
    if wait_for_agreement(driver, view, Duration::from_secs(3)).await {
        return true;
    }
    let targets: HashMap<u16, &str> = plan
        .moves
        .iter()
        .map(|m| (m.slot.number(), m.target.as_str()))
        .collect();
    let addresses: Vec<_> = view.loaded().map(|n| n.address.clone()).collect();
    let tables = crate::topology::load::load_tables(&driver.session, &addresses).await;
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
        let _ = announce_owner(&driver.session, vec![primary], &slots, target).await;
    }
    wait_for_agreement(driver, view, Duration::from_secs(10)).await
}

/// First Ctrl-C: finish the slots in flight, start no more. Second: leave at once.
async fn stop_on_ctrl_c(
    stop: Arc<AtomicBool>,
    aborted: Arc<tokio::sync::Notify>,
    ui: Arc<dyn Reporter>,
) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::SeqCst);
    ui.warn(
        "\nstopping: finishing the slots in flight, cancelling server-side jobs (Ctrl-C again to abort at once, leaving them open)",
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        aborted.notify_one();
    }
}

/// A second Ctrl-C: the run was left at once; `cli` exits 130, as a shell does for SIGINT.
#[derive(Debug, thiserror::Error)]
#[error(
    "aborted: slots in flight are left open; `rcluster check` names them, `rcluster resume` finishes them"
)]
pub struct Aborted;

/// What a run is decided to be before anything moves: its journal, how slots move, and the lock
/// that keeps a second run off this cluster while it lives.
pub struct Run {
    pub journal: Journal,
    pub mover: Mover,
    pub lock: ClusterLock,
    /// What to do about big keys (`big_keys_gate`).
    pub big_keys: BigKeys,
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
pub async fn open(
    driver: &Driver,
    args: &MoveOptions,
    command: &str,
    view: &ClusterView,
    plan: &MovePlan,
) -> anyhow::Result<Run> {
    refuse_unknown_targets(view, plan)?;
    let lock = driver.lock(view, command).await?;
    refuse_during_server_side_moves(driver, view).await?;
    let mover = choose_mover(driver, view, args).await?;
    refuse_without_permission(driver, view, mover).await?;
    let big_keys = big_keys_gate(driver, view, plan, args, mover).await?;
    let journal = Journal::create_for_run(
        args.journal.as_deref(),
        command,
        &view.seed.to_string(),
        plan,
        crate::plan::file::fingerprint(view),
        Some(crate::exec::journal::EngineOptions::of(args)),
    )
    .map_err(|e| {
        anyhow::anyhow!("cannot write the journal: {e}; pass a writable --journal PATH")
    })?;
    Ok(Run {
        journal,
        mover,
        lock,
        big_keys,
    })
}

/// Refuses to start while a server-side migration (Valkey's `MIGRATESLOTS`, Redis's `CLUSTER
/// MIGRATION`) runs on any master: its slots are the servers' to move until it ends, and a
/// `SETSLOT` or an `IMPORT` of ours would race with it (a reshard of such a slot would open it on
/// the target before the server refused). The refusal names each task and how to cancel it.
pub async fn refuse_during_server_side_moves(
    driver: &Driver,
    view: &ClusterView,
) -> anyhow::Result<()> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let running = Mover::running_jobs(&driver.session, &masters).await;
    if running.is_empty() {
        return Ok(());
    }
    Err(crate::error::UsageError(format!(
        "a server-side slot migration is running ({}): wait for it to end, or cancel it (Valkey: CLUSTER CANCELSLOTMIGRATIONS on its source; Redis: CLUSTER MIGRATION CANCEL ID <id> on both sides), then run this again",
        running.join("; ")
    ))
    .into())
}

/// The server-side tasks an interrupted run left (`tasks`, from its journal at `path`): each
/// finished (`resume`) or cancelled (`fix`) on the servers before anything else is planned, its
/// slots journaled when it completes (docs/redis-asm.md, "Interrupted runs"). What happened is
/// shown as steps; a task that could not be concluded is an error that names it.
pub async fn conclude_left_tasks(
    driver: &Driver,
    view: &ClusterView,
    path: &std::path::Path,
    tasks: &[super::journal::LeftTask],
    how: super::redis_asm::Conclude,
    no_progress_limit: Duration,
) -> anyhow::Result<()> {
    if tasks.is_empty() {
        return Ok(());
    }
    let journal = Arc::new(Journal::reopen(path).map_err(|e| {
        crate::error::UsageError(format!("cannot append to {}: {e}", path.display()))
    })?);
    let stop = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(SlotLog::new(journal, Arc::clone(&driver.ui), stop));
    driver.ui.step(&format!(
        "{} {} the interrupted run left: {}",
        match how {
            super::redis_asm::Conclude::Finish => "Finishing",
            super::redis_asm::Conclude::Cancel => "Cancelling",
        },
        crate::words::counted(tasks.len(), "server-side task", "server-side tasks"),
        tasks
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let (summary, errors) = super::redis_asm::conclude_left_tasks(
        Arc::clone(&driver.session),
        endpoints_of(view),
        tasks,
        how,
        no_progress_limit,
        progress,
    )
    .await;
    for note in &summary.warnings {
        driver.ui.step(note);
    }
    if summary.slots > 0 {
        driver.ui.step(&format!(
            "{} slots ({} keys) reached their target",
            summary.slots, summary.keys
        ));
    }
    if let Some(first) = errors.first() {
        return Err(anyhow::anyhow!(
            "{} of the interrupted run's server-side tasks {} not concluded: {}; run `rcluster check`",
            crate::words::counted(errors.len(), "slot", "slots"),
            crate::words::plural(errors.len(), "was", "were"),
            first.reason
        ));
    }
    Ok(())
}

/// Slots the target already owns are handed off again through the hand-off protocol (the target's
/// epoch is made greater than the source's, then every master is told), then journaled.
pub async fn hand_off_again(
    driver: &Driver,
    view: &ClusterView,
    announce: &[crate::plan::SlotMove],
    journal: &Journal,
) -> anyhow::Result<()> {
    if announce.is_empty() {
        return Ok(());
    }
    let (handoffs, _) = hand_off_desk(&driver.session, view).await;
    let group: Vec<Handoff> = announce
        .iter()
        .map(|s| Handoff::of_move(s, false))
        .collect();
    if let Some(failure) = handoffs.hand_off(&group).await.first() {
        anyhow::bail!("{failure}; run `rcluster resume` again once it answers, or `rcluster fix`");
    }
    let report = handoffs.finish().await?;
    for warning in &report.warnings {
        driver.ui.warn(warning);
    }
    for step in announce {
        journal.append(&Record::SlotDone {
            slot: step.slot.number(),
        })?;
    }
    Ok(())
}
