//! What a Redis server-side run shows while it runs (`exec::redis_asm`): the slots and keys its
//! settled tasks moved, out of the keys counted before the first task, and an ETA from them; and
//! how often a task's state is read (short at first, longer while nothing changes).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Time left for `total` keys when `done` of them took `elapsed`: `None` before any key is done
/// (no rate yet), zero once all are. A straight line: the rate so far holds for the rest.
pub fn eta(total: u64, done: u64, elapsed: Duration) -> Option<Duration> {
    if done == 0 {
        return None;
    }
    let left = total.saturating_sub(done);
    Some(elapsed.mul_f64(left as f64 / done as f64))
}

/// The run's tally, shared by its tasks.
pub struct Tally {
    started: Instant,
    slots_total: usize,
    /// Set once the keys are counted.
    keys_total: std::sync::OnceLock<u64>,
    done: Mutex<(usize, u64)>,
}

/// A snapshot of the tally for an event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seen {
    pub slots_done: usize,
    pub slots_total: usize,
    pub eta_seconds: Option<f64>,
}

impl Tally {
    /// A run of `slots_total` slots.
    pub fn new(slots_total: usize) -> Tally {
        Tally {
            started: Instant::now(),
            slots_total,
            keys_total: std::sync::OnceLock::new(),
            done: Mutex::new((0, 0)),
        }
    }

    /// The run's slots hold `keys` keys (counted as its first tasks start).
    pub fn set_keys_total(&self, keys: u64) {
        let _ = self.keys_total.set(keys);
    }

    fn done(&self) -> std::sync::MutexGuard<'_, (usize, u64)> {
        self.done.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A task settled `slots` slots holding `keys` keys.
    pub fn settled(&self, slots: usize, keys: u64) {
        let mut done = self.done();
        done.0 += slots;
        done.1 += keys;
    }

    pub fn seen(&self) -> Seen {
        let (slots_done, keys_done) = *self.done();
        // A run whose counted keys are all moved but has slots left (empty ones) says nothing.
        let eta = match self.keys_total.get() {
            None | Some(0) => None,
            Some(&total) => eta(total, keys_done, self.started.elapsed()),
        };
        Seen {
            slots_done,
            slots_total: self.slots_total,
            eta_seconds: eta.map(|d| (d.as_secs_f64() * 10.0).round() / 10.0),
        }
    }
}

/// Waits between reads of a task's state: `first`, doubling while nothing changes, up to `most`.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    most: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(first: Duration, most: Duration) -> Backoff {
        Backoff {
            first,
            most,
            next: first,
        }
    }

    /// Something changed: the next wait is short again.
    pub fn reset(&mut self) {
        self.next = self.first;
    }

    /// The wait before the next read (each call doubles the next, up to the most).
    pub fn step(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(self.most);
        wait
    }

    pub async fn sleep(&mut self) {
        tokio::time::sleep(self.step()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eta_is_the_rate_so_far_over_the_keys_left() {
        let s = Duration::from_secs;
        assert_eq!(eta(1000, 0, s(5)), None, "no rate before the first key");
        assert_eq!(eta(1000, 250, s(1)), Some(s(3)));
        assert_eq!(eta(1000, 1000, s(4)), Some(s(0)));
        assert_eq!(eta(1000, 1500, s(4)), Some(s(0)), "more moved than counted");
        assert_eq!(eta(0, 0, s(1)), None);
    }

    #[test]
    fn the_tally_counts_settled_tasks_and_has_no_eta_before_the_first() {
        let tally = Tally::new(4096);
        tally.set_keys_total(100_000);
        let before = tally.seen();
        assert_eq!((before.slots_done, before.slots_total), (0, 4096));
        assert_eq!(before.eta_seconds, None);
        tally.settled(1365, 30_000);
        let after = tally.seen();
        assert_eq!(after.slots_done, 1365);
        assert!(after.eta_seconds.is_some_and(|s| s >= 0.0));
        let uncounted = Tally::new(10);
        uncounted.settled(5, 10);
        assert_eq!(uncounted.seen().eta_seconds, None, "no keys counted yet");
    }

    #[test]
    fn the_backoff_doubles_up_to_its_most_and_starts_again_on_a_change() {
        let ms = Duration::from_millis;
        let mut backoff = Backoff::new(ms(1), ms(5));
        let waits: Vec<_> = (0..5).map(|_| backoff.step()).collect();
        assert_eq!(waits, [ms(1), ms(2), ms(4), ms(5), ms(5)]);
        backoff.reset();
        assert_eq!(backoff.step(), ms(1));
    }
}
