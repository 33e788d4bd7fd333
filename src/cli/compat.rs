//! redis-cli syntax: `rcluster [redis-cli options] --cluster SUBCOMMAND ARGS [--cluster-* options]` is
//! read as redis-cli reads it and rewritten into the native argument list before clap sees it.
//!
//! One table ([`OPTIONS`]) maps every redis-cli option to its native form; one table
//! ([`SUBCOMMANDS`]) gives each subcommand's arity and the native options it takes (redis-cli accepts
//! every `--cluster-*` option with every subcommand and ignores the ones it does not use, so do we).

/// What a redis-cli option becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Translation {
    /// A native flag.
    Flag(&'static str),
    /// A native option; the next argument is its value, taken whatever it looks like.
    Value(&'static str),
    /// A native option whose value redis-cli reads with C's `atoi` (junk is 0), then clamps as
    /// [`Number`] says.
    Integer(&'static str, Number),
    /// A native option whose value redis-cli reads with C's `atof`.
    Float(&'static str),
    /// `--cluster-weight a=1 b=2`: every following `x=y` becomes `--weight x=y`.
    Weight,
    /// `-u redis://user:pass@host:port`: credentials (and TLS for `rediss://`).
    Uri,
    /// `-t SECONDS`: the connect timeout.
    ConnectTimeoutSeconds,
    /// Accepted and ignored (the cluster manager does not use it).
    IgnoreFlag,
    IgnoreValue,
    /// Reads stdin into the arguments: not supported.
    Unsupported,
}

/// What an `atoi` value means where redis-cli uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number {
    /// As read, at least this.
    AtLeast(i64),
    /// `--cluster-slots`: 0 (or less) means "ask".
    ZeroAsks,
    /// `--cluster-timeout`: MIGRATE takes 0 (or less) as 1000 ms.
    ZeroIsASecond,
}

use Translation::*;

/// Every option redis-cli accepts that matters to (or must not break) `--cluster`.
const OPTIONS: &[(&str, Translation)] = &[
    (
        "--cluster-replicas",
        Integer("--replicas", Number::AtLeast(0)),
    ),
    ("--cluster-yes", Flag("--yes")),
    ("--cluster-from", Value("--from")),
    ("--cluster-to", Value("--to")),
    ("--cluster-slots", Integer("--slots", Number::ZeroAsks)),
    (
        "--cluster-timeout",
        Integer("--migrate-timeout", Number::ZeroIsASecond),
    ),
    // A pipeline of 0 would read no key and lose them; 1 is the least that moves keys.
    (
        "--cluster-pipeline",
        Integer("--pipeline", Number::AtLeast(1)),
    ),
    ("--cluster-replace", Flag("--replace")),
    ("--cluster-weight", Weight),
    ("--cluster-use-empty-masters", Flag("--use-empty-masters")),
    ("--cluster-simulate", Flag("--dry-run")),
    ("--cluster-threshold", Float("--threshold")),
    (
        "--cluster-search-multiple-owners",
        Flag("--search-multiple-owners"),
    ),
    (
        "--cluster-fix-with-unreachable-masters",
        Flag("--fix-with-unreachable-masters"),
    ),
    // valkey-cli 9's opt-in to server-side migration.
    (
        "--cluster-use-atomic-slot-migration",
        Flag("--migration=atomic"),
    ),
    ("--cluster-slave", Flag("--replica")),
    ("--cluster-master-id", Value("--master-id")),
    ("--cluster-only-masters", Flag("--only-masters")),
    ("--cluster-only-replicas", Flag("--only-replicas")),
    ("--cluster-from-user", Value("--from-user")),
    ("--cluster-from-pass", Value("--from-pass")),
    ("--cluster-from-askpass", Flag("--from-askpass")),
    ("--cluster-copy", Flag("--copy")),
    ("-a", Value("--pass")),
    ("--pass", Value("--pass")),
    ("--user", Value("--user")),
    ("--askpass", Flag("--askpass")),
    ("--no-auth-warning", Flag("--no-auth-warning")),
    ("--tls", Flag("--tls")),
    ("--sni", Value("--sni")),
    ("--cacert", Value("--cacert")),
    ("--cacertdir", Value("--cacertdir")),
    ("--cert", Value("--cert")),
    ("--key", Value("--key")),
    ("--insecure", Flag("--insecure")),
    ("--tls-ciphers", IgnoreValue),
    ("--tls-ciphersuites", IgnoreValue),
    ("--verbose", Flag("--verbose")),
    ("-u", Uri),
    ("-t", ConnectTimeoutSeconds),
    ("-h", IgnoreValue),
    ("-p", IgnoreValue),
    ("-s", IgnoreValue),
    ("-n", IgnoreValue),
    ("-r", IgnoreValue),
    ("-i", IgnoreValue),
    ("-d", IgnoreValue),
    ("-D", IgnoreValue),
    ("-e", IgnoreFlag),
    ("-c", IgnoreFlag),
    ("-2", IgnoreFlag),
    ("-3", IgnoreFlag),
    ("-4", IgnoreFlag),
    ("-6", IgnoreFlag),
    ("--raw", IgnoreFlag),
    ("--no-raw", IgnoreFlag),
    ("--csv", IgnoreFlag),
    ("--json", Flag("--json")),
    ("--quoted-json", IgnoreFlag),
    ("-x", Unsupported),
    ("-X", Unsupported),
];

/// Native options that apply to every subcommand.
const GLOBAL: &[&str] = &[
    "--pass",
    "--user",
    "--askpass",
    "--no-auth-warning",
    "--tls",
    "--sni",
    "--cacert",
    "--cacertdir",
    "--cert",
    "--key",
    "--insecure",
    "--verbose",
    "--connect-timeout",
    "--json",
];

/// A redis-cli subcommand: name, arity (negative = at least), native options.
struct Subcommand {
    name: &'static str,
    arity: i32,
    options: &'static [&'static str],
}

const SUBCOMMANDS: &[Subcommand] = &[
    Subcommand {
        name: "create",
        arity: -2,
        options: &["--replicas", "--yes"],
    },
    Subcommand {
        name: "check",
        arity: -1,
        options: &["--search-multiple-owners"],
    },
    Subcommand {
        name: "info",
        arity: -1,
        options: &[],
    },
    Subcommand {
        name: "fix",
        arity: -1,
        options: &[
            "--search-multiple-owners",
            "--fix-with-unreachable-masters",
            "--yes",
            "--replace",
            "--migrate-timeout",
            "--pipeline",
        ],
    },
    Subcommand {
        name: "reshard",
        arity: -1,
        options: &[
            "--from",
            "--to",
            "--slots",
            "--yes",
            "--migrate-timeout",
            "--pipeline",
            "--replace",
            "--migration",
        ],
    },
    Subcommand {
        name: "rebalance",
        arity: -1,
        options: &[
            "--weight",
            "--use-empty-masters",
            "--migrate-timeout",
            "--dry-run",
            "--pipeline",
            "--threshold",
            "--replace",
            "--verbose",
            "--migration",
        ],
    },
    Subcommand {
        name: "add-node",
        arity: 2,
        options: &["--replica", "--master-id"],
    },
    Subcommand {
        name: "del-node",
        arity: 2,
        options: &[],
    },
    Subcommand {
        name: "call",
        arity: -2,
        options: &["--only-masters", "--only-replicas"],
    },
    Subcommand {
        name: "set-timeout",
        arity: 2,
        options: &[],
    },
    Subcommand {
        name: "import",
        arity: 1,
        options: &[
            "--from",
            "--from-user",
            "--from-pass",
            "--from-askpass",
            "--copy",
            "--replace",
            "--migrate-timeout",
        ],
    },
    Subcommand {
        name: "backup",
        arity: 2,
        options: &[],
    },
    Subcommand {
        name: "help",
        arity: 0,
        options: &[],
    },
];

/// For completion scripts: each redis-cli subcommand with the `--cluster-*` options it uses.
pub fn completion_table() -> Vec<(&'static str, Vec<&'static str>)> {
    SUBCOMMANDS
        .iter()
        .map(|sub| {
            let uses = |native: &str| {
                let name = native.split('=').next().unwrap_or(native);
                sub.options.contains(&name)
            };
            let options = OPTIONS
                .iter()
                .filter(|(name, _)| name.starts_with("--cluster-"))
                .filter(|(_, translation)| match translation {
                    Flag(native) | Value(native) | Integer(native, _) | Float(native) => {
                        uses(native)
                    }
                    Weight => uses("--weight"),
                    _ => false,
                })
                .map(|(name, _)| *name)
                .collect();
            (sub.name, options)
        })
        .collect()
}

/// Subcommands that accept `host port` as well as `host:port`.
const HOST_PORT_FORM: &[&str] = &["check", "info", "fix", "reshard", "rebalance"];

/// The result of reading a redis-cli command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Compat {
    /// No `--cluster`: native syntax, parse as is.
    Native,
    /// The native arguments to hand to clap.
    Run { args: Vec<String> },
    /// `--cluster help`: print redis-cli's help, exit 1.
    Help,
    /// A message for stderr and the exit status.
    Fail { message: String, status: i32 },
}

