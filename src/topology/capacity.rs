//! `doctor`'s capacity audit: memory against `maxmemory`, keys and slots spread over the masters,
//! and the biggest keys of a bounded sample against the time a `MIGRATE` may take. Pure: a function
//! of what `commands::doctor` read from each master (`INFO memory`, the keys of every database from
//! `INFO keyspace`, `SCAN` + `MEMORY USAGE` in each database that holds keys) and of the slots the
//! rebalance planner would move.

use super::audit::{Advice, Level};
use std::time::Duration;

/// Memory use at or above this share of `maxmemory` is a warning.
pub const MEMORY_WARNING: f64 = 0.8;

/// A sampled key at least this big is named (a `MIGRATE` of it blocks source and target).
pub const BIG_KEY_BYTES: u64 = 10 * 1024 * 1024;

/// The rate assumed for one key's `MIGRATE` (serialise, send, restore), to estimate its time.
pub const MIGRATE_BYTES_PER_SECOND: u64 = 50 * 1024 * 1024;

/// What was read from one master.
#[derive(Debug, Clone)]
pub struct MasterLoad {
    /// `host:port`.
    pub address: String,
    /// Keys in every database.
    pub keys: Option<u64>,
    /// `used_memory` (INFO memory).
    pub used_memory: Option<u64>,
    /// `maxmemory` (INFO memory); 0 is no bound.
    pub maxmemory: Option<u64>,
    /// The biggest key of the sample and its `MEMORY USAGE`, `Ok(None)` when the sample was empty,
    /// or why no sample could be taken.
    pub biggest: Result<Option<(String, u64)>, String>,
}

impl MasterLoad {
    /// A master whose memory and sample are not read yet.
    pub fn new(address: String, keys: Option<u64>) -> MasterLoad {
        MasterLoad {
            address,
            keys,
            used_memory: None,
            maxmemory: None,
            biggest: Ok(None),
        }
    }
}

/// The capacity advice. `slots_to_move` is what `rebalance` (default threshold) would move;
/// `migrate_timeout` the bound a slot move gives one `MIGRATE`.
pub fn audit_capacity(
    masters: &[MasterLoad],
    slots_to_move: usize,
    migrate_timeout: Duration,
    seed: &str,
) -> Vec<Advice> {
    let mut advice = memory_advice(masters, seed);
    if slots_to_move > 0 {
        advice.push(Advice {
            level: Level::Note,
            topic: "capacity",
            message: format!(
                "slots are spread unevenly: rebalance would move {}",
                crate::words::counted(slots_to_move, "slot", "slots")
            ),
            why: "A master with more slots than its share takes more of the traffic and memory, and is the first to fill up.",
            remedy: Some(format!("rcluster rebalance {seed}")),
        });
    }
    advice.extend(key_spread_advice(masters, seed));
    advice.extend(big_key_advice(masters, migrate_timeout, seed));
    advice
}

fn memory_advice(masters: &[MasterLoad], seed: &str) -> Vec<Advice> {
    let full: Vec<String> = masters
        .iter()
        .filter_map(|m| {
            let (used, max) = (m.used_memory?, m.maxmemory.filter(|max| *max > 0)?);
            let share = used as f64 / max as f64;
            (share >= MEMORY_WARNING).then(|| {
                format!(
                    "{} ({:.0}%: {} of {} bytes)",
                    m.address,
                    share * 100.0,
                    used,
                    max
                )
            })
        })
        .collect();
    if full.is_empty() {
        return Vec::new();
    }
    vec![Advice {
        level: Level::Warning,
        topic: "capacity",
        message: format!(
            "memory at {:.0}% of maxmemory or more on {}",
            MEMORY_WARNING * 100.0,
            full.join(", ")
        ),
        why: "A full master refuses writes (noeviction) or evicts keys (allkeys-*), and a failover or reshard onto it has no room.",
        remedy: Some(format!(
            "raise maxmemory (rcluster call {seed} CONFIG SET maxmemory BYTES), or add a master and rebalance"
        )),
    }]
}

/// Keys per master far from the mean (over 1.5 times it), once there are keys enough to tell.
fn key_spread_advice(masters: &[MasterLoad], seed: &str) -> Vec<Advice> {
    let counts: Vec<(&str, u64)> = masters
        .iter()
        .filter_map(|m| Some((m.address.as_str(), m.keys?)))
        .collect();
    let total: u64 = counts.iter().map(|(_, keys)| keys).sum();
    if counts.len() < 2 || total < 1000 {
        return Vec::new();
    }
    let mean = total as f64 / counts.len() as f64;
    let heavy: Vec<String> = counts
        .iter()
        .filter(|(_, keys)| *keys as f64 > 1.5 * mean)
        .map(|(address, keys)| format!("{address} ({keys} keys)"))
        .collect();
    if heavy.is_empty() {
        return Vec::new();
    }
    vec![Advice {
        level: Level::Note,
        topic: "capacity",
        message: format!(
            "keys are spread unevenly: {} against a mean of {mean:.0}",
            heavy.join(", ")
        ),
        why: "Some slots hold far more keys than others (often one hash tag): moving slots by count does not even that out.",
        remedy: Some(format!("rcluster rebalance {seed} --by keys")),
    }]
}

