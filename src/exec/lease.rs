//! The cluster's own lock: a lease the cluster holds, so two runs on two hosts (or with two state
//! folders) cannot both change one cluster. docs/lock.md is the user's page; this is the mechanism.
//!
//! The lease is one key, [`LEASE_KEY`], in database 0 of the master that owns its slot. Its value
//! names the holder: `<token> <start ms> <host> <pid> <command>` (the token is 128 random bits, the
//! start is the server's clock). One Lua script ([`SCRIPT`]) does every step atomically on the
//! server: take (only when the key is absent, `SET ... PX`), renew (`PEXPIRE`, only when the token is
//! this run's), break (`--break-lock`: overwrite whoever holds it) and release (`DEL`, only when the
//! token is this run's). A run renews every [`RENEW_EVERY`] from its own thread ([`Keeper`]), so a
//! prompt waiting for an answer, which blocks the command's thread, cannot let the lease lapse; a run
//! killed by SIGKILL leaves the key until its [`LEASE_TTL`] runs out. A holder on this host whose
//! process is gone is broken at once (it can only be a killed run).
//!
//! **Why a key that moves with its slot.** Our own moves carry every key of a slot, the lease's too:
//! `MIGRATE` copies it with its value and TTL and deletes it from the source in one step (the source
//! is blocked meanwhile), and a server-side (Valkey) migration carries it with the slot. Rather than
//! keep the key out of every mover, the lease is reached the way any client reaches a key: each call
//! starts at the master that owned the slot last time and follows `MOVED` (the slot has a new owner)
//! and `ASK` (the slot is being moved and the key is already on the target: `ASKING` first), a few
//! hops at most. So the lease is never copied twice, never lost by a move, and always renewed where
//! it lives. A failover keeps it too: the key is replicated like any other.
//!
//! When no node that could hold the key answers (its slot is not served, its master is down, a
//! redirect loop while a slot is half-moved) the lease is [`LeaseError::Unavailable`]: the caller
//! warns and goes on under this host's lock alone, because the commands that repair exactly those
//! clusters (`fix`, `failover --force`, `del-node` of a dead node) must still run. A node that refuses
//! this user the script (`NOPERM`) is [`LeaseError::Denied`]: nothing was changed.

use crate::net::{NetError, NodeAddress, Session};
use crate::report::Reporter;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The key that holds the lease.
pub const LEASE_KEY: &str = "rcluster:lock";

/// How long a lease lives without renewal: a killed run blocks others at most this long.
pub const LEASE_TTL: Duration = Duration::from_secs(30);

/// How often a run renews its lease (a third of the TTL: two renewals may fail before it lapses).
pub const RENEW_EVERY: Duration = Duration::from_secs(10);

/// At most this many redirects per call (a slot moves once at a time: two are enough; more is a loop).
const MAX_HOPS: usize = 5;

/// Bound on one renewal, and on the release at the end of a run (the command waits for it).
const CALL_BOUND: Duration = Duration::from_secs(5);

/// Every step on the lease, atomic on the server. KEYS[1] the lease; ARGV: the step (`take`, `break`
/// or `release`), this run's token, the holder's words (`host pid command`), the TTL in ms, and for
/// `break` the value to break (empty: whatever it holds; otherwise a value changed meanwhile, say by
/// another run that broke it first, is left alone and answered as `held`). Returns
/// `{outcome, value, pttl, now}`: `taken` (value: the holder it replaced, or empty), `renewed`,
/// `held` (value and pttl: the other holder's), `released`; `now` is the server's clock in ms.
pub const SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('GET', KEYS[1])
local mine = held and string.sub(held, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. ' '
if ARGV[1] == 'release' then
  if mine then redis.call('DEL', KEYS[1]) end
  return {'released', '', 0, now}
end
if mine then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'renewed', '', 0, now}
end
if held and (ARGV[1] ~= 'break' or (ARGV[5] ~= '' and held ~= ARGV[5])) then
  return {'held', held, redis.call('PTTL', KEYS[1]), now}
end
redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. string.format('%d', now) .. ' ' .. ARGV[3], 'PX', ARGV[4])
return {'taken', held or '', 0, now}
"#;

/// A step on the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Take it when free, renew it when ours.
    Take,
    /// Take it whoever holds it (`None`), or only while it still holds this value.
    Break(Option<String>),
    /// Delete it when ours.
    Release,
}