fn usage_error(message: impl Into<String>) -> Compat {
    Compat::Fail {
        message: message.into(),
        status: 1,
    }
}

/// Reads `args` (program name first) as redis-cli would.
pub fn translate(args: &[String]) -> Compat {
    if !args.iter().skip(1).any(|a| a == "--cluster") {
        return Compat::Native;
    }
    let mut subcommand: Option<&str> = None;
    let mut positionals: Vec<String> = Vec::new();
    let mut options: Vec<String> = Vec::new();
    let mut index = 1;
    while index < args.len() {
        let arg = args[index].as_str();
        index += 1;
        if arg == "--cluster" {
            if subcommand.is_some() || index >= args.len() {
                return usage_error(CLUSTER_USAGE);
            }
            subcommand = Some(args[index].as_str());
            index += 1;
            let run: Vec<String> = args[index..]
                .iter()
                .take_while(|a| !a.starts_with('-'))
                .cloned()
                .collect();
            index += run.len();
            positionals = run;
            continue;
        }
        if !arg.starts_with('-') {
            if positionals.is_empty() && subcommand.is_some() {
                positionals.extend(
                    args[index - 1..]
                        .iter()
                        .take_while(|a| !a.starts_with('-'))
                        .cloned(),
                );
                index += positionals.len() - 1;
            }
            continue;
        }
        let Some((_, translation)) = OPTIONS.iter().find(|(name, _)| *name == arg) else {
            return usage_error(format!(
                "Unrecognized option or bad number of args for: '{arg}'"
            ));
        };
        let takes_value = matches!(
            translation,
            Value(_) | Integer(..) | Float(_) | Uri | ConnectTimeoutSeconds | IgnoreValue
        );
        if takes_value && index >= args.len() {
            return usage_error(format!(
                "Unrecognized option or bad number of args for: '{arg}'"
            ));
        }
        match *translation {
            Flag(native) => options.push(native.into()),
            Value(native) => {
                options.push(format!("{native}={}", args[index]));
                index += 1;
            }
            Integer(native, rule) => {
                let value = atoi(&args[index]);
                match rule {
                    Number::AtLeast(least) => {
                        options.push(format!("{native}={}", value.max(least)))
                    }
                    Number::ZeroAsks if value <= 0 => {}
                    Number::ZeroAsks => options.push(format!("{native}={value}")),
                    Number::ZeroIsASecond => options.push(format!(
                        "{native}={}",
                        if value <= 0 { 1000 } else { value }
                    )),
                }
                index += 1;
            }
            Float(native) => {
                options.push(format!("{native}={}", atof(&args[index])));
                index += 1;
            }
            Weight => {
                if options.iter().any(|o| o.starts_with("--weight=")) {
                    return usage_error(WEIGHT_TWICE);
                }
                while index < args.len()
                    && args[index].contains('=')
                    && !args[index].starts_with("--")
                {
                    let (name, weight) = args[index].split_once('=').unwrap_or_default();
                    options.push(format!("--weight={name}={}", atof(weight)));
                    index += 1;
                }
            }
            Uri => {
                uri_options(&args[index], &mut options);
                index += 1;
            }
            ConnectTimeoutSeconds => {
                let seconds = atof(&args[index]);
                if seconds > 0.0 {
                    options.push(format!("--connect-timeout={}ms", (seconds * 1000.0).ceil()));
                }
                index += 1;
            }
            IgnoreFlag => {}
            IgnoreValue => index += 1,
            Unsupported => {
                return usage_error(format!(
                    "rcluster does not support '{arg}' with --cluster; pass the arguments directly"
                ));
            }
        }
    }
    let Some(name) = subcommand else {
        return usage_error(CLUSTER_USAGE);
    };
    build_native(args, name, positionals, options)
}

