//! What the reply to `SYNC` and the first bytes of an RDB file say, read without trusting them:
//! the announced length (`$<length>`) and the RDB format version (`REDIS0012`, or Valkey's
//! `VALKEY080`), and which server releases read which formats. Pure; called by `commands::backup`,
//! `exec::scratch` for `restore` (and fuzzed by `scripts/fuzz.sh`).

/// The number of bytes an RDB header occupies: the magic word and its version digits.
pub const HEADER_LEN: usize = 9;

/// Why a reply or a file is not what a backup needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RdbError {
    #[error("the node answered SYNC with {0:?} instead of an RDB length")]
    NotALength(String),
    #[error("the node refused SYNC: {0}")]
    Refused(String),
    #[error("the node sent {0} bytes that are not an RDB file (they start with {1:?})")]
    NotAnRdb(usize, String),
}

/// The length announced by a SYNC reply line (`$<length>`), or why the line is not one.
pub fn sync_length(line: &str) -> Result<u64, RdbError> {
    if let Some(error) = line.strip_prefix('-') {
        return Err(RdbError::Refused(error.chars().take(200).collect()));
    }
    line.strip_prefix('$')
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| RdbError::NotALength(line.chars().take(80).collect()))
}

/// What an RDB header says: which server wrote it, and its format version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RdbHeader {
    /// `REDIS` or `VALKEY`.
    pub magic: &'static str,
    pub version: u32,
}

/// The header of an RDB file, from its first bytes.
pub fn rdb_header(head: &[u8]) -> Result<RdbHeader, RdbError> {
    let version = rdb_version(head)?;
    let magic = if head.starts_with(b"VALKEY") {
        "VALKEY"
    } else {
        "REDIS"
    };
    Ok(RdbHeader { magic, version })
}

impl RdbHeader {
    /// The header a manifest records (`rdb_magic`, `rdb_version`): `VALKEY`, or else `REDIS`.
    pub fn recorded(magic: &str, version: u32) -> RdbHeader {
        let magic = if magic == "VALKEY" { "VALKEY" } else { "REDIS" };
        RdbHeader { magic, version }
    }
}

/// The format version in an RDB file's first bytes.
pub fn rdb_version(head: &[u8]) -> Result<u32, RdbError> {
    let digits = |magic: &[u8], count: usize| -> Option<u32> {
        let rest = head.strip_prefix(magic)?.get(..count)?;
        std::str::from_utf8(rest)
            .ok()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))?
            .parse()
            .ok()
    };
    digits(b"REDIS", 4)
        .or_else(|| digits(b"VALKEY", 3))
        .ok_or_else(|| {
            let shown = String::from_utf8_lossy(&head[..head.len().min(HEADER_LEN)]).into_owned();
            RdbError::NotAnRdb(head.len(), shown)
        })
}

/// Each Redis release that raised its `RDB_VERSION`, and that version (the newest RDB format it
/// reads), oldest first: (major, minor, format).
const REDIS_FORMATS: [(u32, u32, u32); 4] = [(5, 0, 9), (7, 0, 10), (7, 2, 11), (7, 4, 12)];

/// The first Redis release (major, minor) that reads RDB format `version`, when the table knows it.
pub fn first_redis_reading(version: u32) -> Option<(u32, u32)> {
    REDIS_FORMATS
        .iter()
        .find(|(_, _, format)| *format == version)
        .map(|(major, minor, _)| (*major, *minor))
}

/// A server release, as `SERVER --version` names it (`Redis server v=7.0.15 ...`,
/// `Valkey server v=9.1.2 ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub valkey: bool,
    pub major: u32,
    pub minor: u32,
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = if self.valkey { "Valkey" } else { "Redis" };
        write!(f, "{name} {}.{}", self.major, self.minor)
    }
}

