//! One file per subcommand, each with one entry function `run` that resolves options, loads, checks or
//! plans, renders and reports. [`Context`] carries what every command needs.

pub mod add_node;
pub mod apply;
pub mod backup;
pub mod call;
pub mod check;
pub mod create;
pub mod del_node;
pub mod doctor;
pub mod failover;
pub mod fix;
pub mod import;
pub mod info;
pub mod local;
pub mod metrics;
pub mod moves;
pub mod rebalance;
pub mod reshard;
pub mod restore;
pub mod resume;
pub mod set_timeout;
pub mod setslot;
pub mod watch;

use crate::net::Session;
use std::sync::Arc;

/// Shared by every command: the connection session, where events and questions go, and the syntax
/// the command line was given in (redis-cli syntax keeps redis-cli's semantics, not only its lines).
#[derive(Clone)]
pub struct Context {
    pub session: Arc<Session>,
    pub ui: Arc<dyn crate::report::Reporter>,
    pub syntax: Syntax,
    /// `--break-lock`: take the cluster's lock whoever holds it (docs/lock.md).
    pub break_lock: bool,
}

/// How the command line was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Native,
    RedisCli,
}

impl Context {
    /// What the run driver (`exec::run`) works with.
    pub fn driver(&self) -> crate::exec::run::Driver {
        crate::exec::run::Driver {
            session: Arc::clone(&self.session),
            ui: Arc::clone(&self.ui),
            break_lock: self.break_lock,
        }
    }

    /// Whether the command line was in redis-cli syntax.
    pub fn redis_cli(&self) -> bool {
        self.syntax == Syntax::RedisCli
    }
}

/// The nodes that could not be reached while loading (those not already flagged failed).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unreachable {
    pub nodes: Vec<UnreachableNode>,
}

/// One node that could not be reached.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnreachableNode {
    pub address: String,
    pub reason: String,
}

impl Unreachable {
    pub fn of(view: &crate::topology::ClusterView) -> Unreachable {
        let nodes = view
            .nodes
            .iter()
            .filter_map(|node| match node.error() {
                // redis-cli tries every node it is told of, failed ones too, and says so only when
                // the connection itself fails.
                Some(crate::topology::Unread::Net(net)) => {
                    net.hiredis_reason().map(|reason| UnreachableNode {
                        address: node.address.to_string(),
                        reason: reason.to_string(),
                    })
                }
                _ => None,
            })
            .collect();
        Unreachable { nodes }
    }
}

/// Says which nodes could not be reached, as redis-cli does while loading (its view only).
pub fn report_unreachable_like_redis_cli(context: &Context, view: &crate::topology::ClusterView) {
    context.ui.section(&Unreachable::of(view));
}

/// Takes the cluster's lock for `command` (this host's and the cluster's lease, docs/lock.md): every
/// command that changes membership or slot ownership holds it while it runs. Refused (exit 1),
/// naming the holder, when another run holds it.
pub async fn take_lock(
    context: &Context,
    view: &crate::topology::ClusterView,
    command: &str,
) -> anyhow::Result<crate::exec::lock::ClusterLock> {
    context.driver().lock(view, command).await
}

/// This host's lock alone, for a dry run: it changes nothing (and needs no right to write the
/// lease), but should not plan over a run of this host.
pub fn take_local_lock(
    view: &crate::topology::ClusterView,
    command: &str,
) -> anyhow::Result<crate::exec::lock::ClusterLock> {
    Ok(crate::exec::lock::lock_here(view, command)?.into())
}

/// Slots a server is moving itself (Valkey's or Redis's atomic migration) are not ours to repair
/// or move meanwhile (`fix`, `resume`, `setslot`): [`crate::exec::run::refuse_during_server_side_moves`].
pub async fn refuse_during_atomic_migration(
    context: &Context,
    view: &crate::topology::ClusterView,
) -> anyhow::Result<()> {
    crate::exec::run::refuse_during_server_side_moves(&context.driver(), view).await
}

/// A refusal in redis-cli's words, on the stream redis-cli uses (redis-cli syntax only: natively the
/// same refusal is an error that says what to run).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RedisCliRefusal {
    pub refused: String,
    /// redis-cli writes it to stderr (otherwise stdout).
    #[serde(skip)]
    pub on_stderr: bool,
}

impl RedisCliRefusal {
    /// The outcome: exit 1, as redis-cli's.
    pub fn outcome(refused: &str, on_stderr: bool) -> crate::report::Outcome {
        let report = RedisCliRefusal {
            refused: refused.to_string(),
            on_stderr,
        };
        crate::report::Outcome::new(report, crate::error::Exit::Problems)
    }
}

/// A node named both ways (docs/json.md: `id` and `address`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NodeRef {
    pub id: String,
    pub address: String,
}

impl NodeRef {
    /// The node with this id in `view`; an id no node has keeps an empty address.
    pub fn of(view: &crate::topology::ClusterView, id: &str) -> NodeRef {
        NodeRef {
            id: id.to_string(),
            address: view
                .node_by_id(id)
                .map(|n| n.address.to_string())
                .unwrap_or_default(),
        }
    }
}
