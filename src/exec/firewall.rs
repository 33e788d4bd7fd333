//! Firewall rules for the partition drill (`failover --drill --partition`): `iptables` DROP rules on
//! the INPUT chain between pairs of loopback addresses (on loopback every packet passes INPUT once,
//! so `-s A -d B` and `-s B -d A` cut both directions, every port). Each rule carries the comment
//! `rcluster-drill:<pid>`, so the rules of a run that died can be found and removed later
//! ([`remove_leftovers`], which `local down` calls too).
//!
//! Runs the `iptables` binary (root only); nothing else here touches the firewall. A [`Cut`] removes
//! its rules when dropped, so every exit path of the drill (an error, a panic, an interrupt) heals.
//! Called by `exec::partition` and `commands::local`.

use std::process::Command;

/// The comment every drill rule carries, followed by the pid of the run that added it.
pub const COMMENT_PREFIX: &str = "rcluster-drill:";

/// Why the firewall could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum FirewallError {
    #[error(
        "the partition drill needs iptables, which is not installed (scripts/install-deps.sh installs it)"
    )]
    Missing,
    #[error("`{command}` failed: {reason} (the partition drill runs as root)")]
    Failed { command: String, reason: String },
}

/// One DROP rule: packets from `source` to `destination`, every protocol and port.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    pub source: String,
    pub destination: String,
}

impl Rule {
    /// Both directions between `a` and `b`.
    pub fn both_ways(a: &str, b: &str) -> [Rule; 2] {
        [
            Rule {
                source: a.to_string(),
                destination: b.to_string(),
            },
            Rule {
                source: b.to_string(),
                destination: a.to_string(),
            },
        ]
    }

