//! The native command line (clap derive): the low level of ripgrep's low/high split. Global options
//! apply to every subcommand; the doc comments are the `--help` text. Each subcommand's arguments
//! (one file each) turn into its validated `Options` in one step (`options()`), so that clap types stop
//! here and commands see only checked values.

mod add_node;
mod backup;
mod call;
mod check;
mod create;
mod del_node;
mod doctor;
mod failover;
mod import;
mod info;
mod local;
mod lock;
mod metrics;
mod restore;
mod set_timeout;
mod setslot;
mod values;
mod watch;

pub use add_node::AddNodeArgs;
pub use backup::BackupArgs;
pub use call::CallArgs;
pub use check::CheckArgs;
pub use create::CreateArgs;
pub use del_node::DelNodeArgs;
pub use doctor::DoctorArgs;
pub use failover::FailoverArgs;
pub use import::ImportArgs;
pub use info::InfoArgs;
pub use local::LocalArgs;
pub use lock::LockArgs;
pub use metrics::MetricsArgs;
pub use restore::RestoreArgs;
pub use set_timeout::SetTimeoutArgs;
pub use setslot::SetslotArgs;
pub use watch::WatchArgs;

mod apply;
mod fix;
mod moves;
mod rebalance;
mod reshard;
mod resume;

pub use apply::ApplyArgs;
use clap::{Args, Parser, Subcommand};
pub use fix::FixArgs;
pub use moves::MoveArgs;
pub use rebalance::RebalanceArgs;
pub use reshard::ReshardArgs;
pub use resume::ResumeArgs;
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

