//! One file per subcommand, each with one entry function `run` that resolves options, loads, checks or
//! plans, renders and reports. [`Context`] carries what every command needs.

pub mod check;
pub mod completions;
pub mod info;
pub mod local;
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
