//! Big keys in a legacy (per-slot `MIGRATE`) move, decided before anything changes: what a key's
//! size means for the time `MIGRATE` blocks its source and target, which keys move alone with a
//! timeout sized to them, and which make the run refuse (or, as the user chose, raise the
//! `cluster-node-timeout` for the move or leave the key's slot where it is). Pure: `exec::big_keys`
//! measures the keys (`MEMORY USAGE`) and the servers' limits, and `exec::run` acts on the
//! [`Decision`]. The rate and the shares are explained in docs/big-keys.md.

use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// Bytes of `MEMORY USAGE` that `MIGRATE` moves per second, end to end (the source serialises the
/// value, sends it, and waits while the target restores it). Measured on the test machine (Redis
/// 7.0, loopback, 2 shared cores): a hash of 1,000,000 small fields, 64.4 MB by `MEMORY USAGE`, took
/// 1.07-1.40 s per MIGRATE (46-60 MB/s); the figure planned with is about half of that.
pub const RATE_BYTES_PER_SEC: u64 = 25_000_000;

/// A key moves alone (its own MIGRATE, with a timeout sized to it) once its MIGRATE is estimated
/// to take more than this share of `cluster-node-timeout` (1/4): a batch of a few such keys
/// together would reach half.
pub const ALONE_DIVISOR: u32 = 4;

/// A key risks a failover once its MIGRATE is estimated to take this share of
/// `cluster-node-timeout` (1/2) or more: the run refuses unless told what to do.
pub const RISK_DIVISOR: u32 = 2;

/// The node timeout raised for a move is this multiple of the biggest key's estimate: on the test
/// machine under a load of 7 on 2 cores, a 3M-field hash planned at 8.1 s took 20.1 s (2.5 times).
pub const RAISE_FACTOR: u32 = 6;

/// How long a MIGRATE of a value taking `bytes` (by `MEMORY USAGE`) is planned to block.
pub fn migrate_estimate(bytes: u64) -> Duration {
    Duration::from_micros(bytes.saturating_mul(1_000_000) / RATE_BYTES_PER_SEC)
}

/// A key measured on its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizedKey {
    pub key: Vec<u8>,
    pub db: u16,
    pub slot: u16,
    /// Node ids.
    pub source: String,
    pub target: String,
    /// `MEMORY USAGE key SAMPLES n`.
    pub bytes: u64,
}

/// What happens to a big key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Moved in a MIGRATE of its own, with a timeout sized to it.
    Alone,
    /// Its slot stays where it is (`--skip-big-keys`).
    Skipped,
    /// The run is refused because of it.
    Refused,
}

/// Why a key is big.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its MIGRATE is estimated to take more than a quarter of the node timeout, under half.
    Slow,
    /// Its MIGRATE is estimated to take half of the node timeout or more: a failover risk.
    FailoverRisk,
    /// Its serialised value may exceed the target's `proto-max-bulk-len`.
    OverBulkLimit,
}

/// A big key as the run's report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BigKey {
    /// The key's name (lossy UTF-8).
    pub key: String,
    pub db: u16,
    pub slot: u16,
    /// Node ids.
    pub source: String,
    pub target: String,
    pub bytes: u64,
    pub estimated_ms: u64,
    pub reason: Reason,
    pub action: Action,
    /// The MIGRATE timeout it moves with (`Alone`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migrate_timeout_ms: Option<u64>,
    /// The target's `proto-max-bulk-len` (`OverBulkLimit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_bulk_limit: Option<u64>,
}

/// What the user allowed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Choices {
    pub raise_node_timeout: bool,
    pub skip_big_keys: bool,
}

/// The limits a decision is made against.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The source's `cluster-node-timeout` (or the default when it could not be read).
    pub node_timeout: Duration,
    /// MIGRATE's timeout for ordinary batches.
    pub migrate_timeout: Duration,
    /// Each target's `proto-max-bulk-len`, by node id (absent: unknown, not checked).
    pub bulk_limits: HashMap<String, u64>,
}

/// What a run does about its big keys.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// Every big key, with its action.
    pub keys: Vec<BigKey>,
    /// Slots left where they are (`--skip-big-keys`).
    pub skipped_slots: BTreeSet<u16>,
    /// Raise `cluster-node-timeout` on every node to this for the move (`--raise-node-timeout`).
    pub raise_to: Option<Duration>,
}

