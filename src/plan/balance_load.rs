//! `rebalance --by keys|memory`: the same weighted shares as [`super::rebalance`], but of a load (keys,
//! or bytes) rather than of slots, reached by moving as few slots as possible. Pure.
//!
//! Each master's target is its weighted share of the total load. The most over-loaded master gives
//! its heaviest slot that brings both it and the neediest receiver closer to their targets (a slot
//! lighter than twice the smaller of the two gaps), until no such slot is left; slots without load
//! never move, except from a master of weight 0, which is emptied completely (its empty slots go to
//! the receivers with the fewest slots).

use super::rebalance::{Participant, RebalanceError, RebalancePlan, Transfer};
use super::{MovePlan, SlotMove};
use crate::plan::MasterSlots;
use crate::topology::Slot;
use std::collections::HashMap;

/// Per master id, the load of each of its slots (missing slots weigh 0).
pub type SlotLoads = HashMap<String, HashMap<u16, u64>>;

/// A master during planning.
struct Ledger<'a> {
    participant: &'a Participant,
    /// Current load and target load.
    load: i64,
    target: i64,
    /// Slots it owns now, heaviest first (ties: lowest slot).
    slots: Vec<(Slot, u64)>,
    slot_count: usize,
}

impl Ledger<'_> {
    fn excess(&self) -> i64 {
        self.load - self.target
    }
    fn drains(&self) -> bool {
        self.participant.weight <= 0.0
    }
}

/// Plans moves that bring every participant's load to its weighted share.
pub fn plan_rebalance_by_load(
    participants: &[Participant],
    loads: &SlotLoads,
    threshold: f64,
) -> Result<RebalancePlan, RebalanceError> {
    let total_weight: f64 = participants.iter().map(|p| p.weight.max(0.0)).sum();
    if total_weight <= 0.0 {
        return Err(RebalanceError::NoWeight);
    }
    let mut ledgers = ledgers(participants, loads, total_weight);
    if !needs_rebalance(&ledgers, threshold) {
        return Err(RebalanceError::WithinThreshold(threshold));
    }
    let balances = ledgers
        .iter()
        .map(|l| (l.participant.master.id.clone(), l.excess()))
        .collect();
    let moves = move_load(&mut ledgers);
    let plan = RebalancePlan {
        total_weight,
        balances,
        transfers: transfers(&moves, loads),
        moves: MovePlan { moves },
    };
    let masters: Vec<MasterSlots> = participants.iter().map(|p| p.master.clone()).collect();
    plan.moves
        .validate(&masters)
        .map_err(RebalanceError::Invalid)?;
    if let Some(left) = ledgers.iter().find(|l| l.drains() && l.slot_count > 0) {
        return Err(RebalanceError::Invalid(format!(
            "bug in the load planner: {} keeps {} slots at weight 0",
            left.participant.master.id, left.slot_count
        )));
    }
    Ok(plan)
}

fn ledgers<'a>(
    participants: &'a [Participant],
    loads: &SlotLoads,
    total_weight: f64,
) -> Vec<Ledger<'a>> {
    let load_of = |id: &str, slot: Slot| {
        loads
            .get(id)
            .and_then(|m| m.get(&slot.number()))
            .copied()
            .unwrap_or(0)
    };
    let total: u64 = participants
        .iter()
        .flat_map(|p| p.master.slots.iter().map(|s| load_of(&p.master.id, s)))
        .sum();
    participants
        .iter()
        .map(|p| {
            let mut slots: Vec<(Slot, u64)> = p
                .master
                .slots
                .iter()
                .map(|s| (s, load_of(&p.master.id, s)))
                .collect();
            slots.sort_by_key(|&(slot, load)| (std::cmp::Reverse(load), slot));
            Ledger {
                participant: p,
                load: slots.iter().map(|(_, l)| *l as i64).sum(),
                target: (total as f64 * p.weight.max(0.0) / total_weight).round() as i64,
                slot_count: slots.len(),
                slots,
            }
        })
        .collect()
}

