//! The fix planner on hand-built tables (one per open-slot case) and on captured fixtures.

use super::*;
use crate::topology::fixtures;
use crate::topology::fixtures::{A, B, C, R, edited_view as view};

fn keys(counts: &[(&str, u16, u64)]) -> SlotKeys {
    let mut keys = SlotKeys::new();
    for (id, slot, count) in counts {
        keys.entry(id.to_string())
            .or_default()
            .insert(*slot, *count);
    }
    keys
}

fn plan(view: &ClusterView, keys: &SlotKeys) -> FixPlan {
    plan_fix(view, keys, &HashMap::new(), FixOptions::default()).expect("a valid plan")
}

fn only(plan: &FixPlan) -> &SlotRepair {
    assert_eq!(plan.repairs.len(), 1, "{plan:#?}");
    &plan.repairs[0]
}

fn drain(node: &str, keys: u64, open: Open) -> Drain {
    Drain {
        node: node.into(),
        keys,
        open,
    }
}

#[test]
fn healthy_cluster_needs_nothing() {
    let v = view(&[], &[]);
    assert!(slots_to_count(&v).is_empty());
    let p = plan(&v, &SlotKeys::new());
    assert!(p.repairs.is_empty() && p.refused.is_none() && p.notes.is_empty());
}

#[test]
fn migrating_and_importing_with_keys_on_both_sides_completes_forward() {
    let v = view(
        &[],
        &[
            (
                A,
                &[(A, "0-5460 [100->-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]")],
            ),
            (
                B,
                &[(
                    B,
                    "5461-10922 [100-<-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
                )],
            ),
        ],
    );
    assert_eq!(slots_to_count(&v), vec![100]);
    // More keys left on the source than copied: redis-cli would move them back.
    let p = plan(&v, &keys(&[(A, 100, 900), (B, 100, 100)]));
    let r = only(&p);
    assert_eq!(r.problem, Problem::OpenSlot);
    assert_eq!(r.target, B);
    assert!(
        matches!(
            &r.reason,
            RepairReason::Migration {
                receiving: Receiving::Imports,
                ..
            }
        ),
        "{:?}",
        r.reason
    );
    assert_eq!(r.prepare, Prepare::Import(A.into()));
    assert_eq!(r.drains, vec![drain(A, 900, Open::AsIs)]);
    assert_eq!(r.close, vec![A.to_string()]);
    assert_eq!(r.rivals, vec![A.to_string()], "the source it imports from");
    assert!(r.tell_owner.is_empty(), "B's table names A");
}

/// B imports slot 100 but its table gives it to nobody (its source turned replica, and B ignores
/// claims for a slot it imports): whichever way the keys go, B is told the owner first.
#[test]
fn an_importer_whose_table_lost_the_owner_is_told_it() {
    let v = view(
        &[],
        &[(
            B,
            &[
                (A, "0-99 101-5460"),
                (
                    B,
                    "5461-10922 [100-<-dddddddddddddddddddddddddddddddddddddddd]",
                ),
            ],
        )],
    );
    let counts = keys(&[(A, 100, 70), (B, 100, 30)]);
    let r = only(&plan(&v, &counts)).clone();
    assert_eq!((r.target.as_str(), r.owner()), (A, A));
    assert_eq!(r.drains, vec![drain(B, 30, Open::AsIs)]);
    assert_eq!(r.tell_owner, vec![B.to_string()]);
    let intent = Intent {
        source: A.into(),
        target: B.into(),
        journal: "/tmp/j.jsonl".into(),
        command: "reshard".into(),
    };
    let intents = HashMap::from([(100, intent)]);
    let p = plan_fix(&v, &counts, &intents, FixOptions::default()).unwrap();
    let r = only(&p);
    assert_eq!(r.prepare, Prepare::Import(A.into()));
    assert_eq!(r.owner(), A);
    assert_eq!(r.tell_owner, vec![B.to_string()]);
}

#[test]
fn journal_intent_wins_and_is_named() {
    let v = view(
        &[],
        &[(
            B,
            &[(
                B,
                "5461-10922 [100-<-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
            )],
        )],
    );
    let intent = Intent {
        source: A.into(),
        target: B.into(),
        journal: "/tmp/j.jsonl".into(),
        command: "rebalance".into(),
    };
    let intents = HashMap::from([(100, intent.clone())]);
    let p = plan_fix(&v, &keys(&[(A, 100, 5)]), &intents, FixOptions::default()).unwrap();
    let r = only(&p);
    assert_eq!(r.target, B);
    assert_eq!(r.intent, Some(intent));
    assert!(
        matches!(&r.reason, RepairReason::Journal { command, .. } if command == "rebalance"),
        "{:?}",
        r.reason
    );
    assert_eq!(r.drains, vec![drain(A, 5, Open::Migrating)]);
    // Without the journal, nothing had moved: the importing state is closed instead.
    let p = plan(&v, &keys(&[(A, 100, 5)]));
    let r = only(&p);
    assert_eq!((r.target.as_str(), r.intent.is_none()), (A, true));
    assert!(r.drains.is_empty());
    assert_eq!(r.close, vec![B.to_string()]);
}

