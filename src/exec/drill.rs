//! The traffic of a failover drill (`rcluster failover --drill`): a small cluster-aware client that
//! writes distinct keys (with a TTL) at a steady rate, each to the master that owns its slot, and
//! reads each one back at once; on an error it re-reads the slot table from any node it knows and
//! goes on. The time without a successful write is kept overall and per shard (the masters and
//! their slots when the traffic starts), as the outage of the shard that fails over is hidden in
//! the overall figure by the others' writes. At the end every acknowledged write is read again
//! ([`ReadBack`]): a key that cannot be read yet is read again until the cluster answers for it
//! (bounded), so a key that was only unreadable during the outage is told apart from a write the
//! failover lost. The keys are then deleted. The tally ([`Tally`]) and the read-back's bookkeeping
//! are pure; called by `exec::failover`; `exec::partition` reads its writers' keys back the same
//! way.

use crate::net::{NodeAddress, Session};
use crate::topology::key_slot;
use crate::topology::parse::parse_cluster_nodes;
use crate::topology::{Slot, SlotSet};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What the drill's client saw.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Tally {
    pub tried: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// The longest time without a successful write to any shard, in milliseconds: the cluster's
    /// gap (the shards' own gaps are in `shards`).
    pub longest_gap_ms: u128,
    /// From the failover's start until writes succeeded again after failing (0 when none failed).
    pub recovery_ms: u128,
    /// Per shard (a master and its slots when the traffic started): its writes and its longest
    /// time without a successful write.
    pub shards: Vec<ShardTally>,
    /// Keys that read back with another value right after their write.
    pub wrong: Vec<String>,
    /// Acknowledged writes missing (or changed) when read again at the end.
    pub lost: Vec<String>,
    /// Acknowledged writes that could not be read during the outage (right after their write, or
    /// at the end before the cluster recovered) and read back whole afterwards: not lost.
    pub unreadable_during_outage: Vec<String>,
    /// Acknowledged writes that still could not be read when the read-back's bound ran out:
    /// neither found nor known to be lost.
    pub unreadable: Vec<String>,
    /// When each shard's last write succeeded (by the index in `shards`).
    #[serde(skip)]
    pub(crate) shard_last_success: Vec<Instant>,
}

/// One shard's share of a [`Tally`].
#[derive(Debug, Clone, Serialize)]
pub struct ShardTally {
    /// The master of these slots when the traffic started.
    pub master: String,
    pub slots: SlotSet,
    pub tried: u64,
    pub failed: u64,
    /// The longest time without a successful write to this shard's keys, in milliseconds.
    pub longest_gap_ms: u128,
}

impl Tally {
    /// Successful operations among those tried, in percent.
    pub fn success_rate(&self) -> f64 {
        if self.tried == 0 {
            return 100.0;
        }
        self.succeeded as f64 * 100.0 / self.tried as f64
    }

    /// One shard per master of `owners` (slot → owner), in the order of their first slot.
    fn with_shards(owners: &[Option<NodeAddress>], started: Instant) -> Tally {
        let mut shards: Vec<ShardTally> = Vec::new();
        for (number, owner) in owners.iter().enumerate() {
            let (Some(owner), Some(slot)) = (owner, Slot::new(number as u64)) else {
                continue;
            };
            let master = owner.to_string();
            match shards.iter_mut().find(|s| s.master == master) {
                Some(shard) => shard.slots.insert(slot),
                None => shards.push(ShardTally {
                    master,
                    slots: SlotSet::from_range(slot, slot),
                    tried: 0,
                    failed: 0,
                    longest_gap_ms: 0,
                }),
            }
        }
        Tally {
            shard_last_success: vec![started; shards.len()],
            shards,
            ..Tally::default()
        }
    }

    /// A write to `key` tried at `now`: succeeded or not.
    fn record_write(&mut self, key: &str, succeeded: bool, now: Instant) {
        let slot = key_slot(key.as_bytes());
        let Some(index) = self.shards.iter().position(|s| s.slots.contains(slot)) else {
            return;
        };
        let shard = &mut self.shards[index];
        shard.tried += 1;
        if !succeeded {
            shard.failed += 1;
            return;
        }
        let last = std::mem::replace(&mut self.shard_last_success[index], now);
        shard.longest_gap_ms = shard.longest_gap_ms.max((now - last).as_millis());
    }

