//! rcluster: administer Redis Cluster and Valkey cluster.
//!
//! The library holds everything: the typed topology model and its parser ([`topology`]), the checks
//! (pure functions of a [`topology::ClusterView`]), the network layer ([`net`]), the commands
//! ([`commands`]), output rendering ([`output`]), the command line with redis-cli compatibility
//! ([`cli`]) and the local sandbox ([`sandbox`]). `main.rs` only parses, runs and maps the exit code.

pub mod cli;
pub mod commands;
pub mod error;
pub mod exec;
pub mod net;
pub mod output;
pub mod plan;
pub mod report;
pub mod sandbox;
pub mod topology;
pub mod words;
