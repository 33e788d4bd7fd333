//! The observer's arithmetic, pure: a class's samples and their figures ([`Tally`], [`percentile`]),
//! the p99 of the recent samples ([`Recent`]), and the AIMD controller of `--max-latency`
//! ([`Pacer`]): it starts small and doubles while the p99 is well under the bound (a slow start,
//! as TCP's), halves the window and the batch when the recent p99 is over it, and from then on
//! grows them back slowly while it stays well under. Below the smallest window and batch it
//! pauses between batches (a duty cycle), the pause doubling while the p99 stays over the bound
//! and halved first when it is well under. Called by `exec::observe`.

use crate::report::{LatencyFigures, Redirects};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The value at `fraction` (0.0 to 1.0) of `sorted` by the nearest-rank method; 0 when empty.
pub fn percentile(sorted: &[u64], fraction: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (fraction.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Microseconds as milliseconds, to the microsecond.
fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

/// The samples of one class of keys in one phase.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Latency of each answered command, in microseconds.
    latencies: Vec<u64>,
    errors: u64,
    redirects: Redirects,
}

impl Tally {
    /// One command: how long it took (redirects included), whether it got an answer, and the
    /// redirects it followed.
    pub fn record(&mut self, took: Duration, answered: bool, redirects: Redirects) {
        if answered {
            self.latencies.push(took.as_micros() as u64);
        } else {
            self.errors += 1;
        }
        self.redirects.ask += redirects.ask;
        self.redirects.moved += redirects.moved;
        self.redirects.tryagain += redirects.tryagain;
    }

    /// p50, p99, max and the counts.
    pub fn figures(&self) -> LatencyFigures {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        LatencyFigures {
            p50_ms: ms(percentile(&sorted, 0.50)),
            p99_ms: ms(percentile(&sorted, 0.99)),
            max_ms: ms(sorted.last().copied().unwrap_or(0)),
            samples: sorted.len() as u64,
            errors: self.errors,
            redirects: self.redirects,
        }
    }
}

/// The latencies of the last `span`, for the p99 `--max-latency` holds.
#[derive(Debug, Clone)]
pub struct Recent {
    span: Duration,
    samples: VecDeque<(Instant, u64)>,
}

impl Recent {
    /// Fewer samples than this say nothing about a p99.
    pub const ENOUGH: usize = 20;

    pub fn new(span: Duration) -> Recent {
        Recent {
            span,
            samples: VecDeque::new(),
        }
    }

    /// A command answered at `at` after `took` (a failed one counts as its time taken: a client
    /// that timed out felt at least that).
    pub fn push(&mut self, at: Instant, took: Duration) {
        self.samples.push_back((at, took.as_micros() as u64));
        self.forget_before(at);
    }

    fn forget_before(&mut self, now: Instant) {
        while let Some((at, _)) = self.samples.front() {
            if now.saturating_duration_since(*at) <= self.span {
                break;
            }
            self.samples.pop_front();
        }
    }

    /// The p99 of the samples of the last span before `now`; `None` with too few of them.
    pub fn p99(&mut self, now: Instant) -> Option<Duration> {
        self.forget_before(now);
        if self.samples.len() < Self::ENOUGH {
            return None;
        }
        let mut sorted: Vec<u64> = self.samples.iter().map(|(_, us)| *us).collect();
        sorted.sort_unstable();
        Some(Duration::from_micros(percentile(&sorted, 0.99)))
    }

    /// Forgets every sample (after a change of pace, the old ones no longer describe it).
    pub fn clear(&mut self) {
        self.samples.clear();
    }
}

/// The window (slots in flight per source), batch (keys per GETKEYSINSLOT / MIGRATE) and pause
/// (a wait after each batch) the legacy mover may use now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub window: usize,
    pub batch: usize,
    pub pause: Duration,
}

impl Limits {
    /// A window and batch with no pause (a ceiling, or a pace above the floor).
    pub fn new(window: usize, batch: usize) -> Limits {
        Limits {
            window,
            batch,
            pause: Duration::ZERO,
        }
    }
}

/// What the controller did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Shrunk,
    Grown,
    Kept,
}

