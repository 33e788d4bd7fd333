//! A node's replication state, from `INFO replication`: for a replica, whether its link to the
//! master is up, whether its first sync is still pending or running, the offset it has applied and
//! how long ago it last heard from its master; for a master, its own offset. Read in the same round
//! trip as the view (`topology::load`), judged by `topology::check` and by `failover` before it
//! promotes a replica.

use super::info_field;

/// One node's `INFO replication`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Replication {
    /// `role:slave` (a replica).
    pub replica: bool,
    /// The replica's link to its master is up (`master_link_status:up`).
    pub link_up: bool,
    /// A (re)sync is running (`master_sync_in_progress:1`).
    pub sync_in_progress: bool,
    /// Seconds the link has been down; `None` when it never came up (`-1`: no first sync yet) or is up.
    pub link_down_seconds: Option<i64>,
    /// The link never came up: the replica has not finished its first sync.
    pub never_synced: bool,
    /// The replica's applied offset (`slave_repl_offset`).
    pub replica_offset: Option<u64>,
    /// The node's own replication offset (`master_repl_offset`): on a master, what its replicas
    /// must reach.
    pub offset: Option<u64>,
    /// Seconds since the replica last heard from its master (`master_last_io_seconds_ago`).
    pub last_io_seconds: Option<i64>,
}

impl Replication {
    /// Reads an `INFO replication` (or fuller `INFO`) reply.
    pub fn parse(info: &str) -> Replication {
        let number = |name: &str| info_field(info, name).and_then(|v| v.trim().parse::<i64>().ok());
        let replica = info_field(info, "role").is_some_and(|r| r.trim() == "slave");
        let link_up = info_field(info, "master_link_status").is_some_and(|s| s.trim() == "up");
        let down_since = number("master_link_down_since_seconds");
        Replication {
            replica,
            link_up,
            sync_in_progress: number("master_sync_in_progress") == Some(1),
            link_down_seconds: down_since.filter(|s| *s >= 0 && !link_up),
            never_synced: replica && !link_up && down_since == Some(-1),
            replica_offset: number("slave_repl_offset").and_then(|o| u64::try_from(o).ok()),
            offset: number("master_repl_offset").and_then(|o| u64::try_from(o).ok()),
            last_io_seconds: number("master_last_io_seconds_ago").filter(|s| *s >= 0),
        }
    }
}

/// How far a replica lags behind its master's offset before it counts as behind (a replica under
/// writes trails by a few packets at any moment).
pub const LAG_BOUND_BYTES: u64 = 1024 * 1024;

/// Why a replica does not hold its master's data, if it does not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ReplicaGap {
    /// Its first sync has not finished: it holds none of its master's keys.
    NeverSynced,
    /// A full sync is running: its data is being replaced.
    Syncing,
    /// Its link has been down this long.
    LinkDown { seconds: Option<i64> },
    /// It is this many bytes behind its master.
    Behind { bytes: u64 },
}

impl ReplicaGap {
    /// Judges `replica` against its master's offset (`None`: the master could not be read).
    pub fn of(replica: &Replication, master_offset: Option<u64>) -> Option<ReplicaGap> {
        if replica.never_synced {
            return Some(ReplicaGap::NeverSynced);
        }
        if replica.sync_in_progress {
            return Some(ReplicaGap::Syncing);
        }
        if !replica.link_up {
            return Some(ReplicaGap::LinkDown {
                seconds: replica.link_down_seconds,
            });
        }
        let behind = master_offset?.saturating_sub(replica.replica_offset?);
        (behind > LAG_BOUND_BYTES).then_some(ReplicaGap::Behind { bytes: behind })
    }

    /// In words, for a finding or a refusal.
    pub fn describe(&self) -> String {
        match self {
            ReplicaGap::NeverSynced => "has not finished its first sync".into(),
            ReplicaGap::Syncing => "is in a full sync".into(),
            ReplicaGap::LinkDown { seconds: Some(s) } => {
                format!("has had its link to its master down for {s} s")
            }
            ReplicaGap::LinkDown { seconds: None } => "has its link to its master down".into(),
            ReplicaGap::Behind { bytes } => format!("is {bytes} bytes behind its master"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PENDING: &str = "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:27302\r\nmaster_link_status:down\r\nmaster_last_io_seconds_ago:-1\r\nmaster_sync_in_progress:0\r\nslave_read_repl_offset:0\r\nslave_repl_offset:0\r\nmaster_link_down_since_seconds:-1\r\nmaster_repl_offset:0\r\n";

    #[test]
    fn a_replica_before_its_first_sync_holds_nothing() {
        let pending = Replication::parse(PENDING);
        assert!(pending.replica && pending.never_synced && !pending.link_up);
        assert_eq!(
            ReplicaGap::of(&pending, Some(5000)),
            Some(ReplicaGap::NeverSynced)
        );
    }

    #[test]
    fn a_synced_replica_is_judged_by_its_offset() {
        let synced = PENDING
            .replace("master_link_status:down", "master_link_status:up")
            .replace("slave_repl_offset:0", "slave_repl_offset:4000")
            .replace(
                "master_last_io_seconds_ago:-1",
                "master_last_io_seconds_ago:1",
            );
        let synced = Replication::parse(&synced);
        assert!(!synced.never_synced && synced.link_up);
        assert_eq!(ReplicaGap::of(&synced, Some(4100)), None);
        assert_eq!(ReplicaGap::of(&synced, None), None);
        assert_eq!(
            ReplicaGap::of(&synced, Some(4000 + LAG_BOUND_BYTES + 1)),
            Some(ReplicaGap::Behind {
                bytes: LAG_BOUND_BYTES + 1
            })
        );
        let down = PENDING.replace(
            "master_link_down_since_seconds:-1",
            "master_link_down_since_seconds:12",
        );
        assert_eq!(
            ReplicaGap::of(&Replication::parse(&down), None),
            Some(ReplicaGap::LinkDown { seconds: Some(12) })
        );
        let master = Replication::parse("role:master\r\nmaster_repl_offset:99\r\n");
        assert!(!master.replica);
        assert_eq!(master.offset, Some(99));
    }
}
