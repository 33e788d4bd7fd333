//! Offline snapshots of every renderer: each report is built without a server (from a view parsed
//! from the captured `CLUSTER NODES` fixtures in `tests/fixtures/cluster_nodes`, through the pure
//! planners and checks, or with realistic values), then printed by a capturing [`Printer`] in each
//! mode the binary has: human, redis-cli syntax (where redis-cli has the command) and JSON. The
//! snapshot shows what each mode writes on stdout and on stderr, and the exit status.
//!
//! One file per area: `check.rs` (check, info, doctor, the redis-cli refusals), `moves.rs` (reshard,
//! rebalance, a run of moves, resume, apply), `fix.rs`, `create.rs`, `membership.rs` (add-node,
//! del-node, failover, call, set-timeout, setslot), `data.rs` (import, backup, restore, local,
//! metrics, watch).

use crate::error::Exit;
use crate::output::{Captured, EventsFormat, Mode, Printer};
use crate::report::{Outcome, RenderOptions, Report, Reporter};
use crate::topology::ClusterView;

mod check;
mod create;
mod data;
mod fix;
mod membership;
mod moves;

/// Which modes a command has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// Human, redis-cli and JSON.
    WithRedisCli,
    /// Human and JSON: redis-cli has no such command.
    NativeOnly,
}

/// What the binary prints for `outcome` in `mode`, after the `sections` a run sends before it.
fn render(
    command: &str,
    sections: &[&dyn Report],
    outcome: &Outcome,
    mode: Mode,
    options: RenderOptions,
) -> Captured {
    let printer = Printer::capturing(mode, EventsFormat::Text, options);
    for section in sections {
        printer.section(*section);
    }
    printer.print_outcome(command, outcome);
    printer.captured()
}

/// Both streams of one mode, each under a header.
fn show(name: &str, exit: Exit, captured: &Captured) -> String {
    let mut text = format!("===== {name} (exit {})\n", exit.code());
    for (stream, written) in [("stdout", &captured.stdout), ("stderr", &captured.stderr)] {
        if written.is_empty() {
            text.push_str(&format!("--- {stream}: nothing\n"));
        } else {
            text.push_str(&format!("--- {stream}\n{written}"));
        }
    }
    text
}

/// Every mode `syntax` allows, with default options.
fn views(command: &str, sections: &[&dyn Report], outcome: &Outcome, syntax: Syntax) -> String {
    let mut modes = vec![("human", Mode::Human)];
    if syntax == Syntax::WithRedisCli {
        modes.push(("redis-cli", Mode::RedisCli));
    }
    modes.push(("json", Mode::Json));
    modes
        .into_iter()
        .map(|(name, mode)| {
            let captured = render(command, sections, outcome, mode, RenderOptions::default());
            show(name, outcome.exit, &captured)
        })
        .collect()
}

/// The human view with `-q` and with `-v`.
fn quiet_and_verbose(command: &str, sections: &[&dyn Report], outcome: &Outcome) -> String {
    [
        (
            "human -q",
            RenderOptions {
                quiet: true,
                verbose: 0,
            },
        ),
        (
            "human -v",
            RenderOptions {
                quiet: false,
                verbose: 1,
            },
        ),
    ]
    .into_iter()
    .map(|(name, options)| {
        let captured = render(command, sections, outcome, Mode::Human, options);
        show(name, outcome.exit, &captured)
    })
    .collect()
}

/// A view from a fixture seed (see `topology::fixtures::view`), where every loaded master holds
/// `keys` keys in database 0 (as the loader's `INFO keyspace` would say).
fn fixture_view(seed: &str, others: &[&str], unreachable: &[u16], keys: u64) -> ClusterView {
    let mut view = crate::topology::fixtures::view(seed, others, unreachable);
    for node in &mut view.nodes {
        if node.is_loaded() && node.is_master() {
            node.keys = Some(keys);
            node.keyspace = Some(crate::net::Keyspace {
                databases: [(0, keys)].into(),
            });
        }
    }
    view
}

/// The id of the node at `port` in `view`.
fn id_at(view: &ClusterView, port: u16) -> String {
    view.nodes
        .iter()
        .find(|n| n.address.port == port)
        .map(|n| n.id().to_string())
        .unwrap_or_else(|| panic!("no node at port {port}"))
}
