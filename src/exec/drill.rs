//! The traffic of a failover drill (`rcluster failover --drill`): a small cluster-aware client that
//! writes distinct keys (with a TTL) at a steady rate, each to the master that owns its slot, and
//! reads each one back at once; on an error it re-reads the slot table from any node it knows and
//! goes on. At the end every acknowledged write is read again, so a write the failover lost is
//! found, and deleted. The tally ([`Tally`]) is pure; called by `exec::failover`.

use crate::net::{NodeAddress, Session};
use crate::topology::key_slot;
use crate::topology::parse::parse_cluster_nodes;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What the drill's client saw.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Tally {
    pub tried: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// The longest time without a successful write, in milliseconds.
    pub longest_gap_ms: u128,
    /// From the failover's start until writes succeeded again after failing (0 when none failed).
    pub recovery_ms: u128,
    /// Keys that read back with another value right after their write.
    pub wrong: Vec<String>,
    /// Acknowledged writes missing (or changed) when read again at the end.
    pub lost: Vec<String>,
}

impl Tally {
    /// Successful operations among those tried, in percent.
    pub fn success_rate(&self) -> f64 {
        if self.tried == 0 {
            return 100.0;
        }
        self.succeeded as f64 * 100.0 / self.tried as f64
    }
}

/// Slot → owner address, from one node's `CLUSTER NODES`.
struct Routes {
    owners: Vec<Option<NodeAddress>>,
    known: Vec<NodeAddress>,
}

impl Routes {
    /// Reads the table from the first of `known` that answers; keeps the old one otherwise.
    async fn refresh(&mut self, session: &Session) {
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

    fn owner(&self, key: &str) -> Option<&NodeAddress> {
        self.owners[usize::from(key_slot(key.as_bytes()).number())].as_ref()
    }
}

/// Writes and reads until `stop`, at `rate` writes per second; `failover_started` is set by the
/// caller when it triggers the failover (the recovery time counts from then).
pub async fn run_traffic(
    session: Arc<Session>,
    known: Vec<NodeAddress>,
    rate: u32,
    stop: Arc<AtomicBool>,
    failover_started: Arc<std::sync::Mutex<Option<Instant>>>,
) -> Tally {
    let mut routes = Routes {
        owners: Vec::new(),
        known,
    };
    routes.refresh(&session).await;
    let mut tally = Tally::default();
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let started = Instant::now();
    let mut last_success = started;
    let mut failing_since: Option<Instant> = None;
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let tick = Instant::now();
        let (key, value) = (format!("rcluster:drill:{n}"), format!("v{n}"));
        n += 1;
        tally.tried += 1;
        match write_and_read(&session, &routes, &key, &value).await {
            Ok(read) => {
                tally.succeeded += 1;
                let now = Instant::now();
                tally.longest_gap_ms = tally.longest_gap_ms.max((now - last_success).as_millis());
                last_success = now;
                if failing_since.take().is_some() {
                    let from = (*failover_started.lock().unwrap_or_else(|p| p.into_inner()))
                        .unwrap_or(started);
                    tally.recovery_ms = tally
                        .recovery_ms
                        .max(now.saturating_duration_since(from).as_millis());
                }
                if read.as_deref() != Some(value.as_str()) {
                    tally.wrong.push(key.clone());
                }
                acknowledged.push((key, value));
            }
            Err(_) => {
                tally.failed += 1;
                failing_since.get_or_insert_with(Instant::now);
                routes.refresh(&session).await;
            }
        }
        if let Some(rest) = interval.checked_sub(tick.elapsed()) {
            tokio::time::sleep(rest).await;
        }
    }
    tally.longest_gap_ms = tally.longest_gap_ms.max(last_success.elapsed().as_millis());
    routes.refresh(&session).await;
    for (key, value) in acknowledged {
        let read = read_key(&session, &routes, &key).await;
        if read.ok().flatten().as_deref() != Some(value.as_str()) {
            tally.lost.push(key.clone());
        }
    }
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

/// `SET key value PX 600000` on the owner, then `GET key`.
async fn write_and_read(
    session: &Session,
    routes: &Routes,
    key: &str,
    value: &str,
) -> Result<Option<String>, String> {
    let owner = routes.owner(key).ok_or("no owner")?;
    let mut client = session.client(owner).await.map_err(|e| e.to_string())?;
    client
        .query::<()>(&["SET", key, value, "PX", "600000"])
        .await
        .map_err(|e| e.to_string())?;
    client
        .query::<Option<String>>(&["GET", key])
        .await
        .map_err(|e| e.to_string())
}

async fn read_key(session: &Session, routes: &Routes, key: &str) -> Result<Option<String>, String> {
    let owner = routes.owner(key).ok_or("no owner")?;
    let mut client = session.client(owner).await.map_err(|e| e.to_string())?;
    client
        .query::<Option<String>>(&["GET", key])
        .await
        .map_err(|e| e.to_string())
}
