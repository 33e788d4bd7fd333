//! `rcluster import HOST:PORT --from SRC_HOST:SRC_PORT [--from-db N] [--to-db M] [--copy] [--replace]`:
//! moves every key of a standalone server's database N (0 by default) into database M of the
//! cluster (N by default; redis-cli's syntax has neither flag: 0 into 0), each to the master owning
//! its slot. With `--from-cluster`, every master of another cluster at once, and every database
//! that holds keys into the same-numbered one (or `--from-db` into `--to-db`). A database the
//! cluster does not serve (Redis: only 0; Valkey 9: `cluster-databases`) is refused before any key
//! moves.
//!
//! Each source database is read on a connection of its own that selected it
//! (`Session::dedicated_client`), because `SCAN` and `MIGRATE` act on the selected database. It is
//! scanned (`SCAN ... COUNT 1000`); each batch's keys are grouped by their owner and sent with one
//! `MIGRATE host port "" M timeout [COPY] [REPLACE] [AUTH ...] KEYS ...` per owner, the batches of
//! all owners pipelined on the source (redis-cli sends one MIGRATE per key and waits for each).
//! Keys are binary-safe. The first error stops the import and names the keys concerned; keys
//! already moved stay moved, so running it again continues.

use super::Context;
use crate::error::UsageError;
use crate::exec::moves::{endpoints_of, migrate_keys_command};
use crate::net::{
    ConnectOptions, Flags, NodeAddress, NodeClient, Secret, Session, TlsOptions, concurrently,
    in_database,
};
use crate::topology::{ClusterView, key_slot, load_cluster_view};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `import` is asked to do, validated (built by `crate::cli::args::import`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// Where the keys come from.
    pub from: Source,
    /// The source's database (`--from-db`): a server's is 0 when not given; a cluster's are then
    /// every one that holds keys.
    pub from_db: Option<u16>,
    /// The cluster's database the keys go to (`--to-db`): the source's number when not given.
    pub to_db: Option<u16>,
    pub from_user: Option<String>,
    pub from_pass: Option<String>,
    pub from_askpass: bool,
    /// The source's own TLS settings (`--from-tls`); `None` reaches it as the cluster is.
    pub from_tls: Option<TlsOptions>,
    pub copy: bool,
    pub replace: bool,
    pub migrate_timeout: Duration,
}

/// Keys done of all a command copies (several sources at once share one), shown as a progress bar.
pub struct KeyProgress {
    done: std::sync::atomic::AtomicU64,
    total: u64,
}

impl KeyProgress {
    pub fn new(total: u64) -> KeyProgress {
        KeyProgress {
            done: std::sync::atomic::AtomicU64::new(0),
            total,
        }
    }

    fn advance(&self, context: &Context, keys: u64) {
        use std::sync::atomic::Ordering;
        let done = self.done.fetch_add(keys, Ordering::Relaxed) + keys;
        context.ui.event(crate::report::Event::Transfer {
            what: "keys",
            done,
            total: Some(self.total),
        });
    }

    /// The bar goes away.
    pub fn finish(&self, context: &Context) {
        context
            .ui
            .event(crate::report::Event::TransferFinished { what: "keys" });
    }
}

/// Where `import` reads keys.
#[derive(Debug, Clone)]
pub enum Source {
    /// A standalone server (`--from`).
    Server(NodeAddress),
    /// Every master of another cluster, reached through this node (`--from-cluster`).
    Cluster(NodeAddress),
}

