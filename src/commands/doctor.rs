//! `rcluster doctor HOST:PORT`: `check`, then every finding explained (what it means for clients,
//! the usual causes) with the commands that deal with it; then the audit of `topology::audit`:
//! every node's production settings (read with one `CONFIG GET` per node, all at once), the
//! placement of masters and replicas, whether this user may move slots (`exec::permissions`), and on
//! Valkey 9, whether each master's replication user may carry a server-side migration.
//! Exit 0 only when nothing is at warning level or above, 1 otherwise, 2 when it could not run.

use super::{Context, check::check_view};
use crate::exec::atomic::supports_atomic;
use crate::exec::permissions::{Duty, PermissionDenied, Whose, preflight};
use crate::net::{NodeAddress, Session, concurrently};
use crate::report::Outcome;
use crate::topology::audit::{
    Advice, Level, SECRET_SETTINGS, SETTINGS, Settings, audit_placement, audit_settings,
};
use crate::topology::diagnose::{Diagnosis, diagnose};
use crate::topology::{ClusterView, load_cluster_view};
use serde::Serialize;
use std::sync::Arc;

/// What `doctor` is asked to do, validated (built by `crate::cli::args::doctor`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub search_multiple_owners: bool,
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
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, options.search_multiple_owners).await?;
    let mut audit = settings_advice(&context.session, &view).await;
    audit.extend(audit_placement(&view));
    audit.extend(permission_advice(context, &view).await);
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

/// One node's audited settings; secrets become "set" or "" here and go no further.
async fn read_settings(session: &Session, address: &NodeAddress) -> Result<Settings, String> {
    let mut client = session.client(address).await.map_err(|e| e.to_string())?;
    let mut args = vec!["CONFIG", "GET"];
    args.extend(SETTINGS);
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
