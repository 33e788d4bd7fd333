//! `doctor`'s explanations: for each finding of [`super::check`], what it means for clients, the
//! usual causes, and the commands that deal with it. Pure: a function of the report and the view.

use super::check::{CheckReport, Finding, FindingKind, Severity};
use super::view::ClusterView;
use serde::Serialize;

/// One finding, explained.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    pub finding: Finding,
    /// What it means and how it usually happens.
    pub explanation: &'static str,
    /// Commands to run, in order.
    pub remedies: Vec<String>,
}

/// Explains every finding of `report`, errors first.
pub fn diagnose(report: &CheckReport, view: &ClusterView) -> Vec<Diagnosis> {
    let seed = view.seed.to_string();
    let mut diagnoses: Vec<Diagnosis> = report
        .findings
        .iter()
        .map(|finding| Diagnosis {
            explanation: explain(finding.kind),
            remedies: remedies(finding, view, &seed),
            finding: finding.clone(),
        })
        .collect();
    diagnoses.sort_by_key(|d| d.finding.severity != Severity::Error);
    diagnoses
}

fn explain(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::ConfigDisagreement => {
            "Nodes hold different slot maps, so some clients are redirected to the wrong node. Right after a reshard or a failover this settles by gossip within cluster-node-timeout; if it stays, a master missed an owner change (a partition, or a SETSLOT NODE that never reached it)."
        }
        FindingKind::OpenSlot => {
            "A slot move stopped half-way: the slot is MIGRATING on its source and/or IMPORTING on its target, and its keys may be split between them. Clients still reach every key (through ASK redirections), but the slot cannot be moved again and a failover can strand the copied keys."
        }
        FindingKind::UncoveredSlots => {
            "No reachable master serves these slots: commands on their keys fail with CLUSTERDOWN, and with cluster-require-full-coverage yes (the default) the whole cluster refuses writes. Causes: a master lost without a replica to take over, or CLUSTER DELSLOTS."
        }
        FindingKind::MultipleOwners => {
            "More than one master claims the slot or holds keys of it. Only one of them serves clients; keys on the others are invisible until they are moved to the owner."
        }
        FindingKind::UnreachableNode => {
            "rcluster could not talk to the node within --timeout. A master that stays down is replaced by its replica after cluster-node-timeout; without a replica its slots stay uncovered."
        }
        FindingKind::FailedNode => {
            "The cluster agreed the node failed. If a replica took over, the node owns nothing and only lingers in every node's table: forget it. If it still owns slots, they are down until it comes back or is replaced."
        }
        FindingKind::SuspectedNode => {
            "One node has not heard from another for cluster-node-timeout (PFAIL). When a majority of masters agree it becomes FAIL and a replica takes over. A brief suspicion usually means latency or a busy node (a long command, a fork for persistence)."
        }
        FindingKind::HandshakeNode => {
            "A CLUSTER MEET that has not completed. It normally disappears within seconds; if it stays, some node keeps meeting an address where nothing answers."
        }
        FindingKind::UnknownMaster => {
            "A replica follows a master no node knows any more, usually one that was forgotten while the replica was away. The replica serves nothing and will never be promoted."
        }
        FindingKind::PartialMembership => {
            "A node joined (CLUSTER MEET) but the news has not reached every node, or it was forgotten by some. Nodes that do not know it refuse to give it slots (\"Unknown node\"), so a move to it would stop half-way. It usually spreads within seconds; if it stays, meet it again from a node that lacks it."
        }
        FindingKind::NoReplicas => {
            "If such a master fails, its slots go down with it: there is nobody to fail over to."
        }
        FindingKind::ReplicaOnMasterHost => {
            "A replica on its master's host does not survive the loss of that host: both go at once."
        }
        FindingKind::ServerSideMigration => {
            "The servers are moving slots themselves (Valkey 9's CLUSTER MIGRATESLOTS or Redis 8.4's CLUSTER MIGRATION): keys move in a snapshot and a stream, then the target takes the slots over. Until the task ends, rcluster refuses to move or repair slots. A Redis task that failed retries on its destination until it is cancelled there and on its source."
        }
        FindingKind::ReplicaNotSynced => {
            "The replica does not hold its master's data: its first sync has not finished (Redis 7.0 waits repl-diskless-sync-delay, 5 s, before it sends the first copy), a full sync is running, its link is down, or it is far behind. Until it catches up, its master's keys exist only on the master: if the master fails now, the replica takes over without them (a cluster refuses to elect a replica whose data is too old, but CLUSTER FAILOVER FORCE or TAKEOVER does not ask)."
        }
    }
}

