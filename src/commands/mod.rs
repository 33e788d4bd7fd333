//! One file per subcommand, each with one entry function `run` that resolves options, loads, checks or
//! plans, renders and reports. [`Context`] carries what every command needs.

pub mod add_node;
pub mod apply;
pub mod backup;
pub mod call;
pub mod check;
pub mod completions;
pub mod create;
pub mod del_node;
pub mod doctor;
pub mod fix;
pub mod import;
pub mod info;
pub mod local;
pub mod moves;
pub mod rebalance;
pub mod reshard;
pub mod resume;
pub mod set_timeout;
pub mod setslot;

use crate::net::{NodeAddress, Session};
use crate::output::Output;
use std::sync::Arc;

/// Shared by every command: the connection session and the output settings.
pub struct Context {
    pub session: Arc<Session>,
    pub output: Output,
}

/// The seed address from `NODE [PORT]` positionals.
pub fn seed_address(node: &str, port: Option<&str>) -> anyhow::Result<NodeAddress> {
    Ok(NodeAddress::parse(node, port)?)
}

/// In redis-cli syntax, say on stderr which nodes could not be reached, as redis-cli does while loading.
pub fn report_unreachable_like_redis_cli(context: &Context, view: &crate::topology::ClusterView) {
    if !context.output.compat {
        return;
    }
    for node in view
        .nodes
        .iter()
        .filter(|n| !n.is_flagged_failed() && !n.seen_by_seed.flags.handshake)
    {
        if let Some(reason) = node.error() {
            eprintln!("Could not connect to Redis at {}: {reason}", node.address);
        }
    }
}

/// Slots a server is moving itself (Valkey's atomic migration) are not ours to repair or move
/// meanwhile (`fix`, `resume`).
pub async fn refuse_during_atomic_migration(
    context: &Context,
    view: &crate::topology::ClusterView,
) -> anyhow::Result<()> {
    let masters: Vec<_> = view.loaded_masters().map(|m| m.address.clone()).collect();
    let running = crate::exec::mover::Mover::running_jobs(&context.session, &masters).await;
    if running.is_empty() {
        return Ok(());
    }
    Err(crate::error::UsageError(format!(
        "a server-side slot migration is running ({}): wait for it to end (CLUSTER GETSLOTMIGRATIONS) or cancel it (CLUSTER CANCELSLOTMIGRATIONS on its source), then run this again",
        running.join("; ")
    ))
    .into())
}
