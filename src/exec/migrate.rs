//! The migration engine: carries out a [`MovePlan`] with the legacy per-slot protocol, as an explicit
//! state machine per slot: IMPORTING on the target, MIGRATING on the source, keys moved with
//! `GETKEYSINSLOT` + `MIGRATE ... KEYS` in batches, then `SETSLOT NODE` on the target, the source and
//! every other master at once.
//!
//! Slots of different sources move concurrently (one slot per source at a time, `parallel` sources at
//! once); the first error stops new moves, lets the ones in flight finish, and is reported with the
//! state its slot was left in and how to finish it.

use super::handoff::{Handoff, Handoffs, SetSlot, setslot_command};
use super::moves::{
    Endpoint, MigrateOptions, MoveError, MoveSummary, PhaseTimes, SlotDone, SlotLog, SlotStep,
    migrate_keys_command,
};
use super::retry::{Decision, classify, decide, resend};
use crate::net::{NetError, NodeAddress, NodeClient, Session, concurrently, in_database};
use crate::plan::{MovePlan, SlotMove};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

mod busy;

/// Moves every key of `slots` from the node at `from` to `to`, with the engine's batches, retries
/// and BUSYKEY rule; the caller has opened the slots so MIGRATE runs on `from` and `to` accepts.
/// Returns the keys moved per slot, or the first slot that failed and why.
pub async fn drain_slots(
    session: Arc<Session>,
    options: MigrateOptions,
    from: &NodeAddress,
    to: &Endpoint,
    slots: &[u16],
) -> Result<Vec<u64>, (u16, String)> {
    let first = slots.first().copied().unwrap_or(0);
    let mut on_source = session
        .client(from)
        .await
        .map_err(|e| (first, e.to_string()))?;
    let mut on_target = session
        .client(&to.address)
        .await
        .map_err(|e| (first, e.to_string()))?;
    let engine = Engine {
        session,
        endpoints: HashMap::new(),
        handoffs: None,
        throttle: Throttle::new(options.rate),
        options,
        progress: Arc::new(SlotLog::silent()),
        stop: Arc::new(AtomicBool::new(false)),
        flows: KeyFlows::default(),
        clock: PhaseClock::default(),
    };
    engine
        .move_keys(slots, &mut on_source, &mut on_target, to)
        .await
}

/// Keys per batch, adapted to how long MIGRATE takes: a slot of many small keys grows to large batches
/// (fewer round trips), large values shrink them (MIGRATE blocks the source while it runs).
#[derive(Debug, Clone, Copy)]
struct BatchSize {
    size: usize,
    floor: usize,
}

impl BatchSize {
    const CEILING: usize = 10_000;
    const FAST: Duration = Duration::from_millis(20);
    const SLOW: Duration = Duration::from_millis(200);

    fn new(start: usize) -> BatchSize {
        let start = start.clamp(1, Self::CEILING);
        BatchSize {
            size: start,
            floor: start.min(10),
        }
    }

    /// After a batch of `keys` keys took `took`: double when fast and at least half full (batches pack
    /// whole slots, so they rarely fill up exactly), halve when slow.
    fn adapt(&mut self, keys: usize, took: Duration) {
        if took < Self::FAST && keys * 2 > self.size {
            self.size = (self.size * 2).min(Self::CEILING);
        } else if took > Self::SLOW {
            self.size = (self.size / 2).max(self.floor);
        }
    }
}

/// Nanosecond counters behind [`PhaseTimes`], shared by the workers.
#[derive(Debug, Default)]
struct PhaseClock {
    open: std::sync::atomic::AtomicU64,
    getkeys: std::sync::atomic::AtomicU64,
    migrate: std::sync::atomic::AtomicU64,
    handoff: std::sync::atomic::AtomicU64,
}

impl PhaseClock {
    fn add(counter: &std::sync::atomic::AtomicU64, since: Instant) {
        counter.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    fn times(&self) -> PhaseTimes {
        let seconds = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed) as f64 / 1e9;
        PhaseTimes {
            open: seconds(&self.open),
            getkeys: seconds(&self.getkeys),
            migrate: seconds(&self.migrate),
            handoff: seconds(&self.handoff),
        }
    }
}

