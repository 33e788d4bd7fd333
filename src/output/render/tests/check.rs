//! check, info and doctor from captured views: healthy, an open slot, uncovered slots, a failed
//! master; redis-cli's refusals and its unreachable-node lines.

use super::{Syntax, fixture_view, quiet_and_verbose, render, show, views};
use crate::commands::check::CheckOutcome;
use crate::commands::doctor::DoctorReport;
use crate::commands::info::build_info_report;
use crate::commands::{RedisCliRefusal, Unreachable, UnreachableNode};
use crate::output::Mode;
use crate::report::{Outcome, RenderOptions};
use crate::topology::ClusterView;
use crate::topology::check::{check_cluster, own_views};

/// `check`'s outcome as its `run` builds it; `redis_cli` picks redis-cli's rule for "clean".
fn check_outcome(view: &ClusterView, redis_cli: bool) -> Outcome {
    let check = check_cluster(view, None);
    let clean = if redis_cli {
        check.is_clean_for_redis_cli()
    } else {
        check.is_clean()
    };
    let report = CheckOutcome {
        verdict: rcluster_verdict(&check),
        info: build_info_report(view),
        check,
        views: own_views(view),
        clean,
    };
    Outcome::clean_if(report, clean)
}

fn rcluster_verdict(
    check: &crate::topology::check::CheckReport,
) -> crate::topology::check::Verdict {
    crate::topology::check::Verdict::of(&check.findings)
}

/// Every view of `check` on `view`: human and JSON with the native rule, redis-cli with its own,
/// then `-q` and `-v`.
fn check_views(view: &ClusterView) -> String {
    let native = check_outcome(view, false);
    let redis_cli = check_outcome(view, true);
    let mut text = views("check", &[], &native, Syntax::NativeOnly);
    let captured = render(
        "check",
        &[],
        &redis_cli,
        Mode::RedisCli,
        RenderOptions::default(),
    );
    text.push_str(&show("redis-cli", redis_cli.exit, &captured));
    text.push_str(&quiet_and_verbose("check", &[], &native));
    text
}

#[test]
fn check_of_a_healthy_cluster() {
    let view = fixture_view("healthy_3m3r.txt", &[], &[], 1000);
    insta::assert_snapshot!("check_healthy", check_views(&view));
}

#[test]
fn check_of_an_open_slot() {
    let view = fixture_view(
        "open_slot.migrating_view.txt",
        &[
            "open_slot.importing_view.txt",
            "open_slot.third_master_view.txt",
        ],
        &[],
        1000,
    );
    insta::assert_snapshot!("check_open_slot", check_views(&view));
}

#[test]
fn check_of_uncovered_slots() {
    let view = fixture_view(
        "uncovered_slots.txt",
        &["uncovered_slots.other_view.txt"],
        &[],
        1000,
    );
    insta::assert_snapshot!("check_uncovered_slots", check_views(&view));
}

#[test]
fn check_of_a_failed_master_not_promoted() {
    let view = fixture_view("failed_master.not_promoted.txt", &[], &[42022], 1000);
    insta::assert_snapshot!("check_failed_master_not_promoted", check_views(&view));
}

#[test]
fn check_of_a_handshake_node() {
    let view = fixture_view("handshake_node.txt", &[], &[], 0);
    insta::assert_snapshot!("check_handshake_node", check_views(&view));
}

#[test]
fn info_of_a_healthy_cluster() {
    let view = fixture_view("healthy_3m3r.txt", &[], &[], 1234);
    let outcome = Outcome::new(build_info_report(&view), crate::error::Exit::Ok);
    insta::assert_snapshot!(
        "info_healthy",
        views("info", &[], &outcome, Syntax::WithRedisCli)
    );
}

#[test]
fn info_lists_each_masters_replicas_with_v() {
    // A full load read every node's INFO replication: link and lag where both offsets are known.
    let mut view = fixture_view("healthy_3m3r.txt", &[], &[], 1234);
    let replication = |text: &str| Some(crate::net::Replication::parse(text));
    for node in &mut view.nodes {
        node.replication = match node.address.port {
            42001 => replication("role:master\r\nmaster_repl_offset:5000\r\n"),
            42004 => replication(
                "role:slave\r\nmaster_link_status:up\r\nslave_repl_offset:4200\r\nmaster_repl_offset:4200\r\n",
            ),
            42005 => replication(
                "role:slave\r\nmaster_link_status:down\r\nmaster_link_down_since_seconds:12\r\n",
            ),
            _ => None,
        };
    }
    let report = crate::commands::info::build_info_report_with_replicas(&view);
    let outcome = Outcome::new(report, crate::error::Exit::Ok);
    let mut text = views("info", &[], &outcome, Syntax::WithRedisCli);
    text.push_str(&quiet_and_verbose("info", &[], &outcome));
    insta::assert_snapshot!("info_verbose", text);
}

