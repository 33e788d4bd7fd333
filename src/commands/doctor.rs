//! `rcluster doctor HOST:PORT`: `check`, then every finding explained (what it means for clients,
//! the usual causes) with the commands that deal with it; then the audit of `topology::audit`:
//! every node's production settings (read with one `CONFIG GET` per node, all at once), the
//! placement of masters and replicas, whether this user may move slots (`exec::permissions`), and on
//! Valkey 9, whether each master's replication user may carry a server-side migration.
//! Exit 0 only when nothing is at warning level or above, 1 otherwise, 2 when it could not run.

use super::{
    Context,
    check::{check_view_on, machines_of},
};
use crate::error::UsageError;
use crate::exec::atomic::supports_atomic;
use crate::exec::permissions::{Duty, PermissionDenied, Whose, preflight};
use crate::net::{
    Keyspace, NetError, NodeAddress, NodeClient, Session, Zones, concurrently, in_database,
    info_field,
};
use crate::plan::rebalance::{equal_participants, plan_rebalance};
use crate::report::Outcome;
use crate::topology::audit::{
    Advice, Level, SECRET_SETTINGS, SETTINGS, Settings, audit_domains, audit_placement,
    audit_settings,
};
use crate::topology::capacity::{MasterLoad, audit_capacity};
use crate::topology::check::FindingKind;
use crate::topology::diagnose::{Diagnosis, diagnose};
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// What `doctor` is asked to do, validated (built by `crate::cli::args::doctor`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub search_multiple_owners: bool,
    /// `--zone` options, unparsed.
    pub zones: Vec<String>,
    /// The MIGRATE timeout the biggest keys are judged against.
    pub migrate_timeout: Duration,
}

/// What `doctor` reports.
#[derive(Serialize)]
pub struct DoctorReport {
    /// `host:port` of the node the cluster was loaded from.
    pub seed: String,
    pub masters: usize,
    pub diagnoses: Vec<Diagnosis>,
    /// Settings, placement and permissions.
    pub audit: Vec<Advice>,
}

impl DoctorReport {
    /// Nothing at warning level or above.
    pub fn healthy(&self) -> bool {
        self.diagnoses.is_empty() && self.audit.iter().all(|a| a.level == Level::Note)
    }
}

/// Runs `doctor`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let zones = Zones::parse(&options.zones).await?;
    let view = load_cluster_view(&context.session, &seed).await?;
    let machines = machines_of(&view).await;
    let mut report =
        check_view_on(context, &view, options.search_multiple_owners, &machines).await?;
    let zone_of = |node: &NodeView| {
        zones
            .of(machines.of(&node.address.host), node.address.port)
            .map(str::to_string)
    };
    if let Some(missing) = view
        .loaded()
        .find(|n| !zones.is_empty() && zone_of(n).is_none())
    {
        return Err(UsageError(format!(
            "no --zone given for {}; give every node a zone, or none",
            missing.address
        ))
        .into());
    }
    // Zones say where the nodes really run: placement is judged by zone, not by address.
    if !zones.is_empty() {
        report
            .findings
            .retain(|f| f.kind != FindingKind::ReplicaOnMasterHost);
    }
    // The three reads are independent: every node is asked for all of them at once.
    let (settings, capacity, permissions) = tokio::join!(
        settings_advice(&context.session, &view),
        capacity_advice(&context.session, &view, options.migrate_timeout),
        permission_advice(context, &view),
    );
    let mut audit = settings;
    audit.extend(audit_placement(&view));
    audit.extend(audit_domains(&view, &zone_of, &machines));
    audit.extend(capacity);
    audit.extend(permissions);
    let doctor = DoctorReport {
        seed: seed.to_string(),
        masters: view.loaded_masters().count(),
        diagnoses: diagnose(&report, &view),
        audit,
    };
    let healthy = doctor.healthy();
    Ok(Outcome::clean_if(doctor, healthy))
}

