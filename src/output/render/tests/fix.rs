//! fix from captured views, through the pure planner: an open slot (dry run, repaired in both
//! syntaxes, a slot that failed), uncovered slots, a refusal, nothing to do, a declined prompt.

use super::{Syntax, fixture_view, id_at, render, show, views};
use crate::commands::check::{CheckPart, CheckSection};
use crate::commands::fix::{Addresses, FixReport, FixStage, OpenSlotSection, PlanSection};
use crate::exec::fix::FixOutcome;
use crate::output::Mode;
use crate::plan::fix::{FixOptions, FixPlan, Problem, SlotKeys, plan_fix};
use crate::report::{Outcome, RenderOptions, Report};
use crate::topology::ClusterView;
use crate::topology::check::check_cluster;
use std::collections::HashMap;

/// The human view with `-q`: the result lines and one line for the check after the repair.
fn quiet(command: &str, sections: &[&dyn Report], outcome: &Outcome) -> String {
    let options = RenderOptions {
        quiet: true,
        verbose: 0,
    };
    let captured = render(command, sections, outcome, Mode::Human, options);
    show("human -q", outcome.exit, &captured)
}

/// The open slot 3300 of the captures, with its 3 keys still on the source (42001).
fn open_slot() -> (ClusterView, SlotKeys) {
    let view = fixture_view(
        "open_slot.migrating_view.txt",
        &[
            "open_slot.importing_view.txt",
            "open_slot.third_master_view.txt",
        ],
        &[],
        1000,
    );
    let keys: SlotKeys = [(id_at(&view, 42001), [(3300, 3)].into())].into();
    (view, keys)
}

fn plan(view: &ClusterView, keys: &SlotKeys, with_unreachable_masters: bool) -> FixPlan {
    let options = FixOptions {
        with_unreachable_masters,
    };
    plan_fix(view, keys, &HashMap::new(), options).expect("a valid plan")
}

/// The report `fix` returns at `stage` (as `FixReport::finish` makes its outcome).
fn outcome(view: &ClusterView, stage: FixStage, plan: FixPlan, clean: bool) -> Outcome {
    outcome_with(view, stage, plan, None, clean)
}

fn outcome_with(
    view: &ClusterView,
    stage: FixStage,
    plan: FixPlan,
    done: Option<(FixOutcome, ClusterView)>,
    clean: bool,
) -> Outcome {
    let check = check_cluster(view, None);
    let applied = done.is_some();
    let failed = done.as_ref().is_some_and(|(o, _)| !o.failed.is_empty());
    let (outcome, after) = match done {
        Some((outcome, after)) => (Some(outcome), Some(check_cluster(&after, None))),
        None => (None, None),
    };
    let report = FixReport {
        stage,
        applied,
        check,
        plan,
        outcome,
        seconds: applied.then_some(0.42),
        left_slots: None,
        after,
        clean: clean && !failed,
        addresses: Addresses::of(view),
    };
    let ok = report.clean;
    Outcome::clean_if(report, ok)
}

#[test]
fn an_open_slot_in_a_dry_run() {
    let (view, keys) = open_slot();
    let plan = plan(&view, &keys, false);
    assert_eq!(plan.repairs.len(), 1, "{plan:?}");
    let check = check_cluster(&view, None);
    let info = crate::commands::info::build_info_report(&view);
    let addresses = Addresses::of(&view);
    let check_section = CheckSection::with_info(&check, &info);
    let plan_section = PlanSection {
        plan: &plan,
        addresses: &addresses,
    };
    let outcome = outcome(&view, FixStage::DryRun, plan.clone(), false);
    insta::assert_snapshot!(
        "fix_open_slot_dry_run",
        views(
            "fix",
            &[&check_section, &plan_section],
            &outcome,
            Syntax::NativeOnly
        )
    );
}

