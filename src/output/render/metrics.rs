//! `metrics --once`'s view: the OpenMetrics text as it is.

use super::{Render, RenderOptions};
use crate::commands::metrics::Scrape;
use crate::output::Line;

impl Render for Scrape {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        vec![Line::plain(self.0.trim_end())]
    }
}
