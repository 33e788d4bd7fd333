//! `rcluster create HOST:PORT... [--replicas N] [--zone HOST=ZONE...] [--dry-run] [--yes]`: inspect the
//! nodes (reachable, cluster mode, empty), plan the placement (pure, deterministic, zone-aware), show
//! the plan in redis-cli's words, ask, apply, and report success only once every node says
//! `cluster_state:ok` and all agree on the slot map.

use super::{Context, check::check_view};
use crate::error::{Exit, UsageError};
use crate::exec::create::{NewNode, apply_create, inspect_new_nodes, placement_nodes};
use crate::net::{NodeAddress, Zones};
use crate::plan::create::{CreatePlan, plan_create};
use crate::report::Outcome;
use crate::topology::{SlotSet, load_cluster_view};
use serde::Serialize;
use std::time::Duration;

/// What `create` is asked to do, validated (built by `crate::cli::args::create`).
#[derive(Debug)]
pub struct Options {
    /// The empty nodes, in the order given.
    pub nodes: Vec<NodeAddress>,
    pub replicas: usize,
    /// `HOST=ZONE` / `HOST:PORT=ZONE`, resolved when the command runs.
    pub zones: Vec<String>,
    pub dry_run: bool,
    pub yes: bool,
    pub wait: Duration,
    /// Return only once every replica holds its master's data.
    pub wait_sync: bool,
}

/// What `create` planned and did.
#[derive(Debug, Serialize)]
pub struct CreateReport {
    /// Whether the cluster was formed (`false` for `--dry-run` and a declined prompt).
    pub applied: bool,
    pub masters: Vec<MasterReport>,
    pub replicas: Vec<ReplicaReport>,
    /// The placement flaws left (a replica on its master's host or zone), in words.
    pub conflicts: Vec<String>,
    /// The check of the new cluster; `null` unless applied.
    pub check: Option<crate::topology::check::CheckReport>,
    /// How long the replicas' first sync took (milliseconds); `null` when not waited for.
    pub replicas_synced_ms: Option<u128>,
    /// Replicas still without their master's data when the wait ended.
    pub replicas_not_synced: Vec<String>,
    /// The nodes in argument order and the plan, for the text views.
    #[serde(skip)]
    pub nodes: Vec<NewNode>,
    #[serde(skip)]
    pub plan: CreatePlan,
    /// `--replicas`, which tells where redis-cli's "Adding extra replicas..." line goes.
    #[serde(skip)]
    pub replicas_per_master: usize,
}

/// A planned master.
#[derive(Debug, Serialize)]
pub struct MasterReport {
    pub address: String,
    pub id: String,
    pub slots: SlotSet,
    pub slot_count: usize,
}

/// A planned replica and its master's id.
#[derive(Debug, Serialize)]
pub struct ReplicaReport {
    pub address: String,
    pub id: String,
    pub master: String,
}

impl CreateReport {
    pub(crate) fn new(
        nodes: Vec<NewNode>,
        plan: CreatePlan,
        replicas: usize,
        conflicts: Vec<String>,
    ) -> Self {
        let masters = plan
            .masters
            .iter()
            .map(|m| {
                let slots = SlotSet::from_range(m.first, m.last);
                MasterReport {
                    address: nodes[m.node].address.to_string(),
                    id: nodes[m.node].id.clone(),
                    slot_count: slots.len(),
                    slots,
                }
            })
            .collect();
        let replica_reports = plan
            .replicas
            .iter()
            .map(|r| ReplicaReport {
                address: nodes[r.node].address.to_string(),
                id: nodes[r.node].id.clone(),
                master: nodes[plan.masters[r.master].node].id.clone(),
            })
            .collect();
        CreateReport {
            applied: false,
            masters,
            replicas: replica_reports,
            conflicts,
            check: None,
            replicas_synced_ms: None,
            replicas_not_synced: Vec::new(),
            nodes,
            plan,
            replicas_per_master: replicas,
        }
    }
}

/// The plan, shown before the prompt: redis-cli's lines (natively with the flaws named).
#[derive(Serialize)]
pub struct CreatePlanSection<'a>(pub &'a CreateReport);