/// AIMD under a latency bound, never above `ceiling` (the user's `--window` and `--pipeline`):
/// - it starts at a window of 1 and a batch of [`Pacer::START_BATCH`], and while the p99 is under
///   half the bound it doubles both (a slow start) until the p99 first goes over the bound;
/// - over the bound, window and batch are halved (down to a window of 1 and a batch of
///   [`Pacer::MIN_BATCH`]); at that floor, a pause after each batch starts at
///   [`Pacer::MIN_PAUSE`] and doubles, up to [`Pacer::MAX_PAUSE`];
/// - under half the bound, a pause is halved first (to none below [`Pacer::MIN_PAUSE`]); with no
///   pause, after the slow start, window and batch grow by one slot and an eighth of the batch;
/// - in between they stay.
///
/// A pause is only ever set at the floor: above it, the pause is zero.
#[derive(Debug, Clone)]
pub struct Pacer {
    bound: Duration,
    ceiling: Limits,
    now: Limits,
    slow_start: bool,
}

impl Pacer {
    /// The smallest batch: MIGRATE of a few keys at a time (below it the pause slows the move:
    /// a MIGRATE of small keys costs the source about the same for 1 key as for 4).
    pub const MIN_BATCH: usize = 4;
    /// The first batch (or `--pipeline`, if smaller).
    pub const START_BATCH: usize = 10;
    /// The first pause at the floor, and the shortest kept when halving.
    pub const MIN_PAUSE: Duration = Duration::from_millis(1);
    /// The longest pause: about 4 keys a second per source.
    pub const MAX_PAUSE: Duration = Duration::from_secs(1);

    /// A controller holding p99 under `bound`, never above `ceiling` (whose pause is ignored).
    pub fn new(bound: Duration, ceiling: Limits) -> Pacer {
        let ceiling = Limits::new(ceiling.window.max(1), ceiling.batch.max(Self::MIN_BATCH));
        Pacer {
            bound,
            ceiling,
            now: Limits::new(1, ceiling.batch.min(Self::START_BATCH)),
            slow_start: true,
        }
    }

    /// The most it may use: `--window` and `--pipeline`, no pause.
    pub fn ceiling(&self) -> Limits {
        self.ceiling
    }

    pub fn limits(&self) -> Limits {
        self.now
    }

    /// Whether window and batch are at their smallest (where a pause may be set).
    fn at_floor(&self) -> bool {
        self.now.window == 1 && self.now.batch <= Self::MIN_BATCH
    }

