//! The command line: [`args`] (native clap definitions), [`compat`] (redis-cli syntax rewritten into
//! native arguments), [`host_port`] (`HOST PORT` joined where an address goes), [`secrets`] (where
//! passwords are on the command line) and [`run`], which
//! parses, builds the session, dispatches to a command and turns the outcome into an exit status; the
//! one printer shows the outcome or the error, once.

pub mod args;
pub mod auth_file;
pub mod compat;
pub mod completions;
pub mod host_port;
pub mod secrets;

use crate::commands::{self, Context, Syntax};
use crate::error::{Exit, UsageError};
use crate::net::{ConnectOptions, Secret, Session, TlsOptions};
use crate::output::{EventsFormat, Mode, Printer};
use crate::report::Outcome;
use args::{Cli, Command, GlobalArgs};
use clap::Parser;
use std::sync::Arc;

/// Runs rcluster with `args` (program name first) and returns the process exit status.
pub async fn run(args: Vec<String>) -> i32 {
    let (args, translated) = match compat::translate(&args) {
        compat::Compat::Native => (host_port::join_host_port(args), false),
        compat::Compat::Run { args } => (args, true),
        compat::Compat::Help => {
            early_printer(&args).print_raw(compat::HELP);
            return 1;
        }
        compat::Compat::Fail { message, status } => {
            early_printer(&args).print_usage_error(&command_word(&args), &message);
            return status;
        }
    };
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => return usage_error(&args, error, translated),
    };
    let printer = Arc::new(printer_for(&cli.global));
    let compat = cli.global.redis_cli_compat;
    // The native arguments: redis-cli's `-a` and `-u` have become `--pass` by now.
    let warned = secrets::secrets(&args).iter().any(|s| s.warned);
    if warned && !cli.global.no_auth_warning {
        printer.print_warning(
            "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.",
        );
    }
    let command = cli.command.name();
    let exit = match execute(cli, Arc::clone(&printer)).await {
        Ok(outcome) => {
            printer.print_outcome(command, &outcome);
            outcome.exit
        }
        Err(error) => {
            printer.print_error(command, &error);
            crate::output::errors::exit_of(&error)
        }
    };
    match (compat, exit) {
        (true, Exit::Error) => 1,
        (_, exit) => exit.code(),
    }
}

/// A parse error (or `--help`, `--version`): clap's text; with `--json`, also one error document.
fn usage_error(args: &[String], error: clap::Error, translated: bool) -> i32 {
    let is_error = error.use_stderr();
    if is_error && args.iter().any(|a| a == "--json") {
        let text = error.render().to_string();
        let first = text
            .lines()
            .take_while(|l| !l.starts_with("Usage:"))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        early_printer(args).print_usage_error(&command_word(args), &first);
        return if translated { 1 } else { 2 };
    }
    let _ = error.print();
    // redis-cli knows only 0 and 1.
    match (is_error, translated) {
        (false, _) => 0,
        (true, true) => 1,
        (true, false) => 2,
    }
}

/// The subcommand word of a command line that did not parse (for its JSON error document).
fn command_word(args: &[String]) -> String {
    args.iter()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_default()
}

/// A printer for output before the options are parsed: JSON if `--json` appears anywhere.
fn early_printer(args: &[String]) -> Printer {
    let mode = if args.iter().any(|a| a == "--json") {
        Mode::Json
    } else {
        Mode::Human
    };
    Printer::new(mode, EventsFormat::Text, false, 0, true)
}

/// The one printer, from the output options.
fn printer_for(global: &GlobalArgs) -> Printer {
    let mode = match (global.json, global.redis_cli_compat) {
        (true, _) => Mode::Json,
        (false, true) => Mode::RedisCli,
        (false, false) => Mode::Human,
    };
    Printer::new(
        mode,
        global.events.unwrap_or(EventsFormat::Text),
        global.quiet,
        global.verbose,
        global.no_color,
    )
}

