//! `rcluster call HOST:PORT [--only-masters|--only-replicas] COMMAND [ARG...]`: runs one command on
//! every node at once and prints each node's reply in redis-cli's raw style, one node after another in
//! address order (in redis-cli syntax, redis-cli's order: the seed, then its CLUSTER NODES). Exit 1 when any node failed or replied with an error.

use super::Context;
use crate::net::{NodeAddress, concurrently};
use crate::report::Outcome;
use crate::topology::{ClusterView, NodeView, load_cluster_summary};
use serde::Serialize;

/// What `call` is asked to do, validated (built by `crate::cli::args::call`).
#[derive(Debug)]
pub struct Options {
    /// The node to reach the cluster through.
    pub seed: NodeAddress,
    pub only_masters: bool,
    pub only_replicas: bool,
    /// The command and its arguments.
    pub command: Vec<String>,
}

/// What `call` reports: the command and every node's reply, in address order (redis-cli's order in its syntax).
#[derive(Debug, Clone, Serialize)]
pub struct CallReport {
    /// The command sent and its arguments (`command` is the envelope's: `"call"`).
    #[serde(rename = "call")]
    pub command: Vec<String>,
    pub nodes: Vec<CallResult>,
}

/// One node's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CallResult {
    pub address: String,
    pub id: String,
    pub role: &'static str,
    pub ok: bool,
    /// The reply as JSON, when the node answered without an error.
    pub reply: Option<serde_json::Value>,
    /// The error reply, or why the node could not be asked.
    pub error: Option<String>,
    /// The reply in redis-cli's raw format.
    #[serde(skip)]
    pub raw: String,
}

/// The nodes a fan-out command addresses: every node with an address, filtered by role; by address
/// natively, and in redis-cli's order in its syntax (the seed, then the seed's `CLUSTER NODES`).
/// In redis-cli syntax a node whose connection failed while loading is left out, as redis-cli leaves
/// it out of the nodes it loaded (it said `Could not connect to Redis at H:P: ...` on stderr then:
/// [`super::report_unreachable_like_redis_cli`]); natively it stays and is reported as failed.
pub fn target_nodes<'a>(
    context: &Context,
    view: &'a ClusterView,
    only_masters: bool,
    only_replicas: bool,
) -> Vec<&'a NodeView> {
    let wanted = |node: &&NodeView| {
        let flags = &node.seen_by_seed.flags;
        let addressable = flags.myself || (!flags.handshake && node.seen_by_seed.addr.is_usable());
        let replica = node.myself().flags.replica;
        let role_wanted = if replica {
            !only_masters
        } else {
            !only_replicas
        };
        let unconnected = matches!(
            node.error(),
            Some(crate::topology::Unread::Net(net)) if net.hiredis_reason().is_some()
        );
        addressable && role_wanted && !(context.redis_cli() && unconnected)
    };
    let mut nodes: Vec<&NodeView> = view.nodes.iter().filter(wanted).collect();
    if !context.redis_cli() {
        nodes.sort_by(|a, b| a.address.cmp(&b.address));
    }
    nodes
}

/// Runs `call`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    let seed = options.seed.clone();
    let view = load_cluster_summary(&context.session, &seed).await?;
    super::report_unreachable_like_redis_cli(context, &view);
    let targets: Vec<(NodeAddress, String, &'static str)> =
        target_nodes(context, &view, options.only_masters, options.only_replicas)
            .into_iter()
            .map(|n| (n.address.clone(), n.id().to_string(), role(n)))
            .collect();
    let command = options.command.clone();
    let results = concurrently(targets, |(address, id, role)| {
        let session = context.session.clone();
        let command = command.clone();
        async move {
            let reply = match session.client(&address).await {
                Ok(mut client) => client.command_reply(&command).await,
                Err(error) => Err(error),
            };
            call_result(address, id, role, reply)
        }
    })
    .await;
    let all_ok = results.iter().all(|r| r.ok);
    let report = CallReport {
        command: options.command.clone(),
        nodes: results,
    };
    Ok(Outcome::clean_if(report, all_ok))
}

/// `master` or `replica`, as the node sees itself.
pub fn role(node: &NodeView) -> &'static str {
    if node.myself().flags.replica {
        "replica"
    } else {
        "master"
    }
}

fn call_result(
    address: NodeAddress,
    id: String,
    role: &'static str,
    reply: Result<Result<redis::Value, String>, crate::net::NetError>,
) -> CallResult {
    let (ok, reply, error, raw) = match reply {
        Ok(Ok(value)) => (true, Some(to_json(&value)), None, format_raw(&value)),
        Ok(Err(text)) => (false, None, Some(text.clone()), format!("{text}\n")),
        Err(error) => (
            false,
            None,
            Some(error.to_string()),
            format!("Failed! ({error})"),
        ),
    };
    CallResult {
        address: address.to_string(),
        id,
        role,
        ok,
        reply,
        error,
        raw,
    }
}

/// redis-cli's raw rendering: strings as they are, arrays one element per line, nil as nothing.
pub fn format_raw(value: &redis::Value) -> String {
    use redis::Value;
    match value {
        Value::Nil => String::new(),
        Value::Int(n) => n.to_string(),
        Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Value::SimpleString(text) => text.clone(),
        Value::Okay => "OK".into(),
        Value::Double(x) => x.to_string(),
        Value::Boolean(b) => if *b { "1" } else { "0" }.into(),
        Value::Array(items) | Value::Set(items) => {
            items.iter().map(format_raw).collect::<Vec<_>>().join("\n")
        }
        Value::Map(pairs) => pairs
            .iter()
            .flat_map(|(k, v)| [format_raw(k), format_raw(v)])
            .collect::<Vec<_>>()
            .join("\n"),
        Value::VerbatimString { text, .. } => text.clone(),
        other => format!("{other:?}"),
    }
}

/// The reply as JSON: strings, numbers, arrays, objects for maps, null for nil.
pub fn to_json(value: &redis::Value) -> serde_json::Value {
    use redis::Value;
    use serde_json::Value as Json;
    match value {
        Value::Nil => Json::Null,
        Value::Int(n) => Json::from(*n),
        Value::Double(x) => Json::from(*x),
        Value::Boolean(b) => Json::from(*b),
        Value::Array(items) | Value::Set(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(k, v)| (format_raw(k), to_json(v)))
                .collect(),
        ),
        other => Json::String(format_raw(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redis::Value;

    #[test]
    fn raw_format_matches_redis_cli() {
        assert_eq!(format_raw(&Value::Int(341)), "341");
        let pair = Value::Array(vec![
            Value::BulkString(b"cluster-node-timeout".to_vec()),
            Value::BulkString(b"5000".to_vec()),
        ]);
        assert_eq!(format_raw(&pair), "cluster-node-timeout\n5000");
        assert_eq!(format_raw(&Value::Nil), "");
        assert_eq!(format_raw(&Value::Okay), "OK");
        assert_eq!(
            to_json(&pair),
            serde_json::json!(["cluster-node-timeout", "5000"])
        );
    }
}