impl Release {
    /// The release named by `SERVER --version`'s output, or `None` when it names none.
    pub fn parse(version_output: &str) -> Option<Release> {
        let valkey = version_output.starts_with("Valkey server");
        if !valkey && !version_output.starts_with("Redis server") {
            return None;
        }
        let number = version_output
            .split_whitespace()
            .find_map(|w| w.strip_prefix("v="))?;
        let mut parts = number.split('.').map(|part| part.parse::<u32>().ok());
        let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) else {
            return None;
        };
        Some(Release {
            valkey,
            major,
            minor,
        })
    }

    /// Whether this release reads an RDB file of `header`'s format: `Some(false)` only when it
    /// certainly does not (from each release's `RDB_VERSION`), `None` when that is not known
    /// (a newer release, or Valkey's foreign-format loading), so that the server itself decides.
    pub fn reads(&self, header: RdbHeader) -> Option<bool> {
        let at_least = |major, minor| (self.major, self.minor) >= (major, minor);
        if header.magic == "VALKEY" {
            return Some(self.valkey && self.major >= 9);
        }
        if self.valkey {
            return (header.version <= 11).then_some(true);
        }
        let (_, _, newest) = REDIS_FORMATS
            .iter()
            .rev()
            .find(|(major, minor, _)| at_least(*major, *minor))?;
        let newest = *newest;
        if header.version <= newest {
            Some(true)
        } else if at_least(8, 0) {
            None
        } else {
            Some(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn releases_read_the_formats_of_their_rdb_version() {
        let release = |text| Release::parse(text).unwrap();
        let redis_70 =
            release("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64");
        let redis_82 = release("Redis server v=8.2.1 sha=00000000:0 malloc=libc bits=64");
        let valkey = release("Valkey server v=9.1.2 sha=00000000:1 malloc=libc bits=64");
        let header = |magic, version| RdbHeader { magic, version };
        assert_eq!(redis_70.to_string(), "Redis 7.0");
        assert_eq!(redis_70.reads(header("REDIS", 10)), Some(true));
        assert_eq!(redis_70.reads(header("REDIS", 12)), Some(false));
        assert_eq!(redis_70.reads(header("VALKEY", 80)), Some(false));
        assert_eq!(redis_82.reads(header("REDIS", 12)), Some(true));
        assert_eq!(redis_82.reads(header("REDIS", 13)), None);
        assert_eq!(valkey.reads(header("VALKEY", 80)), Some(true));
        assert_eq!(valkey.reads(header("REDIS", 11)), Some(true));
        assert_eq!(valkey.reads(header("REDIS", 12)), None);
        assert_eq!(Release::parse("KeyDB server v=6.3.4"), None);
        assert_eq!(Release::parse("Redis server v=x.y"), None);
    }

    #[test]
    fn reads_redis_and_valkey_headers() {
        assert_eq!(rdb_version(b"REDIS0012\xfa\x09redis-ver"), Ok(12));
        assert_eq!(rdb_version(b"VALKEY080\xfa"), Ok(80));
        assert_eq!(rdb_header(b"VALKEY080").unwrap().magic, "VALKEY");
        assert_eq!(rdb_header(b"REDIS0011").unwrap().magic, "REDIS");
        assert!(rdb_version(b"REDIS").is_err());
        assert!(rdb_version(b"REDIS00x2").is_err());
        assert!(rdb_version(b"HTTP/1.1 400").is_err());
        assert_eq!(sync_length("$172"), Ok(172));
        assert!(matches!(
            sync_length("-NOPERM no"),
            Err(RdbError::Refused(_))
        ));
        for bad in ["$", "$-1", "$+5", "$1 2", "172", "$99999999999999999999999"] {
            assert!(sync_length(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn fuzz_rdb_headers_never_panic(head in proptest::collection::vec(any::<u8>(), 0..32)) {
            let _ = rdb_version(&head);
        }

        #[test]
        fn fuzz_sync_replies_never_panic(line in "\\PC{0,40}") {
            if let Ok(length) = sync_length(&line) {
                prop_assert_eq!(format!("${length}").len() <= line.len(), true);
            }
        }
    }
}
