//! Local throwaway clusters: start `redis-server` (or `valkey-server`) processes in cluster mode on
//! loopback, form the cluster with `create`'s own code path, and stop exactly the processes started.
//!
//! One implementation for `rcluster local up|down|status` and for the integration tests: a
//! [`Sandbox`] stops its nodes when dropped (also when a test panics) unless [`Sandbox::detach`]ed;
//! ports are picked free (server and bus port) so tests run in parallel.

use crate::exec::create::{apply_create, inspect_new_nodes, placement_nodes};
use crate::net::{ConnectOptions, NodeAddress, Secret, Session, TlsOptions};
use crate::plan::create::plan_create;
use anyhow::{Context as _, anyhow, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to start.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub masters: usize,
    /// Replicas per master.
    pub replicas: usize,
    /// First port; `None` picks free ports.
    pub base_port: Option<u16>,
    pub state_dir: PathBuf,
    pub server_bin: String,
    pub node_timeout_ms: u64,
    /// `requirepass` / `masterauth` for every node.
    pub password: Option<String>,
    /// Start the nodes but do not form a cluster.
    pub no_cluster: bool,
    /// Start plain servers with `cluster-enabled no` (implies `no_cluster`).
    pub standalone: bool,
    /// Serve TLS only (clients and cluster bus) with these PEM files.
    pub tls: Option<SandboxTls>,
    /// `cluster-databases` of every node when above 1 (Valkey 9 or later).
    pub databases: u16,
    /// `enable-debug-command local`: tests that hold the cluster bus still
    /// (`DEBUG DROP-CLUSTER-PACKET-FILTER`) need it.
    pub debug_command: bool,
    /// Node i binds, announces and connects out from its own loopback address (127.0.0.2,
    /// 127.0.0.3, ...) instead of all sharing 127.0.0.1, so firewall rules can cut one node off
    /// (`failover --drill --partition`).
    pub spread_addresses: bool,
}

/// The most nodes `--spread-addresses` places (127.0.0.2 to 127.0.0.199; the drill's own client
/// takes an address from 127.0.0.200 up).
pub const MAX_SPREAD_NODES: usize = 198;

/// The loopback address of node `index` with `--spread-addresses`.
pub fn spread_address(index: usize) -> String {
    format!("127.0.0.{}", index + 2)
}

/// Certificate files for a TLS sandbox.
#[derive(Debug, Clone)]
pub struct SandboxTls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
    /// `tls-auth-clients yes`: every client (the sandbox itself with `cert`/`key`) shows a
    /// certificate signed by `ca`.
    pub auth_clients: bool,
}

impl SandboxTls {
    /// How a client reaches these nodes: trusting `ca`, with `cert`/`key` when clients must show one.
    pub fn client_options(&self) -> TlsOptions {
        let (cert, key) = if self.auth_clients {
            (Some(self.cert.clone()), Some(self.key.clone()))
        } else {
            (None, None)
        };
        TlsOptions {
            cacert: Some(self.ca.clone()),
            cert,
            key,
            ..TlsOptions::default()
        }
    }
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            masters: 3,
            replicas: 0,
            base_port: None,
            state_dir: default_state_dir(),
            server_bin: "redis-server".into(),
            node_timeout_ms: 2000,
            password: None,
            no_cluster: false,
            standalone: false,
            tls: None,
            databases: 1,
            debug_command: false,
            spread_addresses: false,
        }
    }
}

pub use crate::net::pick_ports;

/// `$XDG_STATE_HOME/rcluster/local` or `~/.local/state/rcluster/local`.
pub fn default_state_dir() -> PathBuf {
    crate::exec::state_dir().join("local")
}

/// One started server.
#[derive(Debug, Clone)]
pub struct SandboxNode {
    /// The address it binds (127.0.0.1, or its own with `spread_addresses`).
    pub host: String,
    pub port: u16,
    pub pid: u32,
    pub dir: PathBuf,
}

impl SandboxNode {
    pub fn address(&self) -> NodeAddress {
        NodeAddress::new(&self.host, self.port)
    }
}

/// Running nodes; stopped on drop unless detached.
#[derive(Debug)]
pub struct Sandbox {
    pub state_dir: PathBuf,
    pub nodes: Vec<SandboxNode>,
    detached: bool,
}

