//! TLS settings (`--tls`, `--cacert`, `--cacertdir`, `--cert`, `--key`, `--sni`, `--insecure`) turned into
//! a redis-rs client. `--sni` works by naming the SNI host in the address and resolving that name to
//! the node's real address with a small DNS resolver.

use super::NodeAddress;
use redis::io::AsyncDNSResolver;
use redis::{Client, ConnectionAddr, IntoConnectionInfo, RedisConnectionInfo};
use redis::{ClientTlsConfig, TlsCertificates};
use std::net::SocketAddr;
use std::path::PathBuf;

/// TLS options shared by every node connection.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub cacert: Option<PathBuf>,
    pub cacertdir: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub sni: Option<String>,
    pub insecure: bool,
}

impl TlsOptions {
    pub(super) fn client(
        &self,
        address: &NodeAddress,
        settings: RedisConnectionInfo,
    ) -> Result<Client, String> {
        let host = self.sni.clone().unwrap_or_else(|| address.host.clone());
        let info = ConnectionAddr::TcpTls {
            host,
            port: address.port,
            insecure: self.insecure,
            tls_params: None,
        }
        .into_connection_info()
        .map_err(|e| e.to_string())?
        .set_redis_settings(settings);
        Client::build_with_tls(info, self.certificates()?).map_err(|e| format!("TLS Error: {e}"))
    }

    fn certificates(&self) -> Result<TlsCertificates, String> {
        let read = |path: &PathBuf| {
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        let mut roots = Vec::new();
        if let Some(path) = &self.cacert {
            roots.extend(read(path)?);
        }
        if let Some(dir) = &self.cacertdir {
            let entries = std::fs::read_dir(dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_file() {
                    roots.extend(read(&path)?);
                    roots.push(b'\n');
                }
            }
        }
        let client_tls = match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => Some(ClientTlsConfig {
                client_cert: read(cert)?,
                client_key: read(key)?,
            }),
            (None, None) => None,
            _ => return Err("--cert and --key must be given together".into()),
        };
        Ok(TlsCertificates {
            client_tls,
            root_cert: (!roots.is_empty()).then_some(roots),
        })
    }

    /// With `--sni`, a resolver mapping the SNI name to the node's real host.
    pub(super) fn resolver(&self, address: &NodeAddress) -> Option<SniResolver> {
        self.sni.as_ref().map(|_| SniResolver {
            real_host: address.host.clone(),
        })
    }
}

/// Resolves any name to `real_host`, so the TLS layer sends the `--sni` name while connecting there.
pub(super) struct SniResolver {
    real_host: String,
}

impl AsyncDNSResolver for SniResolver {
    fn resolve<'a, 'b: 'a>(
        &'a self,
        _host: &'b str,
        port: u16,
    ) -> redis::RedisFuture<'a, Box<dyn Iterator<Item = SocketAddr> + Send + 'a>> {
        Box::pin(async move {
            let found = tokio::net::lookup_host((self.real_host.as_str(), port)).await?;
            Ok(Box::new(found.collect::<Vec<_>>().into_iter())
                as Box<dyn Iterator<Item = SocketAddr> + Send>)
        })
    }
}
