//! Replica placement for `create`: the seats (which master each replica follows, in redis-cli's
//! "Adding replica" order), the conflicts of a placement and their [`PlacementScore`], and the
//! node chosen for each seat: redis-cli's greedy pass when nothing can beat it, else the optimum,
//! solved as a minimum-cost flow (the network is in `flow.rs`).
//!
//! Called by [`super::plan_create`]; [`CreatePlan::validate`](super::CreatePlan::validate) uses
//! [`replica_seats`] and [`find_conflicts`] to check a plan; the tests in `tests.rs` call the
//! greedy pass and the scoring directly.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::flow::FlowNetwork;
use super::{Conflict, ConflictKind, CreateNode, PlannedReplica};

// ---------------------------------------------------------------------------------------------
// Replica seats and scoring

/// The master (index into the masters) of each replica, in redis-cli's order: `replicas` seats per
/// master in master order, then the `available - masters * replicas` nodes left over one per
/// master in master order (redis-cli stops after one extra pass and leaves any further nodes
/// without a role; this planner keeps going round so that every node is used).
pub(super) fn replica_seats(masters: usize, replicas: usize, available: usize) -> Vec<usize> {
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

pub(super) fn rotated_left(nodes: &[usize]) -> Vec<usize> {
    let mut rotated = nodes.to_vec();
    if !rotated.is_empty() {
        rotated.rotate_left(1);
    }
    rotated
}

pub(super) fn to_replicas(seats: &[usize], assignment: &[usize]) -> Vec<PlannedReplica> {
    seats
        .iter()
        .zip(assignment)
        .map(|(&master, &node)| PlannedReplica { node, master })
        .collect()
}

/// The nodes and which node each master is: what every candidate placement shares.
pub(super) struct Placement<'a> {
    pub(super) nodes: &'a [CreateNode],
    /// Input index of each master, `Master[0]` first.
    pub(super) masters: &'a [usize],
}

impl Placement<'_> {
    fn master_host(&self, master: usize) -> &str {
        &self.nodes[self.masters[master]].host
    }

    fn master_zone(&self, master: usize) -> Option<&str> {
        self.nodes[self.masters[master]].zone.as_deref()
    }

    /// Is `node` on the host of `master` (an index into the masters)?
    fn same_host(&self, node: usize, master: usize) -> bool {
        self.nodes[node].host == self.master_host(master)
    }

    /// Is `node` in the zone of `master` (an index into the masters)? Never without zones.
    fn same_zone(&self, node: usize, master: usize) -> bool {
        let zone = self.nodes[node].zone.as_deref();
        zone.is_some() && zone == self.master_zone(master)
    }

    /// What is wrong with `node` replicating `master`, on its own: its master's host, its master's
    /// zone, both (a host given two zones never shares one), or nothing.
    fn pair_conflicts(&self, node: usize, master: usize) -> impl Iterator<Item = ConflictKind> {
        let host = self
            .same_host(node, master)
            .then_some(ConflictKind::SameHost);
        let zone = self
            .same_zone(node, master)
            .then_some(ConflictKind::SameZone);
        host.into_iter().chain(zone)
    }

    /// How bad an assignment (node per seat) is.
    pub(super) fn score(&self, seats: &[usize], assignment: &[usize]) -> PlacementScore {
        PlacementScore::of(&find_conflicts(self, &to_replicas(seats, assignment)))
    }
}

/// Every flaw of a placement, in replica order: a replica on its master's host, in its master's
/// zone (either or both), and each replica that shares a host (not the master's) with an earlier replica of its
/// master.
pub(super) fn find_conflicts(placement: &Placement, replicas: &[PlannedReplica]) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    let mut first_on_host: HashMap<(usize, &str), usize> = HashMap::new();
    for replica in replicas {
        let master = placement.masters[replica.master];
        for kind in placement.pair_conflicts(replica.node, replica.master) {
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
pub(super) struct PlacementScore {
    pub(super) same_host: usize,
    pub(super) same_zone: usize,
    pub(super) siblings_same_host: usize,
}

impl PlacementScore {
    pub(super) fn of(conflicts: &[Conflict]) -> PlacementScore {
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
pub(super) fn place_replicas(
    placement: &Placement,
    seats: &[usize],
    candidates: &[usize],
) -> Vec<usize> {
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
pub(super) fn assign_greedily(
    placement: &Placement,
    seats: &[usize],
    candidates: &[usize],
) -> Vec<usize> {
    let penalty = |position: usize, master: usize| {
        2 * usize::from(placement.same_host(candidates[position], master))
            + usize::from(placement.same_zone(candidates[position], master))
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
    /// rules as [`Placement::pair_conflicts`]: a replica on its master's host and in its zone costs
    /// both.
    fn of_pair(&self, key: &ClassKey, placement: &Placement, master: usize) -> i128 {
        let host = if key.host == Some(placement.master_host(master)) {
            self.same_host
        } else {
            0
        };
        let zone = if key.zone.is_some() && key.zone == placement.master_zone(master) {
            self.same_zone
        } else {
            0
        };
        host + zone
    }
}
