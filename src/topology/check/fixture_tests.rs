//! Checks on views built from `CLUSTER NODES` replies captured from real servers.

use super::*;
use crate::topology::fixtures::view;

#[test]
fn captured_open_slot_shows_both_sides() {
    let v = view(
        "open_slot.migrating_view.txt",
        &[
            "open_slot.importing_view.txt",
            "open_slot.third_master_view.txt",
        ],
        &[],
    );
    let report = check_cluster(&v, None);
    assert_eq!(report.open_slots, vec![Slot::new(3300).unwrap()]);
    let sides: Vec<(usize, usize)> = report
        .open_slot_nodes
        .iter()
        .map(|n| (n.migrating.len(), n.importing.len()))
        .collect();
    assert_eq!(sides, vec![(1, 0), (0, 1)]);
    assert!(report.config_consistent);
    assert!(report.uncovered.is_empty());
}

#[test]
fn captured_delslots_is_disagreement_and_uncovered() {
    let v = view(
        "uncovered_slots.txt",
        &["uncovered_slots.other_view.txt"],
        &[],
    );
    let report = check_cluster(&v, None);
    assert_eq!(report.uncovered.to_compact(), "3-5");
    assert!(!report.config_consistent);
    let disagreement = report
        .findings_of(FindingKind::ConfigDisagreement)
        .next()
        .unwrap();
    assert_eq!(disagreement.slots.to_compact(), "3-5");
}

#[test]
fn captured_failover_leaves_a_failed_empty_master() {
    let v = view(
        "failed_master.txt",
        &["failed_master.promoted_view.txt"],
        &[42032],
    );
    let report = check_cluster(&v, None);
    assert!(
        report.uncovered.is_empty(),
        "the promoted replica covers the slots: {:?}",
        report.findings
    );
    assert!(
        report.is_clean_for_redis_cli(),
        "redis-cli's check passes here: {:?}",
        report.findings
    );
    let failed = report.findings_of(FindingKind::FailedNode).next().unwrap();
    assert_eq!(failed.nodes, vec!["127.0.0.1:42032"]);
    assert!(failed.message.contains("owns no slots") && failed.message.contains("del-node"));
}

#[test]
fn captured_failed_master_without_failover_loses_its_slots() {
    let v = view("failed_master.not_promoted.txt", &[], &[42022]);
    let dead = v.nodes.iter().find(|n| n.seen_by_seed.flags.fail).unwrap();
    let report = check_cluster(&v, None);
    let failed = report.findings_of(FindingKind::FailedNode).next().unwrap();
    assert_eq!(failed.slots.to_compact(), "5461-10922");
    assert_eq!(failed.nodes, vec![dead.address.to_string()]);
    let uncovered = report
        .findings_of(FindingKind::UncoveredSlots)
        .next()
        .unwrap();
    assert!(
        uncovered.message.contains("unreachable or failed"),
        "{}",
        uncovered.message
    );
}

#[test]
fn captured_pfail_and_handshake_are_named() {
    let report = check_cluster(&view("failed_master.pfail.txt", &[], &[]), None);
    let suspected = report.findings_of(FindingKind::SuspectedNode).next();
    assert_eq!(
        suspected.unwrap().nodes,
        vec!["127.0.0.1:42101"],
        "{:?}",
        report.findings
    );
    let report = check_cluster(&view("handshake_node.txt", &[], &[]), None);
    let handshake = report
        .findings_of(FindingKind::HandshakeNode)
        .next()
        .unwrap();
    assert_eq!(handshake.nodes, vec!["127.0.0.1:42999"]);
}

#[test]
fn captured_hostnames_and_nofailover_render() {
    let v = view("hostnames.txt", &["hostnames.node_b_view.txt"], &[]);
    assert!(v.nodes.iter().all(|n| {
        n.seen_by_seed
            .addr
            .hostname
            .as_deref()
            .is_some_and(|h| h.ends_with(".local"))
    }));
    let v = view("nofailover.self_view.txt", &[], &[]);
    let report = check_cluster(&v, None);
    assert_eq!(report.nodes[0].flags, "slave,nofailover");
}
