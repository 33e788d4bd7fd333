//! `setslot`'s view: one `[OK]` line naming the command that was applied.

use super::{Render, RenderOptions, ok_line};
use crate::commands::setslot::SetslotReport;
use crate::output::Line;

impl Render for SetslotReport {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        let target = self
            .id
            .as_ref()
            .map(|id| format!(" {id}"))
            .unwrap_or_default();
        vec![ok_line(format!(
            "{}: CLUSTER SETSLOT {} {}{target}",
            self.address,
            self.slot,
            self.state.to_uppercase()
        ))]
    }
}