/// Runs `create`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let addresses = options.nodes.clone();
    let zones = Zones::parse(&options.zones).await?;
    let nodes = inspect_new_nodes(&context.session, &addresses).await?;
    reject_same_node_twice(&nodes)?;
    let placement = placement_nodes(&nodes, |n| {
        zones.of(&n.ip, n.address.port).map(str::to_string)
    });
    let missing_zone = placement.iter().find(|n| n.zone.is_none());
    if let Some(missing) = missing_zone.filter(|_| !zones.is_empty()) {
        return Err(UsageError(format!(
            "no --zone given for the host of {}; give every host a zone, or none",
            missing.address
        ))
        .into());
    }
    let plan = plan_create(&placement, options.replicas).map_err(|e| UsageError(e.to_string()))?;
    let conflicts = plan.describe_conflicts(&placement);
    let mut report = CreateReport::new(nodes, plan, options.replicas, conflicts);
    context.ui.section(&CreatePlanSection(&report));
    if options.dry_run {
        return Ok(Outcome::new(report, Exit::Ok));
    }
    if !options.yes && !context.ui.confirm("Can I set the above configuration?") {
        context.ui.hint("declined: no node was changed");
        return Ok(Outcome::new(report, Exit::Problems));
    }
    for step in [
        "Nodes configuration updated",
        "Assign a different config epoch to each node",
        "Sending CLUSTER MEET messages to join the cluster",
    ] {
        context.ui.step(step);
    }
    context.ui.notice("Waiting for the cluster to join\n");
    apply_create(&context.session, &report.nodes, &report.plan, options.wait).await?;
    let synced = wait_for_replicas(context, options, &report).await;
    let view = load_cluster_view(&context.session, &report.nodes[0].address).await?;
    let check = check_view(context, &view, false).await?;
    context.ui.section(&super::check::CheckSection::new(&check));
    let ok = check.is_clean_for_redis_cli();
    report.applied = true;
    report.check = Some(check);
    match synced {
        Some(Ok(waited)) => report.replicas_synced_ms = Some(waited.as_millis()),
        Some(Err(behind)) => report.replicas_not_synced = behind,
        None => {}
    }
    let synced = report.replicas_not_synced.is_empty();
    Ok(Outcome::clean_if(report, ok && synced))
}

/// Waits (bounded by `--wait`) until every planned replica holds its master's data, unless
/// `--no-wait-sync` or there is none; says how long it took, or which replicas are behind.
async fn wait_for_replicas(
    context: &Context,
    options: &Options,
    report: &CreateReport,
) -> Option<Result<Duration, Vec<String>>> {
    let master_address = |id: &str| {
        report
            .masters
            .iter()
            .find(|m| m.id == id)
            .and_then(|m| NodeAddress::parse(&m.address, None).ok())
    };
    let pairs: Vec<(NodeAddress, NodeAddress)> = report
        .replicas
        .iter()
        .filter_map(|r| {
            Some((
                NodeAddress::parse(&r.address, None).ok()?,
                master_address(&r.master)?,
            ))
        })
        .collect();
    if !options.wait_sync || pairs.is_empty() {
        return None;
    }
    let waited =
        crate::exec::replicas::wait_until_synced(&context.session, &pairs, options.wait).await;
    if !context.redis_cli() {
        match &waited {
            Ok(took) => context.ui.hint(&format!(
                "every replica holds its master's data ({} ms after the cluster formed)",
                took.as_millis()
            )),
            Err(behind) => context.ui.warn(&format!(
                "[WARNING] replicas without their master's data after {} s: {}; a failover to one of them loses its master's keys",
                options.wait.as_secs(),
                behind.join("; ")
            )),
        }
    }
    Some(waited)
}

/// The same server named twice (e.g. `localhost:7000` and `127.0.0.1:7000`).
fn reject_same_node_twice(nodes: &[NewNode]) -> anyhow::Result<()> {
    for (index, node) in nodes.iter().enumerate() {
        if let Some(other) = nodes[..index].iter().find(|o| o.id == node.id) {
            return Err(UsageError(format!(
                "{} and {} are the same node; name each node once",
                other.address, node.address
            ))
            .into());
        }
    }
    Ok(())
}