/// The biggest sampled key of each master when it is big, a warning when its MIGRATE would take
/// longer than the timeout, and a note for the masters that could not be sampled.
fn big_key_advice(masters: &[MasterLoad], migrate_timeout: Duration, seed: &str) -> Vec<Advice> {
    let mut advice = Vec::new();
    let mut unsampled = Vec::new();
    for master in masters {
        let (key, bytes) = match &master.biggest {
            Ok(Some((key, bytes))) => (key, *bytes),
            Ok(None) => continue,
            Err(error) => {
                unsampled.push(format!("{} ({error})", master.address));
                continue;
            }
        };
        let seconds = bytes as f64 / MIGRATE_BYTES_PER_SECOND as f64;
        let too_slow = seconds > migrate_timeout.as_secs_f64();
        if bytes < BIG_KEY_BYTES && !too_slow {
            continue;
        }
        advice.push(Advice {
            level: if too_slow { Level::Warning } else { Level::Note },
            topic: "capacity",
            message: format!(
                "{}: key {key:?} uses {bytes} bytes (biggest of a sample); its MIGRATE takes about {seconds:.1} s{}",
                master.address,
                if too_slow {
                    format!(", more than the {} ms migrate timeout", migrate_timeout.as_millis())
                } else {
                    String::new()
                }
            ),
            why: "MIGRATE moves a key in one piece and blocks both nodes meanwhile; a key that takes longer than the timeout stops a slot move with the slot open.",
            remedy: too_slow.then(|| {
                format!(
                    "rcluster rebalance {seed} --migrate-timeout {}s    # or split the key",
                    (seconds * 2.0).ceil() as u64
                )
            }),
        });
    }
    if !unsampled.is_empty() {
        advice.push(Advice {
            level: Level::Note,
            topic: "capacity",
            message: format!("biggest keys not sampled on {}", unsampled.join(", ")),
            why: "Sampling takes SCAN and MEMORY USAGE on the keys, which this user may not run.",
            remedy: Some("run doctor as a user with +scan +memory|usage ~*".into()),
        });
    }
    advice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(address: &str, keys: u64, used: u64, max: u64) -> MasterLoad {
        MasterLoad {
            used_memory: Some(used),
            maxmemory: Some(max),
            ..MasterLoad::new(address.into(), Some(keys))
        }
    }

    #[test]
    fn a_clean_spread_gives_no_advice() {
        let masters = [
            load("a", 1000, 10, 0),
            load("b", 1100, 10, 100),
            load("c", 900, 79, 100),
        ];
        assert!(audit_capacity(&masters, 0, Duration::from_secs(60), "s").is_empty());
    }

    #[test]
    fn full_memory_uneven_keys_and_slots_are_found() {
        let masters = [
            load("a", 100, 85, 100),
            load("b", 100, 10, 100),
            load("c", 5000, 1, 0),
        ];
        let found = audit_capacity(&masters, 120, Duration::from_secs(60), "s");
        let messages: Vec<&str> = found.iter().map(|a| a.message.as_str()).collect();
        assert_eq!(found[0].level, Level::Warning, "{messages:?}");
        assert!(
            messages[0].contains("a (85%: 85 of 100 bytes)"),
            "{messages:?}"
        );
        assert!(messages[1].contains("rebalance would move 120 slots"));
        assert!(messages[2].contains("c (5000 keys)"), "{messages:?}");
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn big_keys_are_named_and_too_slow_ones_warned() {
        let mut big = load("a", 1, 1, 0);
        big.biggest = Ok(Some(("blob".into(), 12 * 1024 * 1024)));
        let mut small = load("b", 1, 1, 0);
        small.biggest = Ok(Some(("tiny".into(), 100)));
        let mut denied = load("c", 1, 1, 0);
        denied.biggest = Err("NOPERM".into());
        let masters = [big, small, denied];
        let relaxed = audit_capacity(&masters, 0, Duration::from_secs(60), "s");
        assert_eq!(relaxed.len(), 2);
        assert_eq!(relaxed[0].level, Level::Note);
        assert!(relaxed[0].message.contains("\"blob\""));
        assert!(relaxed[1].message.contains("c (NOPERM)"));
        let strict = audit_capacity(&masters, 0, Duration::from_millis(100), "s");
        assert_eq!(strict[0].level, Level::Warning);
        assert!(strict[0].message.contains("100 ms migrate timeout"));
    }
}
