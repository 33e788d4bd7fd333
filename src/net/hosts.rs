//! Host names resolved once, so that two names of one machine (`localhost` and `127.0.0.1`) compare
//! equal. [`Machines::resolve`] does the lookups (all at once, bounded) and is called by the shell
//! (`commands::check`'s `check_view`, `doctor`, `fix`); the pure placement audits
//! (`topology::check`, `topology::audit`) only ask [`Machines::of`].

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::time::Duration;

/// How long one name may take to resolve before it is compared as written.
const LOOKUP_BOUND: Duration = Duration::from_secs(2);

/// Which machine each host is: one address per host, the same for every name of one machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Machines(HashMap<String, String>);

impl Machines {
    /// Resolves every host name given (IP addresses are taken as they are). A name that does not
    /// resolve within the bound is compared as written.
    pub async fn resolve<'a>(hosts: impl IntoIterator<Item = &'a str>) -> Machines {
        let names: Vec<String> = hosts
            .into_iter()
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .map(str::to_string)
            .collect();
        let lookups = super::concurrently(names, |host| async move {
            let addresses = match host.parse::<IpAddr>() {
                Ok(ip) => vec![ip],
                Err(_) => {
                    let found = tokio::time::timeout(
                        LOOKUP_BOUND,
                        tokio::net::lookup_host((host.as_str(), 0)),
                    )
                    .await;
                    match found {
                        Ok(Ok(found)) => found.map(|socket| socket.ip()).collect(),
                        _ => Vec::new(),
                    }
                }
            };
            (host, addresses)
        })
        .await;
        Machines::from_lookups(lookups)
    }

    /// The machine of each host from its resolved addresses (pure). A name that resolves to
    /// several addresses takes the first one that another host is written as (`localhost` ->
    /// `127.0.0.1` when a node is known as 127.0.0.1), else its first; a name that did not resolve
    /// stays as written.
    pub fn from_lookups(lookups: Vec<(String, Vec<IpAddr>)>) -> Machines {
        let literals: BTreeSet<IpAddr> = lookups
            .iter()
            .filter_map(|(host, _)| host.parse::<IpAddr>().ok())
            .collect();
        let machines = lookups
            .into_iter()
            .map(|(host, addresses)| {
                let chosen = addresses
                    .iter()
                    .find(|ip| literals.contains(ip))
                    .or_else(|| addresses.first())
                    .map_or_else(|| host.clone(), IpAddr::to_string);
                (host, chosen)
            })
            .collect();
        Machines(machines)
    }

    /// The machine `host` is on: its resolved address, or `host` itself when it was not resolved.
    pub fn of<'a>(&'a self, host: &'a str) -> &'a str {
        self.0.get(host).map_or(host, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an IP address")
    }

    #[test]
    fn a_name_takes_the_address_another_node_is_written_as() {
        let machines = Machines::from_lookups(vec![
            ("localhost".into(), vec![ip("::1"), ip("127.0.0.1")]),
            ("127.0.0.1".into(), vec![ip("127.0.0.1")]),
        ]);
        assert_eq!(machines.of("localhost"), "127.0.0.1");
        assert_eq!(machines.of("127.0.0.1"), "127.0.0.1");
    }

    #[test]
    fn without_a_literal_a_name_takes_its_first_address() {
        let machines = Machines::from_lookups(vec![
            ("db1".into(), vec![ip("10.0.0.1"), ip("10.0.0.2")]),
            ("db1-alias".into(), vec![ip("10.0.0.1")]),
        ]);
        assert_eq!(machines.of("db1"), machines.of("db1-alias"));
    }

    #[test]
    fn unresolved_and_unknown_names_stay_as_written() {
        let machines = Machines::from_lookups(vec![("nowhere".into(), Vec::new())]);
        assert_eq!(machines.of("nowhere"), "nowhere");
        assert_eq!(machines.of("10.1.1.1"), "10.1.1.1");
        assert_eq!(Machines::default().of("localhost"), "localhost");
    }

    #[tokio::test]
    async fn localhost_resolves_to_the_loopback_address_nodes_are_written_as() {
        let machines = Machines::resolve(["localhost", "127.0.0.1"]).await;
        assert_eq!(machines.of("localhost"), "127.0.0.1");
    }
}
