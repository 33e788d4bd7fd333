//! `rebalance`'s command line, turned into [`crate::commands::rebalance::Options`].

use super::moves::{MoveArgs, ObserveArgs, StepArgs};
use super::values::BalanceArg;
use crate::commands::rebalance::{Options, Weight};
use crate::error::UsageError;
use crate::net::NodeAddress;

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
    #[arg(long, value_enum, default_value_t = BalanceArg::Slots)]
    pub by: BalanceArg,
    /// Show the moves and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Move without asking (redis-cli syntax never asks, as redis-cli does not).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub moves: MoveArgs,
    #[command(flatten)]
    pub observe: ObserveArgs,
    #[command(flatten)]
    pub step: StepArgs,
}

impl RebalanceArgs {
    /// The validated options.
    pub fn options(&self) -> anyhow::Result<Options> {
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            weights: self
                .weights
                .iter()
                .map(|text| parse_weight(text))
                .collect::<anyhow::Result<_>>()?,
            use_empty_masters: self.use_empty_masters,
            threshold: self.threshold,
            by: self.by.into(),
            dry_run: self.dry_run,
            yes: self.yes,
            moves: crate::commands::moves::MoveOptions {
                observe: self.observe.options(),
                ..self.moves.options()
            },
            step: self.step.bounds(),
        })
    }
}

/// `ID=WEIGHT`, the weight a finite number of at least 0.
fn parse_weight(text: &str) -> anyhow::Result<Weight> {
    let (prefix, weight) = text
        .split_once('=')
        .ok_or_else(|| UsageError(format!("*** invalid input {text}: use --weight ID=WEIGHT")))?;
    let weight: f64 = weight
        .parse()
        .ok()
        .filter(|w: &f64| w.is_finite() && *w >= 0.0)
        .ok_or_else(|| UsageError(format!("--weight {text}: the weight must be a number >= 0")))?;
    Ok(Weight {
        text: text.to_string(),
        prefix: prefix.to_ascii_lowercase(),
        weight,
    })
}
