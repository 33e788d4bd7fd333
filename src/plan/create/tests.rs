//! Tests of the create planner: redis-cli's reference plans, the slot arithmetic, zones,
//! refusals, [`CreatePlan::validate`] on broken plans, and property tests that compare the
//! placement with a brute-force oracle (optimality), check the spread of masters and determinism.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use super::masters::{interleave, is_balanced, redis_cli_slot_ranges, slot_ranges};
use super::replicas::{Placement, PlacementScore, assign_greedily, replica_seats, rotated_left};
use super::*;

/// A node at `host:port` whose resolved host is `host`.
fn node(text: &str) -> CreateNode {
    let (host, port) = text.rsplit_once(':').expect("test address");
    CreateNode {
        address: NodeAddress::new(host, port.parse().expect("test port")),
        host: host.to_string(),
        zone: None,
    }
}

fn zoned(text: &str, zone: &str) -> CreateNode {
    CreateNode {
        zone: Some(zone.to_string()),
        ..node(text)
    }
}

fn nodes(texts: &[&str]) -> Vec<CreateNode> {
    texts.iter().map(|text| node(text)).collect()
}

/// The planning lines redis-cli prints before the node listing.
fn redis_cli_lines(plan: &CreatePlan, nodes: &[CreateNode], replicas: usize) -> Vec<String> {
    let address = |index: usize| nodes[index].address.to_string();
    let mut lines: Vec<String> = plan
        .masters
        .iter()
        .enumerate()
        .map(|(index, m)| format!("Master[{index}] -> Slots {} - {}", m.first, m.last))
        .collect();
    for (index, replica) in plan.replicas.iter().enumerate() {
        if index == plan.masters.len() * replicas {
            lines.push("Adding extra replicas...".to_string());
        }
        let master = plan.masters[replica.master].node;
        lines.push(format!(
            "Adding replica {} to {}",
            address(replica.node),
            address(master)
        ));
    }
    lines
}

fn sizes(ranges: &[(u32, u32)]) -> Vec<u32> {
    ranges
        .iter()
        .map(|&(first, last)| last - first + 1)
        .collect()
}

fn kinds(plan: &CreatePlan) -> Vec<ConflictKind> {
    plan.conflicts
        .iter()
        .map(|conflict| conflict.kind)
        .collect()
}

#[test]
fn slot_ranges_match_redis_cli() {
    assert_eq!(
        slot_ranges(3),
        vec![(0, 5460), (5461, 10922), (10923, 16383)]
    );
    assert_eq!(sizes(&slot_ranges(4)), vec![4096; 4]);
    assert_eq!(
        slot_ranges(5),
        vec![
            (0, 3276),
            (3277, 6553),
            (6554, 9829),
            (9830, 13106),
            (13107, 16383)
        ]
    );
    assert_eq!(
        sizes(&slot_ranges(6)),
        vec![2731, 2730, 2731, 2731, 2730, 2731]
    );
}

#[test]
fn float_ranges_are_balanced_up_to_a_thousand_masters() {
    for masters in 3..=1000 {
        let ranges = redis_cli_slot_ranges(masters);
        assert_eq!(ranges.len(), masters);
        assert!(is_balanced(&ranges), "{masters} masters: {ranges:?}");
        assert_eq!(
            slot_ranges(masters),
            ranges,
            "{masters} masters use the float method"
        );
        let covered: u32 = sizes(&ranges).iter().sum();
        assert_eq!(covered, 16384);
    }
}

#[test]
fn float_drift_falls_back_to_integer_ranges() {
    assert!(is_balanced(&redis_cli_slot_ranges(2687)));
    assert!(!is_balanced(&redis_cli_slot_ranges(2688)), "sizes 5 to 7");
    assert!(!is_balanced(&redis_cli_slot_ranges(7542)), "slots lost");
    for masters in [2688, 7542, 10000, 16383, 16384] {
        let ranges = slot_ranges(masters);
        assert_eq!(ranges.len(), masters);
        assert!(is_balanced(&ranges), "{masters} masters");
    }
    assert_eq!(slot_ranges(16384)[16383], (16383, 16383));
}

