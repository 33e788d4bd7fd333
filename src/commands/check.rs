//! `rcluster check HOST:PORT`: the info block, then every check redis-cli makes with its signal lines,
//! then rcluster's own findings (unreachable and failed nodes, replica placement). Exit 0 when clean,
//! 1 with findings, 2 when the cluster could not be loaded.

use super::{Context, info::build_info_report, seed_address};
use crate::error::Exit;
use crate::output::{human, json};
use crate::topology::check::{CheckReport, check_cluster};
use crate::topology::load::load_keys_in_unowned_slots;
use crate::topology::{ClusterView, load_cluster_view};
use serde::Serialize;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Also look for slots that have keys on a master that does not own them (one pipelined
    /// COUNTKEYSINSLOT sweep per master).
    #[arg(long)]
    pub search_multiple_owners: bool,
}

/// `check`'s JSON document.
#[derive(Serialize)]
struct CheckOutput<'a> {
    ok: bool,
    info: &'a crate::commands::info::InfoReport,
    check: &'a CheckReport,
}

/// Loads the cluster and runs the checks.
pub async fn check_view(
    context: &Context,
    view: &ClusterView,
    multiple_owners: bool,
) -> anyhow::Result<CheckReport> {
    let keys = if multiple_owners {
        Some(load_keys_in_unowned_slots(&context.session, view).await?)
    } else {
        None
    };
    Ok(check_cluster(view, keys.as_ref()))
}

/// Runs `check`.
pub async fn run(context: &Context, args: &CheckArgs) -> anyhow::Result<Exit> {
    let seed = seed_address(&args.node, args.port.as_deref())?;
    let view = load_cluster_view(&context.session, &seed).await?;
    super::report_unreachable_like_redis_cli(context, &view);
    let info = build_info_report(&view);
    let report = check_view(context, &view, args.search_multiple_owners).await?;
    let clean = if context.output.compat {
        report.is_clean_for_redis_cli()
    } else {
        report.is_clean()
    };
    if context.output.json {
        json::print_json(&CheckOutput {
            ok: clean,
            info: &info,
            check: &report,
        });
    } else {
        let mut lines = human::render_load_warnings(&report);
        lines.extend(human::render_info(&info));
        lines.extend(human::render_check(&report, context.output.compat));
        context.output.print_lines(&lines);
    }
    Ok(Exit::from_clean(clean))
}
