//! Human renderings of reports, line for line as redis-cli prints them, plus rcluster's extra findings
//! in native syntax.

use super::{Level, Line};
use crate::commands::info::InfoReport;
use crate::topology::SlotSet;
use crate::topology::check::{
    CheckReport, FindingKind, NodeSummary, Severity, join_slots, short_id,
};

/// `info`'s lines: one per master, then the totals.
pub fn render_info(report: &InfoReport) -> Vec<Line> {
    let mut lines = Vec::new();
    for master in &report.masters {
        match (&master.keys, &master.error) {
            (Some(keys), _) => lines.push(Line::new(
                Level::Plain,
                format!(
                    "{} ({}...) -> {} keys | {} slots | {} slaves.",
                    master.address,
                    short_id(&master.id),
                    keys,
                    master.slot_count,
                    master.replicas
                ),
            )),
            (None, error) => {
                lines.push(Line::new(
                    Level::Err,
                    format!("Node {} replied with error:", master.address),
                ));
                lines.push(Line::new(Level::Err, error.clone().unwrap_or_default()));
            }
        }
    }
    if report.complete {
        lines.push(Line::new(
            Level::Success,
            format!(
                "[OK] {} keys in {} masters.",
                report.total_keys,
                report.masters.len()
            ),
        ));
        lines.push(Line::new(
            Level::Plain,
            format!("{:.2} keys per slot on average.", report.keys_per_slot),
        ));
    }
    lines
}

/// The `M:`/`S:` lines of one node.
pub fn render_node(node: &NodeSummary) -> Vec<Line> {
    let letter = if node.role == "replica" { "S" } else { "M" };
    let mut lines = vec![
        Line::new(
            Level::Plain,
            format!("{letter}: {} {}", node.id, node.address),
        ),
        Line::new(
            Level::Plain,
            format!(
                "   slots:{} ({} slots) {}",
                node.slots.to_bracketed(),
                node.slot_count,
                node.flags
            ),
        ),
    ];
    if let Some(master) = node.master_id.as_ref().filter(|_| node.role == "replica") {
        lines.push(Line::new(Level::Plain, format!("   replicates {master}")));
    } else if node.replicas > 0 {
        lines.push(Line::new(
            Level::Plain,
            format!("   {} additional replica(s)", node.replicas),
        ));
    }
    lines
}

/// Warnings redis-cli prints while loading (before the info block).
pub fn render_load_warnings(report: &CheckReport) -> Vec<Line> {
    report
        .findings_of(FindingKind::UnknownMaster)
        .map(|f| Line::new(Level::Warn, format!("*** WARNING: {}", f.message)))
        .collect()
}

/// The line that starts the coverage part of a check.
pub const COVERAGE_HEADER: &str = ">>> Check slots coverage...";

/// `check`'s report after the info block. `compat` keeps exactly redis-cli's lines; otherwise the
/// disagreement details and rcluster's extra findings follow.
pub fn render_check(report: &CheckReport, compat: bool) -> Vec<Line> {
    render_check_with(report, compat, true)
}