/// Which nodes are sending and which receiving keys right now. MIGRATE blocks its source until the
/// target has stored the keys, so A->B next to B->A (or any cycle) would block every server in it
/// until the MIGRATE timeout: a window waits until its source receives nothing and its target
/// sends nothing. Plans where no node both gives and receives (every planner's) never wait.
#[derive(Default)]
struct KeyFlows {
    /// Node id -> (windows sending from it, windows receiving into it).
    roles: std::sync::Mutex<HashMap<String, (usize, usize)>>,
    changed: tokio::sync::Notify,
}

/// A window's place in [`KeyFlows`]; leaving it wakes the windows that wait.
struct FlowGuard<'a> {
    flows: &'a KeyFlows,
    source: String,
    target: String,
}

impl KeyFlows {
    async fn enter(&self, source: &str, target: &str) -> FlowGuard<'_> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut roles = self.roles.lock().unwrap_or_else(|p| p.into_inner());
                let free = roles.get(source).is_none_or(|r| r.1 == 0)
                    && roles.get(target).is_none_or(|r| r.0 == 0);
                if free {
                    roles.entry(source.to_string()).or_default().0 += 1;
                    roles.entry(target.to_string()).or_default().1 += 1;
                    return FlowGuard {
                        flows: self,
                        source: source.to_string(),
                        target: target.to_string(),
                    };
                }
            }
            notified.await;
        }
    }
}

impl Drop for FlowGuard<'_> {
    fn drop(&mut self) {
        let mut roles = self.flows.roles.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(role) = roles.get_mut(&self.source) {
            role.0 = role.0.saturating_sub(1);
        }
        if let Some(role) = roles.get_mut(&self.target) {
            role.1 = role.1.saturating_sub(1);
        }
        drop(roles);
        self.flows.changed.notify_waiters();
    }
}

/// A window whose keys are all on its target, waiting for its hand-off (it keeps its place in
/// [`KeyFlows`] until then).
struct MovedWindow<'a> {
    keys: Vec<u64>,
    _flow: FlowGuard<'a>,
}

/// A window handed off: its slots with their source and target, or why it stopped.
type WindowOutcome<'a> = Result<(Vec<SlotDone>, &'a Endpoint, &'a Endpoint), MoveError>;

/// A hand-off under way while the next window's keys move.
type HandingOff<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = WindowOutcome<'a>> + Send + 'a>>;

/// Everything a worker needs.
struct Engine {
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    /// Where each window's slots change owner (`None` when only draining keys).
    handoffs: Option<Arc<Handoffs>>,
    options: MigrateOptions,
    progress: Arc<SlotLog>,
    stop: Arc<AtomicBool>,
    throttle: Throttle,
    flows: KeyFlows,
    clock: PhaseClock,
}

/// Keeps the keys moved by all workers under a rate: after each batch a worker sleeps until the
/// running total is back within `rate * elapsed`.
struct Throttle {
    rate: Option<u64>,
    started: Instant,
    keys: std::sync::atomic::AtomicU64,
}

