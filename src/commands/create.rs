//! `rcluster create HOST:PORT... [--replicas N] [--zone HOST=ZONE...] [--dry-run] [--yes]`: inspect the
//! nodes (reachable, cluster mode, empty), plan the placement (pure, deterministic, zone-aware), show
//! the plan in redis-cli's words, ask, apply, and report success only once every node says
//! `cluster_state:ok` and all agree on the slot map.

use super::{Context, check::check_view};
use crate::error::{Exit, UsageError};
use crate::exec::create::{NewNode, apply_create, inspect_new_nodes, placement_nodes};
use crate::net::NodeAddress;
use crate::output::legacy::{json, prompt};
use crate::output::{Level, Line};
use crate::plan::create::{ConflictKind, CreatePlan, plan_create};
use crate::topology::{SlotSet, load_cluster_view};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

/// Arguments of `create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The empty nodes to form the cluster from, HOST:PORT each.
    #[arg(required = true, num_args = 1.., value_name = "HOST:PORT")]
    pub nodes: Vec<String>,
    /// Replicas per master.
    #[arg(long, default_value_t = 0)]
    pub replicas: usize,
    /// The failure zone of a host, HOST=ZONE, or of one node, HOST:PORT=ZONE (repeat for each);
    /// replicas are kept out of their master's zone when possible.
    #[arg(long = "zone", value_name = "HOST[:PORT]=ZONE")]
    pub zones: Vec<String>,
    /// Show the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Bound on waiting for the cluster to form and become healthy.
    #[arg(long, default_value = "60s", value_parser = crate::cli::args::parse_duration, value_name = "TIME")]
    pub wait: Duration,
}

/// `create`'s JSON document.
#[derive(Serialize)]
struct CreateReport<'a> {
    ok: bool,
    applied: bool,
    masters: Vec<MasterReport>,
    replicas: Vec<ReplicaReport>,
    conflicts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<&'a crate::topology::check::CheckReport>,
}

#[derive(Serialize)]
struct MasterReport {
    address: String,
    id: String,
    slots: SlotSet,
}

#[derive(Serialize)]
struct ReplicaReport {
    address: String,
    id: String,
    master: String,
}

/// Runs `create`.
pub async fn run(context: &Context, args: &CreateArgs) -> anyhow::Result<Exit> {
    let addresses = parse_addresses(&args.nodes)?;
    let zones = parse_zones(&args.zones).await?;
    let nodes = inspect_new_nodes(&context.session, &addresses).await?;
    reject_same_node_twice(&nodes)?;
    let placement = placement_nodes(&nodes, |n| {
        let node_key = format!("{}:{}", n.ip, n.address.port);
        zones.get(&node_key).or_else(|| zones.get(&n.ip)).cloned()
    });
    let missing_zone = placement.iter().find(|n| n.zone.is_none());
    if let Some(missing) = missing_zone.filter(|_| !zones.is_empty()) {
        return Err(UsageError(format!(
            "no --zone given for the host of {}; give every host a zone, or none",
            missing.address
        ))
        .into());
    }
    let plan = plan_create(&placement, args.replicas).map_err(|e| UsageError(e.to_string()))?;
    let conflicts = plan.describe_conflicts(&placement);
    if !context.output.json {
        // redis-cli names no pairs; in its syntax the output stays line for line its own.
        let named = if context.output.compat {
            &[][..]
        } else {
            &conflicts[..]
        };
        let lines = render_plan(&nodes, &plan, args.replicas, named);
        context.output.print_lines(&lines);
    }
    if args.dry_run {
        return finish(context, &nodes, &plan, conflicts, false, None);
    }
    if !args.yes && !prompt::confirm(&context.output, "Can I set the above configuration?") {
        context.output.hint("declined: no node was changed");
        return Ok(Exit::Problems);
    }
    if !context.output.json {
        context.output.print_lines(&applying_lines());
    }
    apply_create(&context.session, &nodes, &plan, args.wait).await?;
    let view = load_cluster_view(&context.session, &nodes[0].address).await?;
    let report = check_view(context, &view, false).await?;
    context
        .ui
        .section(&super::check::CheckSection::new(&report));
    finish(context, &nodes, &plan, conflicts, true, Some(&report))
}

fn finish(
    context: &Context,
    nodes: &[NewNode],
    plan: &CreatePlan,
    conflicts: Vec<String>,
    applied: bool,
    check: Option<&crate::topology::check::CheckReport>,
) -> anyhow::Result<Exit> {
    let ok = check.is_none_or(|c| c.is_clean_for_redis_cli());
    if context.output.json {
        json::print_json(&CreateReport {
            ok,
            applied,
            masters: plan
                .masters
                .iter()
                .map(|m| MasterReport {
                    address: nodes[m.node].address.to_string(),
                    id: nodes[m.node].id.clone(),
                    slots: SlotSet::from_range(m.first, m.last),
                })
                .collect(),
            replicas: plan
                .replicas
                .iter()
                .map(|r| ReplicaReport {
                    address: nodes[r.node].address.to_string(),
                    id: nodes[r.node].id.clone(),
                    master: nodes[plan.masters[r.master].node].id.clone(),
                })
                .collect(),
            conflicts,
            check,
        });
    }
    Ok(Exit::from_clean(ok))
}

