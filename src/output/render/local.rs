//! `local`'s views: the seed address (alone on stdout, for `$(rcluster local up)`), what was stopped,
//! and a table of the recorded nodes.

use super::{Render, RenderOptions, hint_line};
use crate::commands::local::{LocalDownReport, LocalStatusReport, LocalUpReport};
use crate::output::Line;

impl Render for LocalUpReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let hint = match &self.create_command {
            None => format!(
                "cluster ready: try `rcluster check {}`; stop it with `rcluster local down{}`",
                self.seed, self.state_dir_flag
            ),
            Some(create) => format!(
                "{} started, not joined into a cluster: form one with `{create}`; stop them with `rcluster local down{}`",
                crate::words::counted(self.ports.len(), "empty node", "empty nodes"),
                self.state_dir_flag
            ),
        };
        std::iter::once(Line::plain(&self.seed))
            .chain(hint_line(options, hint))
            .collect()
    }
}

impl Render for LocalDownReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let rules = (!self.removed_rules.is_empty()).then(|| {
            Line::plain(format!(
                "removed {} leftover partition drill rule(s) (rcluster-drill)",
                self.removed_rules.len()
            ))
        });
        if self.stopped.is_empty() {
            let hint = format!(
                "no running local nodes recorded in {}",
                self.state_dir.display()
            );
            return rules.into_iter().chain(hint_line(options, hint)).collect();
        }
        std::iter::once(Line::plain(format!("stopped {} nodes", self.stopped.len())))
            .chain(rules)
            .collect()
    }
}

impl Render for LocalStatusReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        if self.nodes.is_empty() {
            let hint = format!("no local nodes recorded in {}", self.state_dir.display());
            return hint_line(options, hint).into_iter().collect();
        }
        let mut table = comfy_table::Table::new();
        table.load_style(comfy_table::presets::NOTHING);
        table.set_header(["ADDRESS", "PID", "STATE"]);
        for node in &self.nodes {
            let state = if node.running { "running" } else { "stopped" };
            table.add_row([
                format!("127.0.0.1:{}", node.port),
                node.pid.to_string(),
                state.to_string(),
            ]);
        }
        table.to_string().lines().map(Line::plain).collect()
    }
}
