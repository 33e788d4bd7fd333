//! The pairing and the waves, `STATUS` replies, the trim field, the owner a table names.

use super::status::trim_running;
use super::*;
use crate::exec::atomic::parse_redis_tasks;
use crate::plan::SlotMove;
use crate::topology::Slot;

fn step(slot: u64, source: &str, target: &str) -> SlotMove {
    SlotMove {
        slot: Slot::new(slot).unwrap(),
        source: source.into(),
        target: target.into(),
    }
}

#[test]
fn one_task_per_pair_and_no_node_twice_in_a_wave() {
    let plan = MovePlan {
        moves: vec![
            step(0, "a", "d"),
            step(1, "a", "d"),
            step(5000, "b", "d"),
            step(9000, "c", "e"),
            step(9001, "c", "e"),
        ],
    };
    let pairs = pairs_of(&plan);
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[0].slots.len(), 2);
    let waves = waves(pairs);
    assert_eq!(waves.len(), 2, "b->d waits for a->d");
    assert_eq!(waves[0].len(), 2, "a->d and c->e share no node");
    for wave in &waves {
        let mut nodes = BTreeSet::new();
        for pair in wave {
            assert!(nodes.insert(pair.source.clone()) && nodes.insert(pair.target.clone()));
        }
    }
}

#[test]
fn status_replies_are_read_in_both_protocols() {
    let bulk = |t: &str| redis::Value::BulkString(t.as_bytes().to_vec());
    let resp2 = redis::Value::Array(vec![redis::Value::Array(vec![
        bulk("id"),
        bulk("33d0"),
        bulk("state"),
        bulk("completed"),
        bulk("last_error"),
        bulk(""),
    ])]);
    assert_eq!(parse_redis_tasks(&resp2)[0].state, "completed");
    assert!(parse_redis_tasks(&redis::Value::Array(vec![])).is_empty());
    assert!(trim_running(
        "cluster_slot_migration_active_trim_running:1\r\n"
    ));
    assert!(!trim_running(
        "cluster_slot_migration_active_trim_running:0\r\n"
    ));
}

#[test]
fn a_table_names_the_owner_of_a_slot_or_it_is_told() {
    let (a, b) = ("a".repeat(40), "b".repeat(40));
    let table = crate::topology::parse_cluster_nodes(&format!(
        "{a} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-100\n{b} 127.0.0.1:7001@17001 master - 0 0 2 connected 101-200\n"
    ))
    .unwrap();
    assert!(names_owner(Some(&table), 150, &b));
    assert!(!names_owner(Some(&table), 50, &b), "another owner");
    assert!(names_owner(Some(&table), 50, &a), "its own slot");
    assert!(!names_owner(None, 150, &b), "an unread table is told");
}