impl Throttle {
    fn new(rate: Option<u64>) -> Throttle {
        Throttle {
            rate: rate.filter(|&r| r > 0),
            started: Instant::now(),
            keys: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How long to wait after `moved` more keys.
    fn pause_after(&self, moved: u64) -> Duration {
        let total = self.keys.fetch_add(moved, Ordering::SeqCst) + moved;
        let Some(rate) = self.rate else {
            return Duration::ZERO;
        };
        let due = Duration::from_secs_f64(total as f64 / rate as f64);
        due.saturating_sub(self.started.elapsed())
    }
}

/// Runs `plan`. `endpoints` holds every source and target by id; `handoffs` hands each window's
/// slots over (the caller calls its `finish` afterwards to verify them).
/// Setting `stop` (Ctrl-C) lets the windows in flight finish and starts no new one.
pub async fn execute_moves(
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    handoffs: Arc<Handoffs>,
    plan: &MovePlan,
    options: MigrateOptions,
    progress: Arc<SlotLog>,
    stop: Arc<AtomicBool>,
) -> (MoveSummary, Vec<MoveError>) {
    let started = Instant::now();
    let limit = Arc::new(Semaphore::new(options.parallel.max(1)));
    let options_rate = options.rate;
    let engine = Arc::new(Engine {
        session,
        endpoints,
        handoffs: Some(handoffs),
        options,
        progress,
        stop,
        throttle: Throttle::new(options_rate),
        flows: KeyFlows::default(),
        clock: PhaseClock::default(),
    });
    let mut by_source: Vec<(String, Vec<SlotMove>)> = Vec::new();
    for step in &plan.moves {
        match by_source
            .iter_mut()
            .find(|(source, _)| *source == step.source)
        {
            Some((_, moves)) => moves.push(step.clone()),
            None => by_source.push((step.source.clone(), vec![step.clone()])),
        }
    }
    let results = concurrently(by_source, |(_, moves)| {
        let engine = Arc::clone(&engine);
        let limit = Arc::clone(&limit);
        async move {
            let _permit = limit.acquire_owned().await.ok();
            engine.run_source(moves).await
        }
    })
    .await;
    let mut summary = MoveSummary::default();
    let mut errors = Vec::new();
    for (done, error) in results {
        summary.slots += done.len();
        summary.keys += done.iter().map(|d| d.keys).sum::<u64>();
        errors.extend(error);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    summary.phases = Some(engine.clock.times());
    (summary, errors)
}

impl Engine {
    /// One source's moves, in plan order, a window of slots at a time, until done or told to stop.
    /// Two windows overlap: while one is handed off (a few round trips with no work for the source),
    /// the next one's keys already move, so the source's MIGRATE pipeline stays busy. On a stop or an
    /// error no new window starts, and the ones in flight are finished.
    async fn run_source(&self, moves: Vec<SlotMove>) -> (Vec<SlotDone>, Option<MoveError>) {
        let mut done = Vec::new();
        let mut failure: Option<MoveError> = None;
        let mut handing: Option<HandingOff<'_>> = None;
        let mut rest: &[SlotMove] = &moves;
        while !rest.is_empty() {
            // `--max-latency` may have changed the window since the last one started.
            let window = next_window(rest, self.window_size());
            rest = &rest[window.len()..];
            // `--max-time` lets every source start one window, so each step makes progress.
            let started = !done.is_empty() || handing.is_some() || failure.is_some();
            if self.stop.load(Ordering::SeqCst) || (started && self.options.past_deadline()) {
                break;
            }
            let moving = self.move_window_keys(window);
            let (moved, previous) = match handing.take() {
                Some(previous) => {
                    let (moved, previous) = tokio::join!(moving, previous);
                    (moved, Some(previous))
                }
                None => (moving.await, None),
            };
            if let Some(previous) = previous {
                self.record(previous, &mut done, &mut failure);
            }
            match moved {
                Ok(moved) => handing = Some(Box::pin(self.hand_off_window(window, moved))),
                Err(error) => {
                    self.stop.store(true, Ordering::SeqCst);
                    failure.get_or_insert(error);
                }
            }
        }
        if let Some(last) = handing {
            let last = last.await;
            self.record(last, &mut done, &mut failure);
        }
        (done, failure)
    }

    /// Slots of one source in flight together: `--window`, or less while `--max-latency` says so.
    fn window_size(&self) -> usize {
        let pace = self.options.pace.as_ref();
        pace.map_or(self.options.window, |p| p.window().min(self.options.window))
    }

    /// Reports a window that was handed off, or keeps the first failure and stops the run.
    fn record(
        &self,
        outcome: WindowOutcome,
        done: &mut Vec<SlotDone>,
        failure: &mut Option<MoveError>,
    ) {
        match outcome {
            Ok((finished, source, target)) => {
                self.progress.slots_done(&finished, source, target);
                done.extend(finished);
            }
            Err(error) => {
                self.stop.store(true, Ordering::SeqCst);
                failure.get_or_insert(error);
            }
        }
    }

    /// A window's error: the slot, the step it reached, and the other slots that moved with it.
    fn window_error(
        &self,
        window: &[SlotMove],
        slot: u16,
        at: SlotStep,
        reason: String,
    ) -> MoveError {
        let others: Vec<String> = window
            .iter()
            .map(|m| m.slot.number())
            .filter(|s| *s != slot)
            .map(|s| s.to_string())
            .collect();
        let reason = if others.is_empty() || at == SlotStep::Untouched {
            reason
        } else {
            format!(
                "{reason} (slots {} were moving with it and may be open too)",
                others.join(",")
            )
        };
        MoveError {
            slot,
            source_address: self.endpoints[&window[0].source].address.to_string(),
            target_address: self.endpoints[&window[0].target].address.to_string(),
            step: at,
            reason,
        }
    }

    /// Steps 1-3 of the per-slot state machine for a window (one source, one target; each step one
    /// pipeline for the whole window): IMPORTING, MIGRATING, every key moved.
    async fn move_window_keys(&self, window: &[SlotMove]) -> Result<MovedWindow<'_>, MoveError> {
        let source = &self.endpoints[&window[0].source];
        let target = &self.endpoints[&window[0].target];
        let slots: Vec<u16> = window.iter().map(|m| m.slot.number()).collect();
        // No node both sends and receives keys at once: opposite MIGRATEs block both servers.
        let flow = self.flows.enter(&source.id, &target.id).await;
        if let Some(handoffs) = &self.handoffs {
            handoffs.expect_incoming(&target.id, slots.len()).await;
        }
        match self.open_and_move(&slots, source, target).await {
            Ok(keys) => Ok(MovedWindow { keys, _flow: flow }),
            Err(error) => {
                if let Some(handoffs) = &self.handoffs {
                    handoffs.incoming_failed(&target.id, slots.len()).await;
                }
                Err(self.window_error(window, error.slot, error.step, error.reason))
            }
        }
    }

    /// Step 4 (docs/handoff.md): the window's slots handed to the target (target first, then every
    /// other master, epochs checked); what moved, with the window's source and target.
    async fn hand_off_window<'w>(
        &'w self,
        window: &'w [SlotMove],
        moved: MovedWindow<'w>,
    ) -> WindowOutcome<'w> {
        let source = &self.endpoints[&window[0].source];
        let target = &self.endpoints[&window[0].target];
        let handing = Instant::now();
        let _timed = Defer(|| PhaseClock::add(&self.clock.handoff, handing));
        if let Some(handoffs) = &self.handoffs {
            let group: Vec<Handoff> = window.iter().map(|m| Handoff::of_move(m, true)).collect();
            if let Some(error) = handoffs.hand_off(&group).await.into_iter().next() {
                let first = window[0].slot.number();
                let slot = error.slots().first().copied().unwrap_or(first);
                return Err(self.window_error(
                    window,
                    slot,
                    SlotStep::Migrating,
                    error.to_string(),
                ));
            }
        }
        let finished = window
            .iter()
            .zip(moved.keys)
            .map(|(step, keys)| SlotDone {
                slot: step.slot.number(),
                source: step.source.clone(),
                target: step.target.clone(),
                keys,
            })
            .collect();
        Ok((finished, source, target))
    }

