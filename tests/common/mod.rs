//! Shared test harness: real `redis-server` clusters started through rcluster's own sandbox (free
//! loopback ports, temp dirs, stopped on drop even when a test panics), the `rcluster` binary, key
//! loading, and output normalisation for snapshots.
#![allow(dead_code)]

use assert_cmd::Command;
use rcluster::net::{ConnectOptions, NodeAddress, Session};
use rcluster::sandbox::{Sandbox, SandboxOptions};
use rcluster::topology::{ClusterView, key_slot, load_cluster_view};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A running test cluster and its temp dir.
pub struct TestCluster {
    pub sandbox: Sandbox,
    pub runtime: tokio::runtime::Runtime,
    session: Arc<Session>,
    _dir: tempfile::TempDir,
}

/// Fails clearly when redis-server is missing (tests never skip).
fn require_server(bin: &str) {
    let found = std::process::Command::new(bin)
        .arg("--version")
        .output()
        .is_ok();
    assert!(
        found,
        "'{bin}' is not installed: run scripts/install-deps.sh (or scripts/test.sh) first"
    );
}

impl TestCluster {
    /// Starts `masters` masters with `replicas` replicas each.
    pub fn start(masters: usize, replicas: usize) -> TestCluster {
        TestCluster::start_with(SandboxOptions {
            masters,
            replicas,
            ..SandboxOptions::default()
        })
    }

    pub fn start_with(mut options: SandboxOptions) -> TestCluster {
        require_server(&options.server_bin);
        let dir = tempfile::tempdir().expect("temp dir");
        options.state_dir = dir.path().to_path_buf();
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let sandbox = runtime
            .block_on(Sandbox::start(&options))
            .expect("start test cluster");
        let session = Arc::new(Session::new(ConnectOptions {
            password: options.password.clone().map(rcluster::net::Secret::new),
            tls: options
                .tls
                .as_ref()
                .map(rcluster::sandbox::SandboxTls::client_options),
            ..ConnectOptions::default()
        }));
        TestCluster {
            sandbox,
            runtime,
            session,
            _dir: dir,
        }
    }

    pub fn seed(&self) -> String {
        self.sandbox.seed().to_string()
    }

    pub fn port(&self, index: usize) -> u16 {
        self.sandbox.nodes[index].port
    }

    /// One session per test cluster, so repeated commands reuse their connections.
    pub fn session(&self) -> Arc<Session> {
        Arc::clone(&self.session)
    }

    pub fn view(&self) -> ClusterView {
        let session = self.session();
        self.runtime
            .block_on(load_cluster_view(&session, &self.sandbox.seed()))
            .expect("load view")
    }

    /// Runs a raw command on the node on `port`.
    pub fn redis(&self, port: u16, args: &[&str]) -> redis::Value {
        let session = self.session();
        self.runtime.block_on(async {
            let mut client = session
                .client(&NodeAddress::new("127.0.0.1", port))
                .await
                .expect("connect");
            client.query::<redis::Value>(args).await.expect("command")
        })
    }

    /// Leaves the first slot of the master on `giver` MIGRATING to the master on `receiver` (an
    /// interrupted move for `fix`); returns the slot.
    pub fn open_slot(&self, giver: u16, receiver: u16) -> u16 {
        let slot = self
            .view()
            .loaded_masters()
            .find(|m| m.address.port == giver)
            .and_then(|m| m.myself().slots.iter().next())
            .expect("the giver owns a slot")
            .number();
        let receiver = self.id(receiver);
        self.redis(
            giver,
            &[
                "CLUSTER",
                "SETSLOT",
                &slot.to_string(),
                "MIGRATING",
                &receiver,
            ],
        );
        slot
    }

    /// The id of the node on `port`.
    pub fn id(&self, port: u16) -> String {
        match self.redis(port, &["CLUSTER", "MYID"]) {
            redis::Value::BulkString(bytes) => String::from_utf8(bytes).unwrap(),
            other => panic!("MYID: {other:?}"),
        }
    }

    /// Writes keys `key:0..count` to the masters owning their slots.
    pub fn write_keys(&self, count: usize) {
        let view = self.view();
        let owner = |key: &str| {
            let slot = key_slot(key.as_bytes());
            view.loaded_masters()
                .find(|m| m.myself().slots.contains(slot))
                .map(|m| m.address.port)
                .expect("slot owner")
        };
        for i in 0..count {
            let key = format!("key:{i}");
            self.redis(owner(&key), &["SET", &key, &format!("value-{i}")]);
        }
    }

