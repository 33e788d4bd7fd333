//! Plan files: a move plan written by `--plan-out` with a fingerprint of the topology it was made from
//! (each master's slots and config epoch), so `apply` can refuse a plan the cluster has moved past and
//! say exactly what changed. Pure: the fingerprint is a function of a [`ClusterView`].

use super::MovePlan;
use crate::topology::ClusterView;
use serde::{Deserialize, Serialize};

/// The format version this build writes and reads.
pub const PLAN_FILE_VERSION: u32 = 1;

/// One master as the plan saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterPrint {
    pub id: String,
    pub config_epoch: u64,
    /// Compact slot ranges, `0-5460,5462`.
    pub slots: String,
}

/// What a plan file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    pub version: u32,
    /// The command that made it (`reshard`, `rebalance`).
    pub command: String,
    /// The node the plan was made through.
    pub seed: String,
    /// Masters, by id.
    pub fingerprint: Vec<MasterPrint>,
    pub plan: MovePlan,
}

/// The masters of `view` (their own view of themselves), by id.
pub fn fingerprint(view: &ClusterView) -> Vec<MasterPrint> {
    let mut prints: Vec<MasterPrint> = view
        .loaded_masters()
        .map(|m| MasterPrint {
            id: m.id().to_string(),
            config_epoch: m.myself().config_epoch,
            slots: m.myself().slots.to_compact(),
        })
        .collect();
    prints.sort_by(|a, b| a.id.cmp(&b.id));
    prints
}

/// What changed between the plan's fingerprint and now; empty when nothing did.
pub fn differences(saved: &[MasterPrint], now: &[MasterPrint]) -> Vec<String> {
    let mut changes = Vec::new();
    for old in saved {
        match now.iter().find(|n| n.id == old.id) {
            None => changes.push(format!("master {} is gone", old.id)),
            Some(new) if new.slots != old.slots => changes.push(format!(
                "master {} owned slots [{}], now [{}]",
                old.id, old.slots, new.slots
            )),
            Some(new) if new.config_epoch != old.config_epoch => changes.push(format!(
                "master {} had config epoch {}, now {}",
                old.id, old.config_epoch, new.config_epoch
            )),
            Some(_) => {}
        }
    }
    for new in now.iter().filter(|n| !saved.iter().any(|o| o.id == n.id)) {
        changes.push(format!("master {} is new", new.id));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(id: &str, epoch: u64, slots: &str) -> MasterPrint {
        MasterPrint {
            id: id.into(),
            config_epoch: epoch,
            slots: slots.into(),
        }
    }

    #[test]
    fn differences_name_what_changed() {
        let saved = vec![print("a", 1, "0-8191"), print("b", 2, "8192-16383")];
        assert!(differences(&saved, &saved).is_empty());
        let now = vec![print("a", 3, "0-8190"), print("c", 4, "8191-16383")];
        let changes = differences(&saved, &now);
        assert_eq!(
            changes,
            vec![
                "master a owned slots [0-8191], now [0-8190]",
                "master b is gone",
                "master c is new"
            ]
        );
        let epoch_only = differences(
            &saved,
            &[print("a", 9, "0-8191"), print("b", 2, "8192-16383")],
        );
        assert_eq!(epoch_only, vec!["master a had config epoch 1, now 9"]);
    }

    #[test]
    fn plan_files_round_trip_and_reject_bad_slots() {
        let file = PlanFile {
            version: PLAN_FILE_VERSION,
            command: "reshard".into(),
            seed: "127.0.0.1:7000".into(),
            fingerprint: vec![print("a", 1, "0-16383")],
            plan: MovePlan::default(),
        };
        let text = serde_json::to_string(&file).unwrap();
        assert_eq!(serde_json::from_str::<PlanFile>(&text).unwrap(), file);
        let bad = r#"{"slot": 16384, "source": "a", "target": "b"}"#;
        assert!(serde_json::from_str::<super::super::SlotMove>(bad).is_err());
    }

    proptest::proptest! {
        /// Hostile plan files: arbitrary text, and a valid file with a span replaced, give a typed
        /// error or a plan whose slots are all in range; comparing any fingerprint never panics.
        #[test]
        fn fuzz_plan_files_never_panic(
            noise in "\\PC{0,200}",
            at in 0usize..400,
            cut in 0usize..12,
            slots in "[0-9\\- ,a-z]{0,24}",
        ) {
            let file = PlanFile {
                version: PLAN_FILE_VERSION,
                command: "reshard".into(),
                seed: "127.0.0.1:7000".into(),
                fingerprint: vec![print("a", 1, "0-16383")],
                plan: MovePlan { moves: vec![crate::plan::SlotMove::new(crate::topology::Slot::new(5).unwrap(), "a", "b")] },
            };
            let mut text = serde_json::to_string(&file).unwrap();
            let at = at.min(text.len());
            let end = (at + cut).min(text.len());
            text.replace_range(at..end, &noise);
            for candidate in [&noise, &text] {
                if let Ok(read) = serde_json::from_str::<PlanFile>(candidate) {
                    proptest::prop_assert!(read.plan.moves.iter().all(|m| m.slot.number() < 16384));
                }
            }
            let _ = differences(&[print("a", 1, &slots)], &[print("a", 2, "0-16383")]);
        }
    }
}