    /// Steps 1-3 of [`Engine::move_window_keys`]: open on both sides, move every key; the keys moved per
    /// slot, or the slot, step and reason of the first failure.
    async fn open_and_move(
        &self,
        slots: &[u16],
        source: &Endpoint,
        target: &Endpoint,
    ) -> Result<Vec<u64>, MoveError> {
        let fail = |slot: u16, step: SlotStep, reason: String| MoveError {
            slot,
            source_address: String::new(),
            target_address: String::new(),
            step,
            reason,
        };
        let first = slots[0];
        let slots = slots.to_vec();
        let mut on_target = self
            .client(&target.address)
            .await
            .map_err(|e| fail(first, SlotStep::Untouched, e.to_string()))?;
        let mut on_source = self
            .client(&source.address)
            .await
            .map_err(|e| fail(first, SlotStep::Untouched, e.to_string()))?;
        let opening = Instant::now();
        // 1. Target imports first, so ASK redirections from the source always find it ready.
        open_all(&mut on_target, &slots, SetSlot::Importing(&source.id))
            .await
            .map_err(|(slot, e)| fail(slot, SlotStep::Untouched, e))?;
        // 2. Source migrates.
        open_all(&mut on_source, &slots, SetSlot::Migrating(&target.id))
            .await
            .map_err(|(slot, e)| fail(slot, SlotStep::Importing, e))?;
        PhaseClock::add(&self.clock.open, opening);
        // 3. Keys, batch by batch, every slot of the window at once.
        self.move_keys(&slots, &mut on_source, &mut on_target, target)
            .await
            .map_err(|(slot, e)| fail(slot, SlotStep::Migrating, e))
    }

