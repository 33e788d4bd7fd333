//! `rcluster rebalance HOST:PORT [--weight ID=W...] [--use-empty-masters] [--threshold PCT] [--dry-run]`:
//! give every master its weighted share of the slots (exactly, with integer targets), moving slots of
//! different sources at once. Weight 0 drains a master; threshold 0 balances exactly. `--by keys` or
//! `--by memory` balances that load instead, moving as few slots as possible.

use super::moves::{MoveOptions, PlannedRange, Style, planned_ranges};
use super::{Context, NodeRef, RedisCliRefusal, check::CheckSection, check::check_view};
use crate::error::{Exit, UsageError};
use crate::net::{NodeAddress, concurrently};
use crate::plan::balance_load::{SlotLoads, plan_rebalance_by_load};
use crate::plan::rebalance::{
    Participant, RebalanceError, RebalancePlan, Rounding, equal_participants,
    plan_rebalance_rounded,
};

use crate::report::Outcome;
use crate::topology::load::count_keys_on_masters;
use crate::topology::{ClusterView, load_cluster_view};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// What `rebalance` is asked to do, validated (built by `crate::cli::args::rebalance`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    /// `--weight ID=WEIGHT`, parsed.
    pub weights: Vec<Weight>,
    pub use_empty_masters: bool,
    pub threshold: f64,
    pub by: Balance,
    pub dry_run: bool,
    pub yes: bool,
    pub moves: MoveOptions,
    /// `--max-slots`, `--max-time`: one bounded step of the job.
    pub step: super::moves::StepBounds,
}

/// One `--weight ID=WEIGHT`: the id prefix (lower case) and a weight of at least 0.
#[derive(Debug)]
pub struct Weight {
    /// As typed, for messages.
    pub text: String,
    pub prefix: String,
    pub weight: f64,
}

/// What `rebalance` evens out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    Slots,
    Keys,
    Memory,
}

/// Runs `rebalance`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let view = load_cluster_view(&context.session, &seed).await?;
    if context.redis_cli() {
        // redis-cli looks weights up among all the nodes it loaded, before its check.
        let unknown = options.weights.iter().find(|w| {
            !view
                .loaded()
                .any(|n| !w.prefix.is_empty() && n.id().starts_with(w.prefix.as_str()))
        });
        if let Some(weight) = unknown {
            let refused = format!("*** No such master node {}", weight.prefix);
            return Ok(RedisCliRefusal::outcome(&refused, false));
        }
    }
    let report = check_view(context, &view, false).await?;
    // redis-cli's rebalance checks quietly: no node listing.
    context.ui.section(&CheckSection::without_listing(&report));
    if !report.is_clean_for_redis_cli() {
        if context.redis_cli() {
            return Ok(RedisCliRefusal::outcome(
                "*** Please fix your cluster problems before rebalancing",
                false,
            ));
        }
        return Err(super::moves::unhealthy_cluster(&report, &seed.to_string()).into());
    }
    let participants = participants(&view, options, context.redis_cli())?;
    if context.redis_cli() && options.threshold <= 0.0 {
        // redis-cli 7.0 tests the threshold only when it is above 0, so 0 (what `atof` makes of
        // junk) reports every cluster as balanced. Natively, 0 balances exactly.
        let report = RebalanceNotNeeded {
            applied: false,
            threshold: options.threshold,
        };
        return Ok(Outcome::new(report, Exit::Ok));
    }
    let planned = match options.by {
        Balance::Slots => {
            // In its syntax, redis-cli's rounding: the same slots move as with redis-cli.
            let rounding = if context.redis_cli() {
                Rounding::RedisCli
            } else {
                Rounding::Exact
            };
            plan_rebalance_rounded(&participants, options.threshold, rounding)
        }
        by => {
            let loads = slot_loads(context, &view, by).await?;
            plan_rebalance_by_load(&participants, &loads, options.threshold)
        }
    };
    let plan = match planned {
        Ok(plan) => plan,
        Err(RebalanceError::WithinThreshold(threshold)) => {
            let report = RebalanceNotNeeded {
                applied: false,
                threshold,
            };
            return Ok(Outcome::new(report, Exit::Ok));
        }
        Err(error) => return Err(UsageError(error.to_string()).into()),
    };
    let shown = RebalancePlanReport::new(&view, &plan, options.by);
    let (step, moves) = options.step.apply(plan.moves.clone(), &options.moves);
    super::moves::announce_step(context, &step, &moves);
    super::moves::write_plan_file(context, &moves, "rebalance", &view, &step)?;
    if options.dry_run {
        return Ok(Outcome::new(shown, Exit::Ok));
    }
    context.ui.section(&shown);
    if !options.yes && !context.redis_cli() && !context.ui.confirm("Move the slots as planned?") {
        context.ui.hint("declined: nothing was moved");
        return Ok(Outcome::new((), Exit::Problems));
    }
    let run = crate::exec::run::open(&context.driver(), &moves, "rebalance", &view, &step).await?;
    crate::exec::run::execute(&context.driver(), &view, &step, &moves, Style::Quiet, run).await
}