/// C's `atoi`: leading blanks, an optional sign, then the digits up to the first other character;
/// nothing readable is 0.
fn atoi(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    sign * digits
        .parse::<i64>()
        .unwrap_or(if digits.is_empty() { 0 } else { i64::MAX })
}

/// C's `atof` for the forms a command line carries: the longest leading decimal number; nothing
/// readable is 0.
fn atof(text: &str) -> f64 {
    let text = text.trim_start();
    (1..=text.len())
        .rev()
        .filter(|&end| text.is_char_boundary(end))
        .find_map(|end| {
            let prefix = &text[..end];
            let plain = prefix
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
            prefix
                .parse::<f64>()
                .ok()
                .filter(|v| plain && v.is_finite())
        })
        .unwrap_or(0.0)
}

fn build_native(
    args: &[String],
    name: &str,
    positionals: Vec<String>,
    options: Vec<String>,
) -> Compat {
    let Some(sub) = SUBCOMMANDS.iter().find(|s| s.name == name) else {
        return usage_error("Unknown --cluster subcommand");
    };
    let count = positionals.len() as i32;
    if (sub.arity >= 0 && count != sub.arity) || (sub.arity < 0 && count < -sub.arity) {
        return usage_error("[ERR] Wrong number of arguments for specified --cluster sub command");
    }
    if sub.name == "help" {
        return Compat::Help;
    }
    if sub.name == "import" && !options.iter().any(|o| o.starts_with("--from=")) {
        return usage_error("[ERR] Option '--cluster-from' is required for subcommand 'import'.");
    }
    let mut native = vec![
        args[0].clone(),
        "--redis-cli-compat".into(),
        sub.name.to_string(),
    ];
    for option in options {
        let name = option
            .split_once('=')
            .map_or(option.as_str(), |(name, _)| name);
        if GLOBAL.contains(&name) || sub.options.contains(&name) {
            native.push(option);
        }
    }
    // Options first: positionals never start with '-' here, and `call` takes the rest verbatim.
    let mut positionals = if HOST_PORT_FORM.contains(&sub.name) {
        positionals.into_iter().take(2).collect()
    } else {
        positionals
    };
    // redis-cli reads set-timeout's milliseconds with atoi: junk is 0, refused as too low.
    if sub.name == "set-timeout" {
        positionals[1] = atoi(&positionals[1]).max(0).to_string();
    }
    native.extend(positionals);
    Compat::Run { args: native }
}

