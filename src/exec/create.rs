//! The I/O of `create`: inspecting the offered nodes (reachable, cluster mode, empty) and applying a
//! [`CreatePlan`]: slots, config epochs, MEET, a bounded wait until every node knows every other,
//! REPLICATE, and a bounded wait until every node reports `cluster_state:ok` with one slot map.
//!
//! Used by the `create` command and by the local sandbox, so both form clusters the same way. Nothing
//! here prints; every wait polls every 20 ms up to a deadline.

use crate::net::{NetError, NodeAddress, Session, concurrently};
use crate::plan::create::{CreateNode, CreatePlan};
use crate::topology::load::load_tables;
use crate::topology::{ClusterView, load_cluster_view, parse_cluster_nodes};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A node offered to `create`, as inspected.
#[derive(Debug, Clone)]
pub struct NewNode {
    pub address: NodeAddress,
    pub id: String,
    /// The IP the host name resolved to (MEET needs an IP; placement compares these).
    pub ip: String,
    pub bus_port: Option<u16>,
}

/// Why `create` could not go on. Messages name the node and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error("cannot resolve {address}: {reason}; check the host name")]
    Resolve {
        address: NodeAddress,
        reason: String,
    },
    #[error(
        "{address} is not empty ({why}); empty it first: CLUSTER RESET HARD and FLUSHALL on that node, or stop it and delete its nodes.conf and data"
    )]
    NotEmpty { address: NodeAddress, why: String },
    #[error("{address}: unexpected reply: {what}")]
    Protocol { address: NodeAddress, what: String },
    #[error("{step} failed on {address}: {source}; {state}")]
    Apply {
        step: &'static str,
        address: NodeAddress,
        #[source]
        source: NetError,
        /// What the nodes were left with.
        state: String,
    },
    #[error("timed out after {seconds} s waiting until {what}; {state}")]
    Timeout {
        what: &'static str,
        seconds: u64,
        state: String,
    },
}

/// Inspects every node at once: reachable, in cluster mode, empty (no keys, knows no other node, no
/// slots). Returns them in argument order.
pub async fn inspect_new_nodes(
    session: &Arc<Session>,
    addresses: &[NodeAddress],
) -> Result<Vec<NewNode>, CreateError> {
    let inspected = concurrently(addresses.to_vec(), |address| {
        let session = Arc::clone(session);
        async move { inspect_one(&session, address).await }
    })
    .await;
    inspected.into_iter().collect()
}

async fn inspect_one(session: &Session, address: NodeAddress) -> Result<NewNode, CreateError> {
    let mut client = session.client(&address).await?;
    let info = client.cluster_info().await?;
    let keys = client.keyspace().await?.total();
    let text = client.cluster_nodes().await?;
    let known = info
        .get("cluster_known_nodes")
        .map(String::as_str)
        .unwrap_or("1");
    let assigned = info
        .get("cluster_slots_assigned")
        .map(String::as_str)
        .unwrap_or("0");
    let why = if keys > 0 {
        Some(format!("{keys} keys"))
    } else if known != "1" {
        Some(format!("it already knows {known} nodes"))
    } else if assigned != "0" {
        Some(format!("{assigned} slots assigned"))
    } else {
        None
    };
    if let Some(why) = why {
        return Err(CreateError::NotEmpty { address, why });
    }
    let protocol = |what: String| CreateError::Protocol {
        address: address.clone(),
        what,
    };
    let entries = parse_cluster_nodes(&text).map_err(|e| protocol(e.to_string()))?;
    let me = entries
        .into_iter()
        .find(|e| e.flags.myself)
        .ok_or_else(|| protocol("CLUSTER NODES has no myself line".into()))?;
    let ip = resolve(&address).await?;
    Ok(NewNode {
        id: me.id,
        bus_port: me.addr.bus_port,
        ip,
        address,
    })
}

/// The IP a node's host resolves to (IPv4 first).
pub async fn resolve(address: &NodeAddress) -> Result<String, CreateError> {
    let found = tokio::net::lookup_host((address.host.as_str(), address.port))
        .await
        .map_err(|e| CreateError::Resolve {
            address: address.clone(),
            reason: e.to_string(),
        })?;
    let mut ips: Vec<std::net::IpAddr> = found.map(|a| a.ip()).collect();
    ips.sort_by_key(|ip| !ip.is_ipv4());
    ips.first()
        .map(|ip| ip.to_string())
        .ok_or_else(|| CreateError::Resolve {
            address: address.clone(),
            reason: "no address found".into(),
        })
}

