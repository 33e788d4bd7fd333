//! `rcluster doctor HOST:PORT`: `check`, then every finding explained (what it means for clients,
//! the usual causes) with the commands that deal with it. Exit codes as `check`.

use super::{Context, check::check_view, seed_address};
use crate::error::Exit;
use crate::output::{Level, Line, json};
use crate::topology::check::Severity;
use crate::topology::diagnose::diagnose;
use crate::topology::load_cluster_view;

/// Arguments of `doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Any node of the cluster (HOST:PORT).
    pub node: String,
    /// Also look for keys held by masters that do not own their slot.
    #[arg(long)]
    pub search_multiple_owners: bool,
}

/// Runs `doctor`.
pub async fn run(context: &Context, args: &DoctorArgs) -> anyhow::Result<Exit> {
    let seed = seed_address(&args.node, None)?;
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, args.search_multiple_owners).await?;
    let diagnoses = diagnose(&report, &view);
    let clean = report.is_clean();
    if context.output.json {
        json::print_json(&serde_json::json!({ "ok": clean, "diagnoses": diagnoses }));
        return Ok(Exit::from_clean(clean));
    }
    let errors = diagnoses
        .iter()
        .filter(|d| d.finding.severity == Severity::Error)
        .count();
    let mut lines = vec![Line::new(
        Level::Info,
        format!(
            ">>> Doctor for the cluster of {seed}: {} masters, {errors} problem(s), {} warning(s)",
            view.loaded_masters().count(),
            diagnoses.len() - errors
        ),
    )];
    if diagnoses.is_empty() {
        lines.push(Line::new(
            Level::Success,
            "[OK] Every slot is covered, owned once and stable; every node is reachable and healthy.",
        ));
    }
    for diagnosis in &diagnoses {
        let (level, tag) = match diagnosis.finding.severity {
            Severity::Error => (Level::Err, "[ERR]"),
            Severity::Warning => (Level::Warn, "[WARNING]"),
        };
        lines.push(Line::new(
            level,
            format!("{tag} {}", diagnosis.finding.message),
        ));
        lines.push(Line::new(
            Level::Plain,
            format!("    {}", diagnosis.explanation),
        ));
        for remedy in &diagnosis.remedies {
            lines.push(Line::new(Level::Plain, format!("    $ {remedy}")));
        }
    }
    context.output.print_lines(&lines);
    Ok(Exit::from_clean(clean))
}
