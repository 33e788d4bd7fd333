//! The one place a slot changes owner. Every path that ends a slot move goes through [`Handoffs`]: the
//! legacy engine's windows (`exec::migrate`), `fix` (`exec::fix`: its hand-offs, and its claims of a
//! slot nobody or several masters own, [`Handoffs::claim`]), `resume`'s announcements, the Valkey
//! replica repair, and `rcluster setslot ... node`. docs/handoff.md lists every sender of an owner
//! change, this module's and the few others'. The protocol and why it cannot lose a key are written
//! down in `docs/handoff.md`; in short:
//!
//! - A group of hand-offs never has a node that both gives a slot away and receives one.
//! - Before a target claims a slot, its config epoch is made strictly greater than the epoch of every
//!   giver whose old claims may still be recorded anywhere ("unsettled givers"), and every such giver's
//!   epoch is unique among the masters, so no collision resolution can raise it later.
//! - A node that gave slots away does not raise its epoch (receive, or `BUMPEPOCH`) until every node
//!   records the new owners of what it gave ([`Handoffs::settle`]).
//! - Each slot's keys are counted on the new owner when it claims the slot, and counted again once the
//!   run has settled ([`Handoffs::finish`]): a drop is reported, never hidden.
//!
//! `SETSLOT` commands are built by [`setslot_command`] only.

use crate::net::{NodeAddress, Session, concurrently};
use crate::topology::load::load_tables;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use claim::Claim;
pub use manual::{hand_over, set_slot_on};
pub use rules::{next_group, split_into_groups};
pub use wire::{
    DEFAULT_NODE_TIMEOUT, SetSlot, announce_owner, node_timeout, setslot_command, tell_owners,
};

use rules::{EpochAction, describe_left, epoch_action, left_to_gossip, stale_slots_in};
use wire::{claim, not_told};

/// One slot changing owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub slot: u16,
    /// The master that owned the slot and may still claim it (`None`: nobody, or the target itself).
    pub from: Option<String>,
    /// The new owner.
    pub to: String,
    /// The target has the slot IMPORTING, so its `SETSLOT NODE` bumps its epoch by itself.
    pub target_imports: bool,
}

impl Handoff {
    /// The hand-off that ends `step` (its source may still claim the slot); `target_imports` when the
    /// target has the slot IMPORTING.
    pub fn of_move(step: &crate::plan::SlotMove, target_imports: bool) -> Handoff {
        Handoff {
            slot: step.slot.number(),
            from: Some(step.source.clone()),
            to: step.target.clone(),
            target_imports,
        }
    }
}

/// Why a hand-off could not be made safely, or what its check found.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
pub enum HandoffError {
    /// A command on a node failed for these slots; they are left as they were (open at worst).
    #[error("slot {slot}: {reason}")]
    Slot { slot: u16, reason: String },
    /// The new owner's epoch could not be made greater than the old owners' in time.
    #[error(
        "slots {slots:?} were not handed over: {reason}; they are left open, finish them with `rcluster fix`"
    )]
    Epoch { slots: Vec<u16>, reason: String },
    /// Some nodes still record an old owner after the bound.
    #[error(
        "after {waited_ms} ms, {} still record an old owner for slots {slots:?}; stopping before any of those old owners receives a slot (that could delete keys). Run `rcluster check`, then `rcluster fix`",
        nodes.join(", ")
    )]
    Unsettled {
        slots: Vec<u16>,
        nodes: Vec<String>,
        waited_ms: u128,
    },
    /// A giver still holds keys of slots it handed over (counted in every database at the end of the
    /// run): their new owner's claim will make it delete them.
    #[error("{}", describe_left(left))]
    KeysLeft { left: Vec<KeyLoss> },
    /// Keys vanished from slots after their hand-off.
    #[error("KEYS LOST after the hand-off: {}", losses.iter().map(|l| format!("slot {} had {} keys on {} and now has {}", l.slot, l.before, l.owner, l.after)).collect::<Vec<_>>().join("; "))]
    KeysLost { losses: Vec<KeyLoss> },
}

