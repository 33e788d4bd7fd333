//! Server errors, classified once: every error a move can meet (a reply's error code, or a connection
//! failure) becomes a [`ServerError`] kind, and [`decide`] maps each kind to what the engine does.
//! Called by the migration engine (`exec::migrate`) and the key-copy engine (`exec::import`) for
//! MIGRATE replies, and by the hand-off (`exec::handoff`) for SETSLOT replies. One table, unit-tested
//! below; beside it the movers' backoff ([`PAUSE`], [`LIMIT`], [`resend`], and the key copy's
//! [`resend_through_moves`]) and the node a `MOVED` names ([`redirect_of`]).

use std::time::{Duration, Instant};

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
    /// The slot is moving (`ASK`) or moved (`MOVED`): a key copy waits out a move
    /// ([`resend_through_moves`]) and resends to the node a `MOVED` names ([`redirect_of`]); a slot
    /// mover stops, its plan no longer matches the cluster.
    Redirect,
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
        ServerError::Ask | ServerError::Moved => Decision::Redirect,
        ServerError::IoError
        | ServerError::Auth
        | ServerError::Timeout
        | ServerError::Connection
        | ServerError::Other => Decision::Fail,
    }
}

/// The node an `ASK` or `MOVED` names, as (slot, host, port), MIGRATE's wrapper of the target's
/// error included; `None` for any other error. An empty host (the node does not know the endpoint)
/// stays empty: the caller keeps the host it used.
pub fn redirect_of(text: &str) -> Option<(u16, String, u16)> {
    if let Some((_, inner)) = text.split_once("Target instance replied with error: ") {
        return redirect_of(inner);
    }
    let mut words = text.split_whitespace();
    if !matches!(words.next(), Some("ASK" | "MOVED")) {
        return None;
    }
    let slot = words.next()?.parse().ok()?;
    let (host, port) = words.next()?.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((slot, host.to_string(), port.parse().ok()?))
}

/// The movers' pause between two sends of a command refused for a passing reason
/// ([`Decision::Retry`]).
pub const PAUSE: Duration = Duration::from_millis(100);

/// The movers' bound on resending one command refused for a passing reason.
pub const LIMIT: Duration = Duration::from_secs(10);

/// The movers' backoff: after `first` was refused for a passing reason ([`Decision::Retry`]),
/// `send` is called again every [`PAUSE`] until it gets another answer or [`LIMIT`] has passed
/// since the first refusal; the last answer. MIGRATE deletes nothing on the source until the target
/// has stored the keys, so resending it cannot lose or double a key.
pub async fn resend<F, Fut>(
    first: redis::RedisResult<redis::Value>,
    send: F,
) -> redis::RedisResult<redis::Value>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = redis::RedisResult<redis::Value>>,
{
    resend_within(LIMIT, first, send, |kind| decide(kind) == Decision::Retry).await
}

/// As [`resend`], and also while the slot is in the middle of a move (`ASK`): a key copy from a
/// standalone server sends plain `RESTORE`s (MIGRATE sends `RESTORE-ASKING` only from a cluster
/// node), which an importing node refuses, so the copy waits for the move to end, after which the
/// old owner answers `MOVED`.
pub async fn resend_through_moves<F, Fut>(
    first: redis::RedisResult<redis::Value>,
    send: F,
) -> redis::RedisResult<redis::Value>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = redis::RedisResult<redis::Value>>,
{
    let passing = |kind| decide(kind) == Decision::Retry || kind == ServerError::Ask;
    resend_within(LIMIT, first, send, passing).await
}

