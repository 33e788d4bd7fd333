//! `set-timeout`'s command line, turned into [`crate::commands::set_timeout::Options`].

use crate::commands::set_timeout::Options;
use crate::commands::set_timeout::TOO_LOW;
use crate::error::UsageError;
use crate::net::NodeAddress;

/// Arguments of `set-timeout`.
#[derive(Debug, clap::Args)]
pub struct SetTimeoutArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The new cluster-node-timeout, in milliseconds (at least 100).
    pub milliseconds: u64,
}

impl SetTimeoutArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        if self.milliseconds < 100 {
            return Err(UsageError(TOO_LOW.into()).into());
        }
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            milliseconds: self.milliseconds,
        })
    }
}
