//! JSON output: the report structs serialised as they are, one document on stdout.

use serde::Serialize;

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => super::write_stdout(&(text + "\n")),
        Err(error) => eprintln!("rcluster: cannot serialise the report: {error}"),
    }
}