impl HandoffError {
    /// The slots the error is about.
    pub fn slots(&self) -> Vec<u16> {
        match self {
            HandoffError::Slot { slot, .. } => vec![*slot],
            HandoffError::Epoch { slots, .. } | HandoffError::Unsettled { slots, .. } => {
                slots.clone()
            }
            HandoffError::KeysLost { losses } => losses.iter().map(|l| l.slot).collect(),
            HandoffError::KeysLeft { left } => left.iter().map(|l| l.slot).collect(),
        }
    }
}

/// A slot that holds fewer keys on its new owner than it did at the hand-off.
#[derive(Debug, Clone, Serialize)]
pub struct KeyLoss {
    pub slot: u16,
    pub owner: String,
    pub before: u64,
    pub after: u64,
}

/// What [`Handoffs::finish`] verified.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HandoffReport {
    /// Slots whose key count was checked on their new owner.
    pub slots_verified: usize,
    /// Keys those slots held at the hand-off.
    pub keys_verified: u64,
    /// Nodes that could not be told an owner (they learn it by gossip).
    pub warnings: Vec<String>,
}

/// What the protocol remembers between groups.
#[derive(Debug, Default)]
struct Ledger {
    /// Handed-off slots some node may still record under an old owner: slot -> new owner id.
    unsettled: BTreeMap<u16, String>,
    /// The old owners of those slots; their epochs must not rise until settled.
    givers: BTreeSet<String>,
    /// Each handed-off slot's keys on its new owner at the hand-off: slot -> (owner id, keys).
    counted: BTreeMap<u16, (String, u64)>,
    /// Each handed-off slot's giver (verified empty at the end of the run): slot -> giver id.
    given: BTreeMap<u16, String>,
    /// Slots each master owns now (from the view, then kept up to date by every hand-off).
    owned: BTreeMap<String, usize>,
    /// Targets of hand-offs that failed: they may hold keys of a slot they do not own.
    failed_targets: BTreeSet<String>,
    /// Slots in flight towards each target (keys moving, not handed off yet).
    incoming: BTreeMap<String, usize>,
    warnings: Vec<String>,
}

/// A master's epochs, from its own `CLUSTER INFO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Epochs {
    mine: u64,
    current: u64,
}

/// The hand-off desk of one run: knows every master (to tell) and every node (to wait for).
pub struct Handoffs {
    /// Connections of its own: on the movers' multiplexed connections a hand-off's probes
    /// (`COUNTKEYSINSLOT` on a giver, `CLUSTER INFO`) would queue behind every MIGRATE already sent
    /// for the next window (about 200 ms of them with a 256-slot window). Nothing here depends on
    /// the order of the two streams: a window is handed off only after its MIGRATE replies came back.
    session: Arc<Session>,
    /// Every master: id -> address.
    masters: BTreeMap<String, NodeAddress>,
    /// Every node, replicas too.
    nodes: Vec<NodeAddress>,
    /// Per master address, the slots its own table gave it when the run loaded the view: a node that
    /// cannot be told a new owner may be left to gossip only if it did not think it owned the slot,
    /// or it was the slot's giver and was counted empty (docs/handoff.md, "Nodes left to gossip").
    thought_owned: HashMap<NodeAddress, crate::topology::SlotSet>,
    /// How long nodes may take to agree before the run stops.
    settle_limit: Duration,
    ledger: tokio::sync::Mutex<Ledger>,
}

impl Handoffs {
    /// A desk for the masters and nodes of `view`; `node_timeout` is the cluster's
    /// `cluster-node-timeout` (gossip reaches every node within about half of it).
    pub fn new(
        session: Arc<Session>,
        view: &crate::topology::ClusterView,
        node_timeout: Duration,
    ) -> Handoffs {
        let masters = view
            .loaded_masters()
            .map(|m| (m.id().to_string(), m.address.clone()))
            .collect();
        let nodes = view.loaded().map(|n| n.address.clone()).collect();
        let thought_owned = view
            .loaded_masters()
            .map(|m| (m.address.clone(), m.myself().slots.clone()))
            .collect();
        let owned = view
            .loaded_masters()
            .map(|m| (m.id().to_string(), m.myself().slots.len()))
            .collect();
        Handoffs {
            session: Arc::new(Session::new(session.options().clone())),
            masters,
            nodes,
            thought_owned,
            settle_limit: (node_timeout * 2).max(Duration::from_secs(3)),
            ledger: tokio::sync::Mutex::new(Ledger {
                owned,
                ..Ledger::default()
            }),
        }
    }

