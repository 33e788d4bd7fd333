//! Run locks: at most one slot-changing run (reshard, rebalance, apply, resume, fix) per cluster on this
//! host. A run holds an exclusive `flock` on one file per master id of its cluster, in the state folder
//! (`~/.local/state/rcluster/locks/<id>.lock`), for as long as it lives; the kernel releases them when
//! the process ends, even by SIGKILL, so a crashed run never leaves a stale lock. A second run that
//! shares any master is refused at once, naming the holder. Runs on other hosts are caught by the
//! pre-flight check instead: they leave slots open, and a move refuses to start while any slot is open.
//! Called by `commands::moves::start_run`, `commands::resume` and `commands::fix`.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// Held locks; dropping it releases them.
#[derive(Debug)]
pub struct RunLock {
    _files: Vec<std::fs::File>,
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
}

/// `$XDG_STATE_HOME/rcluster/locks` or `~/.local/state/rcluster/locks`.
pub fn default_dir() -> PathBuf {
    crate::sandbox::default_state_dir()
        .parent()
        .map(|p| p.join("locks"))
        .unwrap_or_else(|| PathBuf::from("rcluster-locks"))
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
