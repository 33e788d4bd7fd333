//! The observing client of `--observe` and `--max-latency`: while `exec::run` moves slots, a
//! cluster-aware client (the drill's routes, `exec::drill`) sends `SET` and `GET` to keys in the
//! slots being moved and to keys in other slots, on a thread and connections of its own (so the
//! mover's work on the run's thread is not counted as the client's wait). It follows redirects as
//! a client does (`ASK`: `ASKING` and the command on the named node; `MOVED`: the slot table read
//! again; `TRYAGAIN`: a short pause and the command again), counting each. It measures a baseline
//! for a bounded time before the first slot moves, then until the moves end; its figures go to the
//! reporter ([`Event::Latency`]) and into the run's report ([`ObserveReport`]). Its keys are
//! deleted by the driver once the hand-offs are verified ([`delete_keys`]).
//!
//! With `--max-latency`, the p99 of the recent samples drives the AIMD controller of
//! `observe::latency`, whose window, batch and pause between batches the legacy mover reads from
//! the shared [`Pace`] (`exec::migrate`). The arithmetic is pure and tested in `observe/latency.rs`.

pub mod latency;

use super::drill::Routes;
use super::retry::{ServerError, classify_text, redirect_of};
use crate::net::{ConnectOptions, NodeAddress, Session};
use crate::report::{Event, LatencyProgress, PhaseLatency, Redirects, Reporter};
use crate::topology::key_slot;
use latency::{Change, Limits, Pacer, Recent, Tally};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// What `--observe`, `--observe-baseline` and `--max-latency` ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObserveOptions {
    /// How long the baseline is measured before the first slot moves.
    pub baseline: Duration,
    /// Hold the recent p99 under this bound (legacy mover only).
    pub max_latency: Option<Duration>,
}

/// The window, batch and pause the legacy mover may use now, set by the observer
/// (`--max-latency`).
#[derive(Debug)]
pub struct Pace {
    window: AtomicUsize,
    batch: AtomicUsize,
    /// Microseconds.
    pause: AtomicU64,
}

impl Pace {
    pub fn new(limits: Limits) -> Pace {
        Pace {
            window: AtomicUsize::new(limits.window.max(1)),
            batch: AtomicUsize::new(limits.batch.max(1)),
            pause: AtomicU64::new(limits.pause.as_micros() as u64),
        }
    }

    /// Slots of one source in flight together (at least 1).
    pub fn window(&self) -> usize {
        self.window.load(Ordering::Relaxed).max(1)
    }

    /// Keys per GETKEYSINSLOT / MIGRATE (at least 1).
    pub fn batch(&self) -> usize {
        self.batch.load(Ordering::Relaxed).max(1)
    }

    /// The wait after each batch (zero unless window and batch are at their smallest).
    pub fn pause(&self) -> Duration {
        Duration::from_micros(self.pause.load(Ordering::Relaxed))
    }

    fn set(&self, limits: Limits) {
        self.window.store(limits.window, Ordering::Relaxed);
        self.batch.store(limits.batch, Ordering::Relaxed);
        self.pause
            .store(limits.pause.as_micros() as u64, Ordering::Relaxed);
    }
}

/// What the observing client saw, for the run's report.
#[derive(Debug, Clone, Serialize)]
pub struct ObserveReport {
    /// How long the baseline was measured.
    pub baseline_ms: u64,
    /// Before the first slot moved.
    pub baseline: PhaseLatency,
    /// While the slots moved.
    pub during: PhaseLatency,
    /// `--max-latency`, and what the mover's pace became under it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_latency_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pace: Option<PaceReport>,
    /// The keys the client wrote: deleted with [`delete_keys`] once the hand-offs are verified
    /// (a key deleted before would count as lost there).
    #[serde(skip)]
    pub keys: Vec<String>,
}

/// How `--max-latency` adapted the legacy mover.
#[derive(Debug, Clone, Serialize)]
pub struct PaceReport {
    /// Slots in flight per source: the most it may use (`--window`), the most it used, and at
    /// the end (it starts at 1).
    pub window_limit: usize,
    pub window_peak: usize,
    pub window_end: usize,
    /// Keys per batch: the most it may use (`--pipeline`), the most it used, and at the end.
    pub batch_limit: usize,
    pub batch_peak: usize,
    pub batch_end: usize,
    /// The wait after each batch once window and batch are at their smallest, in milliseconds:
    /// the longest, and at the end (0: none).
    pub pause_peak_ms: f64,
    pub pause_end_ms: f64,
    /// Times the controller slowed the mover down and sped it up.
    pub shrunk: u64,
    pub grown: u64,
}

