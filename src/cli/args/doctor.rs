//! `doctor`'s command line, turned into [`crate::commands::doctor::Options`].

use crate::commands::doctor::Options;
use crate::net::NodeAddress;
use std::time::Duration;

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
    /// The failure zone of a host, HOST=ZONE, or of one node, HOST:PORT=ZONE (repeat for each):
    /// placement is then judged by zone.
    #[arg(long = "zone", value_name = "HOST[:PORT]=ZONE")]
    pub zones: Vec<String>,
    /// The MIGRATE timeout slot moves will use, against which the biggest keys are judged.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
}

impl DoctorArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            search_multiple_owners: self.search_multiple_owners,
            zones: self.zones.clone(),
            migrate_timeout: self.migrate_timeout,
        })
    }
}