impl Sandbox {
    /// Starts the nodes and, unless `no_cluster`, forms the cluster and waits until it is healthy.
    pub async fn start(options: &SandboxOptions) -> anyhow::Result<Sandbox> {
        let count = options.masters * (1 + options.replicas);
        if count == 0 {
            bail!("nothing to start: --masters must be at least 1");
        }
        if options.spread_addresses && count > MAX_SPREAD_NODES {
            bail!(
                "--spread-addresses places at most {MAX_SPREAD_NODES} nodes (127.0.0.2 to 127.0.0.199), not {count}"
            );
        }
        std::fs::create_dir_all(&options.state_dir)
            .with_context(|| format!("cannot create {}", options.state_dir.display()))?;
        let mut sandbox = Sandbox {
            state_dir: options.state_dir.clone(),
            nodes: Vec::new(),
            detached: false,
        };
        let ports = pick_ports(options.base_port, count)?;
        for (index, port) in ports.into_iter().enumerate() {
            let host = if options.spread_addresses {
                spread_address(index)
            } else {
                "127.0.0.1".to_string()
            };
            sandbox.nodes.push(start_node(options, &host, port)?);
        }
        let session = Arc::new(Session::new(connect_options(options)));
        for node in &sandbox.nodes {
            wait_until_serving(&session, node).await?;
        }
        if !options.no_cluster && !options.standalone {
            form_cluster(&session, options, &sandbox.nodes).await?;
        }
        Ok(sandbox)
    }

    /// The first node's address.
    pub fn seed(&self) -> NodeAddress {
        self.nodes[0].address()
    }

    /// Keeps the nodes running after this value is dropped (for `local up`).
    pub fn detach(mut self) {
        self.detached = true;
    }

    /// Sends `signal` (e.g. `libc::SIGSTOP`) to the node on `port`.
    pub fn signal(&self, port: u16, signal: i32) -> anyhow::Result<()> {
        let node = self
            .nodes
            .iter()
            .find(|n| n.port == port)
            .ok_or_else(|| anyhow!("no sandbox node on port {port}"))?;
        send_signal(node.pid, signal)
    }

    /// Stops every node (SIGCONT first, in case one was stopped) and waits for them to exit.
    pub fn stop(&mut self) {
        for node in &self.nodes {
            let _ = send_signal(node.pid, libc::SIGCONT);
            let _ = send_signal(node.pid, libc::SIGKILL);
        }
        for node in &self.nodes {
            wait_for_exit(node.pid, Duration::from_secs(5));
            let _ = std::fs::remove_file(node.dir.join("pid"));
        }
        self.nodes.clear();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !self.detached {
            self.stop();
        }
    }
}

fn connect_options(options: &SandboxOptions) -> ConnectOptions {
    ConnectOptions {
        password: options.password.clone().map(Secret::new),
        tls: options.tls.as_ref().map(SandboxTls::client_options),
        command_timeout: Duration::from_secs(5),
        ..ConnectOptions::default()
    }
}

/// `value` as a double-quoted config value the server reads back byte for byte (`\\`, `\"` and
/// `\xHH` for anything not printable).
fn quote_config_value(value: &str) -> String {
    let mut quoted = String::from("\"");
    for byte in value.bytes() {
        match byte {
            b'"' | b'\\' => {
                quoted.push('\\');
                quoted.push(byte as char);
            }
            b' '..=b'~' => quoted.push(byte as char),
            _ => quoted.push_str(&format!("\\x{byte:02x}")),
        }
    }
    quoted.push('"');
    quoted
}

fn start_node(options: &SandboxOptions, host: &str, port: u16) -> anyhow::Result<SandboxNode> {
    let dir = options.state_dir.join(port.to_string());
    // A fresh node every time: an old nodes.conf would bring back an old cluster.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let log = std::fs::File::create(dir.join("node.log"))?;
    // A config file so that CONFIG REWRITE works as in production. It holds the password (owner-only),
    // which as an argument would show in `ps`; every other setting is an argument.
    let config = dir.join("node.conf");
    let secrets = match &options.password {
        Some(password) => {
            let quoted = quote_config_value(password);
            format!("requirepass {quoted}\nmasterauth {quoted}\n")
        }
        None => String::new(),
    };
    crate::exec::private::write(&config, secrets.as_bytes())?;
    let mut command = Command::new(&options.server_bin);
    command
        .arg(&config)
        .args(["--port", &port.to_string(), "--bind", host])
        .args([
            "--cluster-enabled",
            if options.standalone { "no" } else { "yes" },
        ])
        .args([
            "--cluster-config-file",
            "nodes.conf",
            "--daemonize",
            "no",
            "--save",
            "",
        ])
        .args([
            "--appendonly",
            "no",
            "--protected-mode",
            "no",
            "--loglevel",
            "warning",
        ])
        .args([
            "--cluster-node-timeout",
            &options.node_timeout_ms.to_string(),
        ])
        .arg("--dir")
        .arg(&dir);
    if options.debug_command {
        command.args(["--enable-debug-command", "local"]);
    }
    if options.spread_addresses {
        // Announced, so the cluster's tables name it; and the source of its own connections (bus
        // and replication), so rules between addresses cut both directions (without it Linux
        // sends them from 127.0.0.1).
        command.args(["--cluster-announce-ip", host, "--bind-source-addr", host]);
    }
    if options.databases > 1 && !options.standalone {
        command.args(["--cluster-databases", &options.databases.to_string()]);
    }
    if let Some(tls) = &options.tls {
        command
            .args([
                "--port",
                "0",
                "--tls-port",
                &port.to_string(),
                "--tls-cluster",
                "yes",
            ])
            .args(["--tls-replication", "yes", "--tls-auth-clients"])
            .arg(if tls.auth_clients { "yes" } else { "no" })
            .arg("--tls-cert-file")
            .arg(&tls.cert)
            .arg("--tls-key-file")
            .arg(&tls.key)
            .arg("--tls-ca-cert-file")
            .arg(&tls.ca);
    }
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| {
            format!(
                "cannot start '{}': is it installed? (scripts/install-deps.sh installs redis-server; --server-bin picks another binary)",
                options.server_bin
            )
        })?;
    std::fs::write(dir.join("pid"), child.id().to_string())?;
    Ok(SandboxNode {
        host: host.to_string(),
        port,
        pid: child.id(),
        dir,
    })
}

