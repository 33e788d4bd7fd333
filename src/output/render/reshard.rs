//! `reshard`'s plan view: redis-cli's `Ready to move N slots.` block, then one line per slot in its
//! syntax, or one line per source with its slot ranges natively.

use super::{Render, RenderOptions};
use crate::commands::reshard::ReshardPlan;
use crate::output::human::render_node;
use crate::output::{Level, Line};
use crate::topology::SlotSet;
use crate::topology::check::short_id;

impl ReshardPlan {
    /// The header and the listing of the sources and the target.
    fn head(&self) -> Vec<Line> {
        let indent = |id: &str| -> Vec<Line> {
            let node = self.listing.iter().find(|n| n.id == id);
            node.map(render_node)
                .unwrap_or_default()
                .into_iter()
                .map(|line| Line::new(line.level, format!("    {}", line.text)))
                .collect()
        };
        let mut lines = vec![
            Line::plain(""),
            Line::plain(format!("Ready to move {} slots.", self.announced)),
            Line::plain("  Source nodes:"),
        ];
        self.sources
            .iter()
            .for_each(|source| lines.extend(indent(&source.id)));
        lines.push(Line::plain("  Destination node:"));
        lines.extend(indent(&self.target.id));
        lines.push(Line::plain("  Resharding plan:"));
        lines
    }
}

impl Render for ReshardPlan {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines = self.head();
        for source in &self.sources {
            let slots: SlotSet = self
                .moves
                .iter()
                .filter(|m| m.source.id == source.id)
                .map(|m| m.slot)
                .collect();
            lines.push(Line::new(
                Level::Plain,
                format!(
                    "    {} slots from {} ({}): {}",
                    slots.len(),
                    source.address,
                    short_id(&source.id),
                    slots.to_compact()
                ),
            ));
        }
        lines
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines = self.head();
        lines.extend(
            self.moves
                .iter()
                .map(|m| Line::plain(format!("    Moving slot {} from {}", m.slot, m.source.id))),
        );
        lines
    }
}