/// A running observer: its thread, and the figures it hands back.
pub struct Observer {
    stop: Arc<AtomicBool>,
    baseline: Option<oneshot::Receiver<()>>,
    done: oneshot::Receiver<ObserveReport>,
    /// The pace `--max-latency` sets (the legacy mover reads it).
    pub pace: Option<Arc<Pace>>,
}

/// Where the observer gets its keys and sends what it sees.
pub struct Target {
    pub connect: ConnectOptions,
    /// Nodes to read the slot table from.
    pub known: Vec<NodeAddress>,
    /// The slots being moved.
    pub moved: Vec<u16>,
    /// The most `--max-latency` lets the mover use (`--window`, `--pipeline`).
    pub ceiling: Limits,
    pub ui: Arc<dyn Reporter>,
}

impl Observer {
    /// Starts the client on a thread of its own; it measures the baseline first.
    pub fn start(target: Target, options: ObserveOptions) -> Observer {
        let stop = Arc::new(AtomicBool::new(false));
        let pace = options
            .max_latency
            .map(|bound| Arc::new(Pace::new(Pacer::new(bound, target.ceiling).limits())));
        let (baseline_tx, baseline_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let sampler = Sampler {
            target,
            options,
            stop: Arc::clone(&stop),
            pace: pace.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name("rcluster-observe".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    let report = runtime.block_on(sampler.run(baseline_tx));
                    let _ = done_tx.send(report);
                }
            });
        if spawned.is_err() {
            stop.store(true, Ordering::SeqCst);
        }
        Observer {
            stop,
            baseline: Some(baseline_rx),
            done: done_rx,
            pace,
        }
    }

    /// Waits until the baseline is measured (at once if the observer could not start).
    pub async fn baseline_measured(&mut self) {
        if let Some(baseline) = self.baseline.take() {
            let _ = baseline.await;
        }
    }

    /// Stops the client and returns what it saw (`None` if it could not run).
    pub async fn finish(mut self) -> Option<ObserveReport> {
        self.baseline_measured().await;
        self.stop.store(true, Ordering::SeqCst);
        (&mut self.done).await.ok()
    }
}

/// An observer dropped on an early return stops its client.
impl Drop for Observer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The keys the observer writes: `rcluster:observe:<pid>:<n>`, up to [`POOL`] in the moved slots
/// and as many in others, looking at no more than [`CANDIDATES`] names.
fn key_pools(moved: &[u16]) -> [Vec<String>; 2] {
    let mut is_moved = vec![false; usize::from(crate::topology::SLOT_COUNT)];
    for slot in moved {
        if let Some(flag) = is_moved.get_mut(usize::from(*slot)) {
            *flag = true;
        }
    }
    let pid = std::process::id();
    let mut pools: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for n in 0..CANDIDATES {
        let key = format!("rcluster:observe:{pid}:{n}");
        let class = usize::from(!is_moved[usize::from(key_slot(key.as_bytes()).number())]);
        if pools[class].len() < POOL {
            pools[class].push(key);
        }
        if pools[1].len() >= POOL && (pools[0].len() >= POOL || moved.is_empty()) {
            break;
        }
    }
    pools
}

/// Keys per class of slots.
const POOL: usize = 256;
/// Names tried to fill the pools (a single moved slot gets about 60 keys).
const CANDIDATES: u64 = 1_000_000;
/// A pair of commands (SET, GET) at most this often: about 1,000 samples a second.
const INTERVAL: Duration = Duration::from_millis(2);
/// The controller's period, and the span of the recent samples it reads.
const ADJUST_EVERY: Duration = Duration::from_millis(250);
const RECENT_SPAN: Duration = Duration::from_secs(1);
/// Progress events while slots move.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// Redirects followed for one command before it counts as an error.
const MAX_REDIRECTS: usize = 5;

/// The client's loop and its tallies.
struct Sampler {
    target: Target,
    options: ObserveOptions,
    stop: Arc<AtomicBool>,
    pace: Option<Arc<Pace>>,
}

/// The tallies of one phase: moved slots, other slots.
#[derive(Default)]
struct PhaseTally([Tally; 2]);

impl PhaseTally {
    fn figures(&self) -> PhaseLatency {
        PhaseLatency {
            moved_slots: self.0[0].figures(),
            other_slots: self.0[1].figures(),
        }
    }
}

/// `--max-latency`'s controller, the pace it sets and what it did.
struct Holder {
    pacer: Pacer,
    pace: Arc<Pace>,
    report: PaceReport,
    next: Instant,
}

