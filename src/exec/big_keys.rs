//! Big keys of a legacy move, found before anything changes (docs/big-keys.md): each source lists a
//! sample of the keys of its slots to move (`CLUSTER COUNTKEYSINSLOT` + `GETKEYSINSLOT`, pipelined,
//! within a time budget) and sizes them (`MEMORY USAGE key SAMPLES n`, pipelined); the limits they
//! are judged by are read from the servers (`cluster-node-timeout` on the sources,
//! `proto-max-bulk-len` on the targets). Also raises `cluster-node-timeout` on every node for a move
//! (`--raise-node-timeout`) and restores it. Called by `exec::run`; the decisions are
//! `plan::big_keys`'.

use super::handoff::DEFAULT_NODE_TIMEOUT;
use crate::net::{NodeAddress, Session, concurrently, in_database};
use crate::plan::MovePlan;
use crate::plan::big_keys::{
    ALONE_DIVISOR, Action, BigKey, Choices, Limits, RATE_BYTES_PER_SEC, Reason, SizedKey, decide,
    migrate_estimate, size_words,
};
use crate::report::Reporter;
use crate::topology::ClusterView;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Keys listed per slot (the first ones `GETKEYSINSLOT` returns).
pub const KEYS_PER_SLOT: usize = 256;
/// Slots asked about per round trip.
const SLOTS_PER_ROUND: usize = 128;
/// The whole scan's time budget (sources scan at once, each within it).
pub const SCAN_BUDGET: Duration = Duration::from_secs(5);
/// `MEMORY USAGE`'s `SAMPLES` for collections.
pub const MEMORY_SAMPLES: u32 = 16;

/// What the scan measured and how sure it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanReport {
    /// Sources scanned.
    pub sources: usize,
    /// Slots of the plan, and how many of them were listed within the budget.
    pub slots: usize,
    pub slots_scanned: usize,
    /// Keys the scanned slots hold (`COUNTKEYSINSLOT`), and how many were sized.
    pub keys_total: u64,
    pub keys_sampled: u64,
    /// Every key of every slot was sized.
    pub complete: bool,
    pub seconds: f64,
    pub budget_seconds: f64,
    /// The planned MIGRATE rate (bytes of `MEMORY USAGE` per second).
    pub rate_bytes_per_sec: u64,
    /// The `cluster-node-timeout` judged by, and whether it was assumed (not readable).
    pub node_timeout_ms: u64,
    pub node_timeout_assumed: bool,
    /// The biggest key sized, with its estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub largest: Option<Largest>,
    /// Nodes that could not be scanned, and why.
    pub errors: Vec<String>,
}

/// The biggest key the scan sized.
#[derive(Debug, Clone, Serialize)]
pub struct Largest {
    pub key: String,
    pub slot: u16,
    pub bytes: u64,
    pub estimated_ms: u64,
}

impl ScanReport {
    /// One line for stderr: what was measured and how sure it is.
    pub fn describe(&self) -> String {
        let largest = match &self.largest {
            Some(l) => format!(
                "; the largest, '{}' in slot {}, takes {} (MIGRATE about {} ms)",
                l.key,
                l.slot,
                crate::plan::big_keys::size_words(l.bytes),
                l.estimated_ms
            ),
            None => String::new(),
        };
        format!(
            "Big keys: sized {} of {} keys in {} of {} slots in {:.2} s{} (MEMORY USAGE, planned at {} MB/s; cluster-node-timeout {} ms{}){largest}",
            self.keys_sampled,
            self.keys_total,
            self.slots_scanned,
            self.slots,
            self.seconds,
            if self.complete {
                ", every key"
            } else {
                ", a sample"
            },
            self.rate_bytes_per_sec / 1_000_000,
            self.node_timeout_ms,
            if self.node_timeout_assumed {
                ", assumed: CONFIG GET was refused"
            } else {
                ""
            },
        )
    }
}