    /// Closes every shard's gap at `now` (the traffic stopped).
    fn close_gaps(&mut self, now: Instant) {
        for (shard, last) in self.shards.iter_mut().zip(&self.shard_last_success) {
            shard.longest_gap_ms = shard.longest_gap_ms.max((now - *last).as_millis());
        }
    }
}

/// The read-back of acknowledged writes: each key is read until it answers, and sorted by what
/// was read. Pure bookkeeping; the caller reads the [`pending`](ReadBack::pending) keys (refreshing
/// its routes between rounds) and hands the results to [`record`](ReadBack::record) until none is
/// pending or its bound ran out.
#[derive(Debug, Default)]
pub struct ReadBack {
    /// Key, acknowledged value, and whether a read of it has failed.
    pending: Vec<(String, String, bool)>,
    /// Read back with no value.
    pub missing: Vec<String>,
    /// Read back with another value.
    pub changed: Vec<String>,
    /// Read back whole only after a read of it failed.
    pub unreadable_during_outage: Vec<String>,
}

impl ReadBack {
    /// The acknowledged writes, `unread` being those whose read already failed once.
    pub fn new(acknowledged: Vec<(String, String)>, unread: &HashSet<String>) -> ReadBack {
        let pending = acknowledged
            .into_iter()
            .map(|(key, value)| {
                let failed = unread.contains(&key);
                (key, value, failed)
            })
            .collect();
        ReadBack {
            pending,
            ..ReadBack::default()
        }
    }

    /// The keys still to read, in order.
    pub fn pending(&self) -> Vec<String> {
        self.pending.iter().map(|(key, _, _)| key.clone()).collect()
    }

    /// The results of reading [`pending`](ReadBack::pending), in the same order: `Err` when the
    /// key could not be read (it stays pending), else its value (`None`: no such key).
    pub fn record(&mut self, reads: Vec<Result<Option<String>, String>>) {
        let pending = std::mem::take(&mut self.pending);
        let mut reads = reads.into_iter();
        for (key, value, failed) in pending {
            match reads.next() {
                Some(Ok(None)) => self.missing.push(key),
                Some(Ok(Some(read))) if read != value => self.changed.push(key),
                Some(Ok(Some(_))) if failed => self.unreadable_during_outage.push(key),
                Some(Ok(Some(_))) => {}
                Some(Err(_)) => self.pending.push((key, value, true)),
                None => self.pending.push((key, value, failed)),
            }
        }
    }

    /// The keys that could not be read at all.
    pub fn unreadable(self) -> Vec<String> {
        self.pending.into_iter().map(|(key, _, _)| key).collect()
    }
}

/// How long the read-back waits between rounds while some keys cannot be read.
pub const READ_BACK_PAUSE: Duration = Duration::from_millis(200);

/// Slot → owner address, from one node's `CLUSTER NODES`: the drill's routes, also those of the
/// observing client of `--observe` (`exec::observe`).
pub(crate) struct Routes {
    owners: Vec<Option<NodeAddress>>,
    known: Vec<NodeAddress>,
}

impl Routes {
    /// No routes yet: [`refresh`](Routes::refresh) reads them from the first of `known` that answers.
    pub(crate) fn new(known: Vec<NodeAddress>) -> Routes {
        Routes {
            owners: Vec::new(),
            known,
        }
    }

    /// Reads the table from the first of `known` that answers; keeps the old one otherwise.
    pub(crate) async fn refresh(&mut self, session: &Session) {
        for address in self.known.clone() {
            let Ok(mut client) = session.client(&address).await else {
                continue;
            };
            let Ok(text) = client.cluster_nodes().await else {
                continue;
            };
            let Ok(entries) = parse_cluster_nodes(&text) else {
                continue;
            };
            let mut owners = vec![None; usize::from(crate::topology::SLOT_COUNT)];
            for entry in entries.iter().filter(|e| e.is_master() && !e.flags.fail) {
                let owner = NodeAddress::new(&entry.addr.ip, entry.addr.port);
                for slot in entry.slots.iter() {
                    owners[usize::from(slot.number())] = Some(owner.clone());
                }
            }
            self.owners = owners;
            return;
        }
    }

