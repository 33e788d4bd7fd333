//! The native command line (clap derive). Global options apply to every subcommand; the doc comments
//! are the `--help` text.

use crate::commands::{
    add_node::AddNodeArgs, apply::ApplyArgs, backup::BackupArgs, call::CallArgs, check::CheckArgs,
    create::CreateArgs, del_node::DelNodeArgs, doctor::DoctorArgs, fix::FixArgs,
    import::ImportArgs, info::InfoArgs, local::LocalArgs, rebalance::RebalanceArgs,
    reshard::ReshardArgs, resume::ResumeArgs, set_timeout::SetTimeoutArgs, setslot::SetslotArgs,
};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// Administer Redis Cluster and Valkey cluster: a fast, safe drop-in for `redis-cli --cluster`.
///
/// redis-cli syntax works unchanged: `rcluster --cluster check 127.0.0.1 7000`.
#[derive(Debug, Parser)]
#[command(name = "rcluster", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Password for every node (also from REDISCLI_AUTH).
    #[arg(
        short = 'a',
        long = "pass",
        global = true,
        env = "REDISCLI_AUTH",
        hide_env_values = true
    )]
    pub pass: Option<String>,
    /// ACL user name (needs a password).
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// Read the password from the terminal without echo.
    #[arg(long, global = true)]
    pub askpass: bool,
    /// Connect with TLS.
    #[arg(long, global = true)]
    pub tls: bool,
    /// CA certificate file to verify the nodes (with --tls).
    #[arg(long, global = true, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Folder of CA certificates (with --tls).
    #[arg(long, global = true, value_name = "DIR")]
    pub cacertdir: Option<PathBuf>,
    /// Client certificate (with --tls and --key).
    #[arg(long, global = true, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Client private key (with --tls and --cert).
    #[arg(long, global = true, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Server name to send in the TLS handshake.
    #[arg(long, global = true, value_name = "NAME")]
    pub sni: Option<String>,
    /// Do not verify the nodes' certificates.
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds.
    #[arg(long, global = true, default_value = "2s", value_parser = parse_duration, value_name = "TIME")]
    pub connect_timeout: Duration,
    /// Bound on each reply from a node: `3s`, `500ms`, or milliseconds.
    #[arg(long, global = true, default_value = "3s", value_parser = parse_duration, value_name = "TIME")]
    pub timeout: Duration,
    /// Print the result as JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print less: no hints.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Never colour the output (also with NO_COLOR set, or when stdout is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Set when the command line was given in redis-cli syntax.
    #[arg(long, global = true, hide = true)]
    pub redis_cli_compat: bool,
    /// Do not warn about a password on the command line (redis-cli syntax).
    #[arg(long, global = true, hide = true)]
    pub no_auth_warning: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Form a new cluster from empty nodes, with zone-aware replica placement.
    Create(CreateArgs),
    /// Check the cluster: slot agreement, open slots, coverage, node health, replica placement.
    Check(CheckArgs),
    /// Check, then explain every finding (what it means, why it happens) and the commands that fix it.
    Doctor(DoctorArgs),
    /// Keys, slots and replicas per master.
    Info(InfoArgs),
    /// Add an empty node as a master or, with --replica, as a replica.
    AddNode(AddNodeArgs),
    /// Remove a node that owns no slots (also a dead or unreachable one).
    DelNode(DelNodeArgs),
    /// Run a command on every node (or only masters / replicas) at once.
    Call(CallArgs),
    /// Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE).
    SetTimeout(SetTimeoutArgs),
    /// Carry out a plan file written by reshard/rebalance --plan-out, if the cluster has not changed.
    Apply(ApplyArgs),
    /// Give every master its weighted share of the slots (weight 0 empties a master).
    Rebalance(RebalanceArgs),
    /// Move slots to a master from others (exactly the number asked for, several sources at once).
    Reshard(ReshardArgs),
    /// Repair open, uncovered and multiply-owned slots: shows the plan and why, then carries it out.
    Fix(FixArgs),
    /// Save every master's RDB (SYNC, all at once) and nodes.json into a folder.
    Backup(BackupArgs),
    /// Move every key of a standalone server (db 0) into the cluster, batched per owner.
    Import(ImportArgs),
    /// Finish an interrupted reshard, rebalance or apply forward, from its journal.
    Resume(ResumeArgs),
    /// Low-level CLUSTER SETSLOT on one node.
    Setslot(SetslotArgs),
    /// A throwaway cluster on this machine.
    Local(LocalArgs),
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
}

/// `2s`, `1.5s`, `500ms`, or a plain number of milliseconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (text, 1.0)
    };
    match number.trim().parse::<f64>() {
        Ok(value) if value > 0.0 && value.is_finite() => {
            Ok(Duration::from_micros((value * scale * 1000.0) as u64))
        }
        _ => Err(format!(
            "'{text}' is not a duration: use e.g. 2s, 500ms or 1500"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("750"), Ok(Duration::from_millis(750)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn host_and_port_forms_parse() {
        let cli =
            Cli::try_parse_from(["rcluster", "check", "127.0.0.1", "7000", "--json"]).unwrap();
        match cli.command {
            Command::Check(args) => assert_eq!(
                (args.node.as_str(), args.port.as_deref()),
                ("127.0.0.1", Some("7000"))
            ),
            other => panic!("{other:?}"),
        }
        assert!(cli.global.json);
    }
}
