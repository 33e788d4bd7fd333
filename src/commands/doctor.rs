//! `rcluster doctor HOST:PORT`: `check`, then every finding explained (what it means for clients,
//! the usual causes) with the commands that deal with it. Exit codes as `check`.

use super::{Context, check::check_view, seed_address};
use crate::report::Outcome;
use crate::topology::diagnose::{Diagnosis, diagnose};
use crate::topology::load_cluster_view;
use serde::Serialize;

/// Arguments of `doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Also look for keys held by masters that do not own their slot.
    #[arg(long)]
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
pub async fn run(context: &Context, args: &DoctorArgs) -> anyhow::Result<Outcome> {
    let seed = seed_address(&args.node, args.port.as_deref())?;
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, args.search_multiple_owners).await?;
    let clean = report.is_clean();
    let doctor = DoctorReport {
        seed: seed.to_string(),
        masters: view.loaded_masters().count(),
        diagnoses: diagnose(&report, &view),
    };
    Ok(Outcome::clean_if(doctor, clean))
}
