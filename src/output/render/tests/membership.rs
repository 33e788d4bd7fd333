//! add-node, del-node, failover, call, set-timeout and setslot, with the nodes of the captured
//! healthy 3+3 cluster.

use super::{Syntax, fixture_view, id_at, quiet_and_verbose, views};
use crate::commands::NodeRef;
use crate::commands::add_node::{AddNodeReport, Master};
use crate::commands::call::{CallReport, CallResult};
use crate::commands::del_node::{DelNodeReport, DelNodeState, NodeFailure, Repoint};
use crate::commands::failover::{CatchUp, DrillReport, FailoverReport, Mode, Phase};
use crate::commands::set_timeout::{SetTimeoutReport, TimeoutResult};
use crate::commands::setslot::SetslotReport;
use crate::error::Exit;
use crate::exec::drill::{ShardTally, Tally};
use crate::report::Outcome;
use crate::topology::{ClusterView, Slot, SlotSet};

fn healthy() -> ClusterView {
    fixture_view("healthy_3m3r.txt", &[], &[], 1000)
}

#[test]
fn add_node_as_master_as_replica_and_refused() {
    let view = healthy();
    let master = id_at(&view, 42001);
    let added = AddNodeReport {
        seed: "127.0.0.1:42001".into(),
        address: "127.0.0.1:42007".into(),
        added: true,
        id: Some("3c1f0a9e5b7d4e2f8a6c0b1d9e3f5a7c2b4d6e8f".into()),
        role: Some("master"),
        master: None,
        synced_ms: None,
    };
    let mut text = views(
        "add-node",
        &[],
        &Outcome::new(added, Exit::Ok),
        Syntax::WithRedisCli,
    );
    let replica = AddNodeReport {
        seed: "127.0.0.1:42001".into(),
        address: "127.0.0.1:42008".into(),
        added: true,
        id: Some("7e2d4c6b8a0f1e3d5c7b9a2f4e6d8c0b1a3f5e7d".into()),
        role: Some("replica"),
        master: Some(Master {
            id: master,
            address: "127.0.0.1:42001".into(),
        }),
        synced_ms: Some(412),
    };
    text.push_str(&views(
        "add-node",
        &[],
        &Outcome::new(replica, Exit::Ok),
        Syntax::WithRedisCli,
    ));
    let refused = AddNodeReport {
        seed: "127.0.0.1:42001".into(),
        address: "127.0.0.1:42007".into(),
        added: false,
        id: None,
        role: None,
        master: None,
        synced_ms: None,
    };
    let refused = Outcome::new(refused, Exit::Problems);
    text.push_str(&views("add-node", &[], &refused, Syntax::WithRedisCli));
    text.push_str(&quiet_and_verbose("add-node", &[], &refused));
    insta::assert_snapshot!("add_node", text);
}

fn del_node(state: DelNodeState) -> DelNodeReport {
    let view = healthy();
    DelNodeReport {
        seed: "127.0.0.1:42001".into(),
        requested: id_at(&view, 42004),
        state,
        id: Some(id_at(&view, 42004)),
        address: Some("127.0.0.1:42004".into()),
        ..DelNodeReport::default()
    }
}

