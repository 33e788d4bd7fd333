//! `rcluster apply PLAN.json [--yes]`: carry out a plan written by `reshard`/`rebalance --plan-out`
//! through the same engine, after checking the cluster is healthy and still exactly as the plan saw it
//! (each master's slots and config epoch); otherwise refuse and name what changed.

use super::moves::{MoveArgs, Style, execute_plan};
use super::{Context, check::check_view};
use crate::error::{Exit, UsageError};
use crate::net::NodeAddress;
use crate::output::legacy::prompt;
use crate::output::{Level, Line};
use crate::plan::file::{PLAN_FILE_VERSION, PlanFile, differences, fingerprint};
use crate::topology::load_cluster_view;
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
pub async fn run(context: &Context, args: &ApplyArgs) -> anyhow::Result<crate::report::Outcome> {
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
        let mut lines = vec![Line::new(
            Level::Err,
            format!(
                "[ERR] The cluster changed since {} was made; not applying it:",
                args.plan.display()
            ),
        )];
        lines.extend(
            changes
                .iter()
                .map(|c| Line::new(Level::Err, format!("    {c}"))),
        );
        context.output.print_lines(&lines);
        context.output.hint(&format!(
            "make a new plan with `rcluster {} ... --plan-out`",
            file.command
        ));
        return Ok(crate::report::Outcome::printed(Exit::Problems));
    }
    context.output.print_lines(&[Line::new(
        Level::Info,
        format!(
            ">>> Applying {} ({} slot moves) to {seed}",
            args.plan.display(),
            file.plan.moves.len()
        ),
    )]);
    if !args.yes && !prompt::confirm(&context.output, "Apply this plan?") {
        context.output.hint("declined: nothing was moved");
        return Ok(crate::report::Outcome::printed(Exit::Problems));
    }
    let run =
        super::moves::start_run(context, &args.moves, &file.command, &view, &file.plan).await?;
    execute_plan(context, &view, &file.plan, &args.moves, Style::PerSlot, run).await
}
