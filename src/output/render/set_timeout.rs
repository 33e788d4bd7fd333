//! `set-timeout`'s view: redis-cli's lines, one per node, then the count. Natively a node where the
//! value was set but not saved says so (and a hint on stderr says what it means); in redis-cli
//! syntax it gets redis-cli's `ERR setting node-timeout` line, as redis-cli counts it.

use super::{Render, RenderOptions, hint_line};
use crate::commands::set_timeout::SetTimeoutReport;
use crate::output::{Level, Line};

impl Render for SetTimeoutReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = vec![Line::new(
            Level::Info,
            ">>> Reconfiguring node timeout in every cluster node...",
        )];
        for result in &self.nodes {
            lines.push(match (&result.error, result.ok) {
                (None, _) => Line::new(
                    Level::Warn,
                    format!("*** New timeout set for {}", result.address),
                ),
                (Some(error), true) => Line::new(
                    Level::Warn,
                    format!(
                        "*** New timeout set for {}, not saved: {error}",
                        result.address
                    ),
                ),
                (Some(error), false) => Line::new(
                    Level::Err,
                    format!("ERR setting node-timeout for {}: {error}", result.address),
                ),
            });
        }
        let failed = self.failed();
        let not_saved = self.not_saved();
        let unsaved = if not_saved > 0 {
            format!(" ({not_saved} not saved)")
        } else {
            String::new()
        };
        lines.push(Line::new(
            Level::Info,
            format!(
                ">>> New node timeout set. {} OK{unsaved}, {failed} ERR.",
                self.nodes.len() - failed
            ),
        ));
        if not_saved > 0 {
            let (nodes, run) = if not_saved == 1 {
                ("node", "runs")
            } else {
                ("nodes", "run")
            };
            lines.extend(hint_line(
                options,
                format!(
                    "{not_saved} {nodes} {run} with the new timeout but could not save it (CONFIG REWRITE failed, say for a server started without a config file): a restart brings back the old timeout; set cluster-node-timeout where the servers are started"
                ),
            ));
        }
        lines
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines = vec![Line::new(
            Level::Info,
            ">>> Reconfiguring node timeout in every cluster node...",
        )];
        let mut errors = 0;
        for result in &self.nodes {
            lines.push(match &result.error {
                None => Line::new(
                    Level::Warn,
                    format!("*** New timeout set for {}", result.address),
                ),
                Some(error) => {
                    errors += 1;
                    Line::new(
                        Level::Err,
                        format!("ERR setting node-timeout for {}: {error}", result.address),
                    )
                }
            });
        }
        lines.push(Line::new(
            Level::Info,
            format!(
                ">>> New node timeout set. {} OK, {errors} ERR.",
                self.nodes.len() - errors
            ),
        ));
        lines
    }
}
