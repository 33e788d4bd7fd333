//! Redis 8.4+ atomic slot migration (`CLUSTER MIGRATION IMPORT | STATUS | CANCEL`) behind the same
//! plan, progress and journal as the other movers. The protocol and why it loses no key:
//! `docs/redis-asm.md`.
//!
//! A plan becomes one task per (source, destination) pair: `CLUSTER MIGRATION IMPORT a b ...` sent
//! to the destination, which answers a task id at once and moves the slots with a snapshot and a
//! stream, then takes them over within a short write pause. A node runs one task at a time, as
//! importer or migrator (`asmCreateImportTask` refuses "another ASM task is already in progress"),
//! so tasks run in waves where no node appears twice. A task succeeds only once it is **settled**:
//! `completed` on the destination, then on the source, and the source's trim of the moved keys
//! finished (`cluster_slot_migration_active_trim_running:0`); the masters outside it are then told
//! the new owner (those slots their table does not show so yet). A task that fails, or whose state
//! does not change for the no-progress limit, is cancelled on both sides (the servers roll it
//! back: the slots stay with the source); Ctrl-C cancels the same way. Each phase a task enters is
//! shown with the run's slots done and an ETA from the keys counted before the first task
//! (`progress`); `status` reads what the servers say. Called by `exec::mover` (a run) and by
//! `exec::run::conclude_left_tasks` (`resume`, `fix`).

mod progress;
mod status;
#[cfg(test)]
mod tests;

use super::failpoint;
use super::handoff::announce_owner;
use super::journal::LeftTask;
use super::moves::{Endpoint, MoveError, MoveSummary, SlotDone, SlotLog, SlotStep, TaskTimes};
use crate::net::{NodeAddress, NodeClient, Session, concurrently};
use crate::plan::MovePlan;
use crate::topology::SlotSet;
use progress::{Backoff, Tally};
use status::{Phase, Received, names_owner, source_side, stalled, task_state};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a task's state is read: 1 ms after a change, doubling while nothing changes, up to
/// 4 ms (a STATUS is a few microseconds of the server's time; the wait between a task's end and its
/// report is at most the current wait).
fn poll() -> Backoff {
    Backoff::new(Duration::from_millis(1), Duration::from_millis(4))
}

/// One task: the slots `source` gives `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pair {
    source: String,
    target: String,
    slots: SlotSet,
}

/// The plan's moves as (source, target) pairs, in plan order of their first slot.
fn pairs_of(plan: &MovePlan) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = Vec::new();
    for step in &plan.moves {
        match pairs
            .iter_mut()
            .find(|p| p.source == step.source && p.target == step.target)
        {
            Some(pair) => pair.slots.insert(step.slot),
            None => {
                let mut slots = SlotSet::new();
                slots.insert(step.slot);
                pairs.push(Pair {
                    source: step.source.clone(),
                    target: step.target.clone(),
                    slots,
                });
            }
        }
    }
    pairs
}

/// Splits `pairs` into waves in which no node is in two pairs (a node runs one task at a time),
/// greedily in order.
fn waves(pairs: Vec<Pair>) -> Vec<Vec<Pair>> {
    let mut left = pairs;
    let mut waves = Vec::new();
    while !left.is_empty() {
        let mut busy: BTreeSet<String> = BTreeSet::new();
        let mut wave = Vec::new();
        let mut rest = Vec::new();
        for pair in left {
            if busy.contains(&pair.source) || busy.contains(&pair.target) {
                rest.push(pair);
            } else {
                busy.insert(pair.source.clone());
                busy.insert(pair.target.clone());
                wave.push(pair);
            }
        }
        waves.push(wave);
        left = rest;
    }
    waves
}

