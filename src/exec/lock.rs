//! Run locks: at most one run that changes a cluster's membership or slot ownership at a time
//! (reshard, rebalance, apply, resume, fix, add-node, del-node, failover, import, restore, setslot;
//! docs/lock.md). Two layers, both taken by [`lock`]:
//!
//! - this host's: an exclusive `flock` on one file per master id of the cluster, in the state folder
//!   (`~/.local/state/rcluster/locks/<id>.lock`), for as long as the run lives. The kernel releases
//!   it when the process ends, even by SIGKILL, so it is never stale; a second run on this host that
//!   shares a master is refused at once, naming the holder. It still guards a run when the lease
//!   cannot be reached.
//! - the cluster's: the lease of `exec::lease`, a key the cluster itself holds, which refuses runs of
//!   other hosts and of other state folders.
//!
//! A refusal is [`LockError::Busy`] or [`LeaseError::Held`]: exit 1 (the printer's `exit_of`).

use super::lease::{self, Keeper, LeaseError};
use crate::net::{NodeAddress, Session};
use crate::report::Reporter;
use crate::topology::{ClusterView, key_slot};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// This host's locks; dropping it releases them.
#[derive(Debug)]
pub struct RunLock {
    _files: Vec<std::fs::File>,
}

/// Both locks of a run; dropping it releases the lease (waiting for the cluster to confirm, bounded)
/// and then this host's locks.
pub struct ClusterLock {
    _lease: Option<Keeper>,
    _local: RunLock,
}

impl From<RunLock> for ClusterLock {
    /// This host's lock alone (a dry run, which changes nothing but should not plan over a run).
    fn from(local: RunLock) -> ClusterLock {
        ClusterLock {
            _lease: None,
            _local: local,
        }
    }
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another rcluster run is working on this cluster ({holder}, on node {node}): wait for it to end; if it was killed, its lock is already gone, so run this again, or `rcluster resume`/`rcluster fix` to finish what it left"
    )]
    Busy { node: String, holder: String },
    #[error("cannot create the lock file {}: {reason}; set XDG_STATE_HOME to a writable folder", path.display())]
    Io { path: PathBuf, reason: String },
    #[error(transparent)]
    Lease(#[from] LeaseError),
}

impl LockError {
    /// Another run holds one of the locks (a refusal, exit 1, rather than an error).
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            LockError::Busy { .. } | LockError::Lease(LeaseError::Held { .. })
        )
    }
}

/// Where the lease is looked for: the master the seed says owns its slot, then every other master,
/// then the seed (redirects lead from any of them to the key).
pub fn lease_route(view: &ClusterView) -> Vec<NodeAddress> {
    let slot = key_slot(lease::LEASE_KEY.as_bytes());
    let owner = view
        .nodes
        .iter()
        .filter(|n| n.seen_by_seed.slots.contains(slot))
        .map(|n| n.address.clone());
    let masters = view.loaded_masters().map(|m| m.address.clone());
    let mut route: Vec<NodeAddress> = Vec::new();
    for address in owner.chain(masters).chain([view.seed.clone()]) {
        if !route.contains(&address) {
            route.push(address);
        }
    }
    route
}

/// This host's lock on every master of `view`, in the default folder.
pub fn lock_here(view: &ClusterView, command: &str) -> Result<RunLock, LockError> {
    let ids: Vec<String> = view.loaded_masters().map(|m| m.id().to_string()).collect();
    lock_cluster(&default_dir(), &ids, command)
}

/// What [`lock`] needs besides the view.
pub struct LockRequest<'a> {
    pub session: &'a Session,
    pub ui: &'a Arc<dyn Reporter>,
    /// The command taking it, as the holder is named.
    pub command: &'a str,
    /// `--break-lock`: take the lease whoever holds it.
    pub break_lock: bool,
}

/// Takes this host's lock on every master of `view`, then the cluster's lease. A lease that cannot be
/// reached is warned about and the run goes on under this host's lock; a broken one is named.
pub async fn lock(view: &ClusterView, request: LockRequest<'_>) -> Result<ClusterLock, LockError> {
    let local = lock_here(view, request.command)?;
    let route = lease_route(view);
    let ui = request.ui;
    let lease = match lease::take(request.session, route, request.command, request.break_lock).await
    {
        Ok(taken) => {
            if let Some(value) = taken.broken {
                ui.warn(&broken_warning(&value, request.break_lock));
            }
            let options = request.session.options().clone();
            Some(Keeper::start(taken.lease, options, Arc::clone(ui)))
        }
        Err(LeaseError::Unavailable { reason }) => {
            ui.warn(&format!(
                "the cluster's lock ({}) cannot be reached ({reason}): this run goes on under this host's lock only (docs/lock.md)",
                lease::LEASE_KEY
            ));
            None
        }
        Err(error) => return Err(error.into()),
    };
    Ok(ClusterLock {
        _lease: lease,
        _local: local,
    })
}

/// What a run says when it took the lease from another holder.
fn broken_warning(value: &str, asked: bool) -> String {
    let holder = lease::Holder::parse(value).map_or_else(|| format!("`{value}`"), |h| h.describe());
    if asked {
        format!("broke the cluster's lock held by {holder} (--break-lock)")
    } else {
        format!(
            "broke the cluster's lock left by a killed run: {holder} (no such process on this host)"
        )
    }
}

/// `$XDG_STATE_HOME/rcluster/locks` or `~/.local/state/rcluster/locks`.
pub fn default_dir() -> PathBuf {
    super::state_dir().join("locks")
}

/// Locks every id of `node_ids` (sorted, so two runs never wait on each other) for `command`, in `dir`.
pub fn lock_cluster(dir: &Path, node_ids: &[String], command: &str) -> Result<RunLock, LockError> {
    let io = |path: &Path, e: std::io::Error| LockError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    super::private::create_dir(dir).map_err(|e| io(dir, e))?;
    let mut ids: Vec<&String> = node_ids.iter().collect();
    ids.sort();
    ids.dedup();
    let mut files = Vec::new();
    for id in ids {
        let path = dir.join(format!("{id}.lock"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        // SAFETY: flock on a file descriptor this function owns; no memory is shared.
        let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if !taken {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            return Err(LockError::Busy {
                node: id.chars().take(8).collect(),
                holder: if holder.is_empty() {
                    "a process on this host".into()
                } else {
                    holder.to_string()
                },
            });
        }
        let _ = file.set_len(0);
        let _ = writeln!(file, "pid {} (`rcluster {command}`)", std::process::id());
        files.push(file);
    }
    Ok(RunLock { _files: files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_on_a_shared_master_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let first = lock_cluster(dir.path(), &ids(&["b", "a"]), "reshard").unwrap();
        let refused = lock_cluster(dir.path(), &ids(&["c", "a"]), "fix").unwrap_err();
        assert!(refused.to_string().contains("reshard"), "{refused}");
        lock_cluster(dir.path(), &ids(&["c", "d"]), "fix").expect("other masters are free");
        drop(first);
        lock_cluster(dir.path(), &ids(&["a"]), "fix").expect("free once the first ends");
    }

    #[test]
    fn locks_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let locks = dir.path().join("state/locks");
        let _lock = lock_cluster(&locks, &["a".to_string()], "fix").unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&locks), 0o700);
        assert_eq!(mode(&locks.join("a.lock")), 0o600);
    }
}