impl Step {
    /// The script's step word and its expected value.
    fn words(&self) -> (&'static str, &str) {
        match self {
            Step::Take => ("take", ""),
            Step::Break(only) => ("break", only.as_deref().unwrap_or_default()),
            Step::Release => ("release", ""),
        }
    }
}

/// Who holds a lease, read from its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub token: String,
    /// When it was taken, by the server's clock (ms since the epoch).
    pub started_ms: u64,
    pub host: String,
    pub pid: u32,
    pub command: String,
}

impl Holder {
    /// Reads `<token> <start ms> <host> <pid> <command>`; `None` for any other text.
    pub fn parse(value: &str) -> Option<Holder> {
        let mut words = value.splitn(5, ' ');
        let token = words.next().filter(|t| !t.is_empty())?.to_string();
        let started_ms = words.next()?.parse().ok()?;
        let host = words.next()?.to_string();
        let pid = words.next()?.parse().ok()?;
        let command = words.next()?.to_string();
        Some(Holder {
            token,
            started_ms,
            host,
            pid,
            command,
        })
    }

    /// `rebalance by host:pid`.
    pub fn describe(&self) -> String {
        format!("`{}` by {}:{}", self.command, self.host, self.pid)
    }

    /// Whether it is a run of this host whose process is gone (killed: its lease can only be stale).
    fn is_dead_here(&self) -> bool {
        self.host == this_host() && !process_alive(self.pid)
    }
}

/// What the script answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// This run holds it now; `replaced` is the value it overwrote (a broken lease), if any.
    Taken {
        replaced: Option<String>,
    },
    Renewed,
    /// Another run holds it.
    Held {
        value: String,
        ttl_ms: i64,
        now_ms: u64,
    },
    Released,
}

impl Answer {
    /// Reads the script's reply; `None` for anything else.
    pub fn parse(reply: &redis::Value) -> Option<Answer> {
        let redis::Value::Array(items) = reply else {
            return None;
        };
        let text = |i: usize| match items.get(i)? {
            redis::Value::BulkString(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            redis::Value::SimpleString(s) => Some(s.clone()),
            _ => None,
        };
        let number = |i: usize| match items.get(i)? {
            redis::Value::Int(n) => Some(*n),
            _ => None,
        };
        let value = text(1)?;
        Some(match text(0)?.as_str() {
            "taken" => Answer::Taken {
                replaced: Some(value).filter(|v| !v.is_empty()),
            },
            "renewed" => Answer::Renewed,
            "released" => Answer::Released,
            "held" => Answer::Held {
                value,
                ttl_ms: number(2)?,
                now_ms: u64::try_from(number(3)?).ok()?,
            },
            _ => return None,
        })
    }
}

/// Why the lease was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error(
        "another rcluster run holds the cluster's lock ({LEASE_KEY}): {holder} for {age_s} s; wait for it, or if it was killed, run again after {left_s} s or pass --break-lock"
    )]
    Held {
        holder: String,
        age_s: u64,
        left_s: u64,
    },
    #[error(
        "{address} refuses this user the cluster's lock ({LEASE_KEY}): {words}; grant `+eval +time +get +set +pexpire +pttl +del ~{LEASE_KEY}` on every node (docs/security.md), then run again (nothing was changed)"
    )]
    Denied { address: String, words: String },
    #[error("the cluster's lock ({LEASE_KEY}) cannot be reached: {reason}")]
    Unavailable { reason: String },
}

impl LeaseError {
    /// The refusal for a lease `value` held `ttl_ms` longer, read at `now_ms` (server clock).
    pub fn held(value: &str, ttl_ms: i64, now_ms: u64) -> LeaseError {
        let holder = Holder::parse(value);
        let age_ms = holder
            .as_ref()
            .map_or(0, |h| now_ms.saturating_sub(h.started_ms));
        let left_ms = u64::try_from(ttl_ms).unwrap_or(0);
        LeaseError::Held {
            holder: holder.map_or_else(|| format!("`{value}`"), |h| h.describe()),
            age_s: age_ms / 1000,
            left_s: left_ms.div_ceil(1000),
        }
    }
}

/// A lease this run holds: what renewing and releasing it need.
#[derive(Debug, Clone)]
pub struct Lease {
    token: String,
    /// `host pid command`.
    words: String,
    /// Where to look for it, most likely first (the last node that answered leads).
    route: Vec<NodeAddress>,
}

