//! Carries out a [`FixPlan`]: for every slot, the target takes it, the other holders hand their keys
//! over with the migration engine's MIGRATE loop (`--window` slots of a holder at a time,
//! `--parallel` holders at once), every master is told the owner, and open states are closed. Each
//! phase is one pipeline per node, all nodes at once, for all slots together. Every owner change
//! (a claim, an epoch raised, `SETSLOT NODE`) is sent by the hand-off module (`exec::handoff`). A
//! slot whose phase fails drops out of the later phases (it stays as it was, open at worst, never
//! with a second owner), and its error says so.

use super::handoff::{Claim, Handoff, Handoffs, SetSlot, setslot_command, tell_owners};
use super::migrate::drain_slots;
use super::moves::{Endpoint, MigrateOptions};
use crate::net::{NodeAddress, Session, concurrently};
use crate::plan::fix::{FixPlan, Open, Prepare, SlotRepair};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;
use tokio::sync::Semaphore;

/// What the repair did.
#[derive(Debug, Default, Serialize)]
pub struct FixOutcome {
    /// Slots repaired.
    pub fixed: Vec<u16>,
    /// Keys moved between masters.
    pub keys_moved: u64,
    /// Slots that could not be repaired, and why.
    pub failed: BTreeMap<u16, String>,
    /// Nodes that were not told an owner (gossip will tell them).
    pub warnings: Vec<String>,
}

impl FixOutcome {
    /// Adds another run's outcome.
    pub fn merge(&mut self, other: FixOutcome) {
        self.fixed.extend(other.fixed);
        self.keys_moved += other.keys_moved;
        self.failed.extend(other.failed);
        self.warnings.extend(other.warnings);
    }
}

/// One command about one slot; an error containing `tolerate` counts as success.
struct SlotCommand {
    slot: u16,
    command: redis::Cmd,
    tolerate: Option<&'static str>,
}

fn setslot(slot: u16, action: SetSlot<'_>) -> SlotCommand {
    SlotCommand {
        slot,
        command: setslot_command(slot, action),
        tolerate: None,
    }
}

/// Runs the plan. `endpoints` holds every loaded master by id; every owner change goes through
/// `handoffs`, which is also asked to verify the moved keys at the end.
pub async fn execute_fix(
    session: &Arc<Session>,
    endpoints: &HashMap<String, Endpoint>,
    handoffs: &Handoffs,
    plan: &FixPlan,
    options: &MigrateOptions,
) -> FixOutcome {
    let mut run = Run {
        session,
        endpoints,
        handoffs,
        outcome: FixOutcome::default(),
    };
    let repairs: Vec<&SlotRepair> = plan.repairs.iter().collect();
    run.tell_owners(&repairs).await;
    let live = run.live(&repairs);
    run.phase("taking the slot on its new owner", prepare(&live))
        .await;
    let live = run.live(&repairs);
    run.claim(&live).await;
    let live = run.live(&repairs);
    run.phase("opening the slot on a node holding its keys", open(&live))
        .await;
    let live = run.live(&repairs);
    run.drain(&live, options).await;
    let live = run.live(&repairs);
    run.hand_off(&live).await;
    let live = run.live(&repairs);
    let closing = live
        .iter()
        .map(|r| (r.target.clone(), setslot(r.slot.number(), SetSlot::Stable)))
        .collect();
    run.phase("closing the slot on its new owner", closing)
        .await;
    let live = run.live(&repairs);
    run.reannounce_via_primaries(&live).await;
    run.phase("closing the slot on the other nodes", close(&live))
        .await;
    run.verify().await;
    let live = run.live(&repairs);
    run.outcome.fixed = live.iter().map(|r| r.slot.number()).collect();
    run.outcome
}

/// Phase 1, on each target: the open state it must leave first, and importing from the current
/// owner. A target that claims the slot instead does so through the hand-off module ([`claims`]).
fn prepare(repairs: &[&SlotRepair]) -> Vec<(String, SlotCommand)> {
    let mut commands = Vec::new();
    for repair in repairs {
        let slot = repair.slot.number();
        if repair.stabilize_target {
            commands.push((repair.target.clone(), setslot(slot, SetSlot::Stable)));
        }
        if let Prepare::Import(from) = &repair.prepare {
            commands.push((
                repair.target.clone(),
                setslot(slot, SetSlot::Importing(from)),
            ));
        }
    }
    commands
}

