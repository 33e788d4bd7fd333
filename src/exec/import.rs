//! The key-copy engine: a source's selected database is scanned (`SCAN ... COUNT 1000`) and each
//! batch's keys are sent to the master owning their slot, with one
//! `MIGRATE host port "" db timeout [COPY] [REPLACE] [AUTH ...] KEYS ...` per owner (per slot from a
//! cluster node, which refuses keys of several slots), the batches of all owners pipelined on the
//! source (redis-cli sends one MIGRATE per key and waits for each). Keys are binary-safe.
//!
//! Every refused batch is classified by `exec::retry`, as the slot movers' are: a passing refusal
//! (TRYAGAIN, CLUSTERDOWN, LOADING) is resent with the movers' backoff, and so is one for a slot in
//! the middle of a move (ASK: a standalone source's plain RESTORE cannot reach the importing node),
//! until the move ends (`retry::resend_through_moves`); a MOVED (the slot has another owner since
//! the owners were read) is resent, slot by slot, to the node it names, at most [`REDIRECTS`]
//! times; BUSYKEY leaves alone, and names, the keys the
//! cluster holds with another value (natively; redis-cli's syntax stops there); anything else
//! stops the copy, naming the keys concerned. Keys already moved stay moved, so running again
//! continues.
//!
//! Called by `commands::import` (a standalone server, or every master of another cluster at once)
//! and `commands::restore` (a temporary server holding one RDB).

use super::moves::{endpoints_of, migrate_keys_command};
use super::retry::{Decision, ServerError, classify, decide, redirect_of, resend_through_moves};
use crate::net::{NetError, NodeAddress, NodeClient, Session, concurrently, in_database};
use crate::report::{Event, Reporter};
use crate::topology::{ClusterView, key_slot};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How many times one batch follows a `MOVED` (a slot moved again while it travelled).
pub const REDIRECTS: usize = 5;

/// What the engine works with: the cluster's connections (and credentials, which the source's
/// MIGRATE uses), where events go, and whether the command line was in redis-cli syntax (a key
/// the cluster already holds then stops the copy, and each key moved gets redis-cli's line).
#[derive(Clone)]
pub struct Copier {
    pub session: Arc<Session>,
    pub ui: Arc<dyn Reporter>,
    pub redis_cli: bool,
}

/// Keys done of all a command copies (several sources at once share one), shown as a progress bar.
pub struct KeyProgress {
    done: AtomicU64,
    total: u64,
}

impl KeyProgress {
    pub fn new(total: u64) -> KeyProgress {
        KeyProgress {
            done: AtomicU64::new(0),
            total,
        }
    }

    fn advance(&self, ui: &dyn Reporter, keys: u64) {
        let done = self.done.fetch_add(keys, Ordering::Relaxed) + keys;
        ui.event(Event::Transfer {
            what: "keys",
            done,
            total: Some(self.total),
        });
    }

    /// The bar goes away.
    pub fn finish(&self, ui: &dyn Reporter) {
        ui.event(Event::TransferFinished { what: "keys" });
    }
}

/// How keys travel: copied or moved, replacing existing keys or not, into which database of the
/// cluster, and MIGRATE's bound.
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    pub copy: bool,
    /// The cluster's database the keys go to (MIGRATE's destination-db).
    pub db: u16,
    /// One MIGRATE per slot (a cluster node as the source), not per owner.
    pub per_slot: bool,
    pub replace: bool,
    pub migrate_timeout: Duration,
}

/// Where a batch goes: the address rcluster shows (and asks, to compare values after BUSYKEY),
/// and the host the source's MIGRATE connects to (the node's announced IP), with the address's port.
#[derive(Debug, Clone)]
struct Route {
    address: NodeAddress,
    migrate_host: String,
}

