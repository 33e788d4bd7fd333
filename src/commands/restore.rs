//! `rcluster restore DIR HOST:PORT`: a backup made by `backup`, restored into a running cluster of
//! any shape (other master count, ports or hosts). The manifest is verified first (every RDB's size
//! and sha256); then every RDB is loaded at once, each by a temporary standalone server
//! (`exec::scratch`: `redis-server`, `valkey-server` for a Valkey RDB, or `--server-bin`), whose
//! keys the key-copy engine (`exec::import::import_all`) copies into the master that owns each
//! key's slot, every database into the same-numbered one (each read on a connection of its own
//! that selected it). A cluster serving fewer databases than the backup holds keys in is refused
//! before any server starts. The backup is never changed. At the end the keys restored are checked
//! per database against what the servers loaded and what the manifest recorded; any difference is
//! exit 1. Into a TLS-only cluster the temporary servers send the keys over TLS with the caller's
//! client certificate.

use super::Context;
use super::import::{copier, databases_served};
use crate::error::UsageError;
use crate::exec::import::{KeyProgress, Moved, Owners, Transfer, cluster_databases, import_all};
use crate::exec::manifest::{self, Manifest, ManifestRdb};
use crate::exec::rdb::RdbHeader;
use crate::exec::scratch::{ScratchServer, ScratchTls, check_reads};
use crate::net::{ConnectOptions, NodeAddress, Session, concurrently};
use crate::report::Outcome;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `restore` is asked to do, validated (built by `crate::cli::args::restore`).
#[derive(Debug, Clone)]
pub struct Options {
    /// A folder `backup` wrote.
    pub dir: PathBuf,
    /// Any node of the target cluster.
    pub seed: NodeAddress,
    /// Overwrite keys the cluster already holds (otherwise such a key stops its RDB: BUSYKEY).
    pub replace: bool,
    /// The server that loads every RDB, instead of one chosen by the RDB's header.
    pub server_bin: Option<String>,
    /// Bound on a temporary server loading its RDB.
    pub load_timeout: Duration,
    pub migrate_timeout: Duration,
}

/// Runs `restore`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let tls = match &context.session.options().tls {
        Some(tls) => Some(ScratchTls::from_client(tls).map_err(UsageError)?),
        None => None,
    };
    let manifest = manifest::read(&options.dir).map_err(|e| UsageError(e.to_string()))?;
    context.ui.step(&format!(
        "Verifying {} RDB files in {}",
        manifest.masters.len(),
        options.dir.display()
    ));
    for rdb in &manifest.masters {
        verify_file(&options.dir, rdb)?;
    }
    let files: Vec<_> = manifest
        .masters
        .iter()
        .map(|rdb| {
            let header = RdbHeader::recorded(&rdb.rdb_magic, rdb.rdb_version);
            (
                server_for(options, rdb),
                options.dir.join(&rdb.file),
                header,
            )
        })
        .collect();
    check_reads(&files)?;
    for missing in &manifest.missing {
        context.ui.warn(&format!(
            "the backup has no RDB of {} ({}): its keys cannot be restored",
            missing.address, missing.error
        ));
    }
    let view = super::check::load_clean_view(context, &options.seed).await?;
    let highest_db = manifest.databases().last().copied().unwrap_or(0);
    refuse_fewer_databases(context, &view, highest_db).await?;
    let _lock = super::take_lock(context, &view, "restore").await?;
    let owners = Arc::new(Owners::of(&view));
    let started = Instant::now();
    let recorded = manifest.masters.iter().filter_map(|m| m.dbsize).sum();
    let progress = Arc::new(KeyProgress::new(recorded));
    let restored = concurrently(manifest.masters.clone(), |rdb| {
        let (context, options, owners) = (context.clone(), options.clone(), Arc::clone(&owners));
        let (progress, tls) = (Arc::clone(&progress), tls.clone());
        async move {
            let scratch = Scratch {
                rdb: &rdb,
                tls: tls.as_ref(),
                highest_db,
            };
            restore_one(&context, &options, scratch, &owners, &progress).await
        }
    })
    .await;
    progress.finish(context.ui.as_ref());
    Ok(report_restore(
        options,
        &manifest,
        restored,
        started.elapsed().as_secs_f64(),
    ))
}

/// Refuses, before any server starts, a cluster that serves fewer databases than the backup holds
/// keys in (database 0 always exists, so it is not asked).
async fn refuse_fewer_databases(
    context: &Context,
    view: &crate::topology::ClusterView,
    highest_db: u16,
) -> anyhow::Result<()> {
    if highest_db == 0 {
        return Ok(());
    }
    let count = cluster_databases(&context.session, view).await?;
    if highest_db < count {
        return Ok(());
    }
    Err(UsageError(format!(
        "the backup holds keys in databases up to {highest_db}, but the cluster of {} serves {}: restore into a cluster with cluster-databases {} or more (Valkey 9); nothing was restored",
        view.seed,
        databases_served(count),
        u32::from(highest_db) + 1
    ))
    .into())
}

