//! Server errors, classified once: every error a move can meet (a reply's error code, or a connection
//! failure) becomes a [`ServerError`] kind, and [`decide`] maps each kind to what the engine does.
//! Called by the migration engine (`exec::migrate`) for MIGRATE replies and by the hand-off
//! (`exec::handoff`) for SETSLOT replies. One table, unit-tested below.

/// What kind of error a server gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerError {
    /// `ASK`: the key is being imported elsewhere.
    Ask,
    /// `MOVED`: the slot belongs to another node.
    Moved,
    /// `TRYAGAIN`: a multi-key operation met a slot in the middle of a move.
    TryAgain,
    /// `BUSYKEY` (MIGRATE wraps it as "Target instance replied with error: BUSYKEY").
    BusyKey,
    /// `IOERR`: MIGRATE could not talk to the target (often its timeout).
    IoError,
    /// `NOAUTH` / `WRONGPASS`: credentials missing or wrong.
    Auth,
    /// `CLUSTERDOWN`: the node considers the cluster down (settling after a change).
    ClusterDown,
    /// `LOADING`: the node is loading its dataset.
    Loading,
    /// "Please use SETSLOT only with masters": the node turned replica (it gave its last slot away).
    NotMaster,
    /// No reply in time.
    Timeout,
    /// The connection failed or closed.
    Connection,
    /// Anything else.
    Other,
}

/// What to do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait a little and send the same command again (bounded by the caller).
    Retry,
    /// Compare the keys on both sides (equal values are merged, different ones stop the slot).
    ResolveBusyKeys,
    /// The command's effect is already there (a master turned replica was told by gossip).
    Done,
    /// Stop the slot and report the error.
    Fail,
}

/// The kind of a server's error text (`CODE detail`), or of a transport failure.
pub fn classify_text(text: &str) -> ServerError {
    // MIGRATE wraps the target's own error: classify what the target said.
    if let Some((_, inner)) = text.split_once("Target instance replied with error: ") {
        return classify_text(inner);
    }
    let code = text.split_whitespace().next().unwrap_or_default();
    match code {
        "ASK" => ServerError::Ask,
        "MOVED" => ServerError::Moved,
        "TRYAGAIN" => ServerError::TryAgain,
        "BUSYKEY" => ServerError::BusyKey,
        "IOERR" => ServerError::IoError,
        "NOAUTH" | "WRONGPASS" => ServerError::Auth,
        "CLUSTERDOWN" => ServerError::ClusterDown,
        "LOADING" => ServerError::Loading,
        _ if text.contains("BUSYKEY") => ServerError::BusyKey,
        _ if text.contains("only with masters") => ServerError::NotMaster,
        _ if text.contains("timed out") || text.contains("Timeout") => ServerError::Timeout,
        _ => ServerError::Other,
    }
}

/// The kind of a redis-rs error.
pub fn classify(error: &redis::RedisError) -> ServerError {
    if let Some(text) = crate::net::server_error_text(error) {
        return classify_text(&text);
    }
    if error.is_timeout() {
        ServerError::Timeout
    } else if error.is_io_error() || error.is_connection_dropped() || error.is_connection_refusal()
    {
        ServerError::Connection
    } else {
        classify_text(&error.to_string())
    }
}

/// The one table: what the engine does about each kind of error.
pub fn decide(kind: ServerError) -> Decision {
    match kind {
        ServerError::TryAgain | ServerError::ClusterDown | ServerError::Loading => Decision::Retry,
        ServerError::BusyKey => Decision::ResolveBusyKeys,
        ServerError::NotMaster => Decision::Done,
        ServerError::Ask
        | ServerError::Moved
        | ServerError::IoError
        | ServerError::Auth
        | ServerError::Timeout
        | ServerError::Connection
        | ServerError::Other => Decision::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_the_servers_give_has_one_decision() {
        let table = [
            ("ASK 42 127.0.0.1:7001", ServerError::Ask, Decision::Fail),
            (
                "MOVED 42 127.0.0.1:7001",
                ServerError::Moved,
                Decision::Fail,
            ),
            (
                "TRYAGAIN Multiple keys request during rehashing of slot",
                ServerError::TryAgain,
                Decision::Retry,
            ),
            (
                "BUSYKEY Target key name already exists.",
                ServerError::BusyKey,
                Decision::ResolveBusyKeys,
            ),
            (
                "ERR Target instance replied with error: BUSYKEY Target key name already exists.",
                ServerError::BusyKey,
                Decision::ResolveBusyKeys,
            ),
            (
                "IOERR error or timeout reading to target instance",
                ServerError::IoError,
                Decision::Fail,
            ),
            (
                "NOAUTH Authentication required.",
                ServerError::Auth,
                Decision::Fail,
            ),
            (
                "WRONGPASS invalid username-password pair or user is disabled.",
                ServerError::Auth,
                Decision::Fail,
            ),
            (
                "CLUSTERDOWN The cluster is down",
                ServerError::ClusterDown,
                Decision::Retry,
            ),
            (
                "LOADING Redis is loading the dataset in memory",
                ServerError::Loading,
                Decision::Retry,
            ),
            (
                "ERR Please use SETSLOT only with masters.",
                ServerError::NotMaster,
                Decision::Done,
            ),
            ("timed out", ServerError::Timeout, Decision::Fail),
            (
                "ERR Target instance replied with error: CLUSTERDOWN Hash slot not served",
                ServerError::ClusterDown,
                Decision::Retry,
            ),
            ("ERR Unknown node abc", ServerError::Other, Decision::Fail),
        ];
        for (text, kind, decision) in table {
            assert_eq!(classify_text(text), kind, "{text}");
            assert_eq!(decide(kind), decision, "{text}");
        }
    }
}
