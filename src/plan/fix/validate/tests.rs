//! [`FixPlan::validate`] on plans broken by hand (each rule names the bug), and property tests: on
//! random disagreements, open states, key counts and journal intents over a few slots, `plan_fix`
//! returns a plan that validates, and breaking that plan makes it fail.

use super::super::{Drain, FixOptions, Intent, Open, Prepare, plan_fix};
use super::*;
use crate::topology::fixtures::{A, B, C, R, edited_view};
use proptest::prelude::*;
use std::collections::HashMap;

fn keys(counts: &[(&str, u16, u64)]) -> SlotKeys {
    let mut keys = SlotKeys::new();
    for (id, slot, count) in counts {
        keys.entry(id.to_string())
            .or_default()
            .insert(*slot, *count);
    }
    keys
}

/// A stray key on C in slot 7 (owned by A): one repair that drains C into A.
fn stray() -> (ClusterView, SlotKeys, FixPlan) {
    let view = edited_view(&[], &[]);
    let counts = keys(&[(A, 7, 1), (C, 7, 4)]);
    let plan = plan_fix(&view, &counts, &HashMap::new(), FixOptions::default()).unwrap();
    (view, counts, plan)
}

fn error(plan: &FixPlan, view: &ClusterView, counts: &SlotKeys) -> String {
    plan.validate(view, counts).expect_err("a broken plan")
}

#[test]
fn a_planned_repair_validates() {
    let (view, counts, plan) = stray();
    assert_eq!(plan.repairs.len(), 1);
    assert_eq!(plan.validate(&view, &counts), Ok(()));
}

#[test]
fn a_slot_repaired_twice_is_a_bug() {
    let (view, counts, mut plan) = stray();
    plan.repairs.push(plan.repairs[0].clone());
    let message = error(&plan, &view, &counts);
    assert!(
        message.starts_with("bug in the planner: slot 7: repaired twice"),
        "{message}"
    );
}

#[test]
fn a_target_that_is_not_a_reachable_master_is_a_bug() {
    let (view, counts, mut plan) = stray();
    plan.repairs[0].target = R.into();
    assert!(error(&plan, &view, &counts).contains("not a reachable master"));
    plan.repairs[0].target = "eeee".into();
    assert!(error(&plan, &view, &counts).contains("not a reachable master"));
}

#[test]
fn the_way_the_target_takes_the_slot_must_fit_its_state() {
    let (view, counts, plan) = stray();
    let mut claim = plan.clone();
    claim.repairs[0].prepare = Prepare::Claim;
    assert!(error(&claim, &view, &counts).contains("claimed although"));
    let mut import = plan.clone();
    import.repairs[0].prepare = Prepare::Import(C.into());
    assert!(error(&import, &view, &counts).contains("does not own it"));
    let mut owns = plan;
    owns.repairs[0].target = C.into();
    owns.repairs[0].target_keys = 4;
    owns.repairs[0].drains = vec![Drain {
        node: A.into(),
        keys: 1,
        open: Open::Migrating,
    }];
    assert!(error(&owns, &view, &counts).contains("said to own it"));
}

#[test]
fn every_other_holder_drains_exactly_its_keys_in_a_state_that_allows_it() {
    let (view, counts, plan) = stray();
    let mut kept = plan.clone();
    kept.repairs[0].drains.clear();
    assert!(error(&kept, &view, &counts).contains("keeps keys of it"));
    let mut miscounted = plan.clone();
    miscounted.repairs[0].drains[0].keys = 3;
    assert!(error(&miscounted, &view, &counts).contains("not the counted number"));
    let mut opened = plan.clone();
    opened.repairs[0].drains[0].open = Open::Migrating;
    assert!(error(&opened, &view, &counts).contains("does not allow"));
    // Only a rival that owns the slot alongside its target gives it up.
    let mut given_up = plan.clone();
    given_up.repairs[0].drains[0].open = Open::GivesUp;
    assert!(error(&given_up, &view, &counts).contains("does not allow"));
    let mut into_itself = plan.clone();
    into_itself.repairs[0].drains[0].node = A.into();
    assert!(error(&into_itself, &view, &counts).contains("into itself"));
    let mut target_keys = plan;
    target_keys.repairs[0].target_keys = 0;
    assert!(error(&target_keys, &view, &counts).contains("key count"));
}

#[test]
fn a_slot_left_alone_must_be_healthy() {
    let (view, counts, mut plan) = stray();
    plan.repairs.clear();
    assert!(error(&plan, &view, &counts).contains("slot 7: keys left on"));
    let view = edited_view(&[(A, "1-5460")], &[]);
    let none = SlotKeys::new();
    assert!(error(&FixPlan::default(), &view, &none).contains("slot 0: left with 0 owners"));
    let view = edited_view(&[], &[(C, &[(A, "1-5460"), (B, "0 5461-10922")])]);
    assert!(error(&FixPlan::default(), &view, &none).contains("names another owner"));
}

#[test]
fn a_refused_plan_has_no_repairs() {
    let (view, counts, mut plan) = stray();
    plan.refused = Some("unreachable".into());
    assert!(error(&plan, &view, &counts).contains("refused plan"));
    plan.repairs.clear();
    assert_eq!(plan.validate(&view, &counts), Ok(()));
}

#[test]
fn lists_of_nodes_to_tell_name_reachable_masters() {
    let (view, counts, plan) = stray();
    let mut close = plan.clone();
    close.repairs[0].close.push(A.into());
    assert!(error(&close, &view, &counts).contains("target is closed"));
    let mut tell = plan;
    tell.repairs[0].tell_owner.push(R.into());
    assert!(error(&tell, &view, &counts).contains("told the owner"));
}

