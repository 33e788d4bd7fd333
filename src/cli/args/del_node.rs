//! `del-node`'s command line, turned into [`crate::commands::del_node::Options`].

use crate::commands::del_node::Options;
use crate::net::NodeAddress;

/// Arguments of `del-node`.
#[derive(Debug, clap::Args)]
pub struct DelNodeArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The id of the node to remove (as `check` lists it), or a unique prefix of 8 or more
    /// characters (redis-cli syntax: the full id).
    pub node_id: String,
    /// Stop the node (`SHUTDOWN NOSAVE`) once every node has forgotten it and it is reset.
    #[arg(long)]
    pub shutdown: bool,
    /// Once the 60 s forget blacklist has expired, check that no node knows the removed node
    /// again (a node that keeps running can rejoin through gossip); forget it again if one does
    /// (exit 1). Makes del-node take about 65 s.
    #[arg(long)]
    pub recheck: bool,
    /// Keep the node as a replica of this master instead of removing it (a master drained with
    /// `cluster-allow-replica-migration no` stays an empty master): its id, a unique prefix of 8 or
    /// more characters, or HOST:PORT. Its own replicas follow other masters first; del-node then
    /// waits, bounded by --wait, until every node lists it as that master's replica and its first
    /// sync has finished.
    #[arg(long, value_name = "MASTER", conflicts_with_all = ["shutdown", "recheck"])]
    pub replicate_to: Option<String>,
    /// A master that owns slots is removed only after its replica took them over (`CLUSTER
    /// FAILOVER`): do it without asking (del-node asks otherwise).
    #[arg(long)]
    pub yes: bool,
    /// Bound on the wait for --replicate-to's sync, and on the failover of a master that owns slots.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub wait: std::time::Duration,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

impl DelNodeArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            node_id: self.node_id.clone(),
            shutdown: self.shutdown,
            recheck: self.recheck,
            replicate_to: self.replicate_to.clone(),
            yes: self.yes,
            wait: self.wait,
        })
    }
}
