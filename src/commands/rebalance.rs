//! `rcluster rebalance HOST:PORT [--weight ID=W...] [--use-empty-masters] [--threshold PCT] [--dry-run]`:
//! give every master its weighted share of the slots (exactly, with integer targets), moving slots of
//! different sources at once. Weight 0 drains a master; threshold 0 balances exactly. `--by keys` or
//! `--by memory` balances that load instead, moving as few slots as possible.

use super::moves::{MoveArgs, Style, execute_plan};
use super::{Context, check::CheckSection, check::check_view, seed_address};
use crate::error::{Exit, UsageError};
use crate::net::{NodeAddress, concurrently};
use crate::output::legacy::json;
use crate::output::{Level, Line};
use crate::plan::balance_load::{SlotLoads, plan_rebalance_by_load};
use crate::plan::rebalance::{Participant, RebalanceError, RebalancePlan, plan_rebalance};
use crate::plan::reshard::MasterSlots;
use crate::topology::load::count_keys_on_masters;
use crate::topology::{ClusterView, load_cluster_view};
use std::collections::HashMap;
use std::sync::Arc;

/// Arguments of `rebalance`.
#[derive(Debug, clap::Args)]
pub struct RebalanceArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// A master's weight, ID=WEIGHT (id or unique prefix; default 1; 0 empties the master).
    #[arg(long = "weight", value_name = "ID=WEIGHT")]
    pub weights: Vec<String>,
    /// Give slots to masters that have none.
    #[arg(long)]
    pub use_empty_masters: bool,
    /// Only rebalance when a master is off its share by more than this percentage (0: balance exactly).
    #[arg(long, default_value_t = 2.0)]
    pub threshold: f64,
    /// What to balance: `slots`; `keys` (key counts, moving as few slots as possible); `memory`
    /// (bytes, estimated per slot from each master's dataset memory per key).
    #[arg(long, value_enum, default_value_t = Balance::Slots)]
    pub by: Balance,
    /// Show the moves and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Move without asking (redis-cli syntax never asks, as redis-cli does not).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub moves: MoveArgs,
}

/// What `rebalance` evens out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Balance {
    Slots,
    Keys,
    Memory,
}

/// Runs `rebalance`.
pub async fn run(
    context: &Context,
    args: &RebalanceArgs,
) -> anyhow::Result<crate::report::Outcome> {
    let seed = seed_address(&args.node, args.port.as_deref())?;
    let view = load_cluster_view(&context.session, &seed).await?;
    let report = check_view(context, &view, false).await?;
    // redis-cli's rebalance checks quietly: no node listing.
    context.ui.section(&CheckSection::without_listing(&report));
    if !report.is_clean_for_redis_cli() {
        if context.output.compat {
            context.output.print_lines(&[Line::new(
                Level::Err,
                "*** Please fix your cluster problems before rebalancing",
            )]);
            return Ok(crate::report::Outcome::printed(Exit::Problems));
        }
        return Err(super::moves::unhealthy_cluster(&report, &seed.to_string()).into());
    }
    let participants = participants(&view, args)?;
    let planned = match args.by {
        Balance::Slots => plan_rebalance(&participants, args.threshold),
        by => {
            let loads = slot_loads(context, &view, by).await?;
            plan_rebalance_by_load(&participants, &loads, args.threshold)
        }
    };
    let plan = match planned {
        Ok(plan) => plan,
        Err(RebalanceError::WithinThreshold(threshold)) => {
            let line = format!(
                "*** No rebalancing needed! All nodes are within the {threshold:.2}% threshold."
            );
            if context.output.json {
                json::print_json(
                    &serde_json::json!({ "ok": true, "applied": false, "message": line }),
                );
            } else {
                context.output.print_lines(&[Line::new(Level::Warn, line)]);
            }
            return Ok(crate::report::Outcome::printed(Exit::Ok));
        }
        Err(error) => return Err(UsageError(error.to_string()).into()),
    };
    if !context.output.json {
        context.output.print_lines(&render_plan(
            &view,
            &plan,
            context.output.verbose > 0,
            args.by,
        ));
    }
    super::moves::write_plan_file(context, &args.moves, "rebalance", &view, &plan.moves)?;
    if args.dry_run {
        if context.output.json {
            json::print_json(&serde_json::json!({ "ok": true, "applied": false, "plan": plan }));
        }
        return Ok(crate::report::Outcome::printed(Exit::Ok));
    }
    if !args.yes && !context.redis_cli() && !context.ui.confirm("Move the slots as planned?") {
        context.ui.hint("declined: nothing was moved");
        return Ok(crate::report::Outcome::printed(Exit::Problems));
    }
    let run =
        super::moves::start_run(context, &args.moves, "rebalance", &view, &plan.moves).await?;
    execute_plan(context, &view, &plan.moves, &args.moves, Style::Quiet, run).await
}