impl Holder {
    fn new(bound: Duration, pace: Arc<Pace>, ceiling: Limits) -> Holder {
        let pacer = Pacer::new(bound, ceiling);
        let (limits, ceiling) = (pacer.limits(), pacer.ceiling());
        pace.set(limits);
        Holder {
            pacer,
            pace,
            report: PaceReport {
                window_limit: ceiling.window,
                window_peak: limits.window,
                window_end: limits.window,
                batch_limit: ceiling.batch,
                batch_peak: limits.batch,
                batch_end: limits.batch,
                pause_peak_ms: 0.0,
                pause_end_ms: 0.0,
                shrunk: 0,
                grown: 0,
            },
            next: Instant::now(),
        }
    }

    /// Once a period: adjusts the pace to the recent p99; after a change the recent samples are
    /// forgotten (they describe the old pace).
    fn adjust(&mut self, recent: &mut Recent, now: Instant) {
        if now < self.next {
            return;
        }
        self.next = now + ADJUST_EVERY;
        let change = self.pacer.adjust(recent.p99(now));
        if change == Change::Kept {
            return;
        }
        let limits = self.pacer.limits();
        self.pace.set(limits);
        recent.clear();
        let report = &mut self.report;
        report.window_peak = report.window_peak.max(limits.window);
        report.batch_peak = report.batch_peak.max(limits.batch);
        (report.window_end, report.batch_end) = (limits.window, limits.batch);
        let pause_ms = limits.pause.as_secs_f64() * 1000.0;
        report.pause_peak_ms = report.pause_peak_ms.max(pause_ms);
        report.pause_end_ms = pause_ms;
        match change {
            Change::Shrunk => report.shrunk += 1,
            _ => report.grown += 1,
        }
    }
}

impl Sampler {
    /// 1. The key pools and routes. 2. The baseline, for its bounded time; then `baseline` is
    ///    told. 3. Until stopped: a SET and a GET a tick, the controller every period, progress
    ///    every second. 4. The report, with the keys for the driver to delete.
    async fn run(self, baseline: oneshot::Sender<()>) -> ObserveReport {
        let session = Session::new(self.target.connect.clone());
        let mut routes = Routes::new(self.target.known.clone());
        routes.refresh(&session).await;
        let moved = self.target.moved.clone();
        let pools = tokio::task::spawn_blocking(move || key_pools(&moved))
            .await
            .unwrap_or_default();
        let mut phases = [PhaseTally::default(), PhaseTally::default()];
        let mut holder = (self.options.max_latency)
            .zip(self.pace.clone())
            .map(|(bound, pace)| Holder::new(bound, pace, self.target.ceiling));
        let mut recent = Recent::new(RECENT_SPAN);
        let mut baseline = Some(baseline);
        let started = Instant::now();
        let mut next_progress = started;
        for n in 0usize.. {
            let tick = Instant::now();
            let during = baseline.is_none();
            if !during && tick - started >= self.options.baseline {
                self.progress(&phases[0], "baseline", None);
                if let Some(told) = baseline.take() {
                    let _ = told.send(());
                }
                next_progress = tick + PROGRESS_EVERY;
                continue;
            }
            if during && self.stop.load(Ordering::SeqCst) {
                break;
            }
            let Some((class, key)) = pick(&pools, n) else {
                break;
            };
            let value = format!("v{n}");
            let set = ["SET", key, value.as_str(), "PX", "600000"];
            for command in [&set[..], &["GET", key]] {
                let sent = Instant::now();
                let (answered, redirects) = send(&session, &mut routes, key, command).await;
                let took = sent.elapsed();
                phases[usize::from(during)].0[class].record(took, answered, redirects);
                if during {
                    recent.push(Instant::now(), took);
                }
            }
            let now = Instant::now();
            if let (true, Some(holder)) = (during, holder.as_mut()) {
                holder.adjust(&mut recent, now);
            }
            if during && now >= next_progress {
                next_progress = now + PROGRESS_EVERY;
                self.progress(&phases[1], "during", recent.p99(now));
            }
            if let Some(rest) = INTERVAL.checked_sub(tick.elapsed()) {
                tokio::time::sleep(rest).await;
            }
        }
        if let Some(told) = baseline.take() {
            let _ = told.send(());
        }
        let [moved_keys, other_keys] = pools;
        ObserveReport {
            baseline_ms: self.options.baseline.as_millis() as u64,
            baseline: phases[0].figures(),
            during: phases[1].figures(),
            max_latency_ms: (self.options.max_latency).map(|b| b.as_secs_f64() * 1000.0),
            pace: holder.map(|h| h.report),
            keys: moved_keys.into_iter().chain(other_keys).collect(),
        }
    }

