//! The translation table against the native command line: every native name the table gives (each
//! subcommand, each option a `--cluster-*` or general option becomes) parses with clap, natively
//! and as the table's translation produces it, and every option a subcommand lists is one some
//! redis-cli option becomes. A row that does not parse is a flag the native CLI lacks.

use super::*;
use crate::cli::args::Cli;
use clap::Parser;

/// Positional arguments that satisfy each subcommand's arity.
fn positionals(subcommand: &str) -> &'static [&'static str] {
    match subcommand {
        "create" => &[
            "127.0.0.1:7000",
            "127.0.0.1:7001",
            "127.0.0.1:7002",
            "127.0.0.1:7003",
            "127.0.0.1:7004",
            "127.0.0.1:7005",
        ],
        "add-node" => &["127.0.0.1:7006", "127.0.0.1:7000"],
        "del-node" => &["127.0.0.1:7000", "455c96e21c819466b6e3920fa4f1da92d8c51e50"],
        "call" => &["127.0.0.1:7000", "DBSIZE"],
        "set-timeout" => &["127.0.0.1:7000", "5000"],
        "backup" => &["127.0.0.1:7000", "/tmp/backup"],
        _ => &["127.0.0.1:7000"],
    }
}

/// A redis-cli value for an option of this translation (`None` for a flag).
fn redis_cli_value(name: &str, translation: Translation) -> Option<&'static str> {
    match (name, translation) {
        (_, Flag(_) | IgnoreFlag | Unsupported) => None,
        ("--cluster-from", _) => Some("127.0.0.1:6379"),
        ("--cluster-to" | "--cluster-master-id", _) => {
            Some("455c96e21c819466b6e3920fa4f1da92d8c51e50")
        }
        (_, Integer(..)) => Some("10"),
        (_, Float(_)) => Some("2.5"),
        (_, Weight) => Some("455c96e2=2"),
        ("-u", _) => Some("redis://user:secret@127.0.0.1:7000"),
        ("-t", _) => Some("1.5"),
        _ => Some("value"),
    }
}

/// The native option a translation gives, without its value.
fn native_name(translation: Translation) -> Option<&'static str> {
    match translation {
        Flag(native) | Value(native) | Integer(native, _) | Float(native) => {
            Some(native.split('=').next().unwrap_or(native))
        }
        Weight => Some("--weight"),
        _ => None,
    }
}

fn parse(args: &[String]) -> Result<Cli, String> {
    Cli::try_parse_from(args).map_err(|e| format!("{}\n{e}", args.join(" ")))
}

#[test]
fn every_subcommand_parses_natively_and_translated() {
    for sub in SUBCOMMANDS.iter().filter(|s| s.name != "help") {
        let mut native: Vec<String> = vec!["rcluster".into(), sub.name.into()];
        native.extend(positionals(sub.name).iter().map(|p| p.to_string()));
        if sub.name == "import" {
            native.push("--from=127.0.0.1:6379".into());
        }
        parse(&native).unwrap();

        let mut line: Vec<String> = vec!["rcluster".into(), "--cluster".into(), sub.name.into()];
        line.extend(positionals(sub.name).iter().map(|p| p.to_string()));
        if sub.name == "import" {
            line.extend(["--cluster-from".into(), "127.0.0.1:6379".into()]);
        }
        match translate(&line) {
            Compat::Run { args } => {
                parse(&args).unwrap();
            }
            other => panic!("{}: {other:?}", line.join(" ")),
        }
    }
}

#[test]
fn every_option_of_the_table_parses_with_every_subcommand_that_takes_it() {
    let mut failures = Vec::new();
    for sub in SUBCOMMANDS.iter().filter(|s| s.name != "help") {
        for &(name, translation) in OPTIONS {
            let Some(native) = native_name(translation) else {
                continue;
            };
            if !GLOBAL.contains(&native) && !sub.options.contains(&native) {
                continue;
            }
            let mut line: Vec<String> =
                vec!["rcluster".into(), "--cluster".into(), sub.name.into()];
            line.extend(positionals(sub.name).iter().map(|p| p.to_string()));
            if sub.name == "import" && name != "--cluster-from" {
                line.extend(["--cluster-from".into(), "127.0.0.1:6379".into()]);
            }
            line.push(name.into());
            line.extend(redis_cli_value(name, translation).map(String::from));
            let Compat::Run { args } = translate(&line) else {
                failures.push(format!("{}: not translated", line.join(" ")));
                continue;
            };
            if !args
                .iter()
                .any(|a| a == native || a.starts_with(&format!("{native}=")))
            {
                failures.push(format!(
                    "{}: {native} dropped from {args:?}",
                    line.join(" ")
                ));
            }
            if let Err(error) = parse(&args) {
                failures.push(error);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_native_option_a_subcommand_lists_comes_from_the_table_and_parses() {
    let mut failures = Vec::new();
    for sub in SUBCOMMANDS.iter().filter(|s| s.name != "help") {
        for &native in sub.options.iter().chain(GLOBAL) {
            let from = OPTIONS
                .iter()
                .find(|(_, t)| native_name(*t) == Some(native))
                .or_else(|| {
                    (native == "--connect-timeout").then_some(&("-t", ConnectTimeoutSeconds))
                });
            let Some(&(name, translation)) = from else {
                failures.push(format!("{}: {native} is in no row of OPTIONS", sub.name));
                continue;
            };
            // Natively, as a user would type it.
            let mut args: Vec<String> = vec!["rcluster".into(), sub.name.into()];
            if sub.name == "import" && native != "--from" {
                args.push("--from=127.0.0.1:6379".into());
            }
            match (translation, redis_cli_value(name, translation)) {
                (Flag(full), _) => args.push(full.into()),
                (ConnectTimeoutSeconds, _) => args.push("--connect-timeout=1500ms".into()),
                (Weight, Some(value)) => args.push(format!("--weight={value}")),
                (_, Some(value)) => args.push(format!("{native}={value}")),
                (_, None) => args.push(native.into()),
            }
            args.extend(positionals(sub.name).iter().map(|p| p.to_string()));
            if let Err(error) = parse(&args) {
                failures.push(error);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_cluster_option_docs_compat_names_is_in_the_table() {
    let doc = include_str!("../../../docs/compat.md");
    let mentioned: std::collections::BTreeSet<&str> = doc
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with("--cluster-"))
        // `--cluster-OPTION` stands for any of them.
        .filter(|word| !word.bytes().any(|b| b.is_ascii_uppercase()))
        .collect();
    assert!(!mentioned.is_empty());
    for option in mentioned {
        assert!(
            OPTIONS.iter().any(|(name, _)| *name == option),
            "docs/compat.md names {option}, which the table does not translate"
        );
    }
}
