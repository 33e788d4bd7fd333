//! The engine's keys that need more than a batch: big keys moved alone with a timeout sized to
//! them (`MigrateOptions::alone`, from `exec::big_keys`), and keys the target already holds
//! (BUSYKEY), whose values are compared before any is overwritten. A big value is compared with a
//! timeout scaled to its size, a value too big to `DUMP` without risking a failover is not
//! compared at all, and a comparison that could not finish is never taken for a difference: the
//! key is left alone on both nodes and named.

use super::super::moves::Endpoint;
use super::Engine;
use crate::exec::retry::{ServerError, classify};
use crate::net::NodeClient;
use crate::plan::big_keys::migrate_estimate;
use std::time::Duration;

/// Slots' keys of one batch: `(index of the slot, its keys)`.
type Work = Vec<(usize, Vec<Vec<u8>>)>;

impl Engine {
    /// MIGRATE's timeout for `keys` in `db`: a big key's own when it moves alone, else the run's.
    pub(super) fn migrate_timeout_for(&self, db: u16, keys: &[Vec<u8>]) -> Duration {
        match keys {
            [key] => self
                .options
                .alone
                .get(&(db, key.clone()))
                .copied()
                .unwrap_or(self.options.migrate_timeout),
            _ => self.options.migrate_timeout,
        }
    }

    /// `work` without the keys that move alone, and those keys with their slot's index.
    pub(super) fn split_alone(&self, db: u16, work: Work) -> (Work, Vec<(usize, Vec<u8>)>) {
        if self.options.alone.is_empty() {
            return (work, Vec::new());
        }
        let mut alone = Vec::new();
        let mut rest = Vec::new();
        for (index, keys) in work {
            let (big, small): (Vec<_>, Vec<_>) = keys
                .into_iter()
                .partition(|k| self.options.alone.contains_key(&(db, k.clone())));
            alone.extend(big.into_iter().map(|k| (index, k)));
            if !small.is_empty() {
                rest.push((index, small));
            }
        }
        (rest, alone)
    }

    /// One big key in a MIGRATE of its own, its timeout sized to it, BUSYKEY and passing errors
    /// handled as for a batch. MIGRATE's timeout bounds each write to the target and the wait for
    /// its reply, not the source's own serialising, so the reply is awaited three times as long
    /// (a source that is slower than planned is then still answered, not left with its slot open).
    pub(super) async fn migrate_alone(
        &self,
        source: &mut NodeClient,
        target: &mut NodeClient,
        to: &Endpoint,
        db: u16,
        key: Vec<u8>,
    ) -> Result<(), String> {
        let keys = std::slice::from_ref(&key);
        let timeout = self.migrate_timeout_for(db, keys);
        let mut alone = source
            .clone()
            .with_timeout(timeout * 3 + Duration::from_secs(5));
        let command = self.migrate_command(to, db, keys, self.options.replace);
        let started = std::time::Instant::now();
        let reply = alone.run_raw_in(db, &command).await;
        super::PhaseClock::add(&self.clock.migrate, started);
        self.settle_migrate_reply(reply, &mut alone, target, to, db, keys)
            .await
    }

