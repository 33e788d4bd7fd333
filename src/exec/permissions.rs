//! Before a run changes anything, each master it touches is asked whether this connection's user may
//! run what the run will send, so a user without the rights is refused up front (with the server's
//! own `NOPERM` words and the docs/security.md rule it lacks) instead of partway, with slots open.
//! Called by `commands::moves::start_run`, `resume` and `fix`.
//!
//! Every probe is a real command whose arguments make it do nothing: the server checks the ACL after
//! the command's arity and before running it (`processCommand`), so an allowed probe comes back with
//! an argument error, `NOKEY`, a redirection or an empty reply, and a denied one with `NOPERM`.
//! `CLUSTER BUMPEPOCH` has no harmless form and is not probed. Before a server-side (Valkey) migration,
//! the node's replication user (`primaryuser`), which the servers use to carry the slots, is checked
//! with `ACL DRYRUN` when this user may run it, and named in a hint when it may not.

use crate::net::{NodeAddress, Session, concurrently};
use std::sync::Arc;

/// What a run will do, hence which probes apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// rcluster's own slot moves: SETSLOT, GETKEYSINSLOT, MIGRATE, and the target's RESTORE-ASKING.
    LegacyMoves,
    /// Valkey's server-side migration.
    AtomicMoves,
    /// Redis 8.4's server-side migration (`CLUSTER MIGRATION`).
    RedisAsmMoves,
}

