//! `check`'s views: the info block, redis-cli's check lines, then rcluster's own findings.

use super::{Render, RenderOptions};
use crate::commands::check::{CheckOutcome, CheckPart, CheckSection};
use crate::commands::info::InfoReport;
use crate::output::human::{
    COVERAGE_HEADER, render_check, render_check_with, render_info, render_load_warnings,
};
use crate::output::{Level, Line};
use crate::topology::check::{OwnView, short_id};

impl Render for CheckOutcome {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = render_load_warnings(&self.check);
        lines.extend(render_info(&self.info));
        lines.extend(render_check(&self.check, false));
        if options.quiet {
            return quiet_view(lines, self.clean);
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
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        render_info(self)
    }
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

/// `-q`: the error and warning lines, then one result line.
pub fn quiet_view(lines: Vec<Line>, clean: bool) -> Vec<Line> {
    let mut kept: Vec<Line> = lines
        .into_iter()
        .filter(|l| matches!(l.level, Level::Err | Level::Warn))
        .collect();
    kept.push(if clean {
        Line::new(Level::Success, "[OK] The cluster is healthy.")
    } else {
        Line::new(
            Level::Err,
            format!("[ERR] {} problem line(s) above.", kept.len()),
        )
    });
    kept
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
