//! `call`'s view: every node's reply in redis-cli's raw style, after a `>>> Calling` header (on stderr
//! natively, on stdout as redis-cli prints it).

use super::{Render, RenderOptions};
use crate::commands::call::CallReport;
use crate::output::{Level, Line};

impl CallReport {
    fn header(&self) -> String {
        format!(">>> Calling {}", self.command.join(" "))
    }

    fn replies(&self) -> impl Iterator<Item = Line> + '_ {
        self.nodes
            .iter()
            .map(|r| Line::plain(format!("{}: {}", r.address, r.raw)))
    }
}

impl Render for CallReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let header = (!options.quiet).then(|| Line::stderr(Level::Info, self.header()));
        header.into_iter().chain(self.replies()).collect()
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        std::iter::once(Line::new(Level::Info, self.header()))
            .chain(self.replies())
            .collect()
    }
}
