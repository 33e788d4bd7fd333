//! Credentials files, the way to give a password that no `ps`, shell history or environment shows:
//! `--auth-file FILE`, or else `$XDG_CONFIG_HOME/rcluster/auth` (`~/.config/rcluster/auth`) when no
//! password is given any other way. Called by `crate::cli::connect_options`.
//!
//! The file holds `user = NAME` (optional) and `password = SECRET` lines; blank lines and lines
//! starting with `#` are ignored, and blanks around a value are removed. It is refused when its group
//! or others may read or write it (as ssh refuses a private key), so a secret is never used from a
//! file that has already leaked.

use crate::net::Secret;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// What a credentials file gives.
#[derive(Debug)]
pub struct Credentials {
    pub user: Option<String>,
    pub password: Secret,
}

/// Why a credentials file was not used. Never carries the secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthFileError {
    #[error("cannot read the credentials file {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the credentials file {path} can be read or written by others (mode {mode:04o}): run chmod 600 {path}"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error("the credentials file {path}, line {line}: {reason}")]
    Malformed {
        path: PathBuf,
        line: usize,
        reason: &'static str,
    },
    #[error("the credentials file {path} has no 'password = ...' line")]
    NoPassword { path: PathBuf },
}

/// `$XDG_CONFIG_HOME/rcluster/auth`, else `~/.config/rcluster/auth`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("rcluster").join("auth"))
}

/// Reads `path` after checking that only its owner can reach it.
pub fn load(path: &Path) -> Result<Credentials, AuthFileError> {
    let unreadable = |source| AuthFileError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let mode = std::fs::metadata(path)
        .map_err(unreadable)?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(AuthFileError::Exposed {
            path: path.to_path_buf(),
            mode,
        });
    }
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    parse(&text).map_err(|failure| match failure {
        ParseFailure::Line(line, reason) => AuthFileError::Malformed {
            path: path.to_path_buf(),
            line,
            reason,
        },
        ParseFailure::NoPassword => AuthFileError::NoPassword {
            path: path.to_path_buf(),
        },
    })
}

/// Why a file's text is not credentials.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseFailure {
    /// Line number (from 1) and what is wrong with it.
    Line(usize, &'static str),
    NoPassword,
}

/// The credentials in a file's text. Pure.
pub fn parse(text: &str) -> Result<Credentials, ParseFailure> {
    let mut user = None;
    let mut password = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fail = |reason| ParseFailure::Line(index + 1, reason);
        let (key, value) = line
            .split_once('=')
            .ok_or(fail("expected 'user = NAME' or 'password = SECRET'"))?;
        let value = value.trim();
        if value.is_empty() {
            return Err(fail("the value is empty"));
        }
        let slot = match key.trim() {
            "user" => &mut user,
            "password" => &mut password,
            _ => return Err(fail("only 'user' and 'password' are known")),
        };
        if slot.replace(value.to_string()).is_some() {
            return Err(fail("given twice"));
        }
    }
    Ok(Credentials {
        user,
        password: Secret::new(password.ok_or(ParseFailure::NoPassword)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_user_and_password_and_skips_comments() {
        let found = parse("# ops\n\nuser = ops\npassword =  s3cret word \n").unwrap();
        assert_eq!(found.user.as_deref(), Some("ops"));
        assert_eq!(found.password.expose(), "s3cret word");
        let found = parse("password=a=b\n").unwrap();
        assert_eq!(found.user, None);
        assert_eq!(found.password.expose(), "a=b");
    }

    #[test]
    fn refuses_what_it_cannot_read_without_showing_the_secret() {
        let failure = |text| parse(text).err().unwrap();
        assert_eq!(failure("user = ops\n"), ParseFailure::NoPassword);
        assert!(matches!(failure("s3cret\n"), ParseFailure::Line(1, _)));
        assert!(matches!(failure("\npass = x\n"), ParseFailure::Line(2, _)));
        assert!(matches!(
            failure("password = a\npassword = b\n"),
            ParseFailure::Line(2, "given twice")
        ));
        assert!(matches!(failure("password =\n"), ParseFailure::Line(1, _)));
    }

    #[test]
    fn a_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("auth");
        std::fs::write(&path, "password = s3cret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = load(&path).err().unwrap().to_string();
        assert!(refused.contains("chmod 600"), "{refused}");
        assert!(!refused.contains("s3cret"), "{refused}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(load(&path).unwrap().password.expose(), "s3cret");
    }
}