fn remedies(finding: &Finding, view: &ClusterView, seed: &str) -> Vec<String> {
    let id_of = |address: &String| {
        view.nodes
            .iter()
            .find(|n| n.address.to_string() == *address)
            .map(|n| n.id().to_string())
            .unwrap_or_else(|| "NODE_ID".to_string())
    };
    let first_node = finding.nodes.first();
    match finding.kind {
        FindingKind::ConfigDisagreement => vec![
            format!("rcluster check {seed}    # again in a few seconds: gossip may settle it"),
            format!(
                "rcluster fix {seed} --dry-run    # if it stays: shows the owner it would announce"
            ),
        ],
        FindingKind::ServerSideMigration if finding.severity == Severity::Error => vec![
            "CLUSTER MIGRATION CANCEL ID <id>    # on both nodes named, then plan the move again"
                .to_string(),
            format!(
                "rcluster resume {seed}    # if an rcluster run started it: finishes it from its journal"
            ),
        ],
        FindingKind::ServerSideMigration => vec![
            format!("rcluster check {seed}    # again later: the task ends on its own"),
            format!("rcluster resume {seed}    # if an interrupted rcluster run started it"),
        ],
        FindingKind::OpenSlot => vec![
            format!("rcluster fix {seed} --dry-run    # how each slot will be completed, and why"),
            format!("rcluster fix {seed}"),
            format!(
                "rcluster resume {seed}    # if an rcluster run was interrupted: finishes its whole plan"
            ),
        ],
        FindingKind::UncoveredSlots if !finding.nodes.is_empty() => vec![
            "bring the unreachable master back (or wait for its replica to take over)".to_string(),
            format!(
                "rcluster fix {seed} --fix-with-unreachable-masters --dry-run    # last resort: its keys in those slots are lost"
            ),
        ],
        FindingKind::UncoveredSlots => vec![
            format!("rcluster fix {seed} --dry-run"),
            format!("rcluster fix {seed}"),
        ],
        FindingKind::MultipleOwners => vec![format!(
            "rcluster fix {seed} --search-multiple-owners --dry-run"
        )],
        FindingKind::UnreachableNode => vec![
            "check that the node's process runs and that its port is reachable from here"
                .to_string(),
            format!("rcluster check {seed} --timeout 10s    # if it is only slow"),
        ],
        FindingKind::FailedNode | FindingKind::HandshakeNode | FindingKind::UnknownMaster => {
            match first_node {
                Some(address) => vec![format!("rcluster del-node {seed} {}", id_of(address))],
                None => Vec::new(),
            }
        }
        FindingKind::PartialMembership => match first_node {
            Some(address) => vec![format!(
                "rcluster call {seed} CLUSTER MEET {}    # from every node, then check again",
                address.replace(':', " ")
            )],
            None => Vec::new(),
        },
        FindingKind::SuspectedNode => vec![format!(
            "rcluster call {seed} INFO stats    # look for latency spikes, then check again"
        )],
        FindingKind::ReplicaNotSynced => vec![
            format!(
                "rcluster check {seed}    # again in a few seconds: a first sync ends by itself"
            ),
            format!(
                "rcluster call {seed} --only-replicas INFO replication    # master_link_status, master_sync_in_progress, slave_repl_offset"
            ),
            "do not fail over to such a replica, nor stop its master, until it is in sync".into(),
        ],
        FindingKind::NoReplicas | FindingKind::ReplicaOnMasterHost => vec![format!(
            "rcluster add-node NEW_HOST:PORT {seed} --replica --master-id MASTER_ID    # on another host"
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::check::check_cluster;
    use crate::topology::fixtures::view;

    #[test]
    fn every_finding_gets_an_explanation_and_a_command() {
        let v = view(
            "open_slot.migrating_view.txt",
            &["open_slot.importing_view.txt"],
            &[],
        );
        let report = check_cluster(&v, None);
        let diagnoses = diagnose(&report, &v);
        let open = diagnoses
            .iter()
            .find(|d| d.finding.kind == FindingKind::OpenSlot)
            .expect("the open slot");
        assert!(open.explanation.contains("half-way"));
        assert!(open.remedies[0].starts_with("rcluster fix 127.0.0.1:42001 --dry-run"));
        assert_eq!(
            diagnoses[0].finding.severity,
            Severity::Error,
            "errors first"
        );
    }

    #[test]
    fn a_failed_master_is_forgotten_by_its_id() {
        let v = view("failed_master.txt", &[], &[42032]);
        let report = check_cluster(&v, None);
        let failed = diagnose(&report, &v)
            .into_iter()
            .find(|d| d.finding.kind == FindingKind::FailedNode)
            .expect("the failed master");
        let id = v
            .nodes
            .iter()
            .find(|n| n.address.port == 42032)
            .unwrap()
            .id();
        assert_eq!(
            failed.remedies,
            vec![format!("rcluster del-node 127.0.0.1:42031 {id}")]
        );
    }
}
