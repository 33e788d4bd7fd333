//! Server-side atomic slot migration (Valkey 9+ `CLUSTER MIGRATESLOTS`) behind the same plan,
//! progress and journal as the legacy engine in [`super::migrate`].
//!
//! Each source gets one `CLUSTER MIGRATESLOTS SLOTSRANGE a b ... NODE target ...` for all of its moves
//! (one job per target, run by the servers), then `CLUSTER GETSLOTMIGRATIONS` is polled until every
//! job has succeeded, failed or been cancelled. Slots of a job are reported (and journaled) when the
//! job succeeds, and the masters outside it are then told the new owner through
//! [`super::handoff::announce_owner`] rather than left to gossip. A job that fails or makes no progress for the migrate timeout is cancelled
//! (`CLUSTER CANCELSLOTMIGRATIONS`); the servers roll it back, so its slots stay with the source
//! and nothing is left open. Ctrl-C cancels the same way.

use super::handoff::announce_owner;
use super::moves::{Endpoint, MoveError, MoveSummary, SlotDone, SlotLog, SlotStep};
use crate::net::{NetError, NodeAddress, NodeClient, Session, concurrently};
use crate::plan::{MovePlan, SlotMove};
use crate::topology::SlotSet;
use crate::topology::check::{Finding, FindingKind, Severity};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Whether every node in `masters` offers `CLUSTER MIGRATESLOTS`.
pub async fn supports_atomic(session: &Arc<Session>, masters: &[NodeAddress]) -> bool {
    server_side_offers(session, masters).await.valkey
}

/// What every master offers for a server-side migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offers {
    /// Valkey 9's `CLUSTER MIGRATESLOTS`.
    pub valkey: bool,
    /// Redis 8.4's `CLUSTER MIGRATION`.
    pub redis: bool,
}

/// Reads one `CLUSTER HELP` from each of `masters` (all at once) and says which server-side
/// migration every one of them offers.
pub async fn server_side_offers(session: &Arc<Session>, masters: &[NodeAddress]) -> Offers {
    let answers = concurrently(masters.to_vec(), |address| {
        let session = Arc::clone(session);
        async move {
            let mut client = session.client(&address).await.ok()?;
            let help: Vec<String> = client.query(&["CLUSTER", "HELP"]).await.ok()?;
            let offers = |prefix: &str| help.iter().any(|line| line.starts_with(prefix));
            Some(Offers {
                valkey: offers("MIGRATESLOTS"),
                redis: offers("MIGRATION "),
            })
        }
    })
    .await;
    let all = |pick: fn(&Offers) -> bool| {
        !answers.is_empty() && answers.iter().all(|a| a.as_ref().is_some_and(pick))
    };
    Offers {
        valkey: all(|o| o.valkey),
        redis: all(|o| o.redis),
    }
}

/// Server-side migration jobs still running on any of `masters` (servers without atomic migration
/// have none), one line each: node, slots, state.
pub async fn running_jobs(session: &Arc<Session>, masters: &[NodeAddress]) -> Vec<String> {
    unfinished_jobs(session, masters)
        .await
        .into_iter()
        .map(|(address, job)| job.describe(&address))
        .collect()
}

/// Server-side migration jobs not over on any of `masters` (running, or failed and retrying on a
/// Redis destination), with the node that listed each: Valkey 9's `CLUSTER GETSLOTMIGRATIONS`, else Redis 8.4's `CLUSTER MIGRATION STATUS ALL` (a
/// server with neither command has none).
pub async fn unfinished_jobs(
    session: &Arc<Session>,
    masters: &[NodeAddress],
) -> Vec<(NodeAddress, Job)> {
    let found = concurrently(masters.to_vec(), |address| {
        let session = Arc::clone(session);
        async move {
            let jobs = match session.client(&address).await {
                Ok(mut client) => listed_jobs(&mut client).await,
                Err(_) => Vec::new(),
            };
            jobs.into_iter()
                .filter(|job| !job.finished() || job.retrying)
                .map(|job| (address.clone(), job))
                .collect::<Vec<_>>()
        }
    })
    .await;
    found.into_iter().flatten().collect()
}