/// The source's `cluster-node-timeout`, or the default and `true` when it cannot be read.
pub async fn read_node_timeout(session: &Arc<Session>, address: &NodeAddress) -> (Duration, bool) {
    match read_config(session, address, "cluster-node-timeout").await {
        Some(millis) => (Duration::from_millis(millis), false),
        None => (DEFAULT_NODE_TIMEOUT, true),
    }
}

/// A numeric setting (`CONFIG GET`), if readable.
async fn read_config(session: &Arc<Session>, address: &NodeAddress, name: &str) -> Option<u64> {
    let mut client = session.client(address).await.ok()?;
    let reply: Vec<String> = client.query(&["CONFIG", "GET", name]).await.ok()?;
    reply.get(1)?.parse().ok()
}

/// Each target's `proto-max-bulk-len`, by node id (targets that do not say are left out).
pub async fn bulk_limits(
    session: &Arc<Session>,
    targets: Vec<(String, NodeAddress)>,
) -> HashMap<String, u64> {
    let read = concurrently(targets, |(id, address)| {
        let session = Arc::clone(session);
        async move {
            let limit = read_config(&session, &address, "proto-max-bulk-len").await;
            limit.map(|limit| (id, limit))
        }
    })
    .await;
    read.into_iter().flatten().collect()
}

/// Lists and sizes the keys of `plan`'s slots on each source (`addresses` by node id), all sources
/// at once, within [`SCAN_BUDGET`]. Keys estimated under `keep_from` are counted, not returned.
pub async fn scan(
    session: &Arc<Session>,
    addresses: &HashMap<String, NodeAddress>,
    plan: &MovePlan,
    keep_from: Duration,
) -> (Vec<SizedKey>, ScanReport) {
    let started = Instant::now();
    let deadline = started + SCAN_BUDGET;
    let mut by_source: BTreeMap<&str, Vec<(u16, &str)>> = BTreeMap::new();
    for step in &plan.moves {
        by_source
            .entry(&step.source)
            .or_default()
            .push((step.slot.number(), &step.target));
    }
    let work: Vec<SourceWork> = by_source
        .into_iter()
        .filter_map(|(source, slots)| {
            let address = addresses.get(source)?.clone();
            let slots = slots.into_iter().map(|(s, t)| (s, t.to_string())).collect();
            Some((source.to_string(), address, slots))
        })
        .collect();
    let mut report = ScanReport {
        sources: work.len(),
        slots: plan.moves.len(),
        budget_seconds: SCAN_BUDGET.as_secs_f64(),
        rate_bytes_per_sec: RATE_BYTES_PER_SEC,
        ..ScanReport::default()
    };
    let results = concurrently(work, |(source, address, slots)| {
        let session = Arc::clone(session);
        async move { scan_source(&session, &source, &address, &slots, deadline, keep_from).await }
    })
    .await;
    let mut sized = Vec::new();
    let mut complete = true;
    for result in results {
        match result {
            Ok(found) => {
                report.slots_scanned += found.slots_scanned;
                report.keys_total += found.keys_total;
                report.keys_sampled += found.keys_sampled;
                complete &= found.complete;
                if found
                    .largest
                    .as_ref()
                    .is_some_and(|l| report.largest.as_ref().is_none_or(|r| l.bytes > r.bytes))
                {
                    report.largest = found.largest;
                }
                sized.extend(found.kept);
            }
            Err(error) => {
                complete = false;
                report.errors.push(error);
            }
        }
    }
    report.complete = complete && report.keys_sampled == report.keys_total;
    report.seconds = started.elapsed().as_secs_f64();
    (sized, report)
}

/// A source to scan: its id, address, and its slots to move with their targets' ids.
type SourceWork = (String, NodeAddress, Vec<(u16, String)>);

/// One source's share of the scan.
#[derive(Default)]
struct SourceScan {
    slots_scanned: usize,
    keys_total: u64,
    keys_sampled: u64,
    complete: bool,
    largest: Option<Largest>,
    kept: Vec<SizedKey>,
}

