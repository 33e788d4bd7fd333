//! `add-node`'s view: redis-cli's result line, or (human view) what to do when the cluster had
//! problems and the node was not added.

use super::{Render, RenderOptions, hint_line, ok_line};
use crate::commands::add_node::AddNodeReport;
use crate::output::Line;

impl Render for AddNodeReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        if self.added {
            return self.redis_cli(options);
        }
        let hint = format!(
            "the cluster has problems: repair them first with `rcluster fix {}`",
            self.seed
        );
        hint_line(options, hint).into_iter().collect()
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        if self.added {
            vec![ok_line("New node added correctly.")]
        } else {
            Vec::new()
        }
    }
}