/// The claims among `repairs`: a target adds a slot nobody reachable owns, or keeps one that other
/// masters own too; either way its claim must win over theirs (docs/handoff.md, "Claims").
fn claims(repairs: &[&SlotRepair]) -> Vec<Claim> {
    repairs
        .iter()
        .filter_map(|repair| {
            let add = match repair.prepare {
                Prepare::Claim => true,
                Prepare::Owns if !repair.rivals.is_empty() => false,
                Prepare::Owns | Prepare::Import(_) => return None,
            };
            Some(Claim {
                slot: repair.slot.number(),
                target: repair.target.clone(),
                add,
                rivals: repair.rivals.clone(),
            })
        })
        .collect()
}

/// Phase 2, on each holder of stray keys: the state that lets it MIGRATE them to the target. A
/// holder that owned the slot alongside the target gave it up in the claim (phase 1), before the
/// target's epoch rose: it imports now, and no claim can delete its keys.
fn open(repairs: &[&SlotRepair]) -> Vec<(String, SlotCommand)> {
    let mut commands = Vec::new();
    for repair in repairs {
        for drain in &repair.drains {
            let action = match drain.open {
                Open::AsIs => continue,
                Open::Migrating => SetSlot::Migrating(&repair.target),
                // Given up by the claim already: it imports, owning nothing.
                Open::Importing | Open::GivesUp => SetSlot::Importing(&repair.target),
            };
            commands.push((drain.node.clone(), setslot(repair.slot.number(), action)));
        }
    }
    commands
}

/// Last phase: `SETSLOT STABLE` where a node other than the owner still has the slot open.
fn close(repairs: &[&SlotRepair]) -> Vec<(String, SlotCommand)> {
    repairs
        .iter()
        .flat_map(|r| {
            r.close
                .iter()
                .map(|node| (node.clone(), setslot(r.slot.number(), SetSlot::Stable)))
        })
        .collect()
}

/// The state of a run: who to reach, and what happened so far.
struct Run<'a> {
    session: &'a Arc<Session>,
    endpoints: &'a HashMap<String, Endpoint>,
    handoffs: &'a Handoffs,
    outcome: FixOutcome,
}