/// `redis://[user:pass@]host:port[/db]` or `rediss://...`: the credentials and TLS switch.
fn uri_options(uri: &str, options: &mut Vec<String>) {
    let (tls, rest) = match uri.split_once("://") {
        Some(("rediss", rest)) => (true, rest),
        Some((_, rest)) => (false, rest),
        None => (false, uri),
    };
    if tls {
        options.push("--tls".into());
    }
    let Some((credentials, _)) = rest.rsplit_once('@') else {
        return;
    };
    match credentials.split_once(':') {
        Some((user, pass)) => {
            if !user.is_empty() {
                options.push(format!("--user={user}"));
            }
            options.push(format!("--pass={pass}"));
        }
        None => options.push(format!("--pass={credentials}")),
    }
}

/// `--cluster` without a subcommand: the cluster commands' usage, on stderr with exit 1 (redis-cli
/// prints its whole usage there; rcluster's redis-cli syntax has only `--cluster`).
const CLUSTER_USAGE: &str = HELP;

const WEIGHT_TWICE: &str = "WARNING: you cannot use --cluster-weight more than once.\n\
You can set more weights by adding them as a space-separated list, ie:\n\
--cluster-weight n1=w n2=w";

/// redis-cli's `--cluster help` text (printed on stdout; exit status 1).
pub const HELP: &str = "Cluster Manager Commands:
  create         host1:port1 ... hostN:portN
                 --cluster-replicas <arg>
  check          <host:port> or <host> <port> - separated by either colon or space
                 --cluster-search-multiple-owners
  info           <host:port> or <host> <port> - separated by either colon or space
  fix            <host:port> or <host> <port> - separated by either colon or space
                 --cluster-search-multiple-owners
                 --cluster-fix-with-unreachable-masters
  reshard        <host:port> or <host> <port> - separated by either colon or space
                 --cluster-from <arg>
                 --cluster-to <arg>
                 --cluster-slots <arg>
                 --cluster-yes
                 --cluster-timeout <arg>
                 --cluster-pipeline <arg>
                 --cluster-replace
  rebalance      <host:port> or <host> <port> - separated by either colon or space
                 --cluster-weight <node1=w1...nodeN=wN>
                 --cluster-use-empty-masters
                 --cluster-timeout <arg>
                 --cluster-simulate
                 --cluster-pipeline <arg>
                 --cluster-threshold <arg>
                 --cluster-replace
  add-node       new_host:new_port existing_host:existing_port
                 --cluster-slave
                 --cluster-master-id <arg>
  del-node       host:port node_id
  call           host:port command arg arg .. arg
                 --cluster-only-masters
                 --cluster-only-replicas
  set-timeout    host:port milliseconds
  import         host:port
                 --cluster-from <arg>
                 --cluster-from-user <arg>
                 --cluster-from-pass <arg>
                 --cluster-from-askpass
                 --cluster-copy
                 --cluster-replace
  backup         host:port backup_directory
  help           

