//! [`NetError`]: why talking to a node failed, classified from redis-rs's errors, with advice that
//! names the command-line flags of the session concerned ([`Flags`]: the cluster's, or `import`'s
//! source's `--from-*`). Built by the rest of `net` only; matched by the printer and `error`.

use super::{ConnectOptions, NodeAddress};
use std::time::Duration;

/// Whose command-line flags a session's errors name: the cluster's (`--tls`, `--cacert`, `-a`...)
/// or `import`'s source's (`--from-tls`, `--from-cacert`, `--from-pass`...).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flags {
    #[default]
    Cluster,
    ImportSource,
}

impl Flags {
    /// A TLS flag's name for this side: `--cacert` or `--from-cacert`.
    pub fn tls(self, name: &str) -> String {
        match self {
            Flags::Cluster => format!("--{name}"),
            Flags::ImportSource => format!("--from-{name}"),
        }
    }

    /// Where this side's credentials come from.
    fn credentials(self) -> &'static str {
        match self {
            Flags::Cluster => "-a/--pass, REDISCLI_AUTH and --user",
            Flags::ImportSource => "--from-pass, --from-askpass and --from-user",
        }
    }
}

/// Why talking to a node failed. Messages say what to do and never contain credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error(
        "could not connect to {address}: {reason}{}; check the address and that the node is running",
        .hint.advice(*.flags)
    )]
    Connect {
        address: String,
        reason: String,
        hint: ConnectHint,
        flags: Flags,
    },
    #[error(
        "{address} presented a TLS certificate rcluster does not trust: {}",
        certificate_advice(.reason, *.flags)
    )]
    Certificate {
        address: String,
        reason: String,
        flags: Flags,
    },
    #[error("{address} did not answer within {timeout_ms} ms ({what}); {}", timeout_advice(.what, *.flags))]
    Timeout {
        address: String,
        what: String,
        timeout_ms: u128,
        flags: Flags,
    },
    #[error("authentication to {address} failed: {}; check {}", .reason.trim_end_matches('.'), .flags.credentials())]
    Auth {
        address: String,
        reason: String,
        flags: Flags,
    },
    #[error(
        "{address} is not configured as a cluster node (cluster-enabled no); start it with cluster-enabled yes"
    )]
    NotCluster { address: String },
    #[error("{address} replied with error: {message}")]
    Server { address: String, message: String },
    #[error(
        "{address} closed the connection during {what} ({reason}), or sent what is not a Redis reply; the node may have restarted, or {}",
        .transport.closed_advice()
    )]
    Closed {
        address: String,
        what: String,
        reason: String,
        /// How rcluster spoke to the node, which decides the likely cause.
        transport: Transport,
    },
    #[error("{address}: unexpected reply to {what}")]
    Protocol { address: String, what: String },
}

/// What a failed connection's reason suggests, beyond checking the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectHint {
    None,
    /// The TLS layer failed: the CA is the usual cause.
    TlsCa,
    /// The node hung up at once: it may speak only TLS.
    MaybeTlsOnly,
}

impl ConnectHint {
    fn advice(self, flags: Flags) -> String {
        match self {
            ConnectHint::None => String::new(),
            ConnectHint::TlsCa => format!(
                " (TLS: pass the CA with {}, or {})",
                flags.tls("cacert"),
                flags.tls("insecure")
            ),
            ConnectHint::MaybeTlsOnly => {
                format!(" (if the node only speaks TLS, add {})", flags.tls("tls"))
            }
        }
    }
}

/// How a session reaches its nodes: plain or TLS, with a client certificate or not (what a node
/// that hangs up right away most likely wants), and whose flags set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    pub link: Link,
    pub flags: Flags,
}

/// The kind of connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Plain,
    Tls,
    TlsWithClientCertificate,
}

impl Transport {
    pub(super) fn of(options: &ConnectOptions) -> Transport {
        let link = match &options.tls {
            None => Link::Plain,
            Some(tls) if tls.cert.is_some() => Link::TlsWithClientCertificate,
            Some(_) => Link::Tls,
        };
        Transport {
            link,
            flags: options.flags,
        }
    }

    fn closed_advice(self) -> String {
        let flag = |name| self.flags.tls(name);
        match self.link {
            Link::Plain => format!(
                "it is not a Redis server, or it speaks only TLS (add {})",
                flag("tls")
            ),
            Link::Tls => format!(
                "it asks clients for a certificate (tls-auth-clients yes: add {} and {})",
                flag("cert"),
                flag("key")
            ),
            Link::TlsWithClientCertificate => format!(
                "it refused the client certificate (check that {} and {} are signed by a CA the node trusts)",
                flag("cert"),
                flag("key")
            ),
        }
    }

    /// `error` as this session's: its flags named in the advice, and a hang-up explained by how
    /// the session connects. Every error leaving a [`super::Session`] or a
    /// [`super::NodeClient`] passes here.
    pub(super) fn explain(self, error: NetError) -> NetError {
        let mut error = error;
        match &mut error {
            NetError::Closed { transport, .. } => *transport = self,
            NetError::Connect { flags, .. }
            | NetError::Certificate { flags, .. }
            | NetError::Timeout { flags, .. }
            | NetError::Auth { flags, .. } => *flags = self.flags,
            NetError::NotCluster { .. } | NetError::Server { .. } | NetError::Protocol { .. } => {}
        }
        error
    }
}

impl NetError {
    /// For a connection that failed, its reason in hiredis's words (`Connection refused`, without the
    /// OS error number), as redis-cli prints it after `Could not connect to Redis at H:P: `.
    pub fn hiredis_reason(&self) -> Option<&str> {
        match self {
            NetError::Connect { reason, .. } => reason.split(" (os error").next(),
            _ => None,
        }
    }