/// `check`'s findings about server-side moves (`jobs` from [`unfinished_jobs`]), one per task (both
/// sides list it): a running task is a warning (its slots move until it ends, and rcluster refuses
/// to move or repair meanwhile); a failed task that retries is an error (it holds its nodes until
/// cancelled on both sides).
pub fn job_findings(
    view: &crate::topology::ClusterView,
    jobs: &[(NodeAddress, Job)],
) -> Vec<Finding> {
    let address = |id: &str| {
        view.node_by_id(id)
            .map_or_else(|| id.to_string(), |n| n.address.to_string())
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut findings = Vec::new();
    for (listed_by, job) in jobs {
        if !job.id.is_empty() && !seen.insert(job.id.clone()) {
            continue;
        }
        let (source, target) = (address(&job.source), address(&job.target));
        let (severity, message) = if job.retrying {
            (
                Severity::Error,
                format!(
                    "server-side migration {} of slots {} from {source} to {target} failed ({}) and retries until cancelled: send `CLUSTER MIGRATION CANCEL ID {}` to both nodes",
                    job.id,
                    job.slots.to_compact(),
                    job.message,
                    job.id
                ),
            )
        } else {
            (
                Severity::Warning,
                format!(
                    "server-side migration {} is moving slots {} from {source} to {target} (state {}, listed by {listed_by}); rcluster moves and repairs nothing until it ends",
                    job.id,
                    job.slots.to_compact(),
                    job.state
                ),
            )
        };
        findings.push(Finding {
            severity,
            kind: FindingKind::ServerSideMigration,
            message,
            nodes: vec![source, target],
            slots: job.slots.clone(),
            details: Vec::new(),
        });
    }
    findings
}

/// Every job one node lists, in whichever dialect it speaks: Valkey's `CLUSTER GETSLOTMIGRATIONS`
/// and Redis's `CLUSTER MIGRATION STATUS ALL` asked in one round trip (a server answers one and
/// refuses the other; one that refuses both, or does not answer, lists none).
async fn listed_jobs(client: &mut NodeClient) -> Vec<Job> {
    let mut pipe = redis::pipe();
    pipe.ignore_errors()
        .cmd("CLUSTER")
        .arg("GETSLOTMIGRATIONS")
        .cmd("CLUSTER")
        .arg("MIGRATION")
        .arg("STATUS")
        .arg("ALL");
    let replies: Vec<redis::RedisResult<redis::Value>> =
        match client.pipeline(&pipe, "CLUSTER GETSLOTMIGRATIONS").await {
            Ok(replies) => replies,
            Err(_) => return Vec::new(),
        };
    match replies.as_slice() {
        [Ok(valkey), _] => parse_jobs(valkey),
        [_, Ok(redis)] => parse_listing(redis, &REDIS_FIELDS),
        _ => Vec::new(),
    }
}

/// One job as `CLUSTER GETSLOTMIGRATIONS` (or Redis 8.4's `CLUSTER MIGRATION STATUS`) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The job's name (Valkey) or task id (Redis): both sides know it by the same one.
    pub id: String,
    pub operation: String,
    pub slots: SlotSet,
    /// The ids of the node giving and of the node receiving the slots.
    pub source: String,
    pub target: String,
    pub state: String,
    /// Why it failed (Valkey's `message`, Redis's `last_error`).
    pub message: String,
    /// Failed, but not over: Redis's destination retries a failed import until it is cancelled.
    pub retrying: bool,
    create_time: u64,
    last_update_time: u64,
}

impl Job {
    /// Ended: Valkey's `success`, `failed`, `cancelled`; Redis's `completed`, `failed`, `canceled`.
    pub fn finished(&self) -> bool {
        matches!(
            self.state.as_str(),
            "success" | "completed" | "failed" | "cancelled" | "canceled"
        )
    }