    /// The owner of `key`'s slot, if the table names one.
    pub(crate) fn owner(&self, key: &str) -> Option<&NodeAddress> {
        (self
            .owners
            .get(usize::from(key_slot(key.as_bytes()).number())))
        .and_then(Option::as_ref)
    }
}

/// Writes and reads until `stop`, at `rate` writes per second; `failover_started` is set by the
/// caller when it triggers the failover (the recovery time counts from then). Then reads every
/// acknowledged write back, trying the keys that cannot be read again for up to `read_back_for`.
pub async fn run_traffic(
    session: Arc<Session>,
    known: Vec<NodeAddress>,
    rate: u32,
    stop: Arc<AtomicBool>,
    failover_started: Arc<std::sync::Mutex<Option<Instant>>>,
    read_back_for: Duration,
) -> Tally {
    let mut routes = Routes::new(known);
    routes.refresh(&session).await;
    let started = Instant::now();
    let mut tally = Tally::with_shards(&routes.owners, started);
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let mut unread: HashSet<String> = HashSet::new();
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut last_success = started;
    let mut failing_since: Option<Instant> = None;
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let tick = Instant::now();
        let (key, value) = (format!("rcluster:drill:{n}"), format!("v{n}"));
        n += 1;
        tally.tried += 1;
        let written = write_and_read(&session, &routes, &key, &value).await;
        let now = Instant::now();
        tally.record_write(&key, written.is_ok(), now);
        match written {
            Ok(read) => {
                tally.longest_gap_ms = tally.longest_gap_ms.max((now - last_success).as_millis());
                last_success = now;
                match read {
                    Ok(read) => {
                        tally.succeeded += 1;
                        if failing_since.take().is_some() {
                            let from =
                                (*failover_started.lock().unwrap_or_else(|p| p.into_inner()))
                                    .unwrap_or(started);
                            tally.recovery_ms = tally
                                .recovery_ms
                                .max(now.saturating_duration_since(from).as_millis());
                        }
                        if read.as_deref() != Some(value.as_str()) {
                            tally.wrong.push(key.clone());
                        }
                    }
                    // Acknowledged, but its read failed: read again at the end.
                    Err(_) => {
                        tally.failed += 1;
                        failing_since.get_or_insert(now);
                        unread.insert(key.clone());
                        routes.refresh(&session).await;
                    }
                }
                acknowledged.push((key, value));
            }
            Err(_) => {
                tally.failed += 1;
                failing_since.get_or_insert(now);
                routes.refresh(&session).await;
            }
        }
        if let Some(rest) = interval.checked_sub(tick.elapsed()) {
            tokio::time::sleep(rest).await;
        }
    }
    tally.longest_gap_ms = tally.longest_gap_ms.max(last_success.elapsed().as_millis());
    tally.close_gaps(Instant::now());
    let mut read_back = ReadBack::new(acknowledged, &unread);
    let deadline = Instant::now() + read_back_for;
    loop {
        routes.refresh(&session).await;
        let mut reads = Vec::new();
        for key in read_back.pending() {
            reads.push(read_key(&session, &routes, &key).await);
        }
        read_back.record(reads);
        if read_back.pending().is_empty() || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(READ_BACK_PAUSE).await;
    }
    tally.lost = read_back.missing.clone();
    tally.lost.append(&mut read_back.changed);
    tally.unreadable_during_outage = std::mem::take(&mut read_back.unreadable_during_outage);
    tally.unreadable = read_back.unreadable();
    // The drill leaves nothing behind, also of the writes whose reply never came (a SET the server
    // applied while the failover cut the answer); the TTL is the last fallback.
    for n in 0..n {
        let key = format!("rcluster:drill:{n}");
        if let Some(owner) = routes.owner(&key)
            && let Ok(mut client) = session.client(owner).await
        {
            let _ = client.query::<i64>(&["DEL", &key]).await;
        }
    }
    tally
}