/// The planner's view of the inspected nodes: hosts compared after resolution.
pub fn placement_nodes(
    nodes: &[NewNode],
    zone_of: impl Fn(&NewNode) -> Option<String>,
) -> Vec<CreateNode> {
    nodes
        .iter()
        .map(|n| CreateNode {
            address: n.address.clone(),
            host: n.ip.clone(),
            zone: zone_of(n),
        })
        .collect()
}

/// How far `apply_create` got, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Progress {
    Nothing,
    Slots,
    Epochs,
    Met,
    Replicated,
}

impl Progress {
    fn describe(self) -> String {
        match self {
            Progress::Nothing => "no node was changed".into(),
            Progress::Slots => "the masters have their slots but have not met; reset them (CLUSTER RESET HARD) before retrying".into(),
            Progress::Epochs => "slots and config epochs are set but the nodes have not met; reset them (CLUSTER RESET HARD) before retrying".into(),
            Progress::Met => "the nodes have met and own their slots, some replicas may not be attached; run `rcluster check` to see".into(),
            Progress::Replicated => "the cluster is formed but not yet healthy; run `rcluster check` to see".into(),
        }
    }
}

/// Applies `plan` to `nodes` (argument order, as planned): the cluster is reported formed only when
/// every node says `cluster_state:ok` and all agree on the slot map.
pub async fn apply_create(
    session: &Arc<Session>,
    nodes: &[NewNode],
    plan: &CreatePlan,
    deadline: Duration,
) -> Result<(), CreateError> {
    let deadline = Instant::now() + deadline;
    assign_slots(session, nodes, plan)
        .await
        .map_err(|e| e.into_apply(Progress::Nothing))?;
    set_epochs(session, nodes)
        .await
        .map_err(|e| e.into_apply(Progress::Slots))?;
    meet_all(session, nodes)
        .await
        .map_err(|e| e.into_apply(Progress::Epochs))?;
    let addresses: Vec<NodeAddress> = nodes.iter().map(|n| n.address.clone()).collect();
    wait_until(
        deadline,
        "every node knows every other",
        Progress::Met,
        || all_nodes_known(session, &addresses),
    )
    .await?;
    replicate(session, nodes, plan)
        .await
        .map_err(|e| e.into_apply(Progress::Met))?;
    wait_until(
        deadline,
        "every node reports cluster_state:ok with one slot map",
        Progress::Replicated,
        || cluster_healthy(session, &addresses, plan.replicas.len()),
    )
    .await
}

/// A failed step, before it is told how far `apply_create` had got.
struct StepError {
    step: &'static str,
    address: NodeAddress,
    source: NetError,
}

impl StepError {
    fn into_apply(self, progress: Progress) -> CreateError {
        CreateError::Apply {
            step: self.step,
            address: self.address,
            source: self.source,
            state: progress.describe(),
        }
    }
}

/// Runs `step` on each (address, argument) pair at once; the first failure wins.
async fn on_each<F, Fut>(
    session: &Arc<Session>,
    name: &'static str,
    work: Vec<(NodeAddress, Vec<String>)>,
    step: F,
) -> Result<(), StepError>
where
    F: Fn(crate::net::NodeClient, Vec<String>) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), NetError>> + Send + 'static,
{
    let results = concurrently(work, |(address, args)| {
        let session = Arc::clone(session);
        let step = step.clone();
        async move {
            let outcome = match session.client(&address).await {
                Ok(client) => step(client, args).await,
                Err(error) => Err(error),
            };
            outcome.map_err(|source| StepError {
                step: name,
                address,
                source,
            })
        }
    })
    .await;
    results.into_iter().collect()
}

/// ADDSLOTSRANGE on every master (ADDSLOTS on servers older than 7.0).
async fn assign_slots(
    session: &Arc<Session>,
    nodes: &[NewNode],
    plan: &CreatePlan,
) -> Result<(), StepError> {
    let work = plan
        .masters
        .iter()
        .map(|m| {
            (
                nodes[m.node].address.clone(),
                vec![m.first.to_string(), m.last.to_string()],
            )
        })
        .collect();
    on_each(
        session,
        "CLUSTER ADDSLOTSRANGE",
        work,
        |mut client, range| async move {
            let ranged = client
                .query::<()>(&["CLUSTER", "ADDSLOTSRANGE", &range[0], &range[1]])
                .await;
            match ranged {
                Err(NetError::Server { message, .. })
                    if message.to_ascii_lowercase().contains("unknown subcommand") =>
                {
                    let first: u16 = range[0].parse().unwrap_or(0);
                    let last: u16 = range[1].parse().unwrap_or(0);
                    let slots: Vec<String> = (first..=last).map(|s| s.to_string()).collect();
                    let mut args = vec!["CLUSTER", "ADDSLOTS"];
                    args.extend(slots.iter().map(String::as_str));
                    client.query::<()>(&args).await
                }
                other => other,
            }
        },
    )
    .await
}

