//! The backup manifest (`DIR/manifest.json`): what `backup` saw and wrote, so that `restore` can
//! verify a backup before it trusts it. The topology of every node when it was saved, and per master
//! its RDB file's name, size, sha256, DBSIZE and RDB version. Written by `commands::backup`, read and
//! checked by `commands::restore`; the checks are pure functions of the manifest and file bytes.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::path::Path;

/// The manifest's format version; a reader refuses a newer one.
pub const MANIFEST_FORMAT: u32 = 1;

/// The file name inside a backup folder.
pub const MANIFEST_FILE: &str = "manifest.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// `rcluster 0.1.0`.
    pub tool: String,
    /// Seconds since the Unix epoch when the backup started.
    pub created_unix: u64,
    pub seed: String,
    pub nodes: Vec<ManifestNode>,
    /// The masters whose RDB was saved.
    pub masters: Vec<ManifestRdb>,
    /// Masters owning slots whose RDB could not be saved: a restore of this backup is partial.
    #[serde(default)]
    pub missing: Vec<MissingRdb>,
}

/// A master the backup could not save, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingRdb {
    pub address: String,
    pub error: String,
}

/// One node as the backup saw it (its own view of itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestNode {
    pub id: String,
    pub address: String,
    /// `master` or `replica`.
    pub role: String,
    pub master_id: Option<String>,
    /// Inclusive slot ranges.
    pub slots: Vec<[u16; 2]>,
    pub config_epoch: u64,
}

/// One master's RDB file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRdb {
    pub id: String,
    pub address: String,
    /// The file's name inside the backup folder.
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    /// Keys in the master (DBSIZE) when the backup read the cluster.
    pub dbsize: Option<u64>,
    /// From the file's header: `REDIS0011` is 11, `VALKEY080` is 80.
    pub rdb_version: u32,
    /// `REDIS` or `VALKEY`: which server can load it.
    pub rdb_magic: String,
}

/// Why a backup cannot be trusted.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {path}: {reason}; is this a folder `rcluster backup` wrote?")]
    Unreadable { path: String, reason: String },
    #[error(
        "{path} is manifest format {found}; this rcluster reads format {MANIFEST_FORMAT}: upgrade rcluster"
    )]
    TooNew { path: String, found: u32 },
    #[error("the manifest names {file}, which is not a plain file name inside the backup folder")]
    BadName { file: String },
    #[error(
        "{file} is {found} bytes, the manifest says {expected}: the backup is incomplete or changed"
    )]
    Size {
        file: String,
        expected: u64,
        found: u64,
    },
    #[error("{file} does not match its sha256 in the manifest: the backup is corrupt or changed")]
    Checksum { file: String },
}

/// Incremental sha256, hex-encoded at the end.
#[derive(Default)]
pub struct Checksum(sha2::Sha256);

impl Checksum {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    pub fn hex(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The sha256 of `bytes`, hex-encoded.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut sum = Checksum::default();
    sum.update(bytes);
    sum.hex()
}

/// Reads `DIR/manifest.json`.
pub fn read(dir: &Path) -> Result<Manifest, ManifestError> {
    let path = dir.join(MANIFEST_FILE);
    let unreadable = |reason: String| ManifestError::Unreadable {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| unreadable(e.to_string()))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
    if manifest.format > MANIFEST_FORMAT {
        return Err(ManifestError::TooNew {
            path: path.display().to_string(),
            found: manifest.format,
        });
    }
    for rdb in &manifest.masters {
        plain_name(&rdb.file)?;
    }
    Ok(manifest)
}

/// A file name the manifest may name: no folder, no `..`.
fn plain_name(file: &str) -> Result<(), ManifestError> {
    let plain = !file.is_empty()
        && !file.contains('/')
        && !file.contains('\\')
        && file != "."
        && file != "..";
    if plain {
        Ok(())
    } else {
        Err(ManifestError::BadName { file: file.into() })
    }
}

/// Checks one RDB's bytes against its manifest entry. Pure.
pub fn verify(rdb: &ManifestRdb, bytes: &[u8]) -> Result<(), ManifestError> {
    if bytes.len() as u64 != rdb.bytes {
        return Err(ManifestError::Size {
            file: rdb.file.clone(),
            expected: rdb.bytes,
            found: bytes.len() as u64,
        });
    }
    if sha256_hex(bytes) != rdb.sha256 {
        return Err(ManifestError::Checksum {
            file: rdb.file.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(bytes: &[u8]) -> ManifestRdb {
        ManifestRdb {
            id: "a".repeat(40),
            address: "127.0.0.1:7000".into(),
            file: "redis-node-127.0.0.1-7000-a.rdb".into(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            dbsize: Some(1),
            rdb_version: 10,
            rdb_magic: "REDIS".into(),
        }
    }

    #[test]
    fn a_changed_byte_or_length_is_refused() {
        let bytes = b"REDIS0010 some data";
        let rdb = entry(bytes);
        assert!(verify(&rdb, bytes).is_ok());
        let mut changed = bytes.to_vec();
        changed[12] ^= 1;
        assert!(matches!(
            verify(&rdb, &changed),
            Err(ManifestError::Checksum { .. })
        ));
        assert!(matches!(
            verify(&rdb, &bytes[..5]),
            Err(ManifestError::Size { .. })
        ));
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn names_outside_the_folder_are_refused() {
        for bad in ["../x.rdb", "/etc/passwd", "a/b.rdb", "", ".."] {
            assert!(plain_name(bad).is_err(), "{bad}");
        }
        assert!(plain_name("redis-node-h-1-x.rdb").is_ok());
    }
}
