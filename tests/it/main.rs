//! The integration tests, one binary (the crate links once): a module per area, each against real
//! servers started on free loopback ports by `common::TestCluster` and always stopped.
//! Run one area with `cargo test --test it fix::`, one test by its name.

#[allow(dead_code)]
mod common;

mod backup;
mod big_keys;
mod check_info;
mod cli;
mod databases;
mod doctor;
mod errors;
mod failover;
mod fix;
mod guards;
mod handoff;
mod hostile;
mod import;
mod json;
mod membership;
mod metrics;
mod migrate;
mod observe;
mod partition;
mod redis_asm;
mod redis_cli_compat;
mod security;
mod servers;
mod steps;
mod tls;
mod views;
mod watch;
