//! Executors: the I/O that carries out plans. Each waits with a bound ([`poll_until`]) and reports how
//! far it got.

pub mod atomic;
pub mod big_keys;
pub mod create;
pub mod drill;
pub mod failover;
pub mod failpoint;
pub mod firewall;
pub mod fix;
pub mod handoff;
pub mod import;
pub mod journal;
pub mod lease;
pub mod lock;
pub mod manifest;
pub mod membership;
pub mod migrate;
pub mod mover;
pub mod moves;
pub mod observe;
pub mod partition;
pub mod permissions;
pub mod private;
pub mod rdb;
pub mod redis_asm;
pub mod replicas;
pub mod retry;
pub mod run;
pub mod sample;
pub mod scratch;
pub mod snapshot;

use std::time::{Duration, Instant};

/// Calls `probe` every 20 ms until it says yes (true) or `deadline` passes (false).
pub async fn poll_until<F, Fut>(deadline: Instant, mut probe: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    loop {
        if probe().await {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// rcluster's state folder: `$XDG_STATE_HOME/rcluster` or `~/.local/state/rcluster` (journals, locks,
/// and `local`'s servers live under it).
pub fn state_dir() -> std::path::PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/state"))
        })
        .unwrap_or_else(std::env::temp_dir)
        .join("rcluster")
}
