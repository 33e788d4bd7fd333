//! The backup manifest (`DIR/manifest.json`): what `backup` saw and wrote, so that `restore` can
//! verify a backup before it trusts it. The topology of every node when it was saved, and per master
//! its RDB file's name, size, sha256, keys (in all and per database) and RDB version. Written by
//! `commands::backup`, read and checked by `commands::restore`; the checks are pure functions of
//! the manifest and file bytes.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::{BTreeMap, BTreeSet};
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
    /// Keys in the master, every database together, when the backup read the cluster (manifests
    /// written before `databases` existed counted database 0 only).
    pub dbsize: Option<u64>,
    /// Keys per database that held any (`INFO keyspace`), when the backup read the cluster; absent
    /// from older manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub databases: Option<BTreeMap<u16, u64>>,
    /// From the file's header: `REDIS0011` is 11, `VALKEY080` is 80.
    pub rdb_version: u32,
    /// `REDIS` or `VALKEY`: which server can load it.
    pub rdb_magic: String,
}

impl ManifestRdb {
    /// The keys the backup recorded in database `db` of this master: from `databases` (absent is
    /// 0); from an older manifest, `dbsize` for database 0 (all it counted) and `None` for others.
    pub fn recorded_keys(&self, db: u16) -> Option<u64> {
        match (&self.databases, db) {
            (Some(databases), _) => Some(databases.get(&db).copied().unwrap_or(0)),
            (None, 0) => self.dbsize,
            (None, _) => None,
        }
    }

    /// The databases the backup recorded keys in for this master (`{0}` for an older manifest).
    pub fn recorded_databases(&self) -> BTreeSet<u16> {
        match &self.databases {
            Some(databases) => databases.keys().copied().collect(),
            None => BTreeSet::from([0]),
        }
    }
}

impl Manifest {
    /// The keys the backup recorded in database `db` over every saved master; `None` when any
    /// master's count is unknown.
    pub fn recorded_keys(&self, db: u16) -> Option<u64> {
        self.masters.iter().map(|m| m.recorded_keys(db)).sum()
    }

    /// The databases the backup recorded keys in, over every saved master.
    pub fn databases(&self) -> BTreeSet<u16> {
        self.masters
            .iter()
            .flat_map(ManifestRdb::recorded_databases)
            .collect()
    }
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
            databases: None,
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
    fn keys_are_recorded_per_database_and_older_manifests_count_database_0() {
        let old = entry(b"x");
        assert_eq!(old.recorded_keys(0), Some(1));
        assert_eq!(old.recorded_keys(3), None);
        let new = ManifestRdb {
            dbsize: Some(7),
            databases: Some(BTreeMap::from([(0, 3), (2, 4)])),
            ..entry(b"y")
        };
        assert_eq!(new.recorded_keys(2), Some(4));
        assert_eq!(new.recorded_keys(1), Some(0));
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            tool: "rcluster".into(),
            created_unix: 0,
            seed: "127.0.0.1:7000".into(),
            nodes: Vec::new(),
            masters: vec![old, new],
            missing: Vec::new(),
        };
        assert_eq!(manifest.recorded_keys(0), Some(4));
        assert_eq!(manifest.recorded_keys(2), None);
        assert_eq!(manifest.databases().into_iter().collect::<Vec<_>>(), [0, 2]);
        let text = serde_json::to_string(&manifest).unwrap();
        assert!(text.contains(r#""databases":{"0":3,"2":4}"#), "{text}");
        assert_eq!(serde_json::from_str::<Manifest>(&text).unwrap(), manifest);
    }

    #[test]
    fn names_outside_the_folder_are_refused() {
        for bad in ["../x.rdb", "/etc/passwd", "a/b.rdb", "", ".."] {
            assert!(plain_name(bad).is_err(), "{bad}");
        }
        assert!(plain_name("redis-node-h-1-x.rdb").is_ok());
    }
}