async fn execute(cli: Cli, printer: Arc<Printer>) -> anyhow::Result<Outcome> {
    if let Command::Completions { shell } = cli.command {
        return Ok(completions::run(shell));
    }
    let context = Context {
        session: Arc::new(Session::new(connect_options(&cli.global)?)),
        ui: printer,
        syntax: if cli.global.redis_cli_compat {
            Syntax::RedisCli
        } else {
            Syntax::Native
        },
        break_lock: cli.command.break_lock(),
    };
    match &cli.command {
        Command::Create(args) => commands::create::run(&context, &args.options()?).await,
        Command::Check(args) => commands::check::run(&context, &args.options()?).await,
        Command::Info(args) => {
            let replicas = cli.global.verbose > 0 && !context.redis_cli();
            commands::info::run(&context, &args.options(replicas)?).await
        }
        Command::AddNode(args) => commands::add_node::run(&context, &args.options()?).await,
        Command::Call(args) => commands::call::run(&context, &args.options()?).await,
        Command::DelNode(args) => commands::del_node::run(&context, &args.options()?).await,
        Command::SetTimeout(args) => commands::set_timeout::run(&context, &args.options()?).await,
        Command::Apply(args) => commands::apply::run(&context, &args.options()?).await,
        Command::Rebalance(args) => commands::rebalance::run(&context, &args.options()?).await,
        Command::Resume(args) => commands::resume::run(&context, &args.options()?).await,
        Command::Fix(args) => commands::fix::run(&context, &args.options()?).await,
        Command::Doctor(args) => commands::doctor::run(&context, &args.options()?).await,
        Command::Import(args) => commands::import::run(&context, &args.options()?).await,
        Command::Backup(args) => commands::backup::run(&context, &args.options()?).await,
        Command::Restore(args) => commands::restore::run(&context, &args.options()?).await,
        Command::Failover(args) => commands::failover::run(&context, &args.options()?).await,
        Command::Metrics(args) => commands::metrics::run(&context, &args.options()?).await,
        Command::Watch(args) => commands::watch::run(&context, &args.options()?).await,
        Command::Reshard(args) => {
            commands::reshard::run(&context, &args.options(context.redis_cli())?).await
        }
        Command::Setslot(args) => commands::setslot::run(&context, &args.options()?).await,
        Command::Local(args) => commands::local::run(&context, &args.options()?).await,
        Command::Completions { .. } => unreachable!("handled above"),
    }
}

/// The credentials file to read: `--auth-file`, or the default one when it exists and no password was
/// given otherwise.
fn credentials_file(
    global: &GlobalArgs,
    have_password: bool,
) -> Result<Option<std::path::PathBuf>, UsageError> {
    match (&global.auth_file, have_password) {
        (Some(_), true) => Err(UsageError(
            "--auth-file and a password (-a/--pass or REDISCLI_AUTH) were both given: keep one"
                .into(),
        )),
        (Some(file), false) => Ok(Some(file.clone())),
        (None, true) => Ok(None),
        (None, false) => Ok(auth_file::default_path().filter(|path| path.exists())),
    }
}

/// Credentials, TLS and timeouts from the global options.
fn connect_options(global: &GlobalArgs) -> anyhow::Result<ConnectOptions> {
    let mut password = global
        .pass
        .clone()
        .filter(|p| !p.is_empty())
        .map(Secret::new);
    if global.askpass {
        let typed = rpassword::prompt_password("Please input password: ").map_err(|e| {
            UsageError(format!(
                "--askpass could not read a password from the terminal: {e}"
            ))
        })?;
        password = Some(Secret::new(typed));
    }
    let mut user = global.user.clone();
    if let Some(file) = credentials_file(global, password.is_some())? {
        let credentials = auth_file::load(&file).map_err(|e| UsageError(e.to_string()))?;
        user = user.or(credentials.user);
        password = Some(credentials.password);
    }
    if user.is_some() && password.is_none() {
        return Err(UsageError(
            "--user needs a password: add -a/--pass, REDISCLI_AUTH, --askpass or --auth-file"
                .into(),
        )
        .into());
    }
    let given = TlsOptions {
        cacert: global.cacert.clone(),
        cacertdir: global.cacertdir.clone(),
        cert: global.cert.clone(),
        key: global.key.clone(),
        sni: global.sni.clone(),
        insecure: global.insecure,
    };
    let tls = TlsOptions::from_flags(global.tls, given, crate::net::Flags::Cluster)
        .map_err(UsageError)?;
    Ok(ConnectOptions {
        user,
        password,
        tls,
        connect_timeout: global.connect_timeout,
        command_timeout: global.timeout,
        flags: crate::net::Flags::Cluster,
    })
}
