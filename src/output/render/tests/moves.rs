//! reshard and rebalance plans from the pure planners on a captured view, a run of moves as it
//! ends (cleanly, with errors, interrupted), resume and apply.

use super::{Syntax, fixture_view, id_at, quiet_and_verbose, views};
use crate::commands::apply::StalePlan;
use crate::commands::moves::MoveRunReport;
use crate::commands::rebalance::{Balance, RebalanceNotNeeded, RebalancePlanReport};
use crate::commands::reshard::ReshardPlan;
use crate::commands::resume::NothingToResume;
use crate::error::Exit;
use crate::exec::moves::{MoveSummary, PhaseTimes};
use crate::plan::MasterSlots;
use crate::plan::rebalance::{Participant, plan_rebalance};
use crate::plan::reshard::plan_reshard;
use crate::report::Outcome;
use crate::topology::check::check_cluster;
use crate::topology::{Slot, SlotSet};

#[test]
fn reshard_plan_of_ten_slots() {
    let view = fixture_view("healthy_3m3r.txt", &[], &[], 1000);
    let masters: Vec<MasterSlots> = view
        .loaded_masters()
        .map(|m| MasterSlots {
            id: m.id().to_string(),
            slots: m.myself().slots.clone(),
        })
        .collect();
    let (source, target) = (id_at(&view, 42002), id_at(&view, 42001));
    let plan = plan_reshard(&masters, &[source], &target, 10).unwrap();
    let check = check_cluster(&view, None);
    let target = view.node_by_id(&target).unwrap();
    let mut shown = ReshardPlan::new(&view, &check.nodes, &plan, target);
    shown.announced = 10;
    let outcome = Outcome::new(shown, Exit::Ok);
    insta::assert_snapshot!(
        "reshard_plan",
        views("reshard", &[], &outcome, Syntax::WithRedisCli)
    );
}

#[test]
fn rebalance_plan_and_nothing_to_do() {
    let view = fixture_view("healthy_3m3r.txt", &[], &[], 1000);
    // The captured cluster is balanced: give the first master 40 slots of the second's, two ranges
    // of its lowest slots (0-19 and 40-58) move back.
    let slots: [(u16, &[(u64, u64)]); 3] = [
        (42001, &[(0, 19), (40, 5520)]),
        (42002, &[(20, 39), (5521, 10922)]),
        (42003, &[(10923, 16383)]),
    ];
    let participants: Vec<Participant> = slots
        .iter()
        .map(|&(port, ranges)| {
            let mut owned = SlotSet::new();
            for &(first, last) in ranges {
                owned.insert_range(Slot::new(first).unwrap(), Slot::new(last).unwrap());
            }
            Participant {
                master: MasterSlots {
                    id: id_at(&view, port),
                    slots: owned,
                },
                weight: 1.0,
            }
        })
        .collect();
    let plan = plan_rebalance(&participants, 0.5).unwrap();
    let report = RebalancePlanReport::new(&view, &plan, Balance::Slots);
    let outcome = Outcome::new(report, Exit::Ok);
    let mut text = views("rebalance", &[], &outcome, Syntax::WithRedisCli);
    text.push_str(&quiet_and_verbose("rebalance", &[], &outcome));
    let balanced = RebalanceNotNeeded {
        applied: false,
        threshold: 2.0,
    };
    let balanced = Outcome::new(balanced, Exit::Ok);
    text.push_str(&views("rebalance", &[], &balanced, Syntax::WithRedisCli));
    insta::assert_snapshot!("rebalance_plan", text);
}

fn run_report(errors: Vec<String>, interrupted: bool, agreed: bool) -> MoveRunReport {
    MoveRunReport {
        applied: true,
        interrupted,
        agreed,
        migration: "legacy".into(),
        planned: 10,
        step: None,
        summary: MoveSummary {
            slots: if interrupted { 4 } else { 10 },
            keys: 1830,
            seconds: 1.25,
            phases: Some(PhaseTimes {
                open: 0.012,
                getkeys: 0.034,
                migrate: 0.9,
                handoff: 0.05,
            }),
            tasks: None,
            warnings: vec![],
        },
        errors,
        seed: "127.0.0.1:42001".into(),
        journal: "/var/lib/rcluster/journals/reshard-1795612305.jsonl".into(),
        profile: false,
        big_keys: None,
        drained_masters: vec![],
        observe: None,
    }
}