impl Route {
    /// The node a redirect names; an empty host (the node does not know the endpoint) keeps ours.
    fn redirected(&self, host: String, port: u16) -> Route {
        if host.is_empty() {
            return Route {
                address: NodeAddress::new(self.address.host.clone(), port),
                migrate_host: self.migrate_host.clone(),
            };
        }
        Route {
            address: NodeAddress::new(host.clone(), port),
            migrate_host: host,
        }
    }
}

/// Where each key goes.
pub struct Owners {
    /// Owner (an index into `targets`) per slot.
    by_slot: Vec<Option<usize>>,
    targets: Vec<Route>,
}

impl Owners {
    pub fn of(view: &ClusterView) -> Owners {
        let endpoints = endpoints_of(view);
        let mut targets = Vec::new();
        let mut by_slot = vec![None; usize::from(crate::topology::SLOT_COUNT)];
        for master in view.loaded_masters() {
            let endpoint = &endpoints[master.id()];
            targets.push(Route {
                address: endpoint.address.clone(),
                migrate_host: endpoint.migrate_host.clone(),
            });
            for slot in master.myself().slots.iter() {
                by_slot[usize::from(slot.number())].get_or_insert(targets.len() - 1);
            }
        }
        Owners { by_slot, targets }
    }
}

/// What a copy did: keys moved (in all, and per database of the cluster), keys left alone
/// because the cluster holds them with other values (BUSYKEY, without --replace), and the error
/// that stopped it.
#[derive(Default)]
pub struct Moved {
    pub moved: u64,
    /// Keys moved into each database of the cluster.
    pub databases: BTreeMap<u16, u64>,
    pub skipped: Vec<Vec<u8>>,
    pub error: Option<String>,
}

impl Moved {
    /// Adds another source's tally.
    pub fn add(&mut self, other: Moved) {
        self.moved += other.moved;
        for (db, keys) in other.databases {
            *self.databases.entry(db).or_default() += keys;
        }
        self.skipped.extend(other.skipped);
        self.error = self.error.take().or(other.error);
    }
}

/// How many databases every master of the cluster serves (the fewest any serves): 1 on Redis,
/// `cluster-databases` on Valkey 9; all masters asked at once.
pub async fn cluster_databases(
    session: &Arc<Session>,
    view: &ClusterView,
) -> Result<u16, NetError> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let counts = concurrently(masters, |address| {
        let session = Arc::clone(session);
        async move { session.client(&address).await?.cluster_databases().await }
    })
    .await;
    let counts = counts.into_iter().collect::<Result<Vec<u16>, _>>()?;
    Ok(counts.into_iter().min().unwrap_or(1))
}

/// Every job `(master, from, transfer)` at once: the master's database `from`, read on a
/// connection of its own (of `sources`, the source's session) that selected it, copied as
/// `transfer` says; the tallies summed.
pub async fn import_masters(
    copier: &Copier,
    sources: Arc<Session>,
    jobs: Vec<(NodeAddress, u16, Transfer)>,
    owners: Arc<Owners>,
    progress: Arc<KeyProgress>,
) -> Moved {
    let tallies = concurrently(jobs, |(master, from, transfer)| {
        let (copier, sources, owners) = (copier.clone(), Arc::clone(&sources), Arc::clone(&owners));
        let progress = Arc::clone(&progress);
        async move {
            match sources.dedicated_client(&master, from).await {
                Ok(mut client) => {
                    import_all(&copier, &transfer, &mut client, &owners, &progress).await
                }
                Err(error) => Moved {
                    error: Some(error.to_string()),
                    ..Moved::default()
                },
            }
        }
    })
    .await;
    let mut total = Moved::default();
    for tally in tallies {
        total.add(tally);
    }
    total
}

/// Scans the source's selected database and moves each batch, owner by owner, into database
/// `options.db` of the cluster, until done or an error.
pub async fn import_all(
    copier: &Copier,
    options: &Transfer,
    source: &mut NodeClient,
    owners: &Owners,
    progress: &KeyProgress,
) -> Moved {
    super::failpoint::pause("before-key-copy").await;
    let mut outcome = scan_and_move(copier, options, source, owners, progress).await;
    outcome.databases.insert(options.db, outcome.moved);
    outcome
}

