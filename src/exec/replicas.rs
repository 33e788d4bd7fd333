//! Waiting until replicas hold their masters' data: `create` and `add-node --replica` return only
//! once every new replica finished its first sync and reached its master's offset (Redis 7.0 sends
//! the first copy `repl-diskless-sync-delay`, 5 s, after a replica attaches; until then a failover
//! to it loses the master's keys). Bounded; `--no-wait-sync` skips it.

use crate::net::{NodeAddress, ReplicaGap, Session, concurrently};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Polls every `(replica, master)` pair (`INFO replication` of both, all at once, every 50 ms) until
/// each replica's link is up, no sync runs, and it is within the lag bound of its master's offset;
/// how long that took, or, past `limit`, one line per replica still behind.
pub async fn wait_until_synced(
    session: &Arc<Session>,
    pairs: &[(NodeAddress, NodeAddress)],
    limit: Duration,
) -> Result<Duration, Vec<String>> {
    let started = Instant::now();
    loop {
        let behind = behind(session, pairs).await;
        if behind.is_empty() {
            return Ok(started.elapsed());
        }
        if started.elapsed() > limit {
            return Err(behind);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The replicas of `pairs` that do not hold their master's data yet, in words.
async fn behind(session: &Arc<Session>, pairs: &[(NodeAddress, NodeAddress)]) -> Vec<String> {
    let states = concurrently(pairs.to_vec(), |(replica, master)| {
        let session = Arc::clone(session);
        async move {
            let read = |address: NodeAddress| {
                let session = Arc::clone(&session);
                async move { session.client(&address).await?.replication().await }
            };
            let (mine, theirs) = tokio::join!(read(replica.clone()), read(master.clone()));
            let gap = match (mine, theirs) {
                (Ok(mine), Ok(theirs)) if !mine.link_up => {
                    Some(ReplicaGap::of(&mine, theirs.offset).unwrap_or(ReplicaGap::NeverSynced))
                }
                (Ok(mine), Ok(theirs)) => ReplicaGap::of(&mine, theirs.offset),
                (Err(error), _) | (_, Err(error)) => {
                    return Some(format!("{replica}: {error}"));
                }
            };
            gap.map(|gap| format!("{replica} (replica of {master}) {}", gap.describe()))
        }
    })
    .await;
    states.into_iter().flatten().collect()
}
