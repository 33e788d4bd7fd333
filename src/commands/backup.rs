//! `rcluster backup HOST:PORT DIR`: an RDB snapshot of every master (fetched with `SYNC`, all masters
//! at once) and `nodes.json` describing the cluster, as redis-cli writes them:
//! `DIR/redis-node-<host>-<port>-<id>.rdb` and `DIR/nodes.json`.
//!
//! Beside them, for `restore` and for people: `DIR/manifest.json` (`exec::manifest`: every node's
//! topology, and per master its file's size, sha256, keys per database and RDB version), and per node
//! `DIR/nodes/<host>-<port>/config.txt` (`CONFIG GET *`, secrets masked) and `cluster-nodes.txt`.
//!
//! The RDBs come by `SYNC`, the replication handshake: `net::start_sync` speaks it on a raw stream
//! (TCP, or TLS with the cluster's settings) and `exec::snapshot` writes each into its file.

use super::{Context, check::check_view};
use crate::error::UsageError;
use crate::net::{NodeAddress, concurrently};
use crate::report::Outcome;
use crate::topology::{ClusterView, NodeView, load_cluster_view};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What `backup` is asked to do, validated (built by `crate::cli::args::backup`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// An existing folder.
    pub dir: PathBuf,
    pub snapshot_timeout: Duration,
    /// Write into a folder that is not empty.
    pub force: bool,
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
    let folder = options.dir.display();
    if !options.dir.exists() && !context.redis_cli() {
        crate::exec::private::create_dir(&options.dir)
            .map_err(|e| UsageError(format!("cannot create {folder}: {e}")))?;
    }
    if !options.dir.is_dir() {
        return Err(UsageError(format!("{folder} is not a folder: create it first")).into());
    }
    refuse_non_empty(context, options)?;
    let created_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
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
    let node_errors = save_node_files(context, &options.dir, &view).await;
    for error in &node_errors {
        context.ui.warn(error);
    }
    let manifest = manifest_of(&view, &saved, created_unix);
    let manifest_path = options.dir.join(crate::exec::manifest::MANIFEST_FILE);
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    crate::exec::private::write(&manifest_path, text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", manifest_path.display()))?;
    Ok(report_backup(options, saved, errors.is_some(), &nodes_path))
}

/// In native syntax a folder that already holds files is refused unless `--force` (redis-cli
/// writes into any folder).
fn refuse_non_empty(context: &Context, options: &Options) -> anyhow::Result<()> {
    let has_files = std::fs::read_dir(&options.dir)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if has_files && !options.force && !context.redis_cli() {
        return Err(UsageError(format!(
            "{} is not empty: pick an empty folder, or add --force to write over what is there",
            options.dir.display()
        ))
        .into());
    }
    Ok(())
}

/// The manifest of this backup: every loaded node, and every master whose RDB was saved.
fn manifest_of(
    view: &ClusterView,
    saved: &[Saved],
    created_unix: u64,
) -> crate::exec::manifest::Manifest {
    use crate::exec::manifest::{MANIFEST_FORMAT, Manifest, ManifestNode, ManifestRdb};
    let nodes = view
        .loaded()
        .map(|node| {
            let me = node.myself();
            ManifestNode {
                id: node.id().to_string(),
                address: node.address.to_string(),
                role: if node.is_master() {
                    "master"
                } else {
                    "replica"
                }
                .into(),
                master_id: me.master_id.clone(),
                slots: me
                    .slots
                    .ranges()
                    .into_iter()
                    .map(|(a, b)| [a.number(), b.number()])
                    .collect(),
                config_epoch: me.config_epoch,
            }
        })
        .collect();
    let masters = saved
        .iter()
        .filter_map(|(address, path, result)| {
            let fetched = result.as_ref().ok()?;
            let node = view.loaded().find(|n| &n.address == address)?;
            Some(ManifestRdb {
                id: node.id().to_string(),
                address: address.to_string(),
                file: path.file_name()?.to_string_lossy().into_owned(),
                bytes: fetched.bytes,
                sha256: fetched.sha256.clone(),
                dbsize: node.keys,
                databases: node.keyspace.as_ref().map(|k| k.databases.clone()),
                rdb_version: fetched.header.version,
                rdb_magic: fetched.header.magic.into(),
            })
        })
        .collect();
    let missing = saved
        .iter()
        .filter_map(|(address, _, result)| {
            Some(crate::exec::manifest::MissingRdb {
                address: address.to_string(),
                error: result.as_ref().err()?.clone(),
            })
        })
        .collect();
    Manifest {
        missing,
        format: MANIFEST_FORMAT,
        tool: format!("rcluster {}", env!("CARGO_PKG_VERSION")),
        created_unix,
        seed: view.seed.to_string(),
        nodes,
        masters,
    }
}

/// Per node, `nodes/<host>-<port>/config.txt` and `cluster-nodes.txt`, all nodes at once; the
/// nodes that could not be saved, as warnings.
async fn save_node_files(context: &Context, dir: &Path, view: &ClusterView) -> Vec<String> {
    let nodes: Vec<NodeAddress> = view.loaded().map(|n| n.address.clone()).collect();
    let results = concurrently(nodes, |address| {
        let session = Arc::clone(&context.session);
        let folder = dir
            .join("nodes")
            .join(format!("{}-{}", address.host, address.port));
        async move {
            save_one_node(&session, &address, &folder)
                .await
                .map_err(|e| {
                    format!("{address}: its config.txt and cluster-nodes.txt were not saved: {e}")
                })
        }
    })
    .await;
    results.into_iter().filter_map(Result::err).collect()
}

async fn save_one_node(
    session: &crate::net::Session,
    address: &NodeAddress,
    folder: &Path,
) -> anyhow::Result<()> {
    let mut client = session.client(address).await?;
    let settings: Vec<String> = client.query(&["CONFIG", "GET", "*"]).await?;
    let table = client.cluster_nodes().await?;
    crate::exec::private::create_dir(folder)?;
    crate::exec::private::write(
        &folder.join("config.txt"),
        config_text(&settings).as_bytes(),
    )?;
    crate::exec::private::write(&folder.join("cluster-nodes.txt"), table.as_bytes())?;
    Ok(())
}

/// `name value` lines sorted by name, secrets masked. Pure.
fn config_text(pairs: &[String]) -> String {
    let mut lines: Vec<String> = pairs
        .chunks(2)
        .filter_map(|pair| {
            let [name, value] = pair else { return None };
            let shown = if crate::net::SECRET_SETTINGS.contains(&name.as_str()) && !value.is_empty()
            {
                "(masked)"
            } else {
                value.as_str()
            };
            Some(format!("{name} {shown}"))
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

/// One master's snapshot: where it went and what was written, or why it failed.
type Saved = (
    NodeAddress,
    PathBuf,
    Result<crate::exec::snapshot::Fetched, String>,
);

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
    let mut saved = concurrently(work, |(address, path)| {
        let connect = context.session.options().clone();
        async move {
            let saved = tokio::time::timeout(
                limit,
                crate::exec::snapshot::fetch_rdb(&address, &connect, &path),
            )
            .await;
            let saved = saved.unwrap_or_else(|_| Err(format!("no snapshot within {limit:?}")));
            (address, path, saved)
        }
    })
    .await;
    // A master owning slots that did not answer is a failed snapshot, never a silent gap.
    for node in view.nodes.iter().filter(|n| !n.is_loaded()) {
        let seen = &node.seen_by_seed;
        if seen.flags.master && !seen.slots.is_empty() {
            let reason = node.error().map(|e| e.to_string()).unwrap_or_default();
            let path = options.dir.join(rdb_name(node));
            saved.push((
                node.address.clone(),
                path,
                Err(format!("no snapshot: {reason}")),
            ));
        }
    }
    saved
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
            bytes: result.as_ref().ok().map(|f| f.bytes),
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
