//! `rcluster setslot`'s commands: `HOST:PORT SLOT node ID` hands the slot to `ID` through the
//! protocol ([`hand_over`]: the giver counted empty in every database, epochs made safe, the target
//! told first and every other master after, then the final check), and the single command on a single
//! node ([`set_slot_on`]) for `importing`, `migrating`, `stable` and `node --force`, the named
//! exception docs/handoff.md lists. Called by `commands::setslot`.

use super::{
    Handoff, HandoffError, HandoffReport, Handoffs, SetSlot, node_timeout, setslot_command,
};
use crate::net::{NetError, NodeAddress, Session};
use crate::topology::{ClusterView, Slot};
use std::sync::Arc;

/// Hands `slot` to the master `to` as a slot move ends: from the one loaded master whose own table
/// gives it the slot (none: the slot is unowned, or `to` owns it already), with every rule of
/// docs/handoff.md. Returns what the final check verified, or why the slot was not handed over
/// (it is then left as it was, open at worst).
pub async fn hand_over(
    session: &Arc<Session>,
    view: &ClusterView,
    slot: Slot,
    to: &str,
) -> Result<HandoffReport, HandoffError> {
    let number = slot.number();
    if !view.loaded_masters().any(|m| m.id() == to) {
        return Err(HandoffError::Slot {
            slot: number,
            reason: format!("{to} is not a master that answered: only a master may own a slot"),
        });
    }
    let owners: Vec<&str> = view
        .loaded_masters()
        .filter(|m| m.id() != to && m.myself().slots.contains(slot))
        .map(|m| m.id())
        .collect();
    let from = match owners[..] {
        [] => None,
        [owner] => Some(owner.to_string()),
        _ => {
            return Err(HandoffError::Slot {
                slot: number,
                reason: format!(
                    "several masters own it ({}): run `rcluster fix`, which chooses one",
                    owners.join(", ")
                ),
            });
        }
    };
    let target_imports = view
        .node_by_id(to)
        .is_some_and(|t| t.myself().importing.iter().any(|(s, _)| *s == slot));
    let handoff = Handoff {
        slot: number,
        from,
        to: to.to_string(),
        target_imports,
    };
    let timeout = node_timeout(session, &view.seed).await;
    let desk = Handoffs::new(Arc::clone(session), view, timeout);
    if let Some(error) = desk.hand_off(&[handoff]).await.into_iter().next() {
        return Err(error);
    }
    desk.finish().await
}

/// One `CLUSTER SETSLOT` on the node at `address`, outside the protocol.
pub async fn set_slot_on(
    session: &Arc<Session>,
    address: &NodeAddress,
    slot: Slot,
    action: SetSlot<'_>,
) -> Result<(), NetError> {
    let mut client = session.client(address).await?;
    let what = format!("CLUSTER SETSLOT {}", action.name());
    client
        .run::<()>(&setslot_command(slot.number(), action), &what)
        .await
}
