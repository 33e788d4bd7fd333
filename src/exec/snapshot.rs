//! A master's RDB snapshot into a file, for `backup`: the `SYNC` stream (`net::start_sync`) copied
//! to a private file, fsynced, hashed (sha256) and its header checked. Called by `commands::backup`
//! for every master at once.

use crate::net::{NodeAddress, SyncReply, start_sync};
use std::path::Path;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// An RDB written to disk.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: u64,
    pub sha256: String,
    pub header: super::rdb::RdbHeader,
}

/// Sends `SYNC` and writes the RDB that comes back to `path`; returns its size.
pub async fn fetch_rdb(
    address: &NodeAddress,
    options: &crate::net::ConnectOptions,
    path: &Path,
) -> Result<Fetched, String> {
    let SyncReply { header, mut stream } = start_sync(address, options).await?;
    let length = super::rdb::sync_length(&header).map_err(|e| e.to_string())?;
    let mut file = super::private::create(path)
        .await
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let (copied, head, sha256) = copy_hashing(&mut (&mut stream).take(length), &mut file)
        .await
        .map_err(|e| format!("transfer: {e}"))?;
    if copied != length {
        return Err(format!("transfer ended after {copied} of {length} bytes"));
    }
    file.sync_all().await.map_err(|e| e.to_string())?;
    drop(file);
    match super::rdb::rdb_header(&head) {
        Ok(header) => Ok(Fetched {
            bytes: length,
            sha256,
            header,
        }),
        Err(error) => {
            let _ = tokio::fs::remove_file(path).await;
            Err(error.to_string())
        }
    }
}

/// Copies `from` into `to`; returns the bytes copied, the first bytes (an RDB header's worth) and
/// the sha256 of everything.
async fn copy_hashing(
    from: &mut (impl AsyncRead + Unpin),
    to: &mut tokio::fs::File,
) -> std::io::Result<(u64, Vec<u8>, String)> {
    let mut sum = super::manifest::Checksum::default();
    let mut head = Vec::with_capacity(super::rdb::HEADER_LEN);
    let mut buffer = vec![0u8; 256 * 1024];
    let mut copied = 0u64;
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return Ok((copied, head, sum.hex()));
        }
        let chunk = &buffer[..read];
        let wanted = super::rdb::HEADER_LEN.saturating_sub(head.len());
        head.extend_from_slice(&chunk[..wanted.min(read)]);
        sum.update(chunk);
        to.write_all(chunk).await?;
        copied += read as u64;
    }
}
