//! Before a run changes anything, each master it touches is asked whether this connection's user may
//! run what the run will send, so a user without the rights is refused up front (with the server's
//! own `NOPERM` words and the docs/security.md rule it lacks) instead of partway, with slots open.
//! Called by `commands::moves::start_run`, `resume` and `fix`.
//!
//! Every probe is a real command whose arguments make it do nothing: the server checks the ACL after
//! the command's arity and before running it (`processCommand`), so an allowed probe comes back with
//! an argument error, `NOKEY`, a redirection or an empty reply, and a denied one with `NOPERM`.
//! `CLUSTER BUMPEPOCH` has no harmless form and is not probed.

use crate::net::{NodeAddress, Session, concurrently};
use std::sync::Arc;

/// What a run will do, hence which probes apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// rcluster's own slot moves: SETSLOT, GETKEYSINSLOT, MIGRATE, and the target's RESTORE-ASKING.
    LegacyMoves,
    /// Valkey's server-side migration.
    AtomicMoves,
}

impl Duty {
    /// What grants it: the rule of docs/security.md, and any other way.
    pub fn advice(self) -> &'static str {
        match self {
            Duty::LegacyMoves => "grant the rcluster-move rule of docs/security.md on every node",
            Duty::AtomicMoves => {
                "grant the rcluster-move-valkey rule of docs/security.md on every node (or move with --migration legacy)"
            }
        }
    }
}

/// A node refused a probe.
#[derive(Debug, thiserror::Error)]
#[error(
    "{address} refuses this user what moving slots needs: {words}; {advice}, then run again (nothing was changed)"
)]
pub struct PermissionDenied {
    pub address: String,
    /// The server's reply, as it wrote it (`NOPERM ...`).
    pub words: String,
    pub advice: &'static str,
}

/// A key no run writes: probes that name a key name this one.
const PROBE_KEY: &str = "rcluster:permission-probe";

/// The harmless probes for `duty`.
fn probes(duty: Duty) -> Vec<Vec<String>> {
    let mut probes: Vec<&[&str]> = vec![
        &["CLUSTER", "SETSLOT", "16384", "STABLE"],
        &["CLUSTER", "GETKEYSINSLOT", "0", "0"],
        &["CLUSTER", "COUNTKEYSINSLOT", "0"],
        &["CONFIG", "GET", "cluster-node-timeout"],
    ];
    match duty {
        Duty::LegacyMoves => probes.extend([
            &["MIGRATE", "127.0.0.1", "1", PROBE_KEY, "0", "1"][..],
            &["RESTORE-ASKING", PROBE_KEY, "0", "not-a-payload"],
            &["SELECT", "0"],
        ]),
        Duty::AtomicMoves => probes.extend([
            &["CLUSTER", "GETSLOTMIGRATIONS"][..],
            &[
                "CLUSTER",
                "MIGRATESLOTS",
                "SLOTSRANGE",
                "16384",
                "16384",
                "NODE",
                "-",
            ],
            &["CLUSTER", "CANCELSLOTMIGRATIONS", "-"],
        ]),
    }
    probes
        .into_iter()
        .map(|args| args.iter().map(|a| a.to_string()).collect())
        .collect()
}

/// Whether a reply is the server's ACL refusal.
fn is_denial(reply: &str) -> bool {
    reply.starts_with("NOPERM")
}

/// Probes every node in `nodes` at once. `Ok` when every probe passed the ACL check; the first
/// refusal otherwise. A node that cannot be reached is left to the run, which reports it in context.
pub async fn preflight(
    session: &Arc<Session>,
    nodes: &[NodeAddress],
    duty: Duty,
) -> Result<(), PermissionDenied> {
    let refusals = concurrently(nodes.to_vec(), |address| {
        let session = Arc::clone(session);
        async move { refusal_of(&session, &address, duty).await }
    })
    .await;
    match refusals.into_iter().flatten().next() {
        Some((address, words)) => Err(PermissionDenied {
            address,
            words,
            advice: duty.advice(),
        }),
        None => Ok(()),
    }
}

/// The first probe `address` refuses, with its words.
async fn refusal_of(
    session: &Session,
    address: &NodeAddress,
    duty: Duty,
) -> Option<(String, String)> {
    let mut client = session.client(address).await.ok()?;
    for probe in probes(duty) {
        match client.command_reply(&probe).await {
            Ok(Err(words)) if is_denial(&words) => return Some((address.to_string(), words)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_name_no_real_slot_and_only_the_probe_key() {
        for duty in [Duty::LegacyMoves, Duty::AtomicMoves] {
            for probe in probes(duty) {
                let touches_slot = probe
                    .iter()
                    .any(|a| a.parse::<u32>().is_ok_and(|n| n < 16384));
                let harmless = probe[0] == "SELECT"
                    || probe[1] == "GETKEYSINSLOT"
                    || probe[1] == "COUNTKEYSINSLOT"
                    || probe[0] == "MIGRATE"
                    || probe[0] == "RESTORE-ASKING";
                assert!(!touches_slot || harmless, "{probe:?}");
            }
        }
        assert!(is_denial(
            "NOPERM this user has no permissions to run the 'migrate' command"
        ));
        assert!(!is_denial("ERR Invalid or out of range slot"));
    }
}