async fn scan_and_move(
    copier: &Copier,
    options: &Transfer,
    source: &mut NodeClient,
    owners: &Owners,
    progress: &KeyProgress,
) -> Moved {
    let mut outcome = Moved::default();
    let mut migrating = source
        .clone()
        .with_timeout(options.migrate_timeout + Duration::from_secs(5));
    let mut cursor = 0u64;
    loop {
        let mut scan = redis::cmd("SCAN");
        scan.arg(cursor).arg("COUNT").arg(1000);
        let (next, keys): (u64, Vec<Vec<u8>>) = match source.run(&scan, "SCAN").await {
            Ok(page) => page,
            Err(error) => {
                outcome.error = Some(error.to_string());
                return outcome;
            }
        };
        let before = outcome.moved + outcome.skipped.len() as u64;
        let batch =
            migrate_batch(copier, options, &mut migrating, owners, keys, &mut outcome).await;
        progress.advance(
            copier.ui.as_ref(),
            outcome.moved + outcome.skipped.len() as u64 - before,
        );
        if let Err(error) = batch {
            outcome.error = Some(error);
            return outcome;
        }
        if next == 0 {
            return outcome;
        }
        cursor = next;
    }
}

/// One MIGRATE per owner for `keys`, pipelined, then each owner's reply settled; the first failing
/// owner's error.
async fn migrate_batch(
    copier: &Copier,
    options: &Transfer,
    source: &mut NodeClient,
    owners: &Owners,
    keys: Vec<Vec<u8>>,
    tally: &mut Moved,
) -> Result<(), String> {
    // A cluster node refuses a MIGRATE whose keys span slots (CROSSSLOT): from one, batch per slot.
    let mut by_owner: BTreeMap<(usize, u16), Vec<Vec<u8>>> = BTreeMap::new();
    for key in keys {
        let Some(owner) = owners.by_slot[usize::from(key_slot(&key).number())] else {
            return Err(format!(
                "slot {} of key {} has no owner",
                key_slot(&key),
                String::from_utf8_lossy(&key)
            ));
        };
        let slot = if options.per_slot {
            key_slot(&key).number()
        } else {
            0
        };
        by_owner.entry((owner, slot)).or_default().push(key);
    }
    if by_owner.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for ((owner, _), keys) in &by_owner {
        pipe.add_command(migrate_command(
            copier,
            options,
            &owners.targets[*owner],
            keys,
        ));
    }
    let replies: Vec<redis::RedisResult<redis::Value>> = source
        .pipeline(&pipe, "MIGRATE")
        .await
        .map_err(|e| e.to_string())?;
    // Every owner's reply counts: the batches of the other owners moved even when one failed.
    let mut failure = None;
    for (((owner, _), keys), reply) in by_owner.into_iter().zip(replies) {
        let batch = Batch {
            route: owners.targets[owner].clone(),
            keys,
            redirects: 0,
        };
        if let Err(error) = settle(copier, options, source, batch, reply, tally).await {
            failure.get_or_insert(error);
        }
    }
    failure.map_or(Ok(()), Err)
}

/// Keys sent together to one node, and how many redirects led there.
struct Batch {
    route: Route,
    keys: Vec<Vec<u8>>,
    redirects: usize,
}

