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

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

use serde::Serialize;

use crate::net::NodeAddress;
use crate::topology::{SLOT_COUNT, Slot};

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
    /// The replica is in its master's zone (on another host).
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
// Master choice

/// What a node is spread by: its zone, or, without one, its own host standing in for a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SpreadGroup<'a> {
    Zone(&'a str),
    Host(&'a str),
}

/// The input indices in interleaved order; its first nodes become the masters.
///
/// Hosts are ordered round-robin over spread groups (zones, in order of first appearance; a node
/// without a zone is a group of its own host), each group's hosts in order of first appearance.
/// Nodes are then taken round-robin over that host order, each host's nodes in argument order.
/// Without zones every group is one host, which is exactly redis-cli's interleaving. Interleaving
/// hosts (rather than nodes) by zone makes the first `k` nodes cover `min(k, hosts)` hosts and
/// `min(k, zones)` zones at once; rotating zones node by node would put a second master on a
/// single-host zone's host before the other zones' hosts had one.
fn interleave(nodes: &[CreateNode]) -> Vec<usize> {
    // 1. Gather groups, each with its hosts, each with its nodes.
    let mut groups: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut group_index: HashMap<SpreadGroup, usize> = HashMap::new();
    let mut host_index: HashMap<(SpreadGroup, &str), usize> = HashMap::new();
    for (index, node) in nodes.iter().enumerate() {
        let group = match &node.zone {
            Some(zone) => SpreadGroup::Zone(zone),
            None => SpreadGroup::Host(&node.host),
        };
        let group_position = *group_index.entry(group).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        let hosts = &mut groups[group_position];
        let host_position = *host_index.entry((group, &node.host)).or_insert_with(|| {
            hosts.push(Vec::new());
            hosts.len() - 1
        });
        hosts[host_position].push(index);
    }
    // 2. Order the hosts round-robin over the groups, then the nodes round-robin over the hosts.
    round_robin(round_robin(groups))
}

/// Takes the first item of each queue, then the second of each, and so on, skipping empty queues.
fn round_robin<T>(queues: Vec<Vec<T>>) -> Vec<T> {
    let total = queues.iter().map(Vec::len).sum();
    let mut queues: Vec<_> = queues.into_iter().map(Vec::into_iter).collect();
    let mut merged = Vec::with_capacity(total);
    while merged.len() < total {
        merged.extend(queues.iter_mut().filter_map(Iterator::next));
    }
    merged
}

// ---------------------------------------------------------------------------------------------
// Slots

/// Inclusive slot ranges for `masters` masters, `Master[0]` first.
///
/// redis-cli's float arithmetic whenever it is balanced (sizes differ by at most one), so the
/// output is byte-identical; that holds for every count up to 2687 masters. From 2688 masters on,
/// f32 rounding drift makes some ranges two slots apart (and from 7542 on, loses slots), so those
/// counts use exact integer arithmetic instead (`i * 16384 / masters`).
fn slot_ranges(masters: usize) -> Vec<(u32, u32)> {
    let ranges = redis_cli_slot_ranges(masters);
    if is_balanced(&ranges) {
        ranges
    } else {
        even_slot_ranges(masters)
    }
}

/// redis-cli's loop: `spn = 16384 / masters` and a cursor in f32, `last = lround(cursor + spn - 1)`
/// (round half away from zero), the last master ending at 16383, `last` never below `first`.
fn redis_cli_slot_ranges(masters: usize) -> Vec<(u32, u32)> {
    let slot_count = i64::from(SLOT_COUNT);
    let per_master = f32::from(SLOT_COUNT) / masters as f32;
    let mut cursor = 0f32;
    let mut first = 0i64;
    let mut ranges = Vec::with_capacity(masters);
    for index in 0..masters {
        let mut last = (cursor + per_master - 1.0).round() as i64;
        if last > slot_count || index + 1 == masters {
            last = slot_count - 1;
        }
        last = last.max(first);
        ranges.push((clamp_to_u32(first), clamp_to_u32(last)));
        first = last + 1;
        cursor += per_master;
    }
    ranges
}

fn clamp_to_u32(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// `Master[i]` gets `[i * 16384 / masters, (i + 1) * 16384 / masters - 1]`.
fn even_slot_ranges(masters: usize) -> Vec<(u32, u32)> {
    let boundary = |index: usize| (index * usize::from(SLOT_COUNT) / masters) as u32;
    (0..masters)
        .map(|index| (boundary(index), boundary(index + 1) - 1))
        .collect()
}

/// Whether the ranges cover 0-16383 contiguously, none empty, sizes differing by at most one.
fn is_balanced(ranges: &[(u32, u32)]) -> bool {
    let mut next = 0u32;
    for &(first, last) in ranges {
        if first != next || last < first {
            return false;
        }
        next = last + 1;
    }
    let sizes = ranges.iter().map(|&(first, last)| last - first + 1);
    let smallest = sizes.clone().min().unwrap_or(0);
    let largest = sizes.max().unwrap_or(0);
    next == u32::from(SLOT_COUNT) && largest - smallest <= 1
}

fn to_slot(number: u32) -> Result<Slot, CreatePlanError> {
    Slot::new(u64::from(number)).ok_or_else(|| {
        CreatePlanError::Invalid(format!(
            "bug in the create planner: slot {number} is out of range"
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Replica seats and scoring

/// The master (index into the masters) of each replica, in redis-cli's order: `replicas` seats per
/// master in master order, then the `available - masters * replicas` nodes left over one per
/// master in master order (redis-cli stops after one extra pass and leaves any further nodes
/// without a role; this planner keeps going round so that every node is used).
fn replica_seats(masters: usize, replicas: usize, available: usize) -> Vec<usize> {
    if masters == 0 {
        return Vec::new();
    }
    let regular = masters.saturating_mul(replicas).min(available);
    (0..available)
        .map(|seat| {
            if seat < regular {
                seat / replicas
            } else {
                (seat - regular) % masters
            }
        })
        .collect()
}

fn rotated_left(nodes: &[usize]) -> Vec<usize> {
    let mut rotated = nodes.to_vec();
    if !rotated.is_empty() {
        rotated.rotate_left(1);
    }
    rotated
}

fn to_replicas(seats: &[usize], assignment: &[usize]) -> Vec<PlannedReplica> {
    seats
        .iter()
        .zip(assignment)
        .map(|(&master, &node)| PlannedReplica { node, master })
        .collect()
}

/// The nodes and which node each master is: what every candidate placement shares.
struct Placement<'a> {
    nodes: &'a [CreateNode],
    /// Input index of each master, `Master[0]` first.
    masters: &'a [usize],
}

impl Placement<'_> {
    fn master_host(&self, master: usize) -> &str {
        &self.nodes[self.masters[master]].host
    }

    fn master_zone(&self, master: usize) -> Option<&str> {
        self.nodes[self.masters[master]].zone.as_deref()
    }

    /// What is wrong with `node` replicating `master` (an index into the masters), on its own.
    fn pair_conflict(&self, node: usize, master: usize) -> Option<ConflictKind> {
        let replica = &self.nodes[node];
        if replica.host == self.master_host(master) {
            Some(ConflictKind::SameHost)
        } else if replica.zone.is_some() && replica.zone.as_deref() == self.master_zone(master) {
            Some(ConflictKind::SameZone)
        } else {
            None
        }
    }

    /// How bad an assignment (node per seat) is.
    fn score(&self, seats: &[usize], assignment: &[usize]) -> PlacementScore {
        PlacementScore::of(&find_conflicts(self, &to_replicas(seats, assignment)))
    }
}

/// Every flaw of a placement, in replica order: a replica on its master's host or in its master's
/// zone, and each replica that shares a host (not the master's) with an earlier replica of its
/// master.
fn find_conflicts(placement: &Placement, replicas: &[PlannedReplica]) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    let mut first_on_host: HashMap<(usize, &str), usize> = HashMap::new();
    for replica in replicas {
        let master = placement.masters[replica.master];
        if let Some(kind) = placement.pair_conflict(replica.node, replica.master) {
            conflicts.push(Conflict {
                kind,
                replica: replica.node,
                master,
                other: None,
            });
        }
        let host = placement.nodes[replica.node].host.as_str();
        if host == placement.master_host(replica.master) {
            continue;
        }
        match first_on_host.entry((replica.master, host)) {
            Entry::Occupied(first) => conflicts.push(Conflict {
                kind: ConflictKind::SiblingsSameHost,
                replica: replica.node,
                master,
                other: Some(*first.get()),
            }),
            Entry::Vacant(entry) => {
                entry.insert(replica.node);
            }
        }
    }
    conflicts
}

/// Conflict counts, compared in priority order (derived `Ord` compares fields top to bottom).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct PlacementScore {
    same_host: usize,
    same_zone: usize,
    siblings_same_host: usize,
}

impl PlacementScore {
    fn of(conflicts: &[Conflict]) -> PlacementScore {
        let count = |kind| conflicts.iter().filter(|c| c.kind == kind).count();
        PlacementScore {
            same_host: count(ConflictKind::SameHost),
            same_zone: count(ConflictKind::SameZone),
            siblings_same_host: count(ConflictKind::SiblingsSameHost),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Replica placement

/// The node for each seat: redis-cli's greedy pass when it cannot be improved on, else the optimum.
fn place_replicas(placement: &Placement, seats: &[usize], candidates: &[usize]) -> Vec<usize> {
    let greedy = assign_greedily(placement, seats, candidates);
    let greedy_score = placement.score(seats, &greedy);
    if greedy_score == PlacementScore::default() {
        return greedy;
    }
    let optimal = assign_optimally(placement, seats, candidates);
    if placement.score(seats, &optimal) < greedy_score {
        optimal
    } else {
        greedy
    }
}

/// Fills the seats in order; `choose` picks a free candidate position for a master (and may keep
/// its own account of what it chose).
fn fill_seats(
    seats: &[usize],
    candidates: &[usize],
    mut choose: impl FnMut(usize, &[bool]) -> Option<usize>,
) -> Vec<usize> {
    let mut taken = vec![false; candidates.len()];
    let mut assignment = Vec::with_capacity(seats.len());
    for &master in seats {
        if let Some(position) = choose(master, &taken) {
            taken[position] = true;
            assignment.push(candidates[position]);
        }
    }
    assignment
}

/// redis-cli's pass: each seat takes the first free candidate on another host than its master
/// (with zones: preferably also in another zone), else the first free candidate.
fn assign_greedily(placement: &Placement, seats: &[usize], candidates: &[usize]) -> Vec<usize> {
    let penalty = |position: usize, master: usize| match placement
        .pair_conflict(candidates[position], master)
    {
        Some(ConflictKind::SameHost) => 2,
        Some(_) => 1,
        None => 0,
    };
    fill_seats(seats, candidates, |master, taken| {
        (0..candidates.len())
            .filter(|&position| !taken[position])
            .min_by_key(|&position| penalty(position, master))
    })
}

/// The best assignment: a minimum-cost flow from candidate classes to masters, realised seat by
/// seat in candidate order.
///
/// Network: source -> class (capacity: its size) -> master (cost: same host or same zone) -> sink
/// (capacity: the master's seats). A class whose host holds several candidates reaches a master
/// with several seats on another host through a gate node per (host, master): the first unit
/// through the gate is free, each further one costs a sibling conflict. Costs are weighted so that
/// one same-host replica outweighs every same-zone one, and one same-zone replica every sibling
/// conflict, so the minimum cost is the minimum [`PlacementScore`]. Within a class, which node goes
/// where does not change the score, so the flow's counts per (class, master) are all it needs.
fn assign_optimally(placement: &Placement, seats: &[usize], candidates: &[usize]) -> Vec<usize> {
    // 1. Classes of interchangeable candidates.
    let classes = CandidateClasses::of(placement, candidates);
    let master_count = placement.masters.len();
    let weights = CostWeights::for_replicas(seats.len());
    let unlimited = seats.len() as i64;

    // 2. Source, sink, classes and masters.
    let mut network = FlowNetwork::with_nodes(2 + classes.keys.len() + master_count);
    let (source, sink) = (0, 1);
    let class_node = |class: usize| 2 + class;
    let master_node = |master: usize| 2 + classes.keys.len() + master;
    for (class, &size) in classes.sizes.iter().enumerate() {
        network.add_arc(source, class_node(class), size as i64, 0);
    }
    let mut seat_counts = vec![0usize; master_count];
    for &master in seats {
        seat_counts[master] += 1;
    }
    for (master, &count) in seat_counts.iter().enumerate() {
        network.add_arc(master_node(master), sink, count as i64, 0);
    }

    // 3. Class -> master arcs, through a sibling gate where replicas could share a host.
    let mut gates: HashMap<(&str, usize), usize> = HashMap::new();
    let mut class_arcs = vec![Vec::with_capacity(master_count); classes.keys.len()];
    for (class, key) in classes.keys.iter().enumerate() {
        for (master, &seat_count) in seat_counts.iter().enumerate() {
            let sibling_host = key.host.filter(|&host| {
                seat_count > 1
                    && classes.shared_hosts.contains(host)
                    && host != placement.master_host(master)
            });
            let target = match sibling_host {
                Some(host) => *gates.entry((host, master)).or_insert_with(|| {
                    let gate = network.add_node();
                    network.add_arc(gate, master_node(master), 1, 0);
                    network.add_arc(gate, master_node(master), unlimited, weights.sibling);
                    gate
                }),
                None => master_node(master),
            };
            let cost = weights.of_pair(key, placement, master);
            let arc = network.add_arc(class_node(class), target, unlimited, cost);
            class_arcs[class].push(arc);
        }
    }

    // 4. Solve, then realise the flow: each seat takes the first free candidate whose class still
    //    owes its master a replica.
    network.send_maximum_flow(source, sink);
    let mut quotas: Vec<Vec<i64>> = class_arcs
        .iter()
        .map(|arcs| arcs.iter().map(|&arc| network.flow(arc)).collect())
        .collect();
    fill_seats(seats, candidates, |master, taken| {
        let position = (0..candidates.len()).find(|&position| {
            !taken[position] && quotas[classes.of_candidate[position]][master] > 0
        })?;
        quotas[classes.of_candidate[position]][master] -= 1;
        Some(position)
    })
}

/// What makes candidates interchangeable: the host, when it matters (a master is on it, or it holds
/// several candidates), and the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ClassKey<'a> {
    host: Option<&'a str>,
    zone: Option<&'a str>,
}

/// Candidates grouped by [`ClassKey`], classes in order of first appearance.
struct CandidateClasses<'a> {
    keys: Vec<ClassKey<'a>>,
    sizes: Vec<usize>,
    /// The class of each candidate position.
    of_candidate: Vec<usize>,
    /// Hosts holding more than one candidate (where sibling conflicts can happen).
    shared_hosts: HashSet<&'a str>,
}

impl<'a> CandidateClasses<'a> {
    fn of(placement: &Placement<'a>, candidates: &[usize]) -> CandidateClasses<'a> {
        let nodes = placement.nodes;
        let mut per_host: HashMap<&str, usize> = HashMap::new();
        for &node in candidates {
            *per_host.entry(nodes[node].host.as_str()).or_default() += 1;
        }
        let master_hosts: HashSet<&str> = placement
            .masters
            .iter()
            .map(|&node| nodes[node].host.as_str())
            .collect();
        let shared_hosts: HashSet<&str> = per_host
            .iter()
            .filter(|&(_, &count)| count > 1)
            .map(|(&host, _)| host)
            .collect();
        let mut classes = CandidateClasses {
            keys: Vec::new(),
            sizes: Vec::new(),
            of_candidate: Vec::with_capacity(candidates.len()),
            shared_hosts,
        };
        let mut index: HashMap<ClassKey, usize> = HashMap::new();
        for &node in candidates {
            let host = nodes[node].host.as_str();
            let matters = master_hosts.contains(host) || classes.shared_hosts.contains(host);
            let key = ClassKey {
                host: matters.then_some(host),
                zone: nodes[node].zone.as_deref(),
            };
            let class = *index.entry(key).or_insert_with(|| {
                classes.keys.push(key);
                classes.sizes.push(0);
                classes.keys.len() - 1
            });
            classes.sizes[class] += 1;
            classes.of_candidate.push(class);
        }
        classes
    }
}

/// Flow costs that order placements like [`PlacementScore`]: with `n` replicas there are at most
/// `n` conflicts of each kind, so a sibling costs 1, a same-zone replica `n + 1` and a same-host
/// replica `(n + 1)^2`.
struct CostWeights {
    same_host: i128,
    same_zone: i128,
    sibling: i128,
}

impl CostWeights {
    fn for_replicas(count: usize) -> CostWeights {
        let step = count as i128 + 1;
        CostWeights {
            same_host: step * step,
            same_zone: step,
            sibling: 1,
        }
    }

    /// The cost of one candidate of class `key` replicating `master` (siblings aside); the same
    /// rules as [`Placement::pair_conflict`].
    fn of_pair(&self, key: &ClassKey, placement: &Placement, master: usize) -> i128 {
        if key.host == Some(placement.master_host(master)) {
            self.same_host
        } else if key.zone.is_some() && key.zone == placement.master_zone(master) {
            self.same_zone
        } else {
            0
        }
    }
}

/// A minimum-cost flow network, solved by the primal-dual method: Dijkstra (with potentials, so
/// reduced costs stay non-negative) finds the cheapest path length, then a blocking-flow search
/// (Dinic) pushes all it can along arcs of zero reduced cost, and so on until the sink is out of
/// reach. Placement costs take few distinct values, so there are few rounds. Arcs and nodes are
/// visited in number order, so the result is deterministic. Arc `i`'s reverse is arc `i ^ 1`.
struct FlowNetwork {
    arcs: Vec<FlowArc>,
    outgoing: Vec<Vec<usize>>,
    potential: Vec<i128>,
}

struct FlowArc {
    to: usize,
    residual: i64,
    cost: i128,
}

impl FlowNetwork {
    fn with_nodes(count: usize) -> FlowNetwork {
        FlowNetwork {
            arcs: Vec::new(),
            outgoing: vec![Vec::new(); count],
            potential: vec![0; count],
        }
    }

    fn add_node(&mut self) -> usize {
        self.outgoing.push(Vec::new());
        self.potential.push(0);
        self.outgoing.len() - 1
    }

    /// Adds an arc and returns its number; costs must not be negative.
    fn add_arc(&mut self, from: usize, to: usize, capacity: i64, cost: i128) -> usize {
        let arc = self.arcs.len();
        self.arcs.push(FlowArc {
            to,
            residual: capacity,
            cost,
        });
        self.arcs.push(FlowArc {
            to: from,
            residual: 0,
            cost: -cost,
        });
        self.outgoing[from].push(arc);
        self.outgoing[to].push(arc + 1);
        arc
    }

    /// The flow on an arc.
    fn flow(&self, arc: usize) -> i64 {
        self.arcs[arc ^ 1].residual
    }

    /// Sends as much flow as fits from `source` to `sink`, at the least total cost.
    fn send_maximum_flow(&mut self, source: usize, sink: usize) {
        while self.update_potentials(source, sink) {
            if self.push_along_cheapest_paths(source, sink) == 0 {
                break;
            }
        }
    }

    /// The arc's cost relative to the potentials; never negative on an arc with room.
    fn reduced_cost(&self, from: usize, arc: usize) -> i128 {
        let FlowArc { to, cost, .. } = self.arcs[arc];
        cost + self.potential[from] - self.potential[to]
    }

    /// Dijkstra on reduced costs; adds each reached node's distance to its potential, so that
    /// every cheapest path is made of zero-reduced-cost arcs. Whether the sink was reached.
    fn update_potentials(&mut self, source: usize, sink: usize) -> bool {
        let mut distance: Vec<Option<i128>> = vec![None; self.outgoing.len()];
        let mut queue = BinaryHeap::new();
        distance[source] = Some(0);
        queue.push(Reverse((0i128, source)));
        while let Some(Reverse((reached, node))) = queue.pop() {
            if distance[node] != Some(reached) {
                continue;
            }
            for &arc in &self.outgoing[node] {
                let to = self.arcs[arc].to;
                let next = reached + self.reduced_cost(node, arc);
                if self.arcs[arc].residual > 0 && distance[to].is_none_or(|known| next < known) {
                    distance[to] = Some(next);
                    queue.push(Reverse((next, to)));
                }
            }
        }
        // Nodes not reached keep their potential: no arc with room leads to them, now or later.
        for (potential, distance) in self.potential.iter_mut().zip(&distance) {
            *potential += distance.unwrap_or(0);
        }
        distance[sink].is_some()
    }

    fn is_admissible(&self, from: usize, arc: usize) -> bool {
        self.arcs[arc].residual > 0 && self.reduced_cost(from, arc) == 0
    }

    /// Dinic's algorithm restricted to zero-reduced-cost arcs; returns the amount pushed.
    fn push_along_cheapest_paths(&mut self, source: usize, sink: usize) -> i64 {
        let mut total = 0;
        loop {
            let levels = self.admissible_levels(source);
            if levels[sink].is_none() {
                return total;
            }
            let mut next_arc = vec![0; self.outgoing.len()];
            loop {
                let pushed = self.push_one_path(source, sink, i64::MAX, &levels, &mut next_arc);
                if pushed == 0 {
                    break;
                }
                total += pushed;
            }
        }
    }

    /// Breadth-first distances (in arcs) from `source` over admissible arcs.
    fn admissible_levels(&self, source: usize) -> Vec<Option<usize>> {
        let mut levels = vec![None; self.outgoing.len()];
        let mut queue = VecDeque::from([source]);
        levels[source] = Some(0);
        while let Some(node) = queue.pop_front() {
            let next_level = levels[node].map(|level| level + 1);
            for &arc in &self.outgoing[node] {
                let to = self.arcs[arc].to;
                if levels[to].is_none() && self.is_admissible(node, arc) {
                    levels[to] = next_level;
                    queue.push_back(to);
                }
            }
        }
        levels
    }

    /// Pushes up to `limit` along one admissible path that climbs the levels, skipping arcs that
    /// led nowhere before (`next_arc`); returns the amount pushed (0 when there is no such path).
    fn push_one_path(
        &mut self,
        node: usize,
        sink: usize,
        limit: i64,
        levels: &[Option<usize>],
        next_arc: &mut [usize],
    ) -> i64 {
        if node == sink {
            return limit;
        }
        let next_level = levels[node].map(|level| level + 1);
        while let Some(&arc) = self.outgoing[node].get(next_arc[node]) {
            let to = self.arcs[arc].to;
            if levels[to] == next_level && self.is_admissible(node, arc) {
                let room = limit.min(self.arcs[arc].residual);
                let pushed = self.push_one_path(to, sink, room, levels, next_arc);
                if pushed > 0 {
                    self.arcs[arc].residual -= pushed;
                    self.arcs[arc ^ 1].residual += pushed;
                    return pushed;
                }
            }
            next_arc[node] += 1;
        }
        0
    }
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
        ConflictKind::SameZone => format!(
            "replica {} is in the same zone ({}) as its master {}",
            address(conflict.replica),
            replica.and_then(|node| node.zone.as_deref()).unwrap_or("?"),
            address(conflict.master)
        ),
        ConflictKind::SiblingsSameHost => format!(
            "replicas {} and {} of master {} are on the same host ({host})",
            conflict.other.map_or_else(|| "?".to_string(), address),
            address(conflict.replica),
            address(conflict.master)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A node at `host:port` whose resolved host is `host`.
    fn node(text: &str) -> CreateNode {
        let (host, port) = text.rsplit_once(':').expect("test address");
        CreateNode {
            address: NodeAddress::new(host, port.parse().expect("test port")),
            host: host.to_string(),
            zone: None,
        }
    }

    fn zoned(text: &str, zone: &str) -> CreateNode {
        CreateNode {
            zone: Some(zone.to_string()),
            ..node(text)
        }
    }

    fn nodes(texts: &[&str]) -> Vec<CreateNode> {
        texts.iter().map(|text| node(text)).collect()
    }

    /// The planning lines redis-cli prints before the node listing.
    fn redis_cli_lines(plan: &CreatePlan, nodes: &[CreateNode], replicas: usize) -> Vec<String> {
        let address = |index: usize| nodes[index].address.to_string();
        let mut lines: Vec<String> = plan
            .masters
            .iter()
            .enumerate()
            .map(|(index, m)| format!("Master[{index}] -> Slots {} - {}", m.first, m.last))
            .collect();
        for (index, replica) in plan.replicas.iter().enumerate() {
            if index == plan.masters.len() * replicas {
                lines.push("Adding extra replicas...".to_string());
            }
            let master = plan.masters[replica.master].node;
            lines.push(format!(
                "Adding replica {} to {}",
                address(replica.node),
                address(master)
            ));
        }
        lines
    }

    fn sizes(ranges: &[(u32, u32)]) -> Vec<u32> {
        ranges
            .iter()
            .map(|&(first, last)| last - first + 1)
            .collect()
    }

    fn kinds(plan: &CreatePlan) -> Vec<ConflictKind> {
        plan.conflicts
            .iter()
            .map(|conflict| conflict.kind)
            .collect()
    }

    #[test]
    fn slot_ranges_match_redis_cli() {
        assert_eq!(
            slot_ranges(3),
            vec![(0, 5460), (5461, 10922), (10923, 16383)]
        );
        assert_eq!(sizes(&slot_ranges(4)), vec![4096; 4]);
        assert_eq!(
            slot_ranges(5),
            vec![
                (0, 3276),
                (3277, 6553),
                (6554, 9829),
                (9830, 13106),
                (13107, 16383)
            ]
        );
        assert_eq!(
            sizes(&slot_ranges(6)),
            vec![2731, 2730, 2731, 2731, 2730, 2731]
        );
    }

    #[test]
    fn float_ranges_are_balanced_up_to_a_thousand_masters() {
        for masters in 3..=1000 {
            let ranges = redis_cli_slot_ranges(masters);
            assert_eq!(ranges.len(), masters);
            assert!(is_balanced(&ranges), "{masters} masters: {ranges:?}");
            assert_eq!(
                slot_ranges(masters),
                ranges,
                "{masters} masters use the float method"
            );
            let covered: u32 = sizes(&ranges).iter().sum();
            assert_eq!(covered, 16384);
        }
    }

    #[test]
    fn float_drift_falls_back_to_integer_ranges() {
        assert!(is_balanced(&redis_cli_slot_ranges(2687)));
        assert!(!is_balanced(&redis_cli_slot_ranges(2688)), "sizes 5 to 7");
        assert!(!is_balanced(&redis_cli_slot_ranges(7542)), "slots lost");
        for masters in [2688, 7542, 10000, 16383, 16384] {
            let ranges = slot_ranges(masters);
            assert_eq!(ranges.len(), masters);
            assert!(is_balanced(&ranges), "{masters} masters");
        }
        assert_eq!(slot_ranges(16384)[16383], (16383, 16383));
    }

    #[test]
    fn six_nodes_on_one_host_plan_like_redis_cli() {
        // redis-cli 7.0.15, reference section 11.2.
        let nodes = nodes(&[
            "127.0.0.1:41007",
            "127.0.0.1:41008",
            "127.0.0.1:41010",
            "127.0.0.1:41011",
            "127.0.0.1:41013",
            "127.0.0.1:41014",
        ]);
        let plan = plan_create(&nodes, 1).expect("plan");
        let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
        assert_eq!(masters, vec![0, 1, 2]);
        assert_eq!(
            redis_cli_lines(&plan, &nodes, 1),
            vec![
                "Master[0] -> Slots 0 - 5460",
                "Master[1] -> Slots 5461 - 10922",
                "Master[2] -> Slots 10923 - 16383",
                "Adding replica 127.0.0.1:41013 to 127.0.0.1:41007",
                "Adding replica 127.0.0.1:41014 to 127.0.0.1:41008",
                "Adding replica 127.0.0.1:41011 to 127.0.0.1:41010",
            ]
        );
        assert_eq!(kinds(&plan), vec![ConflictKind::SameHost; 3]);
    }

    #[test]
    fn six_nodes_on_three_hosts_have_no_conflicts() {
        let nodes = nodes(&[
            "h1:7000", "h2:7000", "h3:7000", "h1:7001", "h2:7001", "h3:7001",
        ]);
        let plan = plan_create(&nodes, 1).expect("plan");
        assert_eq!(
            plan.masters.iter().map(|m| m.node).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert_eq!(
            plan.replicas,
            vec![
                PlannedReplica { node: 4, master: 0 },
                PlannedReplica { node: 5, master: 1 },
                PlannedReplica { node: 3, master: 2 },
            ]
        );
        assert!(plan.conflicts.is_empty());
        assert!(plan.describe_conflicts(&nodes).is_empty());
    }

    #[test]
    fn three_host_strings_plan_like_redis_cli() {
        // redis-cli 7.0.15, reference section 11.22 (second run).
        let nodes = nodes(&[
            "127.0.0.1:41007",
            "127.0.0.1:41008",
            "localhost:41010",
            "localhost:41011",
            "127.1:41013",
            "127.1:41014",
        ]);
        let plan = plan_create(&nodes, 1).expect("plan");
        assert_eq!(
            redis_cli_lines(&plan, &nodes, 1)[3..],
            [
                "Adding replica localhost:41011 to 127.0.0.1:41007",
                "Adding replica 127.1:41014 to localhost:41010",
                "Adding replica 127.0.0.1:41008 to 127.1:41013",
            ]
        );
        assert!(plan.conflicts.is_empty());
    }

    #[test]
    fn seven_nodes_on_one_host_give_master_zero_an_extra_replica() {
        // redis-cli 7.0.15, reference section 11.22 (first run).
        let nodes = nodes(&[
            "127.0.0.1:41007",
            "127.0.0.1:41008",
            "127.0.0.1:41010",
            "127.0.0.1:41011",
            "127.0.0.1:41013",
            "127.0.0.1:41014",
            "127.0.0.1:41015",
        ]);
        let plan = plan_create(&nodes, 1).expect("plan");
        assert_eq!(plan.masters.len(), 3);
        assert_eq!(
            redis_cli_lines(&plan, &nodes, 1)[3..],
            [
                "Adding replica 127.0.0.1:41013 to 127.0.0.1:41007",
                "Adding replica 127.0.0.1:41014 to 127.0.0.1:41008",
                "Adding replica 127.0.0.1:41015 to 127.0.0.1:41010",
                "Adding extra replicas...",
                "Adding replica 127.0.0.1:41011 to 127.0.0.1:41007",
            ]
        );
        assert_eq!(kinds(&plan), vec![ConflictKind::SameHost; 4]);
        assert_eq!(
            plan.describe_conflicts(&nodes)[0],
            "replica 127.0.0.1:41013 is on the same host (127.0.0.1) as its master 127.0.0.1:41007"
        );
    }

    #[test]
    fn replicas_stay_out_of_their_masters_zone() {
        let nodes = vec![
            zoned("a1:7000", "A"),
            zoned("a2:7000", "A"),
            zoned("b1:7000", "B"),
            zoned("b2:7000", "B"),
            zoned("c1:7000", "C"),
            zoned("c2:7000", "C"),
        ];
        let plan = plan_create(&nodes, 1).expect("plan");
        let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
        assert_eq!(masters, vec![0, 2, 4], "one master per zone");
        assert!(
            plan.conflicts.is_empty(),
            "{:?}",
            plan.describe_conflicts(&nodes)
        );
        for replica in &plan.replicas {
            let master = &nodes[masters[replica.master]];
            assert_ne!(nodes[replica.node].zone, master.zone);
        }
    }

    #[test]
    fn two_zones_spread_masters_and_report_only_the_unavoidable_conflict() {
        let nodes = vec![
            zoned("a1:7000", "A"),
            zoned("a2:7000", "A"),
            zoned("a3:7000", "A"),
            zoned("a4:7000", "A"),
            zoned("b1:7000", "B"),
            zoned("b2:7000", "B"),
        ];
        let plan = plan_create(&nodes, 1).expect("plan");
        let master_zones: Vec<&str> = plan
            .masters
            .iter()
            .map(|m| nodes[m.node].zone.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(master_zones, vec!["A", "B", "A"]);
        // Two zone-A masters and three replicas, two of them in zone A: one must share a zone.
        assert_eq!(kinds(&plan), vec![ConflictKind::SameZone]);
        assert_eq!(
            plan.describe_conflicts(&nodes),
            vec!["replica a4:7000 is in the same zone (A) as its master a2:7000"]
        );
    }

    #[test]
    fn masters_cover_every_host_before_rotating_zones_again() {
        // Zone A is one host; zone B three. Rotating zones node by node would give masters
        // a, b1, a; interleaving hosts by zone gives a, b1, b2.
        let nodes = vec![
            zoned("a:7000", "A"),
            zoned("a:7001", "A"),
            zoned("a:7002", "A"),
            zoned("b1:7000", "B"),
            zoned("b2:7000", "B"),
            zoned("b3:7000", "B"),
        ];
        let plan = plan_create(&nodes, 1).expect("plan");
        assert_eq!(
            plan.masters.iter().map(|m| m.node).collect::<Vec<_>>(),
            vec![0, 3, 4]
        );
        assert!(
            plan.conflicts.is_empty(),
            "{:?}",
            plan.describe_conflicts(&nodes)
        );
    }

    #[test]
    fn without_zones_interleaving_is_redis_clis() {
        let nodes = nodes(&["a:1", "a:2", "a:3", "b:1", "c:1", "c:2", "b:2"]);
        assert_eq!(interleave(&nodes), vec![0, 3, 4, 1, 6, 5, 2]);
    }

    #[test]
    fn optimum_replaces_a_greedy_pass_with_sibling_conflicts() {
        let nodes = nodes(&[
            "a:7000", "a:7001", "b:7000", "c:7000", "d:7000", "c:7001", "c:7002",
        ]);
        let order = interleave(&nodes);
        let placement = Placement {
            nodes: &nodes,
            masters: &order[..3],
        };
        let seats = replica_seats(3, 1, 4);
        let greedy = assign_greedily(&placement, &seats, &rotated_left(&order[3..]));
        let greedy_score = placement.score(&seats, &greedy);
        assert_eq!(
            greedy_score.siblings_same_host, 1,
            "c:7001 and c:7002 both replicate a:7000"
        );

        let plan = plan_create(&nodes, 1).expect("plan");
        assert!(
            plan.conflicts.is_empty(),
            "{:?}",
            plan.describe_conflicts(&nodes)
        );
        assert_eq!(plan.replicas.len(), 4);
        assert_eq!(
            plan.replicas[3].master, 0,
            "the extra replica still goes to Master[0]"
        );
    }

    #[test]
    fn siblings_on_another_host_are_reported_once_per_extra_replica() {
        // Masters on hosts a, b, c; every other node on host d.
        let nodes = nodes(&[
            "a:1", "b:1", "c:1", "d:1", "d:2", "d:3", "d:4", "d:5", "d:6",
        ]);
        let plan = plan_create(&nodes, 2).expect("plan");
        assert_eq!(kinds(&plan), vec![ConflictKind::SiblingsSameHost; 3]);
        let first = &plan.conflicts[0];
        assert_eq!(first.other, Some(plan.replicas[0].node));
        assert_eq!(first.replica, plan.replicas[1].node);
        assert_eq!(
            plan.describe_conflicts(&nodes)[0],
            format!(
                "replicas {} and {} of master a:1 are on the same host (d)",
                nodes[plan.replicas[0].node].address, nodes[plan.replicas[1].node].address
            )
        );
    }

    #[test]
    fn nodes_left_over_go_round_the_masters_again() {
        // 19 nodes with 4 replicas: 3 masters, 12 regular seats, 4 left over.
        let texts: Vec<String> = (0..19)
            .map(|i| format!("h{}:{}", i % 5, 7000 + i))
            .collect();
        let nodes: Vec<CreateNode> = texts.iter().map(|text| node(text)).collect();
        let plan = plan_create(&nodes, 4).expect("plan");
        let count = |master| plan.replicas.iter().filter(|r| r.master == master).count();
        assert_eq!((count(0), count(1), count(2)), (6, 5, 5));
        assert_eq!(
            plan.replicas[12..]
                .iter()
                .map(|r| r.master)
                .collect::<Vec<_>>(),
            vec![0, 1, 2, 0]
        );
    }

    #[test]
    fn fewer_than_three_masters_is_refused() {
        let nodes = nodes(&["h:1", "h:2", "h:3", "h:4", "h:5"]);
        let error = plan_create(&nodes, 1).expect_err("two masters");
        assert_eq!(
            error,
            CreatePlanError::TooFewMasters {
                nodes: 5,
                replicas: 1
            }
        );
        assert_eq!(
            error.to_string(),
            "Redis Cluster needs at least 3 masters: 5 nodes with 1 replicas each give only 2; \
             use at least 6 nodes or fewer --replicas"
        );
        let error = plan_create(&nodes, usize::MAX).expect_err("no masters");
        assert!(error.to_string().contains("give only 0"), "{error}");
        assert!(plan_create(&[], 0).is_err());
    }

    #[test]
    fn more_masters_than_slots_is_refused() {
        let texts: Vec<String> = (1..=16385).map(|port| format!("h:{port}")).collect();
        let nodes: Vec<CreateNode> = texts.iter().map(|text| node(text)).collect();
        let error = plan_create(&nodes, 0).expect_err("too many");
        assert!(
            matches!(error, CreatePlanError::TooManyMasters { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("give 16385"), "{error}");
    }

    #[test]
    fn duplicate_addresses_are_refused() {
        let nodes = nodes(&["h1:7000", "h2:7000", "h3:7000", "h2:7000"]);
        assert_eq!(
            plan_create(&nodes, 0),
            Err(CreatePlanError::Duplicate {
                address: "h2:7000".to_string()
            })
        );
        assert_eq!(
            plan_create(&nodes, 0).map_err(|e| e.to_string()),
            Err("node h2:7000 is given twice".to_string())
        );
    }

    #[test]
    fn two_names_for_one_node_are_refused() {
        let mut nodes = nodes(&["127.0.0.1:7000", "h2:7000", "h3:7000", "localhost:7000"]);
        nodes[3].host = "127.0.0.1".to_string();
        let error = plan_create(&nodes, 0).expect_err("same node");
        assert_eq!(
            error.to_string(),
            "127.0.0.1:7000 and localhost:7000 are the same node (both are 127.0.0.1 port 7000)"
        );
    }

    #[test]
    fn validate_names_broken_plans_as_bugs() {
        let nodes = nodes(&["h1:1", "h2:1", "h3:1", "h1:2", "h2:2", "h3:2"]);
        let plan = plan_create(&nodes, 1).expect("plan");
        assert_eq!(plan.validate(&nodes, 1), Ok(()));
        assert!(plan.validate(&nodes, 0).is_err(), "wrong master count");

        let mut gap = plan.clone();
        gap.masters[1].first = Slot::new(5462).expect("slot");
        let error = gap.validate(&nodes, 1).expect_err("gap");
        assert_eq!(
            error,
            "bug in the create planner: Master[1] starts at slot 5462, expected 5461"
        );

        let mut twice = plan.clone();
        twice.replicas[0].node = twice.masters[0].node;
        assert!(
            twice
                .validate(&nodes, 1)
                .expect_err("twice")
                .contains("used twice")
        );

        let mut missing = plan.clone();
        missing.replicas[0].master = 7;
        assert!(
            missing
                .validate(&nodes, 1)
                .expect_err("missing")
                .contains("does not exist")
        );

        let mut order = plan.clone();
        order.replicas[1].master = 0;
        assert!(
            order
                .validate(&nodes, 1)
                .expect_err("seats")
                .contains("replica #1 follows Master[0], expected Master[1]")
        );

        let mut silent = plan.clone();
        silent.conflicts.push(Conflict {
            kind: ConflictKind::SameHost,
            replica: 3,
            master: 0,
            other: None,
        });
        assert!(
            silent
                .validate(&nodes, 1)
                .expect_err("conflicts")
                .contains("conflict list")
        );
    }

    #[test]
    fn plan_serialises_with_snake_case_kinds() {
        let nodes = nodes(&["h:1", "h:2", "h:3", "h:4", "h:5", "h:6"]);
        let plan = plan_create(&nodes, 1).expect("plan");
        let json = serde_json::to_value(&plan).expect("json");
        assert_eq!(json["masters"][1]["first"], 5461);
        assert_eq!(json["conflicts"][0]["kind"], "same_host");
    }

    // -----------------------------------------------------------------------------------------
    // The oracle: every assignment of the planner's replica nodes to its masters.

    /// Replicas as (input index, master position).
    type Pairs = [(usize, usize)];

    /// (same host, same zone, siblings), counted directly from the definition.
    fn direct_score(
        nodes: &[CreateNode],
        masters: &[usize],
        pairs: &[(usize, usize)],
    ) -> (usize, usize, usize) {
        let mut score = (0, 0, 0);
        let mut groups: HashMap<(usize, &str), usize> = HashMap::new();
        for &(replica, master) in pairs {
            let (replica_node, master_node) = (&nodes[replica], &nodes[masters[master]]);
            if replica_node.host == master_node.host {
                score.0 += 1;
                continue;
            }
            if replica_node.zone.is_some() && replica_node.zone == master_node.zone {
                score.1 += 1;
            }
            *groups.entry((master, &replica_node.host)).or_default() += 1;
        }
        score.2 = groups.values().map(|&count| count - 1).sum();
        score
    }

    fn brute_force_minimum(nodes: &[CreateNode], plan: &CreatePlan) -> (usize, usize, usize) {
        fn search(
            rest: &[usize],
            free: &mut [usize],
            pairs: &mut Vec<(usize, usize)>,
            visit: &mut dyn FnMut(&Pairs),
        ) {
            let Some((&replica, rest)) = rest.split_first() else {
                return visit(pairs);
            };
            for master in 0..free.len() {
                if free[master] > 0 {
                    free[master] -= 1;
                    pairs.push((replica, master));
                    search(rest, free, pairs, visit);
                    pairs.pop();
                    free[master] += 1;
                }
            }
        }
        let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
        let replicas: Vec<usize> = plan.replicas.iter().map(|r| r.node).collect();
        let mut free = vec![0; masters.len()];
        for replica in &plan.replicas {
            free[replica.master] += 1;
        }
        let mut minimum = (usize::MAX, usize::MAX, usize::MAX);
        search(&replicas, &mut free, &mut Vec::new(), &mut |pairs| {
            minimum = minimum.min(direct_score(nodes, &masters, pairs));
        });
        minimum
    }

    fn zone_name(node: &CreateNode) -> &str {
        node.zone.as_deref().unwrap_or_default()
    }

    fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> usize {
        values.collect::<HashSet<_>>().len()
    }

    /// Nodes on `host_of[i]`, ports all different; zones per host, per node, or none.
    fn shape_nodes(
        host_of: &[usize],
        zone_of: Option<&[usize]>,
        zone_per_host: bool,
    ) -> Vec<CreateNode> {
        host_of
            .iter()
            .enumerate()
            .map(|(index, &host)| {
                let zone = zone_of.map(|zones| {
                    let key = if zone_per_host { host } else { index };
                    format!("z{}", zones[key % zones.len()])
                });
                CreateNode {
                    address: NodeAddress::new(format!("10.0.0.{host}"), 7000 + index as u16),
                    host: format!("10.0.0.{host}"),
                    zone,
                }
            })
            .collect()
    }

    /// Masters cover as many hosts, and as many zones, as they can.
    fn check_spread(nodes: &[CreateNode], plan: &CreatePlan) -> Result<(), TestCaseError> {
        let masters: Vec<&CreateNode> = plan.masters.iter().map(|m| &nodes[m.node]).collect();
        let all_hosts = distinct(nodes.iter().map(|n| n.host.as_str()));
        let master_hosts = distinct(masters.iter().map(|n| n.host.as_str()));
        prop_assert_eq!(master_hosts, masters.len().min(all_hosts));
        let all_zones = distinct(nodes.iter().map(zone_name));
        let master_zones = distinct(masters.iter().map(|n| zone_name(n)));
        prop_assert_eq!(master_zones, masters.len().min(all_zones));
        Ok(())
    }

    /// The smallest node count that gives three masters (and at least four nodes).
    fn fewest_nodes(replicas: usize) -> usize {
        (MIN_MASTERS * (replicas + 1)).max(4)
    }

    /// 4 to 9 nodes on 1 to 4 hosts, without zones or with 1 to 3 (per host or per node), 0 to 2
    /// replicas, always at least three masters; and whether zones follow hosts.
    fn small_shape() -> impl Strategy<Value = (Vec<CreateNode>, usize, bool)> {
        let sizes =
            (0usize..=2).prop_flat_map(|replicas| (Just(replicas), fewest_nodes(replicas)..=9));
        (sizes, 1usize..=4, 0usize..=3, any::<bool>()).prop_flat_map(
            |((replicas, count), hosts, zones, zone_per_host)| {
                let host_of = proptest::collection::vec(0..hosts, count);
                let zone_of = proptest::collection::vec(0..zones.max(1), count);
                (host_of, zone_of).prop_map(move |(host_of, zone_of)| {
                    let zoned = zones > 0;
                    let zones = zoned.then_some(zone_of.as_slice());
                    let nodes = shape_nodes(&host_of, zones, zone_per_host);
                    (nodes, replicas, zone_per_host || !zoned)
                })
            },
        )
    }

    /// Up to 80 nodes on up to 12 hosts, zones per host or none, 0 to 3 replicas.
    fn larger_shape() -> impl Strategy<Value = (Vec<CreateNode>, usize)> {
        (0usize..=3, any::<bool>()).prop_flat_map(|(replicas, zoned)| {
            let host_of = proptest::collection::vec(0usize..12, fewest_nodes(replicas).max(9)..80);
            let zone_of = proptest::collection::vec(0usize..4, 12);
            (host_of, zone_of).prop_map(move |(host_of, zone_of)| {
                let nodes = shape_nodes(&host_of, zoned.then_some(zone_of.as_slice()), true);
                (nodes, replicas)
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn placement_is_optimal_spread_valid_and_deterministic(
            (nodes, replicas, consistent_zones) in small_shape()
        ) {
            let plan = plan_create(&nodes, replicas).expect("plan");
            prop_assert_eq!(plan.validate(&nodes, replicas), Ok(()));
            prop_assert_eq!(&plan_create(&nodes, replicas).expect("again"), &plan);

            let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
            let pairs: Vec<(usize, usize)> =
                plan.replicas.iter().map(|r| (r.node, r.master)).collect();
            let score = PlacementScore::of(&plan.conflicts);
            let planned = (score.same_host, score.same_zone, score.siblings_same_host);
            prop_assert_eq!(planned, direct_score(&nodes, &masters, &pairs));
            prop_assert_eq!(planned, brute_force_minimum(&nodes, &plan));

            if consistent_zones {
                check_spread(&nodes, &plan)?;
            }
        }

        #[test]
        fn larger_plans_are_valid_spread_and_deterministic((nodes, replicas) in larger_shape()) {
            let plan = plan_create(&nodes, replicas).expect("plan");
            prop_assert_eq!(plan.validate(&nodes, replicas), Ok(()));
            prop_assert_eq!(&plan_create(&nodes, replicas).expect("again"), &plan);
            prop_assert_eq!(plan.describe_conflicts(&nodes).len(), plan.conflicts.len());
            check_spread(&nodes, &plan)?;
        }
    }
}
