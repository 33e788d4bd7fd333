//! `doctor`'s view: a headline, then every finding with its explanation and remedies.

use super::{Render, RenderOptions};
use crate::commands::doctor::DoctorReport;
use crate::output::{Level, Line};
use crate::topology::check::Severity;
use crate::words::{counted, plural};

impl Render for DoctorReport {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let errors = self
            .diagnoses
            .iter()
            .filter(|d| d.finding.severity == Severity::Error)
            .count();
        // Every [WARNING] block below counts: the check's and the audit's.
        let warnings = self.diagnoses.len() - errors
            + self
                .audit
                .iter()
                .filter(|a| a.level == crate::topology::audit::Level::Warning)
                .count();
        let mut lines = Vec::new();
        if !options.quiet {
            lines.push(Line::new(
                Level::Info,
                format!(
                    ">>> Doctor for the cluster of {}: {} {}, {}, {}",
                    self.seed,
                    self.masters,
                    plural(self.masters, "master", "masters"),
                    counted(errors, "problem", "problems"),
                    counted(warnings, "warning", "warnings"),
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
