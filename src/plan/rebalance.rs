//! The rebalance planner: how many slots each master should own for its weight, and which slots move
//! where to get there. Pure and exact: targets are apportioned with integer largest remainders so
//! they sum to 16384, weight 0 empties a master completely, and threshold 0 means "balance exactly"
//! (redis-cli truncates, and treats threshold 0 as "never rebalance"). In redis-cli syntax,
//! [`Rounding::RedisCli`] follows redis-cli's arithmetic instead: single-precision targets truncated,
//! the slots left over given one by one, in list order, to the masters that do not have to give.
//!
//! Pairing follows redis-cli: masters sorted by balance, the neediest receives from the most
//! over-full, each source giving its lowest slots.

use super::{MovePlan, SlotMove};
use crate::plan::MasterSlots;
use crate::topology::SLOT_COUNT;
use serde::Serialize;

/// A master taking part, with its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub master: MasterSlots,
    pub weight: f64,
}

/// The loaded masters with slots (and the empty ones with `with_empty`), each of weight 1.
pub fn equal_participants(
    view: &crate::topology::ClusterView,
    with_empty: bool,
) -> Vec<Participant> {
    view.loaded_masters()
        .filter(|m| with_empty || !m.myself().slots.is_empty())
        .map(|m| Participant {
            master: MasterSlots {
                id: m.id().to_string(),
                slots: m.myself().slots.clone(),
            },
            weight: 1.0,
        })
        .collect()
}

/// One source -> target transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub source: String,
    pub target: String,
    pub slots: usize,
    /// The keys (or bytes) those slots hold, when balancing by load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<u64>,
}

/// The outcome of planning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebalancePlan {
    pub total_weight: f64,
    /// (id, slots now - slots wanted; or load now - load wanted when balancing by load).
    pub balances: Vec<(String, i64)>,
    pub transfers: Vec<Transfer>,
    pub moves: MovePlan,
}

/// Why no plan was made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RebalanceError {
    #[error("every participating master has weight 0: at least one must keep slots")]
    NoWeight,
    #[error("*** No rebalancing needed! All nodes are within the {0:.2}% threshold.")]
    WithinThreshold(f64),
    #[error("{0}")]
    Invalid(String),
}

/// How the slots a weighted share leaves over (16384 rarely divides evenly) are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Integer largest remainders: the masters with the largest fractions get one more slot.
    Exact,
    /// redis-cli's `clusterManagerCommandRebalance`: the share is
    /// `(int)((float)16384 / total_weight * weight)`, the threshold is tested against those
    /// truncated targets, then while the balances sum above 0, every master whose balance is at
    /// most 0 gets one more slot to receive, in list order.
    RedisCli,
}

/// Plans the moves that bring every participant to its weighted share.
pub fn plan_rebalance(
    participants: &[Participant],
    threshold: f64,
) -> Result<RebalancePlan, RebalanceError> {
    plan_rebalance_rounded(participants, threshold, Rounding::Exact)
}

/// [`plan_rebalance`] with the given rounding of the targets.
pub fn plan_rebalance_rounded(
    participants: &[Participant],
    threshold: f64,
    rounding: Rounding,
) -> Result<RebalancePlan, RebalanceError> {
    let total_weight: f64 = participants.iter().map(|p| p.weight.max(0.0)).sum();
    if total_weight <= 0.0 {
        return Err(RebalanceError::NoWeight);
    }
    // 1. Targets: by largest remainder, so they sum to exactly 16384, or as redis-cli rounds.
    // 2. Is anybody far enough off?
    let expected = match rounding {
        Rounding::Exact => {
            let expected = apportion(participants, total_weight);
            if !needs_rebalance(participants, &expected, threshold) {
                return Err(RebalanceError::WithinThreshold(threshold));
            }
            expected
        }
        Rounding::RedisCli => {
            let truncated = truncate_like_redis_cli(participants, total_weight);
            if !needs_rebalance(participants, &truncated, threshold) {
                return Err(RebalanceError::WithinThreshold(threshold));
            }
            hand_out_like_redis_cli(participants, truncated)
        }
    };
    // 3. Balances, most needy first (ties keep list order).
    let mut balances: Vec<(usize, i64)> = participants
        .iter()
        .zip(&expected)
        .enumerate()
        .map(|(index, (p, &want))| (index, p.master.slots.len() as i64 - want as i64))
        .collect();
    balances.sort_by_key(|&(index, balance)| (balance, index));
    // 4. Two cursors: the neediest receives from the most over-full.
    let (transfers, moves) = pair_up(participants, &mut balances.clone());
    let plan = RebalancePlan {
        total_weight,
        balances: balances
            .iter()
            .map(|&(i, b)| (participants[i].master.id.clone(), b))
            .collect(),
        transfers,
        moves,
    };
    validate(&plan, participants, &expected)?;
    Ok(plan)
}

