//! `reshard`'s command line, turned into [`crate::commands::reshard::Options`].

use super::moves::{MoveArgs, ObserveArgs, StepArgs};
use crate::commands::reshard::Options;
use crate::error::UsageError;
use crate::net::NodeAddress;
use crate::topology::SlotSet;

/// Every slot of a cluster: the most `--slots` can move.
const SLOT_COUNT: usize = crate::topology::SLOT_COUNT as usize;

/// Arguments of `reshard`.
#[derive(Debug, clap::Args)]
pub struct ReshardArgs {
    /// Any node of the cluster: HOST:PORT, or HOST then PORT.
    pub node: String,
    /// The port, when given as a separate argument.
    pub port: Option<String>,
    /// Source masters: ids (or unique prefixes of 8 or more characters) separated by commas, or `all`.
    #[arg(long, value_name = "ID[,ID...]|all")]
    pub from: Option<String>,
    /// The receiving master's id (or a unique prefix of 8 or more characters).
    #[arg(long, value_name = "ID")]
    pub to: Option<String>,
    /// How many slots to move (exactly this many, from 1 to 16384).
    #[arg(long, value_name = "N")]
    pub slots: Option<usize>,
    /// Exact slots to move to --to, each from its owner: `0-99,5000`.
    #[arg(long, value_name = "RANGES", conflicts_with_all = ["from", "slots"])]
    pub slot_ranges: Option<String>,
    /// Move without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub moves: MoveArgs,
    #[command(flatten)]
    pub observe: ObserveArgs,
    #[command(flatten)]
    pub step: StepArgs,
}

impl ReshardArgs {
    /// The validated options. Natively `--slots` must be a count from 1 to 16384; in redis-cli
    /// syntax a larger count moves all the sources own, as redis-cli does.
    pub fn options(&self, redis_cli: bool) -> anyhow::Result<Options> {
        if let Some(count) = self
            .slots
            .filter(|n| !redis_cli && !(1..=SLOT_COUNT).contains(n))
        {
            return Err(UsageError(format!(
                "--slots {count}: give a number of slots from 1 to {SLOT_COUNT}"
            ))
            .into());
        }
        if self.slot_ranges.is_none() && self.step.bounds().any() {
            return Err(UsageError(
                "--max-slots and --max-time need --slot-ranges: a --slots N reshard would move N more slots on every run".into(),
            )
            .into());
        }
        Ok(Options {
            seed: NodeAddress::parse(&self.node, self.port.as_deref())?,
            from: self.from.clone(),
            to: self.to.clone(),
            slots: self.slots,
            slot_ranges: self
                .slot_ranges
                .as_deref()
                .map(|text| text.parse::<SlotSet>().map_err(UsageError))
                .transpose()?,
            yes: self.yes,
            dry_run: self.dry_run,
            moves: crate::commands::moves::MoveOptions {
                observe: self.observe.options(),
                ..self.moves.options()
            },
            step: self.step.bounds(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::{Cli, Command};
    use clap::Parser;

    fn options(args: &str, redis_cli: bool) -> anyhow::Result<Options> {
        let line = format!("rcluster reshard 127.0.0.1:7000 {args}");
        match Cli::try_parse_from(line.split(' '))?.command {
            Command::Reshard(args) => args.options(redis_cli),
            _ => unreachable!("a reshard line"),
        }
    }

    #[test]
    fn a_slot_count_out_of_range_is_refused_before_any_io() {
        for count in ["0", "16385", "99999"] {
            let error = options(&format!("--slots {count}"), false).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("--slots {count}: give a number of slots from 1 to 16384")
            );
            assert!(error.downcast_ref::<UsageError>().is_some());
        }
        assert_eq!(options("--slots 16384", false).unwrap().slots, Some(16384));
        // redis-cli moves what the sources own when asked for more.
        assert_eq!(options("--slots 99999", true).unwrap().slots, Some(99999));
    }
}
