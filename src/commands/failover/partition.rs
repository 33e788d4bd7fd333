//! `rcluster failover MASTER --drill --partition [--duration D] [--with-min-replicas N]`: resolves
//! the master, refuses what cannot be cut off alone on this host (a node not on a loopback address,
//! an address the master shares with another node, a node that does not answer, a master without a
//! replica), picks the majority client's address, runs `exec::partition` and builds the report.
//!
//! Exit 1 when no replica took over while the cut lasted, when the nodes did not agree again after
//! the heal or the old master did not sync again from the promoted replica, when a value read
//! back wrong, or when an acknowledged key could not be read back at all. Lost writes are the drill's measurement, not a
//! failure: without `min-replicas-to-write` an isolated master acknowledges writes until its node
//! timeout.

use super::{DrillOptions, Options};
use crate::commands::{Context, NodeRef};
use crate::error::UsageError;
use crate::exec::partition::{MIN_REPLICAS_MAX_LAG, Partition, PartitionOutcome};
use crate::report::Outcome;
use crate::topology::load_cluster_view;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr};

/// `min-replicas-*` as the drill set them.
#[derive(Debug, Serialize)]
pub struct MinReplicas {
    pub to_write: u32,
    pub max_lag_s: u32,
}

/// What the partition drill did and measured.
#[derive(Debug, Serialize)]
pub struct PartitionReport {
    /// The master that was cut off.
    pub master: NodeRef,
    /// The majority writer's own address.
    pub client_address: String,
    /// How long the cut lasted.
    pub duration_ms: u128,
    pub min_replicas: Option<MinReplicas>,
    #[serde(flatten)]
    pub outcome: PartitionOutcome,
}

impl PartitionReport {
    /// A replica took over, the nodes agreed again, no value read back wrong, and every
    /// acknowledged key could be read back (else the loss is not known).
    pub fn passed(&self) -> bool {
        let outcome = &self.outcome;
        outcome.promoted.is_some()
            && outcome.agreed_ms.is_some()
            && outcome.resynced_ms.is_some()
            && outcome.minority.wrong.is_empty()
            && outcome.majority.wrong.is_empty()
            && outcome.minority.unreadable.is_empty()
            && outcome.majority.unreadable.is_empty()
    }
}

pub(super) async fn run(
    context: &Context,
    options: &Options,
    drill: DrillOptions,
) -> anyhow::Result<Outcome> {
    let named = &options.replica;
    let view = load_cluster_view(&context.session, named).await?;
    for node in &view.nodes {
        let on_loopback = node
            .address
            .host
            .parse::<Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
        if !on_loopback {
            return Err(UsageError(format!(
                "the partition drill cuts loopback addresses of this host only (127.0.0.0/8), and {} is not one",
                node.address
            ))
            .into());
        }
        if !node.is_loaded() {
            return Err(UsageError(format!(
                "{} does not answer: the partition drill starts from a cluster whose nodes all answer",
                node.address
            ))
            .into());
        }
    }
    let master = view
        .nodes
        .iter()
        .find(|n| n.address == *named)
        .ok_or_else(|| UsageError(format!("{named} is not a node of this cluster")))?;
    if master.myself().master_id.is_some() || master.myself().slots.is_empty() {
        return Err(UsageError(format!(
            "{named} is not a master that serves slots: with --partition, name the master to cut off"
        ))
        .into());
    }
    if let Some(other) = view
        .nodes
        .iter()
        .find(|n| n.address.host == named.host && n.address != *named)
    {
        return Err(UsageError(format!(
            "{named} shares its address with {}, so rules between addresses cannot cut it off alone: start each node on its own address (`rcluster local up --spread-addresses`)",
            other.address
        ))
        .into());
    }
    let replicas: Vec<_> = view
        .nodes
        .iter()
        .filter(|n| n.myself().master_id.as_deref() == Some(master.id()))
        .map(|n| n.address.clone())
        .collect();
    if replicas.is_empty() {
        return Err(UsageError(format!(
            "{named} has no replica to take over: the drill would only show its slots unavailable"
        ))
        .into());
    }
    let used: Vec<&str> = view.nodes.iter().map(|n| n.address.host.as_str()).collect();
    let client_address = (200..=254)
        .map(|last| Ipv4Addr::new(127, 0, 0, last))
        .find(|ip| !used.contains(&ip.to_string().as_str()))
        .ok_or_else(|| {
            UsageError("no free address in 127.0.0.200-254 for the drill's client".into())
        })?;
    let nodes: Vec<_> = view.nodes.iter().map(|n| n.address.clone()).collect();
    crate::exec::partition::refuse_uncuttable(&context.session, &nodes).await?;
    let _lock = super::super::take_lock(context, &view, "failover").await?;
    let partition = Partition {
        master: named.clone(),
        replicas,
        masters: view
            .loaded_masters()
            .filter(|m| !m.myself().slots.is_empty())
            .map(|m| m.address.clone())
            .collect(),
        nodes,
        slots: master.myself().slots.iter().map(|s| s.number()).collect(),
        client_address: IpAddr::V4(client_address),
        duration: drill.duration,
        rate: drill.rate,
        wait: options.wait,
        min_replicas: drill.min_replicas,
    };
    let outcome =
        crate::exec::partition::run(&context.session, context.ui.as_ref(), &partition).await?;
    let report = PartitionReport {
        master: NodeRef::of(&view, master.id()),
        client_address: client_address.to_string(),
        duration_ms: drill.duration.as_millis(),
        min_replicas: drill.min_replicas.map(|to_write| MinReplicas {
            to_write,
            max_lag_s: MIN_REPLICAS_MAX_LAG,
        }),
        outcome,
    };
    let passed = report.passed();
    Ok(Outcome::clean_if(report, passed))
}