    /// `host:port export slots 0-99 (state, id ID)`, as the node at `address` lists it.
    pub fn describe(&self, address: &NodeAddress) -> String {
        format!(
            "{address} {} slots {} ({}, id {})",
            self.operation.to_lowercase(),
            self.slots.to_compact(),
            self.state,
            self.id
        )
    }
}

/// The names a server gives a job's fields.
struct Fields {
    /// A `failed` import is not final in this dialect: it retries until cancelled (Redis 8.4+).
    failed_import_retries: bool,
    id: &'static str,
    slots: &'static str,
    source: &'static str,
    target: &'static str,
    message: &'static str,
}

/// Valkey 9's `CLUSTER GETSLOTMIGRATIONS`.
const VALKEY_FIELDS: Fields = Fields {
    failed_import_retries: false,
    id: "name",
    slots: "slot_ranges",
    source: "source_node",
    target: "target_node",
    message: "message",
};

/// Redis 8.4's `CLUSTER MIGRATION STATUS`.
const REDIS_FIELDS: Fields = Fields {
    failed_import_retries: true,
    id: "id",
    slots: "slots",
    source: "source",
    target: "dest",
    message: "last_error",
};

/// Reads Redis 8.4's `CLUSTER MIGRATION STATUS` reply.
pub fn parse_redis_tasks(reply: &redis::Value) -> Vec<Job> {
    parse_listing(reply, &REDIS_FIELDS)
}

/// Reads the flat field/value lists of `CLUSTER GETSLOTMIGRATIONS`.
pub fn parse_jobs(reply: &redis::Value) -> Vec<Job> {
    parse_listing(reply, &VALKEY_FIELDS)
}

/// Reads a list of jobs, each a flat field/value list (RESP2) or a map (RESP3).
fn parse_listing(reply: &redis::Value, names: &Fields) -> Vec<Job> {
    let text = |value: &redis::Value| match value {
        redis::Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        redis::Value::SimpleString(s) => s.clone(),
        redis::Value::Int(n) => n.to_string(),
        _ => String::new(),
    };
    let redis::Value::Array(jobs) = reply else {
        return Vec::new();
    };
    jobs.iter()
        .filter_map(|job| {
            let fields: HashMap<String, String> = match job {
                redis::Value::Array(items) => items
                    .chunks(2)
                    .filter(|pair| pair.len() == 2)
                    .map(|pair| (text(&pair[0]), text(&pair[1])))
                    .collect(),
                redis::Value::Map(items) => items.iter().map(|(k, v)| (text(k), text(v))).collect(),
                _ => return None,
            };
            let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
            let retrying = names.failed_import_retries
                && field("state") == "failed"
                && field("operation") == "import";
            Some(Job {
                retrying,
                id: field(names.id),
                operation: field("operation"),
                slots: SlotSet::read_ranges(&field(names.slots)),
                source: field(names.source),
                target: field(names.target),
                state: field("state"),
                message: field(names.message),
                create_time: field("create_time").parse().unwrap_or(0),
                last_update_time: field("last_update_time").parse().unwrap_or(0),
            })
        })
        .collect()
}

/// The command that starts every job of one source.
fn migrate_slots_command(by_target: &BTreeMap<String, SlotSet>) -> redis::Cmd {
    let mut command = redis::cmd("CLUSTER");
    command.arg("MIGRATESLOTS");
    for (target, slots) in by_target {
        command.arg("SLOTSRANGE");
        for (first, last) in slots.ranges() {
            command.arg(first.number()).arg(last.number());
        }
        command.arg("NODE").arg(target);
    }
    command
}

