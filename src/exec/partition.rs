//! The partition drill (`rcluster failover MASTER --drill --partition`): a master is cut off from
//! every other node, and from the drill's own "majority" client, by `iptables` DROP rules
//! (`exec::firewall`), while two writers run:
//!
//! - the "minority" writer writes to the master from the master's own address (the rules do not
//!   cut it): what the isolated master acknowledges;
//! - the "majority" writer writes through the cluster from an address of its own (cut off from the
//!   master like the other nodes): how long the master's slots could not be written.
//!
//! Both write keys of the master's slots only (the slots that change hands). After the duration the
//! rules are removed, the drill waits until every node agrees again (`topology::settled`), and every
//! acknowledged key is read back, the way the crash drill does (`exec::drill::ReadBack`): a key that
//! cannot be read yet is read again (bounded), so a key the isolated master acknowledged and the
//! healed cluster does not hold (the split-brain loss) is told apart from one that was only
//! unreadable. A write whose `SET` was acknowledged counts as acknowledged even when the `GET` after
//! it failed. With `min-replicas-to-write` (`--with-min-replicas`) the
//! masters' settings are changed for the drill and restored on every exit path, like the rules
//! (a [`firewall::Cut`] removes them when dropped; Ctrl-C stops the drill and heals, a second Ctrl-C
//! removes the rules and exits at once).
//!
//! Called by `commands::failover`, which refuses what cannot be cut off alone on this host.

use super::drill::{READ_BACK_PAUSE, ReadBack};
use super::firewall::{self, Cut, Rule};
use super::poll_until;
use crate::error::UsageError;
use crate::net::{ConnectOptions, NodeAddress, NodeClient, NodeRole, Session};
use crate::report::Reporter;
use crate::topology::key_slot;
use crate::topology::load::load_tables;
use crate::topology::parse::parse_cluster_nodes;
use crate::topology::settled::Settled;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A partition drill to run, resolved and allowed by the command.
#[derive(Debug, Clone)]
pub struct Partition {
    /// The master to cut off.
    pub master: NodeAddress,
    /// Its replicas (one of them should take over).
    pub replicas: Vec<NodeAddress>,
    /// Every node of the cluster, the master included.
    pub nodes: Vec<NodeAddress>,
    /// The masters that serve slots (their `min-replicas-*` settings change with `min_replicas`).
    pub masters: Vec<NodeAddress>,
    /// The master's slots: the keys both writers write.
    pub slots: Vec<u16>,
    /// The majority client's own address.
    pub client_address: IpAddr,
    /// How long the cut lasts.
    pub duration: Duration,
    /// Writes per second, per writer.
    pub rate: u32,
    /// Bound on the sync wait before the cut and on the agreement wait after it.
    pub wait: Duration,
    /// `min-replicas-to-write` for the drill's duration.
    pub min_replicas: Option<u32>,
}

/// The `min-replicas-max-lag` set with `--with-min-replicas`, in seconds (the server's default, 10,
/// would let an isolated master accept writes for 10 s).
pub const MIN_REPLICAS_MAX_LAG: u32 = 1;

/// What one writer saw.
#[derive(Debug, Default, Clone, Serialize)]
pub struct WriterTally {
    pub tried: u64,
    pub acknowledged: u64,
    pub failed: u64,
    /// Failed writes by the server's error code (`CLUSTERDOWN`, `NOREPLICAS`, `MOVED`, ...) or
    /// `io` (no answer, connection refused or cut).
    pub errors: BTreeMap<String, u64>,
    /// The longest time without an acknowledged write, in milliseconds.
    pub longest_gap_ms: u128,
    /// Acknowledged writes made after the rules were added.
    pub acknowledged_during_cut: u64,
    /// From the cut until the last write acknowledged before the heal, in milliseconds (`null`:
    /// none after the cut).
    pub accepted_for_ms: Option<u128>,
    /// Keys that read back with another value (right after the write, or at the end).
    pub wrong: Vec<String>,
    /// Acknowledged writes missing at the end.
    pub lost: Vec<String>,
    /// Acknowledged writes that could not be read at first (right after the write, or at the end)
    /// and read back whole later: not lost.
    pub unreadable_during_outage: Vec<String>,
    /// Acknowledged writes that still could not be read when the read-back's bound ran out.
    pub unreadable: Vec<String>,
}

