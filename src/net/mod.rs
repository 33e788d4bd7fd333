//! The only place that opens connections: node addresses, credentials, TLS, timeouts, and a
//! [`Session`] that hands out one multiplexed connection per node with typed methods on [`NodeClient`].
//!
//! Every call is bounded by the connect timeout (connect + AUTH) and the command timeout (each reply).
//! Errors are typed ([`NetError`]) and never contain the password.

mod address;
mod bound;
mod cluster_section;
mod concurrent;
mod error;
mod hosts;
mod keyspace;
mod ports;
mod replication;
mod sync;
mod tls;
mod zones;

pub use address::{AddressError, NodeAddress};
pub use cluster_section::ClusterSection;
pub use concurrent::concurrently;
use error::first_line;
pub use error::{ConnectHint, Flags, Link, NetError, Transport, server_error_text};
pub use hosts::Machines;
pub use keyspace::{Keyspace, cluster_databases_of, in_database, select};
pub use ports::pick_ports;
pub use replication::{LAG_BOUND_BYTES, ReplicaGap, Replication};
pub use sync::{RawStream, SyncReply, start_sync};
pub use tls::TlsOptions;
pub use zones::Zones;

use redis::aio::MultiplexedConnection;
use redis::{
    AsyncConnectionConfig, Client, ConnectionAddr, IntoConnectionInfo, RedisConnectionInfo,
};
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// A secret that never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// Server settings whose values are secrets: `backup` masks them in config.txt, `doctor` reads them
/// only as set or unset.
pub const SECRET_SETTINGS: &[&str] = &[
    "requirepass",
    "masterauth",
    "primaryauth",
    "tls-key-file-pass",
    "tls-client-key-file-pass",
];

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The secret itself, for the wire only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How to reach and authenticate to every node of the cluster.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub tls: Option<TlsOptions>,
    /// Bound on TCP connect, TLS handshake and AUTH.
    pub connect_timeout: Duration,
    /// Bound on each reply.
    pub command_timeout: Duration,
    /// Whose command-line flags the errors' advice names.
    pub flags: Flags,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            user: None,
            password: None,
            tls: None,
            connect_timeout: Duration::from_secs(2),
            command_timeout: Duration::from_secs(3),
            flags: Flags::Cluster,
        }
    }
}

/// Connections to the cluster's nodes, opened on demand and reused.
pub struct Session {
    options: ConnectOptions,
    connections: Mutex<HashMap<NodeAddress, MultiplexedConnection>>,
}

impl Session {
    pub fn new(options: ConnectOptions) -> Session {
        Session {
            options,
            connections: Mutex::new(HashMap::new()),
        }
    }

    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// A client for `address`, connecting (and authenticating) the first time.
    pub async fn client(&self, address: &NodeAddress) -> Result<NodeClient, NetError> {
        let cached = self.lock().get(address).cloned();
        let connection = match cached {
            Some(connection) => connection,
            None => {
                let connection = self.open_explained(address).await?;
                self.lock().insert(address.clone(), connection.clone());
                connection
            }
        };
        Ok(self.node_client(address, connection))
    }

    /// A connection of its own to `address` (never cached, so never shared) whose selected database
    /// is `db`: for commands that act on the selected database, such as `SCAN` and `MIGRATE` on an
    /// import source, which the rule of `keyspace.rs` (shared connections rest in database 0)
    /// cannot scope to a pipeline.
    pub async fn dedicated_client(
        &self,
        address: &NodeAddress,
        db: u16,
    ) -> Result<NodeClient, NetError> {
        let connection = self.open_explained(address).await?;
        let mut client = self.node_client(address, connection);
        if db != 0 {
            client.run::<()>(&select(db), "SELECT").await?;
        }
        Ok(client)
    }

    fn node_client(&self, address: &NodeAddress, connection: MultiplexedConnection) -> NodeClient {
        NodeClient {
            address: address.clone(),
            connection,
            timeout: self.options.command_timeout,
            transport: Transport::of(&self.options),
        }
    }

