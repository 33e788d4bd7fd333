//! `local`'s command line, turned into [`crate::commands::local::Options`].

use crate::commands::local::Options;
use crate::sandbox::{SandboxOptions, default_state_dir};
use std::path::PathBuf;

/// Arguments of `local`.
#[derive(Debug, clap::Args)]
pub struct LocalArgs {
    #[command(subcommand)]
    pub action: LocalAction,
}

/// What to do with the local cluster.
#[derive(Debug, clap::Subcommand)]
pub enum LocalAction {
    /// Start nodes on 127.0.0.1 (or 127.0.0.2, 127.0.0.3, ... with --spread-addresses), form a cluster, wait until it is healthy, print the seed address.
    Up {
        /// Number of masters.
        #[arg(long, default_value_t = 3)]
        masters: usize,
        /// Replicas per master.
        #[arg(long, default_value_t = 0)]
        replicas: usize,
        /// First port (the nodes use consecutive ports; bus ports are +10000).
        #[arg(long, default_value_t = 7000)]
        port: u16,
        /// Server binary, e.g. valkey-server or a path.
        #[arg(long, default_value = "redis-server")]
        server_bin: String,
        /// cluster-node-timeout of every node, in milliseconds.
        #[arg(long, default_value_t = 2000)]
        node_timeout: u64,
        /// Folder for the nodes' files and pid files.
        #[arg(long)]
        state_dir: Option<PathBuf>,
        /// Start empty cluster-mode nodes and do not form a cluster (to try `create`).
        #[arg(long)]
        no_create: bool,
        /// Numbered databases per node in cluster mode (`cluster-databases`; Valkey 9 or later).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        databases: u16,
        /// Node i binds, announces and connects out from its own loopback address (127.0.0.2,
        /// 127.0.0.3, ...), so `failover --drill --partition` can cut one off with firewall rules.
        #[arg(long)]
        spread_addresses: bool,
    },
    /// Stop the nodes `up` started (by their pid files) and nothing else.
    Down {
        /// The folder `up` used (default: the same default as `up`).
        #[arg(long)]
        state_dir: Option<PathBuf>,
    },
    /// List the nodes `up` started and whether they run.
    Status {
        /// The folder `up` used (default: the same default as `up`).
        #[arg(long)]
        state_dir: Option<PathBuf>,
    },
}

impl LocalArgs {
    /// The validated options: the default state folder filled in.
    pub fn options(&self) -> anyhow::Result<Options> {
        let dir = |given: &Option<PathBuf>| given.clone().unwrap_or_else(default_state_dir);
        Ok(match &self.action {
            LocalAction::Up {
                masters,
                replicas,
                port,
                server_bin,
                node_timeout,
                state_dir,
                no_create,
                databases,
                spread_addresses,
            } => Options::Up(SandboxOptions {
                masters: *masters,
                replicas: *replicas,
                base_port: Some(*port),
                state_dir: dir(state_dir),
                server_bin: server_bin.clone(),
                node_timeout_ms: *node_timeout,
                password: None,
                no_cluster: *no_create,
                standalone: false,
                tls: None,
                databases: *databases,
                debug_command: false,
                spread_addresses: *spread_addresses,
            }),
            LocalAction::Down { state_dir } => Options::Down {
                state_dir: dir(state_dir),
            },
            LocalAction::Status { state_dir } => Options::Status {
                state_dir: dir(state_dir),
            },
        })
    }
}
