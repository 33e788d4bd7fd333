//! `rcluster apply PLAN.json [--yes]`: carry out a plan written by `reshard`/`rebalance --plan-out`
//! through the same engine, after checking the cluster is healthy and still exactly as the plan saw it
//! (each master's slots and config epoch); otherwise refuse and name what changed.

use super::moves::{MoveOptions, Style};
use super::{Context, check::check_view};
use crate::error::{Exit, UsageError};
use crate::net::NodeAddress;
use crate::plan::file::{PLAN_FILE_VERSION, PlanFile, differences, fingerprint};
use crate::report::Outcome;
use crate::topology::load_cluster_view;
use serde::Serialize;
use std::path::PathBuf;

/// What `apply` is asked to do, validated (built by `crate::cli::args::apply`).
#[derive(Debug)]
pub struct Options {
    /// The plan file.
    pub plan: PathBuf,
    /// Reach the cluster through this node instead of the plan's.
    pub node: Option<NodeAddress>,
    pub yes: bool,
    pub moves: MoveOptions,
}

/// Runs `apply`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(&options.plan)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", options.plan.display())))?;
    let file: PlanFile = serde_json::from_str(&text).map_err(|e| {
        UsageError(format!(
            "{} is not a plan file: {e}",
            options.plan.display()
        ))
    })?;
    if file.version != PLAN_FILE_VERSION {
        return Err(UsageError(format!(
            "{} is a version {} plan; this rcluster reads version {PLAN_FILE_VERSION}",
            options.plan.display(),
            file.version
        ))
        .into());
    }
    let seed = match &options.node {
        Some(node) => node.clone(),
        None => NodeAddress::parse(&file.seed, None)?,
    };
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, false).await?;
    if !report.is_clean_for_redis_cli() {
        return Err(super::moves::unhealthy_cluster(&report, &seed.to_string()).into());
    }
    let changes = differences(&file.fingerprint, &fingerprint(&view));
    if !changes.is_empty() {
        let report = StalePlan {
            plan: options.plan.clone(),
            command: file.command.clone(),
            changes,
        };
        return Ok(Outcome::new(report, Exit::Problems));
    }
    context.ui.step(&format!(
        "Applying {} ({} slot moves) to {seed}",
        options.plan.display(),
        file.plan.moves.len()
    ));
    if !options.yes && !context.ui.confirm("Apply this plan?") {
        context.ui.hint("declined: nothing was moved");
        return Ok(Outcome::new((), Exit::Problems));
    }
    let run = crate::exec::run::open(
        &context.driver(),
        &options.moves,
        &file.command,
        &view,
        &file.plan,
    )
    .await?;
    crate::exec::run::execute(
        &context.driver(),
        &view,
        &file.plan,
        &options.moves,
        Style::PerSlot,
        run,
    )
    .await
}

/// The cluster changed since the plan was made: nothing was applied.
#[derive(Debug, Serialize)]
pub struct StalePlan {
    pub plan: PathBuf,
    /// The command that made the plan (`reshard`, `rebalance`).
    pub command: String,
    /// What changed, in words.
    pub changes: Vec<String>,
}
