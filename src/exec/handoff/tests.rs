//! Unit tests of the hand-off rules (grouping, epochs, SETSLOT).

use super::rules::claim_action;
use super::*;

fn handoff(slot: u16, from: &str, to: &str) -> Handoff {
    Handoff {
        slot,
        from: Some(from.into()),
        to: to.into(),
        target_imports: true,
    }
}

fn epochs(list: &[(&str, u64, u64)]) -> HashMap<String, Epochs> {
    list.iter()
        .map(|(id, mine, current)| {
            (
                id.to_string(),
                Epochs {
                    mine: *mine,
                    current: *current,
                },
            )
        })
        .collect()
}

#[test]
fn no_group_has_a_node_that_both_gives_and_receives() {
    let all = vec![
        handoff(1, "a", "b"),
        handoff(2, "b", "a"),
        handoff(3, "b", "c"),
        handoff(4, "c", "a"),
        handoff(5, "d", "e"),
        handoff(6, "a", "b"),
    ];
    let groups = split_into_groups(&all);
    for group in &groups {
        for h in group {
            assert!(
                group
                    .iter()
                    .all(|other| other.from.as_deref() != Some(h.to.as_str())),
                "{groups:?}"
            );
        }
    }
    assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), all.len());
    assert_eq!(
        groups[0].iter().map(|h| h.slot).collect::<Vec<_>>(),
        vec![1, 5, 6]
    );
}

#[test]
fn a_master_keeps_its_last_slot_until_it_has_received_everything() {
    let all = vec![
        handoff(1, "a", "b"),
        handoff(2, "a", "b"),
        handoff(3, "c", "a"),
    ];
    let owned = BTreeMap::from([("a".to_string(), 2), ("c".to_string(), 5)]);
    let first = next_group(&all, &owned);
    assert_eq!(first.iter().map(|h| h.slot).collect::<Vec<_>>(), vec![1]);
    // After slot 3 reaches "a", it may give its last ones.
    let rest = vec![handoff(2, "a", "b")];
    let owned = BTreeMap::from([("a".to_string(), 2)]);
    assert_eq!(next_group(&rest, &owned).len(), 1);
}

#[test]
fn a_target_ahead_of_every_giver_is_ready() {
    let e = epochs(&[("a", 3, 9), ("b", 9, 9), ("c", 5, 9)]);
    let givers = BTreeSet::from(["a", "c"]);
    assert_eq!(
        epoch_action(&e, &givers, &[handoff(1, "a", "b")]),
        EpochAction::Ready
    );
}

#[test]
fn an_importing_target_behind_bumps_itself_on_setslot() {
    let e = epochs(&[("a", 7, 9), ("b", 2, 9)]);
    let givers = BTreeSet::from(["a"]);
    assert_eq!(
        epoch_action(&e, &givers, &[handoff(1, "a", "b")]),
        EpochAction::Ready
    );
}

#[test]
fn a_target_that_will_not_bump_is_bumped_first() {
    let e = epochs(&[("a", 7, 9), ("b", 2, 9)]);
    let givers = BTreeSet::from(["a"]);
    let mut owned = handoff(1, "a", "b");
    owned.target_imports = false;
    assert_eq!(
        epoch_action(&e, &givers, &[owned]),
        EpochAction::Bump("b".into())
    );
}

#[test]
fn a_giver_sharing_its_epoch_is_made_unique_first() {
    let e = epochs(&[("a", 7, 9), ("b", 2, 9), ("c", 7, 9)]);
    let givers = BTreeSet::from(["a"]);
    assert_eq!(
        epoch_action(&e, &givers, &[handoff(1, "a", "b")]),
        EpochAction::Bump("a".into())
    );
    // "c" shares with the smaller "a": "a" is the one the servers raise, so "c" may give.
    let givers = BTreeSet::from(["c"]);
    let e = epochs(&[("a", 7, 9), ("b", 9, 9), ("c", 7, 9)]);
    assert_eq!(
        epoch_action(&e, &givers, &[handoff(1, "c", "b")]),
        EpochAction::Ready
    );
}