    /// The rule's arguments after `-A`/`-D`.
    fn spec(&self, comment: &str) -> Vec<String> {
        [
            "INPUT",
            "-s",
            &self.source,
            "-d",
            &self.destination,
            "-m",
            "comment",
            "--comment",
            comment,
            "-j",
            "DROP",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// The rule as the command that adds it.
    pub fn describe(&self, comment: &str) -> String {
        format!("iptables -A {}", self.spec(comment).join(" "))
    }
}

/// This run's comment: `rcluster-drill:<pid>`.
pub fn own_comment() -> String {
    format!("{COMMENT_PREFIX}{}", std::process::id())
}

fn iptables(args: &[String]) -> Result<String, FirewallError> {
    let command = format!("iptables {}", args.join(" "));
    let output = Command::new("iptables")
        .args(args)
        .output()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => FirewallError::Missing,
            _ => FirewallError::Failed {
                command: command.clone(),
                reason: error.to_string(),
            },
        })?;
    if !output.status.success() {
        let reason = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(FirewallError::Failed { command, reason });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `iptables -S INPUT` answers (installed, and this process may read the rules).
pub fn check_available() -> Result<(), FirewallError> {
    iptables(&["-S".into(), "INPUT".into()]).map(|_| ())
}

/// Rules added by this run; removed by [`Cut::heal`] or, at the latest, on drop.
#[derive(Debug)]
pub struct Cut {
    rules: Vec<Rule>,
    comment: String,
    healed: bool,
}

impl Cut {
    /// Adds `rules` (DROP, with this run's comment). When one fails, those already added are
    /// removed before the error returns.
    pub fn add(rules: Vec<Rule>) -> Result<Cut, FirewallError> {
        let comment = own_comment();
        let mut cut = Cut {
            rules: Vec::new(),
            comment,
            healed: false,
        };
        for rule in rules {
            let mut args = vec!["-I".to_string()];
            args.extend(rule.spec(&cut.comment));
            iptables(&args)?;
            cut.rules.push(rule);
        }
        Ok(cut)
    }

    /// The rules, as the commands that added them.
    pub fn described(&self) -> Vec<String> {
        self.rules
            .iter()
            .map(|r| r.describe(&self.comment))
            .collect()
    }

    /// Removes every rule (idempotent); the first failure, after trying them all, and a sweep of
    /// this run's comment as the backstop.
    pub fn heal(&mut self) -> Result<(), FirewallError> {
        if self.healed {
            return Ok(());
        }
        let mut first_error = None;
        for rule in &self.rules {
            let mut args = vec!["-D".to_string()];
            args.extend(rule.spec(&self.comment));
            if let Err(error) = iptables(&args) {
                first_error.get_or_insert(error);
            }
        }
        let swept = remove_matching(&format!("{} ", self.comment));
        self.healed = true;
        match (first_error, swept) {
            (_, Ok(_)) => Ok(()),
            (Some(error), Err(_)) | (None, Err(error)) => Err(error),
        }
    }
}

impl Drop for Cut {
    fn drop(&mut self) {
        let _ = self.heal();
    }
}

/// Removes every INPUT rule whose comment starts with `prefix`; the rules removed (as `iptables -S`
/// lists them).
fn remove_matching(prefix: &str) -> Result<Vec<String>, FirewallError> {
    let listed = iptables(&["-S".into(), "INPUT".into()])?;
    let mut removed = Vec::new();
    for line in listed.lines().filter(|l| is_drill_rule(l, prefix)) {
        let Some(spec) = line.strip_prefix("-A ") else {
            continue;
        };
        let mut args = vec!["-D".to_string()];
        args.extend(split_rule(spec));
        iptables(&args)?;
        removed.push(line.to_string());
    }
    Ok(removed)
}

/// Removes this run's rules (by their comment), whatever added them: for an exit that cannot wait
/// for a [`Cut`] to drop (a second Ctrl-C).
pub fn remove_own() -> Result<Vec<String>, FirewallError> {
    remove_matching(&format!("{} ", own_comment()))
}

/// Removes the rules of every drill run (this one's or one that died); the rules removed.
pub fn remove_leftovers() -> Result<Vec<String>, FirewallError> {
    remove_matching(COMMENT_PREFIX)
}

/// An `iptables -S` line that is a rule with a comment starting with `prefix`.
fn is_drill_rule(line: &str, prefix: &str) -> bool {
    line.starts_with("-A ")
        && (line.contains(&format!("--comment {prefix}"))
            || line.contains(&format!("--comment \"{prefix}")))
}

/// An `iptables -S` rule split into arguments (quotes around a comment removed).
fn split_rule(spec: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in spec.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_cuts_one_direction_and_names_itself() {
        let [there, back] = Rule::both_ways("127.0.0.2", "127.0.0.3");
        assert_eq!(
            there.describe("rcluster-drill:7"),
            "iptables -A INPUT -s 127.0.0.2 -d 127.0.0.3 -m comment --comment rcluster-drill:7 -j DROP"
        );
        assert_eq!(back.source, "127.0.0.3");
        assert_eq!(back.destination, "127.0.0.2");
    }

    #[test]
    fn leftovers_are_found_by_their_comment_only() {
        let listed = "-P INPUT ACCEPT\n\
            -A INPUT -s 127.0.0.2/32 -d 127.0.0.3/32 -m comment --comment rcluster-drill:42 -j DROP\n\
            -A INPUT -s 10.0.0.1/32 -j DROP\n\
            -A INPUT -s 127.0.0.3/32 -m comment --comment \"other rule\" -j ACCEPT";
        let found: Vec<&str> = listed
            .lines()
            .filter(|l| is_drill_rule(l, COMMENT_PREFIX))
            .collect();
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("127.0.0.2/32"));
        assert!(!is_drill_rule(found[0], "rcluster-drill:4 "));
        assert!(is_drill_rule(found[0], "rcluster-drill:42 "));
    }

    #[test]
    fn a_listed_rule_splits_into_arguments() {
        assert_eq!(
            split_rule("INPUT -s 127.0.0.2/32 -m comment --comment \"a b\" -j DROP"),
            [
                "INPUT",
                "-s",
                "127.0.0.2/32",
                "-m",
                "comment",
                "--comment",
                "a b",
                "-j",
                "DROP"
            ]
        );
    }
}