/// Every node's settings at once, then the audit; nodes whose settings could not be read are a note.
async fn settings_advice(session: &Arc<Session>, view: &ClusterView) -> Vec<Advice> {
    let mut nodes: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    nodes.sort_by(|a, b| (&a.host, a.port).cmp(&(&b.host, b.port)));
    let read = concurrently(nodes, |address| {
        let session = Arc::clone(session);
        async move { (address.to_string(), read_settings(&session, &address).await) }
    })
    .await;
    let mut readable = Vec::new();
    let mut unreadable = Vec::new();
    for (address, settings) in read {
        match settings {
            Ok(settings) => readable.push((address, settings)),
            Err(error) => unreadable.push(format!("{address} ({error})")),
        }
    }
    let mut advice = audit_settings(&readable, &view.seed.to_string());
    advice.extend(crate::topology::write_loss::audit_write_loss(
        &readable, view,
    ));
    if !unreadable.is_empty() {
        advice.push(Advice {
            level: Level::Note,
            topic: "settings",
            message: format!("settings not audited on {}", unreadable.join(", ")),
            why: "Reading them takes CONFIG GET, which this user may not run (it also shows passwords, so read-only users often lack it).",
            remedy: Some("run doctor as a user with +config|get".into()),
        });
    }
    advice
}

/// Every master's memory, keys and biggest sampled key at once, and the slots a rebalance would
/// move, then the capacity audit.
async fn capacity_advice(
    session: &Arc<Session>,
    view: &ClusterView,
    migrate_timeout: Duration,
) -> Vec<Advice> {
    let masters: Vec<(NodeAddress, Option<u64>, Vec<u16>)> = view
        .loaded_masters()
        .filter(|m| !m.myself().slots.is_empty())
        .map(|m| {
            let databases = m.keyspace.as_ref().map(Keyspace::numbers);
            (m.address.clone(), m.keys, databases.unwrap_or_default())
        })
        .collect();
    let loads = concurrently(masters, |(address, keys, databases)| {
        let session = Arc::clone(session);
        async move { read_load(&session, address, keys, &databases).await }
    })
    .await;
    let slots_to_move = plan_rebalance(&equal_participants(view, false), 2.0)
        .map(|plan| plan.transfers.iter().map(|t| t.slots).sum())
        .unwrap_or(0);
    audit_capacity(
        &loads,
        slots_to_move,
        migrate_timeout,
        &view.seed.to_string(),
    )
}

/// Keys sampled per master for the biggest-key audit.
const SAMPLE_KEYS: usize = 1000;

/// One master's `INFO memory` and the biggest key of a bounded `SCAN` sample of the databases
/// that hold keys.
async fn read_load(
    session: &Session,
    address: NodeAddress,
    keys: Option<u64>,
    databases: &[u16],
) -> MasterLoad {
    let mut load = MasterLoad::new(address.to_string(), keys);
    let mut client = match session.client(&address).await {
        Ok(client) => client,
        Err(error) => {
            load.biggest = Err(error.to_string());
            return load;
        }
    };
    if let Ok(info) = client.query::<String>(&["INFO", "memory"]).await {
        let field = |name: &str| info_field(&info, name)?.parse().ok();
        load.used_memory = field("used_memory");
        load.maxmemory = field("maxmemory");
    }
    load.biggest = biggest_sampled(&mut client, databases)
        .await
        .map_err(|e| match e {
            NetError::Server { message, .. } => message,
            other => other.to_string(),
        });
    load
}

/// The biggest key of up to [`SAMPLE_KEYS`] keys over `databases` (`SCAN`, then `MEMORY USAGE`
/// pipelined, in each database in turn); a key outside database 0 is named with its database.
async fn biggest_sampled(
    client: &mut NodeClient,
    databases: &[u16],
) -> Result<Option<(String, u64)>, NetError> {
    // With no keys anywhere, database 0 is still asked, so that a refused SCAN is found.
    let databases = if databases.is_empty() {
        &[0][..]
    } else {
        databases
    };
    let mut biggest: Option<(String, u64)> = None;
    let mut budget = SAMPLE_KEYS;
    for db in databases.iter().copied() {
        if budget == 0 {
            break;
        }
        let keys = sample_keys(client, db, budget).await?;
        budget = budget.saturating_sub(keys.len());
        let Some((key, size)) = biggest_of(client, db, &keys).await? else {
            continue;
        };
        if biggest.as_ref().is_none_or(|(_, most)| size > *most) {
            let name = String::from_utf8_lossy(key).into_owned();
            let name = match db {
                0 => name,
                _ => format!("{name} (db {db})"),
            };
            biggest = Some((name, size));
        }
    }
    Ok(biggest)
}