    async fn open_explained(
        &self,
        address: &NodeAddress,
    ) -> Result<MultiplexedConnection, NetError> {
        self.open(address)
            .await
            .map_err(|e| Transport::of(&self.options).explain(e))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<NodeAddress, MultiplexedConnection>> {
        self.connections
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn open(&self, address: &NodeAddress) -> Result<MultiplexedConnection, NetError> {
        let options = &self.options;
        let fail = |e: redis::RedisError| {
            NetError::classify(address, "connect", e, options.connect_timeout)
        };
        // AUTH is sent by `authenticate`, not by redis-rs, so that a refusal keeps the server's words.
        let redis_settings = RedisConnectionInfo::default().set_skip_set_lib_name();
        let client = match &options.tls {
            None => {
                let info = ConnectionAddr::Tcp(address.host.clone(), address.port)
                    .into_connection_info()
                    .map_err(fail)?
                    .set_redis_settings(redis_settings);
                Client::open(info).map_err(fail)?
            }
            Some(tls) => {
                tls.client(address, redis_settings)
                    .map_err(|reason| NetError::Connect {
                        address: address.to_string(),
                        reason,
                        hint: ConnectHint::None,
                        flags: options.flags,
                    })?
            }
        };
        let mut config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(options.connect_timeout))
            .set_response_timeout(None);
        if let Some(resolver) = options.tls.as_ref().and_then(|tls| tls.resolver(address)) {
            config = config.set_dns_resolver(resolver);
        }
        let connect = client.get_multiplexed_async_connection_with_config(&config);
        let what = if options.tls.is_some() {
            "TLS connect"
        } else {
            "connect"
        };
        let mut connection = bounded(address, options.connect_timeout, what, connect).await?;
        self.authenticate(address, &mut connection).await?;
        Ok(connection)
    }

    /// `AUTH [user] password` when a password was given; a refusal is [`NetError::Auth`] with the
    /// server's own words (`WRONGPASS invalid username-password pair or user is disabled.`).
    async fn authenticate(
        &self,
        address: &NodeAddress,
        connection: &mut MultiplexedConnection,
    ) -> Result<(), NetError> {
        let options = &self.options;
        let Some(password) = &options.password else {
            return Ok(());
        };
        let mut auth = redis::cmd("AUTH");
        if let Some(user) = &options.user {
            auth.arg(user);
        }
        auth.arg(password.expose());
        let reply = auth.query_async::<()>(connection);
        match tokio::time::timeout(options.connect_timeout, reply).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) if server_error_text(&error).is_none() && error.is_io_error() => {
                Err(NetError::Closed {
                    address: address.to_string(),
                    what: "AUTH".into(),
                    reason: first_line(&error.to_string()),
                    transport: Transport::of(options),
                })
            }
            Ok(Err(error)) => Err(NetError::Auth {
                address: address.to_string(),
                reason: server_error_text(&error).unwrap_or_else(|| first_line(&error.to_string())),
                flags: options.flags,
            }),
            Err(_) => Err(NetError::Timeout {
                address: address.to_string(),
                what: "AUTH".into(),
                timeout_ms: options.connect_timeout.as_millis(),
                flags: options.flags,
            }),
        }
    }
}