/// Options shared by every subcommand. `-h` shows the everyday ones (under Connection and Output);
/// `--help` shows them all, with the Authentication and TLS details.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Password for every node (also from REDISCLI_AUTH).
    #[arg(
        short = 'a',
        long = "pass",
        global = true,
        help_heading = "Connection",
        env = "REDISCLI_AUTH",
        hide_env_values = true
    )]
    pub pass: Option<String>,
    /// ACL user name (needs a password).
    #[arg(long, global = true, help_heading = "Connection")]
    pub user: Option<String>,
    /// Read the password from the terminal without echo.
    #[arg(
        long,
        global = true,
        help_heading = "Authentication",
        hide_short_help = true
    )]
    pub askpass: bool,
    /// Read `user = NAME` and `password = SECRET` from a file only its owner can read (default:
    /// ~/.config/rcluster/auth, when it exists and no password is given otherwise).
    #[arg(
        long,
        global = true,
        help_heading = "Authentication",
        hide_short_help = true,
        value_name = "FILE",
        conflicts_with = "askpass"
    )]
    pub auth_file: Option<PathBuf>,
    /// Connect with TLS (certificates: see --help).
    #[arg(long, global = true, help_heading = "Connection")]
    pub tls: bool,
    /// CA certificate file to verify the nodes (with --tls).
    #[arg(
        long,
        global = true,
        help_heading = "TLS",
        hide_short_help = true,
        value_name = "FILE"
    )]
    pub cacert: Option<PathBuf>,
    /// Folder of CA certificates (with --tls).
    #[arg(
        long,
        global = true,
        help_heading = "TLS",
        hide_short_help = true,
        value_name = "DIR"
    )]
    pub cacertdir: Option<PathBuf>,
    /// Client certificate (with --tls and --key).
    #[arg(
        long,
        global = true,
        help_heading = "TLS",
        hide_short_help = true,
        value_name = "FILE"
    )]
    pub cert: Option<PathBuf>,
    /// Client private key (with --tls and --cert).
    #[arg(
        long,
        global = true,
        help_heading = "TLS",
        hide_short_help = true,
        value_name = "FILE"
    )]
    pub key: Option<PathBuf>,
    /// Server name to send in the TLS handshake.
    #[arg(
        long,
        global = true,
        help_heading = "TLS",
        hide_short_help = true,
        value_name = "NAME"
    )]
    pub sni: Option<String>,
    /// Do not verify the nodes' certificates.
    #[arg(long, global = true, help_heading = "TLS", hide_short_help = true)]
    pub insecure: bool,
    /// Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds.
    #[arg(long, global = true, help_heading = "Connection", hide_short_help = true, default_value = "2s", value_parser = parse_duration, value_name = "TIME")]
    pub connect_timeout: Duration,
    /// Bound on each reply from a node: `3s`, `500ms`, or milliseconds.
    #[arg(long, global = true, help_heading = "Connection", default_value = "3s", value_parser = parse_duration, value_name = "TIME")]
    pub timeout: Duration,
    /// Print the result as one JSON document on stdout (also on failure; see docs/json.md).
    #[arg(long, global = true, help_heading = "Output")]
    pub json: bool,
    /// Show progress, warnings and hints on stderr as text (default) or as one JSON object a line.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        help_heading = "Output",
        hide_short_help = true
    )]
    pub events: Option<crate::output::EventsFormat>,
    /// Print only errors and the final result.
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Output"
    )]
    pub quiet: bool,
    /// Print more: per-node and per-slot detail (-vv for even more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
    /// Never colour the output (also with NO_COLOR set, or when stdout is not a terminal).
    #[arg(long, global = true, help_heading = "Output", hide_short_help = true)]
    pub no_color: bool,
    /// Set when the command line was given in redis-cli syntax.
    #[arg(long, global = true, hide = true)]
    pub redis_cli_compat: bool,
    /// Do not warn about a password given with -a or --pass.
    #[arg(
        long,
        global = true,
        help_heading = "Authentication",
        hide_short_help = true
    )]
    pub no_auth_warning: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Form a new cluster from empty nodes, with zone-aware replica placement.
    #[command(
        after_help = "Examples:\n  rcluster create 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 127.0.0.1:7004 127.0.0.1:7005 --replicas 1\n  rcluster create 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 --yes --json\n  rcluster --cluster create 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 --cluster-yes"
    )]
    Create(CreateArgs),
    /// Check the cluster: slot agreement, open slots, coverage, node health, replica placement.
    #[command(
        after_help = "Examples:\n  rcluster check 127.0.0.1:7000\n  rcluster check 127.0.0.1 7000 --json | jq .ok\n  rcluster check 127.0.0.1:7000 -q --search-multiple-owners"
    )]
    Check(CheckArgs),
    /// Check, then explain every finding (what it means, why it happens) and the commands that fix it.
    #[command(
        after_help = "Examples:\n  rcluster doctor 127.0.0.1:7000\n  rcluster doctor 127.0.0.1 7000 --json"
    )]
    Doctor(DoctorArgs),
    /// Keys, slots and replicas per master.
    #[command(
        after_help = "Examples:\n  rcluster info 127.0.0.1:7000\n  rcluster info 127.0.0.1:7000 --json | jq .total_keys"
    )]
    Info(InfoArgs),
    /// Add an empty node as a master or, with --replica, as a replica.
    #[command(
        after_help = "Examples:\n  rcluster add-node 127.0.0.1:7006 127.0.0.1:7000\n  rcluster add-node 127.0.0.1:7007 127.0.0.1:7000 --replica --master-id ID"
    )]
    AddNode(AddNodeArgs),
    /// Remove a node that owns no slots (also a dead or unreachable one).
    #[command(
        after_help = "Examples:\n  rcluster del-node 127.0.0.1:7000 ID\n  rcluster del-node 127.0.0.1:7000 ID --replicate-to MASTER_ID"
    )]
    DelNode(DelNodeArgs),
    /// Run a command on every node (or only masters / replicas) at once.
    #[command(
        after_help = "Examples:\n  rcluster call 127.0.0.1:7000 INFO memory\n  rcluster call 127.0.0.1:7000 --only-masters DBSIZE --json"
    )]
    Call(CallArgs),
    /// Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE).
    #[command(after_help = "Examples:\n  rcluster set-timeout 127.0.0.1:7000 15000")]
    SetTimeout(SetTimeoutArgs),
    /// Carry out a plan file written by reshard/rebalance --plan-out, if the cluster has not changed.
    #[command(
        after_help = "Examples:\n  rcluster reshard 127.0.0.1:7000 --to ID --from all --slots 100 --dry-run --plan-out plan.json\n  rcluster apply plan.json --yes"
    )]
    #[command(mut_arg("plan_out", |a| a.hide(true)))]
    Apply(ApplyArgs),
    /// Give every master its weighted share of the slots (weight 0 empties a master).
    #[command(
        after_help = "Examples:\n  rcluster rebalance 127.0.0.1:7000 --dry-run\n  rcluster rebalance 127.0.0.1:7000 --use-empty-masters --yes\n  rcluster rebalance 127.0.0.1:7000 --weight ID=0 --yes"
    )]
    Rebalance(RebalanceArgs),
    /// Move slots to a master from others (exactly the number asked for, several sources at once).
    #[command(
        after_help = "Examples:\n  rcluster reshard 127.0.0.1:7000 --to ID --from all --slots 1000 --yes\n  rcluster reshard 127.0.0.1:7000 --to ID --slot-ranges 0-99,5000 --dry-run\n  rcluster --cluster reshard 127.0.0.1:7000 --cluster-to ID --cluster-from all --cluster-slots 100 --cluster-yes"
    )]
    Reshard(ReshardArgs),
    /// Repair open, uncovered and multiply-owned slots: shows the plan and why, then carries it out.
    #[command(
        after_help = "Examples:\n  rcluster fix 127.0.0.1:7000 --dry-run\n  rcluster fix 127.0.0.1:7000 --yes"
    )]
    Fix(FixArgs),
    /// Save every master's RDB (SYNC, all at once) and nodes.json into a folder.
    #[command(after_help = "Examples:\n  rcluster backup 127.0.0.1:7000 /backups/2026-12-01")]
    Backup(BackupArgs),
    /// Restore a backup into a running cluster of any shape (verified against its manifest first).
    #[command(
        after_help = "Examples:\n  rcluster backup 127.0.0.1:7000 /backups/today\n  rcluster restore /backups/today 127.0.0.1:8000\n  rcluster restore /backups/today 127.0.0.1:8000 --replace --json"
    )]
    Restore(RestoreArgs),
    /// Promote a replica (CLUSTER FAILOVER) and wait until its old master follows it and every node agrees.
    #[command(
        after_help = "Examples:\n  rcluster failover 127.0.0.1:7004\n  rcluster failover 127.0.0.1:7004 --force --wait 60s"
    )]
    Failover(FailoverArgs),
    /// Prometheus exporter: every node's state, memory, ops/s and the cluster's slots, on /metrics.
    #[command(
        after_help = "Examples:\n  rcluster metrics 127.0.0.1:7000 --listen 127.0.0.1:9121\n  rcluster metrics 127.0.0.1:7000 --once > /var/lib/node_exporter/rcluster.prom"
    )]
    Metrics(MetricsArgs),
    /// The cluster live in the terminal: masters, replicas, failing nodes, open slots (q quits).
    #[command(
        after_help = "Examples:\n  rcluster watch 127.0.0.1:7000\n  rcluster watch 127.0.0.1:7000 --interval 500ms"
    )]
    Watch(WatchArgs),
    /// Move every key of a standalone server's database (or of another cluster) into the cluster, batched per owner.
    #[command(
        after_help = "Examples:\n  rcluster import 127.0.0.1:7000 --from 127.0.0.1:6379\n  rcluster import 127.0.0.1:7000 --from 127.0.0.1:6379 --copy --replace\n  rcluster import 127.0.0.1:7000 --from 127.0.0.1:6379 --from-db 3 --to-db 1"
    )]
    Import(ImportArgs),
    /// Finish an interrupted reshard, rebalance or apply forward, from its journal.
    #[command(
        after_help = "Examples:\n  rcluster resume 127.0.0.1:7000\n  rcluster resume 127.0.0.1 7000 --journal ~/.local/state/rcluster/journals/FILE"
    )]
    #[command(mut_arg("plan_out", |a| a.hide(true)))]
    #[command(mut_arg("journal", |a| a.help("The journal of the run to finish (default: the newest unfinished run of this cluster, from ~/.local/state/rcluster/journals)")))]
    Resume(ResumeArgs),
    /// Low-level CLUSTER SETSLOT on one node; `node` hands the slot over safely (every master told).
    #[command(
        after_help = "Examples:\n  rcluster setslot 127.0.0.1:7000 100 stable\n  rcluster setslot 127.0.0.1:7000 100 node ID\n  rcluster setslot 127.0.0.1:7000 100 node ID --force   # this node only, no protocol"
    )]
    Setslot(SetslotArgs),
    /// A throwaway cluster on this machine.
    #[command(
        after_help = "Examples:\n  rcluster local up\n  rcluster local status\n  rcluster local down"
    )]
    Local(LocalArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  rcluster completions bash > /etc/bash_completion.d/rcluster\n  rcluster completions zsh > ~/.zfunc/_rcluster"
    )]
    Completions { shell: clap_complete::Shell },
}

