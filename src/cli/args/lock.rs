//! `--break-lock`, on every command that takes the cluster's lock (docs/lock.md); read into
//! [`crate::commands::Context::break_lock`] by `cli::run` through [`super::Command::break_lock`].

/// The cluster's lock.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct LockArgs {
    /// Take the cluster's lock even when another run holds it: for a lock left by a run killed on
    /// another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run
    /// that is still working lets two runs change the cluster at once.
    #[arg(long, help_heading = "Lock")]
    pub break_lock: bool,
}