/// Runs `plan` with Redis's server-side tasks. `endpoints` holds every source and target by id.
pub async fn execute_redis_asm(
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    plan: &MovePlan,
    no_progress_limit: Duration,
    deadline: Option<Instant>,
    progress: Arc<SlotLog>,
    stop: Arc<AtomicBool>,
) -> (MoveSummary, Vec<MoveError>) {
    let started = Instant::now();
    let pairs = pairs_of(plan);
    let tally = Arc::new(Tally::new(plan.moves.len()));
    let counted = count_pairs(&session, &endpoints, &pairs, Arc::clone(&tally));
    // The counts' pipelines go out before the first IMPORT.
    tokio::task::yield_now().await;
    let runner = Arc::new(TaskRunner {
        session,
        endpoints,
        progress,
        stop,
        no_progress_limit,
        tally,
        times: Mutex::new(TaskTimes::default()),
        counted,
    });
    let mut summary = MoveSummary::default();
    let mut errors = Vec::new();
    for (n, wave) in waves(pairs).into_iter().enumerate() {
        // `--max-time` lets the first wave start, so each step makes progress.
        let out_of_time = n > 0 && deadline.is_some_and(|d| Instant::now() >= d);
        if runner.stop.load(Ordering::SeqCst) || !errors.is_empty() || out_of_time {
            break;
        }
        let results = concurrently(wave, |pair| {
            let runner = Arc::clone(&runner);
            async move { runner.run(pair).await }
        })
        .await;
        for outcome in results {
            outcome.add_to(&mut summary, &mut errors);
        }
    }
    summary.seconds = started.elapsed().as_secs_f64();
    let mut times = runner.times().clone();
    times.count = runner.counted.borrow().as_ref().map_or(0.0, |c| c.seconds);
    summary.tasks = Some(times);
    (summary, errors)
}

/// The keys of every pair's slots, counted on its source (all pairs at once), once counted.
struct Counted {
    keys: HashMap<(String, String), Vec<u64>>,
    /// How long the counting took (beside the first tasks, not before them).
    seconds: f64,
}

/// Counts every pair's keys on its source in a task of its own, beside the first tasks' start:
/// a task's keys leave its source only with the trim after it completed, so a count taken while
/// it starts is the count before the move. The counts are informational (the report's keys, the
/// ETA's total in `tally`): a count that fails is empty. The receiver sees them once all are in.
fn count_pairs(
    session: &Arc<Session>,
    endpoints: &HashMap<String, Endpoint>,
    pairs: &[Pair],
    tally: Arc<Tally>,
) -> tokio::sync::watch::Receiver<Option<Arc<Counted>>> {
    let (send, counted) = tokio::sync::watch::channel(None);
    let work: Vec<(Pair, NodeAddress)> = pairs
        .iter()
        .map(|p| (p.clone(), endpoints[&p.source].address.clone()))
        .collect();
    let session = Arc::clone(session);
    tokio::spawn(async move {
        let started = Instant::now();
        let counts = concurrently(work, |(pair, source)| {
            let session = Arc::clone(&session);
            async move {
                let keys = count_keys(&session, &source, &pair.slots)
                    .await
                    .unwrap_or_default();
                ((pair.source, pair.target), keys)
            }
        })
        .await;
        tally.set_keys_total(counts.iter().flat_map(|(_, keys)| keys).sum());
        let _ = send.send(Some(Arc::new(Counted {
            keys: counts.into_iter().collect(),
            seconds: started.elapsed().as_secs_f64(),
        })));
    });
    counted
}

/// The keys of `slots` on `source`, one count per slot.
async fn count_keys(
    session: &Arc<Session>,
    source: &NodeAddress,
    slots: &SlotSet,
) -> Result<Vec<u64>, String> {
    let numbers: Vec<u16> = slots.iter().map(|s| s.number()).collect();
    let mut client = session.client(source).await.map_err(|e| e.to_string())?;
    client
        .count_keys_in_slots(&numbers)
        .await
        .map_err(|e| e.to_string())
}

