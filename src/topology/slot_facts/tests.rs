//! One test per rule of [`SlotFacts`], on the hand-built cluster of `fixtures::edited_view` and a
//! captured unreachable master.

use super::*;
use crate::topology::fixtures::{self, A, B, C, R, edited_view};

fn keys(counts: &[(&str, u16, u64)]) -> SlotKeys {
    let mut keys = SlotKeys::new();
    for (id, slot, count) in counts {
        keys.entry(id.to_string())
            .or_default()
            .insert(*slot, *count);
    }
    keys
}

fn slot(number: u16) -> Slot {
    slot_of(number)
}

#[test]
fn a_healthy_cluster_has_no_facts() {
    let view = edited_view(&[], &[]);
    let none = SlotKeys::new();
    let facts = SlotFacts::derive(&view, &none);
    assert!(facts.uncovered().is_empty());
    assert!(facts.open_nodes().is_empty() && facts.unreachable_owners().is_empty());
    assert!((0..SLOT_COUNT).all(|s| {
        facts.claimants(s).len() == 1 && !facts.is_disputed(s) && !facts.has_several_owners(s)
    }));
}

#[test]
fn open_slots_are_read_on_masters_and_replicas_in_order() {
    let view = edited_view(
        &[],
        &[
            (
                A,
                &[(
                    A,
                    "0-5460 [300->-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb] [100->-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]",
                )],
            ),
            (
                R,
                &[(R, "[500-<-cccccccccccccccccccccccccccccccccccccccc]")],
            ),
        ],
    );
    let none = SlotKeys::new();
    let facts = SlotFacts::derive(&view, &none);
    assert_eq!(
        facts.open_slots_in_order(),
        vec![slot(300), slot(100), slot(500)]
    );
    assert_eq!(
        facts.open_slot_numbers().collect::<Vec<_>>(),
        vec![100, 300, 500]
    );
    let nodes: Vec<&str> = facts.open_nodes().iter().map(|n| n.node.id()).collect();
    assert_eq!(nodes, vec![A, R]);
    let states = facts.open(500).expect("open on the replica");
    assert_eq!(states.importing[0].1, C);
    assert!(states.involves(R) && !states.involves(A));
    assert!(!facts.is_open(0));
}

#[test]
fn a_slot_no_loaded_master_claims_is_uncovered() {
    let view = edited_view(&[(A, "3-5460")], &[]);
    let none = SlotKeys::new();
    let facts = SlotFacts::derive(&view, &none);
    assert_eq!(facts.uncovered().to_compact(), "0-2");
    assert!(facts.is_uncovered(0) && !facts.is_uncovered(3));
    assert!(!facts.has_unreachable_owner(0));
}

#[test]
fn slots_of_an_unreachable_master_are_uncovered_and_named() {
    let view = fixtures::view("failed_master.not_promoted.txt", &[], &[42022]);
    let none = SlotKeys::new();
    let facts = SlotFacts::derive(&view, &none);
    let [(node, slots)] = facts.unreachable_owners() else {
        panic!("{:?}", facts.unreachable_owners());
    };
    assert_eq!(node.address.port, 42022);
    assert_eq!(slots.to_compact(), "5461-10922");
    assert_eq!(facts.uncovered(), slots);
    assert!(facts.has_unreachable_owner(5461));
}

#[test]
fn disputed_when_masters_name_different_owners_not_when_one_names_none() {
    // C gives slot 0 to B; B's table has nobody on slot 1.
    let view = edited_view(
        &[],
        &[
            (C, &[(A, "1-5460"), (B, "0 5461-10922")]),
            (B, &[(A, "0 2-5460")]),
        ],
    );
    let none = SlotKeys::new();
    let facts = SlotFacts::derive(&view, &none);
    assert!(facts.is_disputed(0));
    assert!(!facts.is_disputed(1), "a table naming nobody has no say");
    assert_eq!(facts.claimants(0), &[A]);
    assert!(!facts.has_several_owners(0));
    // A replica's opinion does not count either.
    let view = edited_view(&[], &[(R, &[(A, "1-5460"), (B, "0 5461-10922")])]);
    let facts = SlotFacts::derive(&view, &none);
    assert!(!facts.is_disputed(0));
}

#[test]
fn several_owners_by_claim_or_by_keys() {
    let view = edited_view(&[], &[(B, &[(B, "100 5461-10922")])]);
    let counts = keys(&[(C, 7, 4), (A, 7, 1), (A, 100, 0)]);
    let facts = SlotFacts::derive(&view, &counts);
    assert_eq!(facts.owners(100), vec![A, B]);
    assert!(facts.has_several_owners(100) && facts.is_disputed(100));
    assert_eq!(facts.owners(7), vec![A, C], "claimant first, then holders");
    assert_eq!(facts.holders(7), vec![(A, 1), (C, 4)]);
    assert!(facts.holders(100).is_empty(), "a zero count holds nothing");
    // An uncovered slot whose keys sit on two masters has several owners too.
    let view = edited_view(&[(A, "1-5460")], &[]);
    let counts = keys(&[(B, 0, 1), (C, 0, 2)]);
    let facts = SlotFacts::derive(&view, &counts);
    assert!(facts.is_uncovered(0) && facts.has_several_owners(0));
}

#[test]
fn names_owner_reads_a_masters_own_table() {
    let view = edited_view(&[], &[(C, &[(A, "1-5460"), (B, "0 5461-10922")])]);
    let none = SlotKeys::new();
    let facts = SlotFacts::derive(&view, &none);
    assert!(facts.names_owner(C, 0, B) && !facts.names_owner(C, 0, A));
    assert!(facts.names_owner(A, 0, A));
    assert!(!facts.names_owner(R, 0, A), "only masters are asked");
    assert_eq!(facts.address(B), "127.0.0.1:7001");
    assert_eq!(facts.address("zz"), "unknown node zz");
}
