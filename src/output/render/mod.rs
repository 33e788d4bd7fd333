//! The text views of every report: [`Render`] gives a report's human lines and its redis-cli lines,
//! each line on its stream. One file per command's report; the printer picks the view.

use super::{Level, Line};
pub use crate::report::{Render, RenderOptions};

/// A `[OK] ...` line.
pub fn ok_line(text: impl Into<String>) -> Line {
    Line::new(Level::Success, format!("[OK] {}", text.into()))
}

/// `db0 1500, db3 40`: keys per database, for a report that spans more than database 0; `None`
/// when every key is in database 0 (the line a single-database cluster never needed).
pub fn per_database(counts: impl IntoIterator<Item = (u16, u64)>) -> Option<String> {
    let counts: Vec<(u16, u64)> = counts.into_iter().collect();
    if counts.iter().all(|(db, _)| *db == 0) {
        return None;
    }
    let shown: Vec<String> = counts.iter().map(|(db, n)| format!("db{db} {n}")).collect();
    Some(shown.join(", "))
}

mod add_node;
mod backup;
mod call;
mod check;
mod common;
mod create;
mod del_node;
mod doctor;
mod failover;
mod fix;
mod import;
mod local;
mod metrics;
mod moves;
mod rebalance;
mod reshard;
mod restore;
mod resume;
mod set_timeout;
mod setslot;
mod text;
mod watch;

#[cfg(test)]
mod tests;

pub use check::{quiet_check_summary, quiet_view};
pub use text::Text;

/// `3 keys the cluster already holds with other values were left alone: a, b, ...`: the keys
/// import and restore did not overwrite, the first by name.
pub fn left_alone(skipped: u64, names: &[String]) -> String {
    format!(
        "{} the cluster already holds with other values {} left alone: {}{}",
        crate::words::counted(skipped, "key", "keys"),
        if skipped == 1 { "was" } else { "were" },
        names.join(", "),
        if skipped as usize > names.len() {
            ", ..."
        } else {
            ""
        }
    )
}

/// Advice after a result, on stderr; nothing with `-q`. Only the human view shows hints.
pub fn hint_line(options: &RenderOptions, text: impl Into<String>) -> Option<Line> {
    (!options.quiet).then(|| Line::stderr(Level::Plain, text))
}
