//! The reshard planner: which slots move from which sources to the target. Pure; the plan moves
//! exactly the number of slots asked for (redis-cli's float quotas can deliver fewer).
//!
//! Order follows redis-cli: sources by slot count (largest first), the largest giving the rounded-up
//! share and the others the rounded-down share, each its lowest slots first; any shortfall from
//! rounding is then taken, one slot at a time, from the source with the most slots left.

use super::MasterSlots;
use super::{MovePlan, SlotMove};
use crate::topology::{Slot, SlotSet};

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReshardError {
    #[error("no source nodes given: name them with --from ID[,ID...] or --from all")]
    NoSources,
    #[error("the target {0} cannot also be a source")]
    TargetIsSource(String),
    #[error("the number of slots must be from 1 to 16384, not {0}")]
    BadCount(usize),
    #[error("the sources own only {available} slots, fewer than the {wanted} asked for")]
    NotEnoughSlots { available: usize, wanted: usize },
    #[error("slot {slot} is already owned by the target")]
    AlreadyOnTarget { slot: Slot },
    #[error("slot {slot} is not owned by any master; cover it first with `rcluster fix`")]
    Unowned { slot: Slot },
    #[error("{0}")]
    Invalid(String),
}

/// Moves `count` slots from `sources` (ids of masters in `masters`) to `target`.
pub fn plan_reshard(
    masters: &[MasterSlots],
    sources: &[String],
    target: &str,
    count: usize,
) -> Result<MovePlan, ReshardError> {
    if sources.is_empty() {
        return Err(ReshardError::NoSources);
    }
    if sources.iter().any(|s| s == target) {
        return Err(ReshardError::TargetIsSource(target.to_string()));
    }
    if count == 0 || count > 16384 {
        return Err(ReshardError::BadCount(count));
    }
    // 1. Sources, largest first (ties by id, so the plan is deterministic).
    let mut ordered: Vec<&MasterSlots> =
        masters.iter().filter(|m| sources.contains(&m.id)).collect();
    ordered.sort_by(|a, b| b.slots.len().cmp(&a.slots.len()).then(a.id.cmp(&b.id)));
    let available: usize = ordered.iter().map(|m| m.slots.len()).sum();
    if available < count {
        return Err(ReshardError::NotEnoughSlots {
            available,
            wanted: count,
        });
    }
    // 2. redis-cli's quotas: ceil for the first, floor for the rest, lowest slots first.
    let mut remaining: Vec<Vec<Slot>> = ordered.iter().map(|m| m.slots.iter().collect()).collect();
    let mut moves = Vec::new();
    for (index, master) in ordered.iter().enumerate() {
        let share = count as f64 * master.slots.len() as f64 / available as f64;
        let quota = if index == 0 {
            share.ceil()
        } else {
            share.floor()
        } as usize;
        let take = quota.min(count - moves.len()).min(remaining[index].len());
        for slot in remaining[index].drain(..take) {
            moves.push(SlotMove::new(slot, &master.id, target));
        }
    }
    // 3. Exactly `count`: the shortfall from the source with the most slots left.
    while moves.len() < count {
        let Some((index, _)) = remaining
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .max_by_key(|(i, r)| (r.len(), std::cmp::Reverse(*i)))
        else {
            break;
        };
        let slot = remaining[index].remove(0);
        moves.push(SlotMove::new(slot, &ordered[index].id, target));
    }
    let plan = MovePlan { moves };
    plan.validate(masters).map_err(ReshardError::Invalid)?;
    Ok(plan)
}

