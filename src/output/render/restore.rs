//! `restore`'s view: each RDB's result, any difference from the manifest, and the result line.

use super::{Render, RenderOptions, ok_line, per_database};
use crate::commands::restore::RestoreReport;
use crate::output::{Level, Line};

impl Render for RestoreReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = Vec::new();
        for rdb in &self.rdbs {
            if let Some(error) = &rdb.error {
                lines.push(Line::new(
                    Level::Err,
                    format!("[ERR] {}: {error}", rdb.file),
                ));
            } else if !options.quiet {
                lines.push(Line::plain(format!(
                    "{}: {} restored (from {})",
                    rdb.file,
                    crate::words::counted(rdb.restored, "key", "keys"),
                    rdb.from
                )));
            }
        }
        for rdb in self.rdbs.iter().filter(|r| r.skipped > 0) {
            lines.push(Line::new(
                Level::Warn,
                format!(
                    "[WARNING] {}: {}",
                    rdb.file,
                    super::left_alone(rdb.skipped, &rdb.skipped_keys)
                ),
            ));
        }
        let several = self.databases.keys().any(|db| *db != 0);
        for (db, keys) in &self.databases {
            let Some(recorded) = keys.recorded.filter(|r| *r != keys.restored) else {
                continue;
            };
            let which = if several {
                format!("database {db}: ")
            } else {
                String::new()
            };
            lines.push(Line::new(
                Level::Warn,
                format!(
                    "[WARNING] {which}the manifest recorded {recorded} keys at backup time; {} were restored",
                    keys.restored
                ),
            ));
        }
        if let Some(shown) = per_database(self.databases.iter().map(|(db, k)| (*db, k.restored))) {
            lines.push(Line::plain(format!("Keys restored per database: {shown}")));
        }
        let rate = self.restored as f64 / self.seconds.max(0.001);
        lines.push(if self.complete() {
            ok_line(format!(
                "Restored {} from {} into {} in {:.2} s ({rate:.0} keys/s)",
                crate::words::counted(self.restored, "key", "keys"),
                crate::words::counted(self.rdbs.len(), "RDB file", "RDB files"),
                self.target,
                self.seconds
            ))
        } else if !self.missing.is_empty() && self.restored == self.loaded {
            Line::new(
                Level::Err,
                format!(
                    "[ERR] Restore partial: {} restored, but the backup has no RDB of {}",
                    crate::words::counted(self.restored, "key", "keys"),
                    self.missing.join(", ")
                ),
            )
        } else if let unloaded @ 1.. = self.rdbs.iter().filter(|r| r.loaded.is_none()).count() {
            Line::new(
                Level::Err,
                format!(
                    "[ERR] Restore incomplete: {unloaded} of {} RDB files could not be loaded (above) and {} keys were restored; keys restored stay restored: deal with the error, then run it again with --replace to finish",
                    self.rdbs.len(),
                    self.restored
                ),
            )
        } else if let skipped @ 1.. = self.rdbs.iter().map(|r| r.skipped).sum::<u64>() {
            Line::new(
                Level::Err,
                format!(
                    "[ERR] Restore incomplete: {} of {} loaded keys restored; {} with other values in the cluster {} left alone (named above): running it again with --replace overwrites {}",
                    self.restored,
                    self.loaded,
                    crate::words::counted(skipped, "key", "keys"),
                    if skipped == 1 { "was" } else { "were" },
                    if skipped == 1 { "it" } else { "them" },
                ),
            )
        } else {
            Line::new(
                Level::Err,
                format!(
                    "[ERR] Restore incomplete: {} of {} loaded keys restored; keys restored stay restored, and running it again with --replace finishes it",
                    self.restored, self.loaded
                ),
            )
        });
        lines
    }
}
