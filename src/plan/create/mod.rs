//! Placement for `create`: which of the offered nodes become masters, which slots each master owns,
//! and which master every other node replicates.
//!
//! [`plan_create`] is a pure, deterministic function of the nodes (with their resolved hosts and
//! optional failure zones) and the replica count; `commands::create` renders its [`CreatePlan`],
//! asks, and applies it. Without zones it reproduces redis-cli's planning
//! (`clusterManagerCommandCreate()`): the same host interleaving, the same masters, the same float
//! slot arithmetic and, whenever redis-cli's first replica pass is already as good as possible, the
//! same "Adding replica" lines. Where redis-cli then swaps replicas at random to improve
//! anti-affinity, this planner computes the best placement exactly (as a minimum-cost flow). It
//! minimises, in this order: replicas on their master's host, replicas in their master's zone, and
//! replicas of one master sharing a host. Whatever cannot be avoided is listed as a [`Conflict`].
//!
//! This module holds the public types, [`plan_create`], the input checks, [`CreatePlan::validate`]
//! and the sentences for conflicts. The steps live beside it: `masters.rs` (which nodes become
//! masters, and their slot ranges), `replicas.rs` (which master each replica follows, the
//! conflicts and their score, the greedy and the optimal assignment) and `flow.rs` (the generic
//! minimum-cost flow network the optimal assignment is solved with). Tests are in `tests.rs`.

mod flow;
mod masters;
mod replicas;

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::net::NodeAddress;
use crate::topology::{SLOT_COUNT, Slot};

use masters::{interleave, slot_ranges, to_slot};
use replicas::{
    Placement, find_conflicts, place_replicas, replica_seats, rotated_left, to_replicas,
};

/// The fewest masters `create` accepts (redis-cli's rule: a failover needs a majority of masters).
pub const MIN_MASTERS: usize = 3;

/// A node offered to `create`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateNode {
    pub address: NodeAddress,
    /// The host after name resolution (e.g. the IP): nodes with equal `host` share a machine.
    pub host: String,
    /// Failure zone (rack, availability zone), when the user gave one.
    pub zone: Option<String>,
}

/// A node that becomes a master and the contiguous slot range it gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedMaster {
    /// Index into the nodes given to [`plan_create`].
    pub node: usize,
    pub first: Slot,
    pub last: Slot,
}

/// A node that becomes a replica.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedReplica {
    /// Index into the nodes given to [`plan_create`].
    pub node: usize,
    /// Index into [`CreatePlan::masters`].
    pub master: usize,
}

/// What is wrong with a replica's placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The replica is on its master's host.
    SameHost,
    /// The replica is in its master's zone (on its host or another).
    SameZone,
    /// Two replicas of one master share a host (other than the master's own, which `SameHost`
    /// covers).
    SiblingsSameHost,
}

/// A placement flaw that could not be avoided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// Input index of the replica.
    pub replica: usize,
    /// Input index of the master (for `SiblingsSameHost`: of the master both replicate).
    pub master: usize,
    /// Input index of the other replica for `SiblingsSameHost` (the one listed first), else `None`.
    pub other: Option<usize>,
}

/// The planned cluster: masters with their slots, replicas with their masters, and the flaws left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatePlan {
    /// `Master[0]`, `Master[1]`, ... in order; their ranges cover slots 0-16383 in that order.
    pub masters: Vec<PlannedMaster>,
    /// In the order redis-cli prints its "Adding replica" lines: `replicas` per master in master
    /// order, then the extra pass ("Adding extra replicas...") that gives the nodes left over one
    /// more replica each, again in master order.
    pub replicas: Vec<PlannedReplica>,
    /// Every flaw left, in replica order; empty means perfect anti-affinity.
    pub conflicts: Vec<Conflict>,
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreatePlanError {
    /// `nodes / (replicas + 1)` is below [`MIN_MASTERS`].
    #[error(
        "Redis Cluster needs at least 3 masters: {nodes} nodes with {replicas} replicas each give only {}; use at least {} nodes or fewer --replicas",
        masters_from(*.nodes, *.replicas),
        nodes_needed(*.replicas)
    )]
    TooFewMasters { nodes: usize, replicas: usize },
    /// More masters than slots.
    #[error(
        "Redis Cluster has 16384 slots, so at most 16384 masters: {nodes} nodes with {replicas} replicas each give {}; use fewer nodes or more --replicas",
        masters_from(*.nodes, *.replicas)
    )]
    TooManyMasters { nodes: usize, replicas: usize },
    /// The same address appears twice.
    #[error("node {address} is given twice")]
    Duplicate { address: String },
    /// Two addresses resolve to the same host and port.
    #[error("{first} and {second} are the same node (both are {host} port {port})")]
    SameNode {
        first: String,
        second: String,
        host: String,
        port: u16,
    },
    /// The plan broke its own invariants: a bug in this module.
    #[error("{0}")]
    Invalid(String),
}

