//! TLS settings (`--tls`, `--cacert`, `--cacertdir`, `--cert`, `--key`, `--sni`, `--insecure`) turned into
//! a redis-rs client. `--sni` works by naming the SNI host in the address and resolving that name to
//! the node's real address with a small DNS resolver. The same settings also make a rustls
//! configuration for raw streams ([`TlsOptions::connector`], used by `backup`'s SYNC).

use super::NodeAddress;
use redis::io::AsyncDNSResolver;
use redis::{Client, ConnectionAddr, IntoConnectionInfo, RedisConnectionInfo};
use redis::{ClientTlsConfig, TlsCertificates};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// The settings as given on the command line under `flags`' names: `None` without the switch
    /// (`--tls`, `--from-tls`), refused when a setting comes without it, or a certificate without
    /// its key.
    pub fn from_flags(
        enabled: bool,
        given: TlsOptions,
        flags: super::Flags,
    ) -> Result<Option<TlsOptions>, String> {
        let any = given.cacert.is_some()
            || given.cacertdir.is_some()
            || given.cert.is_some()
            || given.key.is_some()
            || given.sni.is_some()
            || given.insecure;
        let name = |flag| flags.tls(flag);
        if any && !enabled {
            return Err(format!(
                "{}, {}, {}, {}, {} and {} need {}",
                name("cacert"),
                name("cacertdir"),
                name("cert"),
                name("key"),
                name("sni"),
                name("insecure"),
                name("tls")
            ));
        }
        if given.cert.is_some() != given.key.is_some() {
            return Err(format!(
                "{} and {} must be given together",
                name("cert"),
                name("key")
            ));
        }
        Ok(enabled.then_some(given))
    }

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

    /// A connector for raw TLS streams with these settings, and the server name to present to
    /// `address`.
    pub fn connector(
        &self,
        address: &NodeAddress,
    ) -> Result<(tokio_rustls::TlsConnector, ServerName<'static>), String> {
        let certificates = self.certificates()?;
        let builder = rustls::ClientConfig::builder();
        let builder = if self.insecure {
            let provider = rustls::crypto::CryptoProvider::get_default()
                .cloned()
                .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
        } else {
            builder.with_root_certificates(root_store(certificates.root_cert.as_deref())?)
        };
        let config = match certificates.client_tls {
            Some(client) => {
                let chain: Vec<CertificateDer<'static>> =
                    CertificateDer::pem_slice_iter(&client.client_cert)
                        .collect::<Result<_, _>>()
                        .map_err(|e| format!("--cert: {e}"))?;
                let key = PrivateKeyDer::from_pem_slice(&client.client_key)
                    .map_err(|e| format!("--key: {e}"))?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| format!("--cert/--key: {e}"))?
            }
            None => builder.with_no_client_auth(),
        };
        let host = self.sni.clone().unwrap_or_else(|| address.host.clone());
        let name = ServerName::try_from(host.clone())
            .map_err(|_| format!("'{host}' is not a valid TLS server name"))?;
        Ok((tokio_rustls::TlsConnector::from(Arc::new(config)), name))
    }

    /// With `--sni`, a resolver mapping the SNI name to the node's real host.
    pub(super) fn resolver(&self, address: &NodeAddress) -> Option<SniResolver> {
        self.sni.as_ref().map(|_| SniResolver {
            real_host: address.host.clone(),
        })
    }
}

/// The CAs from `--cacert`/`--cacertdir`, or the system's.
fn root_store(pem: Option<&[u8]>) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    match pem {
        Some(pem) => {
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate = certificate.map_err(|e| format!("CA certificate: {e}"))?;
                roots
                    .add(certificate)
                    .map_err(|e| format!("CA certificate: {e}"))?;
            }
        }
        None => {
            for certificate in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(certificate);
            }
        }
    }
    Ok(roots)
}

/// `--insecure`: any certificate is accepted; signatures are still checked.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, certificate, signature, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, certificate, signature, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
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