impl Command {
    /// The subcommand's name, as typed (the `command` of the JSON document).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Create(_) => "create",
            Command::Check(_) => "check",
            Command::Doctor(_) => "doctor",
            Command::Info(_) => "info",
            Command::AddNode(_) => "add-node",
            Command::DelNode(_) => "del-node",
            Command::Call(_) => "call",
            Command::SetTimeout(_) => "set-timeout",
            Command::Apply(_) => "apply",
            Command::Rebalance(_) => "rebalance",
            Command::Reshard(_) => "reshard",
            Command::Fix(_) => "fix",
            Command::Backup(_) => "backup",
            Command::Restore(_) => "restore",
            Command::Failover(_) => "failover",
            Command::Metrics(_) => "metrics",
            Command::Watch(_) => "watch",
            Command::Import(_) => "import",
            Command::Resume(_) => "resume",
            Command::Setslot(_) => "setslot",
            Command::Local(_) => "local",
            Command::Completions { .. } => "completions",
        }
    }

    /// Whether `--break-lock` was given (only the commands that take the cluster's lock have it).
    pub fn break_lock(&self) -> bool {
        let lock = match self {
            Command::AddNode(args) => args.lock,
            Command::DelNode(args) => args.lock,
            Command::Failover(args) => args.lock,
            Command::Import(args) => args.lock,
            Command::Restore(args) => args.lock,
            Command::Setslot(args) => args.lock,
            Command::Fix(args) => args.lock,
            Command::Apply(args) => args.moves.lock,
            Command::Rebalance(args) => args.moves.lock,
            Command::Reshard(args) => args.moves.lock,
            Command::Resume(args) => args.moves.lock,
            _ => LockArgs::default(),
        };
        lock.break_lock
    }
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
            Command::Check(args) => {
                assert_eq!(args.options().unwrap().seed.to_string(), "127.0.0.1:7000")
            }
            other => panic!("{other:?}"),
        }
        assert!(cli.global.json);
    }

    #[test]
    fn fix_takes_the_moves_parallel_and_window() {
        let fix = |extra: &[&str]| {
            let mut args = vec!["rcluster", "fix", "127.0.0.1:7000"];
            args.extend(extra);
            match Cli::try_parse_from(args).unwrap().command {
                Command::Fix(args) => args.options().unwrap(),
                other => panic!("{other:?}"),
            }
        };
        let defaults = fix(&[]);
        assert_eq!(
            (defaults.parallel, defaults.window),
            (moves::DEFAULT_PARALLEL, moves::DEFAULT_WINDOW)
        );
        let set = fix(&["--parallel", "2", "--window", "1"]);
        assert_eq!((set.parallel, set.window), (2, 1));
        assert_eq!(
            fix(&["--window", "0"]).window,
            1,
            "as the moves: at least 1"
        );
        assert!(
            Cli::try_parse_from(["rcluster", "fix", "127.0.0.1:7000", "--window", "x"]).is_err()
        );
        let moves = match Cli::try_parse_from(["rcluster", "reshard", "127.0.0.1:7000"])
            .unwrap()
            .command
        {
            Command::Reshard(args) => args.options(false).unwrap().moves,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (moves.parallel, moves.window),
            (defaults.parallel, defaults.window)
        );
    }

    #[test]
    fn setslot_force_is_for_node_only() {
        let options = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Setslot(args) => args.options(),
            other => panic!("{other:?}"),
        };
        let forced = options(&[
            "rcluster",
            "setslot",
            "127.0.0.1:7000",
            "5",
            "node",
            "abc",
            "--force",
        ]);
        assert!(forced.unwrap().force);
        assert!(
            !options(&["rcluster", "setslot", "127.0.0.1:7000", "5", "node", "abc"])
                .unwrap()
                .force
        );
        let stable = options(&[
            "rcluster",
            "setslot",
            "127.0.0.1:7000",
            "5",
            "stable",
            "--force",
        ]);
        assert!(
            stable
                .unwrap_err()
                .to_string()
                .contains("--force applies to `node` only")
        );
    }
}