/// A distinct config epoch per node (1, 2, ...), so no two masters start with the same epoch.
async fn set_epochs(session: &Arc<Session>, nodes: &[NewNode]) -> Result<(), StepError> {
    let work = nodes
        .iter()
        .enumerate()
        .map(|(index, n)| (n.address.clone(), vec![(index + 1).to_string()]))
        .collect();
    on_each(
        session,
        "CLUSTER SET-CONFIG-EPOCH",
        work,
        |mut client, epoch| async move {
            client
                .query::<()>(&["CLUSTER", "SET-CONFIG-EPOCH", &epoch[0]])
                .await
        },
    )
    .await
}

/// Every node meets every node after it in the list (one pipeline per node, all nodes at once), so
/// nobody waits for gossip to introduce the others.
async fn meet_all(session: &Arc<Session>, nodes: &[NewNode]) -> Result<(), StepError> {
    let meet_args = |node: &NewNode| {
        let mut args = vec![node.ip.clone(), node.address.port.to_string()];
        if let Some(bus) = node
            .bus_port
            .filter(|&bus| u32::from(bus) != u32::from(node.address.port) + 10000)
        {
            args.push(bus.to_string());
        }
        args
    };
    let work = nodes
        .iter()
        .enumerate()
        .map(|(index, node)| {
            let targets: Vec<String> = nodes[index + 1..]
                .iter()
                .map(|n| meet_args(n).join(" "))
                .collect();
            (node.address.clone(), targets)
        })
        .filter(|(_, targets)| !targets.is_empty())
        .collect();
    on_each(
        session,
        "CLUSTER MEET",
        work,
        |mut client, targets| async move {
            let mut pipe = redis::pipe();
            for target in &targets {
                pipe.cmd("CLUSTER")
                    .arg("MEET")
                    .arg(target.split(' ').collect::<Vec<_>>())
                    .ignore();
            }
            client.pipeline::<()>(&pipe, "CLUSTER MEET").await
        },
    )
    .await
}

/// REPLICATE for every planned replica.
async fn replicate(
    session: &Arc<Session>,
    nodes: &[NewNode],
    plan: &CreatePlan,
) -> Result<(), StepError> {
    let work = plan
        .replicas
        .iter()
        .map(|r| {
            let master = &nodes[plan.masters[r.master].node];
            (nodes[r.node].address.clone(), vec![master.id.clone()])
        })
        .collect();
    on_each(
        session,
        "CLUSTER REPLICATE",
        work,
        |mut client, master| async move {
            client
                .query::<()>(&["CLUSTER", "REPLICATE", &master[0]])
                .await
        },
    )
    .await
}

/// Waits until `probe` says yes, or fails with how far `apply_create` had got.
async fn wait_until<F, Fut>(
    deadline: Instant,
    what: &'static str,
    progress: Progress,
    probe: F,
) -> Result<(), CreateError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    if super::poll_until(deadline, probe).await {
        return Ok(());
    }
    Err(CreateError::Timeout {
        what,
        seconds: started.elapsed().as_secs(),
        state: progress.describe(),
    })
}

/// Every node lists every node, none in handshake.
async fn all_nodes_known(session: &Arc<Session>, addresses: &[NodeAddress]) -> bool {
    let rule = crate::topology::settled::Settled {
        members: Some(addresses.len()),
        ..Default::default()
    };
    rule.holds(&load_tables(session, addresses).await)
}

/// Every node says `cluster_state:ok`, and one view shows every node loaded, one slot map, full
/// coverage and every planned replica attached.
pub async fn cluster_healthy(
    session: &Arc<Session>,
    addresses: &[NodeAddress],
    replicas: usize,
) -> bool {
    let states = concurrently(addresses.to_vec(), |address| {
        let session = Arc::clone(session);
        async move { session.client(&address).await?.cluster_info().await }
    })
    .await;
    let all_ok = states.iter().all(
        |s| matches!(s, Ok(info) if info.get("cluster_state").map(String::as_str) == Some("ok")),
    );
    all_ok
        && view_is_formed(
            load_cluster_view(session, &addresses[0]).await.ok(),
            addresses.len(),
            replicas,
        )
}

fn view_is_formed(view: Option<ClusterView>, nodes: usize, replicas: usize) -> bool {
    view.is_some_and(|view| {
        let report = crate::topology::check::check_cluster(&view, None);
        let attached = view
            .loaded()
            .filter(|n| n.myself().flags.replica)
            .filter(|n| view.master_of(n).is_some())
            .count();
        report.is_clean_for_redis_cli() && view.loaded().count() == nodes && attached == replicas
    })
}