fn apportion(participants: &[Participant], total_weight: f64) -> Vec<usize> {
    let quotas: Vec<f64> = participants
        .iter()
        .map(|p| f64::from(SLOT_COUNT) * p.weight.max(0.0) / total_weight)
        .collect();
    let mut expected: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let mut left = usize::from(SLOT_COUNT) - expected.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..participants.len())
        .filter(|&i| participants[i].weight > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        (quotas[b] - quotas[b].floor())
            .total_cmp(&(quotas[a] - quotas[a].floor()))
            .then(a.cmp(&b))
    });
    for index in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        expected[index] += 1;
        left -= 1;
    }
    expected
}

/// redis-cli's targets: single-precision `16384 / total_weight * weight`, truncated.
fn truncate_like_redis_cli(participants: &[Participant], total_weight: f64) -> Vec<usize> {
    let per_weight = f32::from(SLOT_COUNT) / total_weight as f32;
    participants
        .iter()
        .map(|p| (per_weight * p.weight.max(0.0) as f32) as usize)
        .collect()
}

/// redis-cli's fix for truncation: while the balances (slots - target) sum above 0, walk the masters
/// in list order and lower by one the balance of each whose balance is at most 0. Returns the
/// targets those balances mean.
fn hand_out_like_redis_cli(participants: &[Participant], truncated: Vec<usize>) -> Vec<usize> {
    let mut expected = truncated;
    let held: usize = participants.iter().map(|p| p.master.slots.len()).sum();
    let mut left = held.saturating_sub(expected.iter().sum::<usize>());
    while left > 0 {
        let before = left;
        for (p, want) in participants.iter().zip(expected.iter_mut()) {
            if left > 0 && p.master.slots.len() <= *want {
                *want += 1;
                left -= 1;
            }
        }
        if left == before {
            break; // nobody can take more (redis-cli would loop forever); validation says so
        }
    }
    expected
}

/// redis-cli's threshold rule; a threshold of 0 asks for an exact balance.
fn needs_rebalance(participants: &[Participant], expected: &[usize], threshold: f64) -> bool {
    participants.iter().zip(expected).any(|(p, &want)| {
        let have = p.master.slots.len();
        if threshold <= 0.0 {
            have != want
        } else if have == 0 {
            want > 1
        } else {
            (100.0 - 100.0 * want as f64 / have as f64).abs() > threshold
        }
    })
}

fn pair_up(
    participants: &[Participant],
    balances: &mut [(usize, i64)],
) -> (Vec<Transfer>, MovePlan) {
    let mut transfers = Vec::new();
    let mut moves = Vec::new();
    let mut next_slot: Vec<usize> = vec![0; participants.len()];
    let (mut dst, mut src) = (0, balances.len().saturating_sub(1));
    while dst < src {
        let need = -balances[dst].1;
        let spare = balances[src].1;
        let count = need.min(spare).max(0) as usize;
        if count > 0 {
            let (source, target) = (
                &participants[balances[src].0].master,
                &participants[balances[dst].0].master,
            );
            let offset = next_slot[balances[src].0];
            for slot in source.slots.iter().skip(offset).take(count) {
                moves.push(SlotMove::new(slot, &source.id, &target.id));
            }
            next_slot[balances[src].0] += count;
            transfers.push(Transfer {
                source: source.id.clone(),
                target: target.id.clone(),
                slots: count,
                load: None,
            });
        }
        balances[dst].1 += count as i64;
        balances[src].1 -= count as i64;
        if balances[dst].1 >= 0 {
            dst += 1;
        }
        if balances[src].1 <= 0 {
            src = src.saturating_sub(1);
        }
    }
    (transfers, MovePlan { moves })
}

