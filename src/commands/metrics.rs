//! `rcluster metrics HOST:PORT`: a Prometheus exporter. Every scrape reads the cluster concurrently,
//! bounded by `--timeout` (the seed's `CLUSTER INFO`, every node's own view and `INFO`), and answers
//! with redis_exporter's metric names where one exists (`redis_up`, `redis_cluster_state`,
//! `redis_memory_used_bytes`...; per node with `addr` and `role` labels, and `redis_db_keys` per
//! database that holds keys with a `db` label, `db0`, `db3`...), plus rcluster's own:
//! slots per master, open slots, replica lag in bytes, and whether the nodes disagree about slots.
//! A node that is down is `redis_up 0`, not a failed scrape. `--once` prints one scrape to stdout;
//! `--listen` serves `GET /metrics` (tiny_http, on a blocking thread) until stopped.

use super::Context;
use crate::exec::sample::snapshot;
use crate::net::{NodeAddress, Session};
use crate::output::metrics::encode;
use crate::report::Outcome;
use std::net::SocketAddr;
use std::sync::Arc;

/// What `metrics` is asked to do, validated (built by `crate::cli::args::metrics`).
#[derive(Debug)]
pub struct Options {
    pub seed: NodeAddress,
    /// Where to serve `/metrics`.
    pub listen: SocketAddr,
    /// Print one scrape and exit.
    pub once: bool,
}

/// The content type of the OpenMetrics text prometheus-client writes.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Runs `metrics`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<Outcome> {
    if options.once {
        let text = scrape(&context.session, &options.seed).await;
        return Ok(Outcome::new(Scrape(text), crate::error::Exit::Ok));
    }
    let server = tiny_http::Server::http(options.listen).map_err(|e| {
        crate::error::UsageError(format!("cannot listen on {}: {e}", options.listen))
    })?;
    context.ui.step(&format!(
        "Serving metrics of the cluster of {} on http://{}/metrics",
        options.seed, options.listen
    ));
    let session = Arc::clone(&context.session);
    let seed = options.seed.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        for request in server.incoming_requests() {
            let response = if request.url() == "/metrics" {
                let text = runtime.block_on(scrape(&session, &seed));
                let header = tiny_http::Header::from_bytes("Content-Type", CONTENT_TYPE)
                    .expect("a valid header");
                tiny_http::Response::from_string(text).with_header(header)
            } else {
                tiny_http::Response::from_string("see /metrics\n").with_status_code(404)
            };
            let _ = request.respond(response);
        }
    })
    .await?;
    Ok(Outcome::new((), crate::error::Exit::Ok))
}

/// One scrape's text, printed as is by `--once`.
#[derive(Debug, serde::Serialize)]
pub struct Scrape(pub String);

/// Reads the cluster through `seed` and encodes what it found.
pub async fn scrape(session: &Arc<Session>, seed: &NodeAddress) -> String {
    encode(&snapshot(session, seed).await)
}