    /// Adjusts to the recent p99 (`None`: too few samples, nothing changes).
    pub fn adjust(&mut self, recent_p99: Option<Duration>) -> Change {
        let Some(p99) = recent_p99 else {
            return Change::Kept;
        };
        let before = self.now;
        if p99 > self.bound {
            self.slow_start = false;
            if self.at_floor() {
                let pause = (self.now.pause * 2).max(Self::MIN_PAUSE);
                self.now.pause = pause.min(Self::MAX_PAUSE);
            } else {
                self.now.window = (self.now.window / 2).max(1);
                self.now.batch = (self.now.batch / 2).max(Self::MIN_BATCH);
            }
        } else if p99 * 2 < self.bound && !self.now.pause.is_zero() {
            let pause = self.now.pause / 2;
            self.now.pause = if pause < Self::MIN_PAUSE {
                Duration::ZERO
            } else {
                pause
            };
        } else if p99 * 2 < self.bound && self.slow_start {
            self.now.window = (self.now.window * 2).min(self.ceiling.window);
            self.now.batch = (self.now.batch * 2).min(self.ceiling.batch);
        } else if p99 * 2 < self.bound {
            self.now.window = (self.now.window + 1).min(self.ceiling.window);
            let step = (self.now.batch / 8).max(1);
            self.now.batch = (self.now.batch + step).min(self.ceiling.batch);
        }
        // A longer pause is slower; so are a smaller window and batch (the two never change in
        // the same step).
        let speed = |l: Limits| (std::cmp::Reverse(l.pause), l.window + l.batch);
        match speed(self.now).cmp(&speed(before)) {
            std::cmp::Ordering::Less => Change::Shrunk,
            std::cmp::Ordering::Greater => Change::Grown,
            std::cmp::Ordering::Equal => Change::Kept,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 0.5), 50);
        assert_eq!(percentile(&sorted, 0.99), 99);
        assert_eq!(percentile(&sorted, 1.0), 100);
        assert_eq!(percentile(&sorted, 0.0), 1);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.99), 0);
    }

    #[test]
    fn a_tally_counts_errors_and_redirects_apart_from_latencies() {
        let mut tally = Tally::default();
        let ask = Redirects {
            ask: 1,
            ..Redirects::default()
        };
        tally.record(Duration::from_micros(1500), true, ask);
        tally.record(Duration::from_micros(500), true, Redirects::default());
        tally.record(Duration::from_secs(3), false, Redirects::default());
        let figures = tally.figures();
        assert_eq!((figures.samples, figures.errors), (2, 1));
        assert_eq!((figures.p50_ms, figures.max_ms), (0.5, 1.5));
        assert_eq!(figures.redirects.ask, 1);
        assert_eq!(Tally::default().figures(), LatencyFigures::default());
    }

    #[test]
    fn recent_forgets_old_samples() {
        let start = Instant::now();
        let mut recent = Recent::new(Duration::from_secs(1));
        for n in 0..30 {
            recent.push(start + Duration::from_millis(n), Duration::from_millis(9));
        }
        assert_eq!(
            recent.p99(start + Duration::from_millis(100)),
            Some(Duration::from_millis(9))
        );
        assert_eq!(recent.p99(start + Duration::from_secs(2)), None);
    }

    #[test]
    fn the_pacer_starts_small_and_doubles_until_the_bound_is_crossed() {
        let ceiling = Limits::new(64, 100);
        let mut pacer = Pacer::new(Duration::from_millis(5), ceiling);
        assert_eq!(pacer.limits(), Limits::new(1, Pacer::START_BATCH));
        assert_eq!(pacer.adjust(None), Change::Kept);
        assert_eq!(pacer.adjust(Some(Duration::from_millis(3))), Change::Kept);
        for _ in 0..3 {
            assert_eq!(pacer.adjust(Some(Duration::from_millis(1))), Change::Grown);
        }
        assert_eq!(pacer.limits(), Limits::new(8, 80));
        for _ in 0..10 {
            pacer.adjust(Some(Duration::from_millis(1)));
        }
        assert_eq!(pacer.limits(), ceiling);
    }

    #[test]
    fn the_pacer_shrinks_over_the_bound_and_grows_back_slowly() {
        let start = Limits::new(64, 100);
        let mut pacer = Pacer::new(Duration::from_millis(5), start);
        for _ in 0..10 {
            pacer.adjust(Some(Duration::from_millis(1)));
        }
        assert_eq!(pacer.limits(), start);
        assert_eq!(pacer.adjust(Some(Duration::from_millis(9))), Change::Shrunk);
        assert_eq!(pacer.limits(), Limits::new(32, 50));
        for _ in 0..5 {
            assert_eq!(
                pacer.adjust(Some(Duration::from_millis(50))),
                Change::Shrunk
            );
        }
        assert_eq!(pacer.limits(), Limits::new(1, Pacer::MIN_BATCH));
        assert_eq!(pacer.adjust(Some(Duration::from_millis(4))), Change::Kept);
        assert_eq!(pacer.adjust(Some(Duration::from_millis(1))), Change::Grown);
        assert_eq!(pacer.limits(), Limits::new(2, 5));
        for _ in 0..1000 {
            pacer.adjust(Some(Duration::from_micros(100)));
        }
        assert_eq!(pacer.limits(), start);
    }

    #[test]
    fn at_the_floor_the_pacer_pauses_and_takes_the_pause_back_first() {
        let ceiling = Limits::new(8, 100);
        let mut pacer = Pacer::new(Duration::from_millis(5), ceiling);
        for _ in 0..2 {
            pacer.adjust(Some(Duration::from_millis(9)));
        }
        let floor = Limits::new(1, Pacer::MIN_BATCH);
        assert_eq!(pacer.limits(), floor);
        // Over the bound at the floor: 1 ms, then doubling, up to the cap.
        assert_eq!(pacer.adjust(Some(Duration::from_millis(9))), Change::Shrunk);
        assert_eq!(pacer.limits().pause, Pacer::MIN_PAUSE);
        assert_eq!(pacer.adjust(Some(Duration::from_millis(9))), Change::Shrunk);
        assert_eq!(pacer.limits().pause, Duration::from_millis(2));
        for _ in 0..20 {
            pacer.adjust(Some(Duration::from_millis(9)));
        }
        assert_eq!(pacer.limits().pause, Pacer::MAX_PAUSE);
        assert_eq!(pacer.adjust(Some(Duration::from_millis(9))), Change::Kept);
        // Between half the bound and the bound: kept.
        assert_eq!(pacer.adjust(Some(Duration::from_millis(4))), Change::Kept);
        // Well under: the pause is halved first, to none below 1 ms, window and batch untouched.
        assert_eq!(pacer.adjust(Some(Duration::from_millis(1))), Change::Grown);
        assert_eq!(
            pacer.limits(),
            Limits {
                pause: Duration::from_millis(500),
                ..floor
            }
        );
        // 500 ms halved 9 times is 0.98 ms: none.
        for _ in 0..8 {
            assert_eq!(pacer.adjust(Some(Duration::from_millis(1))), Change::Grown);
            assert_eq!((pacer.limits().window, pacer.limits().batch), (1, 4));
            assert!(pacer.limits().pause >= Pacer::MIN_PAUSE);
        }
        assert_eq!(pacer.adjust(Some(Duration::from_millis(1))), Change::Grown);
        // Then window and batch grow again.
        assert_eq!(pacer.limits(), floor);
        assert_eq!(pacer.adjust(Some(Duration::from_millis(1))), Change::Grown);
        assert_eq!(pacer.limits(), Limits::new(2, 5));
    }

    proptest! {
        #[test]
        fn percentiles_are_ordered_members(mut values in proptest::collection::vec(0u64..1_000_000, 1..300)) {
            values.sort_unstable();
            let (p50, p99) = (percentile(&values, 0.5), percentile(&values, 0.99));
            prop_assert!(values.contains(&p50) && values.contains(&p99));
            prop_assert!(values[0] <= p50 && p50 <= p99 && p99 <= values[values.len() - 1]);
            let under = values.iter().filter(|v| **v <= p99).count();
            prop_assert!(under * 100 >= values.len() * 99);
        }

        #[test]
        fn the_pacer_stays_in_bounds_and_moves_the_right_way(
            window in 1usize..1024,
            batch in 1usize..10_000,
            observed in proptest::collection::vec(proptest::option::of(0u64..20_000), 0..300),
        ) {
            let bound = Duration::from_millis(5);
            let mut pacer = Pacer::new(bound, Limits::new(window, batch));
            let ceiling = pacer.ceiling();
            let mut crossed = false;
            for p99 in observed {
                let before = pacer.limits();
                let p99 = p99.map(Duration::from_micros);
                let change = pacer.adjust(p99);
                let after = pacer.limits();
                prop_assert!(after.window >= 1 && after.window <= ceiling.window);
                prop_assert!(after.batch >= Pacer::MIN_BATCH && after.batch <= ceiling.batch);
                prop_assert!(after.pause <= Pacer::MAX_PAUSE);
                prop_assert!(after.pause.is_zero() || after.pause >= Pacer::MIN_PAUSE);
                // A pause only at the floor.
                if after.window > 1 || after.batch > Pacer::MIN_BATCH {
                    prop_assert!(after.pause.is_zero());
                }
                match p99 {
                    Some(p99) if p99 > bound => {
                        prop_assert!(after.window <= before.window && after.batch <= before.batch);
                        prop_assert!(after.pause >= before.pause);
                        prop_assert!(change != Change::Grown);
                        // Multiplicative: at least halved, unless at the floor.
                        prop_assert!(after.window == 1 || after.window * 2 <= before.window);
                        // At the floor the pause doubles until its cap.
                        if before.window == 1 && before.batch == Pacer::MIN_BATCH {
                            let most = (before.pause * 2).clamp(Pacer::MIN_PAUSE, Pacer::MAX_PAUSE);
                            prop_assert_eq!(after.pause, most);
                        }
                        crossed = true;
                    }
                    Some(p99) if p99 * 2 < bound => {
                        prop_assert!(after.pause <= before.pause);
                        prop_assert!(change != Change::Shrunk);
                        if before.pause.is_zero() {
                            prop_assert!(after.window >= before.window && after.batch >= before.batch);
                            // Doubling until the bound is first crossed, then one slot at a time.
                            let most = if crossed { before.window + 1 } else { before.window * 2 };
                            prop_assert!(after.window <= most);
                        } else {
                            // The pause goes first.
                            prop_assert_eq!((after.window, after.batch), (before.window, before.batch));
                            prop_assert!(after.pause < before.pause);
                        }
                    }
                    _ => prop_assert_eq!(after, before),
                }
            }
        }
    }
}