/// Moves the given slots, each from its current owner, to `target`.
pub fn plan_slot_list(
    masters: &[MasterSlots],
    slots: &SlotSet,
    target: &str,
) -> Result<MovePlan, ReshardError> {
    let mut moves = Vec::new();
    for slot in slots.iter() {
        let owner = masters
            .iter()
            .find(|m| m.slots.contains(slot))
            .ok_or(ReshardError::Unowned { slot })?;
        if owner.id == target {
            return Err(ReshardError::AlreadyOnTarget { slot });
        }
        moves.push(SlotMove::new(slot, &owner.id, target));
    }
    if moves.is_empty() {
        return Err(ReshardError::BadCount(0));
    }
    let plan = MovePlan { moves };
    plan.validate(masters).map_err(ReshardError::Invalid)?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slot(n: u64) -> Slot {
        Slot::new(n).unwrap()
    }

    fn master(id: &str, first: u64, last: u64) -> MasterSlots {
        MasterSlots {
            id: id.into(),
            slots: SlotSet::from_range(slot(first), slot(last)),
        }
    }

    fn three() -> Vec<MasterSlots> {
        vec![
            master("a", 0, 5460),
            master("b", 5461, 10922),
            master("c", 10923, 16383),
        ]
    }

    #[test]
    fn redis_cli_split_for_two_sources() {
        // redis-cli 11.5: 5 slots from b and c to a: 3 from b (the larger, rounded up), 2 from c.
        let plan = plan_reshard(&three(), &["b".into(), "c".into()], "a", 5).unwrap();
        let moved: Vec<(u16, &str)> = plan
            .moves
            .iter()
            .map(|m| (m.slot.number(), m.source.as_str()))
            .collect();
        assert_eq!(
            moved,
            vec![
                (5461, "b"),
                (5462, "b"),
                (5463, "b"),
                (10923, "c"),
                (10924, "c")
            ]
        );
    }

    #[test]
    fn delivers_exactly_what_redis_cli_would_short() {
        // redis-cli plans 2+1+1 = 4 for 5 slots from three equal sources.
        let masters = vec![
            master("a", 0, 4095),
            master("b", 4096, 8191),
            master("c", 8192, 12287),
            master("d", 12288, 16383),
        ];
        let plan = plan_reshard(&masters, &["a".into(), "b".into(), "c".into()], "d", 5).unwrap();
        assert_eq!(plan.moves.len(), 5);
        plan.validate(&masters).unwrap();
    }

    #[test]
    fn errors() {
        assert_eq!(
            plan_reshard(&three(), &[], "a", 1),
            Err(ReshardError::NoSources)
        );
        assert!(matches!(
            plan_reshard(&three(), &["a".into()], "a", 1),
            Err(ReshardError::TargetIsSource(_))
        ));
        assert!(matches!(
            plan_reshard(&three(), &["b".into()], "a", 6000),
            Err(ReshardError::NotEnoughSlots { .. })
        ));
        assert_eq!(
            plan_reshard(&three(), &["b".into()], "a", 0),
            Err(ReshardError::BadCount(0))
        );
        let list = SlotSet::from_range(slot(5), slot(6));
        assert!(matches!(
            plan_slot_list(&three(), &list, "a"),
            Err(ReshardError::AlreadyOnTarget { .. })
        ));
        let plan =
            plan_slot_list(&three(), &SlotSet::from_range(slot(5460), slot(5462)), "c").unwrap();
        assert_eq!(
            plan.moves
                .iter()
                .map(|m| m.source.as_str())
                .collect::<Vec<_>>(),
            vec!["a", "b", "b"]
        );
    }

    proptest! {
        #[test]
        fn moves_exactly_the_count_and_stays_valid(cuts in proptest::collection::btree_set(1u64..16383, 2..6), count in 1usize..16384, pick in 0usize..64) {
            let mut bounds: Vec<u64> = cuts.into_iter().collect();
            bounds.insert(0, 0);
            bounds.push(16384);
            let masters: Vec<MasterSlots> = bounds.windows(2).enumerate().map(|(i, w)| master(&format!("m{i}"), w[0], w[1] - 1)).collect();
            let target = masters[pick % masters.len()].id.clone();
            let sources: Vec<String> = masters.iter().map(|m| m.id.clone()).filter(|id| *id != target).collect();
            let available: usize = masters.iter().filter(|m| m.id != target).map(|m| m.slots.len()).sum();
            match plan_reshard(&masters, &sources, &target, count) {
                Ok(plan) => {
                    prop_assert_eq!(plan.moves.len(), count);
                    prop_assert!(plan.validate(&masters).is_ok());
                    prop_assert!(plan.moves.iter().all(|m| m.target == target));
                }
                Err(ReshardError::NotEnoughSlots { .. }) => prop_assert!(available < count),
                Err(other) => prop_assert!(false, "{other}"),
            }
        }
    }
}