/// Every master is within the threshold: nothing to move.
#[derive(Debug, Serialize)]
pub struct RebalanceNotNeeded {
    pub applied: bool,
    /// The threshold, in percent.
    pub threshold: f64,
}

/// The rebalance plan: shown before the moves, and the report of a dry run.
#[derive(Debug, Serialize)]
pub struct RebalancePlanReport {
    /// Always false: a plan changes nothing (the run's own report follows it).
    pub applied: bool,
    pub by: Balance,
    pub total_weight: f64,
    pub balances: Vec<NodeBalance>,
    pub transfers: Vec<PlannedTransfer>,
    /// The moves, consecutive slots of one source and one target as one range.
    pub ranges: Vec<PlannedRange>,
}

/// A master's balance: what it has now minus its share (slots, keys or bytes, as `by` says).
#[derive(Debug, Serialize)]
pub struct NodeBalance {
    #[serde(flatten)]
    pub node: NodeRef,
    pub balance: i64,
}

/// Slots that go from one master to another.
#[derive(Debug, Serialize)]
pub struct PlannedTransfer {
    pub source: NodeRef,
    pub target: NodeRef,
    pub slot_count: usize,
    /// The keys (or bytes) those slots hold; `null` when balancing slots.
    pub load: Option<u64>,
}

impl RebalancePlanReport {
    pub(crate) fn new(view: &ClusterView, plan: &RebalancePlan, by: Balance) -> Self {
        RebalancePlanReport {
            applied: false,
            by,
            total_weight: plan.total_weight,
            balances: plan
                .balances
                .iter()
                .map(|(id, balance)| NodeBalance {
                    node: NodeRef::of(view, id),
                    balance: *balance,
                })
                .collect(),
            transfers: plan
                .transfers
                .iter()
                .map(|t| PlannedTransfer {
                    source: NodeRef::of(view, &t.source),
                    target: NodeRef::of(view, &t.target),
                    slot_count: t.slots,
                    load: t.load,
                })
                .collect(),
            ranges: planned_ranges(view, &plan.moves),
        }
    }
}

/// The load of every owned slot per master: its key count, or for memory its key count times the
/// master's dataset bytes per key (`INFO memory` used_memory_dataset / the keys of every database).
async fn slot_loads(
    context: &Context,
    view: &ClusterView,
    by: Balance,
) -> anyhow::Result<SlotLoads> {
    let counts = count_keys_on_masters(&context.session, view, |n| {
        n.myself().slots.iter().map(|s| s.number()).collect()
    })
    .await?;
    let bytes_per_key: HashMap<String, u64> = if by == Balance::Memory {
        bytes_per_key(context, view).await?
    } else {
        HashMap::new()
    };
    Ok(counts
        .into_iter()
        .map(|(id, slots)| {
            let scale = bytes_per_key.get(&id).copied().unwrap_or(1);
            let loads = slots
                .into_iter()
                .map(|(slot, keys)| (slot, keys * scale))
                .collect();
            (id, loads)
        })
        .collect())
}

/// Per master id, `INFO memory` used_memory_dataset / the keys of every database (at least 1),
/// asked of all at once.
async fn bytes_per_key(
    context: &Context,
    view: &ClusterView,
) -> anyhow::Result<HashMap<String, u64>> {
    let masters: Vec<(String, NodeAddress, u64)> = view
        .loaded_masters()
        .map(|m| {
            (
                m.id().to_string(),
                m.address.clone(),
                m.keys.unwrap_or(0).max(1),
            )
        })
        .collect();
    let answers = concurrently(masters, |(id, address, keys)| {
        let session = Arc::clone(&context.session);
        async move {
            let info: String = session
                .client(&address)
                .await?
                .query(&["INFO", "memory"])
                .await?;
            let dataset: u64 = crate::net::info_field(&info, "used_memory_dataset")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            Ok::<_, crate::net::NetError>((id, (dataset / keys).max(1)))
        }
    })
    .await;
    Ok(answers.into_iter().collect::<Result<_, _>>()?)
}

/// Masters with slots (and empty ones with `--use-empty-masters`), with their weights.
/// In redis-cli syntax a weight goes to the first master its prefix matches, and a weight for a node
/// that is not a participating master (say, a master turned replica) is ignored, as redis-cli does.
fn participants(
    view: &ClusterView,
    options: &Options,
    redis_cli: bool,
) -> anyhow::Result<Vec<Participant>> {
    let mut participants = equal_participants(view, options.use_empty_masters);
    for Weight {
        text,
        prefix,
        weight,
    } in &options.weights
    {
        let weight = *weight;
        let found: Vec<&mut Participant> = participants
            .iter_mut()
            .filter(|p| !prefix.is_empty() && p.master.id.starts_with(prefix.as_str()))
            .collect();
        match found.len() {
            _ if redis_cli => found.into_iter().take(1).for_each(|p| p.weight = weight),
            1 => found.into_iter().for_each(|p| p.weight = weight),
            0 => return Err(UsageError(format!("*** No such master node {prefix}")).into()),
            _ => {
                return Err(UsageError(format!(
                    "--weight {text}: '{prefix}' matches several masters; give more of the id"
                ))
                .into());
            }
        }
    }
    Ok(participants)
}