/// What to do with a task an interrupted run left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclude {
    /// Follow it to its end and settle it (`resume`).
    Finish,
    /// Cancel it on both sides unless it completed already (`fix`).
    Cancel,
}

/// The tasks an interrupted run's journal left (`tasks`), each finished or cancelled (`how`),
/// all at once (they ran in one wave: no node is in two). Slots of a task that completes are
/// journaled through `progress` like those of a run; every task concluded is journaled as ended.
pub async fn conclude_left_tasks(
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    tasks: &[LeftTask],
    how: Conclude,
    no_progress_limit: Duration,
    progress: Arc<SlotLog>,
) -> (MoveSummary, Vec<MoveError>) {
    let started = Instant::now();
    let slots_total = tasks.iter().map(|t| task_slots(t).len()).sum();
    let runner = Arc::new(TaskRunner {
        session,
        endpoints,
        progress,
        stop: Arc::new(AtomicBool::new(false)),
        no_progress_limit,
        tally: Arc::new(Tally::new(slots_total)),
        times: Mutex::new(TaskTimes::default()),
        // A concluded task's keys are counted on its destination once it settled.
        counted: tokio::sync::watch::channel(None).1,
    });
    let mut summary = MoveSummary::default();
    let mut errors = Vec::new();
    for task in tasks {
        if !runner.endpoints.contains_key(&task.source)
            || !runner.endpoints.contains_key(&task.target)
        {
            errors.extend(task_slots(task).iter().map(|slot| MoveError {
                slot: slot.number(),
                source_address: task.source.clone(),
                target_address: task.target.clone(),
                step: SlotStep::Untouched,
                reason: format!(
                    "task {} names a node that is not a reachable master; run `rcluster check`",
                    task.id
                ),
            }));
        }
    }
    if !errors.is_empty() {
        return (summary, errors);
    }
    let results = concurrently(tasks.to_vec(), |task| {
        let runner = Arc::clone(&runner);
        async move {
            let pair = Pair {
                slots: task_slots(&task),
                source: task.source,
                target: task.target,
            };
            runner.conclude(pair, &task.id, how).await
        }
    })
    .await;
    for outcome in results {
        outcome.add_to(&mut summary, &mut errors);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    (summary, errors)
}

/// A journaled task's slots.
fn task_slots(task: &LeftTask) -> SlotSet {
    SlotSet::read_ranges(&task.slots)
}

/// What one task did.
#[derive(Default)]
struct TaskOutcome {
    done: Vec<SlotDone>,
    errors: Vec<MoveError>,
    notes: Vec<String>,
}

impl TaskOutcome {
    /// Counts this task into a run's summary and errors.
    fn add_to(self, summary: &mut MoveSummary, errors: &mut Vec<MoveError>) {
        summary.slots += self.done.len();
        summary.keys += self.done.iter().map(|d| d.keys).sum::<u64>();
        errors.extend(self.errors);
        summary.warnings.extend(self.notes);
    }
}

/// Everything a task needs.
struct TaskRunner {
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    progress: Arc<SlotLog>,
    stop: Arc<AtomicBool>,
    no_progress_limit: Duration,
    /// Slots and keys settled, for the ETA.
    tally: Arc<Tally>,
    /// Where the time went (the profile).
    times: Mutex<TaskTimes>,
    /// The keys of each pair, once counted (`count_pairs`).
    counted: tokio::sync::watch::Receiver<Option<Arc<Counted>>>,
}

impl TaskRunner {
    fn times(&self) -> std::sync::MutexGuard<'_, TaskTimes> {
        self.times.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds the time since `*since` to the profile's `field`, and restarts `since`.
    fn spent(&self, since: &mut Instant, field: fn(&mut TaskTimes) -> &mut f64) {
        *field(&mut self.times()) += since.elapsed().as_secs_f64();
        *since = Instant::now();
    }

    /// The keys of `pair`'s slots on its source, once counted (none when the count failed).
    async fn keys_of(&self, pair: &Pair) -> Vec<u64> {
        let mut counted = self.counted.clone();
        let Ok(seen) = counted.wait_for(Option::is_some).await else {
            return Vec::new();
        };
        seen.as_ref()
            .and_then(|c| c.keys.get(&(pair.source.clone(), pair.target.clone())))
            .cloned()
            .unwrap_or_default()
    }

    async fn run(&self, pair: Pair) -> TaskOutcome {
        let source = &self.endpoints[&pair.source];
        let target = &self.endpoints[&pair.target];
        let numbers: Vec<u16> = pair.slots.iter().map(|s| s.number()).collect();
        let fail = |reason: String, step: SlotStep| TaskOutcome {
            errors: self.errors(&pair, &reason, step),
            ..TaskOutcome::default()
        };
        let (mut on_source, mut on_target) = match self.clients(source, target).await {
            Ok(clients) => clients,
            Err(error) => return fail(error.to_string(), SlotStep::Untouched),
        };
        let mut since = Instant::now();
        let id = match self.start(&mut on_target, &pair).await {
            Ok(Some(id)) => id,
            Ok(None) => {
                let keys = self.keys_of(&pair).await;
                return self
                    .finished(&pair, &numbers, &keys, Vec::new(), None)
                    .await;
            }
            Err(reason) => return fail(reason, SlotStep::Untouched),
        };
        self.progress.task_started(LeftTask {
            id: id.clone(),
            source: pair.source.clone(),
            target: pair.target.clone(),
            slots: pair.slots.to_compact(),
        });
        self.spent(&mut since, |t| &mut t.start);
        let keys = self.keys_of(&pair).await;
        let task_keys: u64 = keys.iter().sum();
        failpoint::pause("after-task-start").await;
        match self.follow(&mut on_target, &id, &pair, task_keys).await {
            Followed::Completed => {}
            Followed::Failed(reason) => {
                self.cancel(&mut on_source, &mut on_target, &id).await;
                self.progress.task_ended(&id);
                return fail(reason, SlotStep::Untouched);
            }
            Followed::Stopped => {
                self.cancel(&mut on_source, &mut on_target, &id).await;
                self.progress.task_ended(&id);
                let note = format!(
                    "cancelled the server-side migration of {} slots from {} to {} (task {id}); the servers keep them on the source",
                    pair.slots.len(),
                    source.address,
                    target.address
                );
                return TaskOutcome {
                    notes: vec![note],
                    ..TaskOutcome::default()
                };
            }
        }
        self.spent(&mut since, |t| &mut t.destination);
        let notes = match self.settle(&mut on_source, &id, &pair, task_keys).await {
            Ok(()) => Vec::new(),
            Err(reason) => return fail(reason, SlotStep::Assigned),
        };
        self.spent(&mut since, |t| &mut t.settle);
        let outcome = self
            .finished(&pair, &numbers, &keys, notes, Some(&id))
            .await;
        self.spent(&mut since, |t| &mut t.report);
        outcome
    }

    /// A task an earlier run started and left (its journal says so): finished as `run` would
    /// have (followed, settled, its slots journaled), or cancelled on both sides for `Cancel`
    /// unless it completed already. A task neither side knows any more ended before: nothing to
    /// do, its slots are where the servers left them.
    async fn conclude(&self, pair: Pair, id: &str, how: Conclude) -> TaskOutcome {
        let fail = |reason: String, step: SlotStep| TaskOutcome {
            errors: self.errors(&pair, &reason, step),
            ..TaskOutcome::default()
        };
        let (source, target) = (&self.endpoints[&pair.source], &self.endpoints[&pair.target]);
        let (mut on_source, mut on_target) = match self.clients(source, target).await {
            Ok(clients) => clients,
            Err(error) => return fail(error.to_string(), SlotStep::Untouched),
        };
        let known = match task_state(&mut on_target, id).await {
            Ok(state) => state,
            Err(reason) => return fail(reason, SlotStep::Untouched),
        };
        let Some(known) = known else {
            self.progress.task_ended(id);
            return TaskOutcome {
                notes: vec![format!(
                    "{} no longer knows task {id}: the servers ended it",
                    target.address
                )],
                ..TaskOutcome::default()
            };
        };
        if how == Conclude::Cancel && known.state != "completed" {
            self.cancel(&mut on_source, &mut on_target, id).await;
            let state = self.wait_final(&mut on_target, id).await;
            if state.as_deref() != Some("completed") {
                self.progress.task_ended(id);
                return TaskOutcome {
                    notes: vec![format!(
                        "cancelled task {id} that an interrupted run left ({} slots from {} to {}); the servers keep them on the source",
                        pair.slots.len(),
                        source.address,
                        target.address
                    )],
                    ..TaskOutcome::default()
                };
            }
        } else {
            match self.follow(&mut on_target, id, &pair, 0).await {
                Followed::Completed => {}
                Followed::Failed(reason) => {
                    self.cancel(&mut on_source, &mut on_target, id).await;
                    self.progress.task_ended(id);
                    return fail(reason, SlotStep::Untouched);
                }
                Followed::Stopped => {
                    return fail(
                        format!("stopped while following task {id}; it still runs on the servers"),
                        SlotStep::Untouched,
                    );
                }
            }
        }
        if let Err(reason) = self.settle(&mut on_source, id, &pair, 0).await {
            return fail(reason, SlotStep::Assigned);
        }
        let numbers: Vec<u16> = pair.slots.iter().map(|s| s.number()).collect();
        let keys = on_target
            .count_keys_in_slots(&numbers)
            .await
            .unwrap_or_default();
        self.finished(&pair, &numbers, &keys, Vec::new(), Some(id))
            .await
    }

    /// Reads the destination's state of `id` until it is final (after a cancel), bounded by the
    /// no-progress limit: the last state read, `None` once the destination forgot it.
    async fn wait_final(&self, target: &mut NodeClient, id: &str) -> Option<String> {
        let deadline = Instant::now() + self.no_progress_limit;
        let mut poll = poll();
        loop {
            let state = task_state(target, id).await.ok().flatten()?;
            if state.finished() || Instant::now() > deadline {
                return Some(state.state);
            }
            poll.sleep().await;
        }
    }

    /// `CLUSTER MIGRATION IMPORT` on the target: the task id, or `None` when the target owns the
    /// slots already. "another ASM task is already in progress" (the last task's node still
    /// finalising) is retried until the no-progress limit.
    async fn start(&self, target: &mut NodeClient, pair: &Pair) -> Result<Option<String>, String> {
        let mut words = vec!["CLUSTER".to_string(), "MIGRATION".into(), "IMPORT".into()];
        for (first, last) in pair.slots.ranges() {
            words.push(first.number().to_string());
            words.push(last.number().to_string());
        }
        let deadline = Instant::now() + self.no_progress_limit;
        let mut poll = poll();
        loop {
            match target.command_reply(&words).await {
                Ok(Ok(reply)) => {
                    return redis::from_redis_value::<String>(reply)
                        .map(Some)
                        .map_err(|e| format!("unexpected reply to CLUSTER MIGRATION IMPORT: {e}"));
                }
                Ok(Err(text)) if text.contains("already the owner") => return Ok(None),
                Ok(Err(text))
                    if text.contains("already in progress") && Instant::now() < deadline =>
                {
                    poll.sleep().await;
                }
                Ok(Err(text)) => {
                    return Err(format!(
                        "{} refused CLUSTER MIGRATION IMPORT: {text}",
                        target.address()
                    ));
                }
                Err(error) => return Err(error.to_string()),
            }
        }
    }

    /// Polls the destination until the task ends, Ctrl-C stops the run, or its state has not
    /// changed for the no-progress limit.
    async fn follow(&self, target: &mut NodeClient, id: &str, pair: &Pair, keys: u64) -> Followed {
        let mut shown: Option<Phase> = None;
        let mut last: Option<String> = None;
        let mut changed = Instant::now();
        let mut received = Received::default();
        let mut poll = poll();
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return Followed::Stopped;
            }
            let state = match task_state(target, id).await {
                Ok(Some(state)) => state,
                Ok(None) => {
                    return Followed::Failed(format!("{} forgot task {id}", target.address()));
                }
                Err(error) => return Followed::Failed(error),
            };
            if last.as_ref() != Some(&state.state) {
                changed = Instant::now();
                last = Some(state.state.clone());
                poll.reset();
            }
            let phase = Phase::of(&state.state);
            if shown != Some(phase) && phase != Phase::Ended {
                self.show_phase(pair, id, phase, keys);
                shown = Some(phase);
            }
            if Phase::of(&state.state) == Phase::Snapshot && received.grew(target).await {
                changed = Instant::now();
            }
            match state.state.as_str() {
                "completed" => return Followed::Completed,
                // `failed` is not final on the destination (it retries until cancelled).
                "failed" | "canceled" => {
                    return Followed::Failed(format!(
                        "the server's migration task {id} {}: {}",
                        state.state, state.message
                    ));
                }
                _ => {}
            }
            if changed.elapsed() > self.no_progress_limit {
                return Followed::Failed(stalled(id, &state.state, self.no_progress_limit));
            }
            poll.sleep().await;
        }
    }

    /// The success gate after the destination completed: the source's side completed too, and its
    /// trim of the moved keys finished. A move issued before that races with the source.
    async fn settle(
        &self,
        source: &mut NodeClient,
        id: &str,
        pair: &Pair,
        keys: u64,
    ) -> Result<(), String> {
        let deadline = Instant::now() + self.no_progress_limit;
        let mut shown = false;
        let mut poll = poll();
        loop {
            let (side, trimming) = source_side(source, id).await?;
            if trimming && !shown {
                self.show_phase(pair, id, Phase::Trim, keys);
                shown = true;
                poll.reset();
            }
            match side {
                Some(state) if state.finished() && state.state != "completed" => {
                    return Err(format!(
                        "the destination completed task {id}, but the source ended it `{}`: {}; run `rcluster check`",
                        state.state, state.message
                    ));
                }
                Some(state) if state.state == "completed" && !trimming => return Ok(()),
                None if !trimming => return Ok(()),
                _ => {}
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "task {id} completed on the destination, but {} did not finish it (or its trim) within {:?}; run `rcluster check` before moving these slots again",
                    source.address(),
                    self.no_progress_limit
                ));
            }
            poll.sleep().await;
        }
    }

    /// Connections to both sides of a task.
    async fn clients(
        &self,
        source: &Endpoint,
        target: &Endpoint,
    ) -> Result<(NodeClient, NodeClient), crate::net::NetError> {
        let on_source = self.session.client(&source.address).await?;
        let on_target = self.session.client(&target.address).await?;
        Ok((on_source, on_target))
    }

    /// Shows that the task `id` of `pair` entered `phase`.
    /// With the task's `keys` (counted before), the run's slots done and its ETA.
    fn show_phase(&self, pair: &Pair, id: &str, phase: Phase, keys: u64) {
        let seen = self.tally.seen();
        self.progress.task_phase(&crate::report::TaskPhase {
            id: id.to_string(),
            source: self.endpoints[&pair.source].address.to_string(),
            target: self.endpoints[&pair.target].address.to_string(),
            slot_count: pair.slots.len(),
            phase: phase.name(),
            keys,
            slots_done: seen.slots_done,
            slots_total: seen.slots_total,
            eta_seconds: seen.eta_seconds,
        });
    }

    /// `CLUSTER MIGRATION CANCEL ID` on both sides (errors ignored: a side may have ended it).
    async fn cancel(&self, source: &mut NodeClient, target: &mut NodeClient, id: &str) {
        let words: Vec<String> = ["CLUSTER", "MIGRATION", "CANCEL", "ID", id]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let _ = tokio::join!(target.command_reply(&words), source.command_reply(&words));
    }

    /// The pair's slots journaled (with the end of task `ended`, in one sync) and reported, the
    /// other masters told the owner meanwhile.
    async fn finished(
        &self,
        pair: &Pair,
        numbers: &[u16],
        keys: &[u64],
        notes: Vec<String>,
        ended: Option<&str>,
    ) -> TaskOutcome {
        let done: Vec<SlotDone> = numbers
            .iter()
            .zip(keys.iter().copied().chain(std::iter::repeat(0)))
            .map(|(slot, keys)| SlotDone {
                slot: *slot,
                source: pair.source.clone(),
                target: pair.target.clone(),
                keys,
            })
            .collect();
        let (source, target) = (&self.endpoints[&pair.source], &self.endpoints[&pair.target]);
        // The journal's sync (off the runtime's thread) while the other masters are told; the
        // slots are shown only once journaled.
        let journaled = {
            let (progress, done, ended) = (
                Arc::clone(&self.progress),
                done.clone(),
                ended.map(str::to_string),
            );
            tokio::task::spawn_blocking(move || {
                progress.journal_slots_done(&done, ended.as_deref());
            })
        };
        let told = self.tell_bystanders(pair, numbers).await;
        if journaled.await.is_err() {
            // The blocking task panicked: journal on this thread instead.
            self.progress.journal_slots_done(&done, ended);
        }
        self.progress.show_slots_done(&done, source, target);
        self.tally.settled(done.len(), keys.iter().sum());
        let notes = notes.into_iter().chain(told).collect();
        TaskOutcome {
            done,
            errors: Vec::new(),
            notes,
        }
    }

    /// The masters outside `pair` told the destination owns `numbers`, for the slots their table
    /// does not show so yet (the destination's claim, with its greater epoch, usually reached them
    /// already; a table that cannot be read is told every slot). They hold no key of these slots:
    /// they record the claim gossip would bring (docs/handoff.md, nodes left to gossip). All at once.
    async fn tell_bystanders(&self, pair: &Pair, numbers: &[u16]) -> Vec<String> {
        let bystanders: Vec<NodeAddress> = self
            .endpoints
            .values()
            .filter(|e| e.id != pair.target && e.id != pair.source)
            .map(|e| e.address.clone())
            .collect();
        let tables = crate::topology::load::load_tables(&self.session, &bystanders).await;
        let work: Vec<(NodeAddress, Vec<u16>)> = bystanders
            .into_iter()
            .zip(tables)
            .map(|(address, table)| {
                let untold = numbers
                    .iter()
                    .copied()
                    .filter(|&number| !names_owner(table.as_deref(), number, &pair.target))
                    .collect();
                (address, untold)
            })
            .filter(|(_, untold): &(NodeAddress, Vec<u16>)| !untold.is_empty())
            .collect();
        let (session, owner) = (Arc::clone(&self.session), pair.target.clone());
        concurrently(work, move |(address, untold)| {
            let (session, owner) = (Arc::clone(&session), owner.clone());
            async move { announce_owner(&session, vec![address], &untold, &owner).await }
        })
        .await
        .into_iter()
        .flatten()
        .collect()
    }

    fn errors(&self, pair: &Pair, reason: &str, step: SlotStep) -> Vec<MoveError> {
        pair.slots
            .iter()
            .map(|slot| MoveError {
                slot: slot.number(),
                source_address: self.endpoints[&pair.source].address.to_string(),
                target_address: self.endpoints[&pair.target].address.to_string(),
                step,
                reason: reason.to_string(),
            })
            .collect()
    }
}

/// How following a task ended.
enum Followed {
    Completed,
    Failed(String),
    Stopped,
}