async fn scan_source(
    session: &Arc<Session>,
    source: &str,
    address: &NodeAddress,
    slots: &[(u16, String)],
    deadline: Instant,
    keep_from: Duration,
) -> Result<SourceScan, String> {
    let fail = |e: crate::net::NetError| format!("{address}: {e}");
    let mut client = session.client(address).await.map_err(fail)?;
    let keyspace = client.keyspace().await.map_err(fail)?;
    let mut found = SourceScan {
        complete: true,
        ..SourceScan::default()
    };
    let databases: Vec<u16> = keyspace.numbers();
    for (index, chunk) in slots.chunks(SLOTS_PER_ROUND).enumerate() {
        if Instant::now() >= deadline {
            found.complete = false;
            break;
        }
        for &db in &databases {
            let mut list = redis::pipe();
            in_database(&mut list, db, |pipe| {
                for (slot, _) in chunk {
                    pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(*slot);
                    pipe.cmd("CLUSTER")
                        .arg("GETKEYSINSLOT")
                        .arg(*slot)
                        .arg(KEYS_PER_SLOT);
                }
            });
            let listed: Vec<redis::Value> = client
                .pipeline(&list, "CLUSTER GETKEYSINSLOT")
                .await
                .map_err(fail)?;
            let mut keys: Vec<(u16, &str, Vec<u8>)> = Vec::new();
            for ((slot, target), pair) in chunk.iter().zip(listed.chunks(2)) {
                let count: u64 = redis::from_redis_value(pair[0].clone()).unwrap_or(0);
                let names: Vec<Vec<u8>> =
                    redis::from_redis_value(pair[1].clone()).unwrap_or_default();
                found.keys_total += count;
                keys.extend(names.into_iter().map(|k| (*slot, target.as_str(), k)));
            }
            for batch in keys.chunks(1000) {
                let mut sizes = redis::pipe();
                in_database(&mut sizes, db, |pipe| {
                    for (_, _, key) in batch {
                        pipe.cmd("MEMORY")
                            .arg("USAGE")
                            .arg(key)
                            .arg("SAMPLES")
                            .arg(MEMORY_SAMPLES);
                    }
                });
                let bytes: Vec<Option<u64>> = client
                    .pipeline(&sizes, "MEMORY USAGE")
                    .await
                    .map_err(fail)?;
                for ((slot, target, key), bytes) in batch.iter().zip(bytes) {
                    let Some(bytes) = bytes else { continue };
                    found.keys_sampled += 1;
                    let estimate = migrate_estimate(bytes);
                    if found.largest.as_ref().is_none_or(|l| bytes > l.bytes) {
                        found.largest = Some(Largest {
                            key: String::from_utf8_lossy(key).into_owned(),
                            slot: *slot,
                            bytes,
                            estimated_ms: estimate.as_millis() as u64,
                        });
                    }
                    if estimate > keep_from {
                        found.kept.push(SizedKey {
                            key: key.clone(),
                            db,
                            slot: *slot,
                            source: source.to_string(),
                            target: target.to_string(),
                            bytes,
                        });
                    }
                }
            }
        }
        found.slots_scanned = (index * SLOTS_PER_ROUND + chunk.len()).min(slots.len());
    }
    Ok(found)
}

/// `cluster-node-timeout` as each node had it before a move raised it.
#[derive(Debug)]
pub struct RaisedTimeout {
    /// Every node with its own former value (ms), the sources first.
    nodes: Vec<(NodeAddress, u64)>,
    /// How many of `nodes` are sources.
    sources: usize,
    pub to: Duration,
}