#[test]
fn a_target_that_has_not_heard_the_givers_epoch_waits() {
    let e = epochs(&[("a", 12, 12), ("b", 2, 9)]);
    let givers = BTreeSet::from(["a"]);
    assert!(matches!(
        epoch_action(&e, &givers, &[handoff(1, "a", "b")]),
        EpochAction::Wait(_)
    ));
}

#[test]
fn unsettled_givers_count_too() {
    // "c" gave a slot away earlier; "b" must end above it even though this group's giver is lower.
    let e = epochs(&[("a", 3, 11), ("b", 4, 11), ("c", 11, 11)]);
    let mut owned = handoff(1, "a", "b");
    owned.target_imports = false;
    let givers = BTreeSet::from(["a", "c"]);
    assert_eq!(
        epoch_action(&e, &givers, &[owned]),
        EpochAction::Bump("b".into())
    );
}

#[test]
fn a_claimer_with_the_greatest_epoch_it_knows_is_ready() {
    let e = epochs(&[("a", 9, 9), ("b", 7, 9), ("c", 8, 9)]);
    assert_eq!(claim_action(&e, "a", &BTreeSet::new()), EpochAction::Ready);
}

#[test]
fn a_claimer_below_or_beside_another_master_is_bumped() {
    let e = epochs(&[("a", 5, 9), ("b", 9, 9)]);
    assert_eq!(
        claim_action(&e, "a", &BTreeSet::new()),
        EpochAction::Bump("a".into())
    );
    // Sharing the greatest epoch is not winning: equal epochs never rebind a slot.
    let e = epochs(&[("a", 9, 9), ("b", 9, 9)]);
    assert_eq!(
        claim_action(&e, "a", &BTreeSet::new()),
        EpochAction::Bump("a".into())
    );
    let e = epochs(&[("a", 0, 0)]);
    assert_eq!(
        claim_action(&e, "a", &BTreeSet::new()),
        EpochAction::Bump("a".into())
    );
}

#[test]
fn a_claimer_below_an_epoch_it_heard_of_is_bumped() {
    // Above every master that answered, but it heard of 12: perhaps the unreachable old owner's.
    let e = epochs(&[("a", 9, 12), ("b", 7, 12)]);
    assert_eq!(
        claim_action(&e, "a", &BTreeSet::new()),
        EpochAction::Bump("a".into())
    );
}

#[test]
fn a_claimer_that_has_not_heard_of_a_greater_epoch_waits() {
    let e = epochs(&[("a", 5, 5), ("b", 8, 8)]);
    assert!(matches!(
        claim_action(&e, "a", &BTreeSet::new()),
        EpochAction::Wait(_)
    ));
}

#[test]
fn other_claimers_that_own_none_of_its_slots_do_not_count() {
    // "b" was just raised for a claim of its own: "a" need not beat it, nor wait to hear of it.
    let e = epochs(&[("a", 9, 9), ("b", 10, 10), ("c", 5, 9)]);
    assert_eq!(
        claim_action(&e, "a", &BTreeSet::from(["b"])),
        EpochAction::Ready
    );
    assert!(matches!(
        claim_action(&e, "a", &BTreeSet::new()),
        EpochAction::Wait(_)
    ));
}

#[test]
fn a_claimer_that_does_not_answer_is_bumped_all_the_same() {
    let e = epochs(&[("b", 8, 8)]);
    assert_eq!(
        claim_action(&e, "a", &BTreeSet::new()),
        EpochAction::Bump("a".into())
    );
}

#[test]
fn setslot_is_built_with_its_node() {
    let packed = setslot_command(42, SetSlot::Node("abc")).get_packed_command();
    let text = String::from_utf8_lossy(&packed);
    assert!(
        text.contains("SETSLOT")
            && text.contains("42")
            && text.contains("NODE")
            && text.contains("abc")
    );
    let stable = setslot_command(7, SetSlot::Stable).get_packed_command();
    assert!(!String::from_utf8_lossy(&stable).contains("NODE"));
}
