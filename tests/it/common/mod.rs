//! Shared test harness: real `redis-server` clusters started through rcluster's own sandbox (free
//! loopback ports, temp dirs, stopped on drop even when a test panics), the `rcluster` binary, key
//! loading, and output normalisation for snapshots.

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
        let cluster = TestCluster {
            sandbox,
            runtime,
            session,
            _dir: dir,
        };
        // Every test starts from replicas that hold their master's data (a check, a doctor or a
        // failover right after the start must not meet a first sync still pending; Redis 7.0 sends
        // the first copy 5 s after a replica attaches, repl-diskless-sync-delay).
        if options.replicas > 0 && !options.no_cluster && !options.standalone {
            cluster.wait_replicas_synced();
        }
        cluster
    }

    pub fn seed(&self) -> String {
        self.sandbox.seed().to_string()
    }

    pub fn port(&self, index: usize) -> u16 {
        self.sandbox.nodes[index].port
    }

    /// The address of the node on `port` (its own loopback address with `spread_addresses`).
    pub fn node_address(&self, port: u16) -> NodeAddress {
        self.sandbox
            .nodes
            .iter()
            .find(|n| n.port == port)
            .map(|n| n.address())
            .unwrap_or_else(|| NodeAddress::new("127.0.0.1", port))
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
                .client(&self.node_address(port))
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

    /// Waits until every replica of every master has what its master held at the start of the wait
    /// (see [`TestCluster::wait_replicas_of`]). A test that kills, freezes or fails over a master
    /// calls this after writing its keys and before the fault: Redis 7.0's diskless full sync waits
    /// `repl-diskless-sync-delay` (5 s) before it starts, so a replica promoted sooner holds nothing.
    pub fn wait_replicas_synced(&self) {
        let view = self.view();
        let masters: Vec<u16> = view
            .loaded_masters()
            .filter(|m| view.loaded_replica_count(m.id()) > 0)
            .map(|m| m.address.port)
            .collect();
        for master in masters {
            self.wait_replicas_of(master);
        }
    }

    /// Waits (bounded: 30 s, polled every 50 ms) until each replica of the master on `master` says
    /// `master_link_status:up`, `master_sync_in_progress:0`, follows that master, and has processed
    /// the replication stream up to the master's `master_repl_offset` read when the wait began.
    /// Panics naming the lagging replicas and their offsets; also when the master has no replica.
    pub fn wait_replicas_of(&self, master: u16) {
        let bound = std::time::Duration::from_secs(30);
        let master_id = self.id(master);
        let replicas: Vec<u16> = self
            .view()
            .loaded()
            .filter(|n| n.myself().master_id.as_deref() == Some(master_id.as_str()))
            .map(|n| n.address.port)
            .collect();
        assert!(
            !replicas.is_empty(),
            "the master on port {master} has no replica to wait for"
        );
        let info = self.info_replication(master).unwrap_or_else(|| {
            panic!("INFO replication of the master on port {master} did not answer")
        });
        let target: u64 = rcluster::net::info_field(&info, "master_repl_offset")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no master_repl_offset from port {master}: {info}"));
        let started = std::time::Instant::now();
        let deadline = started + bound;
        loop {
            let lagging: Vec<String> = replicas
                .iter()
                .filter_map(|&replica| self.replica_lag(replica, master, target))
                .collect();
            if lagging.is_empty() {
                eprintln!(
                    "replicas {replicas:?} of port {master} reached offset {target} in {:?}",
                    started.elapsed()
                );
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the replicas of the master on port {master} did not sync within {bound:?} (master_repl_offset {target} when the wait began): {}",
                lagging.join("; ")
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Why the replica on `replica` has not yet caught up with `target` of the master on `master`;
    /// `None` once it has.
    fn replica_lag(&self, replica: u16, master: u16, target: u64) -> Option<String> {
        let Some(info) = self.info_replication(replica) else {
            return Some(format!(
                "127.0.0.1:{replica} does not answer INFO replication"
            ));
        };
        let field = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| rcluster::net::info_field(&info, name))
                .map(str::trim)
                .unwrap_or("?")
                .to_string()
        };
        let link = field(&["master_link_status"]);
        let syncing = field(&["master_sync_in_progress"]);
        let port = field(&["master_port"]);
        // `slave_repl_offset` is what the replica has processed; `master_repl_offset` is the same
        // on a replica, read when a server lacks the first.
        let offset = field(&[
            "slave_repl_offset",
            "replica_repl_offset",
            "master_repl_offset",
        ]);
        let caught_up = offset.parse::<u64>().is_ok_and(|o| o >= target);
        if link == "up" && syncing == "0" && port == master.to_string() && caught_up {
            return None;
        }
        Some(format!(
            "replica 127.0.0.1:{replica}: master_port:{port} master_link_status:{link} master_sync_in_progress:{syncing} offset:{offset} (needs {target})"
        ))
    }

    /// `INFO replication` of the node on `port`, when it answers.
    fn info_replication(&self, port: u16) -> Option<String> {
        let session = self.session();
        self.runtime.block_on(async {
            let mut client = session.client(&self.node_address(port)).await.ok()?;
            client.query::<String>(&["INFO", "replication"]).await.ok()
        })
    }

    /// The id of the node on `port`, when it answers.
    pub fn try_id(&self, port: u16) -> Option<String> {
        let session = self.session();
        self.runtime.block_on(async {
            let mut client = session.client(&self.node_address(port)).await.ok()?;
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
    /// and after a move means nothing was lost or changed. Database 0 only; see `dump_databases`.
    pub fn dump_all(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.dump_db(0)
    }

    /// [`TestCluster::dump_all`] of database `db`.
    pub fn dump_db(&self, db: u16) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut all: Vec<(Vec<u8>, Vec<u8>)> = self
            .held_keys(&[db])
            .into_iter()
            .map(|held| (held.key, held.payload))
            .collect();
        all.sort();
        all
    }

    /// Every key of databases `dbs` on every master, with the master holding it and its payload
    /// (as in `dump_all`). Commands for a database other than 0 go in pipelines that end with
    /// `SELECT 0`, so the shared connections stay in database 0. Each key command follows an
    /// `ASKING`, so a master importing the key's slot answers for it; a master that neither serves
    /// nor imports the slot answers MOVED to any key command, and such a key's payload is
    /// [`NOT_SERVED`] (its name and holder are still exact).
    pub fn held_keys(&self, dbs: &[u16]) -> Vec<HeldKey> {
        let view = self.view();
        let session = self.session();
        let mut all = Vec::new();
        for master in view.loaded_masters() {
            for &db in dbs {
                self.runtime.block_on(async {
                    let mut client = session.client(&master.address).await.expect("connect");
                    let mut cursor = 0u64;
                    loop {
                        let mut scan = redis::pipe();
                        in_db(&mut scan, db, |pipe| {
                            pipe.cmd("SCAN").arg(cursor).arg("COUNT").arg(1000);
                        });
                        let mut replies: Vec<(u64, Vec<Vec<u8>>)> =
                            client.pipeline(&scan, "SCAN").await.expect("scan");
                        let (next, keys) = replies.pop().expect("a SCAN reply");
                        let kinds: Vec<Option<String>> = asking_in_db(
                            &mut client,
                            db,
                            keys.iter().map(|key| {
                                let mut command = redis::cmd("TYPE");
                                command.arg(key);
                                command
                            }),
                        )
                        .await
                        .into_iter()
                        .map(|reply| match reply {
                            Ok(kind) => Some(redis::from_redis_value(kind).expect("TYPE")),
                            Err(e) if e.code() == Some("MOVED") => None,
                            Err(e) => panic!("TYPE in db{db} on {}: {e}", master.address),
                        })
                        .collect();
                        let served: Vec<(&Vec<u8>, &String)> = keys
                            .iter()
                            .zip(&kinds)
                            .filter_map(|(key, kind)| Some((key, kind.as_ref()?)))
                            .collect();
                        let mut payloads = asking_in_db(
                            &mut client,
                            db,
                            served.iter().map(|(key, kind)| {
                                let mut command =
                                    redis::cmd(if *kind == "set" { "SMEMBERS" } else { "DUMP" });
                                command.arg(*key);
                                command
                            }),
                        )
                        .await
                        .into_iter();
                        for (key, kind) in keys.iter().zip(&kinds) {
                            let payload: Vec<u8> = match kind {
                                None => NOT_SERVED.to_vec(),
                                Some(kind) => {
                                    let reply =
                                        payloads.next().expect("a payload").unwrap_or_else(|e| {
                                            panic!(
                                                "DUMP of {} in db{db} on {}: {e}",
                                                String::from_utf8_lossy(key),
                                                master.address
                                            )
                                        });
                                    if kind == "set" {
                                        let mut members: Vec<Vec<u8>> =
                                            redis::from_redis_value(reply).expect("smembers");
                                        members.sort();
                                        members.join(&b"\n"[..])
                                    } else {
                                        redis::from_redis_value(reply).expect("dump")
                                    }
                                }
                            };
                            all.push(HeldKey {
                                db,
                                port: master.address.port,
                                key: key.clone(),
                                payload,
                            });
                        }
                        if next == 0 {
                            break;
                        }
                        cursor = next;
                    }
                });
            }
        }
        all
    }
}

/// The payload `held_keys` records for a key on a master that neither serves nor imports its slot
/// (every key command there is answered MOVED, DUMP included).
pub const NOT_SERVED: &[u8] = b"(held by a master that does not serve its slot)";

/// Runs each of `commands` after an `ASKING` in database `db` of `client`'s node (one pipeline,
/// ending with `SELECT 0` when `db` is not 0); each command's own reply, an error reply included.
/// Panics when a `SELECT` or an `ASKING` is refused, so no reply is read as another database's.
async fn asking_in_db(
    client: &mut rcluster::net::NodeClient,
    db: u16,
    commands: impl Iterator<Item = redis::Cmd>,
) -> Vec<redis::RedisResult<redis::Value>> {
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    if db != 0 {
        pipe.cmd("SELECT").arg(db);
    }
    let mut count = 0;
    for command in commands {
        pipe.cmd("ASKING").add_command(command);
        count += 1;
    }
    if count == 0 {
        return Vec::new();
    }
    if db != 0 {
        pipe.cmd("SELECT").arg(0);
    }
    let mut replies: Vec<redis::RedisResult<redis::Value>> = client
        .pipeline(&pipe, "key commands")
        .await
        .unwrap_or_else(|e| panic!("db{db} on {}: {e}", client.address()));
    if db != 0 {
        let last = replies.pop().expect("SELECT 0");
        let first = replies.remove(0);
        assert!(
            first.is_ok() && last.is_ok(),
            "SELECT {db} / SELECT 0 on {}: {first:?} {last:?}",
            client.address()
        );
    }
    assert_eq!(replies.len(), 2 * count, "one reply per command");
    replies
        .chunks_exact(2)
        .map(|pair| {
            assert!(pair[0].is_ok(), "ASKING: {:?}", pair[0]);
            pair[1].clone()
        })
        .collect()
}

/// One key found on a master by `TestCluster::held_keys`.
#[derive(Debug, Clone)]
pub struct HeldKey {
    pub db: u16,
    /// The port of the master holding it.
    pub port: u16,
    pub key: Vec<u8>,
    /// DUMP, or for a set its sorted members.
    pub payload: Vec<u8>,
}

/// Adds `add`'s commands to `pipe` so that they run in database `db`: between `SELECT db` and
/// `SELECT 0` unless `db` is 0. The harness's own copy (not `rcluster::net::in_database`), so a test
/// does not lean on the code it checks.
fn in_db(pipe: &mut redis::Pipeline, db: u16, add: impl FnOnce(&mut redis::Pipeline)) {
    if db != 0 {
        pipe.cmd("SELECT").arg(db).ignore();
    }
    add(pipe);
    if db != 0 {
        pipe.cmd("SELECT").arg(0).ignore();
    }
}

/// Lost, extra and changed keys between two key lists (a few of each, by name); `None` when equal.
fn key_differences(before: &[(Vec<u8>, Vec<u8>)], after: &[(Vec<u8>, Vec<u8>)]) -> Option<String> {
    let name = |key: &[u8]| String::from_utf8_lossy(key).into_owned();
    let old: std::collections::BTreeMap<&[u8], &[u8]> = before
        .iter()
        .map(|(k, v)| (k.as_slice(), v.as_slice()))
        .collect();
    let new: std::collections::BTreeMap<&[u8], &[u8]> = after
        .iter()
        .map(|(k, v)| (k.as_slice(), v.as_slice()))
        .collect();
    let lost: Vec<&&[u8]> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let extra: Vec<&&[u8]> = new.keys().filter(|k| !old.contains_key(*k)).collect();
    let changed: Vec<&&[u8]> = old
        .iter()
        .filter(|(k, v)| new.get(*k).is_some_and(|n| n != *v))
        .map(|(k, _)| k)
        .collect();
    if lost.is_empty() && extra.is_empty() && changed.is_empty() {
        return None;
    }
    let few = |keys: &[&&[u8]]| -> Vec<String> { keys.iter().take(5).map(|k| name(k)).collect() };
    Some(format!(
        "{} before, {} after; lost {} {:?}, extra {} {:?}, changed {} {:?}",
        before.len(),
        after.len(),
        lost.len(),
        few(&lost),
        extra.len(),
        few(&extra),
        changed.len(),
        few(&changed)
    ))
}

/// Asserts two `dump_all` results are equal, naming a few keys that differ instead of printing all.
#[track_caller]
pub fn assert_same_keys(before: &[(Vec<u8>, Vec<u8>)], after: &[(Vec<u8>, Vec<u8>)]) {
    if let Some(difference) = key_differences(before, after) {
        panic!("keys differ: {difference}");
    }
}

/// Every database a `TestCluster::valkey_databases(.., 4)` serves.
pub const FOUR_DATABASES: [u16; 4] = [0, 1, 2, 3];

/// Key `i` of database `db` written by `write_keys_in_databases`: its name and the command that
/// writes it. Every tenth name (`same:{i}`) is the same in every database, with a value that names
/// the database, so a key moved into the wrong database shows as changed; the others are
/// `db{db}:key:{i}`, strings, hashes, lists and sorted sets in turn.
pub fn database_key(db: u16, i: usize) -> (String, Vec<String>) {
    let tag = format!("db{db}");
    let n = i.to_string();
    if i.is_multiple_of(10) {
        let key = format!("same:{i}");
        let command = vec!["SET".into(), key.clone(), format!("{tag}-same-{i}")];
        return (key, command);
    }
    let key = format!("{tag}:key:{i}");
    let command: Vec<String> = match i % 5 {
        1 => ["HSET", &key, "f", &tag, "g", &n]
            .map(String::from)
            .to_vec(),
        2 => ["RPUSH", &key, "a", &tag, &n].map(String::from).to_vec(),
        3 => ["ZADD", &key, "1", &tag, "2", &n]
            .map(String::from)
            .to_vec(),
        _ => vec!["SET".into(), key.clone(), format!("{tag}-value-{i}")],
    };
    (key, command)
}

impl TestCluster {
    /// `masters` Valkey 9.1 masters with `replicas` replicas each, serving `databases` databases in
    /// cluster mode (`--cluster-databases`).
    pub fn valkey_databases(masters: usize, replicas: usize, databases: u16) -> TestCluster {
        TestCluster::start_with(SandboxOptions {
            masters,
            replicas,
            databases,
            server_bin: cached_server("valkey-server-9.1"),
            ..SandboxOptions::default()
        })
    }

    /// The port of the master that owns `slot`, as the seed's view says.
    pub fn owner_of(&self, slot: u16) -> u16 {
        let slot = rcluster::topology::Slot::new(u64::from(slot)).expect("a slot");
        self.view()
            .loaded_masters()
            .find(|m| m.myself().slots.contains(slot))
            .map(|m| m.address.port)
            .unwrap_or_else(|| panic!("no master owns slot {}", slot.number()))
    }

    /// Writes `per_db` keys (`database_key(db, 0..per_db)`) into each database of `dbs`, each on the
    /// master owning its slot, pipelined per master and database.
    pub fn write_keys_in_databases(&self, per_db: usize, dbs: &[u16]) {
        let view = self.view();
        for &db in dbs {
            let mut by_owner: std::collections::BTreeMap<u16, Vec<Vec<String>>> =
                std::collections::BTreeMap::new();
            for i in 0..per_db {
                let (key, command) = database_key(db, i);
                let slot = key_slot(key.as_bytes());
                let owner = view
                    .loaded_masters()
                    .find(|m| m.myself().slots.contains(slot))
                    .map(|m| m.address.port)
                    .expect("slot owner");
                by_owner.entry(owner).or_default().push(command);
            }
            for (port, commands) in by_owner {
                for chunk in commands.chunks(500) {
                    self.redis_in_db_many(port, db, chunk);
                }
            }
        }
    }

    /// Runs one command in database `db` of the node on `port` (in a pipeline that ends with
    /// `SELECT 0`); its reply. Panics on an error reply.
    pub fn redis_in_db(&self, port: u16, db: u16, args: &[&str]) -> redis::Value {
        let command: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        self.redis_in_db_many(port, db, &[command])
            .pop()
            .expect("a reply")
    }

    /// Runs `commands` in database `db` of the node on `port`, in one pipeline that ends with
    /// `SELECT 0`; their replies. Panics on an error reply.
    pub fn redis_in_db_many(
        &self,
        port: u16,
        db: u16,
        commands: &[Vec<String>],
    ) -> Vec<redis::Value> {
        let session = self.session();
        self.runtime.block_on(async {
            let mut client = session
                .client(&self.node_address(port))
                .await
                .expect("connect");
            let mut pipe = redis::pipe();
            in_db(&mut pipe, db, |pipe| {
                for command in commands {
                    let mut cmd = redis::cmd(&command[0]);
                    for arg in &command[1..] {
                        cmd.arg(arg);
                    }
                    pipe.add_command(cmd);
                }
            });
            client
                .pipeline::<Vec<redis::Value>>(&pipe, "test commands")
                .await
                .unwrap_or_else(|e| panic!("db{db} on port {port}: {commands:?}: {e}"))
        })
    }

    /// The keys of `slot` in database `db` of the node on `port` (`CLUSTER COUNTKEYSINSLOT`).
    pub fn count_in_db(&self, port: u16, db: u16, slot: u16) -> i64 {
        match self.redis_in_db(port, db, &["CLUSTER", "COUNTKEYSINSLOT", &slot.to_string()]) {
            redis::Value::Int(n) => n,
            other => panic!("COUNTKEYSINSLOT: {other:?}"),
        }
    }

    /// Per database of `dbs`, every key of every master with its payload (as `dump_all`), sorted;
    /// a key held by two masters appears twice. Compare with `assert_same_databases`.
    pub fn dump_databases(&self, dbs: &[u16]) -> Databases {
        let mut all: Databases = dbs.iter().map(|&db| (db, Vec::new())).collect();
        for held in self.held_keys(dbs) {
            all.entry(held.db)
                .or_default()
                .push((held.key, held.payload));
        }
        for keys in all.values_mut() {
            keys.sort();
        }
        all
    }

    /// Asserts that every key of databases `dbs` is on the master that owns its slot (one a client
    /// reaches without a redirection), naming a few that are not.
    #[track_caller]
    pub fn assert_keys_on_owners(&self, dbs: &[u16]) {
        let view = self.view();
        let owner = |key: &[u8]| {
            let slot = key_slot(key);
            view.loaded_masters()
                .find(|m| m.myself().slots.contains(slot))
                .map(|m| m.address.port)
        };
        let misplaced: Vec<String> = self
            .held_keys(dbs)
            .iter()
            .filter(|held| owner(&held.key) != Some(held.port))
            .map(|held| {
                format!(
                    "db{} {} on port {} (slot {} owned by {:?})",
                    held.db,
                    String::from_utf8_lossy(&held.key),
                    held.port,
                    key_slot(&held.key).number(),
                    owner(&held.key)
                )
            })
            .collect();
        assert!(
            misplaced.is_empty(),
            "{} keys are not on their slot's owner, e.g. {:?}",
            misplaced.len(),
            &misplaced[..misplaced.len().min(5)]
        );
    }
}

/// Per database, its keys and payloads (`TestCluster::dump_databases`).
pub type Databases = std::collections::BTreeMap<u16, Vec<(Vec<u8>, Vec<u8>)>>;

/// Asserts two `dump_databases` results are equal database by database: the same number of keys
/// (a key on two masters counts twice), none lost, added or changed. Names, per database, what
/// differs.
#[track_caller]
pub fn assert_same_databases(before: &Databases, after: &Databases) {
    let empty = Vec::new();
    let dbs: std::collections::BTreeSet<u16> = before.keys().chain(after.keys()).copied().collect();
    let mut problems = Vec::new();
    for db in dbs {
        let old = before.get(&db).unwrap_or(&empty);
        let new = after.get(&db).unwrap_or(&empty);
        let mut twice: Vec<String> = new
            .windows(2)
            .filter(|pair| pair[0].0 == pair[1].0)
            .map(|pair| String::from_utf8_lossy(&pair[0].0).into_owned())
            .collect();
        twice.dedup();
        if let Some(difference) = key_differences(old, new) {
            problems.push(format!("db{db}: {difference}"));
        } else if old.len() != new.len() || !twice.is_empty() {
            problems.push(format!(
                "db{db}: {} keys before, {} after; held by two masters: {} {:?}",
                old.len(),
                new.len(),
                twice.len(),
                &twice[..twice.len().min(5)]
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "keys differ in {} database(s):\n{}",
        problems.len(),
        problems.join("\n")
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
/// The port of the master that owns `slot`.
pub fn owner_port(cluster: &TestCluster, slot: u16) -> u16 {
    let slot = rcluster::topology::Slot::new(u64::from(slot)).unwrap();
    cluster
        .view()
        .loaded_masters()
        .find(|m| m.myself().slots.contains(slot))
        .map(|m| m.address.port)
        .expect("an owner")
}

/// Writes `count` keys into `slot` (names `{tag}:i` with a tag that hashes there) on its owner.
pub fn fill_slot(cluster: &TestCluster, slot: u16, count: usize) {
    let tag = (0u64..)
        .map(|n| format!("t{n}"))
        .find(|t| rcluster::topology::key_slot(t.as_bytes()).number() == slot)
        .unwrap();
    let port = owner_port(cluster, slot);
    for i in 0..count {
        cluster.redis(port, &["SET", &format!("{{{tag}}}:{i}"), &format!("v{i}")]);
    }
}

/// The first `n` slots the master on `port` owns.
pub fn slots_of(cluster: &TestCluster, port: u16, n: usize) -> Vec<u16> {
    let view = cluster.view();
    let node = view.loaded().find(|m| m.address.port == port).unwrap();
    node.myself()
        .slots
        .iter()
        .take(n)
        .map(|s| s.number())
        .collect()
}

pub mod scripted;