impl Run<'_> {
    /// The repairs that have not failed yet.
    fn live<'r>(&self, repairs: &[&'r SlotRepair]) -> Vec<&'r SlotRepair> {
        repairs
            .iter()
            .filter(|r| !self.outcome.failed.contains_key(&r.slot.number()))
            .copied()
            .collect()
    }

    fn fail(&mut self, slot: u16, reason: String) {
        self.outcome.failed.entry(slot).or_insert(reason);
    }

    /// Phase 0: masters whose table does not name a slot's owner (`SlotRepair::tell_owner`) record
    /// it, through the hand-off module; a node that cannot be told fails those slots.
    async fn tell_owners(&mut self, repairs: &[&SlotRepair]) {
        let mut by_node: BTreeMap<&str, Vec<(u16, String)>> = BTreeMap::new();
        for repair in repairs {
            for node in &repair.tell_owner {
                let pair = (repair.slot.number(), repair.owner().to_string());
                by_node.entry(node).or_default().push(pair);
            }
        }
        let work = by_node
            .into_iter()
            .map(|(node, pairs)| (self.endpoints[node].address.clone(), pairs))
            .collect();
        for (address, slots, error) in tell_owners(self.session, work).await {
            for slot in slots {
                self.fail(slot, format!("telling {address} the slot's owner: {error}"));
            }
        }
    }

    /// Phase 1, the claims: sent by the hand-off module, which raises each target's epoch first.
    async fn claim(&mut self, repairs: &[&SlotRepair]) {
        for error in self.handoffs.claim(&claims(repairs)).await {
            for slot in error.slots() {
                self.fail(slot, format!("taking the slot on its new owner: {error}"));
            }
        }
    }

    /// Sends `commands` (by node id), one pipeline per node, all nodes at once; a failing command
    /// fails its slot.
    async fn phase(&mut self, what: &str, commands: Vec<(String, SlotCommand)>) {
        let mut by_node: BTreeMap<String, Vec<SlotCommand>> = BTreeMap::new();
        for (node, command) in commands {
            by_node.entry(node).or_default().push(command);
        }
        let work: Vec<(NodeAddress, Vec<SlotCommand>)> = by_node
            .into_iter()
            .map(|(node, commands)| (self.endpoints[&node].address.clone(), commands))
            .collect();
        let failures = concurrently(work, |(address, commands)| {
            let session = Arc::clone(self.session);
            async move { run_pipeline(&session, &address, &commands).await }
        })
        .await;
        for (slot, reason) in failures.into_iter().flatten() {
            self.fail(slot, format!("{what}: {reason}"));
        }
    }

    /// Phase 3: every (holder, target) pair's slots drained, `options.window` slots at a time,
    /// pairs in rounds (see [`rounds`]) of which `options.parallel` pairs run at once.
    async fn drain(&mut self, repairs: &[&SlotRepair], options: &MigrateOptions) {
        let mut pairs: BTreeMap<(String, String), Vec<u16>> = BTreeMap::new();
        for repair in repairs {
            for drain in &repair.drains {
                pairs
                    .entry((drain.node.clone(), repair.target.clone()))
                    .or_default()
                    .push(repair.slot.number());
            }
        }
        for round in rounds(pairs.into_iter().collect()) {
            self.drain_round(round, options).await;
        }
    }

    async fn drain_round(&mut self, round: Vec<Pair>, options: &MigrateOptions) {
        let work: Vec<_> = round
            .into_iter()
            .map(|((from, to), slots)| {
                let from = self.endpoints[&from].address.clone();
                (from, self.endpoints[&to].clone(), slots)
            })
            .collect();
        let limit = Arc::new(Semaphore::new(options.parallel.max(1)));
        let results = concurrently(work, |(from, to, slots)| {
            let (session, options) = (Arc::clone(self.session), options.clone());
            let limit = Arc::clone(&limit);
            async move {
                let _turn = limit.acquire_owned().await;
                let drained = drain_in_windows(session, options, &from, &to, &slots).await;
                (from, drained)
            }
        })
        .await;
        for (from, drained) in results {
            self.outcome.keys_moved += drained.moved;
            let Some((slot, reason, stopped)) = drained.failed else {
                continue;
            };
            self.fail(slot, format!("moving its keys from {from}: {reason}"));
            for other in stopped.into_iter().filter(|s| *s != slot) {
                self.fail(
                    other,
                    format!("its keys were moving from {from} with slot {slot}, which failed; it is left open"),
                );
            }
        }
    }

    /// Phase 4: each slot handed to its target through the hand-off protocol (docs/handoff.md),
    /// which tells the target first and every other master after, in groups where no node both
    /// gives and receives.
    async fn hand_off(&mut self, repairs: &[&SlotRepair]) {
        let handoffs: Vec<Handoff> = repairs
            .iter()
            .map(|r| Handoff {
                slot: r.slot.number(),
                from: match &r.prepare {
                    Prepare::Import(from) => Some(from.clone()),
                    Prepare::Owns | Prepare::Claim => None,
                },
                to: r.target.clone(),
                target_imports: matches!(r.prepare, Prepare::Import(_)),
            })
            .collect();
        for error in self.handoffs.hand_off(&handoffs).await {
            for slot in error.slots() {
                self.fail(slot, format!("handing it to its new owner: {error}"));
            }
        }
    }

    /// Replicas showing the slot open (Valkey) hear the owner again through their primary.
    async fn reannounce_via_primaries(&mut self, repairs: &[&SlotRepair]) {
        let mut via: BTreeMap<(&str, &str), Vec<u16>> = BTreeMap::new();
        for repair in repairs {
            for primary in &repair.via_primary {
                via.entry((primary, &repair.target))
                    .or_default()
                    .push(repair.slot.number());
            }
        }
        for ((primary, target), slots) in via {
            let primary = &self.endpoints[primary].address;
            self.handoffs.reannounce(primary, &slots, target).await;
        }
    }

    /// Last: every node agrees and no repaired slot lost a key since its hand-off.
    async fn verify(&mut self) {
        match self.handoffs.finish().await {
            Ok(report) => self.outcome.warnings.extend(report.warnings),
            Err(error) => {
                for slot in error.slots() {
                    self.fail(slot, error.to_string());
                }
                self.outcome.warnings.push(error.to_string());
            }
        }
    }
}