/// Checks one RDB file against the manifest, reading it in chunks.
fn verify_file(dir: &Path, rdb: &ManifestRdb) -> anyhow::Result<()> {
    let path = dir.join(&rdb.file);
    let refuse = |reason: String| UsageError(format!("{}: {reason}", path.display()));
    let mut file = std::fs::File::open(&path).map_err(|e| refuse(e.to_string()))?;
    let mut sum = manifest::Checksum::default();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut bytes = 0u64;
    loop {
        let read = file.read(&mut buffer).map_err(|e| refuse(e.to_string()))?;
        if read == 0 {
            break;
        }
        sum.update(&buffer[..read]);
        bytes += read as u64;
    }
    if bytes != rdb.bytes || sum.hex() != rdb.sha256 {
        return Err(refuse(format!(
            "{bytes} bytes that do not match the manifest ({} bytes, sha256 {}): the backup is corrupt or changed; nothing was restored",
            rdb.bytes, rdb.sha256
        ))
        .into());
    }
    Ok(())
}

/// The server that loads `rdb`: `--server-bin`, else `valkey-server` for a Valkey RDB and
/// `redis-server` for the others.
fn server_for(options: &Options, rdb: &ManifestRdb) -> String {
    options.server_bin.clone().unwrap_or_else(|| {
        if rdb.rdb_magic == "VALKEY" {
            "valkey-server".into()
        } else {
            "redis-server".into()
        }
    })
}

/// One RDB's restore.
#[derive(Debug, Serialize)]
pub struct RdbRestore {
    pub file: String,
    /// The master it was taken from.
    pub from: String,
    /// The server that loaded it.
    pub server: String,
    /// Keys the temporary server loaded.
    pub loaded: Option<u64>,
    /// Keys copied into the cluster.
    pub restored: u64,
    /// Per database (by number) that was loaded, restored or recorded: its keys.
    pub databases: BTreeMap<u16, DatabaseKeys>,
    /// Keys the cluster already held with other values, left alone (`--replace` overwrites).
    pub skipped: u64,
    /// The first of them, by name (as `import` names them).
    pub skipped_keys: Vec<String>,
    pub error: Option<String>,
}

/// One database's keys: loaded by the temporary servers, restored into the same-numbered database
/// of the cluster, and recorded by the manifest (`None` when it does not say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DatabaseKeys {
    pub loaded: u64,
    pub restored: u64,
    pub recorded: Option<u64>,
}

impl DatabaseKeys {
    /// Every key loaded was restored, as many as recorded.
    pub fn complete(&self) -> bool {
        self.restored == self.loaded && self.recorded.is_none_or(|r| r == self.restored)
    }
}

/// Per database in `loaded`, `restored` or `recorded_in`: its keys, `recorded(db)` as the
/// manifest's. Pure.
fn database_keys(
    loaded: &BTreeMap<u16, u64>,
    restored: &BTreeMap<u16, u64>,
    recorded_in: &BTreeSet<u16>,
    recorded: impl Fn(u16) -> Option<u64>,
) -> BTreeMap<u16, DatabaseKeys> {
    let numbers = loaded.keys().chain(restored.keys()).chain(recorded_in);
    numbers
        .map(|db| {
            let keys = DatabaseKeys {
                loaded: loaded.get(db).copied().unwrap_or(0),
                restored: restored.get(db).copied().unwrap_or(0),
                recorded: recorded(*db),
            };
            (*db, keys)
        })
        .collect()
}

/// One RDB and how its temporary server reaches the cluster.
struct Scratch<'a> {
    rdb: &'a ManifestRdb,
    tls: Option<&'a ScratchTls>,
    /// The highest database the backup holds keys in, which the temporary server must serve.
    highest_db: u16,
}

/// Loads an RDB in a temporary server and copies the keys of each of its databases into the
/// same-numbered database of the cluster.
async fn restore_one(
    context: &Context,
    options: &Options,
    scratch: Scratch<'_>,
    owners: &Owners,
    progress: &KeyProgress,
) -> RdbRestore {
    let rdb = scratch.rdb;
    let (loaded, moved, error) =
        match load_and_copy(context, options, &scratch, owners, progress).await {
            Ok((loaded, moved)) => (Some(loaded), moved, None),
            Err(error) => (None, Moved::default(), Some(error)),
        };
    let loaded_keys = loaded.as_ref().map(|l| l.values().sum());
    RdbRestore {
        file: rdb.file.clone(),
        from: rdb.address.clone(),
        server: server_for(options, rdb),
        loaded: loaded_keys,
        restored: moved.moved,
        databases: database_keys(
            &loaded.unwrap_or_default(),
            &moved.databases,
            &rdb.recorded_databases(),
            |db| rdb.recorded_keys(db),
        ),
        skipped: moved.skipped.len() as u64,
        skipped_keys: super::import::first_keys(&moved.skipped),
        error: error.or(moved.error),
    }
}