impl Decision {
    /// The run cannot go on as asked.
    pub fn refused(&self) -> bool {
        self.keys.iter().any(|k| k.action == Action::Refused)
    }

    /// The keys that move alone: `(db, key) -> MIGRATE timeout`.
    pub fn alone(&self, sized: &[SizedKey]) -> HashMap<(u16, Vec<u8>), Duration> {
        sized
            .iter()
            .filter_map(|s| {
                let big = self.keys.iter().find(|k| {
                    k.action == Action::Alone
                        && k.db == s.db
                        && k.slot == s.slot
                        && k.key == String::from_utf8_lossy(&s.key)
                })?;
                let timeout = Duration::from_millis(big.migrate_timeout_ms?);
                Some(((s.db, s.key.clone()), timeout))
            })
            .collect()
    }
}

/// Decides what happens to each of `sized` (keys that are not big are left out).
pub fn decide(sized: &[SizedKey], limits: &Limits, choices: Choices) -> Decision {
    let alone_from = limits.node_timeout / ALONE_DIVISOR;
    let risk_from = limits.node_timeout / RISK_DIVISOR;
    let mut decision = Decision::default();
    let mut raised_for = Duration::ZERO;
    for key in sized {
        let estimate = migrate_estimate(key.bytes);
        let bulk_limit = limits.bulk_limits.get(&key.target).copied();
        let over_bulk = bulk_limit.is_some_and(|limit| key.bytes > limit);
        let reason = if over_bulk {
            Reason::OverBulkLimit
        } else if estimate >= risk_from {
            Reason::FailoverRisk
        } else if estimate > alone_from {
            Reason::Slow
        } else {
            continue;
        };
        let action = match reason {
            Reason::Slow => Action::Alone,
            Reason::FailoverRisk if choices.raise_node_timeout => {
                raised_for = raised_for.max(estimate);
                Action::Alone
            }
            _ if choices.skip_big_keys => Action::Skipped,
            _ => Action::Refused,
        };
        if action == Action::Skipped {
            decision.skipped_slots.insert(key.slot);
        }
        decision.keys.push(BigKey {
            key: String::from_utf8_lossy(&key.key).into_owned(),
            db: key.db,
            slot: key.slot,
            source: key.source.clone(),
            target: key.target.clone(),
            bytes: key.bytes,
            estimated_ms: estimate.as_millis() as u64,
            reason,
            action,
            migrate_timeout_ms: None,
            target_bulk_limit: bulk_limit.filter(|_| over_bulk),
        });
    }
    if !raised_for.is_zero() {
        decision.raise_to = Some(raised_timeout(limits.node_timeout, raised_for));
    }
    let node_timeout = decision.raise_to.unwrap_or(limits.node_timeout);
    for key in &mut decision.keys {
        // A skipped slot moves none of its keys, alone or not.
        if decision.skipped_slots.contains(&key.slot) && key.action == Action::Alone {
            key.action = Action::Skipped;
        }
        if key.action == Action::Alone {
            let estimate = Duration::from_millis(key.estimated_ms);
            let timeout = alone_timeout(estimate, limits.migrate_timeout, node_timeout);
            key.migrate_timeout_ms = Some(timeout.as_millis() as u64);
        }
    }
    decision
}

/// The node timeout for a move whose biggest key is estimated at `estimate`: [`RAISE_FACTOR`]
/// times it, in whole seconds, and never below what it was.
pub fn raised_timeout(current: Duration, estimate: Duration) -> Duration {
    let wanted = (estimate * RAISE_FACTOR).as_millis() as u64;
    let seconds = wanted.div_ceil(1000).max(1);
    current.max(Duration::from_secs(seconds))
}

/// MIGRATE's timeout for a key moved alone: twice its estimate and a second, at least the ordinary
/// batches' timeout, and never over half the node timeout in force.
pub fn alone_timeout(estimate: Duration, ordinary: Duration, node_timeout: Duration) -> Duration {
    (estimate * 2 + Duration::from_secs(1))
        .max(ordinary)
        .min(node_timeout / 2)
        .max(Duration::from_millis(100))
}

