//! `--zone HOST=ZONE` and `--zone HOST:PORT=ZONE` (failure zones: racks, availability zones),
//! parsed once with their host names resolved, so that a node is found by the IP and port the
//! cluster knows it by. Used by `create` (placement) and `doctor` (the placement audit).

use super::NodeAddress;
use crate::error::UsageError;
use std::collections::HashMap;

/// The zones given, by `IP:PORT` (one node) or `IP` (every node of a host).
#[derive(Debug, Clone, Default)]
pub struct Zones(HashMap<String, String>);

impl Zones {
    /// Parses and resolves the `--zone` options.
    pub async fn parse(texts: &[String]) -> Result<Zones, UsageError> {
        let mut zones = HashMap::new();
        for text in texts {
            let Some((target, zone)) = text
                .rsplit_once('=')
                .filter(|(h, z)| !h.is_empty() && !z.is_empty())
            else {
                return Err(UsageError(format!(
                    "--zone '{text}': expected HOST=ZONE or HOST:PORT=ZONE, e.g. --zone 10.0.1.1=us-east-1a"
                )));
            };
            let (host, port) = match NodeAddress::parse(target, None) {
                Ok(address) => (address.host, Some(address.port)),
                Err(_) => (
                    target
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .to_string(),
                    None,
                ),
            };
            let ips = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| UsageError(format!("--zone '{text}': cannot resolve {host}: {e}")))?;
            for ip in ips {
                let key = match port {
                    Some(port) => format!("{}:{port}", ip.ip()),
                    None => ip.ip().to_string(),
                };
                zones.insert(key, zone.to_string());
            }
        }
        Ok(Zones(zones))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The zone of the node at `ip` and `port`: its own, else its host's.
    pub fn of(&self, ip: &str, port: u16) -> Option<&str> {
        self.0
            .get(&format!("{ip}:{port}"))
            .or_else(|| self.0.get(ip))
            .map(String::as_str)
    }
}
