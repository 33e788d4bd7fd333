//! `HOST PORT` wherever a command takes `HOST:PORT`: before clap parses a native command line, a node
//! address given as two words (`del-node 127.0.0.1 7000 ID`) is joined into one, as redis-cli reads
//! it. Only the address positions of each subcommand are looked at, and only when the host has no
//! `:` and the next word is a port number. Called by `crate::cli::run`.

use super::args::Cli;
use clap::CommandFactory;

/// Each subcommand's positionals that are node addresses (the others take a separate PORT
/// positional in their own definition).
const ADDRESS_POSITIONS: &[(&str, &[usize])] = &[
    ("add-node", &[0, 1]),
    ("del-node", &[0]),
    ("call", &[0]),
    ("set-timeout", &[0]),
    ("setslot", &[0]),
    ("import", &[0]),
    ("backup", &[0]),
];

/// `args` (program name first) with every `HOST PORT` pair at an address position joined.
pub fn join_host_port(args: Vec<String>) -> Vec<String> {
    let mut command = Cli::command();
    command.build();
    let Some((sub_at, sub)) = find_subcommand(&command, &args) else {
        return args;
    };
    let Some(positions) = ADDRESS_POSITIONS
        .iter()
        .find(|(name, _)| *name == sub.get_name())
        .map(|(_, positions)| *positions)
    else {
        return args;
    };
    let mut out: Vec<String> = args[..=sub_at].to_vec();
    let mut rest = args[sub_at + 1..].iter().peekable();
    let mut positional = 0;
    let mut options_ended = false;
    while let Some(word) = rest.next() {
        if !options_ended && word == "--" {
            options_ended = true;
            out.push(word.clone());
            continue;
        }
        if !options_ended && word.starts_with('-') && word.len() > 1 {
            out.push(word.clone());
            if takes_value(sub, word) {
                out.extend(rest.next().cloned());
            }
            continue;
        }
        let joined = match rest.peek() {
            Some(port)
                if positions.contains(&positional) && is_port(port) && !word.contains(':') =>
            {
                let joined = format!("{word}:{port}");
                rest.next();
                joined
            }
            _ => word.clone(),
        };
        out.push(joined);
        positional += 1;
    }
    out
}

/// The subcommand word and its definition, skipping global options and their values.
fn find_subcommand<'a>(
    command: &'a clap::Command,
    args: &[String],
) -> Option<(usize, &'a clap::Command)> {
    let mut index = 1;
    while index < args.len() {
        let word = &args[index];
        if word.starts_with('-') {
            index += if takes_value(command, word) { 2 } else { 1 };
            continue;
        }
        return command.find_subcommand(word).map(|sub| (index, sub));
    }
    None
}

/// Whether `word` (`--name`, `-x`; not `--name=value`) is an option of `command` that takes a value.
fn takes_value(command: &clap::Command, word: &str) -> bool {
    if word.contains('=') {
        return false;
    }
    command.get_arguments().any(|arg| {
        let named = match word.strip_prefix("--") {
            Some(long) => arg.get_long() == Some(long),
            None => word.len() == 2 && arg.get_short() == word.chars().nth(1),
        };
        named && arg.get_action().takes_values()
    })
}

fn is_port(word: &str) -> bool {
    !word.is_empty() && word.len() <= 5 && word.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(line: &str) -> String {
        let args = std::iter::once("rcluster")
            .chain(line.split(' '))
            .map(String::from)
            .collect();
        join_host_port(args)[1..].join(" ")
    }

    #[test]
    fn host_port_pairs_at_address_positions_are_joined() {
        assert_eq!(
            joined("del-node 127.0.0.1 7000 abc"),
            "del-node 127.0.0.1:7000 abc"
        );
        assert_eq!(
            joined("add-node 127.0.0.1 7006 127.0.0.1 7000 --replica"),
            "add-node 127.0.0.1:7006 127.0.0.1:7000 --replica"
        );
        assert_eq!(
            joined("-a pw --timeout 5s call localhost 7000 GET k"),
            "-a pw --timeout 5s call localhost:7000 GET k"
        );
        assert_eq!(
            joined("setslot 127.0.0.1 7000 100 node abc"),
            "setslot 127.0.0.1:7000 100 node abc"
        );
        assert_eq!(
            joined("import --from 10.0.0.5:6379 127.0.0.1 7000"),
            "import --from 10.0.0.5:6379 127.0.0.1:7000"
        );
    }

    #[test]
    fn other_words_are_left_alone() {
        for line in [
            "del-node 127.0.0.1:7000 abc",
            "set-timeout 127.0.0.1:7000 5000",
            "setslot 127.0.0.1:7000 100 stable",
            "call 127.0.0.1:7000 INCRBY 5 6",
            "check 127.0.0.1 7000",
            "backup 127.0.0.1:7000 /tmp/b",
            "call 127.0.0.1:7000 -- DEBUG 1 2",
        ] {
            assert_eq!(joined(line), line);
        }
    }
}