/// The slots the random cases play with; the rest stay with their usual owner.
const PLAYED: u16 = 6;
const MASTERS: [&str; 3] = [A, B, C];

/// A slot field: the master's usual range past the played slots, the played slots in `mask`, and
/// `marks` (open states, own line only).
fn field(master: usize, mask: u8, marks: &str) -> String {
    let base = ["6-5460", "5461-10922", "10923-16383"][master];
    let played = (0..PLAYED).filter(|s| mask & (1 << s) != 0);
    let words: Vec<String> = played.map(|s| s.to_string()).collect();
    format!("{} {base} {marks}", words.join(" "))
        .trim()
        .to_string()
}

/// An open state: (on master, slot, migrating?, peer master).
type Mark = (usize, u16, bool, usize);

fn mark_text(marks: &[Mark], on: usize) -> String {
    marks
        .iter()
        .filter(|(node, _, _, peer)| *node == on && peer != node)
        .map(|(_, slot, migrating, peer)| {
            let arrow = if *migrating { "->-" } else { "-<-" };
            format!("[{slot}{arrow}{}]", MASTERS[*peer])
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// claims[m]: the played slots master m claims; opinions[t][m]: what master t's table says m owns.
fn random_view(claims: &[u8; 3], opinions: &[[u8; 3]; 3], marks: &[Mark]) -> ClusterView {
    let own: Vec<(&str, Vec<(&str, String)>)> = (0..3)
        .map(|table| {
            let fields = (0..3)
                .map(|m| {
                    let (mask, marks) = if m == table {
                        (claims[m], mark_text(marks, m))
                    } else {
                        (opinions[table][m], String::new())
                    };
                    (MASTERS[m], field(m, mask, &marks))
                })
                .collect();
            (MASTERS[table], fields)
        })
        .collect();
    let own: Vec<(&str, Vec<(&str, &str)>)> = own
        .iter()
        .map(|(id, fields)| (*id, fields.iter().map(|(m, f)| (*m, f.as_str())).collect()))
        .collect();
    let own: Vec<(&str, &[(&str, &str)])> = own.iter().map(|(id, f)| (*id, f.as_slice())).collect();
    edited_view(&[], &own)
}

fn random_keys(counts: &[u8]) -> SlotKeys {
    let mut keys = SlotKeys::new();
    for (index, count) in counts.iter().enumerate() {
        let (master, slot) = (index / PLAYED as usize, (index % PLAYED as usize) as u16);
        if *count > 0 {
            keys.entry(MASTERS[master].to_string())
                .or_default()
                .insert(slot, u64::from(*count));
        }
    }
    keys
}

/// Mostly zero: most slots are healthy, a few are not.
fn rarely(values: impl Strategy<Value = u8> + 'static) -> BoxedStrategy<u8> {
    prop_oneof![4 => Just(0u8), 1 => values].boxed()
}

fn case() -> impl Strategy<Value = (ClusterView, SlotKeys, HashMap<u16, Intent>)> {
    // Each played slot's owner (3: nobody), then extra claims and wrong opinions, each rare.
    let owners = prop::collection::vec(
        prop_oneof![6 => 0usize..3, 1 => Just(3usize)],
        PLAYED as usize,
    );
    let extra = prop::array::uniform3(rarely(0u8..64));
    let flips = prop::array::uniform3(prop::array::uniform3(rarely(0u8..64)));
    let marks = prop::collection::vec((0usize..3, 0..PLAYED, any::<bool>(), 0usize..3), 0..3);
    let counts = prop::collection::vec(rarely(1u8..4), 3 * PLAYED as usize);
    let intent = prop::option::of((0..PLAYED, 0usize..3, 0usize..3));
    (owners, extra, flips, marks, counts, intent).prop_map(
        |(owners, extra, flips, marks, counts, intent)| {
            let mut claims = extra;
            for (slot, owner) in owners.iter().enumerate() {
                if let Some(mask) = claims.get_mut(*owner) {
                    *mask |= 1 << slot;
                }
            }
            let opinions = flips.map(|row| {
                let mut row = row;
                for (m, flip) in row.iter_mut().enumerate() {
                    *flip ^= claims[m];
                }
                row
            });
            let intents = intent
                .map(|(slot, source, target)| {
                    let intent = Intent {
                        source: MASTERS[source].into(),
                        target: MASTERS[target].into(),
                        journal: "/tmp/j.jsonl".into(),
                        command: "reshard".into(),
                    };
                    (slot, intent)
                })
                .into_iter()
                .collect();
            let view = random_view(&claims, &opinions, &marks);
            (view, random_keys(&counts), intents)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn plans_validate_and_broken_plans_do_not((view, counts, intents) in case(), pick in 0usize..64) {
        let plan = plan_fix(&view, &counts, &intents, FixOptions::default());
        let plan = plan.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(plan.refused.is_none());
        prop_assert!(plan.repairs.iter().all(|r| r.slot.number() < PLAYED), "{:?}", plan.repairs);
        if plan.repairs.is_empty() {
            return Ok(());
        }
        let index = pick % plan.repairs.len();
        let mut twice = plan.clone();
        twice.repairs.push(plan.repairs[index].clone());
        prop_assert!(twice.validate(&view, &counts).is_err());
        let mut dropped = plan.clone();
        let gone = dropped.repairs.remove(index);
        prop_assert!(dropped.validate(&view, &counts).is_err(), "{:?} may be dropped", gone);
        let mut replica = plan;
        replica.repairs[index].target = R.into();
        prop_assert!(replica.validate(&view, &counts).is_err());
    }
}