#[test]
fn a_run_of_moves_as_it_ends() {
    let clean = Outcome::new(run_report(vec![], false, true), Exit::Ok);
    let mut text = views("reshard", &[], &clean, Syntax::WithRedisCli);
    text.push_str(&quiet_and_verbose("reshard", &[], &clean));

    let mut profiled = run_report(vec![], false, false);
    profiled.profile = true;
    profiled.summary.warnings =
        vec!["*** cancelled the server-side job 7 on 127.0.0.1:42002 (confirmed)".into()];
    let profiled = Outcome::new(profiled, Exit::Ok);
    text.push_str(&views("rebalance", &[], &profiled, Syntax::NativeOnly));

    let failed = run_report(
        vec!["slot 5461 (127.0.0.1:42002 -> 127.0.0.1:42001) stopped at Migrate: IOERR error or timeout reading to target instance; the slot is open on both nodes: `rcluster resume` finishes it".into()],
        false,
        true,
    );
    let failed = Outcome::new(failed, Exit::Problems);
    text.push_str(&views("reshard", &[], &failed, Syntax::WithRedisCli));

    let interrupted = Outcome::new(run_report(vec![], true, true), Exit::Problems);
    text.push_str(&views("reshard", &[], &interrupted, Syntax::WithRedisCli));
    insta::assert_snapshot!("move_run", text);
}

#[test]
fn bounded_steps_say_what_is_left() {
    let mut text = String::new();
    for (timed_out, left_slots, moved) in [(false, 118, 10), (true, 124, 4), (false, 0, 10)] {
        let mut step = run_report(vec![], false, true);
        step.summary.slots = moved;
        step.step = Some(crate::exec::run::StepReport {
            timed_out,
            left_slots,
        });
        let step = Outcome::new(step, Exit::Ok);
        text.push_str(&views("rebalance", &[], &step, Syntax::NativeOnly));
    }
    insta::assert_snapshot!("bounded_steps", text);
}

#[test]
fn a_master_drained_with_replica_migration_off_gets_its_two_choices() {
    let mut drained = run_report(vec![], false, true);
    drained.drained_masters = vec![crate::exec::membership::DrainedMaster {
        id: "fb5cd2a8d7f6f6e6c3e1f1bb5bd2c2a2e6d0c001".into(),
        address: "127.0.0.1:42003".into(),
    }];
    let drained = Outcome::new(drained, Exit::Ok);
    let text = views("rebalance", &[], &drained, Syntax::WithRedisCli);
    insta::assert_snapshot!("drained_master", text);
}

#[test]
fn an_observed_run_gives_the_client_figures() {
    use crate::exec::observe::{ObserveReport, PaceReport};
    use crate::report::{LatencyFigures, PhaseLatency, Redirects};
    let figures = |p50_ms, p99_ms, max_ms, samples, errors, ask, moved| LatencyFigures {
        p50_ms,
        p99_ms,
        max_ms,
        samples,
        errors,
        redirects: Redirects {
            ask,
            moved,
            tryagain: 0,
        },
    };
    let mut observed = run_report(vec![], false, true);
    observed.observe = Some(ObserveReport {
        baseline_ms: 1000,
        baseline: PhaseLatency {
            moved_slots: figures(0.11, 0.42, 0.9, 480, 0, 0, 0),
            other_slots: figures(0.1, 0.4, 1.25, 482, 0, 0, 0),
        },
        during: PhaseLatency {
            moved_slots: figures(0.35, 4.2, 9.7, 1210, 1, 37, 12),
            other_slots: figures(0.3, 3.9, 8.0, 1214, 0, 0, 0),
        },
        max_latency_ms: Some(5.0),
        pace: Some(PaceReport {
            window_limit: 256,
            window_peak: 64,
            window_end: 3,
            batch_limit: 100,
            batch_peak: 100,
            batch_end: 9,
            pause_peak_ms: 64.0,
            pause_end_ms: 0.0,
            shrunk: 9,
            grown: 14,
        }),
        keys: vec![],
    });
    let observed = Outcome::new(observed, Exit::Ok);
    let mut text = views("reshard", &[], &observed, Syntax::NativeOnly);
    text.push_str(&quiet_and_verbose("reshard", &[], &observed));
    insta::assert_snapshot!("move_run_observed", text);
}

#[test]
fn resume_with_nothing_left_and_a_stale_plan() {
    let journal = "/var/lib/rcluster/journals/reshard-1795612305.jsonl";
    let finished = NothingToResume {
        journal: journal.into(),
        already_finished: true,
    };
    let at_target = NothingToResume {
        journal: journal.into(),
        already_finished: false,
    };
    let mut text = views(
        "resume",
        &[],
        &Outcome::new(finished, Exit::Ok),
        Syntax::NativeOnly,
    );
    text.push_str(&views(
        "resume",
        &[],
        &Outcome::new(at_target, Exit::Ok),
        Syntax::NativeOnly,
    ));
    let stale = StalePlan {
        plan: "rebalance.plan.json".into(),
        command: "rebalance".into(),
        changes: vec![
            "slot 5461 is owned by 127.0.0.1:42003, not 127.0.0.1:42002".into(),
            "127.0.0.1:42004 is new".into(),
        ],
    };
    text.push_str(&views(
        "apply",
        &[],
        &Outcome::new(stale, Exit::Problems),
        Syntax::NativeOnly,
    ));
    insta::assert_snapshot!("resume_and_apply", text);
}
