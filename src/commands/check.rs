//! `rcluster check HOST:PORT`: the info block, then every check redis-cli makes with its signal lines,
//! then rcluster's own findings (unreachable and failed nodes, replica placement). Exit 0 when clean,
//! 1 with findings, 2 when the cluster could not be loaded.

use super::{Context, info::build_info_report};
use crate::error::Exit;
use crate::net::{Machines, NodeAddress};
use crate::report::Outcome;
use crate::topology::check::{CheckReport, OwnView, Verdict, check_cluster_on, own_views};
use crate::topology::load::load_keys_in_unowned_slots;
use crate::topology::{ClusterView, load_cluster_view};
use serde::Serialize;

/// What `check` is asked to do, validated (built by `crate::cli::args::check`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub search_multiple_owners: bool,
    /// `--verdict-exit`: the exit code tells the verdict's classes apart.
    pub verdict_exit: bool,
}

/// What `check` reports: the info block and the checks.
#[derive(Serialize)]
pub struct CheckOutcome {
    /// What to do about it: `stable`, `settling` (wait), `repair` (fix) or `unreachable` (fail
    /// closed).
    pub verdict: crate::topology::check::Verdict,
    pub info: crate::commands::info::InfoReport,
    pub check: CheckReport,
    /// Every node's own view and how long it took to answer (shown with `-v`).
    pub views: Vec<OwnView>,
    /// Whether the checks found nothing (by redis-cli's rules in its syntax).
    #[serde(skip)]
    pub clean: bool,
}

/// The check block another command prints before it works (reshard, backup, ...).
#[derive(Serialize)]
pub struct CheckSection<'a> {
    pub report: &'a CheckReport,
    /// The info block and load warnings before the check (fix prints them, as redis-cli does).
    #[serde(skip)]
    pub info: Option<&'a crate::commands::info::InfoReport>,
    /// The `M:`/`S:` listing of every node (rebalance checks without it, as redis-cli does).
    #[serde(skip)]
    pub listing: bool,
    /// All of it, or the part before or from `>>> Check slots coverage...` (redis-cli's `fix`
    /// repairs open slots between the two).
    #[serde(skip)]
    pub part: CheckPart,
}

/// Which lines of a check a [`CheckSection`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckPart {
    Whole,
    /// Up to the open slots.
    BeforeCoverage,
    /// From `>>> Check slots coverage...` on.
    FromCoverage,
}

impl<'a> CheckSection<'a> {
    pub fn new(report: &'a CheckReport) -> CheckSection<'a> {
        CheckSection {
            report,
            info: None,
            listing: true,
            part: CheckPart::Whole,
        }
    }

    pub fn with_info(
        report: &'a CheckReport,
        info: &'a crate::commands::info::InfoReport,
    ) -> CheckSection<'a> {
        CheckSection {
            info: Some(info),
            ..CheckSection::new(report)
        }
    }

    /// Only `part` of it.
    pub fn part(self, part: CheckPart) -> CheckSection<'a> {
        CheckSection { part, ..self }
    }

    pub fn without_listing(report: &'a CheckReport) -> CheckSection<'a> {
        CheckSection {
            listing: false,
            ..CheckSection::new(report)
        }
    }
}

/// Loads the cluster through `seed`, shows its check (as redis-cli does before it changes keys), and
/// refuses a cluster with problems: the start of `import` and `restore`.
pub async fn load_clean_view(
    context: &Context,
    seed: &crate::net::NodeAddress,
) -> anyhow::Result<crate::topology::ClusterView> {
    let view = crate::topology::load_cluster_view(&context.session, seed).await?;
    let report = check_view(context, &view, false).await?;
    context.ui.section(&CheckSection::new(&report));
    if !report.is_clean_for_redis_cli() {
        return Err(crate::error::UsageError(format!(
            "the cluster has problems (see above): repair them first with `rcluster fix {seed}`"
        ))
        .into());
    }
    Ok(view)
}

/// Loads the cluster and runs the checks, with the view's host names resolved once.
pub async fn check_view(
    context: &Context,
    view: &ClusterView,
    multiple_owners: bool,
) -> anyhow::Result<CheckReport> {
    let machines = machines_of(view).await;
    check_view_on(context, view, multiple_owners, &machines).await
}

/// The machines of the view's hosts, each name resolved once (for the placement audits).
pub async fn machines_of(view: &ClusterView) -> Machines {
    Machines::resolve(view.loaded().map(|n| n.address.host.as_str())).await
}

/// [`check_view`] with the machines already resolved (`doctor` audits placement with them too).
pub async fn check_view_on(
    context: &Context,
    view: &ClusterView,
    multiple_owners: bool,
    machines: &Machines,
) -> anyhow::Result<CheckReport> {
    let keys = if multiple_owners {
        Some(load_keys_in_unowned_slots(&context.session, view).await?)
    } else {
        None
    };
    let mut report = check_cluster_on(view, keys.as_ref(), machines);
    let masters: Vec<_> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let jobs = crate::exec::atomic::unfinished_jobs(&context.session, &masters).await;
    report
        .findings
        .extend(crate::exec::atomic::job_findings(view, &jobs));
    Ok(report)
}

/// Runs `check`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let view = load_cluster_view(&context.session, &seed).await?;
    super::report_unreachable_like_redis_cli(context, &view);
    let info = build_info_report(&view);
    let check = check_view(context, &view, options.search_multiple_owners).await?;
    let clean = if context.redis_cli() {
        check.is_clean_for_redis_cli()
    } else {
        check.is_clean()
    };
    let verdict = Verdict::of(&check.findings);
    let exit = match (options.verdict_exit, verdict) {
        (false, _) => Exit::from_clean(clean),
        (true, Verdict::Stable) => Exit::Ok,
        (true, Verdict::Repair) => Exit::Problems,
        (true, Verdict::Unreachable) => Exit::Error,
        (true, Verdict::Settling) => Exit::Settling,
    };
    let report = CheckOutcome {
        verdict,
        info,
        check,
        views: own_views(&view),
        clean,
    };
    Ok(Outcome::new(report, exit))
}