/// What the drill measured.
#[derive(Debug, Serialize)]
pub struct PartitionOutcome {
    /// The rules that were added (and removed), as the commands that added them.
    pub rules: Vec<String>,
    /// The replica that took over, and when (milliseconds after the cut); `null`: none did while
    /// the cut lasted.
    pub promoted: Option<String>,
    pub promoted_ms: Option<u128>,
    /// From the heal until every node agreed again (`null`: not within the bound).
    pub agreed_ms: Option<u128>,
    /// From the heal until the old master, now a replica, held its new master's data again
    /// (`null`: not within the bound).
    pub resynced_ms: Option<u128>,
    pub minority: WriterTally,
    pub majority: WriterTally,
}

/// Refused up front: `iptables` unusable, a node whose own connections do not leave from its own
/// address (its `bind-source-addr`), so rules between addresses would not cut them.
pub async fn refuse_uncuttable(
    session: &Arc<Session>,
    nodes: &[NodeAddress],
) -> anyhow::Result<()> {
    firewall::check_available()?;
    for node in nodes {
        let mut client = session.client(node).await?;
        let source: Vec<String> = client
            .query(&["CONFIG", "GET", "bind-source-addr"])
            .await
            .unwrap_or_default();
        if source.get(1).map(String::as_str) != Some(node.host.as_str()) {
            return Err(UsageError(format!(
                "{node} connects out from another address than its own (bind-source-addr is {:?}), so firewall rules between addresses would not cut it off: start each node with --bind-source-addr <its address> (`rcluster local up --spread-addresses` does)",
                source.get(1).map(String::as_str).unwrap_or("unset")
            ))
            .into());
        }
    }
    Ok(())
}

/// Runs the drill: sync wait, settings, writers, cut, hold, heal, agreement, read-back; the rules
/// and settings are undone on every path.
pub async fn run(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    drill: &Partition,
) -> anyhow::Result<PartitionOutcome> {
    let pairs: Vec<(NodeAddress, NodeAddress)> = drill
        .replicas
        .iter()
        .map(|r| (r.clone(), drill.master.clone()))
        .collect();
    if let Err(behind) = super::replicas::wait_until_synced(session, &pairs, drill.wait).await {
        return Err(UsageError(format!(
            "the replicas of {} are not in sync after {} s, so a cut would lose more than the partition does: {}",
            drill.master,
            drill.wait.as_secs(),
            behind.join("; ")
        ))
        .into());
    }
    let saved = match drill.min_replicas {
        Some(n) => Some(set_min_replicas(session, ui, &drill.masters, n).await?),
        None => None,
    };
    let interrupted = Arc::new(tokio::sync::Notify::new());
    let watcher = tokio::spawn(watch_interrupts(Arc::clone(&interrupted)));
    let result = tokio::select! {
        result = cut_and_heal(session, ui, drill) => result,
        _ = interrupted.notified() => Err(anyhow::anyhow!(
            "interrupted: the drill stopped, its firewall rules were removed{}",
            if saved.is_some() { " and min-replicas-to-write restored" } else { "" }
        )),
    };
    watcher.abort();
    if let Some(saved) = saved {
        restore_min_replicas(session, &saved).await?;
    }
    result
}

/// The first Ctrl-C stops the drill (which heals as it unwinds); a second removes this run's rules
/// at once and exits.
async fn watch_interrupts(interrupted: Arc<tokio::sync::Notify>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    interrupted.notify_one();
    if tokio::signal::ctrl_c().await.is_ok() {
        let _ = firewall::remove_own();
        eprintln!("interrupted twice: the drill's firewall rules were removed");
        std::process::exit(130);
    }
}

/// `(master, min-replicas-to-write, min-replicas-max-lag)` as they were.
type Saved = Vec<(NodeAddress, String, String)>;