#[test]
fn del_node_in_every_state() {
    let view = healthy();
    let removed = DelNodeReport {
        forgot: vec![
            "127.0.0.1:42001".into(),
            "127.0.0.1:42002".into(),
            "127.0.0.1:42003".into(),
            "127.0.0.1:42005".into(),
            "127.0.0.1:42006".into(),
        ],
        reset: Some(true),
        ..del_node(DelNodeState::Removed)
    };
    let mut text = views(
        "del-node",
        &[],
        &Outcome::new(removed, Exit::Ok),
        Syntax::WithRedisCli,
    );

    let partly = DelNodeReport {
        repointed: vec![Repoint {
            replica: "127.0.0.1:42004".into(),
            master: "127.0.0.1:42002".into(),
            ok: true,
        }],
        failed: vec![NodeFailure {
            address: "127.0.0.1:42003".into(),
            error: "connection refused".into(),
        }],
        reset: Some(false),
        address: Some("127.0.0.1:42001".into()),
        id: Some(id_at(&view, 42001)),
        ..del_node(DelNodeState::Removed)
    };
    let partly = Outcome::new(partly, Exit::Problems);
    text.push_str(&views("del-node", &[], &partly, Syntax::WithRedisCli));
    text.push_str(&quiet_and_verbose("del-node", &[], &partly));

    let not_found = DelNodeReport {
        requested: "0123456789abcdef".into(),
        id: None,
        address: None,
        ..del_node(DelNodeState::NotFound)
    };
    let refusals = [
        not_found,
        DelNodeReport {
            slot_count: 5461,
            ..del_node(DelNodeState::NotEmpty)
        },
        DelNodeReport {
            keys: Some(120),
            ..del_node(DelNodeState::HoldsKeys)
        },
        DelNodeReport {
            moving: vec!["slot 3300 127.0.0.1:42004 -> 127.0.0.1:42002".into()],
            ..del_node(DelNodeState::Moving)
        },
        DelNodeReport {
            moving: vec![
                "slot 3300 127.0.0.1:42004 -> 127.0.0.1:42002".into(),
                "slot 3301 127.0.0.1:42004 -> 127.0.0.1:42002".into(),
                "slot 3302 127.0.0.1:42004 -> 127.0.0.1:42002".into(),
            ],
            ..del_node(DelNodeState::Moving)
        },
    ];
    for refused in refusals {
        let refused = Outcome::new(refused, Exit::Problems);
        text.push_str(&views("del-node", &[], &refused, Syntax::WithRedisCli));
    }
    insta::assert_snapshot!("del_node", text);
}

#[test]
fn del_node_stopped_rechecked_or_not_reset() {
    use crate::commands::del_node::Recheck;
    let stopped = DelNodeReport {
        reset: Some(true),
        shutdown: Some(true),
        recheck: Some(Recheck {
            seconds: 65,
            came_back: vec![],
        }),
        ..del_node(DelNodeState::Removed)
    };
    let mut text = views(
        "del-node",
        &[],
        &Outcome::new(stopped, Exit::Ok),
        Syntax::NativeOnly,
    );
    let back = DelNodeReport {
        reset: None,
        recheck: Some(Recheck {
            seconds: 66,
            came_back: vec!["127.0.0.1:42002".into(), "127.0.0.1:42003".into()],
        }),
        ..del_node(DelNodeState::Removed)
    };
    let back = Outcome::new(back, Exit::Problems);
    text.push_str(&views("del-node", &[], &back, Syntax::NativeOnly));
    insta::assert_snapshot!("del_node_stopped_rechecked", text);
}

#[test]
fn del_node_replicate_to_failover_first_and_stuck_replicas() {
    use crate::commands::NodeRef;
    use crate::commands::del_node::{ReplicateTo, TakeOver};
    use crate::exec::failover::Phase;
    let view = healthy();
    let master = NodeRef::of(&view, &id_at(&view, 42002));
    let replicate_to = |synced_ms, waiting_for: &[&str]| ReplicateTo {
        master: master.clone(),
        synced_ms,
        waiting_for: waiting_for.iter().map(|w| w.to_string()).collect(),
    };
    let master_node = |state| DelNodeReport {
        address: Some("127.0.0.1:42001".into()),
        id: Some(id_at(&view, 42001)),
        ..del_node(state)
    };
    let phases = |last: Option<u128>| {
        vec![
            Phase {
                name: "replica_is_master",
                ms: Some(310),
            },
            Phase {
                name: "old_master_is_replica",
                ms: Some(420),
            },
            Phase {
                name: "all_nodes_agree",
                ms: last,
            },
        ]
    };
    let takeover = |last| TakeOver {
        replica: NodeRef::of(&view, &id_at(&view, 42004)),
        slot_count: 5461,
        phases: phases(last),
    };
    let cases = [
        (
            DelNodeReport {
                repointed: vec![Repoint {
                    replica: "127.0.0.1:42004".into(),
                    master: "127.0.0.1:42003".into(),
                    ok: true,
                }],
                replicate_to: Some(replicate_to(Some(5320), &[])),
                ..master_node(DelNodeState::Replica)
            },
            Exit::Ok,
        ),
        (
            DelNodeReport {
                failed: vec![NodeFailure {
                    address: "127.0.0.1:42001".into(),
                    error: "not a synced replica of 127.0.0.1:42002 within 60 s (--wait)".into(),
                }],
                replicate_to: Some(replicate_to(
                    None,
                    &[
                        "127.0.0.1:42001 (replica of 127.0.0.1:42002) has not finished its first sync",
                    ],
                )),
                ..master_node(DelNodeState::Replica)
            },
            Exit::Problems,
        ),
        (
            DelNodeReport {
                slot_count: 12,
                replicate_to: Some(replicate_to(None, &[])),
                ..master_node(DelNodeState::NotEmpty)
            },
            Exit::Problems,
        ),
        (
            DelNodeReport {
                slot_count: 5461,
                heir: Some("127.0.0.1:42004".into()),
                ..master_node(DelNodeState::NotEmpty)
            },
            Exit::Problems,
        ),
        (
            DelNodeReport {
                heir: Some("127.0.0.1:42004".into()),
                failover: Some(takeover(Some(650))),
                forgot: vec!["127.0.0.1:42002".into(), "127.0.0.1:42003".into()],
                reset: Some(true),
                ..master_node(DelNodeState::Removed)
            },
            Exit::Ok,
        ),
        (
            DelNodeReport {
                slot_count: 5461,
                heir: Some("127.0.0.1:42004".into()),
                failover: Some(takeover(None)),
                ..master_node(DelNodeState::FailoverIncomplete)
            },
            Exit::Problems,
        ),
        (
            DelNodeReport {
                failed: vec![NodeFailure {
                    address: "127.0.0.1:42004".into(),
                    error: "no other master to replicate".into(),
                }],
                ..master_node(DelNodeState::ReplicaStuck)
            },
            Exit::Problems,
        ),
    ];
    let mut text = String::new();
    for (report, exit) in cases {
        let outcome = Outcome::new(report, exit);
        text.push_str(&views("del-node", &[], &outcome, Syntax::WithRedisCli));
    }
    insta::assert_snapshot!("del_node_replicate_to_and_failover", text);
}