#[test]
fn info_without_key_counts() {
    // A live view always asks INFO keyspace; a master that did not answer it has no count.
    let view = crate::topology::fixtures::view("hostnames.txt", &[], &[]);
    let outcome = Outcome::new(build_info_report(&view), crate::error::Exit::Ok);
    insta::assert_snapshot!(
        "info_without_key_counts",
        views("info", &[], &outcome, Syntax::WithRedisCli)
    );
}

fn doctor_outcome(view: &ClusterView) -> Outcome {
    let check = check_cluster(view, None);
    let report = DoctorReport {
        seed: view.seed.to_string(),
        masters: view.loaded_masters().count(),
        diagnoses: crate::topology::diagnose::diagnose(&check, view),
        audit: crate::topology::audit::audit_placement(view),
    };
    let healthy = report.healthy();
    Outcome::clean_if(report, healthy)
}

#[test]
fn doctor_of_a_healthy_cluster_and_of_an_open_slot() {
    let healthy = fixture_view("healthy_3m3r.txt", &[], &[], 1000);
    let open = fixture_view(
        "open_slot.migrating_view.txt",
        &["open_slot.importing_view.txt"],
        &[],
        1000,
    );
    let mut text = views("doctor", &[], &doctor_outcome(&healthy), Syntax::NativeOnly);
    text.push_str(&views(
        "doctor",
        &[],
        &doctor_outcome(&open),
        Syntax::NativeOnly,
    ));
    text.push_str(&quiet_and_verbose("doctor", &[], &doctor_outcome(&open)));
    insta::assert_snapshot!("doctor", text);
}

#[test]
fn doctor_of_a_failed_master() {
    let view = fixture_view(
        "failed_master.txt",
        &["failed_master.promoted_view.txt"],
        &[42032],
        500,
    );
    insta::assert_snapshot!(
        "doctor_failed_master",
        views("doctor", &[], &doctor_outcome(&view), Syntax::NativeOnly)
    );
}

#[test]
fn doctor_counts_the_audit_warnings_and_advises_saved_settings() {
    // Nodes without persistence, protected without a password: a warning and notes whose remedies
    // save what they set, and set masterauth before requirepass.
    let view = fixture_view("healthy_3m3r.txt", &[], &[], 1000);
    let settings: Vec<(String, crate::topology::audit::Settings)> = view
        .nodes
        .iter()
        .map(|n| {
            let values = [
                ("appendonly", "no"),
                ("save", ""),
                ("protected-mode", "yes"),
                ("requirepass", ""),
                ("masterauth", ""),
                ("cluster-node-timeout", "15000"),
            ];
            let settings = values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (n.address.to_string(), settings)
        })
        .collect();
    let check = check_cluster(&view, None);
    let mut audit = crate::topology::audit::audit_settings(&settings, &view.seed.to_string());
    audit.extend(crate::topology::audit::audit_placement(&view));
    let report = DoctorReport {
        seed: view.seed.to_string(),
        masters: view.loaded_masters().count(),
        diagnoses: crate::topology::diagnose::diagnose(&check, &view),
        audit,
    };
    let healthy = report.healthy();
    let outcome = Outcome::clean_if(report, healthy);
    insta::assert_snapshot!(
        "doctor_audit",
        views("doctor", &[], &outcome, Syntax::NativeOnly)
    );
}

#[test]
fn a_refusal_in_redis_cli_words() {
    let on_stderr = RedisCliRefusal::outcome(
        "*** Please fix your cluster problems before resharding",
        true,
    );
    let on_stdout = RedisCliRefusal::outcome("*** No such master node abc", false);
    let mut text = views("reshard", &[], &on_stderr, Syntax::WithRedisCli);
    text.push_str(&views("rebalance", &[], &on_stdout, Syntax::WithRedisCli));
    insta::assert_snapshot!("redis_cli_refusal", text);
}

#[test]
fn unreachable_nodes_before_a_check() {
    let view = fixture_view("failed_master.not_promoted.txt", &[], &[42022], 1000);
    let unreachable = Unreachable {
        nodes: vec![UnreachableNode {
            address: "127.0.0.1:42022".into(),
            reason: "Connection refused".into(),
        }],
    };
    let outcome = check_outcome(&view, true);
    insta::assert_snapshot!(
        "check_after_unreachable",
        views("check", &[&unreachable], &outcome, Syntax::WithRedisCli)
    );
}