/// Polls PING every 10 ms until the node answers (at most 10 s).
async fn wait_until_serving(session: &Session, node: &SandboxNode) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answered = async {
            let mut client = session.client(&node.address()).await?;
            client.query::<String>(&["PING"]).await
        }
        .await;
        match answered {
            Ok(_) => return Ok(()),
            Err(error) if Instant::now() > deadline || !process_alive(node.pid) => {
                let log = std::fs::read_to_string(node.dir.join("node.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(3).collect();
                bail!(
                    "node on port {} did not start: {error}; its log ends: {}",
                    node.port,
                    tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
                );
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Forms the cluster through `create`'s own path: inspect, plan, apply (which waits until healthy).
async fn form_cluster(
    session: &Arc<Session>,
    options: &SandboxOptions,
    nodes: &[SandboxNode],
) -> anyhow::Result<()> {
    let addresses: Vec<NodeAddress> = nodes.iter().map(SandboxNode::address).collect();
    let new_nodes = inspect_new_nodes(session, &addresses).await?;
    let plan = plan_create(&placement_nodes(&new_nodes, |_| None), options.replicas)?;
    let deadline = Duration::from_secs(30 + nodes.len() as u64 / 2);
    apply_create(session, &new_nodes, &plan, deadline).await?;
    Ok(())
}

fn send_signal(pid: u32, signal: i32) -> anyhow::Result<()> {
    let pid = i32::try_from(pid).context("bad pid")?;
    // SAFETY: kill(2) has no memory-safety preconditions.
    if unsafe { libc::kill(pid, signal) } != 0 {
        bail!(
            "cannot signal process {pid}: {}",
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

fn process_alive(pid: u32) -> bool {
    // A zombie counts as gone.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty()
        && stat
            .split_whitespace()
            .nth(2)
            .is_none_or(|state| state != "Z")
}

fn wait_for_exit(pid: u32, limit: Duration) {
    let deadline = Instant::now() + limit;
    while process_alive(pid) && Instant::now() < deadline {
        // Reap it if it is our child; ignore errors for processes that are not.
        // SAFETY: waitpid with WNOHANG on a pid has no memory-safety preconditions.
        unsafe {
            libc::waitpid(pid as i32, std::ptr::null_mut(), libc::WNOHANG);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A node recorded in a state directory by `local up`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordedNode {
    pub port: u16,
    pub pid: u32,
    /// The recorded process is still this node's server.
    pub running: bool,
}

/// The nodes recorded under `state_dir` (one folder per port with a `pid` file), by port.
pub fn recorded_nodes(state_dir: &Path) -> Vec<RecordedNode> {
    let mut nodes: Vec<RecordedNode> = std::fs::read_dir(state_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let port: u16 = entry.file_name().to_str()?.parse().ok()?;
            let pid: u32 = std::fs::read_to_string(entry.path().join("pid"))
                .ok()?
                .trim()
                .parse()
                .ok()?;
            Some(RecordedNode {
                port,
                pid,
                running: is_our_server(pid, port),
            })
        })
        .collect();
    nodes.sort_by_key(|n| n.port);
    nodes
}

/// The process `pid` is alive and is a server listening on `port` (its title names `:port`).
fn is_our_server(pid: u32, port: u16) -> bool {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    process_alive(pid)
        && (cmdline.contains(&format!(":{port}")) || cmdline.contains(&format!("--port {port}")))
}

/// Stops the nodes recorded under `state_dir` (only processes that are still those servers) and
/// removes their pid files. Returns the ports stopped.
pub fn stop_recorded(state_dir: &Path) -> Vec<u16> {
    let nodes = recorded_nodes(state_dir);
    for node in nodes.iter().filter(|n| n.running) {
        let _ = send_signal(node.pid, libc::SIGCONT);
        let _ = send_signal(node.pid, libc::SIGTERM);
    }
    let mut stopped = Vec::new();
    for node in &nodes {
        if node.running {
            wait_for_exit(node.pid, Duration::from_secs(5));
            if process_alive(node.pid) {
                let _ = send_signal(node.pid, libc::SIGKILL);
                wait_for_exit(node.pid, Duration::from_secs(2));
            }
            stopped.push(node.port);
        }
        let _ = std::fs::remove_file(state_dir.join(node.port.to_string()).join("pid"));
    }
    stopped
}
