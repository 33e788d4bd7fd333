//! The checks of `check`, as pure functions of a [`ClusterView`].
//!
//! [`check_cluster`] makes every check redis-cli makes (configuration agreement, open slots, coverage,
//! optionally multiple owners) and a few it does not (unreachable and failed nodes, which nodes
//! disagree about which slots, masters without replicas, replicas on their master's host). The result is
//! a [`CheckReport`] that the human and JSON renderers both print. Open slots, coverage and multiple
//! owners are read from the [`SlotFacts`] that `fix` plans from.

use super::slot_facts::{SlotFacts, SlotKeys};
use super::slots::{SLOT_COUNT, Slot, SlotSet};
use super::view::{ClusterView, NodeView};
use crate::net::Machines;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How bad a finding is. Errors make `check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    ConfigDisagreement,
    OpenSlot,
    UncoveredSlots,
    MultipleOwners,
    UnreachableNode,
    FailedNode,
    SuspectedNode,
    HandshakeNode,
    UnknownMaster,
    /// Some nodes do not know a node that others do (a MEET that did not spread).
    PartialMembership,
    NoReplicas,
    ReplicaOnMasterHost,
    /// A replica that does not hold its master's data: first sync pending or running, link down, or
    /// far behind its master's offset.
    ReplicaNotSynced,
    /// A server-side slot migration (Valkey's `MIGRATESLOTS`, Redis's `CLUSTER MIGRATION`) that is
    /// running, or failed and retrying; found by `exec::atomic::unfinished_jobs`.
    ServerSideMigration,
}

impl FindingKind {
    /// Whether redis-cli's `check` reports (and fails on) this kind; decides the exit code in
    /// redis-cli syntax.
    pub fn is_redis_cli_check(self) -> bool {
        matches!(
            self,
            FindingKind::ConfigDisagreement
                | FindingKind::OpenSlot
                | FindingKind::UncoveredSlots
                | FindingKind::MultipleOwners
        )
    }
}

/// What a script should do about the cluster, from the findings (for operators that drive moves
/// in steps, `check --json`'s `verdict`): the first class that applies, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// A node could not be probed: fail closed, decide nothing.
    Unreachable,
    /// Open, uncovered or multiply-owned slots: run `rcluster fix`.
    Repair,
    /// Covered, but views disagree, a node is suspected or joining, or the servers are moving
    /// slots: wait and check again; do not fix.
    Settling,
    /// Nothing to do.
    Stable,
}

impl Verdict {
    /// The verdict for `findings`.
    pub fn of(findings: &[Finding]) -> Verdict {
        let any = |kinds: &[FindingKind]| findings.iter().any(|f| kinds.contains(&f.kind));
        if any(&[FindingKind::UnreachableNode]) {
            Verdict::Unreachable
        } else if any(&[
            FindingKind::OpenSlot,
            FindingKind::UncoveredSlots,
            FindingKind::MultipleOwners,
        ]) {
            Verdict::Repair
        } else if any(&[
            FindingKind::ConfigDisagreement,
            FindingKind::SuspectedNode,
            FindingKind::HandshakeNode,
            FindingKind::PartialMembership,
            FindingKind::ServerSideMigration,
        ]) {
            Verdict::Settling
        } else {
            Verdict::Stable
        }
    }
}

/// One problem, with the nodes and slots concerned.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub kind: FindingKind,
    pub message: String,
    /// `host:port` of each node concerned.
    pub nodes: Vec<String>,
    pub slots: SlotSet,
    /// One line per node or group, when the message alone does not say enough.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// A loaded node as listed by `check` (redis-cli's `M:`/`S:` lines).
#[derive(Debug, Clone, Serialize)]
pub struct NodeSummary {
    pub id: String,
    pub address: String,
    pub role: &'static str,
    pub slots: SlotSet,
    pub slot_count: usize,
    /// Flag words without `myself`, as redis-cli prints them.
    pub flags: String,
    pub master_id: Option<String>,
    pub replicas: usize,
}

/// A node with open slots.
#[derive(Debug, Clone, Serialize)]
pub struct OpenSlotNode {
    pub address: String,
    pub id: String,
    pub migrating: Vec<Slot>,
    pub importing: Vec<Slot>,
}

/// A slot claimed by, or holding keys in, more than one master.
#[derive(Debug, Clone, Serialize)]
pub struct MultipleOwner {
    pub slot: Slot,
    pub owners: Vec<String>,
}

/// Everything `check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub seed: String,
    pub nodes: Vec<NodeSummary>,
    pub config_consistent: bool,
    /// Every open slot, in order of first appearance.
    pub open_slots: Vec<Slot>,
    /// Each node with open slots, and which.
    pub open_slot_nodes: Vec<OpenSlotNode>,
    pub uncovered: SlotSet,
    /// Present when the multiple-owner search ran.
    pub multiple_owners: Option<Vec<MultipleOwner>>,
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// No error-level finding.
    pub fn is_clean(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// No finding of a kind redis-cli checks (its exit-code rule).
    pub fn is_clean_for_redis_cli(&self) -> bool {
        !self.findings.iter().any(|f| f.kind.is_redis_cli_check())
    }

    pub fn findings_of(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

/// Runs every check, with hosts compared as written. `keys_in_unowned_slots` (per master id: slots
/// it does not own but holds keys in) enables the multiple-owner search.
pub fn check_cluster(
    view: &ClusterView,
    keys_in_unowned_slots: Option<&HashMap<String, Vec<(u16, u64)>>>,
) -> CheckReport {
    check_cluster_on(view, keys_in_unowned_slots, &Machines::default())
}

/// Runs every check, with hosts compared by the machine they resolved to (`machines`, resolved by
/// the caller), so `localhost` and `127.0.0.1` are one host.
pub fn check_cluster_on(
    view: &ClusterView,
    keys_in_unowned_slots: Option<&HashMap<String, Vec<(u16, u64)>>>,
    machines: &Machines,
) -> CheckReport {
    let keys: SlotKeys = keys_in_unowned_slots
        .into_iter()
        .flatten()
        .map(|(id, counts)| (id.clone(), counts.iter().copied().collect()))
        .collect();
    let facts = SlotFacts::derive(view, &keys);
    let mut findings = Vec::new();
    let config_consistent = check_agreement(view, &mut findings);
    let (open_slot_nodes, open_slots) = check_open_slots(&facts, &mut findings);
    let uncovered = check_coverage(&facts, &mut findings);
    let multiple_owners =
        keys_in_unowned_slots.map(|_| check_multiple_owners(&facts, &mut findings));
    check_node_health(view, &mut findings);
    check_membership(view, &mut findings);
    check_replication(view, machines, &mut findings);
    CheckReport {
        seed: view.seed.to_string(),
        nodes: view.loaded().map(|n| summarize(view, n)).collect(),
        config_consistent,
        open_slots,
        open_slot_nodes,
        uncovered,
        multiple_owners,
        findings,
    }
}

fn summarize(view: &ClusterView, node: &NodeView) -> NodeSummary {
    let me = node.myself();
    NodeSummary {
        id: node.id().to_string(),
        address: node.address.to_string(),
        role: if me.flags.replica {
            "replica"
        } else {
            "master"
        },
        slots: me.slots.clone(),
        slot_count: me.slots.len(),
        flags: me.flags.display_words(),
        master_id: me.master_id.clone(),
        replicas: view.loaded_replica_count(node.id()),
    }
}

fn finding(
    severity: Severity,
    kind: FindingKind,
    message: String,
    nodes: Vec<String>,
    slots: SlotSet,
) -> Finding {
    Finding {
        severity,
        kind,
        message,
        nodes,
        slots,
        details: Vec::new(),
    }
}

/// Slot owner map of one node's own table: owner id -> slots.
pub type OwnerMap<'a> = BTreeMap<&'a str, &'a SlotSet>;

/// Who owns which slots according to one node's table; equal maps mean the nodes agree (redis-cli's
/// configuration signature, compared as sets rather than strings).
pub fn owner_map(table: &[super::NodeEntry]) -> OwnerMap<'_> {
    table
        .iter()
        .filter(|e| !e.slots.is_empty())
        .map(|e| (e.id.as_str(), &e.slots))
        .collect()
}

/// One node's own view of the cluster, for `check -v`: what its own `CLUSTER NODES` says and how long
/// it took to answer.
#[derive(Debug, Clone, Serialize)]
pub struct OwnView {
    pub address: String,
    pub id: String,
    /// Milliseconds to connect and answer; `null` when not measured.
    pub answered_ms: Option<f64>,
    /// Why its table could not be read; the rest is the seed's view of it then.
    pub error: Option<String>,
    /// `master` or `replica`, as the node sees itself.
    pub role: &'static str,
    pub config_epoch: u64,
    /// How many nodes its table lists.
    pub known_nodes: usize,
    /// The slots it says it serves.
    pub slot_count: usize,
    /// Its slot owners are the seed's.
    pub agrees_with_seed: bool,
}

/// Every node's own view, in the view's order (the seed first).
pub fn own_views(view: &ClusterView) -> Vec<OwnView> {
    let seed_map = view
        .nodes
        .first()
        .and_then(|n| n.own_table())
        .map(owner_map)
        .unwrap_or_default();
    view.nodes
        .iter()
        .map(|node| {
            let me = node.myself();
            let table = node.own_table();
            OwnView {
                address: node.address.to_string(),
                id: node.id().to_string(),
                answered_ms: node.latency.map(|d| d.as_secs_f64() * 1000.0),
                error: node.error().map(|e| e.to_string()),
                role: if me.flags.replica {
                    "replica"
                } else {
                    "master"
                },
                config_epoch: me.config_epoch,
                known_nodes: table.map_or(0, <[_]>::len),
                slot_count: me.slots.len(),
                agrees_with_seed: table.is_some_and(|t| owner_map(t) == seed_map),
            }
        })
        .collect()
}

/// Check 1: Configuration agreement: every loaded node must describe the same slot owners. When they do not,
/// name each node that differs from the majority and the slots it differs on.
fn check_agreement(view: &ClusterView, findings: &mut Vec<Finding>) -> bool {
    let loaded: Vec<&NodeView> = view.loaded().collect();
    if loaded.len() <= 1 {
        return true;
    }
    let maps: Vec<OwnerMap> = loaded
        .iter()
        .map(|n| owner_map(n.own_table().unwrap_or_default()))
        .collect();
    let mut groups: Vec<(&OwnerMap, usize)> = Vec::new();
    for map in &maps {
        match groups.iter_mut().find(|(m, _)| *m == map) {
            Some((_, count)) => *count += 1,
            None => groups.push((map, 1)),
        }
    }
    let consistent = groups.len() == 1 && !maps[0].is_empty();
    if consistent {
        return true;
    }
    let majority = groups
        .iter()
        .max_by_key(|(_, count)| *count)
        .map(|(m, _)| *m)
        .unwrap_or(&maps[0]);
    let mut nodes = Vec::new();
    let mut all_slots = SlotSet::new();
    let mut details = Vec::new();
    for (node, map) in loaded.iter().zip(&maps) {
        if map == majority {
            continue;
        }
        let differing = differing_slots(map, majority);
        details.push(format!(
            "{} disagrees about slots {}",
            node.address,
            describe_difference(view, map, majority, &differing)
        ));
        nodes.push(node.address.to_string());
        all_slots.union_with(&differing);
    }
    let message = if details.is_empty() {
        "no node reports any slot owner".to_string()
    } else {
        format!(
            "{} node(s) disagree with most nodes about the owners of slots {}",
            nodes.len(),
            all_slots.to_compact()
        )
    };
    let mut disagreement = finding(
        Severity::Error,
        FindingKind::ConfigDisagreement,
        message,
        nodes,
        all_slots,
    );
    disagreement.details = details;
    findings.push(disagreement);
    false
}

fn owner_array<'a>(map: &OwnerMap<'a>) -> Vec<Option<&'a str>> {
    let mut owners = vec![None; SLOT_COUNT as usize];
    for (id, slots) in map {
        for slot in slots.iter() {
            owners[slot.number() as usize] = Some(*id);
        }
    }
    owners
}