/// Raises `cluster-node-timeout` to `to` on every node of `nodes` (`sources` among them are
/// restored first). Each node's value is read first; if any node cannot be read or set, the
/// nodes already raised are restored and the error names the node.
pub async fn raise_node_timeout(
    session: &Arc<Session>,
    nodes: &[NodeAddress],
    sources: &[NodeAddress],
    to: Duration,
) -> Result<RaisedTimeout, String> {
    let mut ordered: Vec<NodeAddress> = sources.to_vec();
    ordered.extend(nodes.iter().filter(|n| !sources.contains(n)).cloned());
    let mut raised = RaisedTimeout {
        nodes: Vec::new(),
        sources: sources.len(),
        to,
    };
    let millis = to.as_millis().to_string();
    for node in ordered {
        let set = async {
            let mut client = session.client(&node).await.map_err(|e| e.to_string())?;
            let reply: Vec<String> = client
                .query(&["CONFIG", "GET", "cluster-node-timeout"])
                .await
                .map_err(|e| e.to_string())?;
            let old: u64 = reply
                .get(1)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| "CONFIG GET cluster-node-timeout gave no number".to_string())?;
            client
                .query::<()>(&["CONFIG", "SET", "cluster-node-timeout", &millis])
                .await
                .map_err(|e| e.to_string())?;
            Ok::<u64, String>(old)
        };
        match set.await {
            Ok(old) => raised.nodes.push((node, old)),
            Err(error) => {
                let warnings = restore_node_timeout(session, &raised).await;
                let restored = if warnings.is_empty() {
                    String::new()
                } else {
                    format!(" (and {})", warnings.join("; "))
                };
                return Err(format!(
                    "cannot raise cluster-node-timeout on {node}: {error}; nothing was moved, the nodes already raised were restored{restored}"
                ));
            }
        }
    }
    Ok(raised)
}