    async fn client(&self, address: &NodeAddress) -> Result<NodeClient, NetError> {
        self.session.client(address).await
    }

    /// Every key of `slots`, database by database: the source's databases that hold keys are read
    /// once the slots are open (MIGRATING: a key created afterwards goes to the target, so a
    /// database empty now gains none of these slots' keys), and each is drained in turn. Returns the
    /// keys moved per slot, summed over the databases.
    async fn move_keys(
        &self,
        slots: &[u16],
        source: &mut NodeClient,
        target: &mut NodeClient,
        to: &Endpoint,
    ) -> Result<Vec<u64>, (u16, String)> {
        let first = slots.first().copied().unwrap_or(0);
        let keyspace = source
            .keyspace()
            .await
            .map_err(|e| (first, format!("its databases could not be read: {e}")))?;
        let mut moved = vec![0u64; slots.len()];
        for db in keyspace.numbers() {
            let in_db = self.move_keys_in(db, slots, source, target, to).await?;
            for (total, keys) in moved.iter_mut().zip(in_db) {
                *total += keys;
            }
        }
        Ok(moved)
    }

    /// GETKEYSINSLOT for every open slot, then one MIGRATE per slot with keys, both pipelined and
    /// both in database `db` (the MIGRATE stores into the same database on the target), until no slot
    /// has keys left; returns the keys moved per slot. A slot that returned fewer keys than asked for
    /// is drained once they moved (a MIGRATING source sends clients of a missing key to the target,
    /// so none can appear); the hand-off counts the source's keys again, in every database, before
    /// it claims (docs/handoff.md).
    async fn move_keys_in(
        &self,
        db: u16,
        slots: &[u16],
        source: &mut NodeClient,
        target: &mut NodeClient,
        to: &Endpoint,
    ) -> Result<Vec<u64>, (u16, String)> {
        let mut moved = vec![0u64; slots.len()];
        let mut open: Vec<usize> = (0..slots.len()).collect();
        let mut migrating = source
            .clone()
            .with_timeout(self.options.migrate_timeout + Duration::from_secs(5));
        let mut batch = BatchSize::new(self.options.pipeline);
        while !open.is_empty() {
            // `--max-latency`: this round's batch and slots as the observer's pace allows (the
            // window's other slots wait for the next rounds), and a pause after it.
            let pace = self.options.pace.as_ref();
            let asked_for = pace.map_or(batch.size, |p| batch.size.min(p.batch()));
            let waiting = open.split_off(pace.map_or(open.len(), |p| p.window().min(open.len())));
            let mut get = redis::pipe();
            in_database(&mut get, db, |get| {
                for &index in &open {
                    get.cmd("CLUSTER")
                        .arg("GETKEYSINSLOT")
                        .arg(slots[index])
                        .arg(asked_for);
                }
            });
            let asked = Instant::now();
            let found: Vec<Vec<Vec<u8>>> = source
                .pipeline(&get, "CLUSTER GETKEYSINSLOT")
                .await
                .map_err(|e| (slots[open[0]], e.to_string()))?;
            PhaseClock::add(&self.clock.getkeys, asked);
            let work: Vec<(usize, Vec<Vec<u8>>)> = open
                .iter()
                .copied()
                .zip(found)
                .filter(|(_, keys)| !keys.is_empty())
                .collect();
            open = work
                .iter()
                .filter(|(_, keys)| keys.len() >= asked_for)
                .map(|(index, _)| *index)
                .chain(waiting)
                .collect();
            if work.is_empty() {
                continue;
            }
            // Big keys (`exec::big_keys`) each move in a MIGRATE of their own, after the batch.
            let (work, alone) = self.split_alone(db, work);
            for (index, key) in alone {
                self.migrate_alone(&mut migrating, target, to, db, key)
                    .await
                    .map_err(|e| (slots[index], e))?;
                moved[index] += 1;
            }
            if work.is_empty() {
                continue;
            }
            // One MIGRATE per slot: the source refuses keys of several slots (CROSSSLOT).
            let started = Instant::now();
            let commands: Vec<redis::Cmd> = work
                .iter()
                .map(|(_, keys)| self.migrate_command(to, db, keys, self.options.replace))
                .collect();
            let replies = migrating
                .pipeline_in(db, &commands, "MIGRATE")
                .await
                .map_err(|e| (slots[work[0].0], e.to_string()))?;
            PhaseClock::add(&self.clock.migrate, started);
            let largest = work.iter().map(|(_, keys)| keys.len()).max().unwrap_or(0);
            batch.adapt(largest, started.elapsed() / work.len() as u32);
            for ((index, keys), reply) in work.iter().zip(replies) {
                self.settle_migrate_reply(reply, &mut migrating, target, to, db, keys)
                    .await
                    .map_err(|e| (slots[*index], e))?;
                moved[*index] += keys.len() as u64;
            }
            let batch_keys: u64 = work.iter().map(|(_, keys)| keys.len() as u64).sum();
            let pause = self.throttle.pause_after(batch_keys);
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
            // `--max-latency` at its floor: the rest of the observer's pause after each batch.
            if let Some(pace) = pace {
                self.rest(pace.pause().saturating_sub(pause)).await;
            }
        }
        Ok(moved)
    }

