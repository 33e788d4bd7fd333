//! `watch`'s plain summary (without a terminal): the footer line, the header and a row per node,
//! then a blank line.

use super::{Render, RenderOptions};
use crate::commands::watch::Summary;
use crate::output::Line;

impl Render for Summary {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines = vec![Line::plain(&self.footer)];
        lines.extend(self.table().into_iter().map(Line::plain));
        lines.push(Line::plain(""));
        lines
    }
}