/// `SET key value PX 600000` on the owner, then `GET key`: `Err` when the write failed, else the
/// read (`Err` when it failed).
async fn write_and_read(
    session: &Session,
    routes: &Routes,
    key: &str,
    value: &str,
) -> Result<Result<Option<String>, String>, String> {
    let owner = routes.owner(key).ok_or("no owner")?;
    let mut client = session.client(owner).await.map_err(|e| e.to_string())?;
    client
        .query::<()>(&["SET", key, value, "PX", "600000"])
        .await
        .map_err(|e| e.to_string())?;
    Ok(client
        .query::<Option<String>>(&["GET", key])
        .await
        .map_err(|e| e.to_string()))
}

async fn read_key(session: &Session, routes: &Routes, key: &str) -> Result<Option<String>, String> {
    let owner = routes.owner(key).ok_or("no owner")?;
    let mut client = session.client(owner).await.map_err(|e| e.to_string())?;
    client
        .query::<Option<String>>(&["GET", key])
        .await
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acknowledged(keys: &[&str]) -> Vec<(String, String)> {
        keys.iter()
            .map(|k| (k.to_string(), format!("v-{k}")))
            .collect()
    }

    #[test]
    fn a_key_unreadable_during_the_outage_is_not_lost() {
        let unread: HashSet<String> = ["b".to_string()].into();
        let mut read_back = ReadBack::new(acknowledged(&["a", "b", "c", "d", "e"]), &unread);
        // Round 1, the cluster still recovering: c cannot be read, b (unread at its write) neither.
        read_back.record(vec![
            Ok(Some("v-a".into())),
            Err("CLUSTERDOWN".into()),
            Err("connection refused".into()),
            Ok(None),
            Ok(Some("other".into())),
        ]);
        assert_eq!(read_back.pending(), ["b", "c"]);
        // Round 2, recovered: both read back whole.
        read_back.record(vec![Ok(Some("v-b".into())), Ok(Some("v-c".into()))]);
        assert!(read_back.pending().is_empty());
        assert_eq!(read_back.missing, ["d"]);
        assert_eq!(read_back.changed, ["e"]);
        assert_eq!(read_back.unreadable_during_outage, ["b", "c"]);
        assert!(read_back.unreadable().is_empty());
    }

    #[test]
    fn a_key_never_readable_is_unreadable_not_lost() {
        let mut read_back = ReadBack::new(acknowledged(&["a", "b"]), &HashSet::new());
        read_back.record(vec![Err("io".into()), Ok(Some("v-b".into()))]);
        read_back.record(vec![Err("io".into())]);
        assert!(read_back.missing.is_empty() && read_back.unreadable_during_outage.is_empty());
        assert_eq!(read_back.unreadable(), ["a"]);
    }

    #[test]
    fn each_shard_keeps_its_own_gap() {
        let (first, second) = (
            NodeAddress::new("127.0.0.1", 7000),
            NodeAddress::new("127.0.0.1", 7001),
        );
        let mut owners = vec![Some(first.clone()); usize::from(crate::topology::SLOT_COUNT)];
        for owner in owners.iter_mut().skip(8192) {
            *owner = Some(second.clone());
        }
        let start = Instant::now();
        let mut tally = Tally::with_shards(&owners, start);
        assert_eq!(tally.shards.len(), 2);
        assert_eq!(tally.shards[1].slots.to_compact(), "8192-16383");
        // "a" hashes to slot 15495 (second shard), "b" to 3300 (first).
        assert_eq!(key_slot(b"a").number(), 15495);
        assert_eq!(key_slot(b"b").number(), 3300);
        let ms = Duration::from_millis;
        tally.record_write("b", true, start + ms(10));
        tally.record_write("a", false, start + ms(20));
        tally.record_write("b", true, start + ms(30));
        tally.record_write("a", true, start + ms(900));
        tally.record_write("b", true, start + ms(950));
        tally.close_gaps(start + ms(1000));
        assert_eq!(tally.shards[0].longest_gap_ms, 920);
        assert_eq!(
            (tally.shards[1].longest_gap_ms, tally.shards[1].failed),
            (900, 1)
        );
        assert_eq!((tally.shards[0].tried, tally.shards[1].tried), (3, 2));
    }
}
