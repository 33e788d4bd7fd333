//! Exit statuses and the core's usage errors. How any error is classified for the user (its exit
//! status and its JSON `kind`) is the printer's business (`output/errors.rs`).
//!
//! 0: the command ran and found nothing wrong; 1: it ran and found or left problems; 2: usage,
//! connection or unexpected error. In redis-cli syntax, 2 becomes 1 as redis-cli only knows 0 and 1.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    Problems,
    Error,
    /// A second Ctrl-C left a run at once (130, as a shell reports SIGINT).
    Interrupted,
    /// `check --verdict-exit` on a cluster that is settling: wait and check again (3).
    Settling,
}

impl Exit {
    pub fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Problems => 1,
            Exit::Error => 2,
            Exit::Interrupted => 130,
            Exit::Settling => 3,
        }
    }

    /// `Ok` when `clean`, else `Problems`.
    pub fn from_clean(clean: bool) -> Exit {
        if clean { Exit::Ok } else { Exit::Problems }
    }
}

/// A usage error found after argument parsing (bad slot, unknown node id, ...).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A node id that names no loaded master (a usage error, in redis-cli's words, which redis-cli
/// prints on stdout).
#[derive(Debug, thiserror::Error)]
#[error("*** The specified node ({0}) is not known or not a master, please retry.")]
pub struct UnknownMaster(pub String);
