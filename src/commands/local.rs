//! `rcluster local up|down|status`: a throwaway cluster on this machine, built on [`crate::sandbox`].

use super::Context;
use crate::error::Exit;
use crate::report::Outcome;
use crate::sandbox::{
    RecordedNode, Sandbox, SandboxOptions, default_state_dir, recorded_nodes, stop_recorded,
};
use anyhow::bail;
use serde::Serialize;
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
    /// Start nodes on 127.0.0.1, form a cluster, wait until it is healthy, print the seed address.
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

/// Runs `local`.
pub async fn run(context: &Context, args: &LocalArgs) -> anyhow::Result<Outcome> {
    match &args.action {
        LocalAction::Up {
            masters,
            replicas,
            port,
            server_bin,
            node_timeout,
            state_dir,
            no_create,
        } => {
            let options = SandboxOptions {
                masters: *masters,
                replicas: *replicas,
                base_port: Some(*port),
                state_dir: state_dir.clone().unwrap_or_else(default_state_dir),
                server_bin: server_bin.clone(),
                node_timeout_ms: *node_timeout,
                password: context
                    .session
                    .options()
                    .password
                    .as_ref()
                    .map(|p| p.expose().to_string()),
                no_cluster: *no_create,
                standalone: false,
                tls: None,
            };
            up(context, options).await
        }
        LocalAction::Down { state_dir } => {
            Ok(down(state_dir.clone().unwrap_or_else(default_state_dir)))
        }
        LocalAction::Status { state_dir } => {
            Ok(status(state_dir.clone().unwrap_or_else(default_state_dir)))
        }
    }
}

/// What `local up` started.
#[derive(Debug, Serialize)]
pub struct LocalUpReport {
    /// A node of the new cluster, to pass to other commands.
    pub seed: String,
    pub ports: Vec<u16>,
    pub state_dir: PathBuf,
    /// `--state-dir DIR` when it is not the default, for the hint that names `local down`.
    #[serde(skip)]
    pub state_dir_flag: String,
}

/// What `local down` stopped.
#[derive(Debug, Serialize)]
pub struct LocalDownReport {
    pub state_dir: PathBuf,
    /// The ports of the nodes stopped.
    pub stopped: Vec<u16>,
}

/// The nodes `local up` recorded. Exit 1 unless every one runs.
#[derive(Debug, Serialize)]
pub struct LocalStatusReport {
    pub state_dir: PathBuf,
    pub nodes: Vec<RecordedNode>,
}

async fn up(context: &Context, options: SandboxOptions) -> anyhow::Result<Outcome> {
    if recorded_nodes(&options.state_dir).iter().any(|n| n.running) {
        bail!(
            "a local cluster is already running from {}; stop it with `rcluster local down{}`",
            options.state_dir.display(),
            state_dir_flag(&options.state_dir)
        );
    }
    context.ui.step(&format!(
        "Starting {} nodes ({} masters, {} replicas each) with {}",
        options.masters * (1 + options.replicas),
        options.masters,
        options.replicas,
        options.server_bin
    ));
    let sandbox = match Sandbox::start(&options).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            stop_recorded(&options.state_dir);
            return Err(error);
        }
    };
    let seed = sandbox.seed();
    let ports: Vec<u16> = sandbox.nodes.iter().map(|n| n.port).collect();
    sandbox.detach();
    Ok(Outcome::new(
        LocalUpReport {
            seed: seed.to_string(),
            ports,
            state_dir_flag: state_dir_flag(&options.state_dir),
            state_dir: options.state_dir,
        },
        Exit::Ok,
    ))
}

fn state_dir_flag(dir: &std::path::Path) -> String {
    if dir == default_state_dir() {
        String::new()
    } else {
        format!(" --state-dir {}", dir.display())
    }
}

fn down(state_dir: PathBuf) -> Outcome {
    let stopped = stop_recorded(&state_dir);
    Outcome::new(LocalDownReport { state_dir, stopped }, Exit::Ok)
}

fn status(state_dir: PathBuf) -> Outcome {
    let nodes = recorded_nodes(&state_dir);
    let all_running = nodes.iter().all(|n| n.running) && !nodes.is_empty();
    Outcome::clean_if(LocalStatusReport { state_dir, nodes }, all_running)
}
