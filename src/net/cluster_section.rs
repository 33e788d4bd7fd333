//! A node's `INFO cluster` section: whether it runs in cluster mode (`cluster_enabled:1`). Read by
//! `import`, which refuses a cluster node as a standalone source (it has `--from-cluster`).

use super::{NetError, NodeClient, info_field};

/// One node's `INFO cluster`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterSection {
    /// The node runs in cluster mode (`cluster_enabled:1`).
    pub enabled: bool,
}

impl ClusterSection {
    /// Reads an `INFO cluster` (or fuller `INFO`) reply.
    pub fn parse(info: &str) -> ClusterSection {
        ClusterSection {
            enabled: info_field(info, "cluster_enabled").is_some_and(|v| v.trim() == "1"),
        }
    }
}

impl NodeClient {
    /// The node's `INFO cluster`.
    pub async fn cluster_section(&mut self) -> Result<ClusterSection, NetError> {
        let info: String = self.query(&["INFO", "cluster"]).await?;
        Ok(ClusterSection::parse(&info))
    }
}

#[cfg(test)]
mod tests {
    use super::ClusterSection;

    #[test]
    fn cluster_mode_is_read_from_its_own_line() {
        assert!(ClusterSection::parse("# Cluster\r\ncluster_enabled:1\r\n").enabled);
        assert!(!ClusterSection::parse("# Cluster\r\ncluster_enabled:0\r\n").enabled);
        assert!(!ClusterSection::parse("").enabled);
    }
}
