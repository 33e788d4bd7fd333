//! `failover`'s command line, turned into [`crate::commands::failover::Options`].

use crate::commands::failover::{DrillOptions, Mode, Options};
use crate::net::NodeAddress;
use std::time::Duration;

/// Arguments of `failover`.
#[derive(Debug, clap::Args)]
pub struct FailoverArgs {
    /// The replica to promote: HOST:PORT, or HOST then PORT (with --partition: the master to cut off).
    pub node: String,
    /// Without the master's agreement (it may be down); a majority of masters must vote.
    #[arg(long, conflicts_with = "takeover")]
    pub force: bool,
    /// Without any vote (a partitioned minority): the replica takes a new epoch by itself.
    #[arg(long)]
    pub takeover: bool,
    /// Bound on the whole failover, until every node agrees.
    #[arg(long, default_value = "30s", value_parser = super::parse_duration, value_name = "TIME")]
    pub wait: Duration,
    /// A drill: write and read keys before, during and after the failover, and report what failed.
    #[arg(long)]
    pub drill: bool,
    /// How long the drill's traffic runs (the failover starts after a third of it).
    #[arg(long, default_value = "15s", value_parser = super::parse_duration, value_name = "TIME", requires = "drill")]
    pub duration: Duration,
    /// The drill's writes per second.
    #[arg(long, default_value_t = 200, value_name = "N", requires = "drill")]
    pub rate: u32,
    /// The success rate, in percent, below which the drill fails.
    #[arg(
        long,
        default_value_t = 99.0,
        value_name = "PERCENT",
        requires = "drill"
    )]
    pub min_success: f64,
    /// Kill the master's process (on this host) instead of a controlled failover.
    #[arg(long, requires = "drill", conflicts_with_all = ["force", "takeover"])]
    pub kill_master: bool,
    /// Cut the master NODE off with iptables DROP rules (root, every node on a loopback address of
    /// this host) for --duration, while a writer on each side writes; then heal and report the
    /// acknowledged writes lost.
    #[arg(long, requires = "drill", conflicts_with_all = ["force", "takeover", "kill_master"])]
    pub partition: bool,
    /// With --partition: set min-replicas-to-write N (and min-replicas-max-lag 1) on every master
    /// for the drill, restored afterwards.
    #[arg(long, value_name = "N", requires = "partition")]
    pub with_min_replicas: Option<u32>,
    /// Promote the replica even though it does not hold its master's data (its first sync has not
    /// finished, its link is down, or it lags): the keys only its master holds are lost.
    #[arg(long)]
    pub accept_data_loss: bool,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl FailoverArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            replica: NodeAddress::parse(&self.node, None)?,
            mode: match (self.force, self.takeover) {
                (true, _) => Mode::Force,
                (_, true) => Mode::Takeover,
                _ => Mode::Coordinated,
            },
            wait: self.wait,
            accept_data_loss: self.accept_data_loss,
            drill: self.drill.then_some(DrillOptions {
                duration: self.duration,
                rate: self.rate,
                min_success: self.min_success,
                kill_master: self.kill_master,
                partition: self.partition,
                min_replicas: self.with_min_replicas,
            }),
        })
    }
}