    pub(super) fn classify(
        address: &NodeAddress,
        what: &str,
        error: redis::RedisError,
        timeout: Duration,
    ) -> NetError {
        let address = address.to_string();
        let text = error.to_string();
        let upper = text.to_ascii_uppercase();
        if error.is_timeout() {
            NetError::Timeout {
                address,
                what: what.to_string(),
                timeout_ms: timeout.as_millis(),
                flags: Flags::default(),
            }
        } else if upper.contains("NOAUTH")
            || upper.contains("WRONGPASS")
            || upper.contains("INVALID PASSWORD")
            || upper.contains("AUTH")
                && (upper.contains("CALLED WITHOUT ANY PASSWORD") || upper.contains("NOPERM"))
        {
            NetError::Auth {
                address,
                reason: server_error_text(&error)
                    .or_else(|| first_pipeline_error(&text))
                    .unwrap_or_else(|| first_line(&text)),
                flags: Flags::default(),
            }
        } else if upper.contains("CLUSTER SUPPORT DISABLED") {
            NetError::NotCluster { address }
        } else if let Some(message) = server_error_text(&error) {
            NetError::Server { address, message }
        } else if upper.contains("INVALID PEER CERTIFICATE") {
            NetError::Certificate {
                address,
                reason: first_line(&text),
                flags: Flags::default(),
            }
        } else if upper.contains("CERTIFICATE")
            || upper.contains("TLS")
            || upper.contains("HANDSHAKE")
        {
            NetError::Connect {
                address,
                reason: first_line(&text),
                hint: ConnectHint::TlsCa,
                flags: Flags::default(),
            }
        } else if error.is_io_error()
            && !what.ends_with("connect")
            && !error.is_connection_refusal()
        {
            NetError::Closed {
                address,
                what: what.to_string(),
                reason: first_line(&text),
                transport: Transport {
                    link: Link::Plain,
                    flags: Flags::default(),
                },
            }
        } else if error.is_io_error() || error.is_connection_refusal() {
            let hint = if upper.contains("BROKEN PIPE") || upper.contains("RESET") {
                ConnectHint::MaybeTlsOnly
            } else {
                ConnectHint::None
            };
            NetError::Connect {
                address,
                reason: first_line(&text),
                hint,
                flags: Flags::default(),
            }
        } else {
            NetError::Server {
                address,
                message: first_line(&text),
            }
        }
    }
}

/// What a certificate the TLS library refused means, and what to do, by the library's reason.
fn certificate_advice(reason: &str, flags: Flags) -> String {
    let upper = reason.to_uppercase();
    let (cacert, cacertdir, insecure) = (
        flags.tls("cacert"),
        flags.tls("cacertdir"),
        flags.tls("insecure"),
    );
    let advice = if upper.contains("EXPIRED") || upper.contains("NOTVALIDYET") {
        "it has expired or is not valid yet: renew the node's certificate (or check this host's clock)".to_string()
    } else if upper.contains("NOTVALIDFORNAME") {
        format!(
            "it does not name the host connected to: connect by a name it holds, or name one with {}",
            flags.tls("sni")
        )
    } else if upper.contains("BADSIGNATURE") || upper.contains("UNKNOWNISSUER") {
        format!(
            "it is not signed by the CA given: pass the CA that signed it with {cacert} or {cacertdir} (or {insecure} to skip the check)"
        )
    } else {
        format!(
            "pass the CA that signed it with {cacert} or {cacertdir}, or {insecure} to skip the check"
        )
    };
    format!("{advice} ({reason})")
}

/// What to do about a time-out, by the bound that applied.
fn timeout_advice(what: &str, flags: Flags) -> String {
    match what {
        "connect" => {
            "the node may be down or firewalled (raise --connect-timeout to wait longer)".into()
        }
        "TLS connect" => format!(
            "a node that speaks plain TCP never answers a TLS handshake: drop {} if it has no TLS port (or raise --connect-timeout)",
            flags.tls("tls")
        ),
        "AUTH" => {
            "the node may be hung or overloaded (raise --connect-timeout to wait longer)".into()
        }
        _ => "the node may be hung or overloaded (raise --timeout to wait longer)".into(),
    }
}

/// A server's error reply as the server wrote it (`ERR unknown command ...`, `MOVED 6657 h:p`), or
/// `None` when the error did not come from the server.
pub fn server_error_text(error: &redis::RedisError) -> Option<String> {
    let code = error.code()?;
    Some(match error.detail() {
        Some(detail) => format!("{code} {detail}"),
        None => code.to_string(),
    })
}

/// The first server error inside redis-rs's `Pipeline failures: [(Index 0, error: "CODE": detail), ...]`,
/// as the server wrote it (`CODE detail`).
fn first_pipeline_error(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("error: \"")?;
    let (code, rest) = rest.split_once('"')?;
    let detail = rest.trim_start_matches(':').trim_start();
    let detail = detail.split("), (").next()?.trim_end_matches(")]").trim();
    Some(format!("{code} {detail}"))
}

pub(super) fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_sentence_is_not_followed_by_a_second_stop() {
        let error = NetError::Auth {
            address: "127.0.0.1:7000".into(),
            reason: "NOAUTH Authentication required.".into(),
            flags: Flags::default(),
        };
        let text = error.to_string();
        assert!(
            text.starts_with(
                "authentication to 127.0.0.1:7000 failed: NOAUTH Authentication required; check "
            ),
            "{text}"
        );
    }
}
