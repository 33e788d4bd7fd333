//! Node addresses as users type them: `host:port`, `host port`, `[::1]:7000`, `::1:7000`, hostnames,
//! and redis-cli's `host:port@busport` (the bus part is ignored).

use std::fmt;

/// A node to connect to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeAddress {
    /// IP address or hostname, without brackets.
    pub host: String,
    pub port: u16,
}

/// An address that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid node address '{text}': {reason}; pass HOST:PORT (e.g. 127.0.0.1:7000) or HOST PORT"
)]
pub struct AddressError {
    pub text: String,
    pub reason: String,
}

impl NodeAddress {
    pub fn new(host: impl Into<String>, port: u16) -> NodeAddress {
        NodeAddress {
            host: host.into(),
            port,
        }
    }

    /// Reads `host:port` (or `host:port@bus`), or `host` followed by a separate `port` argument.
    pub fn parse(text: &str, port: Option<&str>) -> Result<NodeAddress, AddressError> {
        let error = |reason: &str| AddressError {
            text: match port {
                Some(p) => format!("{text} {p}"),
                None => text.to_string(),
            },
            reason: reason.to_string(),
        };
        let (host, port_text) = match port {
            Some(_) if names_a_port(text) => {
                return Err(error(
                    "HOST:PORT already names a port, so the separate port is one too many",
                ));
            }
            Some(port) => (text.trim_start_matches('[').trim_end_matches(']'), port),
            None => {
                let endpoint = text.rsplit_once('@').map_or(text, |(e, _)| e);
                if let Some(rest) = endpoint.strip_prefix('[') {
                    let (host, after) = rest.split_once(']').ok_or_else(|| error("missing ']'"))?;
                    let port = after
                        .strip_prefix(':')
                        .ok_or_else(|| error("missing ':PORT' after ']'"))?;
                    (host, port)
                } else {
                    endpoint
                        .rsplit_once(':')
                        .ok_or_else(|| error("missing ':PORT'"))?
                }
            }
        };
        if host.is_empty() {
            return Err(error("empty host"));
        }
        if host
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c == '@')
        {
            return Err(error("bad host"));
        }
        let port: u16 = port_text
            .parse()
            .map_err(|_| error("the port must be a number from 1 to 65535"))?;
        if port == 0 {
            return Err(error("the port must be a number from 1 to 65535"));
        }
        Ok(NodeAddress::new(host, port))
    }
}

/// Whether `text` is already `host:port` (`[v6]:port`, or one colon before a number): a separate
/// port after it is a second port, not part of the host. A bare IPv6 address (`::1`) has several
/// colons and takes its port separately.
fn names_a_port(text: &str) -> bool {
    let ends_in_port = |after: &str| !after.is_empty() && after.chars().all(|c| c.is_ascii_digit());
    match text.strip_prefix('[') {
        Some(rest) => rest
            .split_once("]:")
            .is_some_and(|(_, after)| ends_in_port(after)),
        None => {
            text.matches(':').count() == 1
                && text
                    .rsplit_once(':')
                    .is_some_and(|(_, after)| ends_in_port(after))
        }
    }
}

impl fmt::Display for NodeAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl std::str::FromStr for NodeAddress {
    type Err = AddressError;
    fn from_str(text: &str) -> Result<NodeAddress, AddressError> {
        NodeAddress::parse(text, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, port: Option<&str>) -> String {
        NodeAddress::parse(text, port).unwrap().to_string()
    }

    #[test]
    fn accepts_every_documented_form() {
        assert_eq!(ok("127.0.0.1:7000", None), "127.0.0.1:7000");
        assert_eq!(ok("127.0.0.1", Some("7000")), "127.0.0.1:7000");
        assert_eq!(ok("[::1]:7000", None), "[::1]:7000");
        assert_eq!(ok("::1:7000", None), "[::1]:7000");
        assert_eq!(ok("::1", Some("7000")), "[::1]:7000");
        assert_eq!(ok("redis-a.example:6379", None), "redis-a.example:6379");
        assert_eq!(ok("127.0.0.1:7000@17000", None), "127.0.0.1:7000");
        assert_eq!(ok("fe80::1", Some("7000")), "[fe80::1]:7000");
    }

    #[test]
    fn a_port_after_host_port_is_one_port_too_many() {
        let error = NodeAddress::parse("127.0.0.1:16010", Some("16011")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid node address '127.0.0.1:16010 16011': HOST:PORT already names a port, so the separate port is one too many; pass HOST:PORT (e.g. 127.0.0.1:7000) or HOST PORT"
        );
    }

    #[test]
    fn rejects_bad_addresses_with_a_hint() {
        for (text, port) in [
            ("127.0.0.1", None),
            ("127.0.0.1:0", None),
            ("127.0.0.1:99999", None),
            (":7000", None),
            ("[::1]7000", None),
            ("127.0.0.1", Some("x")),
            ("host name:1", None),
            ("127.0.0.1:16010", Some("16011")),
            ("[::1]:7000", Some("7001")),
        ] {
            let error = NodeAddress::parse(text, port).unwrap_err();
            assert!(error.to_string().contains("HOST:PORT"), "{error}");
        }
    }
}
