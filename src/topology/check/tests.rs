//! Tests of [`check_cluster`] on views built from hand-written `CLUSTER NODES` tables: a healthy
//! cluster, open slots, each node's own view, disagreements, unreachable and failed masters, and
//! multiple owners.

use super::*;
use crate::net::NodeAddress;

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const C: &str = "cccccccccccccccccccccccccccccccccccccccc";
const R: &str = "dddddddddddddddddddddddddddddddddddddddd";

fn table(myself: &str, extra: &[(&str, &str)]) -> String {
    let mut lines = vec![
        (
            A,
            format!("{A} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-5460"),
        ),
        (
            B,
            format!("{B} 127.0.0.1:7001@17001 master - 0 0 2 connected 5461-10922"),
        ),
        (
            C,
            format!("{C} 127.0.0.1:7002@17002 master - 0 0 3 connected 10923-16383"),
        ),
        (
            R,
            format!("{R} 127.0.0.1:7003@17003 slave {A} 0 0 1 connected"),
        ),
    ];
    for (id, line) in extra {
        if let Some(entry) = lines.iter_mut().find(|(i, _)| i == id) {
            entry.1 = line.to_string();
        }
    }
    lines
        .into_iter()
        .map(|(id, line)| {
            if id == myself {
                line.replacen(" master", " myself,master", 1)
                    .replacen(" slave", " myself,slave", 1)
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn view(tables: &[(&str, Result<String, &str>)]) -> ClusterView {
    let seed_table = tables[0].1.as_ref().unwrap().clone();
    let own: Vec<(&str, Result<&str, &str>)> = tables[1..]
        .iter()
        .map(|(id, t)| (*id, t.as_ref().map(String::as_str).map_err(|e| *e)))
        .collect();
    ClusterView::from_tables(NodeAddress::new("127.0.0.1", 7000), &seed_table, &own).unwrap()
}

fn healthy() -> ClusterView {
    view(&[
        (A, Ok(table(A, &[]))),
        (B, Ok(table(B, &[]))),
        (C, Ok(table(C, &[]))),
        (R, Ok(table(R, &[]))),
    ])
}

fn kinds(report: &CheckReport) -> Vec<FindingKind> {
    report.findings.iter().map(|f| f.kind).collect()
}

#[test]
fn healthy_cluster_is_clean_apart_from_advice() {
    let report = check_cluster(&healthy(), None);
    assert!(report.config_consistent);
    assert!(report.uncovered.is_empty());
    assert!(report.is_clean() && report.is_clean_for_redis_cli());
    assert_eq!(
        kinds(&report),
        vec![FindingKind::NoReplicas, FindingKind::ReplicaOnMasterHost]
    );
    assert_eq!(report.nodes.len(), 4);
    assert_eq!(report.nodes[0].replicas, 1);
    assert_eq!(report.nodes[3].role, "replica");
}

#[test]
fn open_slot_is_reported_on_both_sides() {
    let migrating = format!("{A} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-5460 [7->-{B}]");
    let importing =
        format!("{B} 127.0.0.1:7001@17001 master - 0 0 2 connected 5461-10922 [7-<-{A}]");
    let v = view(&[
        (A, Ok(table(A, &[(A, &migrating)]))),
        (B, Ok(table(B, &[(B, &importing)]))),
        (C, Ok(table(C, &[]))),
        (R, Ok(table(R, &[]))),
    ]);
    let report = check_cluster(&v, None);
    assert_eq!(report.open_slots.len(), 1);
    assert_eq!(report.open_slot_nodes.len(), 2);
    assert!(!report.is_clean_for_redis_cli());
    assert!(
        report.config_consistent,
        "markers are not part of the signature"
    );
}

#[test]
fn own_views_name_each_nodes_role_and_agreement() {
    let shrunk = format!("{A} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-2 6-5460");
    let v = view(&[
        (A, Ok(table(A, &[]))),
        (B, Ok(table(B, &[(A, &shrunk)]))),
        (C, Err("connection refused")),
        (R, Ok(table(R, &[]))),
    ]);
    let views = own_views(&v);
    assert_eq!(views.len(), 4);
    assert!(views[0].agrees_with_seed, "the seed agrees with itself");
    assert!(!views[1].agrees_with_seed, "B sees A with fewer slots");
    assert_eq!(views[2].error.as_deref(), Some("connection refused"));
    assert!(!views[2].agrees_with_seed);
    assert_eq!(views[3].role, "replica");
    assert_eq!(views[3].known_nodes, 4);
    assert_eq!(views[0].slot_count, 5461);
}

#[test]
fn disagreement_names_node_and_slots() {
    let shrunk = format!("{A} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-2 6-5460");
    let v = view(&[
        (A, Ok(table(A, &[(A, &shrunk)]))),
        (B, Ok(table(B, &[]))),
        (C, Ok(table(C, &[]))),
        (R, Ok(table(R, &[]))),
    ]);
    let report = check_cluster(&v, None);
    assert!(!report.config_consistent);
    let finding = report
        .findings_of(FindingKind::ConfigDisagreement)
        .next()
        .unwrap();
    assert_eq!(finding.nodes, vec!["127.0.0.1:7000"]);
    assert_eq!(finding.slots.to_compact(), "3-5");
    assert!(
        finding.details[0].contains("it says: unassigned; most say: 127.0.0.1:7000"),
        "{:?}",
        finding.details
    );
    assert_eq!(report.uncovered.to_compact(), "3-5");
}

#[test]
fn unreachable_master_is_reported_with_its_slots() {
    let v = view(&[
        (A, Ok(table(A, &[]))),
        (B, Ok(table(B, &[]))),
        (C, Err("timed out")),
        (R, Ok(table(R, &[]))),
    ]);
    let report = check_cluster(&v, None);
    assert_eq!(report.uncovered.to_compact(), "10923-16383");
    let unreachable = report
        .findings_of(FindingKind::UnreachableNode)
        .next()
        .unwrap();
    assert!(unreachable.message.contains("127.0.0.1:7002"));
    assert!(unreachable.message.contains("timed out"));
    let uncovered = report
        .findings_of(FindingKind::UncoveredSlots)
        .next()
        .unwrap();
    assert!(
        uncovered.message.contains("belong to 127.0.0.1:7002"),
        "{}",
        uncovered.message
    );
    assert_eq!(report.nodes.len(), 3);
}

#[test]
fn failed_empty_master_suggests_del_node() {
    let failed = format!("{C} 127.0.0.1:7002@17002 master,fail - 0 0 3 disconnected");
    let promoted = format!("{R} 127.0.0.1:7003@17003 master - 0 0 4 connected 10923-16383");
    let changes = [(C, failed.as_str()), (R, promoted.as_str())];
    let v = view(&[
        (A, Ok(table(A, &changes))),
        (B, Ok(table(B, &changes))),
        (C, Err("refused")),
        (R, Ok(table(R, &changes))),
    ]);
    let report = check_cluster(&v, None);
    assert!(report.is_clean_for_redis_cli(), "{:?}", report.findings);
    let failed = report.findings_of(FindingKind::FailedNode).next().unwrap();
    assert!(
        failed
            .message
            .contains("rcluster del-node 127.0.0.1:7000 cccc"),
        "{}",
        failed.message
    );
    assert!(!report.is_clean());
}

#[test]
fn multiple_owners_from_key_counts() {
    let keys = HashMap::from([(B.to_string(), vec![(5u16, 3u64)])]);
    let report = check_cluster(&healthy(), Some(&keys));
    let owners = report.multiple_owners.as_ref().unwrap();
    assert_eq!(owners.len(), 1);
    assert_eq!(owners[0].owners, vec!["127.0.0.1:7000", "127.0.0.1:7001"]);
}

#[test]
fn a_seed_written_as_a_name_is_compared_by_the_machine_it_resolved_to() {
    let tables: Vec<(&str, String)> = [A, B, C, R]
        .iter()
        .map(|id| (*id, table(id, &[])))
        .collect();
    let own: Vec<(&str, Result<&str, &str>)> = tables[1..]
        .iter()
        .map(|(id, t)| (*id, Ok(t.as_str())))
        .collect();
    let seed = NodeAddress::new("localhost", 7000);
    let view = ClusterView::from_tables(seed, &tables[0].1, &own).unwrap();
    let same_host = |report: &CheckReport| {
        report
            .findings_of(FindingKind::ReplicaOnMasterHost)
            .map(|f| f.nodes.clone())
            .collect::<Vec<_>>()
    };
    // As written, localhost:7000 and its replica 127.0.0.1:7003 look like two hosts.
    assert!(same_host(&check_cluster(&view, None)).is_empty());
    let machines = Machines::from_lookups(vec![
        (
            "localhost".into(),
            vec!["::1".parse().unwrap(), "127.0.0.1".parse().unwrap()],
        ),
        ("127.0.0.1".into(), vec!["127.0.0.1".parse().unwrap()]),
    ]);
    let report = check_cluster_on(&view, None, &machines);
    assert_eq!(same_host(&report), vec![vec!["127.0.0.1:7003".to_string()]]);
}