fn failover(phases: &[(&'static str, Option<u128>)], drill: Option<DrillReport>) -> Outcome {
    let view = healthy();
    // A coordinated failover reports its catch-up; a drill that kills the master has none.
    let catch_up = drill.is_none().then_some(CatchUp {
        lag_bytes: Some(1840),
        last_io_seconds: Some(0),
        caught_up_ms: Some(6),
    });
    let report = FailoverReport {
        node: NodeRef::of(&view, &id_at(&view, 42004)),
        old_master: NodeRef::of(&view, &id_at(&view, 42001)),
        mode: Mode::Coordinated,
        slot_count: 5461,
        phases: phases
            .iter()
            .map(|&(name, ms)| Phase { name, ms })
            .collect(),
        catch_up,
        drill,
    };
    let passed = report.passed();
    Outcome::clean_if(report, passed)
}

#[test]
fn failover_done_late_and_drilled() {
    let done = failover(
        &[
            ("replica_is_master", Some(118)),
            ("old_master_is_replica", Some(131)),
            ("all_nodes_agree", Some(240)),
        ],
        None,
    );
    let mut text = views("failover", &[], &done, Syntax::NativeOnly);
    text.push_str(&quiet_and_verbose("failover", &[], &done));
    let late = failover(
        &[
            ("replica_is_master", Some(118)),
            ("old_master_is_replica", None),
            ("all_nodes_agree", None),
        ],
        None,
    );
    text.push_str(&views("failover", &[], &late, Syntax::NativeOnly));
    let shard = |port: u16, first: u64, last: u64, failed: u64, longest_gap_ms: u128| ShardTally {
        master: format!("127.0.0.1:{port}"),
        slots: SlotSet::from_range(Slot::new(first).unwrap(), Slot::new(last).unwrap()),
        tried: 666,
        failed,
        longest_gap_ms,
    };
    let tally = Tally {
        tried: 2000,
        succeeded: 1990,
        failed: 10,
        longest_gap_ms: 45,
        recovery_ms: 1600,
        shards: vec![
            shard(42001, 0, 5460, 10, 1450),
            shard(42002, 5461, 10922, 0, 40),
            shard(42003, 10923, 16383, 0, 38),
        ],
        wrong: vec![],
        lost: vec!["drill:{7}:1733".into()],
        unreadable_during_outage: vec!["drill:1701".into(), "drill:1702".into()],
        ..Tally::default()
    };
    let drill = DrillReport {
        success_rate: tally.success_rate(),
        tally,
        min_success: 99.9,
        killed_pid: Some(41234),
        old_master_answers: Some(false),
        killed_executable: None,
        killed_config_file: None,
    };
    let drilled = failover(
        &[
            ("replica_is_master", Some(1400)),
            ("all_nodes_agree", Some(1610)),
        ],
        Some(drill),
    );
    text.push_str(&views("failover", &[], &drilled, Syntax::NativeOnly));
    // Nothing lost, one key never readable, the old master's config file known.
    let tally = Tally {
        tried: 900,
        succeeded: 900,
        unreadable: vec!["drill:88".into()],
        ..Tally::default()
    };
    let drill = DrillReport {
        success_rate: tally.success_rate(),
        tally,
        min_success: 10.0,
        killed_pid: Some(41234),
        old_master_answers: Some(false),
        killed_executable: Some("/usr/bin/redis-server".into()),
        killed_config_file: Some("/etc/redis/42001.conf".into()),
    };
    let unreadable = failover(
        &[
            ("replica_is_master", Some(1400)),
            ("all_nodes_agree", Some(1610)),
        ],
        Some(drill),
    );
    let captured = super::render(
        "failover",
        &[],
        &unreadable,
        crate::output::Mode::Human,
        crate::report::RenderOptions::default(),
    );
    text.push_str(&super::show("human", unreadable.exit, &captured));
    insta::assert_snapshot!("failover", text);
}

#[test]
fn call_on_every_node() {
    let view = healthy();
    let nodes = view
        .nodes
        .iter()
        .map(|node| {
            let master = node.is_master();
            let (raw, reply) = if node.address.port == 42006 {
                (String::new(), None)
            } else if master {
                ("1000".to_string(), Some(serde_json::json!(1000)))
            } else {
                ("0".to_string(), Some(serde_json::json!(0)))
            };
            let error = (node.address.port == 42006)
                .then(|| "READONLY You can't write against a read only replica.".to_string());
            CallResult {
                address: node.address.to_string(),
                id: node.id().to_string(),
                role: if master { "master" } else { "replica" },
                ok: error.is_none(),
                raw: error.clone().unwrap_or(raw),
                reply,
                error,
            }
        })
        .collect();
    let report = CallReport {
        command: vec!["DBSIZE".into()],
        nodes,
    };
    let outcome = Outcome::new(report, Exit::Problems);
    let mut text = views("call", &[], &outcome, Syntax::WithRedisCli);
    text.push_str(&quiet_and_verbose("call", &[], &outcome));
    insta::assert_snapshot!("call", text);
}

#[test]
fn set_timeout_on_every_node() {
    let view = healthy();
    let nodes = view
        .nodes
        .iter()
        .map(|node| {
            let error = (node.address.port == 42005).then(|| {
                "NOPERM this user has no permissions to run the 'config|set' command".to_string()
            });
            // 42006 runs without a config file: set, not saved.
            let unsaved = node.address.port == 42006;
            let error = if unsaved {
                Some("ERR The server is running without a config file".to_string())
            } else {
                error
            };
            TimeoutResult {
                id: node.id().to_string(),
                address: node.address.to_string(),
                role: if node.is_master() {
                    "master"
                } else {
                    "replica"
                },
                ok: error.is_none() || unsaved,
                saved: error.is_none(),
                error,
            }
        })
        .collect();
    let report = SetTimeoutReport {
        milliseconds: 5000,
        nodes,
    };
    let outcome = Outcome::new(report, Exit::Problems);
    insta::assert_snapshot!(
        "set_timeout",
        views("set-timeout", &[], &outcome, Syntax::WithRedisCli)
    );
}

#[test]
fn setslot_node_and_stable() {
    let view = healthy();
    let slot = Slot::new(3300).unwrap();
    let node = SetslotReport {
        address: "127.0.0.1:42002".into(),
        slot,
        state: "node",
        id: Some(id_at(&view, 42002)),
    };
    let stable = SetslotReport {
        address: "127.0.0.1:42001".into(),
        slot,
        state: "stable",
        id: None,
    };
    let mut text = views(
        "setslot",
        &[],
        &Outcome::new(node, Exit::Ok),
        Syntax::NativeOnly,
    );
    text.push_str(&views(
        "setslot",
        &[],
        &Outcome::new(stable, Exit::Ok),
        Syntax::NativeOnly,
    ));
    insta::assert_snapshot!("setslot", text);
}
