//! `import`'s command line, turned into [`crate::commands::import::Options`].

use crate::commands::import::Options;
use crate::net::NodeAddress;
use std::time::Duration;

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The standalone server to import from (HOST:PORT; db 0).
    #[arg(long, value_name = "HOST:PORT")]
    pub from: String,
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
            from: NodeAddress::parse(&self.from, None)?,
            from_user: self.from_user.clone(),
            from_pass: self.from_pass.clone(),
            from_askpass: self.from_askpass,
            copy: self.copy,
            replace: self.replace,
            migrate_timeout: self.migrate_timeout,
        })
    }
}