/// Restores every node's former `cluster-node-timeout`: the sources first (a source still blocked
/// in a MIGRATE answers once it is done, so the others keep the raised value until then), then,
/// after a second for the nodes to hear from them again, the others. Returns what could not be
/// restored, each with the command to run by hand.
pub async fn restore_node_timeout(session: &Arc<Session>, raised: &RaisedTimeout) -> Vec<String> {
    let wait = raised.to + Duration::from_secs(5);
    let (sources, others) = raised
        .nodes
        .split_at(raised.sources.min(raised.nodes.len()));
    let mut failed = Vec::new();
    for (group, pause) in [(sources, true), (others, false)] {
        let results = concurrently(group.to_vec(), |(node, old)| {
            let session = Arc::clone(session);
            async move {
                let set = async {
                    let client = session.client(&node).await?;
                    let mut client = client.with_timeout(wait);
                    client
                        .query::<()>(&["CONFIG", "SET", "cluster-node-timeout", &old.to_string()])
                        .await
                };
                set.await.err().map(|e| {
                    format!("{node}: {e} (run `CONFIG SET cluster-node-timeout {old}` there)")
                })
            }
        })
        .await;
        failed.extend(results.into_iter().flatten());
        if pause && !group.is_empty() && !others.is_empty() {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    failed
}

impl RaisedTimeout {
    /// The former values, for the message that says what was raised (`15000 ms`, or several).
    pub fn former(&self) -> String {
        let mut values: Vec<u64> = self.nodes.iter().map(|(_, old)| *old).collect();
        values.sort_unstable();
        values.dedup();
        values
            .iter()
            .map(|v| format!("{v} ms"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

/// What a run does about its big keys, decided before anything changes.
#[derive(Debug, Default)]
pub struct BigKeys {
    /// What was measured and decided (the run's report carries it).
    pub report: Option<BigKeyReport>,
    /// Keys moved alone: `(db, key) -> MIGRATE timeout`.
    pub alone: HashMap<(u16, Vec<u8>), Duration>,
    /// Slots left where they are.
    pub skipped_slots: BTreeSet<u16>,
    /// `cluster-node-timeout` on every node for the move.
    pub raise_to: Option<Duration>,
}

/// The big-key part of a run's report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BigKeyReport {
    /// Why the keys were not scanned (a server-side migration streams big keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_scanned: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanReport>,
    /// Every big key found, with what happened to it.
    pub keys: Vec<BigKey>,
    /// Slots left where they are (`--skip-big-keys`).
    pub skipped_slots: Vec<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raised_node_timeout: Option<RaisedReport>,
}

/// `--raise-node-timeout` as it went.
#[derive(Debug, Clone, Serialize)]
pub struct RaisedReport {
    /// Each node's former value, as one list (`15000 ms`).
    pub from: String,
    pub to_ms: u64,
    pub nodes: usize,
    /// Every node has its former value again.
    pub restored: bool,
}

/// What the user chose, and what the run moves with.
#[derive(Debug, Clone, Copy)]
pub struct GateArgs {
    pub choices: Choices,
    /// The servers move the keys themselves (nothing to scan).
    pub server_side: bool,
    /// MIGRATE's timeout as asked (`--migrate-timeout`).
    pub migrate_timeout: Duration,
}

/// Scans `plan`'s slots for big keys and decides what to do with them (`plan::big_keys`); a
/// refusal is an error naming each key, its size, its slot and the choices, raised before
/// anything changes. What was measured is shown as a hint (stderr).
pub async fn gate(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    view: &ClusterView,
    plan: &MovePlan,
    args: GateArgs,
) -> anyhow::Result<BigKeys> {
    if plan.moves.is_empty() {
        return Ok(BigKeys::default());
    }
    if args.server_side {
        let why = "the servers move the slots (server-side migration streams big keys)";
        return Ok(BigKeys {
            report: Some(BigKeyReport {
                not_scanned: Some(why.into()),
                ..BigKeyReport::default()
            }),
            ..BigKeys::default()
        });
    }
    let addresses: HashMap<String, NodeAddress> = view
        .loaded_masters()
        .map(|m| (m.id().to_string(), m.address.clone()))
        .collect();
    let sources: BTreeSet<&str> = plan.moves.iter().map(|m| m.source.as_str()).collect();
    let targets: BTreeSet<&str> = plan.moves.iter().map(|m| m.target.as_str()).collect();
    let mut node_timeout: Option<Duration> = None;
    let mut assumed = Vec::new();
    for source in &sources {
        let Some(address) = addresses.get(*source) else {
            continue;
        };
        let (timeout, was_assumed) = read_node_timeout(session, address).await;
        if was_assumed {
            assumed.push(address.to_string());
        }
        node_timeout = Some(node_timeout.map_or(timeout, |t: Duration| t.min(timeout)));
    }
    let node_timeout = node_timeout.unwrap_or(DEFAULT_NODE_TIMEOUT);
    if !assumed.is_empty() {
        ui.warn(&format!(
            "rcluster: warning: cannot read cluster-node-timeout on {} (CONFIG GET refused); big keys are judged against the default, {} ms",
            assumed.join(", "),
            DEFAULT_NODE_TIMEOUT.as_millis()
        ));
    }
    let limits_of = targets
        .iter()
        .filter_map(|t| Some((t.to_string(), addresses.get(*t)?.clone())))
        .collect();
    let bulk_limits = bulk_limits(session, limits_of).await;
    let smallest_limit = bulk_limits.values().min().copied().unwrap_or(u64::MAX);
    let keep_from = (node_timeout / ALONE_DIVISOR).min(migrate_estimate(smallest_limit));
    let (sized, mut scan_report) = scan(session, &addresses, plan, keep_from).await;
    scan_report.node_timeout_ms = node_timeout.as_millis() as u64;
    scan_report.node_timeout_assumed = !assumed.is_empty();
    // A hint, not a step: redis-cli's syntax shows no such line.
    ui.hint(&scan_report.describe());
    for error in &scan_report.errors {
        ui.warn(&format!("rcluster: warning: big keys not sized on {error}"));
    }
    let limits = Limits {
        node_timeout,
        migrate_timeout: super::run::bounded_migrate_timeout(args.migrate_timeout, node_timeout),
        bulk_limits,
    };
    let decision = decide(&sized, &limits, args.choices);
    let address_of = |id: &str| {
        addresses
            .get(id)
            .map_or_else(|| id.to_string(), |a| a.to_string())
    };
    if decision.refused() {
        let masters: Vec<NodeAddress> = addresses.values().cloned().collect();
        let offers = super::atomic::server_side_offers(session, &masters).await;
        let refused: Vec<&BigKey> = decision
            .keys
            .iter()
            .filter(|k| k.action == Action::Refused)
            .collect();
        let named: Vec<String> = refused
            .iter()
            .map(|k| refusal_words(k, &address_of, node_timeout))
            .collect();
        let atomic = if offers.valkey || offers.redis {
            "--migration atomic (these servers move slots themselves and stream big keys; not with --rate)"
        } else {
            "--migration atomic on servers that offer it (Valkey 9+, Redis 8.4+; these do not)"
        };
        let only_bulk = refused.iter().all(|k| k.reason == Reason::OverBulkLimit);
        let raise = if only_bulk {
            "raise proto-max-bulk-len on the target (CONFIG SET)".to_string()
        } else {
            "--raise-node-timeout (raises cluster-node-timeout on every node for the move, and restores it afterwards, also on error or Ctrl-C)".to_string()
        };
        let slots: BTreeSet<u16> = refused.iter().map(|k| k.slot).collect();
        let slots: Vec<String> = slots.iter().map(|s| s.to_string()).collect();
        return Err(crate::error::UsageError(format!(
            "refused before anything changed: {}. Choose: {raise}; {atomic}; or --skip-big-keys (slot{} {} stay{} where {})",
            named.join("; "),
            if slots.len() == 1 { "" } else { "s" },
            slots.join(","),
            if slots.len() == 1 { "s" } else { "" },
            if slots.len() == 1 { "it is" } else { "they are" },
        ))
        .into());
    }
    for key in &decision.keys {
        let what = match key.action {
            Action::Alone => format!(
                "moves alone with a MIGRATE timeout of {} ms",
                key.migrate_timeout_ms.unwrap_or_default()
            ),
            Action::Skipped => format!("slot {} stays where it is (--skip-big-keys)", key.slot),
            Action::Refused => continue,
        };
        ui.hint(&format!(
            "Big key '{}' (slot {}, {}, MIGRATE about {} ms): {what}",
            key.key,
            key.slot,
            size_words(key.bytes),
            key.estimated_ms
        ));
    }
    let alone = decision.alone(&sized);
    Ok(BigKeys {
        report: Some(BigKeyReport {
            not_scanned: None,
            scan: Some(scan_report),
            keys: decision.keys.clone(),
            skipped_slots: decision.skipped_slots.iter().copied().collect(),
            raised_node_timeout: None,
        }),
        alone,
        skipped_slots: decision.skipped_slots,
        raise_to: decision.raise_to,
    })
}

/// One refused key in words: its name, slot, size, source and target, and why.
fn refusal_words(
    key: &BigKey,
    address_of: &dyn Fn(&str) -> String,
    node_timeout: Duration,
) -> String {
    let place = format!(
        "key '{}'{} in slot {} ({} -> {}) takes {} (MEMORY USAGE)",
        key.key,
        if key.db == 0 {
            String::new()
        } else {
            format!(" (database {})", key.db)
        },
        key.slot,
        address_of(&key.source),
        address_of(&key.target),
        size_words(key.bytes)
    );
    match key.reason {
        Reason::OverBulkLimit => format!(
            "{place}: its serialised value may exceed the target's proto-max-bulk-len ({} bytes), which would refuse it (MIGRATE reports that as an IOERR)",
            key.target_bulk_limit.unwrap_or_default()
        ),
        _ => format!(
            "{place}: its MIGRATE would block both nodes for about {} ms (planned at {} MB/s), not under half the cluster-node-timeout ({} ms), so its source could be failed over",
            key.estimated_ms,
            RATE_BYTES_PER_SEC / 1_000_000,
            node_timeout.as_millis()
        ),
    }
}