async fn set_min_replicas(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    masters: &[NodeAddress],
    n: u32,
) -> anyhow::Result<Saved> {
    let mut saved = Vec::new();
    for master in masters {
        let mut client = session.client(master).await?;
        let get = |name: &'static str| {
            let mut client = client.clone();
            async move {
                let reply: Vec<String> = client.query(&["CONFIG", "GET", name]).await?;
                Ok::<_, crate::net::NetError>(reply.get(1).cloned().unwrap_or_default())
            }
        };
        let (to_write, max_lag) = (
            get("min-replicas-to-write").await?,
            get("min-replicas-max-lag").await?,
        );
        saved.push((master.clone(), to_write, max_lag));
        let result = client
            .query::<()>(&[
                "CONFIG",
                "SET",
                "min-replicas-to-write",
                &n.to_string(),
                "min-replicas-max-lag",
                &MIN_REPLICAS_MAX_LAG.to_string(),
            ])
            .await;
        if let Err(error) = result {
            restore_min_replicas(session, &saved).await?;
            return Err(error.into());
        }
    }
    ui.step(&format!(
        "Set min-replicas-to-write {n} and min-replicas-max-lag {MIN_REPLICAS_MAX_LAG} on {} master(s) for the drill",
        masters.len()
    ));
    Ok(saved)
}

