//! What the servers say about a task (`exec::redis_asm`): its state on one side (`STATUS ID`),
//! the source's side and trim in one round trip, the phase a state belongs to, the bytes a
//! destination received (the snapshot's progress), why a task was called stalled, and whether a
//! node's table names a slot's owner.

use super::super::atomic::{Job, parse_redis_tasks};
use crate::net::{NodeClient, info_field};
use std::time::{Duration, Instant};

/// Whether `table` (a node's own `CLUSTER NODES`, `None` when unread) gives slot `number` to
/// `owner`.
pub(super) fn names_owner(
    table: Option<&[crate::topology::NodeEntry]>,
    number: u16,
    owner: &str,
) -> bool {
    let Some(slot) = crate::topology::Slot::new(u64::from(number)) else {
        return false;
    };
    table.is_some_and(|entries| {
        entries
            .iter()
            .any(|e| e.id == owner && e.slots.contains(slot))
    })
}

/// Where a task is, from the destination's state (`asmTaskStateToString` in Redis's
/// `src/cluster_asm.c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Connecting, then receiving the source's snapshot of the slots while buffering its writes.
    Snapshot,
    /// Applying the buffered writes, then the live stream.
    Stream,
    /// Waiting for the source's write pause and the end of the stream, then taking over.
    Handoff,
    /// Completed on the destination; the source deletes the moved keys in the background.
    Trim,
    /// Completed, failed or canceled.
    Ended,
}

impl Phase {
    pub(super) fn name(self) -> &'static str {
        match self {
            Phase::Snapshot => "snapshot",
            Phase::Stream => "stream",
            Phase::Handoff => "handoff",
            Phase::Trim => "trim",
            Phase::Ended => "ended",
        }
    }

    pub(super) fn of(state: &str) -> Phase {
        match state {
            "ready-to-stream" | "streaming-buffer" => Phase::Stream,
            "wait-stream-eof" | "takeover" => Phase::Handoff,
            "completed" | "failed" | "canceled" => Phase::Ended,
            _ => Phase::Snapshot,
        }
    }
}

/// Why a task was given up after `limit` without progress, and what to change.
pub(super) fn stalled(id: &str, state: &str, limit: Duration) -> String {
    let advice = match Phase::of(state) {
        Phase::Snapshot => {
            "no snapshot bytes arrived: is the source's fork slow or blocked (a big key, rdb-key-save-delay)? raise --migrate-timeout, or move with --migration legacy"
        }
        _ => {
            "under heavy writes the hand-off waits for the stream to catch up: raise cluster-slot-migration-handoff-max-lag-bytes, or move with --migration legacy"
        }
    };
    format!(
        "the server's migration task {id} made no progress in state `{state}` for {limit:?} (stalled: {advice}); cancelled on both sides"
    )
}

/// Bytes the destination has received from the source's snapshot (`total_net_repl_input_bytes`:
/// a master receives replication bytes only from a migration), read at most once a second.
#[derive(Default)]
pub(super) struct Received {
    bytes: Option<u64>,
    read: Option<Instant>,
}

impl Received {
    /// Whether more bytes arrived since the last read (a read that fails says no).
    pub(super) async fn grew(&mut self, target: &mut NodeClient) -> bool {
        if self
            .read
            .is_some_and(|at| at.elapsed() < Duration::from_secs(1))
        {
            return false;
        }
        self.read = Some(Instant::now());
        let Ok(info) = target.query::<String>(&["INFO", "stats"]).await else {
            return false;
        };
        let now =
            info_field(&info, "total_net_repl_input_bytes").and_then(|v| v.trim().parse().ok());
        let grew = matches!((self.bytes, now), (Some(before), Some(now)) if now > before);
        self.bytes = now.or(self.bytes);
        grew
    }
}

/// `CLUSTER MIGRATION STATUS ID id` on one side: the task's state, or `None` when that side does
/// not know the id (an empty array, not an error).
pub(super) async fn task_state(client: &mut NodeClient, id: &str) -> Result<Option<Job>, String> {
    let words: Vec<String> = ["CLUSTER", "MIGRATION", "STATUS", "ID", id]
        .iter()
        .map(|w| w.to_string())
        .collect();
    match client.command_reply(&words).await {
        Ok(Ok(reply)) => Ok(parse_redis_tasks(&reply).into_iter().next()),
        Ok(Err(text)) => Err(format!(
            "{} replied to CLUSTER MIGRATION STATUS: {text}",
            client.address()
        )),
        Err(error) => Err(error.to_string()),
    }
}

/// The source's side of task `id` and whether its trim of moved keys still runs, in one round
/// trip (`STATUS ID` and `CLUSTER INFO` pipelined).
pub(super) async fn source_side(
    source: &mut NodeClient,
    id: &str,
) -> Result<(Option<Job>, bool), String> {
    let mut pipe = redis::pipe();
    pipe.cmd("CLUSTER")
        .arg("MIGRATION")
        .arg("STATUS")
        .arg("ID")
        .arg(id)
        .cmd("CLUSTER")
        .arg("INFO");
    let (status, info): (redis::Value, String) = source
        .pipeline(&pipe, "CLUSTER MIGRATION STATUS")
        .await
        .map_err(|e| e.to_string())?;
    Ok((
        parse_redis_tasks(&status).into_iter().next(),
        trim_running(&info),
    ))
}

/// Whether `info` (a `CLUSTER INFO` text) shows a trim of moved keys still running.
pub(super) fn trim_running(info: &str) -> bool {
    info_field(info, "cluster_slot_migration_active_trim_running").is_some_and(|v| v.trim() != "0")
}