/// Runs `plan` with server-side jobs. `endpoints` holds every source and target by id.
pub async fn execute_atomic(
    session: Arc<Session>,
    endpoints: HashMap<String, Endpoint>,
    plan: &MovePlan,
    no_progress_limit: Duration,
    progress: Arc<SlotLog>,
    stop: Arc<AtomicBool>,
) -> (MoveSummary, Vec<MoveError>) {
    let started = Instant::now();
    let mut by_source: BTreeMap<String, Vec<SlotMove>> = BTreeMap::new();
    for step in &plan.moves {
        by_source
            .entry(step.source.clone())
            .or_default()
            .push(step.clone());
    }
    let endpoints = Arc::new(endpoints);
    let results = concurrently(by_source.into_values().collect(), |moves| {
        let source = SourceRun {
            session: Arc::clone(&session),
            endpoints: Arc::clone(&endpoints),
            progress: Arc::clone(&progress),
            stop: Arc::clone(&stop),
            no_progress_limit,
        };
        async move { source.run(moves).await }
    })
    .await;
    let mut summary = MoveSummary::default();
    let mut errors = Vec::new();
    for (done, failed, notes) in results {
        summary.slots += done.len();
        summary.keys += done.iter().map(|d| d.keys).sum::<u64>();
        errors.extend(failed);
        summary.warnings.extend(notes);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    (summary, errors)
}

/// One source's jobs.
struct SourceRun {
    session: Arc<Session>,
    endpoints: Arc<HashMap<String, Endpoint>>,
    progress: Arc<SlotLog>,
    stop: Arc<AtomicBool>,
    no_progress_limit: Duration,
}

impl SourceRun {
    async fn run(&self, moves: Vec<SlotMove>) -> (Vec<SlotDone>, Vec<MoveError>, Vec<String>) {
        let source = &self.endpoints[&moves[0].source];
        let mut by_target: BTreeMap<String, SlotSet> = BTreeMap::new();
        for step in &moves {
            by_target
                .entry(step.target.clone())
                .or_default()
                .insert(step.slot);
        }
        let fail_all = |reason: String| -> (Vec<SlotDone>, Vec<MoveError>, Vec<String>) {
            let errors = moves
                .iter()
                .map(|m| self.error(m, reason.clone(), SlotStep::Untouched))
                .collect();
            (Vec::new(), errors, Vec::new())
        };
        let mut client = match self.session.client(&source.address).await {
            Ok(client) => client,
            Err(error) => return fail_all(error.to_string()),
        };
        let slots: Vec<u16> = moves.iter().map(|m| m.slot.number()).collect();
        let keys: HashMap<u16, u64> = match client.count_keys_in_slots(&slots).await {
            Ok(counts) => slots.iter().copied().zip(counts).collect(),
            Err(error) => return fail_all(error.to_string()),
        };
        let since = unix_seconds().saturating_sub(1);
        let start = migrate_slots_command(&by_target);
        if let Err(error) = client
            .run::<redis::Value>(&start, "CLUSTER MIGRATESLOTS")
            .await
        {
            return fail_all(error.to_string());
        }
        self.follow(&mut client, &moves, by_target, &keys, since)
            .await
    }

    /// Polls the source's jobs until each of ours has ended.
    async fn follow(
        &self,
        client: &mut NodeClient,
        moves: &[SlotMove],
        mut pending: BTreeMap<String, SlotSet>,
        keys: &HashMap<u16, u64>,
        since: u64,
    ) -> (Vec<SlotDone>, Vec<MoveError>, Vec<String>) {
        let source = &self.endpoints[&moves[0].source];
        let (mut done, mut errors, mut notes) = (Vec::new(), Vec::new(), Vec::new());
        let mut last_change = Instant::now();
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut cancelled = false;
        let mut list = redis::cmd("CLUSTER");
        list.arg("GETSLOTMIGRATIONS");
        while !pending.is_empty() {
            if !self.stop.load(Ordering::SeqCst) || cancelled {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let jobs = match client
                .run::<redis::Value>(&list, "CLUSTER GETSLOTMIGRATIONS")
                .await
            {
                Ok(reply) => parse_jobs(&reply),
                Err(error) => {
                    errors.extend(self.pending_errors(moves, &pending, &error.to_string()));
                    break;
                }
            };
            for (target, slots) in pending.clone() {
                let Some(job) = newest_job(&jobs, &target, &slots, since) else {
                    continue;
                };
                if seen.insert(target.clone(), job.last_update_time) != Some(job.last_update_time) {
                    last_change = Instant::now();
                }
                if !job.finished() {
                    continue;
                }
                pending.remove(&target);
                last_change = Instant::now();
                let ours = moves.iter().filter(|m| m.target == target);
                if job.state == "success" {
                    let finished: Vec<SlotDone> = ours
                        .map(|step| SlotDone {
                            slot: step.slot.number(),
                            source: step.source.clone(),
                            target: step.target.clone(),
                            keys: keys.get(&step.slot.number()).copied().unwrap_or(0),
                        })
                        .collect();
                    // One journal sync for the job's slots (one per slot took 0.7 s for 4096).
                    self.progress
                        .slots_done(&finished, source, &self.endpoints[&target]);
                    self.tell_bystanders(&finished, &target).await;
                    done.extend(finished);
                } else if cancelled && job.state == "cancelled" {
                    notes.push(format!(
                        "cancelled the server-side migration of {} slots from {} to {}; the source confirmed it (job state `cancelled`, its keys stay on the source)",
                        slots.len(),
                        source.address,
                        self.endpoints[&target].address
                    ));
                } else {
                    let reason =
                        format!("the server's migration job {}: {}", job.state, job.message);
                    errors.extend(ours.map(|m| self.error(m, reason.clone(), SlotStep::Untouched)));
                }
            }
            let stalled = last_change.elapsed() > self.no_progress_limit;
            if (self.stop.load(Ordering::SeqCst) || stalled) && !cancelled && !pending.is_empty() {
                cancelled = true;
                let _ = cancel_all(client).await;
                if stalled {
                    let reason = format!("no progress for {:?}: cancelled", self.no_progress_limit);
                    errors.extend(self.pending_errors(moves, &pending, &reason));
                }
            }
        }
        (done, errors, notes)
    }

    /// After a job succeeded: the masters that neither gave nor received its slots are told the new
    /// owner (`SETSLOT NODE`, no epoch moves), as the per-slot hand-off tells them, instead of
    /// waiting for gossip (about a second). They hold no keys of those slots, and the target has
    /// already won them with a greater epoch, so they record the claim gossip would bring.
    async fn tell_bystanders(&self, finished: &[SlotDone], target: &str) {
        let Some(first) = finished.first() else {
            return;
        };
        let bystanders: Vec<NodeAddress> = self
            .endpoints
            .values()
            .filter(|e| e.id != target && e.id != first.source)
            .map(|e| e.address.clone())
            .collect();
        let slots: Vec<u16> = finished.iter().map(|d| d.slot).collect();
        let _ = announce_owner(&self.session, bystanders, &slots, target).await;
    }

    fn pending_errors(
        &self,
        moves: &[SlotMove],
        pending: &BTreeMap<String, SlotSet>,
        reason: &str,
    ) -> Vec<MoveError> {
        moves
            .iter()
            .filter(|m| pending.contains_key(&m.target))
            .map(|m| self.error(m, reason.to_string(), SlotStep::Untouched))
            .collect()
    }

    fn error(&self, step: &SlotMove, reason: String, at: SlotStep) -> MoveError {
        MoveError {
            slot: step.slot.number(),
            source_address: self.endpoints[&step.source].address.to_string(),
            target_address: self.endpoints[&step.target].address.to_string(),
            step: at,
            reason,
        }
    }
}

/// The newest export job of `slots` to `target` started since `since` (unix seconds).
fn newest_job<'a>(jobs: &'a [Job], target: &str, slots: &SlotSet, since: u64) -> Option<&'a Job> {
    jobs.iter()
        .filter(|j| j.operation == "EXPORT" && j.target == target && j.slots == *slots)
        .filter(|j| j.create_time >= since)
        .max_by_key(|j| j.create_time)
}