/// A lease taken, and the holder it replaced (`--break-lock`, or a killed run of this host).
#[derive(Debug)]
pub struct Taken {
    pub lease: Lease,
    pub broken: Option<String>,
}

/// Takes the lease for `command`, starting at `route` (the slot's owner first, then other masters).
/// `breaking`: take it whoever holds it. A holder of this host whose process is gone is broken too.
pub async fn take(
    session: &Session,
    route: Vec<NodeAddress>,
    command: &str,
    breaking: bool,
) -> Result<Taken, LeaseError> {
    let mut lease = Lease {
        token: random_token(),
        words: format!("{} {} {command}", this_host(), std::process::id()),
        route,
    };
    let step = if breaking {
        Step::Break(None)
    } else {
        Step::Take
    };
    let answer = match lease.call(session, step).await? {
        Answer::Held { value, .. } if Holder::parse(&value).is_some_and(|h| h.is_dead_here()) => {
            lease.call(session, Step::Break(Some(value))).await?
        }
        answer => answer,
    };
    match answer {
        Answer::Taken { replaced } => Ok(Taken {
            lease,
            broken: replaced,
        }),
        Answer::Held {
            value,
            ttl_ms,
            now_ms,
        } => Err(LeaseError::held(&value, ttl_ms, now_ms)),
        Answer::Renewed | Answer::Released => Err(LeaseError::Unavailable {
            reason: "the lock's script answered out of turn".into(),
        }),
    }
}

impl Lease {
    /// Runs the script for `step` on the first node of the route that answers, following redirects;
    /// the node that answered leads the route from then on.
    pub async fn call(&mut self, session: &Session, step: Step) -> Result<Answer, LeaseError> {
        let args = self.script_args(&step);
        let mut last = String::from("no node to ask");
        let mut dead = Vec::new();
        for start in self.route.clone() {
            match follow(session, &start, &args, &mut dead).await {
                Ok((answer, at)) => {
                    self.route.retain(|a| *a != at);
                    self.route.insert(0, at);
                    return Ok(answer);
                }
                Err(Hop::Denied { address, words }) => {
                    return Err(LeaseError::Denied { address, words });
                }
                Err(Hop::Failed(reason)) => last = reason,
            }
        }
        Err(LeaseError::Unavailable { reason: last })
    }

    fn script_args(&self, step: &Step) -> Vec<String> {
        let (word, only) = step.words();
        [
            "EVAL",
            SCRIPT,
            "1",
            LEASE_KEY,
            word,
            &self.token,
            &self.words,
            &LEASE_TTL.as_millis().to_string(),
            only,
        ]
        .map(String::from)
        .to_vec()
    }
}

/// Why one start of the route did not answer.
enum Hop {
    Denied { address: String, words: String },
    Failed(String),
}

/// Sends `args` to `start`, following `MOVED` and `ASK` at most [`MAX_HOPS`] times; the answer and
/// the node that gave it. A node that did not answer is added to `dead` and not asked again in this
/// call (a stopped node costs one command timeout, not one per start).
async fn follow(
    session: &Session,
    start: &NodeAddress,
    args: &[String],
    dead: &mut Vec<NodeAddress>,
) -> Result<(Answer, NodeAddress), Hop> {
    let mut address = start.clone();
    let mut asking = false;
    for _ in 0..=MAX_HOPS {
        if dead.contains(&address) {
            return Err(Hop::Failed(format!("{address} did not answer")));
        }
        let reply = match session.client(&address).await {
            Ok(mut client) if asking => client.command_reply_asking(args).await,
            Ok(mut client) => client.command_reply(args).await,
            Err(error) => Err(error),
        };
        let reply = reply.map_err(|e: NetError| {
            dead.push(address.clone());
            Hop::Failed(e.to_string())
        })?;
        match reply {
            Ok(value) => {
                let answer = Answer::parse(&value)
                    .ok_or_else(|| Hop::Failed(format!("{address} answered {value:?}")))?;
                return Ok((answer, address));
            }
            Err(text) => match redirect(&text, &address) {
                Some((next, ask)) => (address, asking) = (next, ask),
                None if is_denial(&text) => {
                    return Err(Hop::Denied {
                        address: address.to_string(),
                        words: text,
                    });
                }
                None => return Err(Hop::Failed(format!("{address}: {text}"))),
            },
        }
    }
    Err(Hop::Failed(format!(
        "more than {MAX_HOPS} redirects from {start} (a slot is half-moved)"
    )))
}

