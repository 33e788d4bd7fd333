//! `watch`'s plain summary (without a terminal): its lines, then a blank line.

use super::{Render, RenderOptions};
use crate::commands::watch::Summary;
use crate::output::Line;

impl Render for Summary {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines: Vec<Line> = self.lines.iter().map(Line::plain).collect();
        lines.push(Line::plain(""));
        lines
    }
}