/// Awaits `future` for at most `timeout`, turning redis errors and the time-out into [`NetError`].
async fn bounded<T>(
    address: &NodeAddress,
    timeout: Duration,
    what: &str,
    future: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> Result<T, NetError> {
    match tokio::time::timeout(timeout, future).await {
        Ok(result) => result.map_err(|e| NetError::classify(address, what, e, timeout)),
        Err(_) => Err(NetError::Timeout {
            address: address.to_string(),
            what: what.to_string(),
            timeout_ms: timeout.as_millis(),
            flags: Flags::default(),
        }),
    }
}

/// One node's connection with typed commands; cheap to clone.
#[derive(Clone)]
pub struct NodeClient {
    address: NodeAddress,
    connection: MultiplexedConnection,
    timeout: Duration,
    transport: Transport,
}

impl NodeClient {
    pub fn address(&self) -> &NodeAddress {
        &self.address
    }

    /// The same connection with another bound on each reply (for MIGRATE, which waits for the target).
    pub fn with_timeout(mut self, timeout: Duration) -> NodeClient {
        self.timeout = timeout;
        self
    }

    /// Sends a command and returns redis-rs's own result (for callers that classify errors themselves);
    /// a time-out becomes an I/O error.
    pub async fn run_raw(&mut self, command: &redis::Cmd) -> redis::RedisResult<redis::Value> {
        match tokio::time::timeout(
            self.timeout,
            command.query_async::<redis::Value>(&mut self.connection),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out").into()),
        }
    }

    /// Sends a command built by the caller (binary arguments allowed), bounded like every other.
    pub async fn run<T: redis::FromRedisValue>(
        &mut self,
        command: &redis::Cmd,
        what: &str,
    ) -> Result<T, NetError> {
        let future = command.query_async::<T>(&mut self.connection);
        bounded(&self.address, self.timeout, what, future)
            .await
            .map_err(|e| self.transport.explain(e))
    }

    /// Sends a command made of `args` and converts the reply, bounded by the command timeout.
    pub async fn query<T: redis::FromRedisValue>(&mut self, args: &[&str]) -> Result<T, NetError> {
        let mut command = redis::cmd(args[0]);
        for arg in &args[1..] {
            command.arg(*arg);
        }
        let what = args[..args.len().min(2)].join(" ");
        let future = command.query_async::<T>(&mut self.connection);
        bounded(&self.address, self.timeout, &what, future)
            .await
            .map_err(|e| self.transport.explain(e))
    }

    /// Runs `pipe` (one round trip) and converts its replies, bounded by the command timeout.
    pub async fn pipeline<T: redis::FromRedisValue>(
        &mut self,
        pipe: &redis::Pipeline,
        what: &str,
    ) -> Result<T, NetError> {
        let future = pipe.query_async::<T>(&mut self.connection);
        bounded(&self.address, self.timeout, what, future)
            .await
            .map_err(|e| self.transport.explain(e))
    }

    /// Runs `commands` in database `db` as one pipeline (`SELECT db` first and `SELECT 0` last when
    /// `db` is not 0) and returns each command's own result. A refused `SELECT` is an error, so the
    /// replies are never taken for another database's.
    pub async fn pipeline_in(
        &mut self,
        db: u16,
        commands: &[redis::Cmd],
        what: &str,
    ) -> Result<Vec<redis::RedisResult<redis::Value>>, NetError> {
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        if db != 0 {
            pipe.add_command(select(db));
        }
        for command in commands {
            pipe.add_command(command.clone());
        }
        if db != 0 {
            pipe.add_command(select(0)).ignore();
        }
        let mut replies: Vec<redis::RedisResult<redis::Value>> = self.pipeline(&pipe, what).await?;
        if db != 0
            && let Err(error) = replies.remove(0)
        {
            return Err(NetError::Server {
                address: self.address.to_string(),
                message: format!(
                    "SELECT {db}: {}",
                    server_error_text(&error).unwrap_or_else(|| error.to_string())
                ),
            });
        }
        Ok(replies)
    }

    /// [`NodeClient::run_raw`] of one command in database `db`.
    pub async fn run_raw_in(
        &mut self,
        db: u16,
        command: &redis::Cmd,
    ) -> redis::RedisResult<redis::Value> {
        if db == 0 {
            return self.run_raw(command).await;
        }
        let mut pipe = redis::pipe();
        pipe.ignore_errors()
            .add_command(select(db))
            .add_command(command.clone())
            .add_command(select(0))
            .ignore();
        let reply = tokio::time::timeout(
            self.timeout,
            pipe.query_async::<Vec<redis::RedisResult<redis::Value>>>(&mut self.connection),
        )
        .await;
        match reply {
            Ok(Ok(replies)) => {
                let mut replies = replies.into_iter();
                match (replies.next(), replies.next()) {
                    (Some(Err(refused)), _) => Err(refused),
                    (Some(Ok(_)), Some(result)) => result,
                    _ => Err((redis::ErrorKind::UnexpectedReturnType, "missing reply").into()),
                }
            }
            Ok(Err(error)) => Err(error),
            Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out").into()),
        }
    }

    /// Sends `args` verbatim. A server error reply is `Ok(Err(text))`; only I/O problems are `Err`.
    pub async fn command_reply(
        &mut self,
        args: &[String],
    ) -> Result<Result<redis::Value, String>, NetError> {
        self.reply(args, false).await
    }

    /// [`NodeClient::command_reply`] preceded by `ASKING` on the same connection: how a client follows
    /// an `ASK` redirect to the node importing the key's slot.
    pub async fn command_reply_asking(
        &mut self,
        args: &[String],
    ) -> Result<Result<redis::Value, String>, NetError> {
        self.reply(args, true).await
    }

    async fn reply(
        &mut self,
        args: &[String],
        asking: bool,
    ) -> Result<Result<redis::Value, String>, NetError> {
        let Some((name, rest)) = args.split_first() else {
            return Ok(Err("empty command".into()));
        };
        let mut command = redis::cmd(name);
        for arg in rest {
            command.arg(arg.as_bytes());
        }
        let connection = &mut self.connection;
        let future = async move {
            if !asking {
                return command.query_async::<redis::Value>(connection).await;
            }
            let mut pipe = redis::pipe();
            pipe.cmd("ASKING").ignore().add_command(command);
            let (value,): (redis::Value,) = pipe.query_async(connection).await?;
            Ok(value)
        };
        match tokio::time::timeout(self.timeout, future).await {
            Ok(Ok(value)) => Ok(Ok(value)),
            Ok(Err(error)) => match server_error_text(&error) {
                Some(text) => Ok(Err(text)),
                None => Err(self.transport.explain(NetError::classify(
                    &self.address,
                    name,
                    error,
                    self.timeout,
                ))),
            },
            Err(_) => Err(NetError::Timeout {
                address: self.address.to_string(),
                what: name.clone(),
                timeout_ms: self.timeout.as_millis(),
                flags: self.transport.flags,
            }),
        }
    }

    /// `FUNCTION DUMP`: the serialized Redis Functions of the node.
    pub async fn function_dump(&mut self) -> Result<Vec<u8>, NetError> {
        self.query(&["FUNCTION", "DUMP"]).await
    }

    /// `FUNCTION RESTORE payload`.
    pub async fn function_restore(&mut self, payload: &[u8]) -> Result<(), NetError> {
        let mut command = redis::cmd("FUNCTION");
        command.arg("RESTORE").arg(payload);
        let future = command.query_async::<()>(&mut self.connection);
        bounded(&self.address, self.timeout, "FUNCTION RESTORE", future)
            .await
            .map_err(|e| self.transport.explain(e))
    }

    /// The number of function libraries (`FUNCTION LIST`).
    pub async fn function_library_count(&mut self) -> Result<usize, NetError> {
        let libraries: Vec<redis::Value> = self.query(&["FUNCTION", "LIST"]).await?;
        Ok(libraries.len())
    }

    /// `CLUSTER NODES` as text.
    pub async fn cluster_nodes(&mut self) -> Result<String, NetError> {
        self.query(&["CLUSTER", "NODES"]).await
    }

    /// `CLUSTER NODES`, the keys of every database and the replication state (`INFO replication
    /// keyspace`) in one round trip.
    pub async fn cluster_nodes_and_keyspace(
        &mut self,
    ) -> Result<(String, Keyspace, Replication), NetError> {
        let mut pipe = redis::pipe();
        pipe.cmd("CLUSTER")
            .arg("NODES")
            .cmd("INFO")
            .arg("replication")
            .arg("keyspace");
        let (nodes, info): (String, String) = self.pipeline(&pipe, "CLUSTER NODES").await?;
        Ok((nodes, Keyspace::parse(&info), Replication::parse(&info)))
    }

    /// The node's replication state (`INFO replication`).
    pub async fn replication(&mut self) -> Result<Replication, NetError> {
        let info: String = self.query(&["INFO", "replication"]).await?;
        Ok(Replication::parse(&info))
    }

    /// `CLUSTER INFO` as `field -> value`.
    pub async fn cluster_info(&mut self) -> Result<HashMap<String, String>, NetError> {
        let text: String = self.query(&["CLUSTER", "INFO"]).await?;
        Ok(info_fields(&text))
    }

    /// The keys of every database and `ROLE`, in one round trip: what the node holds and what it
    /// says it is.
    pub async fn keyspace_and_role(&mut self) -> Result<(Keyspace, NodeRole), NetError> {
        let mut pipe = redis::pipe();
        pipe.cmd("INFO").arg("keyspace").cmd("ROLE");
        let (info, role): (String, redis::Value) = self.pipeline(&pipe, "ROLE").await?;
        Ok((Keyspace::parse(&info), NodeRole::of(&role)))
    }

    /// The node's keys per database (`INFO keyspace`); [`Keyspace::total`] is every database's.
    pub async fn keyspace(&mut self) -> Result<Keyspace, NetError> {
        let info: String = self.query(&["INFO", "keyspace"]).await?;
        Ok(Keyspace::parse(&info))
    }

    /// How many numbered databases the node serves in cluster mode: Valkey's `cluster-databases`,
    /// 1 where the server has no such setting (Redis serves database 0 only).
    pub async fn cluster_databases(&mut self) -> Result<u16, NetError> {
        let reply: Vec<String> = self.query(&["CONFIG", "GET", "cluster-databases"]).await?;
        Ok(cluster_databases_of(&reply))
    }

    /// The keys of each slot in `slots`, summed over every database that holds keys: one pipeline
    /// (`INFO keyspace` and `COUNTKEYSINSLOT` in database 0), then one per other database listed.
    /// A database empty at the first reply gains no key of a slot that is MIGRATING (a new key is
    /// sent to the importing node), nor of a slot nobody serves; for any other slot the count is a
    /// snapshot, as it always was.
    pub async fn count_keys_in_slots(&mut self, slots: &[u16]) -> Result<Vec<u64>, NetError> {
        let mut pipe = redis::pipe();
        pipe.cmd("INFO").arg("keyspace");
        add_counts(&mut pipe, slots);
        let replies: Vec<redis::Value> = self.pipeline(&pipe, "CLUSTER COUNTKEYSINSLOT").await?;
        let unreadable = || NetError::Protocol {
            address: self.address.to_string(),
            what: "CLUSTER COUNTKEYSINSLOT".into(),
        };
        let Some((info, counts)) = replies.split_first() else {
            return Err(unreadable());
        };
        let info: String = redis::from_redis_value(info.clone()).map_err(|_| unreadable())?;
        let mut counts: Vec<u64> = redis::from_redis_value(redis::Value::Array(counts.to_vec()))
            .map_err(|_| unreadable())?;
        let more = self
            .count_keys_in_databases(&Keyspace::parse(&info).others(), slots)
            .await?;
        for (count, extra) in counts.iter_mut().zip(more) {
            *count += extra;
        }
        Ok(counts)
    }

    /// `COUNTKEYSINSLOT` of each slot summed over `dbs` (one pipeline per database).
    pub async fn count_keys_in_databases(
        &mut self,
        dbs: &[u16],
        slots: &[u16],
    ) -> Result<Vec<u64>, NetError> {
        let mut total = vec![0u64; slots.len()];
        for &db in dbs {
            let counts = self.count_keys_in_database(db, slots).await?;
            for (sum, count) in total.iter_mut().zip(counts) {
                *sum += count;
            }
        }
        Ok(total)
    }

    /// `COUNTKEYSINSLOT` of each slot in database `db` only.
    pub async fn count_keys_in_database(
        &mut self,
        db: u16,
        slots: &[u16],
    ) -> Result<Vec<u64>, NetError> {
        let mut pipe = redis::pipe();
        in_database(&mut pipe, db, |pipe| add_counts(pipe, slots));
        self.pipeline(&pipe, "CLUSTER COUNTKEYSINSLOT").await
    }
}

/// `CLUSTER COUNTKEYSINSLOT` for each slot.
fn add_counts(pipe: &mut redis::Pipeline, slots: &[u16]) {
    for slot in slots {
        pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(*slot);
    }
}

/// What a node says it is (`ROLE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRole {
    Master,
    /// A replica, with the address of the master it follows.
    Replica {
        host: String,
        port: u16,
    },
    /// A reply this client does not know (treated as what the seed says).
    Unknown,
}