/// Keys of these slots move from the first node id to the second.
type Pair = ((String, String), Vec<u16>);

/// What draining one pair did: the keys moved, and the slot that failed with why and the slots
/// that did not finish with it (its window and the later ones, left open).
struct Drained {
    moved: u64,
    failed: Option<(u16, String, Vec<u16>)>,
}

/// `slots` drained from `from` to `to`, `options.window` at a time (each window one
/// [`drain_slots`]), stopping at the first window that fails.
async fn drain_in_windows(
    session: Arc<Session>,
    options: MigrateOptions,
    from: &NodeAddress,
    to: &Endpoint,
    slots: &[u16],
) -> Drained {
    let mut moved = 0;
    let window = options.window.max(1);
    for (index, chunk) in slots.chunks(window).enumerate() {
        match drain_slots(Arc::clone(&session), options.clone(), from, to, chunk).await {
            Ok(counts) => moved += counts.iter().sum::<u64>(),
            Err((slot, reason)) => {
                let stopped = slots[index * window..].to_vec();
                return Drained {
                    moved,
                    failed: Some((slot, reason, stopped)),
                };
            }
        }
    }
    Drained {
        moved,
        failed: None,
    }
}

/// Pairs split into rounds in which no node both sends and receives: MIGRATE blocks its source
/// until the target has stored the keys, so A->B next to B->A (or any cycle) would deadlock both
/// servers until the MIGRATE timeout.
fn rounds(mut pairs: Vec<Pair>) -> Vec<Vec<Pair>> {
    let mut rounds = Vec::new();
    while !pairs.is_empty() {
        let (mut senders, mut receivers) = (Vec::new(), Vec::new());
        let mut round = Vec::new();
        let mut later = Vec::new();
        for pair in pairs {
            let ((from, to), _) = &pair;
            if receivers.contains(from) || senders.contains(to) {
                later.push(pair);
            } else {
                senders.push(from.clone());
                receivers.push(to.clone());
                round.push(pair);
            }
        }
        rounds.push(round);
        pairs = later;
    }
    rounds
}

/// One pipeline of `commands` on `address`; the slots whose command failed, and why.
async fn run_pipeline(
    session: &Arc<Session>,
    address: &NodeAddress,
    commands: &[SlotCommand],
) -> Vec<(u16, String)> {
    let mut client = match session.client(address).await {
        Ok(client) => client,
        Err(error) => {
            return commands
                .iter()
                .map(|c| (c.slot, error.to_string()))
                .collect();
        }
    };
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for command in commands {
        pipe.add_command(command.command.clone());
    }
    let replies: Vec<redis::RedisResult<redis::Value>> =
        match client.pipeline(&pipe, "CLUSTER").await {
            Ok(replies) => replies,
            Err(error) => {
                return commands
                    .iter()
                    .map(|c| (c.slot, error.to_string()))
                    .collect();
            }
        };
    let mut failures = Vec::new();
    for (command, reply) in commands.iter().zip(replies) {
        if let Err(error) = reply {
            let text = crate::net::server_error_text(&error).unwrap_or_else(|| error.to_string());
            if !command.tolerate.is_some_and(|t| text.contains(t)) {
                failures.push((command.slot, format!("{address} replied: {text}")));
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(from: &str, to: &str) -> Pair {
        ((from.into(), to.into()), vec![0])
    }

    #[test]
    fn no_round_has_a_node_that_both_sends_and_receives() {
        let split = rounds(vec![
            pair("a", "b"),
            pair("b", "a"),
            pair("c", "a"),
            pair("b", "c"),
            pair("d", "e"),
        ]);
        for round in &split {
            for ((from, _), _) in round {
                assert!(round.iter().all(|((_, to), _)| to != from), "{split:?}");
            }
        }
        assert_eq!(split.iter().map(Vec::len).sum::<usize>(), 5);
        assert_eq!(
            split[0].len(),
            2,
            "c->a waits for a->b; d->e joins it: {split:?}"
        );
    }
}
