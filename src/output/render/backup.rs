//! `backup`'s view: redis-cli's transfer lines (stderr), then where the configuration went and the
//! result line.

use super::{Render, RenderOptions};
use crate::commands::backup::BackupReport;
use crate::output::{Level, Line};

impl Render for BackupReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = Vec::new();
        for file in &self.files {
            match (&file.bytes, &file.error) {
                (Some(bytes), _) if !options.quiet => {
                    lines.push(Line::stderr(
                        Level::Plain,
                        format!(
                            "SYNC sent to master, writing {bytes} bytes to '{}'",
                            file.file.display()
                        ),
                    ));
                    lines.push(Line::stderr(
                        Level::Plain,
                        "Transfer finished with success.",
                    ));
                }
                (_, Some(error)) => {
                    lines.push(Line::stderr(
                        Level::Err,
                        format!("[ERR] {}: {error}", file.address),
                    ));
                }
                _ => {}
            }
        }
        lines.push(Line::plain(format!(
            "Saving cluster configuration to: {}",
            self.nodes.display()
        )));
        if self.problems {
            lines.push(Line::new(Level::Warn, "*** Cluster seems to have some problems, please be aware of it if you're going to restore this backup."));
        }
        lines.push(if self.failed() {
            Line::new(Level::Err, "[ERR] Failed to back cluster!")
        } else {
            Line::new(
                Level::Success,
                format!("[OK] Backup created into: {}", self.dir.display()),
            )
        });
        lines
    }
}