/// The load of every owned slot per master: its key count, or for memory its key count times the
/// master's dataset bytes per key (`INFO memory` used_memory_dataset / DBSIZE).
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

/// Per master id, `INFO memory` used_memory_dataset / DBSIZE (at least 1), asked of all at once.
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
            let dataset: u64 = info
                .lines()
                .find_map(|l| l.strip_prefix("used_memory_dataset:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            Ok::<_, crate::net::NetError>((id, (dataset / keys).max(1)))
        }
    })
    .await;
    Ok(answers.into_iter().collect::<Result<_, _>>()?)
}

/// Masters with slots (and empty ones with `--use-empty-masters`), with their weights.
fn participants(view: &ClusterView, args: &RebalanceArgs) -> anyhow::Result<Vec<Participant>> {
    let mut participants: Vec<Participant> = view
        .loaded_masters()
        .filter(|m| args.use_empty_masters || !m.myself().slots.is_empty())
        .map(|m| Participant {
            master: MasterSlots {
                id: m.id().to_string(),
                slots: m.myself().slots.clone(),
            },
            weight: 1.0,
        })
        .collect();
    for text in &args.weights {
        let (prefix, weight) = text.split_once('=').ok_or_else(|| {
            UsageError(format!("*** invalid input {text}: use --weight ID=WEIGHT"))
        })?;
        let weight: f64 = weight
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| {
                UsageError(format!("--weight {text}: the weight must be a number >= 0"))
            })?;
        let prefix = prefix.to_ascii_lowercase();
        let found: Vec<&mut Participant> = participants
            .iter_mut()
            .filter(|p| !prefix.is_empty() && p.master.id.starts_with(&prefix))
            .collect();
        match found.len() {
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

/// redis-cli's lines: the header, balances with -v, then one line per transfer with a `#` per slot.
fn render_plan(view: &ClusterView, plan: &RebalancePlan, verbose: bool, by: Balance) -> Vec<Line> {
    let unit = match by {
        Balance::Memory => "bytes",
        _ => "keys",
    };
    let address = |id: &str| {
        view.node_by_id(id)
            .map(|n| n.address.to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let mut lines = vec![Line::new(
        Level::Info,
        format!(
            ">>> Rebalancing across {} nodes. Total weight = {:.2}",
            plan.balances.len(),
            plan.total_weight
        ),
    )];
    if verbose {
        lines.extend(plan.balances.iter().map(|(id, balance)| {
            Line::new(
                Level::Plain,
                format!(
                    "{} balance is {balance} {}",
                    address(id),
                    if by == Balance::Slots { "slots" } else { unit }
                ),
            )
        }));
    }
    for transfer in &plan.transfers {
        let load = transfer
            .load
            .map(|load| format!(" ({load} {unit})"))
            .unwrap_or_default();
        lines.push(Line::new(
            Level::Plain,
            format!(
                "Moving {} slots{load} from {} to {}",
                transfer.slots,
                address(&transfer.source),
                address(&transfer.target)
            ),
        ));
        lines.push(Line::new(Level::Plain, "#".repeat(transfer.slots)));
    }
    lines
}
