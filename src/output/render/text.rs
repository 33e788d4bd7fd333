//! [`Text`]: a report that is text in its final form (a completion script, a man page).

use super::{Render, RenderOptions};
use crate::output::Line;
use serde::Serialize;

/// Text printed as it is; in JSON, `{"text": ...}`.
#[derive(Debug, Clone, Serialize)]
pub struct Text {
    pub text: String,
}

impl Render for Text {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        self.text.lines().map(Line::plain).collect()
    }
}
