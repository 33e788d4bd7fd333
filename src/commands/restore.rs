//! `rcluster restore DIR HOST:PORT`: a backup made by `backup`, restored into a running cluster of
//! any shape (other master count, ports or hosts). The manifest is verified first (every RDB's size
//! and sha256); then every RDB is loaded at once, each by a temporary standalone server
//! (`exec::scratch`: `redis-server`, `valkey-server` for a Valkey RDB, or `--server-bin`), whose
//! keys the import engine (`commands::import::import_all`) copies into the master that owns each
//! key's slot. The backup is never changed. At the end the keys restored are checked against what
//! the servers loaded and what the manifest recorded; any difference is exit 1. Into a TLS-only
//! cluster the temporary servers send the keys over TLS with the caller's client certificate.

use super::Context;
use super::import::{KeyProgress, Owners, Transfer, import_all};
use crate::error::UsageError;
use crate::exec::manifest::{self, Manifest, ManifestRdb};
use crate::exec::rdb::RdbHeader;
use crate::exec::scratch::{ScratchServer, ScratchTls, check_reads};
use crate::net::{ConnectOptions, NodeAddress, Session, concurrently};
use crate::report::Outcome;
use serde::Serialize;
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
            };
            restore_one(&context, &options, scratch, &owners, &progress).await
        }
    })
    .await;
    progress.finish(context);
    Ok(report_restore(
        options,
        &manifest,
        restored,
        started.elapsed().as_secs_f64(),
    ))
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
    /// Keys the cluster already held with other values, left alone (`--replace` overwrites).
    pub skipped: u64,
    pub error: Option<String>,
}

/// One RDB and how its temporary server reaches the cluster.
struct Scratch<'a> {
    rdb: &'a ManifestRdb,
    tls: Option<&'a ScratchTls>,
}

/// Loads an RDB in a temporary server and copies its keys into the cluster.
async fn restore_one(
    context: &Context,
    options: &Options,
    scratch: Scratch<'_>,
    owners: &Owners,
    progress: &KeyProgress,
) -> RdbRestore {
    let rdb = scratch.rdb;
    let server = server_for(options, rdb);
    let mut outcome = RdbRestore {
        file: rdb.file.clone(),
        from: rdb.address.clone(),
        server: server.clone(),
        loaded: None,
        restored: 0,
        skipped: 0,
        error: None,
    };
    let path = options.dir.join(&rdb.file);
    let started = ScratchServer::start(
        &server,
        &path,
        (&rdb.rdb_magic, rdb.rdb_version),
        scratch.tls,
        options.load_timeout,
    )
    .await;
    let scratch = match started {
        Ok(scratch) => scratch,
        Err(error) => {
            outcome.error = Some(error.to_string());
            return outcome;
        }
    };
    let session = Session::new(ConnectOptions {
        command_timeout: context.session.options().command_timeout,
        ..ConnectOptions::default()
    });
    let client = session.client(&scratch.address).await;
    let mut source = match client {
        Ok(client) => client,
        Err(error) => {
            outcome.error = Some(error.to_string());
            return outcome;
        }
    };
    outcome.loaded = source.keyspace().await.ok().map(|k| k.total());
    context.ui.step(&format!(
        "{}: {} keys loaded by {server}, restoring",
        rdb.file,
        outcome.loaded.unwrap_or_default()
    ));
    let transfer = Transfer {
        copy: true,
        per_slot: false,
        replace: options.replace,
        migrate_timeout: options.migrate_timeout,
    };
    let moved = import_all(context, &transfer, &mut source, owners, progress).await;
    outcome.restored = moved.moved;
    outcome.skipped = moved.skipped.len() as u64;
    outcome.error = moved.error;
    drop(scratch);
    outcome
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
    /// Masters the backup could not save (their keys are not in it).
    pub missing: Vec<String>,
    pub seconds: f64,
}

impl RestoreReport {
    /// Every RDB restored, every key loaded restored, as many as the manifest recorded.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
            && self.rdbs.iter().all(|r| r.error.is_none())
            && self.restored == self.loaded
            && self
                .recorded
                .is_none_or(|recorded| recorded == self.restored)
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
    let report = RestoreReport {
        backup: options.dir.clone(),
        target: options.seed.to_string(),
        restored: rdbs.iter().map(|r| r.restored).sum(),
        loaded: rdbs.iter().filter_map(|r| r.loaded).sum(),
        rdbs,
        recorded,
        missing: manifest.missing.iter().map(|m| m.address.clone()).collect(),
        seconds,
    };
    let complete = report.complete();
    Outcome::clean_if(report, complete)
}
