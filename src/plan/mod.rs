//! Planners: pure functions from a description of the cluster (and the user's options) to a plan that
//! the commands render, confirm and execute. Each planner validates its own result.

pub mod create;