/// One owner's batch after its first reply, as `exec::retry` decides: passing refusals and moves
/// under way (ASK) resent with the movers' backoff, MOVED followed (slot by slot: a batch from a
/// standalone source spans slots, and only the slot named moved), BUSYKEY resolved by comparing values (natively), any
/// other error the batch's failure, in the source's words. Keys counted as they arrive.
async fn settle(
    copier: &Copier,
    options: &Transfer,
    source: &mut NodeClient,
    batch: Batch,
    first: redis::RedisResult<redis::Value>,
    tally: &mut Moved,
) -> Result<(), String> {
    let mut failure = None;
    let mut queue = VecDeque::from([(batch, Some(first))]);
    while let Some((batch, reply)) = queue.pop_front() {
        let reply = match reply {
            Some(reply) => reply,
            None => {
                let command = migrate_command(copier, options, &batch.route, &batch.keys);
                source.run_raw(&command).await
            }
        };
        let reply = resend_through_moves(reply, || {
            let command = migrate_command(copier, options, &batch.route, &batch.keys);
            let mut source = source.clone();
            async move { source.run_raw(&command).await }
        })
        .await;
        let target = &batch.route.address;
        let keys = &batch.keys;
        let error = match reply {
            Ok(_) => {
                arrived(copier, target, keys, tally);
                continue;
            }
            Err(error) => error,
        };
        match decide(classify(&error)) {
            // Natively a key the cluster already holds is left alone and named; the rest go on.
            Decision::ResolveBusyKeys if !copier.redis_cli => {
                match conflicting_keys(copier, source, (target, options.db), keys, options.copy)
                    .await
                {
                    Ok(conflicts) => {
                        tally.moved += (keys.len() - conflicts.len()) as u64;
                        tally.skipped.extend(conflicts);
                    }
                    Err(error) => {
                        failure.get_or_insert(error);
                    }
                }
            }
            Decision::Redirect
                if classify(&error) == ServerError::Moved && batch.redirects < REDIRECTS =>
            {
                let text =
                    crate::net::server_error_text(&error).unwrap_or_else(|| error.to_string());
                match redirect_of(&text) {
                    Some(redirect) => queue.extend(follow(batch, redirect).map(|b| (b, None))),
                    None => {
                        failure
                            .get_or_insert_with(|| migrate_failure(source, target, keys, &error));
                    }
                }
            }
            _ => {
                failure.get_or_insert_with(|| migrate_failure(source, target, keys, &error));
            }
        }
    }
    failure.map_or(Ok(()), Err)
}

/// The batches a `MOVED` to `(slot, host, port)` leaves: the keys of `slot` go to the node named,
/// the keys of other slots (a batch from a standalone source spans slots) back to where they went,
/// one batch per slot, so that each may follow its own redirect. Pure.
fn follow(batch: Batch, (slot, host, port): (u16, String, u16)) -> impl Iterator<Item = Batch> {
    let redirected = batch.route.redirected(host, port);
    let mut by_slot: BTreeMap<u16, Vec<Vec<u8>>> = BTreeMap::new();
    for key in batch.keys {
        by_slot
            .entry(key_slot(&key).number())
            .or_default()
            .push(key);
    }
    let (route, redirects) = (batch.route, batch.redirects + 1);
    by_slot.into_iter().map(move |(number, keys)| Batch {
        route: if number == slot {
            redirected.clone()
        } else {
            route.clone()
        },
        keys,
        redirects,
    })
}

/// Counts a batch that arrived (and, in redis-cli syntax, says so per key as redis-cli does).
fn arrived(copier: &Copier, target: &NodeAddress, keys: &[Vec<u8>], tally: &mut Moved) {
    tally.moved += keys.len() as u64;
    if copier.redis_cli {
        let lines: Vec<String> = keys
            .iter()
            .map(|k| format!("Migrating {} to {target}: OK", String::from_utf8_lossy(k)))
            .collect();
        copier.ui.notice(&lines.join("\n"));
    }
}