impl Duty {
    /// What grants it: the rule of docs/security.md, and any other way.
    pub fn advice(self) -> &'static str {
        match self {
            Duty::LegacyMoves => "grant the rcluster-move rule of docs/security.md on every node",
            Duty::AtomicMoves => {
                "grant the rcluster-move-valkey rule of docs/security.md on every node (or move with --migration legacy)"
            }
            Duty::RedisAsmMoves => {
                "grant the rcluster-move rule of docs/security.md and +cluster|migration on every node (or move with --migration legacy)"
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
    /// Whose rights are missing: this connection's user, or the node's replication user.
    pub whose: Whose,
    /// The server's reply, as it wrote it (`NOPERM ...`).
    pub words: String,
    pub advice: String,
}

/// Whose rights a [`PermissionDenied`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// The user rcluster connects as.
    ThisUser,
    /// The node's replication user (`primaryuser`), which carries a server-side migration.
    ReplicationUser,
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
        &["INFO", "keyspace"],
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
        Duty::RedisAsmMoves => probes.extend([
            &["CLUSTER", "MIGRATION", "STATUS", "ALL"][..],
            &["CLUSTER", "MIGRATION", "CANCEL", "ID", "-"],
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

/// What the probes of one node found.
enum Finding {
    /// The node refuses this user a probe: the server's words.
    Refused(String),
    /// The node's replication user (`primaryuser`) lacks what a server-side migration needs.
    ReplicationUser { user: String, words: String },
    /// The replication user could not be checked (this user may not run `ACL DRYRUN`).
    Unverified { user: String },
}

/// Probes every node in `nodes` at once. `Ok` with any notes (what could not be verified) when
/// nothing was refused; the first refusal otherwise. A node that cannot be reached is left to the
/// run, which reports it in context.
pub async fn preflight(
    session: &Arc<Session>,
    nodes: &[NodeAddress],
    duty: Duty,
) -> Result<Vec<String>, PermissionDenied> {
    let findings = concurrently(nodes.to_vec(), |address| {
        let session = Arc::clone(session);
        async move {
            (
                address.to_string(),
                findings_of(&session, &address, duty).await,
            )
        }
    })
    .await;
    let mut unverified = std::collections::BTreeSet::new();
    for (address, found) in findings {
        for finding in found {
            match finding {
                Finding::Refused(words) => {
                    return Err(PermissionDenied {
                        address,
                        whose: Whose::ThisUser,
                        words,
                        advice: duty.advice().to_string(),
                    });
                }
                Finding::ReplicationUser { user, words } => {
                    return Err(PermissionDenied {
                        address,
                        whose: Whose::ReplicationUser,
                        words: format!("its replication user '{user}' (primaryuser): {words}"),
                        advice: format!(
                            "a server-side migration of a slot with keys would fail (\"Connection lost to target\"); grant '{user}' {REPLICATION_RULE} on every node, or move with --migration legacy"
                        ),
                    });
                }
                Finding::Unverified { user } => {
                    unverified.insert(user);
                }
            }
        }
    }
    Ok(unverified
        .into_iter()
        .map(|user| format!(
            "cannot check that the replication user '{user}' (primaryuser) holds {REPLICATION_RULE}, which a server-side migration needs (checking takes +acl|dryrun)"
        ))
        .collect())
}

/// What a Valkey replication user needs for a server-side migration (docs/security.md).
const REPLICATION_RULE: &str = "+psync +replconf +ping +cluster|syncslots +select +@write ~*";

/// The commands a replication user runs during a server-side migration, as `ACL DRYRUN` arguments.
const REPLICATION_PROBES: &[&[&str]] = &[
    &["PSYNC", "?", "-1"],
    &["REPLCONF", "ack", "0"],
    &["PING"],
    &["CLUSTER", "SYNCSLOTS", "-", "-"],
    &["SELECT", "0"],
    &["SET", PROBE_KEY, "-"],
];

/// The probes `address` refuses (the first is enough), and for a server-side migration, what its
/// replication user lacks.
async fn findings_of(session: &Session, address: &NodeAddress, duty: Duty) -> Vec<Finding> {
    let Ok(mut client) = session.client(address).await else {
        return Vec::new();
    };
    let Some(replies) = in_one_round_trip(&mut client, probes(duty)).await else {
        return Vec::new();
    };
    if let Some(words) = replies
        .into_iter()
        .find_map(|reply| reply.err().filter(|w| is_denial(w)))
    {
        return vec![Finding::Refused(words)];
    }
    if duty != Duty::AtomicMoves {
        return Vec::new();
    }
    replication_user_findings(&mut client).await
}

/// What the node's `primaryuser` lacks, checked with `ACL DRYRUN`.
async fn replication_user_findings(client: &mut crate::net::NodeClient) -> Vec<Finding> {
    let ask = ["CONFIG", "GET", "primaryuser"].map(String::from);
    let user = match client.command_reply(&ask).await {
        Ok(Ok(redis::Value::Array(pair))) => match pair.get(1) {
            Some(redis::Value::BulkString(name)) => String::from_utf8_lossy(name).into_owned(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    if user.is_empty() {
        return Vec::new();
    }
    let dryruns = REPLICATION_PROBES.iter().map(|probe| {
        ["ACL", "DRYRUN", user.as_str()]
            .iter()
            .chain(probe.iter())
            .map(|a| a.to_string())
            .collect()
    });
    let Some(replies) = in_one_round_trip(client, dryruns.collect()).await else {
        return Vec::new();
    };
    for reply in replies {
        match reply {
            Ok(redis::Value::BulkString(text)) => {
                let words = String::from_utf8_lossy(&text).into_owned();
                return vec![Finding::ReplicationUser { user, words }];
            }
            Err(words) if is_denial(&words) => return vec![Finding::Unverified { user }],
            _ => {}
        }
    }
    Vec::new()
}

/// Sends `commands` pipelined and returns each reply, a server error as its words; `None` when the
/// node did not answer.
async fn in_one_round_trip(
    client: &mut crate::net::NodeClient,
    commands: Vec<Vec<String>>,
) -> Option<Vec<Result<redis::Value, String>>> {
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    for args in &commands {
        let mut command = redis::cmd(&args[0]);
        for arg in &args[1..] {
            command.arg(arg);
        }
        pipe.add_command(command);
    }
    let replies: Vec<redis::RedisResult<redis::Value>> =
        client.pipeline(&pipe, "permission probes").await.ok()?;
    Some(
        replies
            .into_iter()
            .map(|reply| {
                reply
                    .map_err(|e| crate::net::server_error_text(&e).unwrap_or_else(|| e.to_string()))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_name_no_real_slot_and_only_the_probe_key() {
        for duty in [Duty::LegacyMoves, Duty::AtomicMoves, Duty::RedisAsmMoves] {
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