/// The biggest of `keys` in database `db` by `MEMORY USAGE` (one pipeline).
async fn biggest_of<'a>(
    client: &mut NodeClient,
    db: u16,
    keys: &'a [Vec<u8>],
) -> Result<Option<(&'a [u8], u64)>, NetError> {
    if keys.is_empty() {
        return Ok(None);
    }
    let mut sizes = redis::pipe();
    in_database(&mut sizes, db, |pipe| {
        for key in keys {
            pipe.cmd("MEMORY").arg("USAGE").arg(key);
        }
    });
    let sizes: Vec<Option<u64>> = client.pipeline(&sizes, "MEMORY USAGE").await?;
    Ok(keys
        .iter()
        .zip(sizes)
        .filter_map(|(key, size)| Some((key.as_slice(), size?)))
        .max_by_key(|(_, size)| *size))
}

/// Up to `limit` keys of database `db` (a bounded `SCAN`).
async fn sample_keys(
    client: &mut NodeClient,
    db: u16,
    limit: usize,
) -> Result<Vec<Vec<u8>>, NetError> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut cursor = 0u64;
    while keys.len() < limit {
        let mut scan = redis::pipe();
        in_database(&mut scan, db, |pipe| {
            pipe.cmd("SCAN").arg(cursor).arg("COUNT").arg(200);
        });
        let mut pages: Vec<(u64, Vec<Vec<u8>>)> = client.pipeline(&scan, "SCAN").await?;
        let Some((next, batch)) = pages.pop() else {
            break;
        };
        keys.extend(batch);
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    Ok(keys)
}

/// One node's audited settings; secrets become "set" or "" here and go no further.
async fn read_settings(session: &Session, address: &NodeAddress) -> Result<Settings, String> {
    let mut client = session.client(address).await.map_err(|e| e.to_string())?;
    let mut args = vec!["CONFIG", "GET"];
    args.extend(SETTINGS);
    args.extend(crate::topology::write_loss::SETTINGS);
    args.extend(SECRET_SETTINGS);
    let pairs: Vec<String> = client.query(&args).await.map_err(|e| e.to_string())?;
    Ok(pairs
        .chunks(2)
        .filter_map(|pair| {
            let [name, value] = pair else { return None };
            let value = if SECRET_SETTINGS.contains(&name.as_str()) {
                if value.is_empty() { "" } else { "set" }.to_string()
            } else {
                value.clone()
            };
            Some((name.clone(), value))
        })
        .collect())
}

/// Whether this user may move slots (the probes a reshard runs first), and on servers with
/// server-side migration (Valkey 9), whether each master's replication user may carry it.
async fn permission_advice(context: &Context, view: &ClusterView) -> Vec<Advice> {
    let masters: Vec<NodeAddress> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let duty = if supports_atomic(&context.session, &masters).await {
        Duty::AtomicMoves
    } else {
        Duty::LegacyMoves
    };
    match preflight(&context.session, &masters, duty).await {
        Ok(notes) => notes
            .into_iter()
            .map(|message| Advice {
                level: Level::Note,
                topic: "permissions",
                message,
                why: "A server-side migration of a slot with keys fails (\"Connection lost to target\") when the replication user lacks it.",
                remedy: Some("run doctor as a user with +acl|dryrun".into()),
            })
            .collect(),
        Err(denied) => vec![denial_advice(denied)],
    }
}

/// A refused probe as advice: a note for this user (another may move slots), a warning for a
/// replication user (no one's server-side migration of a slot with keys would work).
fn denial_advice(denied: PermissionDenied) -> Advice {
    match denied.whose {
        Whose::ThisUser => Advice {
            level: Level::Note,
            topic: "permissions",
            message: format!(
                "this user cannot move slots: {}: {}",
                denied.address, denied.words
            ),
            why: "reshard, rebalance, fix and import would be refused before they start.",
            remedy: Some(denied.advice),
        },
        Whose::ReplicationUser => Advice {
            level: Level::Warning,
            topic: "permissions",
            message: format!("{}: {}", denied.address, denied.words),
            why: "The servers carry a server-side migration as this user: moving a slot with keys would fail (\"Connection lost to target\"), whoever runs it.",
            remedy: Some(denied.advice),
        },
    }
}
