//! Free loopback ports for servers rcluster starts itself (`local up`, the tests, `restore`'s
//! temporary servers): a port and its cluster bus port (+10000) both free.

use std::sync::atomic::{AtomicU16, Ordering};

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// Ports whose server port and bus port (+10000) are free. Picked below the kernel's ephemeral
/// range (32768+) so outgoing connections cannot steal them.
pub fn pick_ports(base: Option<u16>, count: usize) -> anyhow::Result<Vec<u16>> {
    if let Some(base) = base {
        let last = base as usize + count - 1;
        if last + 10000 > u16::MAX as usize {
            anyhow::bail!(
                "ports {base}..{last} leave no room for bus ports (+10000); choose a lower --port"
            );
        }
        let ports: Vec<u16> = (base..=last as u16).collect();
        if let Some(busy) = ports.iter().find(|&&p| !port_pair_free(p)) {
            anyhow::bail!(
                "port {busy} or its bus port {} is in use; choose another --port",
                busy + 10000
            );
        }
        return Ok(ports);
    }
    const LOW: u16 = 11000;
    const SPAN: u16 = 11000;
    if NEXT_PORT.load(Ordering::Relaxed) == 0 {
        let offset = (std::process::id() % u32::from(SPAN)) as u16;
        let _ = NEXT_PORT.compare_exchange(0, offset, Ordering::Relaxed, Ordering::Relaxed);
    }
    let mut ports = Vec::new();
    for _ in 0..SPAN {
        let port = LOW + NEXT_PORT.fetch_add(1, Ordering::Relaxed) % SPAN;
        if port_pair_free(port) {
            ports.push(port);
            if ports.len() == count {
                return Ok(ports);
            }
        }
    }
    anyhow::bail!(
        "no free loopback ports found between {LOW} and {}",
        LOW + SPAN
    )
}

fn port_pair_free(port: u16) -> bool {
    let free = |p: u16| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok();
    free(port) && free(port + 10000)
}