    /// Waits `pause`, a slice at a time, cut short by a stop (Ctrl-C): the window in flight then
    /// finishes without pauses.
    async fn rest(&self, pause: Duration) {
        const SLICE: Duration = Duration::from_millis(50);
        let until = Instant::now() + pause;
        while !self.stop.load(Ordering::SeqCst) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            tokio::time::sleep(left.min(SLICE)).await;
        }
    }

    /// One MIGRATE's reply: passing errors retried, BUSYKEY resolved by comparing values, any other
    /// error returned with the server's words.
    async fn settle_migrate_reply(
        &self,
        reply: redis::RedisResult<redis::Value>,
        migrating: &mut NodeClient,
        target: &mut NodeClient,
        to: &Endpoint,
        db: u16,
        keys: &[Vec<u8>],
    ) -> Result<(), String> {
        let reply = self.retry_migrate(reply, migrating, to, db, keys).await;
        let Err(error) = reply else {
            return Ok(());
        };
        match crate::net::server_error_text(&error) {
            Some(_) if decide(classify(&error)) == Decision::ResolveBusyKeys => {
                self.resolve_busy_keys(migrating, target, to, db, keys)
                    .await
            }
            Some(text) => Err(format!(
                "{} replied with error: {text}",
                migrating.address()
            )),
            None => Err(error.to_string()),
        }
    }

    /// This engine's MIGRATE of `keys` to database `db` of `to` (the source must have `db` selected).
    fn migrate_command(
        &self,
        to: &Endpoint,
        db: u16,
        keys: &[Vec<u8>],
        replace: bool,
    ) -> redis::Cmd {
        let flags: &[&str] = if replace { &["REPLACE"] } else { &[] };
        let auth = (self.options.user.as_deref(), self.options.password.as_ref());
        migrate_keys_command(
            (&to.migrate_host, to.address.port),
            db,
            self.migrate_timeout_for(db, keys),
            flags,
            auth,
            keys,
        )
    }

    /// Resends a batch the target refused for a passing reason (CLUSTERDOWN while it settles,
    /// TRYAGAIN) with the movers' backoff (`exec::retry::resend`: every 100 ms for at most 10 s);
    /// MIGRATE deletes nothing on the source until the target has stored the keys, so a retry
    /// cannot lose or double a key.
    async fn retry_migrate(
        &self,
        first: redis::RedisResult<redis::Value>,
        source: &NodeClient,
        to: &Endpoint,
        db: u16,
        keys: &[Vec<u8>],
    ) -> redis::RedisResult<redis::Value> {
        resend(first, || {
            let command = self.migrate_command(to, db, keys, self.options.replace);
            let mut source = source.clone();
            async move { source.run_raw_in(db, &command).await }
        })
        .await
    }

    /// One MIGRATE on the source from database `db` (OK, or NOKEY when the keys vanished meanwhile).
    async fn migrate(
        &self,
        source: &mut NodeClient,
        to: &Endpoint,
        db: u16,
        keys: &[Vec<u8>],
        replace: bool,
    ) -> Result<(), String> {
        let command = self.migrate_command(to, db, keys, replace);
        match source.run_raw_in(db, &command).await {
            Ok(_) => Ok(()),
            Err(error) => Err(match crate::net::server_error_text(&error) {
                Some(text) => format!("{} replied with error: {text}", source.address()),
                None => error.to_string(),
            }),
        }
    }
}