/// The node a `MOVED slot host:port` or `ASK slot host:port` error names, and whether it is `ASK`;
/// an empty host is the node that answered.
pub fn redirect(text: &str, from: &NodeAddress) -> Option<(NodeAddress, bool)> {
    let mut words = text.split_whitespace();
    let ask = match words.next()? {
        "MOVED" => false,
        "ASK" => true,
        _ => return None,
    };
    let target = words.nth(1)?;
    let (host, port) = target.rsplit_once(':')?;
    let host = if host.is_empty() || host == "?" {
        from.host.as_str()
    } else {
        host.trim_start_matches('[').trim_end_matches(']')
    };
    Some((NodeAddress::new(host, port.parse().ok()?), ask))
}

/// Whether a server error is an ACL refusal (the script's own, or a command it calls).
fn is_denial(text: &str) -> bool {
    text.starts_with("NOPERM")
        || text.contains("no permissions")
        || text.contains("can't run this command")
}

/// Renews a lease from its own thread for as long as it lives, and releases it when dropped.
pub struct Keeper {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Keeper {
    /// Starts renewing `lease` every [`RENEW_EVERY`] over connections of its own (`options`), telling
    /// `ui` when it cannot.
    pub fn start(
        lease: Lease,
        options: crate::net::ConnectOptions,
        ui: Arc<dyn Reporter>,
    ) -> Keeper {
        let (stop, stopped) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("rcluster-lease".into())
            .spawn(move || keep(lease, options, ui, stopped));
        Keeper {
            stop: Some(stop),
            thread: thread.ok(),
        }
    }
}

impl Drop for Keeper {
    /// Stops renewing and waits for the lease to be released (a renewal under way, then the
    /// release: each at most [`CALL_BOUND`]).
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The keeper's thread: renew until told to stop (or the sender is gone), then release.
fn keep(
    mut lease: Lease,
    options: crate::net::ConnectOptions,
    ui: Arc<dyn Reporter>,
    stopped: std::sync::mpsc::Receiver<()>,
) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        ui.warn(&format!(
            "cannot start renewing the cluster's lock: it expires in {} s",
            LEASE_TTL.as_secs()
        ));
        return;
    };
    let session = Session::new(options);
    let mut renewal = Renewal::new();
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(RENEW_EVERY) {
        if renewal.lost {
            continue;
        }
        let answer = runtime.block_on(async {
            tokio::time::timeout(CALL_BOUND, lease.call(&session, Step::Take)).await
        });
        let answer = answer.unwrap_or_else(|_| {
            Err(LeaseError::Unavailable {
                reason: "no answer in time".into(),
            })
        });
        if let Some(warning) = renewal.record(answer) {
            ui.warn(&warning);
        }
    }
    if !renewal.lost {
        let _ = runtime.block_on(async {
            tokio::time::timeout(CALL_BOUND, lease.call(&session, Step::Release)).await
        });
    }
}

/// What renewals have seen, and which warning (one each) is due.
struct Renewal {
    last_ok: Instant,
    lapse_warned: bool,
    /// Another run took the lease over (`--break-lock`): stop renewing, never release theirs.
    lost: bool,
}

impl Renewal {
    fn new() -> Renewal {
        Renewal {
            last_ok: Instant::now(),
            lapse_warned: false,
            lost: false,
        }
    }

    /// Notes one renewal's result; the warning to show, if any.
    fn record(&mut self, answer: Result<Answer, LeaseError>) -> Option<String> {
        match answer {
            Ok(Answer::Held { value, .. }) => {
                self.lost = true;
                let holder = Holder::parse(&value).map_or(value, |h| h.describe());
                Some(format!(
                    "the cluster's lock ({LEASE_KEY}) was taken over by {holder} (--break-lock): two runs may now change the cluster at once; check it with `rcluster check` when this one ends"
                ))
            }
            Ok(_) => {
                self.last_ok = Instant::now();
                self.lapse_warned = false;
                None
            }
            Err(error) if self.last_ok.elapsed() >= LEASE_TTL && !self.lapse_warned => {
                self.lapse_warned = true;
                Some(format!(
                    "the cluster's lock could not be renewed for {} s ({error}): it may have expired, so another run could start meanwhile",
                    self.last_ok.elapsed().as_secs()
                ))
            }
            Err(_) => None,
        }
    }
}

/// This host's name (as `hostname` prints it).
pub fn this_host() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into a buffer this function owns.
    let done = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) } == 0;
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    let name = String::from_utf8_lossy(&buffer[..end]).replace(' ', "_");
    if done && !name.is_empty() {
        name
    } else {
        "localhost".into()
    }
}