fn parse_addresses(texts: &[String]) -> anyhow::Result<Vec<NodeAddress>> {
    texts
        .iter()
        .map(|text| NodeAddress::parse(text, None).map_err(anyhow::Error::from))
        .collect()
}

/// `HOST=ZONE` and `HOST:PORT=ZONE` options as `IP` or `IP:PORT` -> zone (hosts resolved).
async fn parse_zones(texts: &[String]) -> anyhow::Result<HashMap<String, String>> {
    let mut zones = HashMap::new();
    for text in texts {
        let Some((target, zone)) = text
            .rsplit_once('=')
            .filter(|(h, z)| !h.is_empty() && !z.is_empty())
        else {
            return Err(UsageError(format!("--zone '{text}': expected HOST=ZONE or HOST:PORT=ZONE, e.g. --zone 10.0.1.1=us-east-1a")).into());
        };
        let (host, port) = match NodeAddress::parse(target, None) {
            Ok(address) => (address.host, Some(address.port)),
            Err(_) => (
                target
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string(),
                None,
            ),
        };
        let ips = tokio::net::lookup_host((host.as_str(), 0))
            .await
            .map_err(|e| UsageError(format!("--zone '{text}': cannot resolve {host}: {e}")))?;
        for ip in ips {
            let key = match port {
                Some(port) => format!("{}:{port}", ip.ip()),
                None => ip.ip().to_string(),
            };
            zones.insert(key, zone.to_string());
        }
    }
    Ok(zones)
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

/// redis-cli's planning lines, then the M:/S: listing in argument order.
fn render_plan(
    nodes: &[NewNode],
    plan: &CreatePlan,
    replicas: usize,
    conflicts: &[String],
) -> Vec<Line> {
    let mut lines = vec![Line::new(
        Level::Info,
        format!(
            ">>> Performing hash slots allocation on {} nodes...",
            nodes.len()
        ),
    )];
    for (index, master) in plan.masters.iter().enumerate() {
        lines.push(Line::new(
            Level::Plain,
            format!(
                "Master[{index}] -> Slots {} - {}",
                master.first, master.last
            ),
        ));
    }
    let first_extra = replicas * plan.masters.len();
    for (index, replica) in plan.replicas.iter().enumerate() {
        if index == first_extra {
            lines.push(Line::new(Level::Plain, "Adding extra replicas..."));
        }
        let master = &nodes[plan.masters[replica.master].node];
        lines.push(Line::new(
            Level::Plain,
            format!(
                "Adding replica {} to {}",
                nodes[replica.node].address, master.address
            ),
        ));
    }
    if !plan.conflicts.is_empty() {
        lines.push(Line::new(
            Level::Info,
            ">>> Trying to optimize slaves allocation for anti-affinity",
        ));
        lines.push(Line::new(Level::Warn, anti_affinity_warning(plan)));
        lines.extend(
            conflicts
                .iter()
                .map(|c| Line::new(Level::Warn, format!("    {c}"))),
        );
    }
    let master_of: HashMap<usize, &NewNode> = plan
        .replicas
        .iter()
        .map(|r| (r.node, &nodes[plan.masters[r.master].node]))
        .collect();
    for (index, node) in nodes.iter().enumerate() {
        if let Some(master) = plan.masters.iter().find(|m| m.node == index) {
            let slots = SlotSet::from_range(master.first, master.last);
            lines.push(Line::new(
                Level::Plain,
                format!("M: {} {}", node.id, node.address),
            ));
            lines.push(Line::new(
                Level::Plain,
                format!(
                    "   slots:{} ({} slots) master",
                    slots.to_bracketed(),
                    slots.len()
                ),
            ));
        } else if let Some(master) = master_of.get(&index) {
            lines.push(Line::new(
                Level::Plain,
                format!("S: {} {}", node.id, node.address),
            ));
            lines.push(Line::new(
                Level::Plain,
                format!("   replicates {}", master.id),
            ));
        }
    }
    lines
}

/// redis-cli's summary of what could not be placed apart (its worst case first).
fn anti_affinity_warning(plan: &CreatePlan) -> &'static str {
    let has = |kind| plan.conflicts.iter().any(|c| c.kind == kind);
    if has(ConflictKind::SameHost) {
        "[WARNING] Some slaves are in the same host as their master"
    } else if has(ConflictKind::SameZone) {
        "[WARNING] Some replicas are in the same zone as their master"
    } else {
        "[WARNING] Some slaves of the same master are in the same host"
    }
}

fn applying_lines() -> Vec<Line> {
    vec![
        Line::new(Level::Info, ">>> Nodes configuration updated"),
        Line::new(
            Level::Info,
            ">>> Assign a different config epoch to each node",
        ),
        Line::new(
            Level::Info,
            ">>> Sending CLUSTER MEET messages to join the cluster",
        ),
        Line::new(Level::Plain, "Waiting for the cluster to join"),
        Line::new(Level::Plain, ""),
    ]
}
