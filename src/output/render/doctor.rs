//! `doctor`'s view: a headline, then every finding with its explanation and remedies.

use super::{Render, RenderOptions};
use crate::commands::doctor::DoctorReport;
use crate::output::{Level, Line};
use crate::topology::check::Severity;

impl Render for DoctorReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let errors = self
            .diagnoses
            .iter()
            .filter(|d| d.finding.severity == Severity::Error)
            .count();
        let mut lines = Vec::new();
        if !options.quiet {
            lines.push(Line::new(
                Level::Info,
                format!(
                    ">>> Doctor for the cluster of {}: {} masters, {errors} problem(s), {} warning(s)",
                    self.seed,
                    self.masters,
                    self.diagnoses.len() - errors
                ),
            ));
        }
        if self.diagnoses.is_empty() {
            lines.push(Line::new(
                Level::Success,
                "[OK] Every slot is covered, owned once and stable; every node is reachable and healthy.",
            ));
        }
        let audit = self.audit_lines(options);
        for diagnosis in &self.diagnoses {
            let (level, tag) = match diagnosis.finding.severity {
                Severity::Error => (Level::Err, "[ERR]"),
                Severity::Warning => (Level::Warn, "[WARNING]"),
            };
            lines.push(Line::new(
                level,
                format!("{tag} {}", diagnosis.finding.message),
            ));
            if options.quiet {
                continue;
            }
            lines.push(Line::plain(format!("    {}", diagnosis.explanation)));
            for remedy in &diagnosis.remedies {
                lines.push(Line::plain(format!("    $ {remedy}")));
            }
        }
        lines.extend(audit);
        lines
    }
}

impl DoctorReport {
    /// Settings, placement and permissions: warnings always, notes unless `-q`.
    fn audit_lines(&self, options: &RenderOptions) -> Vec<Line> {
        use crate::topology::audit::Level as Weight;
        let mut lines = Vec::new();
        if !options.quiet && !self.audit.is_empty() {
            lines.push(Line::new(
                Level::Info,
                ">>> Settings, placement and permissions",
            ));
        }
        for advice in &self.audit {
            let (level, tag) = match advice.level {
                Weight::Warning => (Level::Warn, "[WARNING]"),
                Weight::Note if options.quiet => continue,
                Weight::Note => (Level::Plain, "[NOTE]"),
            };
            lines.push(Line::new(level, format!("{tag} {}", advice.message)));
            if options.quiet {
                continue;
            }
            lines.push(Line::plain(format!("    {}", advice.why)));
            if let Some(remedy) = &advice.remedy {
                lines.push(Line::plain(format!("    $ {remedy}")));
            }
        }
        lines
    }
}