    /// Replaces ids and ports with stable names so output can be snapshotted.
    /// Ids come from each node (dead ones: from the seed's table).
    pub fn normalize(&self, text: &str) -> String {
        let mut text = text.to_string();
        let seen_by_seed: std::collections::HashMap<u16, String> = self
            .view()
            .nodes
            .iter()
            .map(|n| (n.address.port, n.id().to_string()))
            .collect();
        for (index, node) in self.sandbox.nodes.iter().enumerate() {
            let id = self
                .try_id(node.port)
                .or_else(|| seen_by_seed.get(&node.port).cloned());
            if let Some(id) = id {
                text = text.replace(&id, &format!("<id{index}>"));
                text = text.replace(&id[..8], &format!("<id{index}>"));
            }
            text = text.replace(&format!(":{}", node.port), &format!(":<port{index}>"));
        }
        sort_node_blocks(&text)
    }

    /// The id of the node on `port`, when it answers.
    pub fn try_id(&self, port: u16) -> Option<String> {
        let session = self.session();
        self.runtime.block_on(async {
            let mut client = session
                .client(&NodeAddress::new("127.0.0.1", port))
                .await
                .ok()?;
            client.query::<String>(&["CLUSTER", "MYID"]).await.ok()
        })
    }
}

/// Nodes after the seed come in the server's hash order: sort the `M:`/`S:` blocks after the first,
/// and the info lines (`... -> N keys | ...`) after the first.
fn sort_node_blocks(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut index = 0;
    let info_line = |line: &str| line.contains(" keys | ");
    if lines.first().is_some_and(|l| info_line(l)) {
        let count = lines.iter().take_while(|l| info_line(l)).count();
        let mut rest: Vec<String> = lines[1..count].iter().map(|l| l.to_string()).collect();
        rest.sort();
        out.push(lines[0].to_string());
        out.extend(rest);
        index = count;
    }
    while index < lines.len() {
        if lines[index].starts_with(">>> Performing Cluster Check") {
            out.push(lines[index].to_string());
            index += 1;
            let mut blocks: Vec<String> = Vec::new();
            while index < lines.len()
                && (lines[index].starts_with("M: ") || lines[index].starts_with("S: "))
            {
                let mut block = vec![lines[index]];
                index += 1;
                while index < lines.len() && lines[index].starts_with("   ") {
                    block.push(lines[index]);
                    index += 1;
                }
                blocks.push(block.join("\n"));
            }
            if !blocks.is_empty() {
                let seed = blocks.remove(0);
                blocks.sort();
                out.push(seed);
                out.extend(blocks);
            }
            continue;
        }
        out.push(lines[index].to_string());
        index += 1;
    }
    out.join("\n") + "\n"
}

