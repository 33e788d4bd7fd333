//! Claims without a hand-off, sent by `fix` before any key moves (docs/handoff.md, "Claims" and
//! "Several owners"): a target adds a slot nobody reachable owns (`DELSLOTS`, tolerated when the
//! slot is unassigned, then `ADDSLOTS`), or keeps a slot other masters own too. In that second case
//! every other owner first gives the slot up (`SETSLOT STABLE`, `DELSLOTS`, `SETSLOT NODE
//! <target>`): owning nothing, it cannot delete the keys it still holds when the target's claim
//! reaches it. Then each target's claim must win over every record of another owner, so its epoch
//! is raised (`CLUSTER BUMPEPOCH`) where [`super::rules::claim_action`] says so. Called by
//! `exec::fix` through [`Handoffs::claim`].

use super::rules::{EpochAction, claim_action};
use super::wire::{SetSlot, setslot_command};
use super::{HandoffError, Handoffs};
use crate::net::{NodeAddress, Session, concurrently};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A slot whose owner `fix` sets without a hand-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub slot: u16,
    /// The master whose claim must win.
    pub target: String,
    /// Nobody reachable owns the slot: the target adds it. Otherwise the target owns it already, and
    /// other masters do too.
    pub add: bool,
    /// The other masters that own the slot in their own table: they give it up before the target's
    /// epoch is raised, and their claims must lose to the target's.
    pub rivals: Vec<String>,
}

/// How long a claimer may take to hear of an epoch another master holds before it is raised all
/// the same (gossip carries `currentEpoch` in every header).
const HEAR_LIMIT: Duration = Duration::from_millis(500);

impl Handoffs {
    /// Makes every claim of `claims`: first every rival of a slot its target keeps gives the slot up
    /// (one pipeline per rival, all at once), then each target's epoch is raised above every other
    /// master's but the other targets' that own none of its slots (one target after the other), then
    /// the targets that add a slot add it, one pipeline per target, all at once. A target one of
    /// whose rivals could not give a slot up is not raised, and all its claims fail.
    /// Returns the slots that failed; they are left as they were (or given up by some of their
    /// rivals, which then hold keys `fix` brings home on its next run).
    pub async fn claim(&self, claims: &[Claim]) -> Vec<HandoffError> {
        let _one_at_a_time = self.ledger.lock().await;
        let targets: BTreeSet<&str> = claims.iter().map(|c| c.target.as_str()).collect();
        // A rival that may still own a slot with keys would delete them on hearing the raised claim:
        // its target is not raised at all (its pings carry every slot it owns).
        let mut failed: BTreeMap<&str, String> = BTreeMap::new();
        for (slot, reason) in self.release_rivals(claims).await {
            if let Some(claim) = claims.iter().find(|c| c.slot == slot) {
                failed.entry(&claim.target).or_insert(format!(
                    "another owner of slot {slot} could not give it up first ({reason})"
                ));
            }
        }
        for target in &targets {
            if failed.contains_key(target) {
                continue;
            }
            // Other claimers count only where they own one of this target's slots.
            let alongside: BTreeSet<&str> = targets
                .iter()
                .copied()
                .filter(|other| {
                    other != target
                        && !claims
                            .iter()
                            .any(|c| c.target == *target && c.rivals.iter().any(|r| r == other))
                })
                .collect();
            if let Err(reason) = self.raise_claimer(target, &alongside).await {
                failed.insert(target, reason);
            }
        }
        let mut failures: Vec<HandoffError> = claims
            .iter()
            .filter_map(|c| {
                let reason = failed.get(c.target.as_str())?;
                Some(HandoffError::Slot {
                    slot: c.slot,
                    reason: format!("its claim could not be made to win: {reason}"),
                })
            })
            .collect();
        let mut adds: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
        for claim in claims.iter().filter(|c| c.add) {
            if !failed.contains_key(claim.target.as_str()) {
                adds.entry(&claim.target).or_default().push(claim.slot);
            }
        }
        let work: Vec<(NodeAddress, Vec<u16>)> = adds
            .into_iter()
            .filter_map(|(target, slots)| Some((self.masters.get(target)?.clone(), slots)))
            .collect();
        let results = concurrently(work, |(address, slots)| {
            let session = Arc::clone(&self.session);
            async move { add_slots(&session, &address, &slots).await }
        })
        .await;
        failures.extend(results.into_iter().flatten());
        if !claims.is_empty() {
            crate::exec::failpoint::pause("after-claim").await;
        }
        failures
    }