#[test]
fn six_nodes_on_one_host_plan_like_redis_cli() {
    // redis-cli 7.0.15, reference section 11.2.
    let nodes = nodes(&[
        "127.0.0.1:41007",
        "127.0.0.1:41008",
        "127.0.0.1:41010",
        "127.0.0.1:41011",
        "127.0.0.1:41013",
        "127.0.0.1:41014",
    ]);
    let plan = plan_create(&nodes, 1).expect("plan");
    let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
    assert_eq!(masters, vec![0, 1, 2]);
    assert_eq!(
        redis_cli_lines(&plan, &nodes, 1),
        vec![
            "Master[0] -> Slots 0 - 5460",
            "Master[1] -> Slots 5461 - 10922",
            "Master[2] -> Slots 10923 - 16383",
            "Adding replica 127.0.0.1:41013 to 127.0.0.1:41007",
            "Adding replica 127.0.0.1:41014 to 127.0.0.1:41008",
            "Adding replica 127.0.0.1:41011 to 127.0.0.1:41010",
        ]
    );
    assert_eq!(kinds(&plan), vec![ConflictKind::SameHost; 3]);
}

#[test]
fn six_nodes_on_three_hosts_have_no_conflicts() {
    let nodes = nodes(&[
        "h1:7000", "h2:7000", "h3:7000", "h1:7001", "h2:7001", "h3:7001",
    ]);
    let plan = plan_create(&nodes, 1).expect("plan");
    assert_eq!(
        plan.masters.iter().map(|m| m.node).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert_eq!(
        plan.replicas,
        vec![
            PlannedReplica { node: 4, master: 0 },
            PlannedReplica { node: 5, master: 1 },
            PlannedReplica { node: 3, master: 2 },
        ]
    );
    assert!(plan.conflicts.is_empty());
    assert!(plan.describe_conflicts(&nodes).is_empty());
}

#[test]
fn three_host_strings_plan_like_redis_cli() {
    // redis-cli 7.0.15, reference section 11.22 (second run).
    let nodes = nodes(&[
        "127.0.0.1:41007",
        "127.0.0.1:41008",
        "localhost:41010",
        "localhost:41011",
        "127.1:41013",
        "127.1:41014",
    ]);
    let plan = plan_create(&nodes, 1).expect("plan");
    assert_eq!(
        redis_cli_lines(&plan, &nodes, 1)[3..],
        [
            "Adding replica localhost:41011 to 127.0.0.1:41007",
            "Adding replica 127.1:41014 to localhost:41010",
            "Adding replica 127.0.0.1:41008 to 127.1:41013",
        ]
    );
    assert!(plan.conflicts.is_empty());
}

#[test]
fn seven_nodes_on_one_host_give_master_zero_an_extra_replica() {
    // redis-cli 7.0.15, reference section 11.22 (first run).
    let nodes = nodes(&[
        "127.0.0.1:41007",
        "127.0.0.1:41008",
        "127.0.0.1:41010",
        "127.0.0.1:41011",
        "127.0.0.1:41013",
        "127.0.0.1:41014",
        "127.0.0.1:41015",
    ]);
    let plan = plan_create(&nodes, 1).expect("plan");
    assert_eq!(plan.masters.len(), 3);
    assert_eq!(
        redis_cli_lines(&plan, &nodes, 1)[3..],
        [
            "Adding replica 127.0.0.1:41013 to 127.0.0.1:41007",
            "Adding replica 127.0.0.1:41014 to 127.0.0.1:41008",
            "Adding replica 127.0.0.1:41015 to 127.0.0.1:41010",
            "Adding extra replicas...",
            "Adding replica 127.0.0.1:41011 to 127.0.0.1:41007",
        ]
    );
    assert_eq!(kinds(&plan), vec![ConflictKind::SameHost; 4]);
    assert_eq!(
        plan.describe_conflicts(&nodes)[0],
        "replica 127.0.0.1:41013 is on the same host (127.0.0.1) as its master 127.0.0.1:41007"
    );
}

#[test]
fn replicas_stay_out_of_their_masters_zone() {
    let nodes = vec![
        zoned("a1:7000", "A"),
        zoned("a2:7000", "A"),
        zoned("b1:7000", "B"),
        zoned("b2:7000", "B"),
        zoned("c1:7000", "C"),
        zoned("c2:7000", "C"),
    ];
    let plan = plan_create(&nodes, 1).expect("plan");
    let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
    assert_eq!(masters, vec![0, 2, 4], "one master per zone");
    assert!(
        plan.conflicts.is_empty(),
        "{:?}",
        plan.describe_conflicts(&nodes)
    );
    for replica in &plan.replicas {
        let master = &nodes[masters[replica.master]];
        assert_ne!(nodes[replica.node].zone, master.zone);
    }
}

#[test]
fn two_zones_spread_masters_and_report_only_the_unavoidable_conflict() {
    let nodes = vec![
        zoned("a1:7000", "A"),
        zoned("a2:7000", "A"),
        zoned("a3:7000", "A"),
        zoned("a4:7000", "A"),
        zoned("b1:7000", "B"),
        zoned("b2:7000", "B"),
    ];
    let plan = plan_create(&nodes, 1).expect("plan");
    let master_zones: Vec<&str> = plan
        .masters
        .iter()
        .map(|m| nodes[m.node].zone.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(master_zones, vec!["A", "B", "A"]);
    // Two zone-A masters and three replicas, two of them in zone A: one must share a zone.
    assert_eq!(kinds(&plan), vec![ConflictKind::SameZone]);
    assert_eq!(
        plan.describe_conflicts(&nodes),
        vec!["replica a4:7000 is in zone A with its master a2:7000: zone B has too few nodes"]
    );
}

#[test]
fn on_one_host_zones_still_decide_and_every_zone_conflict_is_named() {
    // Six nodes on one machine, five in zone a and one in zone b (the local way to try zones):
    // every replica is on its master's host, and two of the three must also share its zone.
    let nodes: Vec<CreateNode> = (1..=6)
        .map(|port| {
            zoned(
                &format!("127.0.0.1:700{port}"),
                if port == 6 { "b" } else { "a" },
            )
        })
        .collect();
    let plan = plan_create(&nodes, 1).expect("plan");
    let score = PlacementScore::of(&plan.conflicts);
    assert_eq!((score.same_host, score.same_zone), (3, 2));
    let zone_lines: Vec<String> = plan
        .describe_conflicts(&nodes)
        .into_iter()
        .filter(|line| line.contains(" in zone "))
        .collect();
    assert_eq!(zone_lines.len(), 2, "{zone_lines:?}");
    for line in &zone_lines {
        assert!(line.starts_with("replica 127.0.0.1:700"), "{line}");
        assert!(
            line.contains(" is in zone a with its master 127.0.0.1:700")
                && line.ends_with(": zone b has too few nodes"),
            "{line}"
        );
    }
}

#[test]
fn a_zone_conflict_names_the_zones_that_were_too_small() {
    let single: Vec<CreateNode> = ["x:1", "x:2", "x:3", "y:1", "y:2", "y:3"]
        .iter()
        .map(|text| zoned(text, "a"))
        .collect();
    let plan = plan_create(&single, 1).expect("plan");
    assert!(
        plan.describe_conflicts(&single)
            .iter()
            .all(|line| line.ends_with(": every node is in zone a")),
        "{:?}",
        plan.describe_conflicts(&single)
    );
    let nodes = vec![
        zoned("a1:1", "a"),
        zoned("a2:1", "a"),
        zoned("a3:1", "a"),
        zoned("a4:1", "a"),
        zoned("a5:1", "a"),
        zoned("a6:1", "a"),
        zoned("b1:1", "b"),
        zoned("c1:1", "c"),
        zoned("d1:1", "d"),
    ];
    let plan = plan_create(&nodes, 2).expect("plan");
    let lines = plan.describe_conflicts(&nodes);
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|line| line.ends_with(": zones b, c and d have too few nodes")),
        "{lines:?}"
    );
}

