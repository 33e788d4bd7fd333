//! `rcluster backup HOST:PORT DIR`: an RDB snapshot of every master (fetched with `SYNC`, all masters
//! at once) and `nodes.json` describing the cluster, as redis-cli writes them:
//! `DIR/redis-node-<host>-<port>-<id>.rdb` and `DIR/nodes.json`.
//!
//! `SYNC` is the replication handshake, so this module speaks it on a raw stream (TCP, or TLS with the
//! cluster's settings): the reply is `$<length>\r\n` (after newlines the master sends while its BGSAVE
//! runs) and then the RDB itself; the connection is closed once the RDB is read.

use super::{Context, check::check_view};
use crate::error::UsageError;
use crate::net::{NodeAddress, concurrently};
use crate::report::Outcome;
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// What `backup` is asked to do, validated (built by `crate::cli::args::backup`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// An existing folder.
    pub dir: PathBuf,
    pub snapshot_timeout: Duration,
}

/// One node in nodes.json, with redis-cli's field names.
#[derive(Serialize)]
struct NodeRecord {
    name: String,
    host: String,
    port: u16,
    replicate: Option<String>,
    slots: Vec<Vec<u16>>,
    slots_count: usize,
    flags: String,
    /// redis-cli's name for the config epoch column.
    current_epoch: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_errors: Option<usize>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    migrating: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    importing: BTreeMap<String, String>,
}

/// Runs `backup`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    if !options.dir.is_dir() {
        let folder = options.dir.display();
        return Err(UsageError(format!("{folder} is not a folder: create it first")).into());
    }
    let seed = options.seed.clone();
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, false).await?;
    context
        .ui
        .section(&crate::commands::check::CheckSection::new(&report));
    let errors = (!report.is_clean_for_redis_cli()).then(|| {
        let redis_cli_findings = report
            .findings
            .iter()
            .filter(|f| f.kind.is_redis_cli_check());
        redis_cli_findings.count()
    });
    let saved = save_rdbs(context, options, &view).await;
    let nodes_path = options.dir.join("nodes.json");
    write_nodes_json(&view, errors, &nodes_path)?;
    Ok(report_backup(options, saved, errors.is_some(), &nodes_path))
}

/// One master's snapshot: where it went and its size, or why it failed.
type Saved = (NodeAddress, PathBuf, Result<u64, String>);

/// Every master's RDB, all at once, each bounded by `--snapshot-timeout`.
async fn save_rdbs(context: &Context, options: &Options, view: &ClusterView) -> Vec<Saved> {
    let masters: Vec<&NodeView> = view.loaded_masters().collect();
    for master in &masters {
        context
            .ui
            .step(&format!("Node {} -> Saving RDB...", master.address));
    }
    let work: Vec<(NodeAddress, PathBuf)> = masters
        .iter()
        .map(|m| (m.address.clone(), options.dir.join(rdb_name(m))))
        .collect();
    let limit = options.snapshot_timeout;
    concurrently(work, |(address, path)| {
        let connect = context.session.options().clone();
        async move {
            let saved = tokio::time::timeout(limit, fetch_rdb(&address, &connect, &path)).await;
            let saved = saved.unwrap_or_else(|_| Err(format!("no snapshot within {limit:?}")));
            (address, path, saved)
        }
    })
    .await
}

/// What `backup` reports: every master's file, and the topology file.
#[derive(Debug, Serialize)]
pub struct BackupReport {
    pub files: Vec<BackupFile>,
    /// `nodes.json`, redis-cli's record of the topology.
    pub nodes: PathBuf,
    pub dir: PathBuf,
    /// The cluster had problems when it was saved.
    pub problems: bool,
}

/// One master's snapshot.
#[derive(Debug, Serialize)]
pub struct BackupFile {
    pub address: String,
    pub file: PathBuf,
    /// Bytes written, or `null` with `error`.
    pub bytes: Option<u64>,
    pub error: Option<String>,
}

impl BackupReport {
    pub fn failed(&self) -> bool {
        self.files.iter().any(|f| f.error.is_some())
    }
}

/// The report and the exit status.
fn report_backup(
    options: &Options,
    saved: Vec<Saved>,
    problems: bool,
    nodes_path: &Path,
) -> Outcome {
    let files = saved
        .into_iter()
        .map(|(address, file, result)| BackupFile {
            address: address.to_string(),
            file,
            bytes: result.as_ref().ok().copied(),
            error: result.err(),
        })
        .collect();
    let report = BackupReport {
        files,
        nodes: nodes_path.to_path_buf(),
        dir: options.dir.clone(),
        problems,
    };
    let failed = report.failed();
    Outcome::clean_if(report, !failed)
}

/// `redis-node-<host>-<port>-<id>.rdb`.
fn rdb_name(node: &NodeView) -> String {
    format!(
        "redis-node-{}-{}-{}.rdb",
        node.address.host,
        node.address.port,
        node.id()
    )
}