#[test]
fn importing_only_with_keys_brings_them_to_the_owner() {
    let v = view(
        &[],
        &[(
            C,
            &[(
                C,
                "10923-16383 [200-<-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
            )],
        )],
    );
    let r = only(&plan(&v, &keys(&[(A, 200, 3), (C, 200, 2)]))).clone();
    assert_eq!(r.target, A);
    assert_eq!(r.prepare, Prepare::Owns);
    assert_eq!(r.drains, vec![drain(C, 2, Open::AsIs)]);
    assert_eq!(r.close, vec![C.to_string()]);
}

#[test]
fn migrating_only_towards_a_node_that_never_started_is_closed() {
    let v = view(
        &[],
        &[(
            A,
            &[(A, "0-5460 [300->-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]")],
        )],
    );
    let r = only(&plan(&v, &keys(&[(A, 300, 7)]))).clone();
    assert_eq!(r.target, A);
    assert_eq!(r.reason, RepairReason::ClosesOpenState);
    assert!(
        r.stabilize_target,
        "A must stop redirecting before anything is sent to it"
    );
    assert!(r.drains.is_empty() && r.close.is_empty());
}

#[test]
fn migrating_only_towards_a_node_holding_keys_completes_forward() {
    let v = view(
        &[],
        &[(
            A,
            &[(A, "0-5460 [300->-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]")],
        )],
    );
    let r = only(&plan(&v, &keys(&[(A, 300, 7), (B, 300, 1)]))).clone();
    assert_eq!(r.target, B);
    assert_eq!(r.prepare, Prepare::Import(A.into()));
    assert_eq!(r.drains, vec![drain(A, 7, Open::AsIs)]);
}

#[test]
fn half_applied_setslot_node_finishes_at_the_new_owner() {
    // B already took slot 400 (SETSLOT NODE on the target); A still owns it and migrates it.
    let v = view(
        &[],
        &[
            (
                A,
                &[(A, "0-5460 [400->-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]")],
            ),
            (B, &[(B, "400 5461-10922")]),
        ],
    );
    let r = only(&plan(&v, &keys(&[(B, 400, 10)]))).clone();
    assert_eq!(r.target, B);
    assert!(matches!(
        r.reason,
        RepairReason::Migration {
            receiving: Receiving::Owns,
            ..
        }
    ));
    assert_eq!(r.prepare, Prepare::Owns);
    assert_eq!(r.rivals, vec![A.to_string()], "A still claims it");
    assert!(r.drains.is_empty());
    assert_eq!(r.close, vec![A.to_string()]);
}

#[test]
fn open_state_on_a_replica_is_cleared_through_its_primary() {
    let v = view(
        &[],
        &[(
            R,
            &[(R, "[500->-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]")],
        )],
    );
    let r = only(&plan(&v, &SlotKeys::new())).clone();
    assert_eq!(r.target, A);
    assert_eq!(r.via_primary, vec![A.to_string()]);
    assert!(r.close.is_empty());
}

#[test]
fn uncovered_slots_by_where_their_keys_are() {
    // A dropped slots 3-5 and 6000 is gone from B: 3, 4 and 6000 have no keys, 5 has keys on A
    // only, 6001 has keys on B and C.
    let v = view(&[(A, "0-2 6-5460"), (B, "5461-5999 6002-10922")], &[]);
    assert_eq!(slots_to_count(&v), vec![3, 4, 5, 6000, 6001]);
    let p = plan(&v, &keys(&[(A, 5, 1), (B, 6001, 2), (C, 6001, 9)]));
    let targets: Vec<(u16, &str, &Prepare)> = p
        .repairs
        .iter()
        .map(|r| (r.slot.number(), r.target.as_str(), &r.prepare))
        .collect();
    assert_eq!(
        targets,
        vec![
            (3, A, &Prepare::Claim),
            (4, A, &Prepare::Claim),
            (5, A, &Prepare::Claim),
            (6000, A, &Prepare::Claim),
            (6001, C, &Prepare::Claim),
        ]
    );
    assert!(p.repairs.iter().all(|r| r.problem == Problem::Uncovered));
    assert_eq!(p.repairs[4].drains, vec![drain(B, 2, Open::Importing)]);
}