#[test]
fn an_open_slot_repaired_in_both_syntaxes() {
    let (view, keys) = open_slot();
    let after = fixture_view("healthy_3m3r.txt", &[], &[], 1000);
    let plan = plan(&view, &keys, false);
    let done = || FixOutcome {
        fixed: vec![3300],
        keys_moved: 3,
        ..FixOutcome::default()
    };
    let check = check_cluster(&view, None);
    let info = crate::commands::info::build_info_report(&view);
    let addresses = Addresses::of(&view);
    let outcome = outcome_with(
        &view,
        FixStage::Repaired,
        plan.clone(),
        Some((done(), after)),
        true,
    );

    // Natively: the whole check, the plan, then the report.
    let whole = CheckSection::with_info(&check, &info);
    let plan_section = PlanSection {
        plan: &plan,
        addresses: &addresses,
    };
    let native: [&dyn Report; 2] = [&whole, &plan_section];
    let mut text = String::new();
    for (name, mode) in [("human", Mode::Human), ("json", Mode::Json)] {
        let captured = render("fix", &native, &outcome, mode, RenderOptions::default());
        text.push_str(&show(name, outcome.exit, &captured));
    }

    // redis-cli: the open slots are repaired between the open-slot and coverage parts.
    let open = plan.clone().take(|r| r.problem == Problem::OpenSlot);
    let before = CheckSection::with_info(&check, &info).part(CheckPart::BeforeCoverage);
    let done = done();
    let repaired = OpenSlotSection {
        plan: &open,
        check: &check,
        addresses: &addresses,
        outcome: &done,
    };
    let from = CheckSection::new(&check).part(CheckPart::FromCoverage);
    let redis_cli: [&dyn Report; 3] = [&before, &repaired, &from];
    let captured = render(
        "fix",
        &redis_cli,
        &outcome,
        Mode::RedisCli,
        RenderOptions::default(),
    );
    text.push_str(&show("redis-cli", outcome.exit, &captured));
    text.push_str(&quiet("fix", &native, &outcome));
    insta::assert_snapshot!("fix_open_slot_repaired", text);
}

#[test]
fn a_slot_that_could_not_be_repaired() {
    let (view, keys) = open_slot();
    let plan = plan(&view, &keys, false);
    let done = FixOutcome {
        failed: [(
            3300,
            "BUSYKEY on 127.0.0.1:42002 for {b}:k1 with a different value: --replace overwrites it"
                .to_string(),
        )]
        .into(),
        warnings: vec![
            "127.0.0.1:42003 was not told the owner of 3300 (gossip will tell it)".into(),
        ],
        ..FixOutcome::default()
    };
    let outcome = outcome_with(
        &view,
        FixStage::Repaired,
        plan,
        Some((done, view.clone())),
        false,
    );
    let mut text = views("fix", &[], &outcome, Syntax::WithRedisCli);
    text.push_str(&quiet("fix", &[], &outcome));
    insta::assert_snapshot!("fix_open_slot_failed", text);
}

#[test]
fn uncovered_slots_planned_and_covered() {
    let view = fixture_view(
        "uncovered_slots.txt",
        &["uncovered_slots.other_view.txt"],
        &[],
        1000,
    );
    let plan = plan(&view, &SlotKeys::new(), false);
    let addresses = Addresses::of(&view);
    let plan_section = PlanSection {
        plan: &plan,
        addresses: &addresses,
    };
    // A dry run (native syntax only: redis-cli has no --dry-run).
    let dry_run = outcome(&view, FixStage::DryRun, plan.clone(), false);
    let mut text = views("fix", &[&plan_section], &dry_run, Syntax::NativeOnly);
    // Covered: redis-cli shows the plan after the prompt, natively before it.
    let after = fixture_view("uncovered_slots.other_view.txt", &[], &[], 1000);
    let done = FixOutcome {
        fixed: vec![3, 4, 5],
        ..FixOutcome::default()
    };
    let covered = outcome_with(
        &view,
        FixStage::Repaired,
        plan.clone(),
        Some((done, after)),
        true,
    );
    text.push_str(&views(
        "fix",
        &[&plan_section],
        &covered,
        Syntax::WithRedisCli,
    ));
    insta::assert_snapshot!("fix_uncovered", text);
}

#[test]
fn refused_nothing_to_do_and_declined() {
    let failed = fixture_view("failed_master.not_promoted.txt", &[], &[42022], 1000);
    let refused = plan(&failed, &SlotKeys::new(), false);
    assert!(refused.refused.is_some(), "{refused:?}");
    let refused = outcome(&failed, FixStage::Refused, refused, false);
    let mut text = views("fix", &[], &refused, Syntax::WithRedisCli);

    let healthy = fixture_view("healthy_3m3r.txt", &[], &[], 1000);
    let nothing = plan(&healthy, &SlotKeys::new(), false);
    let nothing = outcome(&healthy, FixStage::NothingToDo, nothing, true);
    text.push_str(&views("fix", &[], &nothing, Syntax::WithRedisCli));

    let promoted = fixture_view(
        "failed_master.txt",
        &["failed_master.promoted_view.txt"],
        &[42032],
        1000,
    );
    let notes = plan(&promoted, &SlotKeys::new(), false);
    let notes = outcome(&promoted, FixStage::NothingToDo, notes, false);
    text.push_str(&views("fix", &[], &notes, Syntax::WithRedisCli));

    let (view, keys) = open_slot();
    let declined = plan(&view, &keys, false);
    let declined = outcome(&view, FixStage::Declined, declined, false);
    text.push_str(&views("fix", &[], &declined, Syntax::NativeOnly));
    insta::assert_snapshot!("fix_refused_nothing_declined", text);
}