fn differing_slots(map: &OwnerMap, other: &OwnerMap) -> SlotSet {
    let (mine, theirs) = (owner_array(map), owner_array(other));
    (0..SLOT_COUNT)
        .filter(|&s| mine[s as usize] != theirs[s as usize])
        .filter_map(|s| Slot::new(u64::from(s)))
        .collect()
}

/// `3-5 (it says: unassigned; most say: 127.0.0.1:7000)`, one group per distinct pair of opinions.
fn describe_difference(
    view: &ClusterView,
    map: &OwnerMap,
    majority: &OwnerMap,
    slots: &SlotSet,
) -> String {
    let (mine, theirs) = (owner_array(map), owner_array(majority));
    let mut groups: BTreeMap<(Option<&str>, Option<&str>), SlotSet> = BTreeMap::new();
    for slot in slots.iter() {
        let key = (mine[slot.number() as usize], theirs[slot.number() as usize]);
        groups.entry(key).or_default().insert(slot);
    }
    let name = |id: Option<&str>| match id {
        None => "unassigned".to_string(),
        Some(id) => view
            .node_by_id(id)
            .map(|n| n.address.to_string())
            .unwrap_or_else(|| format!("unknown node {id}")),
    };
    groups
        .iter()
        .map(|((mine, theirs), slots)| {
            format!(
                "{} (it says: {}; most say: {})",
                slots.to_compact(),
                name(*mine),
                name(*theirs)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Check 2: Open slots: migrating / importing markers on loaded nodes.
fn check_open_slots(
    facts: &SlotFacts,
    findings: &mut Vec<Finding>,
) -> (Vec<OpenSlotNode>, Vec<Slot>) {
    let slots = |marks: &[(Slot, &str)]| marks.iter().map(|(s, _)| *s).collect();
    let nodes: Vec<OpenSlotNode> = facts
        .open_nodes()
        .iter()
        .map(|open| OpenSlotNode {
            address: open.node.address.to_string(),
            id: open.node.id().to_string(),
            migrating: slots(&open.migrating),
            importing: slots(&open.importing),
        })
        .collect();
    let list = facts.open_slots_in_order();
    if !list.is_empty() {
        let describe = |n: &OpenSlotNode| {
            let mut parts = Vec::new();
            if !n.migrating.is_empty() {
                parts.push(format!(
                    "{} migrating {}",
                    n.address,
                    join_slots(&n.migrating)
                ));
            }
            if !n.importing.is_empty() {
                parts.push(format!(
                    "{} importing {}",
                    n.address,
                    join_slots(&n.importing)
                ));
            }
            parts.join(", ")
        };
        findings.push(finding(
            Severity::Error,
            FindingKind::OpenSlot,
            format!(
                "open slots {}: {}; repair with `rcluster fix` (it completes an interrupted rcluster move from its journal)",
                join_slots(&list),
                nodes.iter().map(describe).collect::<Vec<_>>().join(", ")
            ),
            nodes.iter().map(|n| n.address.clone()).collect(),
            list.iter().copied().collect(),
        ));
    }
    (nodes, list)
}

/// Slots joined with commas, as redis-cli prints them.
pub fn join_slots(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(Slot::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Check 3: Coverage: every slot must be claimed by a loaded master. Uncovered slots that an
/// unreachable or failed master still owns are named with that master.
fn check_coverage(facts: &SlotFacts, findings: &mut Vec<Finding>) -> SlotSet {
    let uncovered = facts.uncovered().clone();
    if uncovered.is_empty() {
        return uncovered;
    }
    let mut message = format!(
        "{} slots are not covered: {}",
        uncovered.len(),
        uncovered.to_compact()
    );
    let mut nodes = Vec::new();
    for (node, claimed) in facts.unreachable_owners() {
        message.push_str(&format!(
            "; {} of them belong to {} which is unreachable or failed",
            claimed.to_compact(),
            node.address
        ));
        nodes.push(node.address.to_string());
    }
    findings.push(finding(
        Severity::Error,
        FindingKind::UncoveredSlots,
        message,
        nodes,
        uncovered.clone(),
    ));
    uncovered
}

/// Check 4: Multiple owners: a slot claimed by one master while another master holds keys in it
/// (or claimed, or held, by several).
fn check_multiple_owners(facts: &SlotFacts, findings: &mut Vec<Finding>) -> Vec<MultipleOwner> {
    let multiple: Vec<MultipleOwner> = (0..SLOT_COUNT)
        .filter(|number| facts.has_several_owners(*number))
        .filter_map(|number| {
            Some(MultipleOwner {
                slot: Slot::new(u64::from(number))?,
                owners: facts
                    .owners(number)
                    .iter()
                    .map(|id| facts.address(id))
                    .collect(),
            })
        })
        .collect();
    for entry in &multiple {
        findings.push(finding(
            Severity::Error,
            FindingKind::MultipleOwners,
            format!(
                "slot {} has {} owners: {}",
                entry.slot,
                entry.owners.len(),
                entry.owners.join(", ")
            ),
            entry.owners.clone(),
            std::iter::once(entry.slot).collect(),
        ));
    }
    multiple
}

/// Check 5: Node health (beyond redis-cli): unreachable, failed, suspected and handshake nodes, and replicas
/// of unknown masters.
fn check_node_health(view: &ClusterView, findings: &mut Vec<Finding>) {
    for node in &view.nodes {
        let me = node.myself();
        let role = if me.flags.replica {
            "replica"
        } else {
            "master"
        };
        let owned = if me.slots.is_empty() {
            "owns no slots".to_string()
        } else {
            format!("owns {} slots", me.slots.len())
        };
        let address = node.address.to_string();
        let flags = &node.seen_by_seed.flags;
        if flags.handshake {
            findings.push(finding(
                Severity::Warning,
                FindingKind::HandshakeNode,
                format!(
                    "node {address} ({}) is still in handshake",
                    short_id(node.id())
                ),
                vec![address],
                SlotSet::new(),
            ));
        } else if node.is_flagged_failed() {
            let hint = if me.slots.is_empty() && !me.flags.replica {
                format!(
                    "; remove it with `rcluster del-node {} {}`",
                    view.seed,
                    node.id()
                )
            } else {
                String::new()
            };
            findings.push(finding(
                Severity::Error,
                FindingKind::FailedNode,
                format!(
                    "{role} {address} ({}) is marked as failed and {owned}{hint}",
                    short_id(node.id())
                ),
                vec![address],
                me.slots.clone(),
            ));
        } else if let Some(reason) = node.error() {
            findings.push(finding(
                Severity::Error,
                FindingKind::UnreachableNode,
                format!(
                    "{role} {address} ({}) is unreachable and {owned}: {reason}",
                    short_id(node.id())
                ),
                vec![address],
                me.slots.clone(),
            ));
        } else if flags.pfail {
            findings.push(finding(
                Severity::Warning,
                FindingKind::SuspectedNode,
                format!("{} suspects {role} {address} of failing (fail?)", view.seed),
                vec![address],
                SlotSet::new(),
            ));
        }
    }
    for node in view.loaded() {
        if let Some(master) = node.myself().master_id.as_deref() {
            let known = view.node_by_id(master).is_some_and(|m| m.is_loaded());
            if node.myself().flags.replica && !known {
                findings.push(finding(
                    Severity::Warning,
                    FindingKind::UnknownMaster,
                    format!(
                        "{} claims to be slave of unknown node ID {master}.",
                        node.address
                    ),
                    vec![node.address.to_string()],
                    SlotSet::new(),
                ));
            }
        }
    }
}

/// Which loaded nodes' own tables lack which nodes that some other loaded node knows: node id ->
/// addresses of the nodes that do not know it. Pure; used by `check` and by every move's pre-flight.
pub fn missing_members(view: &ClusterView) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<(&NodeView, BTreeSet<&str>)> = view
        .loaded()
        .filter_map(|n| {
            let known = n
                .own_table()?
                .iter()
                .filter(|e| !e.flags.handshake && !e.flags.noaddr)
                .map(|e| e.id.as_str())
                .collect();
            Some((n, known))
        })
        .collect();
    let everyone: BTreeSet<&str> = tables
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in everyone {
        for (node, known) in &tables {
            if !known.contains(id) && node.id() != id {
                missing
                    .entry(id.to_string())
                    .or_default()
                    .push(node.address.to_string());
            }
        }
    }
    missing
}

/// Check 5b (beyond redis-cli): every node knows every other. A node some masters do not know cannot
/// be given slots (`SETSLOT ... NODE` answers "Unknown node" there).
fn check_membership(view: &ClusterView, findings: &mut Vec<Finding>) {
    for (id, lacking) in missing_members(view) {
        let address = view
            .node_by_id(&id)
            .map(|n| n.address.to_string())
            .unwrap_or_else(|| short_id(&id).to_string());
        findings.push(finding(
            Severity::Error,
            FindingKind::PartialMembership,
            format!(
                "node {address} ({}) is not known by {}",
                short_id(&id),
                lacking.join(", ")
            ),
            std::iter::once(address).chain(lacking).collect(),
            SlotSet::new(),
        ));
    }
}

/// Check 6: Replication (beyond redis-cli): masters without replicas, replicas on their master's host.
fn check_replication(view: &ClusterView, machines: &Machines, findings: &mut Vec<Finding>) {
    let masters: Vec<&NodeView> = view
        .loaded_masters()
        .filter(|m| !m.myself().slots.is_empty())
        .collect();
    let alone: Vec<String> = masters
        .iter()
        .filter(|m| view.loaded_replica_count(m.id()) == 0)
        .map(|m| m.address.to_string())
        .collect();
    if !alone.is_empty() {
        let message = if alone.len() == masters.len() && alone.len() > 1 {
            format!(
                "none of the {} masters has a replica: losing any node loses its slots",
                alone.len()
            )
        } else {
            format!(
                "masters without a replica (losing one loses its slots): {}",
                alone.join(", ")
            )
        };
        findings.push(finding(
            Severity::Warning,
            FindingKind::NoReplicas,
            message,
            alone,
            SlotSet::new(),
        ));
    }
    let mut same_host = Vec::new();
    let mut nodes = Vec::new();
    for replica in view.loaded().filter(|n| n.myself().flags.replica) {
        let master = view.master_of(replica);
        let same_machine =
            |m: &&NodeView| machines.of(&m.address.host) == machines.of(&replica.address.host);
        if let Some(master) = master.filter(same_machine) {
            same_host.push(format!("{} -> {}", replica.address, master.address));
            nodes.push(replica.address.to_string());
        }
    }
    check_replica_sync(view, findings);
    if !same_host.is_empty() {
        same_host.sort();
        nodes.sort();
        findings.push(finding(
            Severity::Warning,
            FindingKind::ReplicaOnMasterHost,
            format!(
                "{} replica(s) on the same host as their master (one host failure loses both): {}",
                same_host.len(),
                same_host.join(", ")
            ),
            nodes,
            SlotSet::new(),
        ));
    }
}

/// Replicas that do not hold their master's data (`INFO replication` of both, read with the view):
/// a failover to one of them loses the keys that exist only on the master.
fn check_replica_sync(view: &ClusterView, findings: &mut Vec<Finding>) {
    let mut lines = Vec::new();
    let mut nodes = Vec::new();
    for replica in view.loaded().filter(|n| n.myself().flags.replica) {
        let Some(state) = &replica.replication else {
            continue;
        };
        let master = view.master_of(replica);
        let master_offset = master
            .and_then(|m| m.replication.as_ref())
            .and_then(|r| r.offset);
        if let Some(gap) = crate::net::ReplicaGap::of(state, master_offset) {
            let of = master.map_or_else(|| "its master".to_string(), |m| m.address.to_string());
            lines.push(format!(
                "{} (replica of {of}) {}",
                replica.address,
                gap.describe()
            ));
            nodes.push(replica.address.to_string());
        }
    }
    if lines.is_empty() {
        return;
    }
    lines.sort();
    nodes.sort();
    findings.push(finding(
        Severity::Warning,
        FindingKind::ReplicaNotSynced,
        format!(
            "{} replica(s) do not hold their master's data yet, so those keys exist only on the master and a failover to the replica loses them: {}",
            nodes.len(),
            lines.join("; ")
        ),
        nodes,
        SlotSet::new(),
    ));
}

/// The first 8 characters of a node id.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(test)]
mod tests;

/// Checks on views built from `CLUSTER NODES` replies captured from real servers.
#[cfg(test)]
mod fixture_tests;
