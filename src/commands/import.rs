//! `rcluster import HOST:PORT --from SRC_HOST:SRC_PORT [--from-db N] [--to-db M] [--copy] [--replace]`:
//! moves every key of a standalone server's database N (0 by default) into database M of the
//! cluster (N by default; redis-cli's syntax has neither flag: 0 into 0), each to the master owning
//! its slot. With `--from-cluster`, every master of another cluster at once, and every database
//! that holds keys into the same-numbered one (or `--from-db` into `--to-db`). A database the
//! cluster does not serve (Redis: only 0; Valkey 9: `cluster-databases`) is refused before any key
//! moves.
//!
//! Each source database is read on a connection of its own that selected it
//! (`Session::dedicated_client`), because `SCAN` and `MIGRATE` act on the selected database, and
//! copied by the key-copy engine (`exec::import`: batched MIGRATEs per owner, refusals retried as
//! `exec::retry` decides). The first error stops the import and names the keys concerned; keys
//! already moved stay moved, so running it again continues.

use super::Context;
use crate::error::UsageError;
use crate::exec::import::{
    Copier, KeyProgress, Moved, Owners, Transfer, cluster_databases, import_all, import_masters,
};
use crate::net::{ConnectOptions, Flags, NodeAddress, NodeClient, Secret, Session, TlsOptions};
use crate::topology::{ClusterView, load_cluster_view};
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
        &copier(context),
        &options.transfer(to),
        &mut source,
        owners,
        &progress,
    )
    .await;
    progress.finish(context.ui.as_ref());
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
    let count = cluster_databases(&context.session, view).await?;
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
    let jobs: Vec<(NodeAddress, u16, Transfer)> = masters
        .iter()
        .flat_map(|m| {
            pairs
                .iter()
                .map(|(from, to)| (m.address.clone(), *from, options.transfer(*to)))
        })
        .collect();
    let progress = Arc::new(KeyProgress::new(keys));
    let moved = import_masters(
        &copier(context),
        session,
        jobs,
        owners,
        Arc::clone(&progress),
    )
    .await;
    progress.finish(context.ui.as_ref());
    Ok(moved)
}

/// What the key-copy engine works with, from the command's context (also `restore`'s).
pub fn copier(context: &Context) -> Copier {
    Copier {
        session: Arc::clone(&context.session),
        ui: Arc::clone(&context.ui),
        redis_cli: context.redis_cli(),
    }
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
    let cluster = session.client(address).await?.cluster_section().await?;
    if cluster.enabled {
        return Err(
            UsageError("[ERR] The source node should not be a cluster node.".into()).into(),
        );
    }
    Ok(session.dedicated_client(address, db).await?)
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

/// The first 10 of `keys`, as text: the keys a report names (import's and restore's skipped keys).
pub(crate) fn first_keys(keys: &[Vec<u8>]) -> Vec<String> {
    keys.iter()
        .take(10)
        .map(|key| String::from_utf8_lossy(key).into_owned())
        .collect()
}

fn report_import(source: &NodeAddress, outcome: Moved, seconds: f64) -> crate::report::Outcome {
    let ok = outcome.error.is_none() && outcome.skipped.is_empty();
    let report = ImportReport {
        source: source.to_string(),
        moved: outcome.moved,
        databases: outcome.databases,
        skipped: outcome.skipped.len() as u64,
        skipped_keys: first_keys(&outcome.skipped),
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
