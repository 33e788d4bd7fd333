//! Executors: the I/O that carries out plans. Each waits with a bound and reports how far it got.

pub mod create;
