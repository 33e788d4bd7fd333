//! The views of `apply` and `resume` when they move nothing: a stale plan (what changed, what to do)
//! and a journal with nothing left.

use super::{Render, RenderOptions, hint_line, ok_line};
use crate::commands::apply::StalePlan;
use crate::commands::resume::NothingToResume;
use crate::output::{Level, Line};

impl Render for StalePlan {
    fn human(&self, options: &RenderOptions) -> Vec<Line> {
        let head = Line::new(
            Level::Err,
            format!(
                "[ERR] The cluster changed since {} was made; not applying it:",
                self.plan.display()
            ),
        );
        let changes = self
            .changes
            .iter()
            .map(|c| Line::new(Level::Err, format!("    {c}")));
        let hint = format!(
            "make a new plan with `rcluster {} ... --plan-out`",
            self.command
        );
        std::iter::once(head)
            .chain(changes)
            .chain(hint_line(options, hint))
            .collect()
    }
}

impl Render for NothingToResume {
    fn human(&self, _: &RenderOptions) -> Vec<Line> {
        vec![if self.already_finished {
            ok_line(format!(
                "{} is finished: nothing to resume.",
                self.journal.display()
            ))
        } else {
            ok_line("Resumed: every slot of the plan is at its target.")
        }]
    }
}