/// After the moves every participant owns exactly its target.
fn validate(
    plan: &RebalancePlan,
    participants: &[Participant],
    expected: &[usize],
) -> Result<(), RebalanceError> {
    let masters: Vec<MasterSlots> = participants.iter().map(|p| p.master.clone()).collect();
    plan.moves
        .validate(&masters)
        .map_err(RebalanceError::Invalid)?;
    for (p, &want) in participants.iter().zip(expected) {
        let gained = plan
            .moves
            .moves
            .iter()
            .filter(|m| m.target == p.master.id)
            .count();
        let lost = plan
            .moves
            .moves
            .iter()
            .filter(|m| m.source == p.master.id)
            .count();
        let after = p.master.slots.len() + gained - lost;
        if after != want {
            return Err(RebalanceError::Invalid(format!(
                "bug in the rebalance planner: {} would own {after} slots, not {want}",
                p.master.id
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::{Slot, SlotSet};
    use proptest::prelude::*;

    fn participant(id: &str, first: u64, last: Option<u64>, weight: f64) -> Participant {
        let slots = match last {
            Some(last) => SlotSet::from_range(Slot::new(first).unwrap(), Slot::new(last).unwrap()),
            None => SlotSet::new(),
        };
        Participant {
            master: MasterSlots {
                id: id.into(),
                slots,
            },
            weight,
        }
    }

    #[test]
    fn empty_master_gets_a_quarter() {
        let plan = plan_rebalance(
            &[
                participant("a", 0, Some(5460), 1.0),
                participant("b", 5461, Some(10922), 1.0),
                participant("c", 10923, Some(16383), 1.0),
                participant("d", 0, None, 1.0),
            ],
            2.0,
        )
        .unwrap();
        assert_eq!(plan.moves.moves.len(), 4096);
        assert!(plan.moves.moves.iter().all(|m| m.target == "d"));
    }

    #[test]
    fn weight_zero_drains_completely_and_threshold_zero_balances_exactly() {
        let plan = plan_rebalance(
            &[
                participant("a", 0, Some(5460), 1.0),
                participant("b", 5461, Some(10922), 0.0),
                participant("c", 10923, Some(16383), 1.0),
            ],
            2.0,
        )
        .unwrap();
        assert_eq!(
            plan.moves.moves.iter().filter(|m| m.source == "b").count(),
            5462
        );
        let nearly = [
            participant("a", 0, Some(5462), 1.0),
            participant("b", 5463, Some(10922), 1.0),
            participant("c", 10923, Some(16383), 1.0),
        ];
        assert_eq!(
            plan_rebalance(&nearly, 2.0),
            Err(RebalanceError::WithinThreshold(2.0))
        );
        let exact = plan_rebalance(&nearly, 0.0).unwrap();
        assert_eq!(exact.moves.moves.len(), 1);
        assert!(matches!(
            plan_rebalance(&[participant("a", 0, Some(16383), 0.0)], 2.0),
            Err(RebalanceError::NoWeight)
        ));
    }

    #[test]
    fn redis_cli_rounding_gives_the_left_over_slot_to_the_first_receiver_in_list_order() {
        // The issue 28 cluster: 7994 / 4393 / 3997 slots. redis-cli 7.0 and 8.6 move 1464 + 1069.
        let participants = [
            participant("a", 0, Some(7993), 1.0),
            participant("b", 7994, Some(12386), 1.0),
            participant("c", 12387, Some(16383), 1.0),
        ];
        let counts = |plan: &RebalancePlan| -> Vec<(String, String, usize)> {
            plan.transfers
                .iter()
                .map(|t| (t.source.clone(), t.target.clone(), t.slots))
                .collect()
        };
        let redis_cli = plan_rebalance_rounded(&participants, 2.0, Rounding::RedisCli).unwrap();
        assert_eq!(
            counts(&redis_cli),
            [
                ("a".into(), "c".into(), 1464),
                ("a".into(), "b".into(), 1069)
            ]
        );
        let exact = plan_rebalance(&participants, 2.0).unwrap();
        assert_eq!(
            counts(&exact),
            [
                ("a".into(), "c".into(), 1464),
                ("a".into(), "b".into(), 1068)
            ]
        );
        // redis-cli tests the threshold against the truncated targets: 5461 of 5462 is within 2%.
        let nearly = [
            participant("a", 0, Some(5461), 1.0),
            participant("b", 5462, Some(10922), 1.0),
            participant("c", 10923, Some(16383), 1.0),
        ];
        assert_eq!(
            plan_rebalance_rounded(&nearly, 2.0, Rounding::RedisCli),
            Err(RebalanceError::WithinThreshold(2.0))
        );
    }

    proptest! {
        #[test]
        fn redis_cli_rounding_always_plans_a_valid_plan(cuts in proptest::collection::btree_set(1u64..16383, 1..6), weights in proptest::collection::vec(0u8..4, 8)) {
            let mut bounds: Vec<u64> = cuts.into_iter().collect();
            bounds.insert(0, 0);
            bounds.push(16384);
            let participants: Vec<Participant> = bounds
                .windows(2)
                .enumerate()
                .map(|(i, w)| participant(&format!("m{i}"), w[0], Some(w[1] - 1), f64::from(weights[i % weights.len()])))
                .collect();
            if let Err(RebalanceError::Invalid(bug)) = plan_rebalance_rounded(&participants, 0.5, Rounding::RedisCli) {
                prop_assert!(false, "{bug}");
            }
        }

        #[test]
        fn every_plan_reaches_the_targets(cuts in proptest::collection::btree_set(1u64..16383, 1..6), weights in proptest::collection::vec(0u8..4, 8), empty in 0usize..3) {
            let mut bounds: Vec<u64> = cuts.into_iter().collect();
            bounds.insert(0, 0);
            bounds.push(16384);
            let mut participants: Vec<Participant> = bounds
                .windows(2)
                .enumerate()
                .map(|(i, w)| participant(&format!("m{i}"), w[0], Some(w[1] - 1), f64::from(weights[i % weights.len()])))
                .collect();
            for e in 0..empty {
                participants.push(participant(&format!("e{e}"), 0, None, 1.0));
            }
            match plan_rebalance(&participants, 0.0) {
                Ok(plan) => {
                    // The naive oracle: hand out the 16384 slots one at a time, each to the master
                    // furthest below its exact quota; the plan must end there, moving no slot more
                    // than needed.
                    let oracle = naive_targets(&participants);
                    let after = final_counts(&participants, &plan);
                    prop_assert_eq!(&after, &oracle);
                    let needed: usize = participants
                        .iter()
                        .zip(&oracle)
                        .map(|(p, want)| p.master.slots.len().saturating_sub(*want))
                        .sum();
                    prop_assert_eq!(plan.moves.moves.len(), needed);
                }
                Err(RebalanceError::NoWeight) => prop_assert!(participants.iter().all(|p| p.weight == 0.0)),
                Err(RebalanceError::WithinThreshold(_)) => {}
                Err(RebalanceError::Invalid(bug)) => prop_assert!(false, "{bug}"),
            }
        }
    }

    fn naive_targets(participants: &[Participant]) -> Vec<usize> {
        let total: f64 = participants.iter().map(|p| p.weight).sum();
        let quota = |p: &Participant| 16384.0 * p.weight / total;
        let mut given = vec![0usize; participants.len()];
        for _ in 0..16384 {
            let neediest = (0..participants.len())
                .filter(|&i| participants[i].weight > 0.0)
                .max_by(|&a, &b| {
                    let gap = |i: usize| quota(&participants[i]) - given[i] as f64;
                    gap(a).total_cmp(&gap(b)).then(b.cmp(&a))
                })
                .unwrap();
            given[neediest] += 1;
        }
        given
    }

    fn final_counts(participants: &[Participant], plan: &RebalancePlan) -> Vec<usize> {
        participants
            .iter()
            .map(|p| {
                let id = &p.master.id;
                let gained = plan.moves.moves.iter().filter(|m| m.target == *id).count();
                let lost = plan.moves.moves.iter().filter(|m| m.source == *id).count();
                p.master.slots.len() + gained - lost
            })
            .collect()
    }
}