#[test]
fn masters_cover_every_host_before_rotating_zones_again() {
    // Zone A is one host; zone B three. Rotating zones node by node would give masters
    // a, b1, a; interleaving hosts by zone gives a, b1, b2.
    let nodes = vec![
        zoned("a:7000", "A"),
        zoned("a:7001", "A"),
        zoned("a:7002", "A"),
        zoned("b1:7000", "B"),
        zoned("b2:7000", "B"),
        zoned("b3:7000", "B"),
    ];
    let plan = plan_create(&nodes, 1).expect("plan");
    assert_eq!(
        plan.masters.iter().map(|m| m.node).collect::<Vec<_>>(),
        vec![0, 3, 4]
    );
    assert!(
        plan.conflicts.is_empty(),
        "{:?}",
        plan.describe_conflicts(&nodes)
    );
}

#[test]
fn without_zones_interleaving_is_redis_clis() {
    let nodes = nodes(&["a:1", "a:2", "a:3", "b:1", "c:1", "c:2", "b:2"]);
    assert_eq!(interleave(&nodes), vec![0, 3, 4, 1, 6, 5, 2]);
}

#[test]
fn optimum_replaces_a_greedy_pass_with_sibling_conflicts() {
    let nodes = nodes(&[
        "a:7000", "a:7001", "b:7000", "c:7000", "d:7000", "c:7001", "c:7002",
    ]);
    let order = interleave(&nodes);
    let placement = Placement {
        nodes: &nodes,
        masters: &order[..3],
    };
    let seats = replica_seats(3, 1, 4);
    let greedy = assign_greedily(&placement, &seats, &rotated_left(&order[3..]));
    let greedy_score = placement.score(&seats, &greedy);
    assert_eq!(
        greedy_score.siblings_same_host, 1,
        "c:7001 and c:7002 both replicate a:7000"
    );

    let plan = plan_create(&nodes, 1).expect("plan");
    assert!(
        plan.conflicts.is_empty(),
        "{:?}",
        plan.describe_conflicts(&nodes)
    );
    assert_eq!(plan.replicas.len(), 4);
    assert_eq!(
        plan.replicas[3].master, 0,
        "the extra replica still goes to Master[0]"
    );
}

