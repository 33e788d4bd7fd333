//! `rcluster apply PLAN.json [--yes]`: carry out a plan written by `reshard`/`rebalance --plan-out`
//! through the same engine, after checking the cluster is healthy and still exactly as the plan saw it
//! (each master's slots and config epoch); otherwise refuse and name what changed.

use super::moves::{MoveArgs, Style, execute_plan};
use super::{Context, check::check_view};
use crate::error::{Exit, UsageError};
use crate::net::NodeAddress;
use crate::plan::file::{PLAN_FILE_VERSION, PlanFile, differences, fingerprint};
use crate::report::Outcome;
use crate::topology::load_cluster_view;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The plan file (from `--plan-out`).
    pub plan: PathBuf,
    /// Reach the cluster through this node instead of the one the plan was made through.
    #[arg(long, value_name = "HOST:PORT")]
    pub node: Option<String>,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub moves: MoveArgs,
}

/// Runs `apply`.
pub async fn run(context: &Context, args: &ApplyArgs) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(&args.plan)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", args.plan.display())))?;
    let file: PlanFile = serde_json::from_str(&text)
        .map_err(|e| UsageError(format!("{} is not a plan file: {e}", args.plan.display())))?;
    if file.version != PLAN_FILE_VERSION {
        return Err(UsageError(format!(
            "{} is a version {} plan; this rcluster reads version {PLAN_FILE_VERSION}",
            args.plan.display(),
            file.version
        ))
        .into());
    }
    let seed = NodeAddress::parse(args.node.as_deref().unwrap_or(&file.seed), None)?;
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, false).await?;
    if !report.is_clean_for_redis_cli() {
        return Err(super::moves::unhealthy_cluster(&report, &seed.to_string()).into());
    }
    let changes = differences(&file.fingerprint, &fingerprint(&view));
    if !changes.is_empty() {
        let report = StalePlan {
            plan: args.plan.clone(),
            command: file.command.clone(),
            changes,
        };
        return Ok(Outcome::new(report, Exit::Problems));
    }
    context.ui.step(&format!(
        "Applying {} ({} slot moves) to {seed}",
        args.plan.display(),
        file.plan.moves.len()
    ));
    if !args.yes && !context.ui.confirm("Apply this plan?") {
        context.ui.hint("declined: nothing was moved");
        return Ok(Outcome::new((), Exit::Problems));
    }
    let run =
        super::moves::start_run(context, &args.moves, &file.command, &view, &file.plan).await?;
    execute_plan(context, &view, &file.plan, &args.moves, Style::PerSlot, run).await
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
