//! `rcluster local up|down|status`: a throwaway cluster on this machine, built on [`crate::sandbox`].
//! `down` also removes any firewall rule a partition drill left behind (`exec::firewall`).

use super::Context;
use crate::error::Exit;
use crate::report::Outcome;
use crate::sandbox::{
    RecordedNode, Sandbox, SandboxOptions, default_state_dir, recorded_nodes, stop_recorded,
};
use anyhow::bail;
use serde::Serialize;
use std::path::PathBuf;

/// What `local` is asked to do, validated (built by `crate::cli::args::local`).
#[derive(Debug)]
pub enum Options {
    /// Start a cluster (the password, when given, comes from the session's options).
    Up(SandboxOptions),
    Down {
        state_dir: PathBuf,
    },
    Status {
        state_dir: PathBuf,
    },
}

/// Runs `local`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    match options {
        Options::Up(sandbox) => {
            let password = context.session.options().password.as_ref();
            let sandbox = SandboxOptions {
                password: password.map(|p| p.expose().to_string()),
                ..sandbox.clone()
            };
            up(context, sandbox).await
        }
        Options::Down { state_dir } => Ok(down(state_dir.clone())),
        Options::Status { state_dir } => Ok(status(state_dir.clone())),
    }
}

/// What `local up` started.
#[derive(Debug, Serialize)]
pub struct LocalUpReport {
    /// A node of the new cluster, to pass to other commands.
    pub seed: String,
    pub ports: Vec<u16>,
    pub state_dir: PathBuf,
    /// Whether the nodes were formed into a cluster (false with `--no-create`: empty nodes).
    pub created: bool,
    /// With `--no-create`: the `rcluster create` line that forms them as asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_command: Option<String>,
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
    /// Leftover firewall rules of a partition drill (`rcluster-drill` comment) that were removed
    /// (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_rules: Vec<String>,
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
    let count = options.masters * (1 + options.replicas);
    context.ui.step(&if options.no_cluster {
        format!(
            "Starting {} with {} (not joined into a cluster)",
            crate::words::counted(count, "empty node", "empty nodes"),
            options.server_bin
        )
    } else {
        format!(
            "Starting {count} nodes ({} masters, {} replicas each) with {}",
            options.masters, options.replicas, options.server_bin
        )
    });
    let sandbox = match Sandbox::start(&options).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            stop_recorded(&options.state_dir);
            return Err(error);
        }
    };
    let seed = sandbox.seed();
    let ports: Vec<u16> = sandbox.nodes.iter().map(|n| n.port).collect();
    let create_command = options.no_cluster.then(|| {
        let addresses: Vec<String> = sandbox
            .nodes
            .iter()
            .map(|n| n.address().to_string())
            .collect();
        let replicas = match options.replicas {
            0 => String::new(),
            n => format!(" --replicas {n}"),
        };
        format!("rcluster create {}{replicas}", addresses.join(" "))
    });
    sandbox.detach();
    Ok(Outcome::new(
        LocalUpReport {
            seed: seed.to_string(),
            ports,
            created: !options.no_cluster,
            create_command,
            state_dir_flag: state_dir_flag(&options.state_dir),
            state_dir: options.state_dir,
        },
        Exit::Ok,
    ))
}

pub fn state_dir_flag(dir: &std::path::Path) -> String {
    if dir == default_state_dir() {
        String::new()
    } else {
        format!(" --state-dir {}", dir.display())
    }
}

fn down(state_dir: PathBuf) -> Outcome {
    let stopped = stop_recorded(&state_dir);
    // Where iptables is missing or may not be read (not root), no drill can have left a rule.
    let removed_rules = crate::exec::firewall::remove_leftovers().unwrap_or_default();
    Outcome::new(
        LocalDownReport {
            state_dir,
            stopped,
            removed_rules,
        },
        Exit::Ok,
    )
}

fn status(state_dir: PathBuf) -> Outcome {
    let nodes = recorded_nodes(&state_dir);
    let all_running = nodes.iter().all(|n| n.running) && !nodes.is_empty();
    Outcome::clean_if(LocalStatusReport { state_dir, nodes }, all_running)
}