#[test]
fn keyless_uncovered_slots_are_spread_in_runs() {
    let v = view(
        &[(A, "3000-5460"), (B, "5461-10922"), (C, "10923-16383")],
        &[],
    );
    let p = plan(&v, &SlotKeys::new());
    assert_eq!(p.repairs.len(), 3000);
    let owners: Vec<&str> = p.repairs.iter().map(|r| r.target.as_str()).collect();
    // A is filled up to B and C's size first, then the rest alternates by fewest slots.
    let a = owners.iter().filter(|o| **o == A).count();
    assert!(a > 2900, "{a}");
    assert!(
        owners.windows(2).filter(|w| w[0] != w[1]).count() <= 2,
        "contiguous runs"
    );
    let v = view(&[(A, "1000-5460"), (B, "6461-10922")], &[]);
    let p = plan(&v, &SlotKeys::new());
    let to_a = p.repairs.iter().filter(|r| r.target == A).count();
    let to_b = p.repairs.iter().filter(|r| r.target == B).count();
    assert_eq!(
        (to_a, to_b),
        (1001, 999),
        "both emptied masters are refilled to 5462 and 5461"
    );
}

#[test]
fn two_owners_keep_the_one_with_most_keys() {
    let v = view(&[], &[(B, &[(B, "100 5461-10922")])]);
    let r = only(&plan(&v, &keys(&[(A, 100, 5), (B, 100, 3)]))).clone();
    assert_eq!(r.problem, Problem::MultipleOwners);
    assert_eq!(r.target, A);
    assert_eq!(r.rivals, vec![B.to_string()]);
    // B gives the slot up before A's claim is raised, then imports: its keys are never at risk.
    assert_eq!(r.drains, vec![drain(B, 3, Open::GivesUp)]);
    // Without keys, the higher config epoch keeps it.
    let r = only(&plan(&v, &SlotKeys::new())).clone();
    assert_eq!(r.target, B);
}

#[test]
fn stray_keys_on_a_non_owner_are_brought_home() {
    let v = view(&[], &[]);
    let r = only(&plan(&v, &keys(&[(A, 7, 1), (C, 7, 4)]))).clone();
    assert_eq!(r.problem, Problem::MultipleOwners);
    assert_eq!(r.target, A);
    assert_eq!(r.drains, vec![drain(C, 4, Open::Importing)]);
    assert_eq!(r.close, vec![C.to_string()]);
}

#[test]
fn a_master_naming_another_owner_is_told() {
    let v = view(&[], &[(C, &[(A, "1-5460"), (B, "0 5461-10922")])]);
    assert_eq!(slots_to_count(&v), vec![0]);
    let r = only(&plan(&v, &SlotKeys::new())).clone();
    assert_eq!((r.problem, r.target.as_str()), (Problem::Disagreement, A));
    assert!(r.drains.is_empty() && r.close.is_empty());
}

fn id_on_port(view: &ClusterView, port: u16) -> String {
    view.nodes
        .iter()
        .find(|n| n.address.port == port)
        .unwrap()
        .id()
        .to_string()
}

#[test]
fn captured_open_slot_completes_towards_the_importing_node() {
    let v = fixtures::view(
        "open_slot.migrating_view.txt",
        &["open_slot.importing_view.txt"],
        &[],
    );
    let (a, b) = (id_on_port(&v, 42001), id_on_port(&v, 42002));
    let p = plan(&v, &keys(&[(&a, 3300, 3)]));
    let r = only(&p);
    assert_eq!((r.slot.number(), r.target.as_str()), (3300, b.as_str()));
    assert!(
        matches!(
            &r.reason,
            RepairReason::Migration {
                receiving: Receiving::Imports,
                ..
            }
        ),
        "{:?}",
        r.reason
    );
    assert_eq!(r.drains, vec![drain(&a, 3, Open::AsIs)]);
}

#[test]
fn captured_failed_master_without_slots_is_a_note_not_a_refusal() {
    let v = fixtures::view("failed_master.txt", &[], &[42032]);
    let dead = id_on_port(&v, 42032);
    let p = plan(&v, &SlotKeys::new());
    assert!(p.refused.is_none());
    assert!(p.repairs.is_empty(), "{:#?}", p.repairs);
    assert_eq!(p.notes.len(), 1);
    assert!(p.notes[0].contains("rcluster del-node") && p.notes[0].contains(&dead));
}

#[test]
fn captured_unreachable_owner_is_refused_unless_allowed() {
    let v = fixtures::view("failed_master.not_promoted.txt", &[], &[42022]);
    let p = plan(&v, &SlotKeys::new());
    let refused = p.refused.expect("refused");
    assert!(refused.contains("5461-10922") && refused.contains("--fix-with-unreachable-masters"));
    assert!(p.repairs.is_empty());
    let options = FixOptions {
        with_unreachable_masters: true,
    };
    let p = plan_fix(&v, &SlotKeys::new(), &HashMap::new(), options).unwrap();
    assert_eq!(p.repairs.len(), 5462);
    assert!(
        p.repairs
            .iter()
            .all(|r| r.problem == Problem::UnreachableOwner)
    );
    assert!(p.notes.iter().any(|n| n.contains("are lost")));
}