/// The threshold rule of slot balancing, applied to loads; 0 asks for the closest balance.
fn needs_rebalance(ledgers: &[Ledger], threshold: f64) -> bool {
    ledgers.iter().any(|l| {
        if l.drains() {
            l.slot_count > 0
        } else if threshold <= 0.0 {
            l.excess() != 0
        } else if l.load == 0 {
            l.target > 0
        } else {
            (100.0 - 100.0 * l.target as f64 / l.load as f64).abs() > threshold
        }
    })
}

/// The moves, source by source, most over-loaded first.
fn move_load(ledgers: &mut [Ledger]) -> Vec<SlotMove> {
    let mut moves = Vec::new();
    let mut sources: Vec<usize> = (0..ledgers.len())
        .filter(|&i| ledgers[i].excess() > 0 || (ledgers[i].drains() && ledgers[i].slot_count > 0))
        .collect();
    sources.sort_by_key(|&i| (std::cmp::Reverse(ledgers[i].excess()), i));
    for source in sources {
        let slots = std::mem::take(&mut ledgers[source].slots);
        let mut kept = Vec::new();
        for (slot, load) in slots {
            match pick_receiver(ledgers, source, load) {
                Some(receiver) => {
                    let (from, to) = (
                        ledgers[source].participant.master.id.clone(),
                        ledgers[receiver].participant.master.id.clone(),
                    );
                    moves.push(SlotMove::new(slot, &from, &to));
                    ledgers[source].load -= load as i64;
                    ledgers[source].slot_count -= 1;
                    ledgers[receiver].load += load as i64;
                    ledgers[receiver].slot_count += 1;
                }
                None => kept.push((slot, load)),
            }
        }
        ledgers[source].slots = kept;
    }
    moves
}

/// Where a slot of `load` from `source` should go, if anywhere: the neediest receiver when the move
/// brings both closer to their targets, any receiver (fewest slots for a keyless one) when the
/// source drains.
fn pick_receiver(ledgers: &[Ledger], source: usize, load: u64) -> Option<usize> {
    let receivers = (0..ledgers.len()).filter(|&i| i != source && !ledgers[i].drains());
    let neediest = receivers.clone().max_by_key(|&i| {
        (
            -ledgers[i].excess(),
            std::cmp::Reverse(ledgers[i].slot_count),
            std::cmp::Reverse(i),
        )
    });
    if ledgers[source].drains() {
        if load == 0 {
            return receivers.min_by_key(|&i| (ledgers[i].slot_count, i));
        }
        return neediest;
    }
    let receiver = neediest?;
    let gap = ledgers[source].excess().min(-ledgers[receiver].excess());
    (load > 0 && gap > 0 && (load as i64) < 2 * gap).then_some(receiver)
}