#[test]
fn siblings_on_another_host_are_reported_once_per_extra_replica() {
    // Masters on hosts a, b, c; every other node on host d.
    let nodes = nodes(&[
        "a:1", "b:1", "c:1", "d:1", "d:2", "d:3", "d:4", "d:5", "d:6",
    ]);
    let plan = plan_create(&nodes, 2).expect("plan");
    assert_eq!(kinds(&plan), vec![ConflictKind::SiblingsSameHost; 3]);
    let first = &plan.conflicts[0];
    assert_eq!(first.other, Some(plan.replicas[0].node));
    assert_eq!(first.replica, plan.replicas[1].node);
    assert_eq!(
        plan.describe_conflicts(&nodes)[0],
        format!(
            "replicas {} and {} of master a:1 are on the same host (d)",
            nodes[plan.replicas[0].node].address, nodes[plan.replicas[1].node].address
        )
    );
}

#[test]
fn nodes_left_over_go_round_the_masters_again() {
    // 19 nodes with 4 replicas: 3 masters, 12 regular seats, 4 left over.
    let texts: Vec<String> = (0..19)
        .map(|i| format!("h{}:{}", i % 5, 7000 + i))
        .collect();
    let nodes: Vec<CreateNode> = texts.iter().map(|text| node(text)).collect();
    let plan = plan_create(&nodes, 4).expect("plan");
    let count = |master| plan.replicas.iter().filter(|r| r.master == master).count();
    assert_eq!((count(0), count(1), count(2)), (6, 5, 5));
    assert_eq!(
        plan.replicas[12..]
            .iter()
            .map(|r| r.master)
            .collect::<Vec<_>>(),
        vec![0, 1, 2, 0]
    );
}

