//! `rcluster import HOST:PORT --from SRC_HOST:SRC_PORT [--copy] [--replace]`: moves every key of a
//! standalone server's db 0 into the cluster, each to the master owning its slot.
//!
//! The source is scanned (`SCAN ... COUNT 1000`); each batch's keys are grouped by their owner and
//! sent with one `MIGRATE host port "" 0 timeout [COPY] [REPLACE] [AUTH ...] KEYS ...` per owner,
//! the batches of all owners pipelined on the source (redis-cli sends one MIGRATE per key and waits
//! for each). Keys are binary-safe. The first error stops the import and names the keys concerned;
//! keys already moved stay moved, so running it again continues.

use super::{Context, check::check_view};
use crate::error::UsageError;
use crate::exec::migrate::{endpoints_of, migrate_keys_command};
use crate::net::{ConnectOptions, NodeAddress, NodeClient, Secret, Session};
use crate::topology::{ClusterView, key_slot, load_cluster_view};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What `import` is asked to do, validated (built by `crate::cli::args::import`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// The standalone server to import from.
    pub from: NodeAddress,
    pub from_user: Option<String>,
    pub from_pass: Option<String>,
    pub from_askpass: bool,
    pub copy: bool,
    pub replace: bool,
    pub migrate_timeout: Duration,
}

/// How keys travel: copied or moved, replacing existing keys or not, and MIGRATE's bound.
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    pub copy: bool,
    pub replace: bool,
    pub migrate_timeout: Duration,
}

impl Options {
    fn transfer(&self) -> Transfer {
        Transfer {
            copy: self.copy,
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
    let source_address = options.from.clone();
    context.ui.step(&format!(
        "Importing data from {source_address} to cluster {seed}"
    ));
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, false).await?;
    context
        .ui
        .section(&super::check::CheckSection::new(&report));
    if !report.is_clean_for_redis_cli() {
        return Err(UsageError(format!(
            "the cluster has problems (see above): repair them first with `rcluster fix {seed}`"
        ))
        .into());
    }
    let mut source = connect_source(context, options, &source_address).await?;
    let keys: u64 = source.dbsize().await?;
    context
        .ui
        .notice(&format!("*** Importing {keys} keys from DB 0"));
    let owners = Owners::of(&view);
    let started = Instant::now();
    let outcome = import_all(context, &options.transfer(), &mut source, &owners).await;
    let seconds = started.elapsed().as_secs_f64();
    Ok(report_import(&source_address, outcome, seconds))
}

/// A session for the source, with its own credentials and the cluster's TLS settings.
async fn connect_source(
    context: &Context,
    options: &Options,
    address: &NodeAddress,
) -> anyhow::Result<NodeClient> {
    let mut password = options.from_pass.clone().map(Secret::new);
    if options.from_askpass {
        let typed = context
            .ui
            .read_password("Please input import source node password: ")
            .map_err(|e| UsageError(format!("--from-askpass could not read a password: {e}")))?;
        password = Some(Secret::new(typed));
    }
    let cluster = context.session.options();
    let session = Session::new(ConnectOptions {
        user: options.from_user.clone(),
        password,
        ..cluster.clone()
    });
    let mut client = session.client(address).await?;
    let info: String = client.query(&["INFO", "cluster"]).await?;
    if info.lines().any(|l| l.trim() == "cluster_enabled:1") {
        return Err(
            UsageError("[ERR] The source node should not be a cluster node.".into()).into(),
        );
    }
    Ok(client)
}

/// What the import did: keys moved, and the error that stopped it.
pub struct Moved {
    pub moved: u64,
    pub error: Option<String>,
}

/// Scans the source and moves each batch, owner by owner, until done or an error. Also used by
/// `restore`, whose source is a temporary server holding one RDB.
pub async fn import_all(
    context: &Context,
    options: &Transfer,
    source: &mut NodeClient,
    owners: &Owners,
) -> Moved {
    let mut outcome = Moved {
        moved: 0,
        error: None,
    };
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
        if let Err(error) = migrate_batch(
            context,
            options,
            &mut migrating,
            owners,
            keys,
            &mut outcome.moved,
        )
        .await
        {
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
    moved: &mut u64,
) -> Result<(), String> {
    let mut by_owner: BTreeMap<usize, Vec<Vec<u8>>> = BTreeMap::new();
    for key in keys {
        let Some(owner) = owners.by_slot[usize::from(key_slot(&key).number())] else {
            return Err(format!(
                "slot {} of key {} has no owner",
                key_slot(&key),
                String::from_utf8_lossy(&key)
            ));
        };
        by_owner.entry(owner).or_default().push(key);
    }
    if by_owner.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for (owner, keys) in &by_owner {
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
    for ((owner, keys), reply) in by_owner.iter().zip(replies) {
        let target = &owners.targets[*owner].0;
        if let Err(error) = reply {
            failure.get_or_insert_with(|| migrate_failure(source, target, keys, &error));
            continue;
        }
        *moved += keys.len() as u64;
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

/// What stopped an owner's batch, in the source's words.
fn migrate_failure(
    source: &NodeClient,
    target: &NodeAddress,
    keys: &[Vec<u8>],
    error: &redis::RedisError,
) -> String {
    let text = crate::net::server_error_text(error).unwrap_or_else(|| error.to_string());
    let names: Vec<String> = keys
        .iter()
        .take(5)
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .collect();
    format!(
        "Source {} replied with error:\n{text} (moving {} keys to {target}, among them {}){}",
        source.address(),
        keys.len(),
        names.join(", "),
        if text.contains("BUSYKEY") {
            "; rerun with --replace to overwrite them"
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
    pub seconds: f64,
    /// What stopped the import; `null` when every key was moved.
    pub failure: Option<String>,
}

fn report_import(source: &NodeAddress, outcome: Moved, seconds: f64) -> crate::report::Outcome {
    let ok = outcome.error.is_none();
    let report = ImportReport {
        source: source.to_string(),
        moved: outcome.moved,
        seconds,
        failure: outcome.error,
    };
    crate::report::Outcome::clean_if(report, ok)
}