impl NodeRole {
    /// Reads `ROLE`'s reply: `master ...`, or `slave HOST PORT ...`.
    pub fn of(reply: &redis::Value) -> NodeRole {
        use redis::Value;
        let text = |value: &Value| match value {
            Value::BulkString(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            Value::SimpleString(text) => Some(text.clone()),
            _ => None,
        };
        let Value::Array(items) = reply else {
            return NodeRole::Unknown;
        };
        match items.first().and_then(text).as_deref() {
            Some("master") => NodeRole::Master,
            Some("slave") | Some("replica") => {
                let host = items.get(1).and_then(text);
                let port = match items.get(2) {
                    Some(Value::Int(port)) => u16::try_from(*port).ok(),
                    Some(other) => text(other).and_then(|p| p.parse().ok()),
                    None => None,
                };
                match (host, port) {
                    (Some(host), Some(port)) => NodeRole::Replica { host, port },
                    _ => NodeRole::Unknown,
                }
            }
            _ => NodeRole::Unknown,
        }
    }
}

/// Every `name:value` line of an `INFO` (or `CLUSTER INFO`) reply, as name → value (section
/// headers and blank lines left out).
pub fn info_fields(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The value of `name` in an `INFO` (or `CLUSTER INFO`) reply: the text after `name:` on its line.
pub fn info_field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|line| line.trim().strip_prefix(name)?.strip_prefix(':'))
}

