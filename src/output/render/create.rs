//! `create`'s views: redis-cli's planning lines and `M:`/`S:` listing before the prompt (natively with
//! every placement flaw named), and natively a result line once the cluster is formed.

use super::{Render, RenderOptions, ok_line};
use crate::commands::create::{CreatePlanSection, CreateReport};
use crate::exec::create::NewNode;
use crate::output::{Level, Line};
use crate::plan::create::{ConflictKind, CreatePlan};
use crate::topology::SlotSet;
use std::collections::HashMap;

impl Render for CreateReport {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        if !self.applied {
            return Vec::new();
        }
        vec![ok_line(format!(
            "Created a cluster of {} masters and {} replicas.",
            self.masters.len(),
            self.replicas.len()
        ))]
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        Vec::new()
    }
}

impl Render for CreatePlanSection<'_> {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        plan_lines(self.0, &self.0.conflicts)
    }

    /// redis-cli names no pairs: line for line its own output.
    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        plan_lines(self.0, &[])
    }
}

/// redis-cli's planning lines, then the M:/S: listing in argument order.
fn plan_lines(report: &CreateReport, conflicts: &[String]) -> Vec<Line> {
    let (nodes, plan) = (&report.nodes, &report.plan);
    let mut lines = vec![Line::new(
        Level::Info,
        format!(
            ">>> Performing hash slots allocation on {} nodes...",
            nodes.len()
        ),
    )];
    for (index, master) in plan.masters.iter().enumerate() {
        lines.push(Line::plain(format!(
            "Master[{index}] -> Slots {} - {}",
            master.first, master.last
        )));
    }
    let first_extra = report.replicas_per_master * plan.masters.len();
    for (index, replica) in plan.replicas.iter().enumerate() {
        if index == first_extra {
            lines.push(Line::plain("Adding extra replicas..."));
        }
        let master = &nodes[plan.masters[replica.master].node];
        lines.push(Line::plain(format!(
            "Adding replica {} to {}",
            nodes[replica.node].address, master.address
        )));
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
    lines.extend(listing(nodes, plan));
    lines
}

/// `M:` with slots and `S:` with its master, per node in argument order.
fn listing(nodes: &[NewNode], plan: &CreatePlan) -> Vec<Line> {
    let master_of: HashMap<usize, &NewNode> = plan
        .replicas
        .iter()
        .map(|r| (r.node, &nodes[plan.masters[r.master].node]))
        .collect();
    let mut lines = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        if let Some(master) = plan.masters.iter().find(|m| m.node == index) {
            let slots = SlotSet::from_range(master.first, master.last);
            lines.push(Line::plain(format!("M: {} {}", node.id, node.address)));
            lines.push(Line::plain(format!(
                "   slots:{} ({} slots) master",
                slots.to_bracketed(),
                slots.len()
            )));
        } else if let Some(master) = master_of.get(&index) {
            lines.push(Line::plain(format!("S: {} {}", node.id, node.address)));
            lines.push(Line::plain(format!("   replicates {}", master.id)));
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