/// The cached server binary, or a clear failure saying how to get it.
pub fn cached_server(name: &str) -> String {
    let cache = std::env::var_os("RCLUSTER_SERVER_CACHE")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| std::path::PathBuf::from(h).join(".cache/rcluster/servers"))
        })
        .expect("HOME or RCLUSTER_SERVER_CACHE");
    let path = cache.join("bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run scripts/fetch-servers.sh (scripts/test.sh does)",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

/// The `rcluster` binary with colours off.
pub fn rcluster() -> Command {
    let mut command = Command::cargo_bin("rcluster").expect("binary");
    command.env("NO_COLOR", "1").env_remove("REDISCLI_AUTH");
    command
}

/// The result of a command: exit code, stdout, stderr.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Outcome {
    fn from(output: std::process::Output) -> Outcome {
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// Asserts `outcome` is exit 2 with nothing on stdout and one line on stderr that holds `needle`.
#[track_caller]
pub fn assert_one_line_error(outcome: &Outcome, needle: &str) {
    assert_eq!(outcome.code, 2, "{}{}", outcome.stdout, outcome.stderr);
    assert!(outcome.stdout.is_empty(), "{}", outcome.stdout);
    assert_eq!(
        outcome.stderr.trim().lines().count(),
        1,
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains(needle), "{}", outcome.stderr);
}

/// Exit 2 with exactly one `rcluster: error:` line on stderr (progress lines aside), which contains
/// `needle`.
#[track_caller]
pub fn assert_one_error(outcome: &Outcome, needle: &str) {
    assert_eq!(outcome.code, 2, "{}{}", outcome.stdout, outcome.stderr);
    let errors: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|l| l.starts_with("rcluster: error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", outcome.stderr);
    assert!(errors[0].contains(needle), "{}", outcome.stderr);
}

/// Polls `probe` every 100 ms for up to `seconds`; whether it held.
pub fn eventually(seconds: u64, mut probe: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if probe() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// Runs `rcluster args...` and captures everything.
pub fn run(args: &[&str]) -> Outcome {
    let timeout = std::time::Duration::from_secs(60);
    rcluster()
        .args(args)
        .timeout(timeout)
        .output()
        .expect("run rcluster")
        .into()
}

/// `rcluster reshard SEED --from all --to TARGET --slots SLOTS EXTRA...`.
pub fn reshard_from_all(seed: &str, target: &str, slots: &str, extra: &[&str]) -> Outcome {
    let mut args = vec![
        "reshard", seed, "--from", "all", "--to", target, "--slots", slots,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Runs `redis-cli args...` (the reference) with colours off.
pub fn redis_cli(args: &[&str]) -> Outcome {
    std::process::Command::new("redis-cli")
        .args(args)
        .env("TERM", "dumb")
        .output()
        .expect("redis-cli is not installed: run scripts/install-deps.sh")
        .into()
}

/// The lines scripts grep for: `>>>`, `[OK]`, `[ERR]`, `[WARNING]`.
pub fn signal_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            l.starts_with(">>>")
                || l.starts_with("[OK]")
                || l.starts_with("[ERR]")
                || l.starts_with("[WARNING]")
        })
        .map(str::to_string)
        .collect()
}

impl TestCluster {
    /// Runs a command with binary arguments on the master that owns `key`'s slot.
    pub fn on_owner(&self, key: &[u8], args: &[&[u8]]) {
        self.ask_owner(key, args);
    }

    /// `PTTL key` on the master that owns its slot.
    pub fn pttl(&self, key: &str) -> i64 {
        match self.ask_owner(key.as_bytes(), &[b"PTTL", key.as_bytes()]) {
            redis::Value::Int(ttl) => ttl,
            other => panic!("PTTL {key}: {other:?}"),
        }
    }

    /// Runs a command with binary arguments on the master that owns `key`'s slot; its reply.
    pub fn ask_owner(&self, key: &[u8], args: &[&[u8]]) -> redis::Value {
        let view = self.view();
        let slot = key_slot(key);
        let owner = view
            .loaded_masters()
            .find(|m| m.myself().slots.contains(slot))
            .map(|m| m.address.clone())
            .expect("slot owner");
        let session = self.session();
        self.runtime.block_on(async {
            let mut client = session.client(&owner).await.expect("connect");
            let mut command = redis::cmd(std::str::from_utf8(args[0]).unwrap());
            for arg in &args[1..] {
                command.arg(*arg);
            }
            client
                .run::<redis::Value>(&command, "test command")
                .await
                .expect("command")
        })
    }

    /// Keys of every type, binary names and a few large values, plus `plain` small strings.
    pub fn write_mixed_keys(&self, plain: usize) {
        self.write_keys(plain);
        for i in 0..20 {
            let n = i.to_string();
            self.on_owner(
                format!("hash:{i}").as_bytes(),
                &[
                    b"HSET",
                    format!("hash:{i}").as_bytes(),
                    b"f",
                    n.as_bytes(),
                    b"g",
                    b"x",
                ],
            );
            self.on_owner(
                format!("list:{i}").as_bytes(),
                &[
                    b"RPUSH",
                    format!("list:{i}").as_bytes(),
                    b"a",
                    b"b",
                    n.as_bytes(),
                ],
            );
            self.on_owner(
                format!("set:{i}").as_bytes(),
                &[b"SADD", format!("set:{i}").as_bytes(), b"a", n.as_bytes()],
            );
            self.on_owner(
                format!("zset:{i}").as_bytes(),
                &[
                    b"ZADD",
                    format!("zset:{i}").as_bytes(),
                    b"1",
                    b"a",
                    b"2",
                    n.as_bytes(),
                ],
            );
            self.on_owner(
                format!("stream:{i}").as_bytes(),
                &[
                    b"XADD",
                    format!("stream:{i}").as_bytes(),
                    b"*",
                    b"f",
                    n.as_bytes(),
                ],
            );
            let binary = [b'b', 0, 255, b'\n', b' ', i as u8];
            self.on_owner(&binary, &[b"SET", &binary, &[0, 1, 2, 255]]);
        }
        let large = vec![b'z'; 512 * 1024];
        for i in 0..3 {
            let key = format!("large:{i}");
            self.on_owner(key.as_bytes(), &[b"SET", key.as_bytes(), &large]);
        }
    }

    /// Whether any node shows a slot MIGRATING or IMPORTING in its own table.
    pub fn any_slot_open(&self) -> bool {
        self.view()
            .loaded()
            .any(|n| !n.myself().migrating.is_empty() || !n.myself().importing.is_empty())
    }

    /// Writes `count` keys `k:i` (values `value-of-k:i`), pipelined per owner.
    pub fn write_keys_pipelined(&self, count: usize) {
        self.write_keys_in(0, "k", count);
    }

    /// Writes `count` keys `PREFIX:i` (values `value-of-PREFIX:i`) into database `db`, pipelined
    /// per owner (each pipeline between `SELECT db` and `SELECT 0`).
    pub fn write_keys_in(&self, db: u16, prefix: &str, count: usize) {
        let view = self.view();
        let mut by_owner: std::collections::HashMap<NodeAddress, Vec<String>> =
            std::collections::HashMap::new();
        for i in 0..count {
            let key = format!("{prefix}:{i}");
            let slot = key_slot(key.as_bytes());
            let owner = view
                .loaded_masters()
                .find(|m| m.myself().slots.contains(slot))
                .expect("owner");
            by_owner.entry(owner.address.clone()).or_default().push(key);
        }
        let session = self.session();
        self.runtime.block_on(async {
            for (address, keys) in by_owner {
                let mut client = session.client(&address).await.expect("connect");
                for chunk in keys.chunks(1000) {
                    let mut pipe = redis::pipe();
                    rcluster::net::in_database(&mut pipe, db, |pipe| {
                        for key in chunk {
                            pipe.cmd("SET")
                                .arg(key)
                                .arg(format!("value-of-{key}"))
                                .ignore();
                        }
                    });
                    client.pipeline::<()>(&pipe, "SET").await.expect("set");
                }
            }
        });
    }

    /// Every key of every master with its DUMP payload (for sets, their sorted members: a hashtable
    /// set's DUMP follows its iteration order, which a RESTORE may change), sorted by key: equal before
    /// and after a move means nothing was lost or changed.
    pub fn dump_all(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.dump_db(0)
    }

    /// [`TestCluster::dump_all`] of database `db` (each pipeline between `SELECT db` and `SELECT 0`).
    pub fn dump_db(&self, db: u16) -> Vec<(Vec<u8>, Vec<u8>)> {
        let in_db = |add: &dyn Fn(&mut redis::Pipeline)| {
            let mut pipe = redis::pipe();
            rcluster::net::in_database(&mut pipe, db, |pipe| add(pipe));
            pipe
        };
        let view = self.view();
        let session = self.session();
        let mut all = Vec::new();
        for master in view.loaded_masters() {
            self.runtime.block_on(async {
                let mut client = session.client(&master.address).await.expect("connect");
                let mut cursor = 0u64;
                loop {
                    let scan = in_db(&|pipe| {
                        pipe.cmd("SCAN").arg(cursor).arg("COUNT").arg(1000);
                    });
                    let mut pages: Vec<(u64, Vec<Vec<u8>>)> =
                        client.pipeline(&scan, "SCAN").await.expect("scan");
                    let (next, keys) = pages.remove(0);
                    if keys.is_empty() {
                        if next == 0 {
                            break;
                        }
                        cursor = next;
                        continue;
                    }
                    let kinds = in_db(&|pipe| {
                        for key in &keys {
                            pipe.cmd("TYPE").arg(key);
                        }
                    });
                    let kinds: Vec<String> = client.pipeline(&kinds, "TYPE").await.expect("type");
                    let payloads = in_db(&|pipe| {
                        for (key, kind) in keys.iter().zip(&kinds) {
                            let command = if kind == "set" { "SMEMBERS" } else { "DUMP" };
                            pipe.cmd(command).arg(key);
                        }
                    });
                    let payloads: Vec<redis::Value> =
                        client.pipeline(&payloads, "DUMP").await.expect("dump");
                    for ((key, kind), payload) in keys.into_iter().zip(&kinds).zip(payloads) {
                        let payload: Vec<u8> = if kind == "set" {
                            let mut members: Vec<Vec<u8>> =
                                redis::from_redis_value(payload).expect("smembers");
                            members.sort();
                            members.join(&b"\n"[..])
                        } else {
                            redis::from_redis_value(payload).expect("dump")
                        };
                        all.push((key, payload));
                    }
                    if next == 0 {
                        break;
                    }
                    cursor = next;
                }
            });
        }
        all.sort();
        all
    }
}

/// Asserts two `dump_all` results are equal, naming a few keys that differ instead of printing all.
pub fn assert_same_keys(before: &[(Vec<u8>, Vec<u8>)], after: &[(Vec<u8>, Vec<u8>)]) {
    let name = |key: &[u8]| String::from_utf8_lossy(key).into_owned();
    let old: std::collections::BTreeMap<&[u8], &[u8]> = before
        .iter()
        .map(|(k, v)| (k.as_slice(), v.as_slice()))
        .collect();
    let new: std::collections::BTreeMap<&[u8], &[u8]> = after
        .iter()
        .map(|(k, v)| (k.as_slice(), v.as_slice()))
        .collect();
    let lost: Vec<String> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .take(5)
        .map(|k| name(k))
        .collect();
    let extra: Vec<String> = new
        .keys()
        .filter(|k| !old.contains_key(*k))
        .take(5)
        .map(|k| name(k))
        .collect();
    let changed: Vec<String> = old
        .iter()
        .filter(|(k, v)| new.get(*k).is_some_and(|n| n != *v))
        .take(5)
        .map(|(k, _)| name(k))
        .collect();
    assert!(
        lost.is_empty() && extra.is_empty() && changed.is_empty(),
        "keys differ: {} before, {} after; lost {lost:?}, extra {extra:?}, changed {changed:?}",
        before.len(),
        after.len()
    );
}

/// What a cluster-aware client (redis-rs, following MOVED and ASK) saw while slots moved.
#[derive(Debug, Default)]
pub struct Traffic {
    pub operations: u64,
    pub failures: Vec<String>,
}

/// Writes then reads back `traffic:{n}` keys with a cluster-aware client until `stop` is set.
pub fn client_traffic(seed_port: u16, stop: Arc<AtomicBool>) -> Traffic {
    let client =
        redis::cluster::ClusterClient::new(vec![format!("redis://127.0.0.1:{seed_port}/")])
            .expect("cluster client");
    let mut connection = client.get_connection().expect("cluster connection");
    let mut traffic = Traffic::default();
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let (key, value) = (format!("traffic:{}", n % 5000), format!("value-{n}"));
        let written: redis::RedisResult<()> = redis::cmd("SET")
            .arg(&key)
            .arg(&value)
            .query(&mut connection);
        let read: redis::RedisResult<Option<String>> =
            redis::cmd("GET").arg(&key).query(&mut connection);
        match (written, read) {
            (Ok(()), Ok(Some(found))) if found == value => {}
            (written, read) => traffic
                .failures
                .push(format!("{key}: set {written:?}, get {read:?}")),
        }
        traffic.operations += 2;
        n += 1;
    }
    traffic
}

/// Drains the third master with `rebalance --weight ID=0` (plus `extra` options) while a
/// cluster-aware client writes and reads, and asserts the client saw no failure.
pub fn drain_under_traffic(cluster: &TestCluster, extra: &[&str]) -> Traffic {
    let seed = cluster.seed();
    let drained = cluster.id(cluster.port(2));
    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let (port, stop) = (cluster.port(0), Arc::clone(&stop));
        std::thread::spawn(move || client_traffic(port, stop))
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let weight = format!("{drained}=0");
    let mut args = vec!["rebalance", "--yes", &seed, "--weight", &weight];
    args.extend_from_slice(extra);
    let moved = run(&args);
    stop.store(true, Ordering::SeqCst);
    let traffic = client.join().unwrap();
    eprintln!(
        "client during the rebalance: {} operations, {} failed",
        traffic.operations,
        traffic.failures.len()
    );
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    let slots = cluster
        .view()
        .node_by_id(&drained)
        .unwrap()
        .myself()
        .slots
        .len();
    assert_eq!(slots, 0, "the master is drained");
    assert!(
        traffic.operations > 1000,
        "the client kept working: {traffic:?}"
    );
    assert!(
        traffic.failures.is_empty(),
        "{} of {} operations failed, first: {:?}",
        traffic.failures.len(),
        traffic.operations,
        &traffic.failures[..traffic.failures.len().min(5)]
    );
    traffic
}

/// `text` as one JSON document, or a panic that shows it.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not one JSON document ({e}): {text}"))
}
pub mod scripted;