/// `CLUSTER SETSLOT s IMPORTING|MIGRATING node` for every slot, one pipeline; the first failing slot
/// and why. (Owner changes go through [`Handoffs`] only.)
async fn open_all(
    client: &mut NodeClient,
    slots: &[u16],
    action: SetSlot<'_>,
) -> Result<(), (u16, String)> {
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for slot in slots {
        pipe.add_command(setslot_command(*slot, action));
    }
    let what = format!("CLUSTER SETSLOT {}", action.name());
    let replies: Vec<redis::RedisResult<redis::Value>> = client
        .pipeline(&pipe, &what)
        .await
        .map_err(|e| (slots[0], e.to_string()))?;
    for (slot, reply) in slots.iter().zip(replies) {
        if let Err(error) = reply {
            let text = crate::net::server_error_text(&error).unwrap_or_else(|| error.to_string());
            return Err((
                *slot,
                format!("{} replied to {what}: {text}", client.address()),
            ));
        }
    }
    Ok(())
}

/// Runs its closure when dropped (timing a block with early returns).
struct Defer<F: FnMut()>(F);

impl<F: FnMut()> Drop for Defer<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// The first moves of `moves` with the same target, at most `size` of them (at least one).
fn next_window(moves: &[SlotMove], size: usize) -> &[SlotMove] {
    let mut end = 1.min(moves.len());
    while end < moves.len() && end < size.max(1) && moves[end].target == moves[0].target {
        end += 1;
    }
    &moves[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_spreads_keys_over_time() {
        let none = Throttle::new(None);
        assert_eq!(none.pause_after(1_000_000), Duration::ZERO);
        let throttle = Throttle::new(Some(1000));
        let pause = throttle.pause_after(500);
        assert!(
            pause > Duration::from_millis(400) && pause <= Duration::from_millis(500),
            "{pause:?}"
        );
        let more = throttle.pause_after(500);
        assert!(more > Duration::from_millis(900), "{more:?}");
    }

    #[test]
    fn batches_grow_when_fast_and_shrink_when_slow() {
        let mut batch = BatchSize::new(100);
        batch.adapt(100, Duration::from_millis(1));
        assert_eq!(batch.size, 200);
        batch.adapt(50, Duration::from_millis(1));
        assert_eq!(
            batch.size, 200,
            "a mostly empty batch says nothing about speed"
        );
        batch.adapt(200, Duration::from_millis(500));
        assert_eq!(batch.size, 100);
        for _ in 0..20 {
            batch.adapt(batch.size, Duration::from_millis(1));
        }
        assert_eq!(batch.size, BatchSize::CEILING);
        for _ in 0..20 {
            batch.adapt(batch.size, Duration::from_secs(1));
        }
        assert_eq!(batch.size, 10);
    }
}