    /// Sends the figures so far to the reporter.
    fn progress(&self, tally: &PhaseTally, phase: &'static str, recent: Option<Duration>) {
        let progress = LatencyProgress {
            phase,
            figures: tally.figures(),
            recent_p99_ms: recent.map(|p99| p99.as_secs_f64() * 1000.0),
            window: self.pace.as_ref().map(|p| p.window()),
            batch: self.pace.as_ref().map(|p| p.batch()),
            pause_ms: (self.pace.as_ref()).map(|p| p.pause().as_secs_f64() * 1000.0),
        };
        self.target.ui.event(Event::Latency(&progress));
    }
}

/// The `n`th sample's class (0: moved slots, 1: others) and key: the classes in turn, each
/// pool's keys in turn; `None` when both pools are empty.
fn pick(pools: &[Vec<String>; 2], n: usize) -> Option<(usize, &str)> {
    let class = match (pools[0].is_empty(), pools[1].is_empty()) {
        (true, true) => return None,
        (false, true) => 0,
        (true, false) => 1,
        (false, false) => n % 2,
    };
    let pool = &pools[class];
    Some((class, pool[(n / 2) % pool.len()].as_str()))
}

/// Sends `command` (about `key`) as a cluster client does: to the slot's owner, following `ASK`
/// (`ASKING` first, on the node named), `MOVED` (the table read again, then the node named) and
/// `TRYAGAIN` (10 ms later), at most [`MAX_REDIRECTS`] times. Whether it got an answer, and the
/// redirects it followed.
async fn send(
    session: &Session,
    routes: &mut Routes,
    key: &str,
    command: &[&str],
) -> (bool, Redirects) {
    let args: Vec<String> = command.iter().map(|a| a.to_string()).collect();
    let mut redirects = Redirects::default();
    let Some(mut node) = routes.owner(key).cloned() else {
        routes.refresh(session).await;
        return (false, redirects);
    };
    let mut asking = false;
    for _ in 0..=MAX_REDIRECTS {
        let reply = match session.client(&node).await {
            Ok(mut client) if asking => client.command_reply_asking(&args).await,
            Ok(mut client) => client.command_reply(&args).await,
            Err(error) => Err(error),
        };
        let text = match reply {
            Ok(Ok(_)) => return (true, redirects),
            Ok(Err(text)) => text,
            Err(_) => {
                routes.refresh(session).await;
                return (false, redirects);
            }
        };
        let kind = classify_text(&text);
        let named = redirect_of(&text).map(|(_, host, port)| {
            let host = if host.is_empty() {
                node.host.clone()
            } else {
                host
            };
            NodeAddress::new(&host, port)
        });
        match (kind, named) {
            (ServerError::Ask, Some(to)) => {
                redirects.ask += 1;
                (node, asking) = (to, true);
            }
            (ServerError::Moved, Some(to)) => {
                redirects.moved += 1;
                routes.refresh(session).await;
                (node, asking) = (to, false);
            }
            (ServerError::TryAgain, _) => {
                redirects.tryagain += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            _ => return (false, redirects),
        }
    }
    (false, redirects)
}

/// Deletes the observer's `keys`, routed by the table of the first of `known` that answers (their
/// 10-minute TTL is the fallback).
pub async fn delete_keys(session: &Session, known: Vec<NodeAddress>, keys: &[String]) {
    let mut routes = Routes::new(known);
    routes.refresh(session).await;
    for key in keys {
        let _ = send(session, &mut routes, key, &["DEL", key]).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pools_sort_keys_by_slot() {
        let moved: Vec<u16> = (0..8192).collect();
        let [in_moved, in_others] = key_pools(&moved);
        assert_eq!((in_moved.len(), in_others.len()), (POOL, POOL));
        assert!(
            in_moved
                .iter()
                .all(|k| key_slot(k.as_bytes()).number() < 8192)
        );
        assert!(
            in_others
                .iter()
                .all(|k| key_slot(k.as_bytes()).number() >= 8192)
        );
        let [none, all] = key_pools(&[]);
        assert!(none.is_empty() && all.len() == POOL);
    }

    #[test]
    fn the_pace_is_at_least_one() {
        let pace = Pace::new(Limits::new(0, 0));
        assert_eq!(
            (pace.window(), pace.batch(), pace.pause()),
            (1, 1, Duration::ZERO)
        );
        pace.set(Limits {
            window: 1,
            batch: 4,
            pause: Duration::from_millis(8),
        });
        assert_eq!(
            (pace.window(), pace.batch(), pace.pause()),
            (1, 4, Duration::from_millis(8))
        );
    }
}
