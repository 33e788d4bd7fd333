//! What a client saw while slots moved (`--observe`): latency figures per class of keys (in the
//! moved slots, in the others) and per phase (a baseline before the first slot moves, then during
//! the move). Plain data: computed by `exec::observe`, carried by [`Event::Latency`](super::Event)
//! and the move report, rendered by `output`.

use serde::Serialize;

/// Redirects the observing client followed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Redirects {
    /// `ASK`: the key's slot was migrating; the client sent `ASKING` and the command to the target.
    pub ask: u64,
    /// `MOVED`: the slot had changed owner; the client re-read the slot table.
    pub moved: u64,
    /// `TRYAGAIN`: the server asked for a retry.
    pub tryagain: u64,
}

/// Latency of the GETs and SETs of one class of keys in one phase (every command is a sample,
/// redirects followed included).
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub struct LatencyFigures {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Commands that got an answer (the figures are theirs).
    pub samples: u64,
    /// Commands that failed (connection, time-out, an error reply, or too many redirects).
    pub errors: u64,
    pub redirects: Redirects,
}

/// One phase's figures for both classes of keys.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub struct PhaseLatency {
    /// Keys in the slots being moved.
    pub moved_slots: LatencyFigures,
    /// Keys in the other slots.
    pub other_slots: LatencyFigures,
}

/// The observer's progress, about once a second while slots move (and once after the baseline).
#[derive(Debug, Clone, Serialize)]
pub struct LatencyProgress {
    /// `baseline` or `during`.
    pub phase: &'static str,
    /// The phase's figures so far.
    #[serde(flatten)]
    pub figures: PhaseLatency,
    /// p99 over the recent samples (what `--max-latency` holds under its bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent_p99_ms: Option<f64>,
    /// With `--max-latency`: slots in flight per source and keys per batch right now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<usize>,
    /// With `--max-latency`: the wait after each batch right now, in milliseconds (0: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause_ms: Option<f64>,
}