    /// Hands every slot of `handoffs` to its target: in groups where no node both gives and
    /// receives (and no node gives its last slot while it still has slots to receive), each group
    /// made safe (epochs, settling) and then told to the target first and every other master at
    /// once. Returns the slots that failed; the others are handed over.
    pub async fn hand_off(&self, handoffs: &[Handoff]) -> Vec<HandoffError> {
        let mut failures = Vec::new();
        let mut left = handoffs.to_vec();
        let deadline = Instant::now() + self.settle_limit;
        while !left.is_empty() {
            let mut ledger = self.ledger.lock().await;
            let mut pending = left.clone();
            // Targets with slots in flight, or whose hand-off failed, hold keys of slots they do
            // not own yet: they must not be emptied either.
            let holding = ledger
                .incoming
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(t, _)| t)
                .chain(&ledger.failed_targets);
            pending.extend(holding.map(|t| Handoff {
                slot: u16::MAX,
                from: None,
                to: t.clone(),
                target_imports: false,
            }));
            let group = next_group(&pending, &ledger.owned);
            let in_flight = ledger.incoming.values().any(|n| *n > 0);
            if group.is_empty() && in_flight && Instant::now() < deadline {
                // Another window's slots are still moving towards a giver: let it finish first.
                drop(ledger);
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
            if group.is_empty() {
                failures.extend(left.iter().map(|h| HandoffError::Slot {
                    slot: h.slot,
                    reason: format!(
                        "not handed to {}: its old owner would be left without slots (and turn replica, dropping its keys) while it still holds keys of a slot it imports",
                        h.to
                    ),
                }));
                break;
            }
            left.retain(|h| !group.contains(h));
            if let Err(errors) = self.hand_off_group(&mut ledger, &group).await {
                for error in &errors {
                    for slot in error.slots() {
                        if let Some(h) = group.iter().find(|h| h.slot == slot) {
                            ledger.failed_targets.insert(h.to.clone());
                            if let Some(n) = ledger.incoming.get_mut(&h.to) {
                                *n = n.saturating_sub(1);
                            }
                        }
                    }
                }
                failures.extend(errors);
            }
        }
        failures
    }

    /// `count` slots start moving towards `target` (their keys will be on it before its hand-off):
    /// until they are handed off, `target` keeps at least one slot of its own (I4).
    pub async fn expect_incoming(&self, target: &str, count: usize) {
        *self
            .ledger
            .lock()
            .await
            .incoming
            .entry(target.to_string())
            .or_default() += count;
    }

    /// Slots announced with [`Handoffs::expect_incoming`] failed before their hand-off: `target` may
    /// hold some of their keys, so it is never emptied during this run.
    pub async fn incoming_failed(&self, target: &str, count: usize) {
        let mut ledger = self.ledger.lock().await;
        if let Some(n) = ledger.incoming.get_mut(target) {
            *n = n.saturating_sub(count);
        }
        ledger.failed_targets.insert(target.to_string());
    }

    /// `SETSLOT NODE owner` again on `address` (a primary whose replicas missed it); no epoch moves.
    pub async fn reannounce(&self, address: &NodeAddress, slots: &[u16], owner: &str) {
        let _ = announce_owner(&self.session, vec![address.clone()], slots, owner).await;
    }

    /// Waits until every node records the new owners, then checks that every giver holds no key of
    /// the slots it gave in any database, and that no handed-off slot holds fewer keys on its owner
    /// than at its hand-off.
    pub async fn finish(&self) -> Result<HandoffReport, HandoffError> {
        let mut ledger = self.ledger.lock().await;
        self.settle(&mut ledger).await?;
        let left = self.count_left_on_givers(&ledger).await;
        if !left.is_empty() {
            return Err(HandoffError::KeysLeft { left });
        }
        let losses = self.count_losses(&ledger).await;
        let report = HandoffReport {
            slots_verified: ledger.counted.len(),
            keys_verified: ledger.counted.values().map(|(_, keys)| keys).sum(),
            warnings: std::mem::take(&mut ledger.warnings),
        };
        if losses.is_empty() {
            Ok(report)
        } else {
            Err(HandoffError::KeysLost { losses })
        }
    }