#[test]
fn fewer_than_three_masters_is_refused() {
    let nodes = nodes(&["h:1", "h:2", "h:3", "h:4", "h:5"]);
    let error = plan_create(&nodes, 1).expect_err("two masters");
    assert_eq!(
        error,
        CreatePlanError::TooFewMasters {
            nodes: 5,
            replicas: 1
        }
    );
    assert_eq!(
        error.to_string(),
        "Redis Cluster needs at least 3 masters: 5 nodes with 1 replicas each give only 2; \
         use at least 6 nodes or fewer --replicas"
    );
    let error = plan_create(&nodes, usize::MAX).expect_err("no masters");
    assert!(error.to_string().contains("give only 0"), "{error}");
    assert!(plan_create(&[], 0).is_err());
}

#[test]
fn more_masters_than_slots_is_refused() {
    let texts: Vec<String> = (1..=16385).map(|port| format!("h:{port}")).collect();
    let nodes: Vec<CreateNode> = texts.iter().map(|text| node(text)).collect();
    let error = plan_create(&nodes, 0).expect_err("too many");
    assert!(
        matches!(error, CreatePlanError::TooManyMasters { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("give 16385"), "{error}");
}

#[test]
fn duplicate_addresses_are_refused() {
    let nodes = nodes(&["h1:7000", "h2:7000", "h3:7000", "h2:7000"]);
    assert_eq!(
        plan_create(&nodes, 0),
        Err(CreatePlanError::Duplicate {
            address: "h2:7000".to_string()
        })
    );
    assert_eq!(
        plan_create(&nodes, 0).map_err(|e| e.to_string()),
        Err("node h2:7000 is given twice".to_string())
    );
}

#[test]
fn two_names_for_one_node_are_refused() {
    let mut nodes = nodes(&["127.0.0.1:7000", "h2:7000", "h3:7000", "localhost:7000"]);
    nodes[3].host = "127.0.0.1".to_string();
    let error = plan_create(&nodes, 0).expect_err("same node");
    assert_eq!(
        error.to_string(),
        "127.0.0.1:7000 and localhost:7000 are the same node (both are 127.0.0.1 port 7000)"
    );
}

#[test]
fn validate_names_broken_plans_as_bugs() {
    let nodes = nodes(&["h1:1", "h2:1", "h3:1", "h1:2", "h2:2", "h3:2"]);
    let plan = plan_create(&nodes, 1).expect("plan");
    assert_eq!(plan.validate(&nodes, 1), Ok(()));
    assert!(plan.validate(&nodes, 0).is_err(), "wrong master count");

    let mut gap = plan.clone();
    gap.masters[1].first = Slot::new(5462).expect("slot");
    let error = gap.validate(&nodes, 1).expect_err("gap");
    assert_eq!(
        error,
        "bug in the create planner: Master[1] starts at slot 5462, expected 5461"
    );

    let mut twice = plan.clone();
    twice.replicas[0].node = twice.masters[0].node;
    assert!(
        twice
            .validate(&nodes, 1)
            .expect_err("twice")
            .contains("used twice")
    );

    let mut missing = plan.clone();
    missing.replicas[0].master = 7;
    assert!(
        missing
            .validate(&nodes, 1)
            .expect_err("missing")
            .contains("does not exist")
    );

    let mut order = plan.clone();
    order.replicas[1].master = 0;
    assert!(
        order
            .validate(&nodes, 1)
            .expect_err("seats")
            .contains("replica #1 follows Master[0], expected Master[1]")
    );

    let mut silent = plan.clone();
    silent.conflicts.push(Conflict {
        kind: ConflictKind::SameHost,
        replica: 3,
        master: 0,
        other: None,
    });
    assert!(
        silent
            .validate(&nodes, 1)
            .expect_err("conflicts")
            .contains("conflict list")
    );
}

#[test]
fn plan_serialises_with_snake_case_kinds() {
    let nodes = nodes(&["h:1", "h:2", "h:3", "h:4", "h:5", "h:6"]);
    let plan = plan_create(&nodes, 1).expect("plan");
    let json = serde_json::to_value(&plan).expect("json");
    assert_eq!(json["masters"][1]["first"], 5461);
    assert_eq!(json["conflicts"][0]["kind"], "same_host");
}

// -----------------------------------------------------------------------------------------
// The oracle: every assignment of the planner's replica nodes to its masters.

/// Replicas as (input index, master position).
type Pairs = [(usize, usize)];

/// (same host, same zone, siblings), counted directly from the definition.
fn direct_score(
    nodes: &[CreateNode],
    masters: &[usize],
    pairs: &[(usize, usize)],
) -> (usize, usize, usize) {
    let mut score = (0, 0, 0);
    let mut groups: HashMap<(usize, &str), usize> = HashMap::new();
    for &(replica, master) in pairs {
        let (replica_node, master_node) = (&nodes[replica], &nodes[masters[master]]);
        if replica_node.zone.is_some() && replica_node.zone == master_node.zone {
            score.1 += 1;
        }
        if replica_node.host == master_node.host {
            score.0 += 1;
            continue;
        }
        *groups.entry((master, &replica_node.host)).or_default() += 1;
    }
    score.2 = groups.values().map(|&count| count - 1).sum();
    score
}

fn brute_force_minimum(nodes: &[CreateNode], plan: &CreatePlan) -> (usize, usize, usize) {
    fn search(
        rest: &[usize],
        free: &mut [usize],
        pairs: &mut Vec<(usize, usize)>,
        visit: &mut dyn FnMut(&Pairs),
    ) {
        let Some((&replica, rest)) = rest.split_first() else {
            return visit(pairs);
        };
        for master in 0..free.len() {
            if free[master] > 0 {
                free[master] -= 1;
                pairs.push((replica, master));
                search(rest, free, pairs, visit);
                pairs.pop();
                free[master] += 1;
            }
        }
    }
    let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
    let replicas: Vec<usize> = plan.replicas.iter().map(|r| r.node).collect();
    let mut free = vec![0; masters.len()];
    for replica in &plan.replicas {
        free[replica.master] += 1;
    }
    let mut minimum = (usize::MAX, usize::MAX, usize::MAX);
    search(&replicas, &mut free, &mut Vec::new(), &mut |pairs| {
        minimum = minimum.min(direct_score(nodes, &masters, pairs));
    });
    minimum
}

fn zone_name(node: &CreateNode) -> &str {
    node.zone.as_deref().unwrap_or_default()
}

fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> usize {
    values.collect::<HashSet<_>>().len()
}

/// Nodes on `host_of[i]`, ports all different; zones per host, per node, or none.
fn shape_nodes(
    host_of: &[usize],
    zone_of: Option<&[usize]>,
    zone_per_host: bool,
) -> Vec<CreateNode> {
    host_of
        .iter()
        .enumerate()
        .map(|(index, &host)| {
            let zone = zone_of.map(|zones| {
                let key = if zone_per_host { host } else { index };
                format!("z{}", zones[key % zones.len()])
            });
            CreateNode {
                address: NodeAddress::new(format!("10.0.0.{host}"), 7000 + index as u16),
                host: format!("10.0.0.{host}"),
                zone,
            }
        })
        .collect()
}

/// Masters cover as many hosts, and as many zones, as they can.
fn check_spread(nodes: &[CreateNode], plan: &CreatePlan) -> Result<(), TestCaseError> {
    let masters: Vec<&CreateNode> = plan.masters.iter().map(|m| &nodes[m.node]).collect();
    let all_hosts = distinct(nodes.iter().map(|n| n.host.as_str()));
    let master_hosts = distinct(masters.iter().map(|n| n.host.as_str()));
    prop_assert_eq!(master_hosts, masters.len().min(all_hosts));
    let all_zones = distinct(nodes.iter().map(zone_name));
    let master_zones = distinct(masters.iter().map(|n| zone_name(n)));
    prop_assert_eq!(master_zones, masters.len().min(all_zones));
    Ok(())
}

/// The smallest node count that gives three masters (and at least four nodes).
fn fewest_nodes(replicas: usize) -> usize {
    (MIN_MASTERS * (replicas + 1)).max(4)
}

/// 4 to 9 nodes on 1 to 4 hosts, without zones or with 1 to 3 (per host or per node), 0 to 2
/// replicas, always at least three masters; and whether zones follow hosts.
fn small_shape() -> impl Strategy<Value = (Vec<CreateNode>, usize, bool)> {
    let sizes = (0usize..=2).prop_flat_map(|replicas| (Just(replicas), fewest_nodes(replicas)..=9));
    (sizes, 1usize..=4, 0usize..=3, any::<bool>()).prop_flat_map(
        |((replicas, count), hosts, zones, zone_per_host)| {
            let host_of = proptest::collection::vec(0..hosts, count);
            let zone_of = proptest::collection::vec(0..zones.max(1), count);
            (host_of, zone_of).prop_map(move |(host_of, zone_of)| {
                let zoned = zones > 0;
                let zones = zoned.then_some(zone_of.as_slice());
                let nodes = shape_nodes(&host_of, zones, zone_per_host);
                (nodes, replicas, zone_per_host || !zoned)
            })
        },
    )
}

/// Up to 80 nodes on up to 12 hosts, zones per host or none, 0 to 3 replicas.
fn larger_shape() -> impl Strategy<Value = (Vec<CreateNode>, usize)> {
    (0usize..=3, any::<bool>()).prop_flat_map(|(replicas, zoned)| {
        let host_of = proptest::collection::vec(0usize..12, fewest_nodes(replicas).max(9)..80);
        let zone_of = proptest::collection::vec(0usize..4, 12);
        (host_of, zone_of).prop_map(move |(host_of, zone_of)| {
            let nodes = shape_nodes(&host_of, zoned.then_some(zone_of.as_slice()), true);
            (nodes, replicas)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn placement_is_optimal_spread_valid_and_deterministic(
        (nodes, replicas, consistent_zones) in small_shape()
    ) {
        let plan = plan_create(&nodes, replicas).expect("plan");
        prop_assert_eq!(plan.validate(&nodes, replicas), Ok(()));
        prop_assert_eq!(&plan_create(&nodes, replicas).expect("again"), &plan);

        let masters: Vec<usize> = plan.masters.iter().map(|m| m.node).collect();
        let pairs: Vec<(usize, usize)> =
            plan.replicas.iter().map(|r| (r.node, r.master)).collect();
        let score = PlacementScore::of(&plan.conflicts);
        let planned = (score.same_host, score.same_zone, score.siblings_same_host);
        prop_assert_eq!(planned, direct_score(&nodes, &masters, &pairs));
        prop_assert_eq!(planned, brute_force_minimum(&nodes, &plan));

        if consistent_zones {
            check_spread(&nodes, &plan)?;
        }
    }

    #[test]
    fn larger_plans_are_valid_spread_and_deterministic((nodes, replicas) in larger_shape()) {
        let plan = plan_create(&nodes, replicas).expect("plan");
        prop_assert_eq!(plan.validate(&nodes, replicas), Ok(()));
        prop_assert_eq!(&plan_create(&nodes, replicas).expect("again"), &plan);
        prop_assert_eq!(plan.describe_conflicts(&nodes).len(), plan.conflicts.len());
        check_spread(&nodes, &plan)?;
    }
}