/// [`render_check`], with or without the `M:`/`S:` listing of every node.
pub fn render_check_with(report: &CheckReport, compat: bool, listing: bool) -> Vec<Line> {
    let mut lines = vec![Line::new(
        Level::Info,
        format!(">>> Performing Cluster Check (using node {})", report.seed),
    )];
    if listing {
        lines.extend(report.nodes.iter().flat_map(render_node));
    }
    if report.config_consistent {
        lines.push(Line::new(
            Level::Success,
            "[OK] All nodes agree about slots configuration.",
        ));
    } else {
        lines.push(Line::new(
            Level::Err,
            "[ERR] Nodes don't agree about configuration!",
        ));
        if !compat {
            for finding in report.findings_of(FindingKind::ConfigDisagreement) {
                for detail in &finding.details {
                    lines.push(Line::new(Level::Err, format!("    {detail}")));
                }
            }
        }
    }
    lines.push(Line::new(Level::Info, ">>> Check for open slots..."));
    lines.extend(render_open_slots(report));
    lines.push(Line::new(Level::Info, COVERAGE_HEADER));
    if report.uncovered.is_empty() {
        lines.push(Line::new(Level::Success, "[OK] All 16384 slots covered."));
    } else {
        lines.push(Line::new(
            Level::Err,
            "[ERR] Not all 16384 slots are covered by nodes.",
        ));
        if !compat {
            lines.push(Line::new(
                Level::Err,
                format!("    {}", uncovered_slots(&report.uncovered)),
            ));
        }
        lines.push(Line::new(Level::Plain, ""));
    }
    if let Some(owners) = &report.multiple_owners {
        lines.push(Line::new(
            Level::Info,
            ">>> Check for multiple slot owners...",
        ));
        for entry in owners {
            lines.push(Line::new(
                Level::Err,
                format!(
                    "[WARNING] Slot {} has {} owners:",
                    entry.slot,
                    entry.owners.len()
                ),
            ));
            lines.extend(
                entry
                    .owners
                    .iter()
                    .map(|o| Line::new(Level::Err, format!("    {o}"))),
            );
        }
        if owners.is_empty() {
            lines.push(Line::new(Level::Success, "[OK] No multiple owners found."));
        }
    }
    if !compat {
        lines.extend(render_extra_findings(report));
    }
    lines
}

/// The most slot ranges a line names; `--json` lists them all.
const SHOWN_RANGES: usize = 20;

/// `3 slots not covered: 0-1,5`, the ranges cut after [`SHOWN_RANGES`].
fn uncovered_slots(uncovered: &SlotSet) -> String {
    let ranges = uncovered.ranges();
    let mut shown = SlotSet::new();
    for &(first, last) in ranges.iter().take(SHOWN_RANGES) {
        shown.insert_range(first, last);
    }
    let more = match ranges.len().saturating_sub(SHOWN_RANGES) {
        0 => String::new(),
        n => format!(
            " and {} more (--json lists them all)",
            crate::words::counted(n, "range", "ranges")
        ),
    };
    format!(
        "{} not covered: {}{more}",
        crate::words::counted(uncovered.len(), "slot", "slots"),
        shown.to_compact()
    )
}

fn render_open_slots(report: &CheckReport) -> Vec<Line> {
    let mut lines = Vec::new();
    for node in &report.open_slot_nodes {
        if !node.migrating.is_empty() {
            lines.push(Line::new(
                Level::Err,
                format!(
                    "[WARNING] Node {} has slots in migrating state {}.",
                    node.address,
                    join_slots(&node.migrating)
                ),
            ));
        }
        if !node.importing.is_empty() {
            lines.push(Line::new(
                Level::Err,
                format!(
                    "[WARNING] Node {} has slots in importing state {}.",
                    node.address,
                    join_slots(&node.importing)
                ),
            ));
        }
    }
    if !report.open_slots.is_empty() {
        lines.push(Line::new(
            Level::Err,
            format!(
                "[WARNING] The following slots are open: {}.",
                join_slots(&report.open_slots)
            ),
        ));
    }
    lines
}

/// rcluster's own checks: node health and replication advice.
fn render_extra_findings(report: &CheckReport) -> Vec<Line> {
    let extra: Vec<_> = report
        .findings
        .iter()
        .filter(|f| !f.kind.is_redis_cli_check() && f.kind != FindingKind::UnknownMaster)
        .collect();
    let mut lines = vec![Line::new(Level::Info, ">>> Check nodes and replicas...")];
    for finding in &extra {
        let (level, tag) = match finding.severity {
            Severity::Error => (Level::Err, "[ERR]"),
            Severity::Warning => (Level::Warn, "[WARNING]"),
        };
        lines.push(Line::new(level, format!("{tag} {}", finding.message)));
    }
    if !extra.iter().any(|f| f.severity == Severity::Error) {
        lines.push(Line::new(
            Level::Success,
            "[OK] All nodes reachable and healthy.",
        ));
    }
    lines
}
