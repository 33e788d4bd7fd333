//! `import`'s command line, turned into [`crate::commands::import::Options`].

use crate::commands::import::{Options, Source};
use crate::error::UsageError;
use crate::net::{Flags, NodeAddress, TlsOptions};
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["from", "from_cluster"])))]
pub struct ImportArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The standalone server to import from (HOST:PORT).
    #[arg(long, value_name = "HOST:PORT")]
    pub from: Option<String>,
    /// Another cluster to import from, through any of its nodes: every master is read at once.
    #[arg(long, value_name = "HOST:PORT")]
    pub from_cluster: Option<String>,
    /// The source's database [default: 0 for --from; every one that holds keys for --from-cluster].
    #[arg(long, value_name = "N")]
    pub from_db: Option<u16>,
    /// The cluster's database the keys go to [default: the source's number].
    #[arg(long, value_name = "N")]
    pub to_db: Option<u16>,
    /// The source's ACL user.
    #[arg(long, value_name = "USER")]
    pub from_user: Option<String>,
    /// The source's password.
    #[arg(long, value_name = "PASSWORD")]
    pub from_pass: Option<String>,
    /// Read the source's password from the terminal.
    #[arg(long)]
    pub from_askpass: bool,
    /// Copy: leave the keys on the source too.
    #[arg(long)]
    pub copy: bool,
    /// Overwrite keys that already exist in the cluster.
    #[arg(long)]
    pub replace: bool,
    /// MIGRATE's timeout: `60s`, or milliseconds.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, value_name = "TIME")]
    pub migrate_timeout: Duration,
    #[command(flatten)]
    pub from_tls: FromTlsArgs,
    #[command(flatten)]
    pub lock: super::lock::LockArgs,
}

/// The source's own TLS settings; without `--from-tls` the source is reached as the cluster is.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Source TLS")]
pub struct FromTlsArgs {
    /// Connect to the source with TLS, with the `--from-*` settings below (not the cluster's).
    #[arg(long)]
    pub from_tls: bool,
    /// CA certificate file to verify the source (with --from-tls).
    #[arg(long, value_name = "FILE")]
    pub from_cacert: Option<PathBuf>,
    /// Folder of CA certificates to verify the source (with --from-tls).
    #[arg(long, value_name = "DIR")]
    pub from_cacertdir: Option<PathBuf>,
    /// Client certificate shown to the source (with --from-tls and --from-key).
    #[arg(long, value_name = "FILE")]
    pub from_cert: Option<PathBuf>,
    /// Client private key for the source (with --from-tls and --from-cert).
    #[arg(long, value_name = "FILE")]
    pub from_key: Option<PathBuf>,
    /// Server name to send in the TLS handshake with the source.
    #[arg(long, value_name = "NAME")]
    pub from_sni: Option<String>,
    /// Do not verify the source's certificates.
    #[arg(long)]
    pub from_insecure: bool,
}

impl FromTlsArgs {
    /// The source's TLS settings, or `None` to reach it as the cluster is.
    fn options(&self) -> Result<Option<TlsOptions>, UsageError> {
        let given = TlsOptions {
            cacert: self.from_cacert.clone(),
            cacertdir: self.from_cacertdir.clone(),
            cert: self.from_cert.clone(),
            key: self.from_key.clone(),
            sni: self.from_sni.clone(),
            insecure: self.from_insecure,
        };
        TlsOptions::from_flags(self.from_tls, given, Flags::ImportSource).map_err(UsageError)
    }
}

impl ImportArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, None)?,
            from: match (&self.from, &self.from_cluster) {
                (Some(server), _) => Source::Server(NodeAddress::parse(server, None)?),
                (None, Some(cluster)) => Source::Cluster(NodeAddress::parse(cluster, None)?),
                (None, None) => unreachable!("clap requires one of them"),
            },
            from_db: self.from_db,
            to_db: self.to_db,
            from_user: self.from_user.clone(),
            from_pass: self.from_pass.clone(),
            from_askpass: self.from_askpass,
            from_tls: self.from_tls.options()?,
            copy: self.copy,
            replace: self.replace,
            migrate_timeout: self.migrate_timeout,
        })
    }
}