/// Plans a new cluster of `nodes` with `replicas` replicas per master.
///
/// `nodes.len() / (replicas + 1)` nodes become masters (at least 3); the others become replicas,
/// the ones left over after `replicas` each going one more per master in master order. The same
/// input always gives the same plan.
pub fn plan_create(nodes: &[CreateNode], replicas: usize) -> Result<CreatePlan, CreatePlanError> {
    // 1. Refuse what cannot become a cluster.
    reject_duplicates(nodes)?;
    let master_count = count_masters(nodes.len(), replicas)?;

    // 2. Interleave hosts (and zones); the first nodes of that order become the masters.
    let order = interleave(nodes);
    let (master_nodes, rest) = order.split_at(master_count);

    // 3. Give the masters contiguous slot ranges, with redis-cli's arithmetic.
    let masters = master_nodes
        .iter()
        .zip(slot_ranges(master_count))
        .map(|(&node, (first, last))| {
            Ok(PlannedMaster {
                node,
                first: to_slot(first)?,
                last: to_slot(last)?,
            })
        })
        .collect::<Result<Vec<_>, CreatePlanError>>()?;

    // 4. Seat the replicas: the master of each replica, in redis-cli's "Adding replica" order.
    let seats = replica_seats(master_count, replicas, rest.len());

    // 5. Choose the node for each seat, from the rest rotated left by one as redis-cli does.
    let placement = Placement {
        nodes,
        masters: master_nodes,
    };
    let candidates = rotated_left(rest);
    let assignment = place_replicas(&placement, &seats, &candidates);

    // 6. Assemble, list the flaws left, and check the result.
    let replicas_planned = to_replicas(&seats, &assignment);
    let conflicts = find_conflicts(&placement, &replicas_planned);
    let plan = CreatePlan {
        masters,
        replicas: replicas_planned,
        conflicts,
    };
    plan.validate(nodes, replicas)
        .map_err(CreatePlanError::Invalid)?;
    Ok(plan)
}

impl CreatePlan {
    /// Checks the plan's invariants: the master count, every slot assigned exactly once (ranges in
    /// master order and contiguous), each node used exactly once, every replica's master exists,
    /// replicas in seat order with the counts [`plan_create`] promises, and the conflict list. A
    /// failure is a bug in the planner, and the message says so.
    pub fn validate(&self, nodes: &[CreateNode], replicas: usize) -> Result<(), String> {
        self.check_master_count(nodes.len(), replicas)
            .and_then(|()| self.check_slot_ranges())
            .and_then(|()| self.check_node_use(nodes.len()))
            .and_then(|()| self.check_replica_seats(nodes.len(), replicas))
            .and_then(|()| self.check_conflicts(nodes))
            .map_err(|problem| format!("bug in the create planner: {problem}"))
    }

    /// One sentence per conflict, e.g. "replica 10.0.0.1:7003 is on the same host (10.0.0.1) as
    /// its master 10.0.0.1:7000".
    pub fn describe_conflicts(&self, nodes: &[CreateNode]) -> Vec<String> {
        self.conflicts
            .iter()
            .map(|conflict| describe_conflict(conflict, nodes))
            .collect()
    }

    fn check_master_count(&self, node_count: usize, replicas: usize) -> Result<(), String> {
        let expected = masters_from(node_count, replicas);
        if self.masters.len() == expected {
            Ok(())
        } else {
            Err(format!(
                "{} masters planned for {node_count} nodes with {replicas} replicas each, expected {expected}",
                self.masters.len()
            ))
        }
    }

    fn check_slot_ranges(&self) -> Result<(), String> {
        let mut next = 0u32;
        for (index, master) in self.masters.iter().enumerate() {
            let (first, last) = (
                u32::from(master.first.number()),
                u32::from(master.last.number()),
            );
            if first != next {
                return Err(format!(
                    "Master[{index}] starts at slot {first}, expected {next}"
                ));
            }
            if last < first {
                return Err(format!(
                    "Master[{index}] has the empty range {first}-{last}"
                ));
            }
            next = last + 1;
        }
        if next == u32::from(SLOT_COUNT) {
            Ok(())
        } else {
            Err(format!("slots {next}-{} are not assigned", SLOT_COUNT - 1))
        }
    }

    fn check_node_use(&self, node_count: usize) -> Result<(), String> {
        let mut used = vec![false; node_count];
        let master_nodes = self.masters.iter().map(|master| master.node);
        for node in master_nodes.chain(self.replicas.iter().map(|replica| replica.node)) {
            match used.get_mut(node) {
                None => return Err(format!("node #{node} does not exist ({node_count} given)")),
                Some(true) => return Err(format!("node #{node} is used twice")),
                Some(seen) => *seen = true,
            }
        }
        match self
            .replicas
            .iter()
            .find(|r| r.master >= self.masters.len())
        {
            Some(replica) => Err(format!(
                "node #{} replicates Master[{}], which does not exist",
                replica.node, replica.master
            )),
            None => Ok(()),
        }
    }