#[cfg(test)]
mod tests {
    use super::{NodeRole, info_field};
    use redis::Value;

    #[test]
    fn info_fields_are_read_by_their_whole_name() {
        let info = "# Memory\r\nused_memory_human:1.00M\r\nused_memory:1048576\r\nmaxmemory:0\r\n";
        assert_eq!(info_field(info, "used_memory"), Some("1048576"));
        assert_eq!(info_field(info, "maxmemory"), Some("0"));
        assert_eq!(info_field(info, "used_memory_peak"), None);
    }

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn role_replies_read_as_redis_and_valkey_write_them() {
        let master = Value::Array(vec![
            bulk("master"),
            Value::Int(3129659),
            Value::Array(vec![]),
        ]);
        assert_eq!(NodeRole::of(&master), NodeRole::Master);
        let replica = Value::Array(vec![
            bulk("slave"),
            bulk("127.0.0.1"),
            Value::Int(7000),
            bulk("connected"),
            Value::Int(3167038),
        ]);
        assert_eq!(
            NodeRole::of(&replica),
            NodeRole::Replica {
                host: "127.0.0.1".into(),
                port: 7000
            }
        );
        assert_eq!(NodeRole::of(&bulk("sentinel")), NodeRole::Unknown);
        assert_eq!(
            NodeRole::of(&Value::Array(vec![bulk("slave")])),
            NodeRole::Unknown
        );
    }
}