For check, fix, reshard, del-node, set-timeout, info, rebalance, call, import, backup you can specify the host and port of any working node in the cluster.

Cluster Manager Options:
  --cluster-yes  Automatic yes to cluster commands prompts

";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    fn run(line: &str) -> Compat {
        let args: Vec<String> = std::iter::once("rcluster")
            .chain(line.split_whitespace())
            .map(String::from)
            .collect();
        translate(&args)
    }

    fn native(line: &str) -> String {
        match run(line) {
            Compat::Run { args, .. } => args[1..].join(" "),
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn native_syntax_is_left_alone() {
        assert_eq!(run("check 127.0.0.1:7000"), Compat::Native);
    }

    #[test]
    fn check_and_info_in_both_address_forms() {
        assert_eq!(
            native("--cluster check 127.0.0.1:7000"),
            "--redis-cli-compat check 127.0.0.1:7000"
        );
        assert_eq!(
            native("--cluster check 127.0.0.1 7000"),
            "--redis-cli-compat check 127.0.0.1 7000"
        );
        assert_eq!(
            native("--cluster info 127.0.0.1 7000 extra"),
            "--redis-cli-compat info 127.0.0.1 7000"
        );
    }

    #[test]
    fn options_in_any_position() {
        assert_eq!(
            native("-a secret --cluster check h:1"),
            "--redis-cli-compat check --pass=secret h:1"
        );
        assert_eq!(
            native("--cluster check h 1 -a secret"),
            "--redis-cli-compat check --pass=secret h 1"
        );
        assert_eq!(
            native("--cluster check --cluster-search-multiple-owners h:1"),
            "--redis-cli-compat check --search-multiple-owners h:1"
        );
        assert_eq!(
            native("--cluster-yes --cluster info h:1"),
            "--redis-cli-compat info h:1"
        );
    }

    #[test]
    fn every_general_option_translates() {
        let line = "--cluster check h:1 --user u --pass p --askpass --no-auth-warning --tls --sni s \
                    --cacert c --cacertdir d --cert e --key k --insecure --tls-ciphers x \
                    --tls-ciphersuites y --verbose -t 1.5 -h ignored -p 1 -s sock -n 0 -r 1 -i 1 \
                    -d , -D , -e -c -2 -3 -4 -6 --raw --no-raw --csv --json --quoted-json";
        assert_eq!(
            native(line),
            "--redis-cli-compat check --user=u --pass=p --askpass --no-auth-warning --tls \
             --sni=s --cacert=c --cacertdir=d --cert=e --key=k --insecure --verbose --connect-timeout=1500ms --json h:1"
        );
    }

    #[test]
    fn every_cluster_option_is_accepted_and_unused_ones_dropped() {
        let line = "--cluster check h:1 --cluster-replicas 1 --cluster-yes --cluster-from a --cluster-to b \
                    --cluster-slots 10 --cluster-timeout 5 --cluster-pipeline 10 --cluster-replace \
                    --cluster-weight a=1 b=2 --cluster-use-empty-masters --cluster-simulate \
                    --cluster-threshold 2 --cluster-search-multiple-owners \
                    --cluster-fix-with-unreachable-masters --cluster-slave --cluster-master-id x \
                    --cluster-only-masters --cluster-only-replicas --cluster-from-user u \
                    --cluster-from-pass p --cluster-from-askpass --cluster-copy";
        assert_eq!(
            native(line),
            "--redis-cli-compat check --search-multiple-owners h:1"
        );
    }

    #[test]
    fn numbers_read_as_c_reads_them() {
        assert_eq!(
            (atoi("12abc"), atoi(" -3"), atoi("abc"), atoi("")),
            (12, -3, 0, 0)
        );
        assert_eq!(
            (atof("1.5x"), atof("abc"), atof("-2"), atof("1e2")),
            (1.5, 0.0, -2.0, 100.0)
        );
        assert_eq!(
            native("--cluster rebalance h:1 --cluster-threshold abc --cluster-weight ab=x cd=2.5q"),
            "--redis-cli-compat rebalance --threshold=0 --weight=ab=0 --weight=cd=2.5 h:1"
        );
        assert_eq!(
            native(
                "--cluster reshard h:1 --cluster-slots 0 --cluster-timeout -5 --cluster-pipeline 0"
            ),
            "--redis-cli-compat reshard --migrate-timeout=1000 --pipeline=1 h:1"
        );
        assert_eq!(
            native("--cluster create h:1 h:2 --cluster-replicas 1x"),
            "--redis-cli-compat create --replicas=1 h:1 h:2"
        );
    }

    #[test]
    fn uri_gives_credentials_and_tls() {
        assert_eq!(
            native("-u rediss://bob:pw@h:1/0 --cluster info h:1"),
            "--redis-cli-compat info --tls --user=bob --pass=pw h:1"
        );
        match run("-u redis://:pw@h:1 --cluster info h:1") {
            Compat::Run { args } => {
                let secrets = crate::cli::secrets::secrets(&args);
                assert!(secrets.iter().any(|s| s.warned), "warned about as -u");
                assert_eq!(args[3..], ["--pass=pw", "h:1"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_match_redis_cli() {
        let fail = |line: &str| match run(line) {
            Compat::Fail { message, status } => (message, status),
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(
            fail("--cluster bogus h:1").0,
            "Unknown --cluster subcommand"
        );
        assert_eq!(
            fail("--cluster check").0,
            "[ERR] Wrong number of arguments for specified --cluster sub command"
        );
        assert_eq!(
            fail("--cluster check h:1 --frobnicate").0,
            "Unrecognized option or bad number of args for: '--frobnicate'"
        );
        assert_eq!(fail("--cluster check h:1 -a").1, 1);
        assert!(
            fail("--cluster rebalance h:1 --cluster-weight a=1 --cluster-weight b=2")
                .0
                .contains("more than once")
        );
        assert_eq!(fail("--cluster").1, 1);
        assert_eq!(fail("--cluster check h:1 --cluster info h:1").1, 1);
        assert_eq!(
            native("--cluster call h:1 CONFIG GET x --cluster-only-masters"),
            "--redis-cli-compat call --only-masters h:1 CONFIG GET x"
        );
        assert_eq!(
            native("--cluster set-timeout h:1 5000"),
            "--redis-cli-compat set-timeout h:1 5000"
        );
        assert_eq!(
            native("--cluster set-timeout h:1 abc"),
            "--redis-cli-compat set-timeout h:1 0"
        );
        let (message, status) = fail("--cluster import h:1 --cluster-yes");
        assert_eq!(status, 1);
        assert!(
            message.contains("'--cluster-from' is required"),
            "{message}"
        );
        assert_eq!(
            native("--cluster backup h:1 /tmp/b"),
            "--redis-cli-compat backup h:1 /tmp/b"
        );
        assert_eq!(run("--cluster help"), Compat::Help);
    }

    #[test]
    fn value_options_take_the_next_argument_whatever_it_is() {
        assert_eq!(
            native("--cluster check h:1 -a -dash-"),
            "--redis-cli-compat check --pass=-dash- h:1"
        );
    }

    proptest::proptest! {
        /// Any command line made of redis-cli's words, hostile values and noise is translated or
        /// refused, never a panic; the secret scan never points outside the arguments.
        #[test]
        fn fuzz_redis_cli_lines_never_panic(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![
                        "--cluster", "create", "check", "info", "fix", "reshard", "rebalance",
                        "add-node", "del-node", "call", "set-timeout", "import", "backup", "help",
                        "--cluster-from", "--cluster-to", "--cluster-slots", "--cluster-yes",
                        "--cluster-weight", "--cluster-replicas", "--cluster-threshold",
                        "--cluster-pipeline", "--cluster-timeout", "--cluster-from-pass",
                        "--cluster-only-masters", "-a", "-u", "-h", "-p", "-t", "--tls", "--user",
                        "--pass", "--", "-", "127.0.0.1", "7000", "127.0.0.1:7000", "a=1", "-1",
                        "1e400", "nan", "abc", "", "redis://u:p@h:1", "rediss://:p@h:1/0",
                        "redis://", "--pass=", "-ax",
                    ]).prop_map(String::from),
                    "\\PC{0,12}",
                ],
                0..12,
            ),
        ) {
            let args: Vec<String> = std::iter::once("rcluster".to_string()).chain(words).collect();
            let _ = translate(&args);
            for secret in crate::cli::secrets::secrets(&args) {
                proptest::prop_assert!(secret.index < args.len());
                let end = secret.end.unwrap_or(args[secret.index].len());
                proptest::prop_assert!(secret.from <= end && end <= args[secret.index].len());
            }
        }
    }
}

#[cfg(test)]
mod native_names;
