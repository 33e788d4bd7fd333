//! Files that may hold a cluster's data or layout (backups, plans, nodes.json, journals, locks) are
//! written readable by their owner only: files mode 0600, the folders rcluster makes 0700. Called by
//! `backup`, the plan writer, the journal and the run lock.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

const MODE: u32 = 0o600;

/// Creates `dir` (and its parents) readable by its owner only.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Writes `contents` to `path`, owner-only (also when the file existed with looser permissions).
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(MODE)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(MODE))?;
    file.write_all(contents)
}

/// Creates (or truncates) `path` for writing, owner-only.
pub async fn create(path: &Path) -> std::io::Result<tokio::fs::File> {
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(MODE)
        .open(path)
        .await?;
    file.set_permissions(std::fs::Permissions::from_mode(MODE))
        .await?;
    Ok(file)
}