    /// One group: settle first if a target gave slots away before, make epochs safe, claim on the
    /// targets (counting keys), then tell every other master.
    async fn hand_off_group(
        &self,
        ledger: &mut Ledger,
        group: &[Handoff],
    ) -> Result<(), Vec<HandoffError>> {
        let targets: BTreeSet<&str> = group.iter().map(|h| h.to.as_str()).collect();
        if targets.iter().any(|t| ledger.givers.contains(*t)) {
            self.settle(ledger).await.map_err(|e| vec![e])?;
        }
        crate::exec::failpoint::pause("before-handoff").await;
        let (leftovers, floor) = tokio::join!(
            self.keys_left_on_givers(group),
            self.make_epochs_safe(ledger, group)
        );
        let floor = floor.map_err(|reason| {
            vec![HandoffError::Epoch {
                slots: group.iter().map(|h| h.slot).collect(),
                reason,
            }]
        })?;
        let ready: Vec<Handoff> = group
            .iter()
            .filter(|h| !leftovers.iter().any(|e| e.slots().contains(&h.slot)))
            .cloned()
            .collect();
        let (claimed, mut failures) = self.claim_on_targets(ledger, &ready, floor).await;
        failures.extend(leftovers);
        let (warnings, told_failures) = self.tell_other_masters(&claimed).await;
        ledger.warnings.extend(warnings);
        failures.extend(told_failures);
        for handoff in &claimed {
            ledger.unsettled.insert(handoff.slot, handoff.to.clone());
            if let Some(from) = &handoff.from {
                ledger.givers.insert(from.clone());
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures)
        }
    }