    /// Every rival of a slot its target keeps gives the slot up: `SETSLOT STABLE` (it may have it
    /// open), `DELSLOTS` (an unassigned slot is fine) and `SETSLOT NODE <target>`, one pipeline per
    /// rival, all at once. `DELSLOTS` first, so that `SETSLOT NODE` neither refuses (the rival holds
    /// keys) nor makes a rival left without slots a replica. Returns the slots some rival could not
    /// give up, with why.
    async fn release_rivals(&self, claims: &[Claim]) -> Vec<(u16, String)> {
        let mut by_rival: BTreeMap<&str, Vec<(u16, String)>> = BTreeMap::new();
        for claim in claims.iter().filter(|c| !c.add) {
            for rival in &claim.rivals {
                let entry = by_rival.entry(rival).or_default();
                entry.push((claim.slot, claim.target.clone()));
            }
        }
        let mut failures = Vec::new();
        let mut work: Vec<(NodeAddress, Vec<(u16, String)>)> = Vec::new();
        for (rival, slots) in by_rival {
            match self.masters.get(rival) {
                Some(address) => work.push((address.clone(), slots)),
                None => failures.extend(
                    slots
                        .into_iter()
                        .map(|(slot, _)| (slot, format!("{rival} is not a master of this run"))),
                ),
            }
        }
        let results = concurrently(work, |(address, slots)| {
            let session = Arc::clone(&self.session);
            async move { give_up(&session, &address, &slots).await }
        })
        .await;
        failures.extend(results.into_iter().flatten());
        failures
    }

    /// Raises `claimer`'s epoch until [`claim_action`] finds it ready: at most one
    /// `CLUSTER BUMPEPOCH`, after waiting (at most [`HEAR_LIMIT`]) to hear of a greater epoch.
    async fn raise_claimer(&self, claimer: &str, alongside: &BTreeSet<&str>) -> Result<(), String> {
        if !self.masters.contains_key(claimer) {
            return Err(format!("{claimer} is not a master of this run"));
        }
        let deadline = Instant::now() + HEAR_LIMIT;
        loop {
            match claim_action(&self.read_epochs().await, claimer, alongside) {
                EpochAction::Ready => return Ok(()),
                EpochAction::Wait(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                EpochAction::Bump(_) | EpochAction::Wait(_) => {
                    return self.bump_epoch(claimer).await;
                }
            }
        }
    }
}

/// On the rival at `address`, for each `(slot, target)`: `SETSLOT STABLE`, `DELSLOTS` (an
/// unassigned slot is fine), `SETSLOT NODE target`, one pipeline. The slots that failed, with why.
async fn give_up(
    session: &Arc<Session>,
    address: &NodeAddress,
    slots: &[(u16, String)],
) -> Vec<(u16, String)> {
    let fail_all = |reason: String| {
        slots
            .iter()
            .map(|(slot, _)| (*slot, reason.clone()))
            .collect()
    };
    let mut client = match session.client(address).await {
        Ok(client) => client,
        Err(error) => return fail_all(format!("{address}: {error}")),
    };
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for (slot, target) in slots {
        pipe.add_command(setslot_command(*slot, SetSlot::Stable));
        pipe.cmd("CLUSTER").arg("DELSLOTS").arg(*slot);
        pipe.add_command(setslot_command(*slot, SetSlot::Node(target)));
    }
    let replies: Vec<redis::RedisResult<redis::Value>> =
        match client.pipeline(&pipe, "CLUSTER DELSLOTS").await {
            Ok(replies) => replies,
            Err(error) => return fail_all(format!("{address}: {error}")),
        };
    let mut failures = Vec::new();
    for ((slot, _), triple) in slots.iter().zip(replies.chunks(3)) {
        let refused = triple.iter().enumerate().find_map(|(index, reply)| {
            let error = reply.as_ref().err()?;
            let text = crate::net::server_error_text(error).unwrap_or_else(|| error.to_string());
            // DELSLOTS of a slot the node records under nobody: it owns nothing to give up.
            (index != 1 || !text.contains("unassigned")).then_some(text)
        });
        if let Some(text) = refused {
            failures.push((*slot, format!("{address} replied: {text}")));
        }
    }
    failures
}

/// `DELSLOTS` (an unassigned slot is fine) then `ADDSLOTS` of each slot on `address`, one pipeline.
async fn add_slots(
    session: &Arc<Session>,
    address: &NodeAddress,
    slots: &[u16],
) -> Vec<HandoffError> {
    let fail_all = |reason: String| {
        slots
            .iter()
            .map(|slot| HandoffError::Slot {
                slot: *slot,
                reason: reason.clone(),
            })
            .collect()
    };
    let mut client = match session.client(address).await {
        Ok(client) => client,
        Err(error) => return fail_all(error.to_string()),
    };
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for slot in slots {
        pipe.cmd("CLUSTER").arg("DELSLOTS").arg(*slot);
        pipe.cmd("CLUSTER").arg("ADDSLOTS").arg(*slot);
    }
    let replies: Vec<redis::RedisResult<redis::Value>> =
        match client.pipeline(&pipe, "CLUSTER ADDSLOTS").await {
            Ok(replies) => replies,
            Err(error) => return fail_all(error.to_string()),
        };
    let mut failures = Vec::new();
    for (slot, pair) in slots.iter().zip(replies.chunks(2)) {
        let refused = pair.iter().enumerate().find_map(|(index, reply)| {
            let error = reply.as_ref().err()?;
            let text = crate::net::server_error_text(error).unwrap_or_else(|| error.to_string());
            // DELSLOTS of a slot the node records under nobody: nothing to delete.
            (index == 1 || !text.contains("unassigned")).then_some(text)
        });
        if let Some(text) = refused {
            failures.push(HandoffError::Slot {
                slot: *slot,
                reason: format!("{address} replied: {text}"),
            });
        }
    }
    failures
}
