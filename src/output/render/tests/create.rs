//! create: the plan redis-cli prints (from the pure planner, on the six nodes of the captured 3+3
//! cluster, all on one host), a dry run, a created cluster and replicas that did not sync in time.

use super::{Syntax, fixture_view, views};
use crate::commands::create::{CreatePlanSection, CreateReport};
use crate::error::Exit;
use crate::exec::create::{NewNode, placement_nodes};
use crate::net::NodeAddress;
use crate::plan::create::plan_create;
use crate::report::Outcome;
use crate::topology::check::check_cluster;

/// The report `create` builds before it asks, for the captured nodes in port order.
fn planned() -> CreateReport {
    let view = fixture_view("healthy_3m3r.txt", &[], &[], 0);
    let mut nodes: Vec<NewNode> = view
        .nodes
        .iter()
        .map(|node| NewNode {
            address: NodeAddress::new("127.0.0.1", node.address.port),
            id: node.id().to_string(),
            ip: "127.0.0.1".into(),
            bus_port: Some(node.address.port + 10000),
        })
        .collect();
    nodes.sort_by_key(|n| n.address.port);
    let placement = placement_nodes(&nodes, |_| None);
    let plan = plan_create(&placement, 1).unwrap();
    let conflicts = plan.describe_conflicts(&placement);
    CreateReport::new(nodes, plan, 1, conflicts)
}

#[test]
fn create_planned_and_created() {
    let dry_run = planned();
    let section = CreatePlanSection(&dry_run);
    let mut text = views(
        "create",
        &[&section],
        &Outcome::new(planned(), Exit::Ok),
        Syntax::WithRedisCli,
    );

    let view = fixture_view("healthy_3m3r.txt", &[], &[], 0);
    let mut created = planned();
    created.applied = true;
    created.check = Some(check_cluster(&view, None));
    created.replicas_synced_ms = Some(1830);
    let plan = planned();
    let section = CreatePlanSection(&plan);
    text.push_str(&views(
        "create",
        &[&section],
        &Outcome::new(created, Exit::Ok),
        Syntax::WithRedisCli,
    ));

    let mut behind = planned();
    behind.applied = true;
    behind.replicas_not_synced = vec!["127.0.0.1:42006".into()];
    text.push_str(&views(
        "create",
        &[],
        &Outcome::new(behind, Exit::Problems),
        Syntax::WithRedisCli,
    ));
    insta::assert_snapshot!("create", text);
}
