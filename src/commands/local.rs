//! `rcluster local up|down|status`: a throwaway cluster on this machine, built on [`crate::sandbox`].

use super::Context;
use crate::error::Exit;
use crate::output::legacy::json;
use crate::output::{Level, Line};
use crate::sandbox::{Sandbox, SandboxOptions, default_state_dir, recorded_nodes, stop_recorded};
use anyhow::bail;
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
pub async fn run(context: &Context, args: &LocalArgs) -> anyhow::Result<Exit> {
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
            down(context, state_dir.clone().unwrap_or_else(default_state_dir))
        }
        LocalAction::Status { state_dir } => {
            status(context, state_dir.clone().unwrap_or_else(default_state_dir))
        }
    }
}

async fn up(context: &Context, options: SandboxOptions) -> anyhow::Result<Exit> {
    if recorded_nodes(&options.state_dir).iter().any(|n| n.running) {
        bail!(
            "a local cluster is already running from {}; stop it with `rcluster local down{}`",
            options.state_dir.display(),
            state_dir_flag(&options.state_dir)
        );
    }
    context.output.hint(&format!(
        "starting {} nodes ({} masters, {} replicas each) with {} ...",
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
    if context.output.json {
        json::print_json(&serde_json::json!({
            "seed": seed.to_string(), "ports": ports, "state_dir": options.state_dir,
        }));
    } else {
        context
            .output
            .print_lines(&[Line::new(Level::Plain, seed.to_string())]);
    }
    context.output.hint(&format!(
        "cluster ready: try `rcluster check {seed}`; stop it with `rcluster local down{}`",
        state_dir_flag(&options.state_dir)
    ));
    Ok(Exit::Ok)
}

fn state_dir_flag(dir: &std::path::Path) -> String {
    if dir == default_state_dir() {
        String::new()
    } else {
        format!(" --state-dir {}", dir.display())
    }
}

fn down(context: &Context, state_dir: PathBuf) -> anyhow::Result<Exit> {
    let stopped = stop_recorded(&state_dir);
    if context.output.json {
        json::print_json(&serde_json::json!({ "stopped": stopped }));
    } else if stopped.is_empty() {
        context.output.hint(&format!(
            "no running local nodes recorded in {}",
            state_dir.display()
        ));
    } else {
        context.output.print_lines(&[Line::new(
            Level::Plain,
            format!("stopped {} nodes", stopped.len()),
        )]);
    }
    Ok(Exit::Ok)
}

fn status(context: &Context, state_dir: PathBuf) -> anyhow::Result<Exit> {
    let nodes = recorded_nodes(&state_dir);
    if context.output.json {
        let rows: Vec<_> = nodes
            .iter()
            .map(|n| serde_json::json!({"port": n.port, "pid": n.pid, "running": n.running}))
            .collect();
        json::print_json(&serde_json::json!({ "state_dir": state_dir, "nodes": rows }));
    } else if nodes.is_empty() {
        context.output.hint(&format!(
            "no local nodes recorded in {}",
            state_dir.display()
        ));
    } else {
        let mut table = comfy_table::Table::new();
        table.load_style(comfy_table::presets::NOTHING);
        table.set_header(["ADDRESS", "PID", "STATE"]);
        for node in &nodes {
            let state = if node.running { "running" } else { "stopped" };
            table.add_row([
                format!("127.0.0.1:{}", node.port),
                node.pid.to_string(),
                state.to_string(),
            ]);
        }
        crate::output::legacy::write_stdout(&format!("{table}\n"));
    }
    Ok(Exit::from_clean(
        nodes.iter().all(|n| n.running) && !nodes.is_empty(),
    ))
}
