//! Master choice and slot ranges for `create`: [`interleave`] orders the offered nodes so that
//! zones and hosts alternate (redis-cli's host interleaving when there are no zones), and the first
//! nodes of that order become the masters; [`slot_ranges`] splits the 16384 slots among them with
//! redis-cli's float arithmetic (exact integer arithmetic where that would be uneven).
//!
//! Called by [`super::plan_create`]; the tests in `tests.rs` call these functions directly.

use std::collections::HashMap;

use super::{CreateNode, CreatePlanError};
use crate::topology::{SLOT_COUNT, Slot};

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
pub(super) fn interleave(nodes: &[CreateNode]) -> Vec<usize> {
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
pub(super) fn slot_ranges(masters: usize) -> Vec<(u32, u32)> {
    let ranges = redis_cli_slot_ranges(masters);
    if is_balanced(&ranges) {
        ranges
    } else {
        even_slot_ranges(masters)
    }
}

/// redis-cli's loop: `spn = 16384 / masters` and a cursor in f32, `last = lround(cursor + spn - 1)`
/// (round half away from zero), the last master ending at 16383, `last` never below `first`.
pub(super) fn redis_cli_slot_ranges(masters: usize) -> Vec<(u32, u32)> {
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
pub(super) fn is_balanced(ranges: &[(u32, u32)]) -> bool {
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

pub(super) fn to_slot(number: u32) -> Result<Slot, CreatePlanError> {
    Slot::new(u64::from(number)).ok_or_else(|| {
        CreatePlanError::Invalid(format!(
            "bug in the create planner: slot {number} is out of range"
        ))
    })
}
