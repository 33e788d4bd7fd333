//! Where a command line carries a secret: the values of `-a`/`--pass`, `--from-pass` (and redis-cli's
//! `--cluster-from-pass`), and the password part of `-u redis://user:pass@host`. Pure; `main` erases
//! those bytes from the process's visible arguments (`/proc/PID/cmdline`, hence `ps`) before the first
//! connection, and `crate::cli::run` warns as redis-cli does.

/// A secret inside argument `index`: bytes `from` to `end` (the argument's end when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Secret {
    pub index: usize,
    pub from: usize,
    pub end: Option<usize>,
    /// Given with `-a`, `--pass` or `-u` (the options redis-cli warns about).
    pub warned: bool,
}

const VALUE_OPTIONS: &[(&str, bool)] = &[
    ("-a", true),
    ("--pass", true),
    ("--from-pass", false),
    ("--cluster-from-pass", false),
];

/// Every secret in `args` (program name first).
pub fn secrets(args: &[String]) -> Vec<Secret> {
    let mut found = Vec::new();
    let mut index = 1;
    while index < args.len() {
        let arg = args[index].as_str();
        if arg == "--" {
            break;
        }
        if let Some(&(_, warned)) = VALUE_OPTIONS.iter().find(|(name, _)| *name == arg) {
            if index + 1 < args.len() {
                found.push(Secret {
                    index: index + 1,
                    from: 0,
                    end: None,
                    warned,
                });
            }
            index += 2;
            continue;
        }
        if arg == "-u" {
            if let Some((from, end)) = args.get(index + 1).and_then(|uri| uri_password(uri)) {
                found.push(Secret {
                    index: index + 1,
                    from,
                    end: Some(end),
                    warned: true,
                });
            }
            index += 2;
            continue;
        }
        let attached = VALUE_OPTIONS.iter().find_map(|&(name, warned)| {
            let value_at = if name.starts_with("--") {
                arg.strip_prefix(name)?.strip_prefix('=')?;
                name.len() + 1
            } else {
                arg.strip_prefix(name).filter(|rest| !rest.is_empty())?;
                name.len() + usize::from(arg[name.len()..].starts_with('='))
            };
            Some(Secret {
                index,
                from: value_at,
                end: None,
                warned,
            })
        });
        found.extend(attached);
        index += 1;
    }
    found
}

/// Where the password of `redis://user:pass@host:port` is (the whole user part when there is no
/// `:`): its first byte and the `@` after it.
fn uri_password(uri: &str) -> Option<(usize, usize)> {
    let start = uri.find("://").map_or(0, |at| at + 3);
    let at = start + uri[start..].rfind('@')?;
    let credentials = &uri[start..at];
    Some((
        start + credentials.find(':').map_or(0, |colon| colon + 1),
        at,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(line: &str) -> Vec<(usize, usize, bool)> {
        let args: Vec<String> = std::iter::once("rcluster")
            .chain(line.split(' '))
            .map(String::from)
            .collect();
        secrets(&args)
            .into_iter()
            .map(|s| (s.index, s.from, s.warned))
            .collect()
    }

    #[test]
    fn only_a_uris_password_is_hidden() {
        let args = ["rcluster", "-u", "redis://bob:pw@h:1"].map(String::from);
        let secret = secrets(&args)[0];
        assert_eq!(&args[2][secret.from..secret.end.unwrap()], "pw");
    }

    #[test]
    fn every_form_of_a_password_is_found() {
        assert_eq!(find("-a pw check h:1"), vec![(2, 0, true)]);
        assert_eq!(find("check h:1 --pass=pw"), vec![(3, 7, true)]);
        assert_eq!(find("check h:1 -apw"), vec![(3, 2, true)]);
        assert_eq!(
            find("import h:1 --from h:2 --from-pass pw"),
            vec![(6, 0, false)]
        );
        assert_eq!(
            find("-u redis://bob:pw@h:1 --cluster check h:1"),
            vec![(2, 12, true)]
        );
        assert_eq!(
            find("-u rediss://pw@h:1 --cluster check h:1"),
            vec![(2, 9, true)]
        );
        assert_eq!(find("-u redis://h:1 --cluster check h:1"), vec![]);
        assert_eq!(find("call h:1 -- AUTH -a x"), vec![]);
        assert_eq!(find("check h:1"), vec![]);
    }
}
