//! Renderers of the small reports several commands share.

use super::{Render, RenderOptions};
use crate::commands::{RedisCliRefusal, Unreachable};
use crate::output::{Level, Line};

impl Render for Unreachable {
    /// rcluster names unreachable nodes among check's findings.
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        Vec::new()
    }

    /// redis-cli says it on stderr while it loads.
    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        self.nodes
            .iter()
            .map(|n| {
                Line::stderr(
                    Level::Err,
                    format!("Could not connect to Redis at {}: {}", n.address, n.reason),
                )
            })
            .collect()
    }
}

impl Render for RedisCliRefusal {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        vec![if self.on_stderr {
            Line::stderr(Level::Err, &self.refused)
        } else {
            Line::new(Level::Err, &self.refused)
        }]
    }
}
