//! `rcluster doctor HOST:PORT`: `check`, then every finding explained (what it means for clients,
//! the usual causes) with the commands that deal with it. Exit codes as `check`.

use super::{Context, check::check_view};
use crate::net::NodeAddress;
use crate::report::Outcome;
use crate::topology::diagnose::{Diagnosis, diagnose};
use crate::topology::load_cluster_view;
use serde::Serialize;

/// What `doctor` is asked to do, validated (built by `crate::cli::args::doctor`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub search_multiple_owners: bool,
}

/// What `doctor` reports.
#[derive(Serialize)]
pub struct DoctorReport {
    /// `host:port` of the node the cluster was loaded from.
    pub seed: String,
    pub masters: usize,
    pub diagnoses: Vec<Diagnosis>,
}

/// Runs `doctor`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, options.search_multiple_owners).await?;
    let clean = report.is_clean();
    let doctor = DoctorReport {
        seed: seed.to_string(),
        masters: view.loaded_masters().count(),
        diagnoses: diagnose(&report, &view),
    };
    Ok(Outcome::clean_if(doctor, clean))
}
