//! `check`'s views: the info block, redis-cli's check lines, then rcluster's own findings.

use super::{Render, RenderOptions};
use crate::commands::check::{CheckOutcome, CheckPart, CheckSection};
use crate::commands::info::{InfoReport, MasterInfo, ReplicaInfo};
use crate::output::human::{
    COVERAGE_HEADER, render_check, render_check_with, render_info, render_load_warnings,
};
use crate::output::{Level, Line};
use crate::topology::check::{CheckReport, OwnView, Severity, short_id};

impl Render for CheckOutcome {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = render_load_warnings(&self.check);
        lines.extend(render_info(&self.info));
        lines.extend(render_check(&self.check, false));
        if options.quiet {
            return quiet_view(lines, &self.check, self.clean);
        }
        if options.verbose > 0 {
            lines.extend(own_views(&self.views));
        }
        lines
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines = render_load_warnings(&self.check);
        lines.extend(render_info(&self.info));
        lines.extend(render_check(&self.check, true));
        lines
    }
}

impl Render for InfoReport {
    /// `-v` (the report then lists them): each master's replicas under its line.
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        let mut lines = Vec::new();
        for line in render_info(self) {
            let heads = |m: &&MasterInfo| line.text.starts_with(&format!("{} (", m.address));
            let master = self.masters.iter().find(heads);
            lines.push(line);
            if let Some(replicas) = master.and_then(|m| m.replica_nodes.as_ref()) {
                lines.extend(replicas.iter().map(replica_line));
            }
        }
        lines
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        render_info(self)
    }
}

/// `   replica 127.0.0.1:7003 (a8ae89c5...) link up, 0 bytes behind`
fn replica_line(replica: &ReplicaInfo) -> Line {
    let state = match (replica.link, replica.lag_bytes) {
        (Some(link), Some(lag)) => format!(
            " link {link}, {} behind",
            crate::words::counted(lag, "byte", "bytes")
        ),
        (Some(link), None) => format!(" link {link}"),
        (None, _) => String::new(),
    };
    Line::plain(format!(
        "   replica {} ({}...){state}",
        replica.address,
        short_id(&replica.id)
    ))
}

/// `-v`: a table of what every node's own `CLUSTER NODES` says, and how long it took to answer.
fn own_views(views: &[OwnView]) -> Vec<Line> {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    table.set_header([
        "ADDRESS", "ID", "ROLE", "EPOCH", "SLOTS", "KNOWS", "AGREES", "MS",
    ]);
    for view in views {
        let answered = view
            .answered_ms
            .map_or("-".to_string(), |ms| format!("{ms:.1}"));
        let (role, epoch, slots, knows, agrees) = match &view.error {
            Some(error) => (
                format!("unread: {error}"),
                "-".into(),
                "-".into(),
                "-".into(),
                "-",
            ),
            None => (
                view.role.to_string(),
                view.config_epoch.to_string(),
                view.slot_count.to_string(),
                view.known_nodes.to_string(),
                if view.agrees_with_seed { "yes" } else { "NO" },
            ),
        };
        table.add_row([
            view.address.clone(),
            short_id(&view.id).to_string(),
            role,
            epoch,
            slots,
            knows,
            agrees.to_string(),
            answered,
        ]);
    }
    let mut lines = vec![Line::new(Level::Info, ">>> Each node's own view")];
    lines.extend(table.to_string().lines().map(Line::plain));
    lines
}

/// `-q`: the error and warning lines, then one result line that counts the errors and the
/// warnings (findings, whatever tag redis-cli's words give their lines).
pub fn quiet_view(lines: Vec<Line>, check: &CheckReport, clean: bool) -> Vec<Line> {
    let mut kept: Vec<Line> = lines
        .into_iter()
        .filter(|l| matches!(l.level, Level::Err | Level::Warn))
        .collect();
    let (errors, warnings) = counts(check);
    kept.push(if clean && warnings == 0 {
        Line::new(Level::Success, "[OK] The cluster is healthy.")
    } else if clean {
        Line::new(
            Level::Success,
            format!(
                "[OK] The cluster is healthy ({} above).",
                warnings_of(warnings)
            ),
        )
    } else {
        Line::new(
            Level::Err,
            format!("[ERR] {} above.", errors_and_warnings(errors, warnings)),
        )
    });
    kept
}

/// `-q` after a repair: one line for the whole check that followed it.
pub fn quiet_check_summary(check: &CheckReport) -> Line {
    let (errors, warnings) = counts(check);
    if check.is_clean() {
        let warnings = match warnings {
            0 => String::new(),
            n => format!(
                " ({}; `rcluster check {}` shows it all)",
                warnings_of(n),
                check.seed
            ),
        };
        Line::new(
            Level::Success,
            format!("[OK] The cluster is healthy{warnings}."),
        )
    } else {
        Line::new(
            Level::Err,
            format!(
                "[ERR] The check after the repair found {}: `rcluster check {}` names them.",
                errors_and_warnings(errors, warnings),
                check.seed
            ),
        )
    }
}

/// The error and the warning findings of a check.
fn counts(check: &CheckReport) -> (usize, usize) {
    let of = |severity| {
        check
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    (of(Severity::Error), of(Severity::Warning))
}

fn warnings_of(n: usize) -> String {
    crate::words::counted(n, "warning", "warnings")
}

/// `2 errors, 1 warning`; `1 error` without warnings.
fn errors_and_warnings(errors: usize, warnings: usize) -> String {
    let errors = crate::words::counted(errors, "error", "errors");
    match warnings {
        0 => errors,
        n => format!("{errors}, {}", warnings_of(n)),
    }
}

impl CheckSection<'_> {
    fn lines(&self, redis_cli: bool) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(info) = self.info {
            lines.extend(render_load_warnings(self.report));
            lines.extend(render_info(info));
        }
        lines.extend(render_check_with(self.report, redis_cli, self.listing));
        let coverage = lines
            .iter()
            .position(|l| l.text == COVERAGE_HEADER)
            .unwrap_or(lines.len());
        match self.part {
            CheckPart::Whole => lines,
            CheckPart::BeforeCoverage => lines[..coverage].to_vec(),
            CheckPart::FromCoverage => lines[coverage..].to_vec(),
        }
    }
}

impl Render for CheckSection<'_> {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        if options.quiet {
            return Vec::new();
        }
        self.lines(false)
    }

    fn redis_cli(&self, _: &RenderOptions) -> Vec<Line> {
        self.lines(true)
    }
}