async fn resend_within<F, Fut>(
    limit: Duration,
    first: redis::RedisResult<redis::Value>,
    mut send: F,
    passing: impl Fn(ServerError) -> bool,
) -> redis::RedisResult<redis::Value>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = redis::RedisResult<redis::Value>>,
{
    let deadline = Instant::now() + limit;
    let mut reply = first;
    loop {
        match reply {
            Err(error) if passing(classify(&error)) => {
                if Instant::now() >= deadline {
                    return Err(error);
                }
                tokio::time::sleep(PAUSE).await;
                reply = send().await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_the_servers_give_has_one_decision() {
        let table = [
            (
                "ASK 42 127.0.0.1:7001",
                ServerError::Ask,
                Decision::Redirect,
            ),
            (
                "MOVED 42 127.0.0.1:7001",
                ServerError::Moved,
                Decision::Redirect,
            ),
            (
                "ERR Target instance replied with error: MOVED 42 127.0.0.1:7001",
                ServerError::Moved,
                Decision::Redirect,
            ),
            (
                "ERR Target instance replied with error: TRYAGAIN Multiple keys request during rehashing of slot",
                ServerError::TryAgain,
                Decision::Retry,
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

    #[test]
    fn a_redirect_names_its_node_wrapped_or_not() {
        let node = |host: &str, port| Some((42, host.to_string(), port));
        assert_eq!(
            redirect_of("MOVED 42 127.0.0.1:7001"),
            node("127.0.0.1", 7001)
        );
        assert_eq!(redirect_of("ASK 42 [::1]:7001"), node("::1", 7001));
        assert_eq!(redirect_of("ASK 42 ::1:7001"), node("::1", 7001));
        assert_eq!(
            redirect_of("ERR Target instance replied with error: ASK 42 node-3.example:7001"),
            node("node-3.example", 7001)
        );
        assert_eq!(redirect_of("MOVED 42 :7001"), node("", 7001));
        assert_eq!(redirect_of("TRYAGAIN Multiple keys"), None);
        assert_eq!(redirect_of("MOVED 42"), None);
        assert_eq!(redirect_of("ERR MOVED 42 127.0.0.1:7001"), None);
    }

    fn refused(text: &str) -> redis::RedisResult<redis::Value> {
        let (code, detail) = text.split_once(' ').unwrap_or((text, ""));
        Err(redis::make_extension_error(
            code.to_string(),
            Some(detail.to_string()),
        ))
    }

    #[tokio::test]
    async fn passing_refusals_are_resent_within_the_bound_and_others_are_not() {
        let mut sends = 0;
        let reply = resend(refused("TRYAGAIN rehashing"), || {
            sends += 1;
            let answer = if sends < 3 {
                refused("CLUSTERDOWN The cluster is down")
            } else {
                Ok(redis::Value::Okay)
            };
            async move { answer }
        })
        .await;
        assert!(matches!(reply, Ok(redis::Value::Okay)), "{reply:?}");
        assert_eq!(sends, 3);
        let mut sends = 0;
        let reply = resend(refused("MOVED 42 127.0.0.1:7001"), || {
            sends += 1;
            async { Ok(redis::Value::Okay) }
        })
        .await;
        assert_eq!(classify(&reply.unwrap_err()), ServerError::Moved);
        assert_eq!(sends, 0);
        let started = Instant::now();
        let limit = PAUSE * 3;
        let retry = |kind| decide(kind) == Decision::Retry;
        let reply = resend_within(
            limit,
            refused("TRYAGAIN rehashing"),
            || async { refused("TRYAGAIN rehashing") },
            retry,
        )
        .await;
        assert_eq!(classify(&reply.unwrap_err()), ServerError::TryAgain);
        let waited = started.elapsed();
        assert!(waited >= limit && waited < limit + PAUSE * 3, "{waited:?}");
    }

    #[tokio::test]
    async fn a_key_copy_waits_out_a_move_until_the_old_owner_says_moved() {
        let mut sends = 0;
        let reply = resend_through_moves(refused("ASK 42 127.0.0.1:7001"), || {
            sends += 1;
            let answer = match sends {
                1 => refused("TRYAGAIN rehashing"),
                2 => refused("ASK 42 127.0.0.1:7001"),
                _ => refused("MOVED 42 127.0.0.1:7001"),
            };
            async move { answer }
        })
        .await;
        assert_eq!(classify(&reply.unwrap_err()), ServerError::Moved);
        assert_eq!(sends, 3);
        let reply = resend(refused("ASK 42 127.0.0.1:7001"), || async {
            Ok(redis::Value::Okay)
        })
        .await;
        assert_eq!(classify(&reply.unwrap_err()), ServerError::Ask);
    }
}