/// Whether process `pid` exists on this host (one of another user counts).
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 checks existence and permission only; nothing is sent.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// 128 random bits as hex, from the kernel (or, failing that, hashers seeded by it).
fn random_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            hasher.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use redis::Value;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn a_holder_is_read_from_its_value_and_named_with_its_age_and_time_left() {
        let value = "00ff 1700000000000 db-admin-2 4242 rebalance";
        let holder = Holder::parse(value).unwrap();
        assert_eq!(holder.host, "db-admin-2");
        assert_eq!(holder.pid, 4242);
        assert_eq!(holder.command, "rebalance");
        let refusal = LeaseError::held(value, 17_001, 1_700_000_012_500).to_string();
        assert!(
            refusal.contains("`rebalance` by db-admin-2:4242 for 12 s"),
            "{refusal}"
        );
        assert!(refusal.contains("run again after 18 s"), "{refusal}");
        assert!(refusal.contains("--break-lock"), "{refusal}");
        assert!(!refusal.contains('\n'));
        assert_eq!(Holder::parse("written by hand"), None);
        let odd = LeaseError::held("written by hand", 1000, 0).to_string();
        assert!(odd.contains("`written by hand`"), "{odd}");
    }

    #[test]
    fn script_replies_are_read() {
        let reply = |outcome: &str, value: &str, ttl: i64, now: i64| {
            Value::Array(vec![
                bulk(outcome),
                bulk(value),
                Value::Int(ttl),
                Value::Int(now),
            ])
        };
        assert_eq!(
            Answer::parse(&reply("taken", "", 0, 5)),
            Some(Answer::Taken { replaced: None })
        );
        assert_eq!(
            Answer::parse(&reply("taken", "old", 0, 5)),
            Some(Answer::Taken {
                replaced: Some("old".into())
            })
        );
        assert_eq!(
            Answer::parse(&reply("held", "v", 900, 5)),
            Some(Answer::Held {
                value: "v".into(),
                ttl_ms: 900,
                now_ms: 5
            })
        );
        assert_eq!(
            Answer::parse(&reply("renewed", "", 0, 5)),
            Some(Answer::Renewed)
        );
        assert_eq!(Answer::parse(&reply("what", "", 0, 5)), None);
        assert_eq!(Answer::parse(&bulk("OK")), None);
    }

    #[test]
    fn redirects_name_the_node_to_ask() {
        let from = NodeAddress::new("10.0.0.1", 7000);
        assert_eq!(
            redirect("MOVED 3999 10.0.0.2:7001", &from),
            Some((NodeAddress::new("10.0.0.2", 7001), false))
        );
        assert_eq!(
            redirect("ASK 3999 :7002", &from),
            Some((NodeAddress::new("10.0.0.1", 7002), true))
        );
        assert_eq!(
            redirect("ASK 1 [::1]:7003", &from),
            Some((NodeAddress::new("::1", 7003), true))
        );
        assert_eq!(redirect("CLUSTERDOWN Hash slot not served", &from), None);
        assert!(is_denial(
            "NOPERM User r has no permissions to run the 'eval' command"
        ));
        assert!(is_denial(
            "ERR The user executing the script can't run this command or subcommand script: 67, on @user_script:17."
        ));
    }

    #[test]
    fn renewals_warn_once_when_the_lease_may_lapse_and_stop_when_it_is_taken_over() {
        let mut renewal = Renewal::new();
        let down = || {
            Err(LeaseError::Unavailable {
                reason: "down".into(),
            })
        };
        assert_eq!(renewal.record(down()), None, "a lapse is not due yet");
        renewal.last_ok = Instant::now() - LEASE_TTL;
        assert!(renewal.record(down()).unwrap().contains("may have expired"));
        assert_eq!(renewal.record(down()), None, "once");
        assert_eq!(renewal.record(Ok(Answer::Renewed)), None);
        let other = Answer::Held {
            value: "ab 1 h 1 fix".into(),
            ttl_ms: 1,
            now_ms: 1,
        };
        assert!(renewal.record(Ok(other)).unwrap().contains("`fix` by h:1"));
        assert!(renewal.lost);
    }

    #[test]
    fn tokens_differ_and_this_process_is_alive() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 32);
        assert!(process_alive(std::process::id()));
        assert!(!this_host().contains(' '));
    }
}