async fn restore_min_replicas(session: &Arc<Session>, saved: &Saved) -> anyhow::Result<()> {
    let mut failed = Vec::new();
    for (master, to_write, max_lag) in saved {
        let restored = async {
            let mut client = session.client(master).await?;
            client
                .query::<()>(&[
                    "CONFIG",
                    "SET",
                    "min-replicas-to-write",
                    to_write,
                    "min-replicas-max-lag",
                    max_lag,
                ])
                .await
        };
        if let Err(error) = restored.await {
            failed.push(format!(
                "{master} (set min-replicas-to-write {to_write} min-replicas-max-lag {max_lag} by hand): {error}"
            ));
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(anyhow::anyhow!(
        "could not restore min-replicas-to-write on {}",
        failed.join("; ")
    ))
}

async fn cut_and_heal(
    session: &Arc<Session>,
    ui: &dyn Reporter,
    drill: &Partition,
) -> anyhow::Result<PartitionOutcome> {
    let master_ip: IpAddr = drill.master.host.parse()?;
    let writers = Writers::start(session, drill, master_ip);
    ui.step(&format!(
        "Drill: two writers ({} writes/s each) on {}'s slots; cutting it off for {} s after 1 s",
        drill.rate,
        drill.master,
        drill.duration.as_secs()
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut rules = Vec::new();
    let others = drill.nodes.iter().filter(|n| n.host != drill.master.host);
    let mut hosts: Vec<String> = others.map(|n| n.host.clone()).collect();
    hosts.push(drill.client_address.to_string());
    hosts.dedup();
    for host in &hosts {
        rules.extend(Rule::both_ways(&drill.master.host, host));
    }
    let cut_at = Instant::now();
    *writers.cut_at.lock().unwrap_or_else(|p| p.into_inner()) = Some(cut_at);
    let mut cut = Cut::add(rules)?;
    let described = cut.described();
    ui.step(&format!(
        "Added {} iptables DROP rules between {} and {}",
        described.len(),
        drill.master.host,
        hosts.join(", ")
    ));
    let (promoted, promoted_ms) = wait_for_promotion(session, drill, cut_at).await;
    tokio::time::sleep(drill.duration.saturating_sub(cut_at.elapsed())).await;
    writers.heal_at(Instant::now());
    cut.heal()?;
    let healed_at = Instant::now();
    ui.step("Removed the rules; waiting until every node agrees again");
    let rule = Settled {
        members: Some(drill.nodes.len()),
        none_failing: true,
        same_slot_map: true,
        no_open_slots: true,
        ..Settled::default()
    };
    let agreed = poll_until(healed_at + drill.wait, || async {
        rule.holds(&load_tables(session, &drill.nodes).await)
    })
    .await;
    let agreed_ms = agreed.then(|| healed_at.elapsed().as_millis());
    // The old master rejoins as a replica of the promoted one and syncs again (Redis 7.0 waits
    // `repl-diskless-sync-delay` first): the drill leaves a cluster whose replicas hold the data.
    let resynced_ms = match &promoted {
        Some(promoted) if agreed => {
            let pair = [(drill.master.clone(), promoted.clone())];
            let left = (healed_at + drill.wait).saturating_duration_since(Instant::now());
            super::replicas::wait_until_synced(session, &pair, left)
                .await
                .ok()
                .map(|_| healed_at.elapsed().as_millis())
        }
        _ => None,
    };
    // The writers go on a moment after the heal, so the majority's recovery is measured.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (mut minority, mut majority) = writers.finish().await;
    let read_back_until = Instant::now() + drill.wait;
    read_back(session, drill, &mut minority.0, minority.1, read_back_until).await;
    read_back(session, drill, &mut majority.0, majority.1, read_back_until).await;
    Ok(PartitionOutcome {
        rules: described,
        promoted: promoted.map(|p| p.to_string()),
        promoted_ms,
        agreed_ms,
        resynced_ms,
        minority: minority.0,
        majority: majority.0,
    })
}

/// Polls (from rcluster's own address, which the rules do not cut) until a replica of the master
/// calls itself a master, while the cut lasts.
async fn wait_for_promotion(
    session: &Arc<Session>,
    drill: &Partition,
    cut_at: Instant,
) -> (Option<NodeAddress>, Option<u128>) {
    let deadline = cut_at + drill.duration;
    while Instant::now() < deadline {
        for replica in &drill.replicas {
            let Ok(mut client) = session.client(replica).await else {
                continue;
            };
            if let Ok((_, NodeRole::Master)) = client.keyspace_and_role().await {
                return (Some(replica.clone()), Some(cut_at.elapsed().as_millis()));
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (None, None)
}

/// A writer's acknowledged writes (key, value), and those whose read right after failed.
#[derive(Debug, Default)]
struct Written {
    acknowledged: Vec<(String, String)>,
    unread: HashSet<String>,
}

/// The two writers, running.
struct Writers {
    stop: Arc<AtomicBool>,
    cut_at: Arc<Mutex<Option<Instant>>>,
    healed_at: Arc<Mutex<Option<Instant>>>,
    tasks: Vec<tokio::task::JoinHandle<(WriterTally, Written)>>,
}

impl Writers {
    fn start(session: &Arc<Session>, drill: &Partition, master_ip: IpAddr) -> Writers {
        // Short bounds: a write into the cut fails in half a second rather than three.
        let options = ConnectOptions {
            connect_timeout: Duration::from_millis(500),
            command_timeout: Duration::from_millis(500),
            ..session.options().clone()
        };
        let stop = Arc::new(AtomicBool::new(false));
        let cut_at = Arc::new(Mutex::new(None));
        let healed_at = Arc::new(Mutex::new(None));
        let slots: Arc<HashSet<u16>> = Arc::new(drill.slots.iter().copied().collect());
        let mut majority_routes: Vec<NodeAddress> = drill
            .nodes
            .iter()
            .filter(|n| **n != drill.master)
            .cloned()
            .collect();
        majority_routes.push(drill.master.clone());
        let writers = [
            ("minority", master_ip, vec![drill.master.clone()], false),
            ("majority", drill.client_address, majority_routes, true),
        ];
        let tasks = writers
            .into_iter()
            .map(|(name, source, known, routed)| {
                let writer = Writer {
                    session: Session::new(options.clone()),
                    name,
                    source,
                    known,
                    routed,
                    slots: Arc::clone(&slots),
                    master: drill.master.clone(),
                    rate: drill.rate,
                    stop: Arc::clone(&stop),
                    cut_at: Arc::clone(&cut_at),
                    healed_at: Arc::clone(&healed_at),
                };
                tokio::spawn(writer.run())
            })
            .collect();
        Writers {
            stop,
            cut_at,
            healed_at,
            tasks,
        }
    }

    fn heal_at(&self, at: Instant) {
        *self.healed_at.lock().unwrap_or_else(|p| p.into_inner()) = Some(at);
    }

    /// Stops both writers: (minority, majority).
    async fn finish(mut self) -> ((WriterTally, Written), (WriterTally, Written)) {
        self.stop.store(true, Ordering::SeqCst);
        let majority = self.tasks.pop().expect("two writers");
        let minority = self.tasks.pop().expect("two writers");
        (
            minority.await.unwrap_or_default(),
            majority.await.unwrap_or_default(),
        )
    }
}

impl Drop for Writers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for task in &self.tasks {
            task.abort();
        }
    }
}

struct Writer {
    session: Session,
    name: &'static str,
    source: IpAddr,
    /// Where it writes (the minority writer), or where it reads the slot table from.
    known: Vec<NodeAddress>,
    routed: bool,
    slots: Arc<HashSet<u16>>,
    master: NodeAddress,
    rate: u32,
    stop: Arc<AtomicBool>,
    cut_at: Arc<Mutex<Option<Instant>>>,
    healed_at: Arc<Mutex<Option<Instant>>>,
}

impl Writer {
    async fn run(self) -> (WriterTally, Written) {
        let mut tally = WriterTally::default();
        let mut acknowledged = Vec::new();
        let mut unread = HashSet::new();
        let mut clients: HashMap<NodeAddress, NodeClient> = HashMap::new();
        let mut owner = self.master.clone();
        let interval = Duration::from_secs_f64(1.0 / f64::from(self.rate.max(1)));
        let mut last_success = Instant::now();
        let mut n = 0u64;
        while !self.stop.load(Ordering::SeqCst) {
            let tick = Instant::now();
            let key = loop {
                let key = format!("rcluster:partition:{}:{n}", self.name);
                n += 1;
                if self.slots.contains(&key_slot(key.as_bytes()).number()) {
                    break key;
                }
            };
            let value = format!("v{n}");
            tally.tried += 1;
            match self.write(&mut clients, &owner, &key, &value).await {
                Ok(read) => {
                    let now = Instant::now();
                    tally.acknowledged += 1;
                    tally.longest_gap_ms =
                        tally.longest_gap_ms.max((now - last_success).as_millis());
                    last_success = now;
                    self.count_during_cut(&mut tally, now);
                    match read {
                        Ok(read) if read.as_deref() != Some(value.as_str()) => {
                            tally.wrong.push(key.clone())
                        }
                        Ok(_) => {}
                        // Acknowledged, but the read after it failed: read again at the end.
                        Err(_) => {
                            unread.insert(key.clone());
                            clients.remove(&owner);
                        }
                    }
                    acknowledged.push((key, value));
                }
                Err(code) => {
                    tally.failed += 1;
                    *tally.errors.entry(code).or_default() += 1;
                    clients.remove(&owner);
                    if self.routed {
                        owner = self.route(&mut clients).await.unwrap_or(owner);
                    }
                }
            }
            if let Some(rest) = interval.checked_sub(tick.elapsed()) {
                tokio::time::sleep(rest).await;
            }
        }
        tally.longest_gap_ms = tally.longest_gap_ms.max(last_success.elapsed().as_millis());
        (
            tally,
            Written {
                acknowledged,
                unread,
            },
        )
    }

    /// An acknowledged write at `now`: counted when it falls inside the cut.
    fn count_during_cut(&self, tally: &mut WriterTally, now: Instant) {
        let cut = *self.cut_at.lock().unwrap_or_else(|p| p.into_inner());
        let healed = *self.healed_at.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cut) = cut
            && healed.is_none_or(|healed| now < healed)
        {
            tally.acknowledged_during_cut += 1;
            tally.accepted_for_ms = Some((now - cut).as_millis());
        }
    }

    /// `SET key value PX 600000` then `GET key` on the owner: the `SET`'s error code, or the value
    /// read (the `GET`'s error code when it failed).
    async fn write(
        &self,
        clients: &mut HashMap<NodeAddress, NodeClient>,
        owner: &NodeAddress,
        key: &str,
        value: &str,
    ) -> Result<Result<Option<String>, String>, String> {
        let client = self.client(clients, owner).await.map_err(|_| "io")?;
        let mut set = redis::cmd("SET");
        set.arg(key).arg(value).arg("PX").arg(600_000);
        client.run_raw(&set).await.map_err(error_code)?;
        let mut get = redis::cmd("GET");
        get.arg(key);
        Ok(match client.run_raw(&get).await.map_err(error_code) {
            Ok(redis::Value::BulkString(bytes)) => Ok(Some(String::from_utf8_lossy(&bytes).into())),
            Ok(_) => Ok(None),
            Err(code) => Err(code),
        })
    }

    async fn client<'c>(
        &self,
        clients: &'c mut HashMap<NodeAddress, NodeClient>,
        address: &NodeAddress,
    ) -> Result<&'c mut NodeClient, crate::net::NetError> {
        if !clients.contains_key(address) {
            let client = self.session.client_from(address, self.source).await?;
            clients.insert(address.clone(), client);
        }
        Ok(clients.get_mut(address).expect("inserted"))
    }

    /// The current owner of the master's first slot, from the first known node that answers.
    async fn route(&self, clients: &mut HashMap<NodeAddress, NodeClient>) -> Option<NodeAddress> {
        let slot = *self.slots.iter().next()?;
        for address in &self.known {
            let Ok(client) = self.client(clients, address).await else {
                continue;
            };
            let Ok(text) = client.cluster_nodes().await else {
                clients.remove(address);
                continue;
            };
            let Ok(entries) = parse_cluster_nodes(&text) else {
                continue;
            };
            let owner = entries
                .iter()
                .filter(|e| e.is_master() && !e.flags.fail)
                .find(|e| e.slots.iter().any(|s| s.number() == slot));
            if let Some(owner) = owner {
                return Some(NodeAddress::new(&owner.addr.ip, owner.addr.port));
            }
        }
        None
    }
}

fn error_code(error: redis::RedisError) -> String {
    error
        .code()
        .map(str::to_string)
        .unwrap_or_else(|| "io".to_string())
}

/// Reads every acknowledged key back from the slot's owner (from rcluster's own address), again
/// for the keys that cannot be read until `until`, and sorts the missing into `lost`, the changed
/// into `wrong`, and those that could not be read (at first, or at all) apart; then deletes every
/// key read.
async fn read_back(
    session: &Arc<Session>,
    drill: &Partition,
    tally: &mut WriterTally,
    written: Written,
    until: Instant,
) {
    let mut keys: Vec<String> = written
        .acknowledged
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    let mut read_back = ReadBack::new(written.acknowledged, &written.unread);
    let mut owners = slot_owners(session, drill).await;
    loop {
        let mut reads = Vec::new();
        for key in read_back.pending() {
            reads.push(read_key(session, &owners, &key).await);
        }
        read_back.record(reads);
        if read_back.pending().is_empty() || Instant::now() >= until {
            break;
        }
        tokio::time::sleep(READ_BACK_PAUSE).await;
        owners = slot_owners(session, drill).await;
    }
    tally.lost.append(&mut read_back.missing);
    tally.wrong.append(&mut read_back.changed);
    tally.unreadable_during_outage = std::mem::take(&mut read_back.unreadable_during_outage);
    tally.unreadable = read_back.unreadable();
    for key in keys.drain(..) {
        if let Some(owner) = owners.get(&key_slot(key.as_bytes()).number())
            && let Ok(mut client) = session.client(owner).await
        {
            let _ = client.query::<i64>(&["DEL", &key]).await;
        }
    }
}

/// Slot → owner, from the first node that answers.
async fn slot_owners(session: &Arc<Session>, drill: &Partition) -> HashMap<u16, NodeAddress> {
    let mut owners: HashMap<u16, NodeAddress> = HashMap::new();
    for address in &drill.nodes {
        let Ok(mut client) = session.client(address).await else {
            continue;
        };
        let Ok(Ok(entries)) = client
            .cluster_nodes()
            .await
            .map(|t| parse_cluster_nodes(&t))
        else {
            continue;
        };
        for entry in entries.iter().filter(|e| e.is_master()) {
            for slot in entry.slots.iter() {
                owners.insert(
                    slot.number(),
                    NodeAddress::new(&entry.addr.ip, entry.addr.port),
                );
            }
        }
        break;
    }
    owners
}

/// `GET key` on its slot's owner: `Err` when it could not be read.
async fn read_key(
    session: &Arc<Session>,
    owners: &HashMap<u16, NodeAddress>,
    key: &str,
) -> Result<Option<String>, String> {
    let owner = owners
        .get(&key_slot(key.as_bytes()).number())
        .ok_or("no owner")?;
    let mut client = session.client(owner).await.map_err(|e| e.to_string())?;
    client
        .query::<Option<String>>(&["GET", key])
        .await
        .map_err(|e| e.to_string())
}