/// Cancels every job of the source: Valkey 9.1 takes `CLUSTER CANCELSLOTMIGRATIONS` alone (arity 2,
/// though its `CLUSTER HELP` shows `ALL`); the form with `ALL` is tried when the first is refused.
async fn cancel_all(client: &mut NodeClient) -> Result<(), NetError> {
    match client
        .query::<redis::Value>(&["CLUSTER", "CANCELSLOTMIGRATIONS"])
        .await
    {
        Ok(_) => Ok(()),
        Err(_) => client
            .query::<redis::Value>(&["CLUSTER", "CANCELSLOTMIGRATIONS", "ALL"])
            .await
            .map(|_| ()),
    }
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> redis::Value {
        redis::Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn jobs_are_read_from_field_value_lists() {
        let fields = [
            ("name", "089e"),
            ("operation", "EXPORT"),
            ("slot_ranges", "0-99 200-299 500"),
            ("target_node", "f420"),
            ("source_node", "9a0a"),
            ("create_time", "1795623282"),
            ("last_update_time", "1795623283"),
            ("state", "success"),
            ("message", ""),
        ];
        let job = redis::Value::Array(
            fields
                .iter()
                .flat_map(|(k, v)| [bulk(k), bulk(v)])
                .collect(),
        );
        let jobs = parse_jobs(&redis::Value::Array(vec![job]));
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].slots.len(), 201);
        assert!(jobs[0].finished());
        assert_eq!(jobs[0].source, "9a0a");
        let wanted = SlotSet::read_ranges("0-99 500 200-299");
        assert!(newest_job(&jobs, "f420", &wanted, 1795623282).is_some());
        assert!(
            newest_job(&jobs, "f420", &wanted, 1795623283).is_none(),
            "an older job is not ours"
        );
        assert!(newest_job(&jobs, "other", &wanted, 0).is_none());
    }

    #[test]
    fn redis_tasks_are_read_with_their_own_field_names() {
        let fields = [
            ("id", "24cf"),
            ("slots", "0-1000,2000-2000"),
            ("source", "9a0a"),
            ("dest", "f420"),
            ("operation", "import"),
            ("state", "in_progress"),
            ("last_error", ""),
        ];
        let task = redis::Value::Array(
            fields
                .iter()
                .flat_map(|(k, v)| [bulk(k), bulk(v)])
                .collect(),
        );
        let jobs = parse_listing(&redis::Value::Array(vec![task]), &REDIS_FIELDS);
        assert_eq!(jobs[0].slots.len(), 1002);
        assert_eq!(
            (jobs[0].source.as_str(), jobs[0].target.as_str()),
            ("9a0a", "f420")
        );
        assert!(!jobs[0].finished());
        let done = Job {
            state: "completed".into(),
            ..jobs[0].clone()
        };
        assert!(done.finished());
    }

    #[test]
    fn one_command_names_every_target_with_its_ranges() {
        let mut by_target = BTreeMap::new();
        by_target.insert("t1".to_string(), SlotSet::read_ranges("0-9 20-29"));
        by_target.insert("t2".to_string(), SlotSet::read_ranges("100"));
        let packed = migrate_slots_command(&by_target).get_packed_command();
        let text = String::from_utf8_lossy(&packed).replace("\r\n", " ");
        let words: Vec<&str> = text
            .split(' ')
            .filter(|w| !w.starts_with(['*', '$']))
            .collect();
        assert_eq!(
            words.join(" ").trim(),
            "CLUSTER MIGRATESLOTS SLOTSRANGE 0 9 20 29 NODE t1 SLOTSRANGE 100 100 NODE t2"
        );
    }
}