/// Starts the RDB's temporary server; returns the keys it loaded per database, and what copying
/// each database into the same-numbered one of the cluster did (one database after the other, each
/// on a connection of its own that selected it). `Err` when the server did not load the RDB or
/// could not be asked what it loaded.
async fn load_and_copy(
    context: &Context,
    options: &Options,
    scratch: &Scratch<'_>,
    owners: &Owners,
    progress: &KeyProgress,
) -> Result<(BTreeMap<u16, u64>, Moved), String> {
    let rdb = scratch.rdb;
    let server = server_for(options, rdb);
    let running = ScratchServer::start(
        &server,
        &options.dir.join(&rdb.file),
        (&rdb.rdb_magic, rdb.rdb_version),
        scratch.highest_db,
        scratch.tls,
        options.load_timeout,
    )
    .await
    .map_err(|e| e.to_string())?;
    let session = Session::new(ConnectOptions {
        command_timeout: context.session.options().command_timeout,
        ..ConnectOptions::default()
    });
    let keyspace = async { session.client(&running.address).await?.keyspace().await };
    let loaded = keyspace.await.map_err(|e| e.to_string())?.databases;
    context.ui.step(&format!(
        "{}: {} keys loaded by {server}, restoring",
        rdb.file,
        loaded.values().sum::<u64>()
    ));
    let mut moved = Moved::default();
    let copier = copier(context);
    for db in loaded.keys().copied() {
        let transfer = Transfer {
            copy: true,
            db,
            per_slot: false,
            replace: options.replace,
            migrate_timeout: options.migrate_timeout,
        };
        match session.dedicated_client(&running.address, db).await {
            Ok(mut source) => {
                moved.add(import_all(&copier, &transfer, &mut source, owners, progress).await)
            }
            Err(error) => moved.error = Some(error.to_string()),
        }
        if moved.error.is_some() {
            break;
        }
    }
    Ok((loaded, moved))
}

/// What `restore` did.
#[derive(Debug, Serialize)]
pub struct RestoreReport {
    pub backup: PathBuf,
    pub target: String,
    pub rdbs: Vec<RdbRestore>,
    /// Keys copied into the cluster.
    pub restored: u64,
    /// Keys the temporary servers loaded from the RDB files.
    pub loaded: u64,
    /// Keys the manifest recorded at backup time (`null` when it does not say).
    pub recorded: Option<u64>,
    /// Per database (by number): keys loaded, restored and recorded, over every RDB.
    pub databases: BTreeMap<u16, DatabaseKeys>,
    /// Masters the backup could not save (their keys are not in it).
    pub missing: Vec<String>,
    pub seconds: f64,
}

impl RestoreReport {
    /// Every RDB restored, every key loaded restored, and in every database as many as the
    /// manifest recorded.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
            && self.rdbs.iter().all(|r| r.error.is_none())
            && self.restored == self.loaded
            && self.databases.values().all(DatabaseKeys::complete)
    }
}

fn report_restore(
    options: &Options,
    manifest: &Manifest,
    rdbs: Vec<RdbRestore>,
    seconds: f64,
) -> Outcome {
    let recorded = manifest
        .masters
        .iter()
        .map(|m| m.dbsize)
        .sum::<Option<u64>>();
    let (mut loaded, mut restored) = (BTreeMap::new(), BTreeMap::new());
    for (db, keys) in rdbs.iter().flat_map(|r| &r.databases) {
        *loaded.entry(*db).or_default() += keys.loaded;
        *restored.entry(*db).or_default() += keys.restored;
    }
    let report = RestoreReport {
        backup: options.dir.clone(),
        target: options.seed.to_string(),
        restored: rdbs.iter().map(|r| r.restored).sum(),
        loaded: rdbs.iter().filter_map(|r| r.loaded).sum(),
        rdbs,
        recorded,
        databases: database_keys(&loaded, &restored, &manifest.databases(), |db| {
            manifest.recorded_keys(db)
        }),
        missing: manifest.missing.iter().map(|m| m.address.clone()).collect(),
        seconds,
    };
    let complete = report.complete();
    Outcome::clean_if(report, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_database_is_checked_against_its_own_record() {
        let loaded = BTreeMap::from([(0, 10), (3, 5)]);
        let restored = BTreeMap::from([(0, 10), (3, 5)]);
        let recorded = |db| {
            [(0, 10), (3, 5)]
                .into_iter()
                .find(|(d, _)| *d == db)
                .map(|(_, n)| n)
        };
        let keys = database_keys(&loaded, &restored, &BTreeSet::from([0, 1, 3]), |db| {
            recorded(db).or(Some(0))
        });
        assert_eq!(keys.keys().copied().collect::<Vec<_>>(), [0, 1, 3]);
        assert!(keys.values().all(DatabaseKeys::complete));
        // A database the manifest recorded that nothing loaded, or fewer restored than loaded.
        let lost = database_keys(&loaded, &restored, &BTreeSet::from([2]), |db| {
            Some(if db == 2 {
                7
            } else {
                recorded(db).unwrap_or(0)
            })
        });
        assert!(!lost[&2].complete());
        let short = database_keys(
            &loaded,
            &BTreeMap::from([(0, 10)]),
            &BTreeSet::new(),
            |_| None,
        );
        assert!(!short[&3].complete());
        assert!(short[&0].complete());
    }
}