/// `bytes` in words (`64.4 MB`).
pub fn size_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, slot: u16, bytes: u64) -> SizedKey {
        SizedKey {
            key: name.as_bytes().to_vec(),
            db: 0,
            slot,
            source: "a".into(),
            target: "b".into(),
            bytes,
        }
    }

    fn limits(node_timeout_ms: u64) -> Limits {
        Limits {
            node_timeout: Duration::from_millis(node_timeout_ms),
            migrate_timeout: Duration::from_millis(node_timeout_ms / 2),
            bulk_limits: HashMap::from([("b".to_string(), 512 * 1024 * 1024)]),
        }
    }

    #[test]
    fn the_estimate_follows_the_planned_rate() {
        assert_eq!(migrate_estimate(RATE_BYTES_PER_SEC), Duration::from_secs(1));
        assert_eq!(migrate_estimate(0), Duration::ZERO);
    }

    #[test]
    fn small_keys_are_not_big_and_slow_ones_move_alone() {
        // 15 s node timeout: alone above 3.75 s (93.75 MB), refused from 7.5 s (187.5 MB).
        let sized = [key("small", 1, 1_000_000), key("slow", 2, 100_000_000)];
        let decision = decide(&sized, &limits(15_000), Choices::default());
        assert!(!decision.refused());
        assert_eq!(decision.keys.len(), 1);
        assert_eq!(decision.keys[0].key, "slow");
        assert_eq!(decision.keys[0].action, Action::Alone);
        // 4 s estimate: 9 s wanted, capped at half the node timeout.
        assert_eq!(decision.keys[0].migrate_timeout_ms, Some(7_500));
        assert_eq!(decision.alone(&sized).len(), 1);
        assert_eq!(decision.raise_to, None);
    }

    #[test]
    fn a_failover_risk_is_refused_unless_a_choice_was_made() {
        let sized = [key("huge", 7, 200_000_000), key("other", 8, 10)];
        let refused = decide(&sized, &limits(15_000), Choices::default());
        assert!(refused.refused());
        assert_eq!(refused.keys[0].reason, Reason::FailoverRisk);

        let raise = Choices {
            raise_node_timeout: true,
            skip_big_keys: false,
        };
        let raised = decide(&sized, &limits(15_000), raise);
        assert!(!raised.refused());
        // 8 s estimate: 48 s node timeout, 17 s MIGRATE timeout (under half of it).
        assert_eq!(raised.raise_to, Some(Duration::from_secs(48)));
        assert_eq!(raised.keys[0].migrate_timeout_ms, Some(17_000));

        let skip = Choices {
            raise_node_timeout: false,
            skip_big_keys: true,
        };
        let skipped = decide(&sized, &limits(15_000), skip);
        assert!(!skipped.refused());
        assert_eq!(skipped.skipped_slots, BTreeSet::from([7]));
        assert_eq!(skipped.raise_to, None);
    }

    #[test]
    fn a_value_over_the_targets_bulk_limit_is_never_moved() {
        let mut small_limit = limits(15_000);
        small_limit.bulk_limits.insert("b".into(), 1_000_000);
        let sized = [key("wide", 3, 2_000_000)];
        let both = Choices {
            raise_node_timeout: true,
            skip_big_keys: false,
        };
        let decision = decide(&sized, &small_limit, both);
        assert!(decision.refused());
        assert_eq!(decision.keys[0].reason, Reason::OverBulkLimit);
        assert_eq!(decision.keys[0].target_bulk_limit, Some(1_000_000));
        let skip = Choices {
            raise_node_timeout: true,
            skip_big_keys: true,
        };
        assert_eq!(
            decide(&sized, &small_limit, skip).skipped_slots,
            BTreeSet::from([3])
        );
    }

    #[test]
    fn a_skipped_slot_moves_none_of_its_big_keys() {
        let mut small_limit = limits(15_000);
        small_limit.bulk_limits.insert("b".into(), 150_000_000);
        let sized = [key("slow", 4, 100_000_000), key("wide", 4, 200_000_000)];
        let skip = Choices {
            raise_node_timeout: false,
            skip_big_keys: true,
        };
        let decision = decide(&sized, &small_limit, skip);
        assert!(decision.keys.iter().all(|k| k.action == Action::Skipped));
        assert!(decision.alone(&sized).is_empty());
    }

    #[test]
    fn the_raised_timeout_is_whole_seconds_and_never_lower() {
        assert_eq!(
            raised_timeout(Duration::from_secs(3), Duration::from_millis(2_600)),
            Duration::from_secs(16)
        );
        assert_eq!(
            raised_timeout(Duration::from_secs(60), Duration::from_millis(100)),
            Duration::from_secs(60)
        );
    }
}
