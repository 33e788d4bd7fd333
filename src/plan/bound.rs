//! Bounded steps (`--max-slots`): the part of a plan one run moves, so that an operator can drive a
//! long rebalance or reshard in steps re-planned from the live cluster each time. Pure; called by
//! `commands::rebalance` and `commands::reshard`.
//!
//! The step takes a prefix of every transfer (the moves of one source to one target, in plan order),
//! round-robin across transfers: every source keeps moving in parallel, each transfer's slots stay
//! consecutive, and the slots left are exactly what the next run plans again.

use super::{MovePlan, SlotMove};

/// One run's share of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The moves this run makes: at most the bound.
    pub plan: MovePlan,
    /// The slots of the whole plan left for later runs.
    pub left: usize,
}

/// At most `max_slots` moves of `plan` (at least one when the plan has any), a prefix of each
/// transfer, the transfers taken in turn.
pub fn first_slots(plan: &MovePlan, max_slots: usize) -> Step {
    let mut transfers: Vec<Vec<&SlotMove>> = Vec::new();
    for step in &plan.moves {
        match transfers
            .iter_mut()
            .find(|t| t[0].source == step.source && t[0].target == step.target)
        {
            Some(transfer) => transfer.push(step),
            None => transfers.push(vec![step]),
        }
    }
    let budget = max_slots.max(1).min(plan.moves.len());
    let mut taken = vec![0usize; transfers.len()];
    let mut given = 0;
    while given < budget {
        for (i, transfer) in transfers.iter().enumerate() {
            if given < budget && taken[i] < transfer.len() {
                taken[i] += 1;
                given += 1;
            }
        }
    }
    let moves = transfers
        .iter()
        .zip(&taken)
        .flat_map(|(transfer, &n)| transfer[..n].iter().map(|m| (*m).clone()))
        .collect();
    Step {
        plan: MovePlan { moves },
        left: plan.moves.len() - budget,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::Slot;
    use proptest::prelude::*;

    fn plan_of(moves: &[(u64, &str, &str)]) -> MovePlan {
        MovePlan {
            moves: moves
                .iter()
                .map(|(slot, s, t)| SlotMove::new(Slot::new(*slot).unwrap(), s, t))
                .collect(),
        }
    }

    #[test]
    fn takes_a_prefix_of_every_transfer_in_turn() {
        let plan = plan_of(&[
            (0, "a", "d"),
            (1, "a", "d"),
            (2, "a", "d"),
            (10, "b", "d"),
            (11, "b", "d"),
            (20, "c", "d"),
        ]);
        let step = first_slots(&plan, 4);
        assert_eq!(
            step.plan,
            plan_of(&[(0, "a", "d"), (1, "a", "d"), (10, "b", "d"), (20, "c", "d")])
        );
        assert_eq!(step.left, 2);
    }

    #[test]
    fn a_bound_above_the_plan_takes_it_whole() {
        let plan = plan_of(&[(0, "a", "d"), (1, "b", "d")]);
        let step = first_slots(&plan, 128);
        assert_eq!(step.plan, plan);
        assert_eq!(step.left, 0);
    }

    proptest! {
        #[test]
        fn a_step_is_bounded_and_the_rest_is_left(
            sources in proptest::collection::vec(0u8..4, 0..200),
            max in 1usize..300,
        ) {
            let moves: Vec<(u64, String, String)> = sources
                .iter()
                .enumerate()
                .map(|(slot, s)| (slot as u64, format!("s{s}"), format!("t{}", s % 2)))
                .collect();
            let plan = MovePlan {
                moves: moves
                    .iter()
                    .map(|(slot, s, t)| SlotMove::new(Slot::new(*slot).unwrap(), s, t))
                    .collect(),
            };
            let step = first_slots(&plan, max);
            prop_assert_eq!(step.plan.moves.len(), max.min(plan.moves.len()));
            prop_assert_eq!(step.plan.moves.len() + step.left, plan.moves.len());
            // Each transfer's moves in the step are the first ones of that transfer in the plan.
            for taken in &step.plan.moves {
                let earlier = plan.moves.iter().take_while(|m| m.slot != taken.slot).filter(|m| {
                    m.source == taken.source && m.target == taken.target
                });
                for m in earlier {
                    prop_assert!(step.plan.moves.contains(m));
                }
            }
        }
    }
}