impl Source {
    pub fn address(&self) -> &NodeAddress {
        match self {
            Source::Server(address) | Source::Cluster(address) => address,
        }
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

impl Options {
    /// How keys travel into database `db` of the cluster.
    fn transfer(&self, db: u16) -> Transfer {
        Transfer {
            copy: self.copy,
            db,
            per_slot: matches!(self.from, Source::Cluster(_)),
            replace: self.replace,
            migrate_timeout: self.migrate_timeout,
        }
    }
}

/// Where each key goes.
pub struct Owners {
    /// Owner address per slot.
    by_slot: Vec<Option<usize>>,
    /// (address rcluster shows, host the source's MIGRATE connects to, port).
    targets: Vec<(NodeAddress, String)>,
}

impl Owners {
    pub fn of(view: &ClusterView) -> Owners {
        let endpoints = endpoints_of(view);
        let mut targets = Vec::new();
        let mut by_slot = vec![None; usize::from(crate::topology::SLOT_COUNT)];
        for master in view.loaded_masters() {
            let endpoint = &endpoints[master.id()];
            targets.push((endpoint.address.clone(), endpoint.migrate_host.clone()));
            for slot in master.myself().slots.iter() {
                by_slot[usize::from(slot.number())].get_or_insert(targets.len() - 1);
            }
        }
        Owners { by_slot, targets }
    }
}

/// Runs `import`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<crate::report::Outcome> {
    let seed = options.seed.clone();
    let source_address = options.from.address().clone();
    context.ui.step(&format!(
        "Importing data from {source_address} to cluster {seed}"
    ));
    let view = super::check::load_clean_view(context, &seed).await?;
    let _lock = super::take_lock(context, &view, "import").await?;
    let session = source_session(context, options)?;
    let owners = Arc::new(Owners::of(&view));
    let started = Instant::now();
    let outcome = match &options.from {
        Source::Server(address) => {
            import_server(context, options, &session, address, &view, &owners).await?
        }
        Source::Cluster(address) => {
            import_cluster(context, options, Arc::new(session), address, &view, owners).await?
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(report_import(&source_address, outcome, seconds))
}

/// A standalone server's database `--from-db` into the cluster's `--to-db`.
async fn import_server(
    context: &Context,
    options: &Options,
    session: &Session,
    address: &NodeAddress,
    target: &ClusterView,
    owners: &Owners,
) -> anyhow::Result<Moved> {
    let (from, to) = one_pair(options.from_db, options.to_db);
    let mut source = connect_server(session, address, from).await?;
    refuse_missing_database(context, target, to).await?;
    let keys: u64 = source.query(&["DBSIZE"]).await?;
    let into = if to == from {
        String::new()
    } else {
        format!(" into DB {to}")
    };
    context
        .ui
        .notice(&format!("*** Importing {keys} keys from DB {from}{into}"));
    let progress = KeyProgress::new(keys);
    let moved = import_all(
        context,
        &options.transfer(to),
        &mut source,
        owners,
        &progress,
    )
    .await;
    progress.finish(context);
    Ok(moved)
}

/// One source database into one of the cluster's, as (from, to): `--from-db` (0 when not given)
/// into `--to-db` or the same number. Pure.
fn one_pair(from_db: Option<u16>, to_db: Option<u16>) -> (u16, u16) {
    let from = from_db.unwrap_or(0);
    (from, to_db.unwrap_or(from))
}

/// A source cluster's databases into the cluster's, as (from, to): without `--from-db` or
/// `--to-db`, every database in `holding` (those that hold keys) into the same number; otherwise
/// [`one_pair`], which `--to-db` alone may name only when the source holds keys in database 0 at
/// most. Pure.
fn database_pairs(
    from_db: Option<u16>,
    to_db: Option<u16>,
    holding: &BTreeSet<u16>,
) -> Result<Vec<(u16, u16)>, UsageError> {
    match (from_db, to_db) {
        (None, None) => Ok(holding.iter().map(|db| (*db, *db)).collect()),
        (None, Some(_)) if holding.iter().any(|db| *db != 0) => Err(UsageError(format!(
            "the source holds keys in databases {}: add --from-db to say which one goes into --to-db",
            holding
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        _ => Ok(vec![one_pair(from_db, to_db)]),
    }
}

/// How many databases every master of the cluster serves (the fewest any serves): 1 on Redis,
/// `cluster-databases` on Valkey 9; all masters asked at once.
pub async fn cluster_databases(context: &Context, view: &ClusterView) -> anyhow::Result<u16> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let counts = concurrently(masters, |address| {
        let session = Arc::clone(&context.session);
        async move { session.client(&address).await?.cluster_databases().await }
    })
    .await;
    let counts = counts.into_iter().collect::<Result<Vec<u16>, _>>()?;
    Ok(counts.into_iter().min().unwrap_or(1))
}

/// `database 0 only` or `databases 0-3`: what a cluster of `count` databases serves.
pub fn databases_served(count: u16) -> String {
    match count {
        0 | 1 => "database 0 only".into(),
        _ => format!("databases 0-{}", count - 1),
    }
}

/// Refuses, before any key moves, a target database the cluster does not serve (database 0 always
/// exists, so it is not asked).
async fn refuse_missing_database(
    context: &Context,
    view: &ClusterView,
    db: u16,
) -> anyhow::Result<()> {
    if db == 0 {
        return Ok(());
    }
    let count = cluster_databases(context, view).await?;
    if db < count {
        return Ok(());
    }
    Err(UsageError(format!(
        "the cluster of {} serves {}, not database {db}: pass --to-db with a database it serves; nothing was imported",
        view.seed,
        databases_served(count)
    ))
    .into())
}

/// Every master of the source cluster at once, each of its databases on a connection of its own,
/// each key routed to its owner here.
async fn import_cluster(
    context: &Context,
    options: &Options,
    session: Arc<Session>,
    address: &NodeAddress,
    target: &ClusterView,
    owners: Arc<Owners>,
) -> anyhow::Result<Moved> {
    let source = load_cluster_view(&session, address).await?;
    refuse_source_cluster(&source, target, address)?;
    let holding: BTreeSet<u16> = source
        .loaded_masters()
        .filter_map(|m| m.keyspace.as_ref())
        .flat_map(|keyspace| keyspace.numbers())
        .collect();
    let pairs = database_pairs(options.from_db, options.to_db, &holding)?;
    if let Some(highest) = pairs.iter().map(|(_, to)| *to).max() {
        refuse_missing_database(context, target, highest).await?;
    }
    let masters: Vec<&crate::topology::NodeView> = source.loaded_masters().collect();
    let keys: u64 = masters
        .iter()
        .filter_map(|m| m.keyspace.as_ref())
        .flat_map(|keyspace| {
            pairs
                .iter()
                .filter_map(|(from, _)| keyspace.databases.get(from))
        })
        .sum();
    context.ui.notice(&format!(
        "*** Importing {keys} keys from the {} masters of {address}",
        masters.len()
    ));
    let jobs: Vec<(NodeAddress, (u16, u16))> = masters
        .iter()
        .flat_map(|m| pairs.iter().map(|pair| (m.address.clone(), *pair)))
        .collect();
    let progress = Arc::new(KeyProgress::new(keys));
    let tallies = concurrently(jobs, |(master, (from, to))| {
        let (context, session, owners) =
            (context.clone(), Arc::clone(&session), Arc::clone(&owners));
        let (progress, transfer) = (Arc::clone(&progress), options.transfer(to));
        async move {
            match session.dedicated_client(&master, from).await {
                Ok(mut client) => {
                    import_all(&context, &transfer, &mut client, &owners, &progress).await
                }
                Err(error) => Moved {
                    error: Some(error.to_string()),
                    ..Moved::default()
                },
            }
        }
    })
    .await;
    progress.finish(context);
    let mut total = Moved::default();
    for tally in tallies {
        total.add(tally);
    }
    Ok(total)
}

/// A source cluster that is the target itself, or whose master owning slots does not answer.
fn refuse_source_cluster(
    source: &ClusterView,
    target: &ClusterView,
    address: &NodeAddress,
) -> Result<(), UsageError> {
    if source
        .nodes
        .iter()
        .any(|n| target.node_by_id(n.id()).is_some())
    {
        return Err(UsageError(format!(
            "{address} is a node of the target cluster itself: import from another cluster"
        )));
    }
    if let Some(dead) = source
        .nodes
        .iter()
        .find(|n| !n.is_loaded() && n.seen_by_seed.flags.master && !n.seen_by_seed.slots.is_empty())
    {
        return Err(UsageError(format!(
            "source master {} does not answer, so its keys cannot be read: repair the source cluster first",
            dead.address
        )));
    }
    Ok(())
}

/// A session for the source, with its own credentials, and its own TLS settings (`--from-tls`) or
/// else the cluster's; its errors name the `--from-*` flags.
fn source_session(context: &Context, options: &Options) -> anyhow::Result<Session> {
    let mut password = options.from_pass.clone().map(Secret::new);
    if options.from_askpass {
        let typed = context
            .ui
            .read_password("Please input import source node password: ")
            .map_err(|e| UsageError(format!("--from-askpass could not read a password: {e}")))?;
        password = Some(Secret::new(typed));
    }
    let cluster = context.session.options();
    Ok(Session::new(ConnectOptions {
        user: options.from_user.clone(),
        password,
        tls: options.from_tls.clone().or_else(|| cluster.tls.clone()),
        flags: Flags::ImportSource,
        ..cluster.clone()
    }))
}

/// The standalone source, on a connection of its own that selected database `db`: a cluster node
/// is refused first (it has `--from-cluster`).
async fn connect_server(
    session: &Session,
    address: &NodeAddress,
    db: u16,
) -> anyhow::Result<NodeClient> {
    let info: String = session
        .client(address)
        .await?
        .query(&["INFO", "cluster"])
        .await?;
    if info.lines().any(|l| l.trim() == "cluster_enabled:1") {
        return Err(
            UsageError("[ERR] The source node should not be a cluster node.".into()).into(),
        );
    }
    Ok(session.dedicated_client(address, db).await?)
}

/// What the import did: keys moved (in all, and per database of the cluster), keys left alone
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

/// Scans the source's selected database and moves each batch, owner by owner, into database
/// `options.db` of the cluster, until done or an error. Also used by `restore`, whose source is a
/// temporary server holding one RDB.
pub async fn import_all(
    context: &Context,
    options: &Transfer,
    source: &mut NodeClient,
    owners: &Owners,
    progress: &KeyProgress,
) -> Moved {
    let mut outcome = scan_and_move(context, options, source, owners, progress).await;
    outcome.databases.insert(options.db, outcome.moved);
    outcome
}

async fn scan_and_move(
    context: &Context,
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
            migrate_batch(context, options, &mut migrating, owners, keys, &mut outcome).await;
        progress.advance(
            context,
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

/// One MIGRATE per owner for `keys`, pipelined; the first failing owner's error.
async fn migrate_batch(
    context: &Context,
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
            context,
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
    for (((owner, _), keys), reply) in by_owner.iter().zip(replies) {
        let target = &owners.targets[*owner].0;
        match reply {
            Ok(_) => {}
            // Natively a key the cluster already holds is left alone and named; the rest go on.
            Err(error) if is_busykey(&error) && !context.redis_cli() => {
                match conflicting_keys(context, source, (target, options.db), keys, options.copy)
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
                continue;
            }
            Err(error) => {
                failure.get_or_insert_with(|| migrate_failure(source, target, keys, &error));
                continue;
            }
        }
        tally.moved += keys.len() as u64;
        if context.redis_cli() {
            let lines: Vec<String> = keys
                .iter()
                .map(|k| format!("Migrating {} to {target}: OK", String::from_utf8_lossy(k)))
                .collect();
            context.ui.notice(&lines.join("\n"));
        }
    }
    failure.map_or(Ok(()), Err)
}

fn is_busykey(error: &redis::RedisError) -> bool {
    crate::net::server_error_text(error)
        .unwrap_or_else(|| error.to_string())
        .contains("BUSYKEY")
}

/// After a batch's MIGRATE failed with BUSYKEY: the keys of `keys` the cluster (`target`, in
/// database `db`) holds with another value than the source's (or, when moving, that are still on
/// the source). Keys that arrived are never among them.
async fn conflicting_keys(
    context: &Context,
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
    let mut cluster = context
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

/// The source's MIGRATE of `keys` to one owner, with the cluster's credentials.
fn migrate_command(
    context: &Context,
    options: &Transfer,
    (target, host): &(NodeAddress, String),
    keys: &[Vec<u8>],
) -> redis::Cmd {
    let mut flags = Vec::new();
    if options.copy {
        flags.push("COPY");
    }
    if options.replace {
        flags.push("REPLACE");
    }
    let connect = context.session.options();
    let auth = (connect.user.as_deref(), connect.password.as_ref());
    migrate_keys_command(
        (host, target.port),
        options.db,
        options.migrate_timeout,
        &flags,
        auth,
        keys,
    )
}

/// What `import` did.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// The source node.
    pub source: String,
    /// Keys moved (or copied) into the cluster.
    pub moved: u64,
    /// Keys moved into each database of the cluster, by number.
    pub databases: BTreeMap<u16, u64>,
    /// Keys left alone because the cluster holds them with another value (`--replace` overwrites).
    pub skipped: u64,
    /// The first of them, by name.
    pub skipped_keys: Vec<String>,
    pub seconds: f64,
    /// What stopped the import; `null` when every key was moved.
    pub failure: Option<String>,
}

fn report_import(source: &NodeAddress, outcome: Moved, seconds: f64) -> crate::report::Outcome {
    let ok = outcome.error.is_none() && outcome.skipped.is_empty();
    let report = ImportReport {
        source: source.to_string(),
        moved: outcome.moved,
        databases: outcome.databases,
        skipped: outcome.skipped.len() as u64,
        skipped_keys: outcome
            .skipped
            .iter()
            .take(10)
            .map(|key| String::from_utf8_lossy(key).into_owned())
            .collect(),
        seconds,
        failure: outcome.error,
    };
    crate::report::Outcome::clean_if(report, ok)
}

#[cfg(test)]
mod tests {
    use super::{database_pairs, one_pair};
    use std::collections::BTreeSet;

    #[test]
    fn databases_go_to_the_same_number_unless_told() {
        assert_eq!(one_pair(None, None), (0, 0));
        assert_eq!(one_pair(Some(3), None), (3, 3));
        assert_eq!(one_pair(Some(3), Some(1)), (3, 1));
        assert_eq!(one_pair(None, Some(2)), (0, 2));
        let only_0 = BTreeSet::from([0]);
        assert_eq!(database_pairs(None, Some(2), &only_0).unwrap(), [(0, 2)]);
        assert!(
            database_pairs(None, None, &BTreeSet::new())
                .unwrap()
                .is_empty()
        );
        let cluster = BTreeSet::from([0, 1, 3]);
        assert_eq!(
            database_pairs(None, None, &cluster).unwrap(),
            [(0, 0), (1, 1), (3, 3)]
        );
        assert_eq!(database_pairs(Some(1), None, &cluster).unwrap(), [(1, 1)]);
        let refused = database_pairs(None, Some(2), &cluster).unwrap_err();
        assert!(refused.0.contains("--from-db"), "{}", refused.0);
    }
}
