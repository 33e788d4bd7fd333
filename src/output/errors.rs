//! How an error that ended a command is shown: its exit status ([`exit_of`]: 1 when another run
//! holds the cluster's lock, 130 when interrupted, 2 otherwise) and its `kind` in the JSON
//! document ([`kind_of`]), read from the typed errors of every layer in its chain. Used by the
//! printer and by `crate::cli`.

use crate::error::{Exit, UnknownMaster, UsageError};

/// The network error a cause is, directly or as the loader's or `create`'s.
fn net_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a crate::net::NetError> {
    use crate::exec::create::CreateError;
    use crate::topology::load::LoadError;
    cause
        .downcast_ref::<crate::net::NetError>()
        .or(match cause.downcast_ref::<LoadError>() {
            Some(LoadError::Net(net)) => Some(net),
            _ => None,
        })
        .or(match cause.downcast_ref::<CreateError>() {
            Some(CreateError::Net(net) | CreateError::Apply { source: net, .. }) => Some(net),
            _ => None,
        })
}

/// The first network error in the chain of `error`.
pub fn find_net_error(error: &anyhow::Error) -> Option<&crate::net::NetError> {
    error.chain().find_map(net_error)
}

/// The lock error a cause is, directly or as the lease's.
fn lock_error(cause: &(dyn std::error::Error + 'static)) -> Option<LockState> {
    use crate::exec::lease::LeaseError;
    use crate::exec::lock::LockError;
    let lease = match cause.downcast_ref::<LockError>() {
        Some(LockError::Lease(lease)) => lease,
        Some(error) if error.is_busy() => return Some(LockState::Busy),
        Some(_) => return None,
        None => cause.downcast_ref::<LeaseError>()?,
    };
    match lease {
        LeaseError::Held { .. } => Some(LockState::Busy),
        LeaseError::Denied { .. } => Some(LockState::Denied),
        LeaseError::Unavailable { .. } => None,
    }
}

/// Why a run could not take the cluster's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LockState {
    /// Another run holds it.
    Busy,
    /// A node refuses this user the lease.
    Denied,
}

/// The exit status of a command that ended with `error`: 1 when another run holds the cluster's lock
/// (the command ran and found the cluster busy), 2 otherwise.
pub fn exit_of(error: &anyhow::Error) -> Exit {
    if error
        .chain()
        .any(|cause| cause.is::<crate::exec::run::Aborted>())
    {
        return Exit::Interrupted;
    }
    let busy = error
        .chain()
        .any(|cause| lock_error(cause) == Some(LockState::Busy));
    if busy { Exit::Problems } else { Exit::Error }
}

/// The `kind` of an error in the JSON document: `usage`, `connection` or `unexpected`.
pub fn kind_of(error: &anyhow::Error) -> &'static str {
    use crate::net::NetError;
    for cause in error.chain() {
        match lock_error(cause) {
            Some(LockState::Busy) => return "locked",
            Some(LockState::Denied) => return "permission",
            None => {}
        }
        if cause.downcast_ref::<UsageError>().is_some()
            || cause.downcast_ref::<UnknownMaster>().is_some()
            || cause.downcast_ref::<crate::net::AddressError>().is_some()
        {
            return "usage";
        }
        if cause
            .downcast_ref::<crate::exec::permissions::PermissionDenied>()
            .is_some()
        {
            return "permission";
        }
        match net_error(cause) {
            Some(NetError::Server { .. } | NetError::Protocol { .. }) => return "server",
            Some(NetError::Auth { .. }) => return "auth",
            Some(_) => return "connection",
            None => {}
        }
    }
    "unexpected"
}
