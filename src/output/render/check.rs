//! `check`'s views: the info block, redis-cli's check lines, then rcluster's own findings.

use super::{Render, RenderOptions};
use crate::commands::check::{CheckOutcome, CheckSection};
use crate::commands::info::InfoReport;
use crate::output::human::{render_check, render_check_with, render_info, render_load_warnings};
use crate::output::{Level, Line};

impl Render for CheckOutcome {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let mut lines = render_load_warnings(&self.check);
        lines.extend(render_info(&self.info));
        lines.extend(render_check(&self.check, false));
        if options.quiet {
            return quiet_view(lines, self.clean);
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
        lines
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