    /// Steps 2-3 of docs/handoff.md: every giver's epoch is unique, and every target's epoch is (or
    /// will be, by its own bump on `SETSLOT NODE`) greater than every giver's, settled or not yet.
    /// Returns that floor: the greatest epoch among this group's givers.
    async fn make_epochs_safe(
        &self,
        ledger: &mut Ledger,
        group: &[Handoff],
    ) -> Result<u64, String> {
        let deadline = Instant::now() + self.settle_limit;
        loop {
            let epochs = self.read_epochs().await;
            let givers: BTreeSet<&str> = group
                .iter()
                .filter_map(|h| h.from.as_deref())
                .chain(ledger.givers.iter().map(String::as_str))
                .collect();
            let action = epoch_action(&epochs, &givers, group);
            match action {
                EpochAction::Ready => {
                    return Ok(group
                        .iter()
                        .filter_map(|h| epochs.get(h.from.as_deref()?))
                        .map(|e| e.mine)
                        .max()
                        .unwrap_or(0));
                }
                EpochAction::Bump(node) => {
                    if ledger.givers.contains(&node) {
                        self.settle(ledger).await.map_err(|e| e.to_string())?;
                        continue;
                    }
                    self.bump_epoch(&node).await?;
                }
                EpochAction::Wait(why) => {
                    if Instant::now() > deadline {
                        return Err(why);
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }
    }

    /// Slots of `group` whose giver still holds keys in any database (`COUNTKEYSINSLOT` in every
    /// database that holds keys, on each giver, all at once), or whose giver could not be counted:
    /// they are not handed off, since the new owner's claim would make the giver delete them. A count
    /// that cannot be read is never taken for zero.
    async fn keys_left_on_givers(&self, group: &[Handoff]) -> Vec<HandoffError> {
        let work = self.slots_by_master(
            group
                .iter()
                .filter_map(|h| Some((h.from.as_deref()?, h.slot))),
        );
        let results = concurrently(work, |(address, slots)| {
            let session = Arc::clone(&self.session);
            async move {
                let counts = match session.client(&address).await {
                    Ok(mut client) => client.count_keys_in_slots(&slots).await,
                    Err(error) => Err(error),
                };
                match counts {
                    Ok(counts) => slots
                        .iter()
                        .zip(counts)
                        .filter(|(_, keys)| *keys > 0)
                        .map(|(slot, keys)| HandoffError::Slot {
                            slot: *slot,
                            reason: format!(
                                "{address} still holds {keys} of its keys, so it was not handed over; it stays open, finish it with `rcluster resume` or `rcluster fix`"
                            ),
                        })
                        .collect::<Vec<_>>(),
                    Err(error) => slots
                        .iter()
                        .map(|slot| HandoffError::Slot {
                            slot: *slot,
                            reason: format!(
                                "its keys on {address} could not be counted ({error}), so it was not handed over; it stays open, finish it with `rcluster resume` or `rcluster fix`"
                            ),
                        })
                        .collect(),
                }
            }
        })
        .await;
        results.into_iter().flatten().collect()
    }

    /// `CLUSTER INFO` and `ROLE` of every master at once: id -> epochs. Masters that did not answer,
    /// and those that turned replica (a replica reports its master's epoch as its own), are absent.
    async fn read_epochs(&self) -> HashMap<String, Epochs> {
        let work: Vec<(String, NodeAddress)> = self
            .masters
            .iter()
            .map(|(id, address)| (id.clone(), address.clone()))
            .collect();
        let replies = concurrently(work, |(id, address)| {
            let session = Arc::clone(&self.session);
            async move {
                let mut client = session.client(&address).await.ok()?;
                let mut pipe = redis::pipe();
                pipe.cmd("CLUSTER").arg("INFO").cmd("ROLE");
                let (info, role): (String, Vec<redis::Value>) =
                    client.pipeline(&pipe, "CLUSTER INFO").await.ok()?;
                let is_master =
                    matches!(role.first(), Some(redis::Value::BulkString(r)) if r == b"master");
                if !is_master {
                    return None;
                }
                let field = |name: &str| crate::net::info_field(&info, name)?.parse::<u64>().ok();
                Some((
                    id,
                    Epochs {
                        mine: field("cluster_my_epoch")?,
                        current: field("cluster_current_epoch")?,
                    },
                ))
            }
        })
        .await;
        replies.into_iter().flatten().collect()
    }

    async fn bump_epoch(&self, node: &str) -> Result<(), String> {
        let address = &self.masters[node];
        let mut client = self
            .session
            .client(address)
            .await
            .map_err(|e| e.to_string())?;
        client
            .query::<String>(&["CLUSTER", "BUMPEPOCH"])
            .await
            .map(|_| ())
            .map_err(|e| format!("CLUSTER BUMPEPOCH on {address}: {e}"))
    }

    /// On each target, one pipeline: the keys of its slots (counted before it claims them), then
    /// `SETSLOT NODE` itself for each, then its epoch, which must now exceed `floor` (step 6).
    /// Returns the hand-offs that took effect and the failures.
    async fn claim_on_targets(
        &self,
        ledger: &mut Ledger,
        group: &[Handoff],
        floor: u64,
    ) -> (Vec<Handoff>, Vec<HandoffError>) {
        let mut by_target: BTreeMap<&str, Vec<&Handoff>> = BTreeMap::new();
        for handoff in group {
            by_target.entry(&handoff.to).or_default().push(handoff);
        }
        let work: Vec<(NodeAddress, Vec<Handoff>)> = by_target
            .into_iter()
            .map(|(target, handoffs)| {
                let address = self.masters[target].clone();
                (address, handoffs.into_iter().cloned().collect())
            })
            .collect();
        // One target after the other, each once it has heard the previous one's new epoch (its
        // claim broadcasts it): bumps that cannot collide, so no target is raised later by a
        // collision it would carry into a group where it gives (docs/handoff.md, step 4).
        let mut results = Vec::new();
        let mut highest = 0u64;
        for (address, handoffs) in work {
            if highest > 0 {
                self.wait_for_current_epoch(&address, highest).await;
            }
            let (outcomes, behind, epoch) = claim(&self.session, &address, handoffs, floor).await;
            highest = highest.max(epoch.unwrap_or(0));
            results.push((outcomes, behind));
        }
        let (mut claimed, mut failures) = (Vec::new(), Vec::new());
        for (result, behind) in results {
            for (handoff, outcome) in result {
                if let (Some(reason), Ok(_)) = (&behind, &outcome) {
                    failures.push(HandoffError::Slot {
                        slot: handoff.slot,
                        reason: reason.clone(),
                    });
                }
                match outcome {
                    Ok(keys) => {
                        ledger
                            .counted
                            .insert(handoff.slot, (handoff.to.clone(), keys));
                        if let Some(from) = handoff.from.as_ref().filter(|f| **f != handoff.to) {
                            ledger.given.insert(handoff.slot, from.clone());
                        }
                        *ledger.owned.entry(handoff.to.clone()).or_default() += 1;
                        if let Some(n) = ledger.incoming.get_mut(&handoff.to) {
                            *n = n.saturating_sub(1);
                        }
                        if let Some(count) =
                            handoff.from.as_ref().and_then(|f| ledger.owned.get_mut(f))
                        {
                            *count = count.saturating_sub(1);
                        }
                        claimed.push(handoff);
                    }
                    Err(reason) => failures.push(HandoffError::Slot {
                        slot: handoff.slot,
                        reason,
                    }),
                }
            }
        }
        (claimed, failures)
    }

    /// Waits (at most 500 ms) until the master at `address` reports a current epoch of at least
    /// `epoch`; past the bound the claim goes ahead (two targets of one group may then collide, which
    /// only raises a target; the next group's step 3 sees to it before it gives).
    async fn wait_for_current_epoch(&self, address: &NodeAddress, epoch: u64) {
        let deadline = Instant::now() + Duration::from_millis(500);
        while Instant::now() < deadline {
            let current = match self.session.client(address).await {
                Ok(mut client) => client.cluster_info().await.ok().and_then(|info| {
                    info.get("cluster_current_epoch")?
                        .trim()
                        .parse::<u64>()
                        .ok()
                }),
                Err(_) => None,
            };
            if current.is_none_or(|c| c >= epoch) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Every master but the target told each claimed slot's owner, all masters at once. A node that
    /// could not be told is a warning only where [`left_to_gossip`] says no key can be lost; every
    /// other one is an error for its slots.
    async fn tell_other_masters(&self, claimed: &[Handoff]) -> (Vec<String>, Vec<HandoffError>) {
        let mut by_target: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
        for handoff in claimed {
            by_target.entry(&handoff.to).or_default().push(handoff.slot);
        }
        let work: Vec<(NodeAddress, Vec<(u16, String)>)> = self
            .masters
            .iter()
            .map(|(id, address)| {
                let slots = by_target
                    .iter()
                    .filter(|(target, _)| **target != id.as_str())
                    .flat_map(|(target, slots)| slots.iter().map(|s| (*s, target.to_string())))
                    .collect();
                (address.clone(), slots)
            })
            .filter(|(_, slots): &(NodeAddress, Vec<(u16, String)>)| !slots.is_empty())
            .collect();
        let givers: BTreeMap<u16, &str> = claimed
            .iter()
            .filter_map(|h| Some((h.slot, h.from.as_deref()?)))
            .collect();
        let failures = tell_owners(&self.session, work).await;
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        for (address, slots, reason) in failures {
            let giver_id = self.id_of(&address);
            let (gossip, unsafe_slots): (Vec<u16>, Vec<u16>) = slots.iter().partition(|slot| {
                let was_giver = giver_id.is_some_and(|id| givers.get(slot) == Some(&id));
                left_to_gossip(&reason, was_giver, self.thought_it_owned(&address, **slot))
            });
            if !gossip.is_empty() {
                warnings.extend(not_told(vec![(address.clone(), gossip, reason.clone())]));
            }
            errors.extend(unsafe_slots.into_iter().map(|slot| HandoffError::Slot {
                slot,
                reason: format!(
                    "{address} was not told its new owner ({reason}) and may still hold keys of it: run `rcluster fix` now, before gossip tells it (it would drop them)"
                ),
            }));
        }
        (warnings, errors)
    }

    /// `(master id, slot)` pairs grouped by the master's address (masters this desk does not know
    /// are left out).
    fn slots_by_master<'a>(
        &self,
        pairs: impl Iterator<Item = (&'a str, u16)>,
    ) -> Vec<(NodeAddress, Vec<u16>)> {
        let mut by_master: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
        for (id, slot) in pairs {
            by_master.entry(id).or_default().push(slot);
        }
        by_master
            .into_iter()
            .filter_map(|(id, slots)| Some((self.masters.get(id)?.clone(), slots)))
            .collect()
    }

    /// The id of the master at `address`.
    fn id_of(&self, address: &NodeAddress) -> Option<&str> {
        self.masters
            .iter()
            .find(|(_, a)| *a == address)
            .map(|(id, _)| id.as_str())
    }

    /// Whether the master at `address` owned `slot` by its own table when the run loaded the view.
    fn thought_it_owned(&self, address: &NodeAddress, slot: u16) -> bool {
        let slot = crate::topology::Slot::new(u64::from(slot));
        match (self.thought_owned.get(address), slot) {
            (Some(owned), Some(slot)) => owned.contains(slot),
            _ => true,
        }
    }

    /// Polls every node's table until each records every unsettled slot under its new owner.
    async fn settle(&self, ledger: &mut Ledger) -> Result<(), HandoffError> {
        if ledger.unsettled.is_empty() {
            ledger.givers.clear();
            return Ok(());
        }
        let started = Instant::now();
        loop {
            let tables = load_tables(&self.session, &self.nodes).await;
            let mut stale_nodes = Vec::new();
            let mut stale_slots = BTreeSet::new();
            for (address, table) in self.nodes.iter().zip(&tables) {
                let Some(table) = table else { continue };
                let stale = stale_slots_in(table, &ledger.unsettled);
                if !stale.is_empty() {
                    stale_nodes.push(address.to_string());
                    stale_slots.extend(stale);
                }
            }
            if stale_nodes.is_empty() {
                ledger.unsettled.clear();
                ledger.givers.clear();
                return Ok(());
            }
            if started.elapsed() > self.settle_limit {
                return Err(HandoffError::Unsettled {
                    slots: stale_slots.into_iter().take(20).collect(),
                    nodes: stale_nodes,
                    waited_ms: started.elapsed().as_millis(),
                });
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Handed-off slots whose giver still holds keys, in any database. A giver that turned replica
    /// (it gave its last slot) holds its new master's data and is skipped; a giver that cannot be
    /// counted is reported with `u64::MAX` keys, never taken for empty.
    async fn count_left_on_givers(&self, ledger: &Ledger) -> Vec<KeyLoss> {
        let work = self.slots_by_master(
            ledger
                .given
                .iter()
                .map(|(slot, giver)| (giver.as_str(), *slot)),
        );
        let results = concurrently(work, |(address, slots)| {
            let session = Arc::clone(&self.session);
            async move {
                let counted = async {
                    let mut client = session.client(&address).await?;
                    let (_, role) = client.keyspace_and_role().await?;
                    if matches!(role, crate::net::NodeRole::Replica { .. }) {
                        return Ok(None);
                    }
                    client.count_keys_in_slots(&slots).await.map(Some)
                };
                let counts: Vec<u64> = match counted.await {
                    Ok(None) => return Vec::new(),
                    Ok(Some(counts)) => counts,
                    Err(_) => vec![u64::MAX; slots.len()],
                };
                slots
                    .iter()
                    .zip(counts)
                    .filter(|(_, keys)| *keys > 0)
                    .map(|(slot, keys)| KeyLoss {
                        slot: *slot,
                        owner: address.to_string(),
                        before: 0,
                        after: keys,
                    })
                    .collect::<Vec<_>>()
            }
        })
        .await;
        results.into_iter().flatten().collect()
    }

    /// Slots holding fewer keys on their owner than at their hand-off.
    async fn count_losses(&self, ledger: &Ledger) -> Vec<KeyLoss> {
        let mut by_owner: BTreeMap<&str, Vec<(u16, u64)>> = BTreeMap::new();
        for (slot, (owner, keys)) in &ledger.counted {
            by_owner.entry(owner).or_default().push((*slot, *keys));
        }
        let work: Vec<(NodeAddress, Vec<(u16, u64)>)> = by_owner
            .into_iter()
            .map(|(owner, slots)| (self.masters[owner].clone(), slots))
            .collect();
        let results = concurrently(work, |(address, slots)| {
            let session = Arc::clone(&self.session);
            async move {
                let numbers: Vec<u16> = slots.iter().map(|(s, _)| *s).collect();
                let counted = match session.client(&address).await {
                    Ok(mut client) => client.count_keys_in_slots(&numbers).await.ok(),
                    Err(_) => None,
                };
                let Some(counted) = counted else {
                    return Vec::new();
                };
                slots
                    .iter()
                    .zip(counted)
                    .filter(|((_, before), after)| after < before)
                    .map(|((slot, before), after)| KeyLoss {
                        slot: *slot,
                        owner: address.to_string(),
                        before: *before,
                        after,
                    })
                    .collect::<Vec<_>>()
            }
        })
        .await;
        results.into_iter().flatten().collect()
    }
}

mod claim;
mod manual;
mod rules;
mod wire;

#[cfg(test)]
mod tests;