    /// BUSYKEY without --replace: keys whose values are the same on both sides (same DUMP payload)
    /// are safe to overwrite; any that differ stop the move and are named. Each side's `MEMORY
    /// USAGE` comes first: a value whose DUMP would block a node for MIGRATE's timeout or more is
    /// not compared, and the DUMPs wait for a time scaled to the values' size; either way a key
    /// not compared stops the move, named, with both copies left as they are.
    pub(super) async fn resolve_busy_keys(
        &self,
        source: &mut NodeClient,
        target: &mut NodeClient,
        to: &Endpoint,
        db: u16,
        keys: &[Vec<u8>],
    ) -> Result<(), String> {
        if self.options.replace {
            return Err("BUSYKEY even with REPLACE".into());
        }
        let sizes = |client: &NodeClient| {
            per_key::<u64>(client.clone(), db, keys, "MEMORY USAGE", |key| {
                let mut command = redis::cmd("MEMORY");
                command.arg("USAGE").arg(key).arg("SAMPLES").arg(5);
                command
            })
        };
        let (mine, theirs) = tokio::join!(sizes(source), sizes(target));
        let (mine, theirs) = (mine?, theirs?);
        // A key no longer on the source (it went over before the BUSYKEY) has nothing to move.
        let (keys, estimates): (Vec<&Vec<u8>>, Vec<Duration>) = keys
            .iter()
            .zip(mine.iter().zip(&theirs))
            .filter(|(_, (a, _))| a.is_some())
            .map(|(key, (a, b))| (key, migrate_estimate(a.unwrap_or(0).max(b.unwrap_or(0)))))
            .unzip();
        let mut not_compared: Vec<String> = Vec::new();
        let mut compare: Vec<Vec<u8>> = Vec::new();
        for (key, estimate) in keys.into_iter().zip(&estimates) {
            if *estimate >= self.options.migrate_timeout {
                not_compared.push(format!(
                    "{} (DUMP would block a node for about {} ms)",
                    String::from_utf8_lossy(key),
                    estimate.as_millis()
                ));
            } else {
                compare.push(key.clone());
            }
        }
        let total: Duration = estimates.iter().sum();
        let wait = Duration::from_secs(3) + total * 2;
        let dumps = |client: &NodeClient| {
            per_key::<Vec<u8>>(
                client.clone().with_timeout(wait),
                db,
                &compare,
                "DUMP",
                |key| {
                    let mut command = redis::cmd("DUMP");
                    command.arg(key);
                    command
                },
            )
        };
        let mut same: Vec<Vec<u8>> = Vec::new();
        let mut different: Vec<String> = Vec::new();
        if !compare.is_empty() {
            match tokio::join!(dumps(source), dumps(target)) {
                (Ok(mine), Ok(theirs)) => {
                    for (key, (a, b)) in compare.iter().zip(mine.iter().zip(&theirs)) {
                        match (a, b) {
                            (Some(a), Some(b)) if a != b => {
                                different.push(String::from_utf8_lossy(key).into_owned())
                            }
                            // Gone from the source since: nothing to move.
                            (None, _) => {}
                            _ => same.push(key.clone()),
                        }
                    }
                }
                (Err(error), _) | (_, Err(error)) => not_compared.extend(compare.iter().map(|k| {
                    format!(
                        "{} (DUMP gave no answer within {} ms: {error})",
                        String::from_utf8_lossy(k),
                        wait.as_millis()
                    )
                })),
            }
        }
        if !different.is_empty() {
            return Err(format!(
                "{} {} on both nodes with different values: {}; fix them by hand or rerun with --replace to overwrite the target's",
                crate::words::counted(different.len(), "key", "keys"),
                crate::words::plural(different.len(), "exists", "exist"),
                different.join(", ")
            ));
        }
        if !not_compared.is_empty() {
            return Err(format!(
                "{} on both nodes could not be compared, so {} left alone on both: {}; compare them by hand, or rerun with --replace to overwrite the target's",
                crate::words::counted(not_compared.len(), "key", "keys"),
                crate::words::plural(not_compared.len(), "it was", "they were"),
                not_compared.join(", ")
            ));
        }
        self.migrate(source, to, db, &same, true).await
    }
}

/// `command` for each of `keys` in database `db` (each after ASKING: an importing node answers only
/// for keys asked about this way), one reply per key. A key the node does not hold in a slot it is
/// migrating reads as absent: the node answers ASK for it (a batch's keys that went over before
/// its BUSYKEY are no longer on the source), as it answers MOVED for a key of a slot it gave away.
async fn per_key<T: redis::FromRedisValue>(
    mut client: NodeClient,
    db: u16,
    keys: &[Vec<u8>],
    what: &str,
    command: impl Fn(&[u8]) -> redis::Cmd,
) -> Result<Vec<Option<T>>, String> {
    let commands: Vec<redis::Cmd> = keys
        .iter()
        .flat_map(|key| [redis::cmd("ASKING"), command(key)])
        .collect();
    let replies = client
        .pipeline_in(db, &commands, what)
        .await
        .map_err(|e| e.to_string())?;
    replies
        .into_iter()
        .skip(1)
        .step_by(2)
        .map(|reply| match reply {
            Ok(value) => redis::from_redis_value::<Option<T>>(value).map_err(|e| e.to_string()),
            Err(error) if matches!(classify(&error), ServerError::Ask | ServerError::Moved) => {
                Ok(None)
            }
            Err(error) => Err(format!("{} replied to {what}: {error}", client.address())),
        })
        .collect()
}
