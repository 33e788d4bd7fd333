//! `import`'s command line, turned into [`crate::commands::import::Options`].

use crate::commands::import::{Options, Source};
use crate::net::NodeAddress;
use std::time::Duration;

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["from", "from_cluster"])))]
pub struct ImportArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The standalone server to import from (HOST:PORT).
    #[arg(long, value_name = "HOST:PORT")]
    pub from: Option<String>,
    /// Another cluster to import from, through any of its nodes: every master is read at once.
    #[arg(long, value_name = "HOST:PORT")]
    pub from_cluster: Option<String>,
    /// The source server's database (a cluster has only 0).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub from_db: u32,
    /// The source's ACL user.
    #[arg(long, value_name = "USER")]
    pub from_user: Option<String>,
    /// The source's password.
    #[arg(long, value_name = "PASSWORD")]
    pub from_pass: Option<String>,
    /// Read the source's password from the terminal.
    #[arg(long)]
    pub from_askpass: bool,
    /// Copy: leave the keys on the source too.
    #[arg(long)]
    pub copy: bool,
    /// Overwrite keys that already exist in the cluster.
    #[arg(long)]
    pub replace: bool,
    /// MIGRATE's timeout: `60s`, or milliseconds.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
}

impl ImportArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            from: match (&self.from, &self.from_cluster) {
                (Some(server), _) => Source::Server(NodeAddress::parse(server, None)?),
                (None, Some(cluster)) => Source::Cluster(NodeAddress::parse(cluster, None)?),
                (None, None) => unreachable!("clap requires one of them"),
            },
            from_db: self.from_db,
            from_user: self.from_user.clone(),
            from_pass: self.from_pass.clone(),
            from_askpass: self.from_askpass,
            copy: self.copy,
            replace: self.replace,
            migrate_timeout: self.migrate_timeout,
        })
    }
}
