//! `rcluster set-timeout HOST:PORT MILLISECONDS`: `CONFIG SET cluster-node-timeout` and `CONFIG REWRITE`
//! on every node at once, with redis-cli's lines and one result per node. Exit 1 if the value could
//! not be set on some node. A node where it was set but `CONFIG REWRITE` failed (a server started
//! without a config file) is "set, not saved": natively a warning (the value holds until a restart),
//! exit 0; in redis-cli syntax redis-cli's `ERR setting node-timeout` line for it.

use super::{Context, call::role, call::target_nodes};
use crate::net::{NetError, NodeAddress, concurrently};
use crate::report::Outcome;
use crate::topology::load_cluster_summary;
use serde::Serialize;

/// What `set-timeout` is asked to do, validated (built by `crate::cli::args::set_timeout`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// At least 100.
    pub milliseconds: u64,
}

/// What `set-timeout` reports.
#[derive(Debug, Clone, Serialize)]
pub struct SetTimeoutReport {
    pub milliseconds: u64,
    pub nodes: Vec<TimeoutResult>,
}

impl SetTimeoutReport {
    /// The nodes where the value could not be set.
    pub fn failed(&self) -> usize {
        self.nodes.iter().filter(|r| !r.ok).count()
    }

    /// The nodes where the value was set but could not be saved to the config file.
    pub fn not_saved(&self) -> usize {
        self.nodes.iter().filter(|r| r.ok && !r.saved).count()
    }
}

/// One node's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct TimeoutResult {
    pub id: String,
    pub address: String,
    pub role: &'static str,
    /// The node runs with the new value (`CONFIG SET` succeeded).
    pub ok: bool,
    /// The value was written to the node's config file (`CONFIG REWRITE` succeeded).
    pub saved: bool,
    /// Why the value could not be set, or (with `ok` true) why it could not be saved.
    pub error: Option<String>,
}

/// What happened on one node.
enum NodeOutcome {
    Saved,
    /// Set, but `CONFIG REWRITE` failed (say, the server has no config file).
    NotSaved(NetError),
    Failed(NetError),
}

/// The message redis-cli prints for values under 100 ms.
pub const TOO_LOW: &str = "Setting a node timeout of less than 100 milliseconds is a bad idea.";

/// Runs `set-timeout`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let view = load_cluster_summary(&context.session, &seed).await?;
    super::report_unreachable_like_redis_cli(context, &view);
    let targets: Vec<(NodeAddress, String, &'static str)> =
        target_nodes(context, &view, false, false)
            .into_iter()
            .map(|n| (n.address.clone(), n.id().to_string(), role(n)))
            .collect();
    let value = options.milliseconds.to_string();
    let nodes = concurrently(targets, |(address, id, role)| {
        let session = context.session.clone();
        let value = value.clone();
        async move {
            let (ok, saved, error) = match set_on_node(&session, &address, &value).await {
                NodeOutcome::Saved => (true, true, None),
                NodeOutcome::NotSaved(error) => (true, false, Some(error_text(&error))),
                NodeOutcome::Failed(error) => (false, false, Some(error_text(&error))),
            };
            TimeoutResult {
                id,
                address: address.to_string(),
                role,
                ok,
                saved,
                error,
            }
        }
    })
    .await;
    let report = SetTimeoutReport {
        milliseconds: options.milliseconds,
        nodes,
    };
    let clean = report.failed() == 0;
    Ok(Outcome::clean_if(report, clean))
}

async fn set_on_node(
    session: &crate::net::Session,
    address: &NodeAddress,
    value: &str,
) -> NodeOutcome {
    let set = async {
        let mut client = session.client(address).await?;
        client
            .query::<()>(&["CONFIG", "SET", "cluster-node-timeout", value])
            .await?;
        Ok::<_, NetError>(client)
    };
    let mut client = match set.await {
        Ok(client) => client,
        Err(error) => return NodeOutcome::Failed(error),
    };
    match client.query::<()>(&["CONFIG", "REWRITE"]).await {
        Ok(()) => NodeOutcome::Saved,
        Err(error) => NodeOutcome::NotSaved(error),
    }
}

/// The server's own words for a server error; our message otherwise.
fn error_text(error: &NetError) -> String {
    match error {
        NetError::Server { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