/// Sends `SYNC` and writes the RDB that comes back to `path`; returns its size.
async fn fetch_rdb(
    address: &NodeAddress,
    options: &crate::net::ConnectOptions,
    path: &Path,
) -> Result<u64, String> {
    let stream = tokio::time::timeout(options.connect_timeout, connect(address, options))
        .await
        .map_err(|_| format!("no connection within {:?}", options.connect_timeout))??;
    let mut stream = BufReader::new(stream);
    if let Some(password) = &options.password {
        let mut auth = redis::cmd("AUTH");
        if let Some(user) = &options.user {
            auth.arg(user);
        }
        auth.arg(password.expose());
        stream
            .get_mut()
            .write_all(&auth.get_packed_command())
            .await
            .map_err(|e| e.to_string())?;
        let reply = read_line(&mut stream).await?;
        if !reply.starts_with('+') {
            return Err("AUTH failed".into());
        }
    }
    stream
        .get_mut()
        .write_all(b"SYNC\r\n")
        .await
        .map_err(|e| e.to_string())?;
    let header = loop {
        let line = read_line(&mut stream).await?;
        if !line.is_empty() {
            break line;
        }
    };
    let length = crate::exec::rdb::sync_length(&header).map_err(|e| e.to_string())?;
    let mut file = crate::exec::private::create(path)
        .await
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let copied = tokio::io::copy(&mut (&mut stream).take(length), &mut file)
        .await
        .map_err(|e| format!("transfer: {e}"))?;
    if copied != length {
        return Err(format!("transfer ended after {copied} of {length} bytes"));
    }
    file.sync_all().await.map_err(|e| e.to_string())?;
    drop(file);
    let head = read_head(path).await.map_err(|e| e.to_string())?;
    if let Err(error) = crate::exec::rdb::rdb_version(&head) {
        let _ = tokio::fs::remove_file(path).await;
        return Err(error.to_string());
    }
    Ok(length)
}

/// The first bytes of the file at `path` (up to an RDB header).
async fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt as _;
    let mut head = Vec::with_capacity(crate::exec::rdb::HEADER_LEN);
    tokio::fs::File::open(path)
        .await?
        .take(crate::exec::rdb::HEADER_LEN as u64)
        .read_to_end(&mut head)
        .await?;
    Ok(head)
}

/// A byte stream to a node: plain TCP, or TLS with the cluster's settings.
trait RawStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> RawStream for T {}

async fn connect(
    address: &NodeAddress,
    options: &crate::net::ConnectOptions,
) -> Result<Box<dyn RawStream>, String> {
    let tcp = tokio::net::TcpStream::connect((address.host.as_str(), address.port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let Some(tls) = &options.tls else {
        return Ok(Box::new(tcp));
    };
    let (connector, name) = tls.connector(address)?;
    let stream = connector
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS handshake: {e}"))?;
    Ok(Box::new(stream))
}

/// One protocol line without its `\r\n` (the master sends bare `\n` keepalives while it saves).
async fn read_line(stream: &mut BufReader<Box<dyn RawStream>>) -> Result<String, String> {
    let mut line = String::new();
    let read = stream
        .read_line(&mut line)
        .await
        .map_err(|e| e.to_string())?;
    if read == 0 {
        return Err("the node closed the connection".into());
    }
    if line.starts_with('-') {
        return Err(line.trim().to_string());
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// nodes.json: every loaded node as redis-cli describes it.
fn write_nodes_json(view: &ClusterView, errors: Option<usize>, path: &Path) -> anyhow::Result<()> {
    let records: Vec<NodeRecord> = view
        .loaded()
        .map(|node| {
            let me = node.myself();
            let pairs = |list: &[(crate::topology::Slot, String)]| {
                list.iter()
                    .map(|(s, id)| (s.to_string(), id.clone()))
                    .collect()
            };
            NodeRecord {
                name: node.id().to_string(),
                host: node.address.host.clone(),
                port: node.address.port,
                replicate: me.master_id.clone(),
                slots: me
                    .slots
                    .ranges()
                    .into_iter()
                    .map(|(a, b)| {
                        if a == b {
                            vec![a.number()]
                        } else {
                            vec![a.number(), b.number()]
                        }
                    })
                    .collect(),
                slots_count: me.slots.len(),
                flags: me.flags.display_words(),
                current_epoch: me.config_epoch,
                cluster_errors: errors,
                migrating: pairs(&me.migrating),
                importing: pairs(&me.importing),
            }
        })
        .collect();
    let text = serde_json::to_string_pretty(&records)?;
    crate::exec::private::write(path, (text + "\n").as_bytes())
        .map_err(|e| anyhow::anyhow!("Could not save nodes to: {} ({e})", path.display()))
}
