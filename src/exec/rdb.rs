//! What the reply to `SYNC` and the first bytes of an RDB file say, read without trusting them:
//! the announced length (`$<length>`) and the RDB format version (`REDIS0012`, or Valkey's
//! `VALKEY080`). Pure; called by `commands::backup` (and fuzzed by `scripts/fuzz.sh`).

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
