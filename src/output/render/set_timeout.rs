//! `set-timeout`'s view: redis-cli's lines, one per node, then the count.

use super::{Render, RenderOptions};
use crate::commands::set_timeout::SetTimeoutReport;
use crate::output::{Level, Line};

impl Render for SetTimeoutReport {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines = vec![Line::new(
            Level::Info,
            ">>> Reconfiguring node timeout in every cluster node...",
        )];
        for result in &self.nodes {
            lines.push(match &result.error {
                None => Line::new(
                    Level::Warn,
                    format!("*** New timeout set for {}", result.address),
                ),
                Some(error) => Line::new(
                    Level::Err,
                    format!("ERR setting node-timeout for {}: {error}", result.address),
                ),
            });
        }
        let failed = self.failed();
        lines.push(Line::new(
            Level::Info,
            format!(
                ">>> New node timeout set. {} OK, {failed} ERR.",
                self.nodes.len() - failed
            ),
        ));
        lines
    }
}