    fn check_replica_seats(&self, node_count: usize, replicas: usize) -> Result<(), String> {
        let available = node_count.saturating_sub(self.masters.len());
        let seats = replica_seats(self.masters.len(), replicas, available);
        if self.replicas.len() != seats.len() {
            return Err(format!(
                "{} replicas planned, expected {}",
                self.replicas.len(),
                seats.len()
            ));
        }
        let misplaced = self
            .replicas
            .iter()
            .zip(&seats)
            .position(|(r, &seat)| r.master != seat);
        match misplaced {
            Some(index) => Err(format!(
                "replica #{index} follows Master[{}], expected Master[{}]",
                self.replicas[index].master, seats[index]
            )),
            None => Ok(()),
        }
    }

    fn check_conflicts(&self, nodes: &[CreateNode]) -> Result<(), String> {
        let master_nodes: Vec<usize> = self.masters.iter().map(|master| master.node).collect();
        let placement = Placement {
            nodes,
            masters: &master_nodes,
        };
        if find_conflicts(&placement, &self.replicas) == self.conflicts {
            Ok(())
        } else {
            Err("the conflict list does not match the placement".to_string())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation of the input

/// How many masters `nodes` nodes with `replicas` replicas each give (0 when `replicas + 1`
/// overflows).
fn masters_from(nodes: usize, replicas: usize) -> usize {
    replicas.checked_add(1).map_or(0, |group| nodes / group)
}

/// The fewest nodes that give [`MIN_MASTERS`] masters with `replicas` replicas each.
fn nodes_needed(replicas: usize) -> usize {
    replicas.saturating_add(1).saturating_mul(MIN_MASTERS)
}

fn count_masters(nodes: usize, replicas: usize) -> Result<usize, CreatePlanError> {
    let masters = masters_from(nodes, replicas);
    if masters < MIN_MASTERS {
        Err(CreatePlanError::TooFewMasters { nodes, replicas })
    } else if masters > usize::from(SLOT_COUNT) {
        Err(CreatePlanError::TooManyMasters { nodes, replicas })
    } else {
        Ok(masters)
    }
}

/// Refuses an address given twice, and two addresses that resolve to the same host and port.
fn reject_duplicates(nodes: &[CreateNode]) -> Result<(), CreatePlanError> {
    let mut addresses = HashSet::new();
    let mut endpoints: HashMap<(&str, u16), &NodeAddress> = HashMap::new();
    for node in nodes {
        if !addresses.insert(&node.address) {
            return Err(CreatePlanError::Duplicate {
                address: node.address.to_string(),
            });
        }
        match endpoints.entry((&node.host, node.address.port)) {
            Entry::Occupied(earlier) => {
                return Err(CreatePlanError::SameNode {
                    first: earlier.get().to_string(),
                    second: node.address.to_string(),
                    host: node.host.clone(),
                    port: node.address.port,
                });
            }
            Entry::Vacant(slot) => {
                slot.insert(&node.address);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rendering

fn describe_conflict(conflict: &Conflict, nodes: &[CreateNode]) -> String {
    let address = |index: usize| {
        nodes
            .get(index)
            .map_or_else(|| format!("node #{index}"), |node| node.address.to_string())
    };
    let replica = nodes.get(conflict.replica);
    let host = replica.map_or("?", |node| node.host.as_str());
    match conflict.kind {
        ConflictKind::SameHost => format!(
            "replica {} is on the same host ({host}) as its master {}",
            address(conflict.replica),
            address(conflict.master)
        ),
        ConflictKind::SameZone => {
            let zone = replica.and_then(|node| node.zone.as_deref()).unwrap_or("?");
            format!(
                "replica {} is in zone {zone} with its master {}: {}",
                address(conflict.replica),
                address(conflict.master),
                why_same_zone(zone, nodes)
            )
        }
        ConflictKind::SiblingsSameHost => format!(
            "replicas {} and {} of master {} are on the same host ({host})",
            conflict.other.map_or_else(|| "?".to_string(), address),
            address(conflict.replica),
            address(conflict.master)
        ),
    }
}

/// Why a replica stayed in its master's `zone` in an optimal plan: the other zones hold too few
/// nodes to take it (or there is no other zone).
fn why_same_zone(zone: &str, nodes: &[CreateNode]) -> String {
    let others: BTreeSet<&str> = nodes
        .iter()
        .filter_map(|node| node.zone.as_deref())
        .filter(|other| *other != zone)
        .collect();
    let others: Vec<String> = others.into_iter().map(str::to_string).collect();
    match others.as_slice() {
        [] => format!("every node is in zone {zone}"),
        [other] => format!("zone {other} has too few nodes"),
        [first @ .., last] => format!("zones {} and {last} have too few nodes", first.join(", ")),
    }
}

#[cfg(test)]
mod tests;