/// The moves summed per (source, target), in order of first appearance.
fn transfers(moves: &[SlotMove], loads: &SlotLoads) -> Vec<Transfer> {
    let mut transfers: Vec<Transfer> = Vec::new();
    for step in moves {
        let load = loads
            .get(&step.source)
            .and_then(|m| m.get(&step.slot.number()))
            .copied()
            .unwrap_or(0);
        match transfers
            .iter_mut()
            .find(|t| t.source == step.source && t.target == step.target)
        {
            Some(transfer) => {
                transfer.slots += 1;
                *transfer.load.get_or_insert(0) += load;
            }
            None => transfers.push(Transfer {
                source: step.source.clone(),
                target: step.target.clone(),
                slots: 1,
                load: Some(load),
            }),
        }
    }
    transfers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::SlotSet;
    use proptest::prelude::*;

    fn participant(id: &str, first: u64, last: u64, weight: f64) -> Participant {
        Participant {
            master: MasterSlots {
                id: id.into(),
                slots: SlotSet::from_range(Slot::new(first).unwrap(), Slot::new(last).unwrap()),
            },
            weight,
        }
    }

    fn final_loads(
        participants: &[Participant],
        loads: &SlotLoads,
        plan: &RebalancePlan,
    ) -> Vec<i64> {
        participants
            .iter()
            .map(|p| {
                let id = &p.master.id;
                let own: i64 = p
                    .master
                    .slots
                    .iter()
                    .map(|s| loads[id].get(&s.number()).copied().unwrap_or(0) as i64)
                    .sum();
                let moved = |m: &SlotMove| {
                    loads[&m.source].get(&m.slot.number()).copied().unwrap_or(0) as i64
                };
                let gained: i64 = plan
                    .moves
                    .moves
                    .iter()
                    .filter(|m| m.target == *id)
                    .map(moved)
                    .sum();
                let lost: i64 = plan
                    .moves
                    .moves
                    .iter()
                    .filter(|m| m.source == *id)
                    .map(moved)
                    .sum();
                own + gained - lost
            })
            .collect()
    }

    #[test]
    fn a_few_heavy_slots_move_instead_of_many_light_ones() {
        let participants = [
            participant("a", 0, 99, 1.0),
            participant("b", 100, 199, 1.0),
        ];
        let mut loads = SlotLoads::new();
        // a holds 298 keys (two slots of 100), b 100: one heavy slot evens them out.
        let heavy = |s: u16| if s < 2 { 100 } else { 1 };
        loads.insert("a".into(), (0..100).map(|s| (s, heavy(s))).collect());
        loads.insert("b".into(), (100..200).map(|s| (s, 1)).collect());
        let plan = plan_rebalance_by_load(&participants, &loads, 0.0).unwrap();
        assert_eq!(plan.moves.moves.len(), 1, "{:?}", plan.moves);
        assert_eq!(plan.moves.moves[0].slot.number(), 0);
        assert_eq!(plan.transfers[0].load, Some(100));
    }

    #[test]
    fn weight_zero_empties_the_master_keyless_slots_included() {
        let participants = [
            participant("a", 0, 99, 0.0),
            participant("b", 100, 199, 1.0),
            participant("c", 200, 299, 1.0),
        ];
        let mut loads = SlotLoads::new();
        loads.insert("a".into(), (0..50).map(|s| (s, 3)).collect());
        loads.insert("b".into(), HashMap::new());
        loads.insert("c".into(), HashMap::new());
        let plan = plan_rebalance_by_load(&participants, &loads, 2.0).unwrap();
        assert_eq!(plan.moves.moves.len(), 100);
        let to_b = plan.moves.moves.iter().filter(|m| m.target == "b").count();
        assert!((40..=60).contains(&to_b), "{to_b}");
        assert_eq!(final_loads(&participants, &loads, &plan), vec![0, 75, 75]);
    }

    proptest! {
        #[test]
        fn plans_are_valid_and_never_worse(loads_a in proptest::collection::vec(0u64..50, 200), loads_b in proptest::collection::vec(0u64..5, 100), weight in 0u8..3) {
            let participants = [
                participant("a", 0, 199, 1.0),
                participant("b", 200, 299, f64::from(weight)),
                participant("c", 300, 16383, 1.0),
            ];
            let mut loads = SlotLoads::new();
            loads.insert("a".into(), loads_a.iter().enumerate().map(|(s, l)| (s as u16, *l)).collect());
            loads.insert("b".into(), loads_b.iter().enumerate().map(|(s, l)| (s as u16 + 200, *l)).collect());
            loads.insert("c".into(), HashMap::new());
            match plan_rebalance_by_load(&participants, &loads, 0.0) {
                Ok(plan) => {
                    let total: i64 = loads.values().flat_map(|m| m.values()).map(|l| *l as i64).sum();
                    let weights: Vec<f64> = participants.iter().map(|p| p.weight).collect();
                    let sum: f64 = weights.iter().sum();
                    let targets: Vec<i64> = weights.iter().map(|w| (total as f64 * w / sum).round() as i64).collect();
                    let before = final_loads(&participants, &loads, &RebalancePlan { total_weight: sum, balances: vec![], transfers: vec![], moves: MovePlan::default() });
                    let after = final_loads(&participants, &loads, &plan);
                    let distance = |v: &[i64]| v.iter().zip(&targets).map(|(a, t)| (a - t).abs()).sum::<i64>();
                    prop_assert!(distance(&after) <= distance(&before), "{after:?} vs {before:?} for {targets:?}");
                    prop_assert_eq!(after.iter().sum::<i64>(), total);
                }
                Err(RebalanceError::WithinThreshold(_)) => {}
                Err(other) => prop_assert!(false, "{other}"),
            }
        }
    }
}
