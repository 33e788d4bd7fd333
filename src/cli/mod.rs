//! The command line: [`args`] (native clap definitions), [`compat`] (redis-cli syntax rewritten into
//! native arguments) and [`run`], which parses, builds the session, dispatches to a command and turns
//! the outcome into an exit status, printing any error once.

pub mod args;
pub mod compat;

use crate::commands::{self, Context};
use crate::error::{Exit, UsageError};
use crate::net::{AddressError, ConnectOptions, Secret, Session, TlsOptions};
use crate::output::Output;
use args::{Cli, Command, GlobalArgs};
use clap::Parser;
use std::sync::Arc;

/// Runs rcluster with `args` (program name first) and returns the process exit status.
pub async fn run(args: Vec<String>) -> i32 {
    let (args, password_on_command_line, translated) = match compat::translate(&args) {
        compat::Compat::Native => (args, false, false),
        compat::Compat::Run {
            args,
            password_on_command_line,
        } => (args, password_on_command_line, true),
        compat::Compat::Help => {
            crate::output::write_stdout(compat::HELP);
            return 1;
        }
        compat::Compat::Fail { message, status } => {
            eprintln!("{message}");
            return status;
        }
    };
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // redis-cli knows only 0 and 1.
            return match (error.use_stderr(), translated) {
                (false, _) => 0,
                (true, true) => 1,
                (true, false) => 2,
            };
        }
    };
    let compat = cli.global.redis_cli_compat;
    if compat && password_on_command_line && !cli.global.no_auth_warning {
        eprintln!(
            "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe."
        );
    }
    let exit = match execute(cli).await {
        Ok(exit) => exit,
        Err(error) => {
            report_error(&error, compat);
            Exit::Error
        }
    };
    match (compat, exit) {
        (true, Exit::Error) => 1,
        (_, exit) => exit.code(),
    }
}

fn report_error(error: &anyhow::Error, compat: bool) {
    if compat && error.downcast_ref::<AddressError>().is_some() {
        eprintln!(
            "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)"
        );
    } else if compat && error.downcast_ref::<UsageError>().is_some() {
        eprintln!("{error}");
    } else if compat {
        eprintln!("[ERR] {error:#}");
    } else {
        eprintln!("rcluster: error: {error:#}");
    }
}

async fn execute(cli: Cli) -> anyhow::Result<Exit> {
    let output = Output::new(
        cli.global.json,
        cli.global.redis_cli_compat,
        cli.global.quiet,
        cli.global.verbose,
        cli.global.no_color,
    );
    if let Command::Completions { shell } = cli.command {
        return Ok(commands::completions::run(shell));
    }
    let context = Context {
        session: Arc::new(Session::new(connect_options(&cli.global)?)),
        output,
    };
    match &cli.command {
        Command::Create(args) => commands::create::run(&context, args).await,
        Command::Check(args) => commands::check::run(&context, args).await,
        Command::Info(args) => commands::info::run(&context, args).await,
        Command::AddNode(args) => commands::add_node::run(&context, args).await,
        Command::Call(args) => commands::call::run(&context, args).await,
        Command::DelNode(args) => commands::del_node::run(&context, args).await,
        Command::SetTimeout(args) => commands::set_timeout::run(&context, args).await,
        Command::Apply(args) => commands::apply::run(&context, args).await,
        Command::Rebalance(args) => commands::rebalance::run(&context, args).await,
        Command::Resume(args) => commands::resume::run(&context, args).await,
        Command::Fix(args) => commands::fix::run(&context, args).await,
        Command::Doctor(args) => commands::doctor::run(&context, args).await,
        Command::Import(args) => commands::import::run(&context, args).await,
        Command::Backup(args) => commands::backup::run(&context, args).await,
        Command::Reshard(args) => commands::reshard::run(&context, args).await,
        Command::Setslot(args) => commands::setslot::run(&context, args).await,
        Command::Local(args) => commands::local::run(&context, args).await,
        Command::Completions { .. } => unreachable!("handled above"),
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
    if global.user.is_some() && password.is_none() {
        return Err(UsageError(
            "--user needs a password: add -a/--pass, REDISCLI_AUTH or --askpass".into(),
        )
        .into());
    }
    let tls_file_options = global.cacert.is_some()
        || global.cacertdir.is_some()
        || global.cert.is_some()
        || global.key.is_some()
        || global.sni.is_some()
        || global.insecure;
    if tls_file_options && !global.tls {
        return Err(UsageError(
            "--cacert, --cacertdir, --cert, --key, --sni and --insecure need --tls".into(),
        )
        .into());
    }
    let tls = global.tls.then(|| TlsOptions {
        cacert: global.cacert.clone(),
        cacertdir: global.cacertdir.clone(),
        cert: global.cert.clone(),
        key: global.key.clone(),
        sni: global.sni.clone(),
        insecure: global.insecure,
    });
    Ok(ConnectOptions {
        user: global.user.clone(),
        password,
        tls,
        connect_timeout: global.connect_timeout,
        command_timeout: global.timeout,
    })
}
