//! `rcluster set-timeout HOST:PORT MILLISECONDS`: `CONFIG SET cluster-node-timeout` and `CONFIG REWRITE`
//! on every node at once, with redis-cli's lines and one result per node. Exit 1 if any node failed.

use super::{Context, call::target_nodes, seed_address};
use crate::error::{Exit, UsageError};
use crate::net::{NetError, NodeAddress, concurrently};
use crate::output::{Level, Line};
use crate::output::legacy::{json};
use crate::topology::load_cluster_summary;
use serde::Serialize;

/// Arguments of `set-timeout`.
#[derive(Debug, clap::Args)]
pub struct SetTimeoutArgs {
    /// Any node of the cluster (HOST:PORT).
    pub node: String,
    /// The new cluster-node-timeout, in milliseconds (at least 100).
    pub milliseconds: u64,
}

/// One node's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct TimeoutResult {
    pub address: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// The message redis-cli prints for values under 100 ms.
pub const TOO_LOW: &str = "Setting a node timeout of less than 100 milliseconds is a bad idea.";

/// Runs `set-timeout`.
pub async fn run(context: &Context, args: &SetTimeoutArgs) -> anyhow::Result<Exit> {
    if args.milliseconds < 100 {
        return Err(UsageError(TOO_LOW.into()).into());
    }
    let seed = seed_address(&args.node, None)?;
    let view = load_cluster_summary(&context.session, &seed).await?;
    let addresses: Vec<NodeAddress> = target_nodes(&view, false, false)
        .into_iter()
        .map(|n| n.address.clone())
        .collect();
    let value = args.milliseconds.to_string();
    let results = concurrently(addresses, |address| {
        let session = context.session.clone();
        let value = value.clone();
        async move {
            let outcome = set_on_node(&session, &address, &value).await;
            TimeoutResult {
                address: address.to_string(),
                ok: outcome.is_ok(),
                error: outcome.err().map(|e| error_text(&e)),
            }
        }
    })
    .await;
    let failed = results.iter().filter(|r| !r.ok).count();
    if context.output.json {
        json::print_json(&serde_json::json!({
            "ok": failed == 0, "milliseconds": args.milliseconds, "nodes": results,
        }));
    } else {
        context.output.print_lines(&render(&results));
    }
    Ok(Exit::from_clean(failed == 0))
}

async fn set_on_node(
    session: &crate::net::Session,
    address: &NodeAddress,
    value: &str,
) -> Result<(), NetError> {
    let mut client = session.client(address).await?;
    client
        .query::<()>(&["CONFIG", "SET", "cluster-node-timeout", value])
        .await?;
    client.query::<()>(&["CONFIG", "REWRITE"]).await
}

/// The server's own words for a server error; our message otherwise.
fn error_text(error: &NetError) -> String {
    match error {
        NetError::Server { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

fn render(results: &[TimeoutResult]) -> Vec<Line> {
    let mut lines = vec![Line::new(
        Level::Info,
        ">>> Reconfiguring node timeout in every cluster node...",
    )];
    for result in results {
        lines.push(match &result.error {
            None => Line::new(
                Level::Warn,
                format!("*** New timeout set for {}", result.address),
            ),
            Some(error) => Line::new(
                Level::Err,
                format!("ERR setting node-timeout for {}: {error}", result.address),
            ),
        });
    }
    let failed = results.iter().filter(|r| !r.ok).count();
    lines.push(Line::new(
        Level::Info,
        format!(
            ">>> New node timeout set. {} OK, {failed} ERR.",
            results.len() - failed
        ),
    ));
    lines
}
