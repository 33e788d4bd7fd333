//! A generic minimum-cost flow network: nodes and arcs with capacities and non-negative costs,
//! solved by the primal-dual method (Dijkstra with potentials, then Dinic's blocking flow on arcs
//! of zero reduced cost). It knows nothing of clusters.
//!
//! Called by `replicas.rs`, whose optimal replica assignment for `create` is such a flow.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// A minimum-cost flow network, solved by the primal-dual method: Dijkstra (with potentials, so
/// reduced costs stay non-negative) finds the cheapest path length, then a blocking-flow search
/// (Dinic) pushes all it can along arcs of zero reduced cost, and so on until the sink is out of
/// reach. Placement costs take few distinct values, so there are few rounds. Arcs and nodes are
/// visited in number order, so the result is deterministic. Arc `i`'s reverse is arc `i ^ 1`.
pub(super) struct FlowNetwork {
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
    pub(super) fn with_nodes(count: usize) -> FlowNetwork {
        FlowNetwork {
            arcs: Vec::new(),
            outgoing: vec![Vec::new(); count],
            potential: vec![0; count],
        }
    }

    pub(super) fn add_node(&mut self) -> usize {
        self.outgoing.push(Vec::new());
        self.potential.push(0);
        self.outgoing.len() - 1
    }

    /// Adds an arc and returns its number; costs must not be negative.
    pub(super) fn add_arc(&mut self, from: usize, to: usize, capacity: i64, cost: i128) -> usize {
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
    pub(super) fn flow(&self, arc: usize) -> i64 {
        self.arcs[arc ^ 1].residual
    }

    /// Sends as much flow as fits from `source` to `sink`, at the least total cost.
    pub(super) fn send_maximum_flow(&mut self, source: usize, sink: usize) {
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
