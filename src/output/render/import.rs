//! `import`'s view: the error that stopped it (on stdout, where redis-cli prints it) and natively the
//! result line and how to continue.

use super::{Render, RenderOptions, hint_line, per_database};
use crate::commands::import::ImportReport;
use crate::output::{Level, Line};

impl Render for ImportReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = self.redis_cli(options);
        if self.failure.is_some() {
            lines.extend(hint_line(
                options,
                "keys already imported stay imported: run the same command again to continue",
            ));
        }
        if self.skipped > 0 {
            lines.push(Line::stderr(
                Level::Warn,
                format!(
                    "[WARNING] {}",
                    super::left_alone(self.skipped, &self.skipped_keys)
                ),
            ));
            lines.extend(hint_line(
                options,
                "--replace overwrites them with the source's values",
            ));
        }
        let rate = self.moved as f64 / self.seconds.max(0.001);
        let databases = per_database(self.databases.iter().map(|(db, n)| (*db, *n)))
            .map(|shown| format!(" ({shown})"))
            .unwrap_or_default();
        lines.push(Line::plain(format!(
            "imported {}{databases}, skipped {} in {:.2} s ({rate:.0} keys/s)",
            crate::words::counted(self.moved, "key", "keys"),
            self.skipped,
            self.seconds
        )));
        lines
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        self.failure
            .iter()
            .map(|failure| Line::new(Level::Err, failure))
            .collect()
    }
}