/// After a batch's MIGRATE failed with BUSYKEY: the keys of `keys` the cluster (`target`, in
/// database `db`) holds with another value than the source's (or, when moving, that are still on
/// the source). Keys that arrived are never among them.
async fn conflicting_keys(
    copier: &Copier,
    source: &mut NodeClient,
    (target, db): (&NodeAddress, u16),
    keys: &[Vec<u8>],
    copy: bool,
) -> Result<Vec<Vec<u8>>, String> {
    let add_dumps = |pipe: &mut redis::Pipeline| {
        for key in keys {
            pipe.cmd("DUMP").arg(key);
        }
    };
    let mut dumps = redis::pipe();
    add_dumps(&mut dumps);
    let on_source: Vec<Option<Vec<u8>>> = source
        .pipeline(&dumps, "DUMP")
        .await
        .map_err(|e| e.to_string())?;
    let mut cluster = copier
        .session
        .client(target)
        .await
        .map_err(|e| e.to_string())?;
    let mut there = redis::pipe();
    in_database(&mut there, db, add_dumps);
    let on_target: Vec<Option<Vec<u8>>> = cluster
        .pipeline(&there, "DUMP")
        .await
        .map_err(|e| e.to_string())?;
    let conflicts = keys
        .iter()
        .zip(on_source.into_iter().zip(on_target))
        .filter(|(_, pair)| match pair {
            (Some(here), Some(there)) => !copy || here != there,
            _ => false,
        })
        .map(|(key, _)| key.clone())
        .collect();
    Ok(conflicts)
}

/// What stopped an owner's batch, in the source's words.
fn migrate_failure(
    source: &NodeClient,
    target: &NodeAddress,
    keys: &[Vec<u8>],
    error: &redis::RedisError,
) -> String {
    let text = crate::net::server_error_text(error).unwrap_or_else(|| error.to_string());
    format!(
        "Source {} replied with error:\n{text} (moving a batch of {} keys to {target}){}",
        source.address(),
        keys.len(),
        if text.contains("BUSYKEY") {
            "; rerun with --replace to overwrite keys the cluster already holds"
        } else {
            ""
        }
    )
}

/// The source's MIGRATE of `keys` to one node, with the cluster's credentials.
fn migrate_command(
    copier: &Copier,
    options: &Transfer,
    route: &Route,
    keys: &[Vec<u8>],
) -> redis::Cmd {
    let mut flags = Vec::new();
    if options.copy {
        flags.push("COPY");
    }
    if options.replace {
        flags.push("REPLACE");
    }
    let connect = copier.session.options();
    let auth = (connect.user.as_deref(), connect.password.as_ref());
    migrate_keys_command(
        (&route.migrate_host, route.address.port),
        options.db,
        options.migrate_timeout,
        &flags,
        auth,
        keys,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(host: &str, port: u16) -> Route {
        Route {
            address: NodeAddress::new(host, port),
            migrate_host: host.to_string(),
        }
    }

    #[test]
    fn a_redirect_sends_its_slot_to_the_node_named_and_the_other_slots_back() {
        // "a" and "b" hash to different slots; "{a}x" shares a's.
        let keys: Vec<Vec<u8>> = [&b"a"[..], b"b", b"{a}x"].map(<[u8]>::to_vec).into();
        let slot_of_a = key_slot(b"a").number();
        assert_ne!(slot_of_a, key_slot(b"b").number());
        let batch = Batch {
            route: route("10.0.0.1", 7000),
            keys,
            redirects: 0,
        };
        let batches: Vec<Batch> = follow(batch, (slot_of_a, "10.0.0.2".into(), 7001)).collect();
        assert_eq!(batches.len(), 2);
        for batch in &batches {
            assert_eq!(batch.redirects, 1);
            let slot = key_slot(&batch.keys[0]).number();
            let expected = if slot == slot_of_a { 7001 } else { 7000 };
            assert_eq!(batch.route.address.port, expected);
        }
        let to_a = batches
            .iter()
            .find(|b| b.route.address.port == 7001)
            .unwrap();
        assert_eq!(to_a.keys, [b"a".to_vec(), b"{a}x".to_vec()]);
        assert_eq!(to_a.route.migrate_host, "10.0.0.2");
    }

    #[test]
    fn a_redirect_without_a_host_keeps_ours() {
        let redirected = route("10.0.0.1", 7000).redirected(String::new(), 7005);
        assert_eq!(redirected.address, NodeAddress::new("10.0.0.1", 7005));
        assert_eq!(redirected.migrate_host, "10.0.0.1");
    }
}
