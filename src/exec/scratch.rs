//! Temporary standalone servers that each load one RDB file, so that `restore` can stream its keys
//! into a cluster of any shape with the import engine. A [`ScratchServer`] runs on a free loopback
//! port in a private temporary folder, with no persistence; it is stopped (by its PID) and its folder
//! removed when dropped, and the kernel stops it if rcluster dies first (`PR_SET_PDEATHSIG`). It is
//! started with as many databases as the RDB uses (`--databases`, at least the servers' 16), since
//! a standalone server refuses an RDB with a database beyond its own.
//! For a TLS-only target it speaks TLS on its outgoing MIGRATE connections (`tls-cluster yes`),
//! showing the caller's client certificate and trusting the caller's CA ([`ScratchTls`]); rcluster
//! itself reaches it over plain TCP on loopback.

use crate::exec::rdb::{RdbHeader, Release, first_redis_reading};
use crate::net::{ConnectOptions, NodeAddress, Session};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why an RDB could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    #[error(
        "cannot start '{server}' to load {file}: {reason}; install it, or pass --server-bin PATH"
    )]
    Start {
        server: String,
        file: String,
        reason: String,
    },
    #[error(
        "'{server}' could not load {file} ({magic} RDB format {version}): {log}; {}",
        needed(.magic, *.version)
    )]
    Load {
        server: String,
        file: String,
        magic: String,
        version: u32,
        log: String,
    },
    #[error(
        "{file} is in {magic} RDB format {version}, which '{server}' ({release}) cannot read; {}",
        needed(.magic, *.version)
    )]
    TooNew {
        server: String,
        release: Release,
        file: String,
        magic: String,
        version: u32,
    },
    #[error("'{server}' did not finish loading {file} within {seconds} s (raise --load-timeout)")]
    Slow {
        server: String,
        file: String,
        seconds: u64,
    },
}

/// Which server release first reads an RDB format, for the error that names it.
fn needed(magic: &str, version: u32) -> String {
    let release = match (magic, version) {
        ("VALKEY", 80..) => "Valkey 9.0".to_string(),
        ("REDIS", _) => match first_redis_reading(version) {
            Some((7, 2)) => "Redis 7.2 or Valkey 7.2".to_string(),
            Some((major, minor)) => format!("Redis {major}.{minor}"),
            None => return "pass --server-bin with a server that reads it".into(),
        },
        _ => return "pass --server-bin with a server that reads it".into(),
    };
    format!("it needs {release} or later: pass --server-bin with such a server")
}

/// Refuses, before any server starts, an RDB that its server certainly cannot read (by the release
/// its `--version` names; see [`Release::reads`]); a server that cannot be run is refused too.
/// `files` are (server, RDB path, header); each server is asked once.
pub fn check_reads(files: &[(String, PathBuf, RdbHeader)]) -> Result<(), ScratchError> {
    let mut releases: std::collections::HashMap<&str, Option<Release>> = Default::default();
    for (server, rdb, header) in files {
        let file = rdb.display().to_string();
        let release = match releases.get(server.as_str()) {
            Some(known) => *known,
            None => {
                let asked = release_of(server).map_err(|reason| ScratchError::Start {
                    server: server.clone(),
                    file: file.clone(),
                    reason,
                })?;
                *releases.entry(server).or_insert(asked)
            }
        };
        if let Some(release) = release.filter(|r| r.reads(*header) == Some(false)) {
            return Err(ScratchError::TooNew {
                server: server.clone(),
                release,
                file,
                magic: header.magic.into(),
                version: header.version,
            });
        }
    }
    Ok(())
}

/// The release `server --version` names, `None` when it names none.
fn release_of(server: &str) -> Result<Option<Release>, String> {
    let output = Command::new(server)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    Ok(Release::parse(&String::from_utf8_lossy(&output.stdout)))
}

/// How a temporary server reaches a TLS-only cluster: the caller's `--cert`/`--key` as the
/// certificate it shows when it MIGRATEs keys, and the caller's `--cacert`/`--cacertdir` to check
/// the nodes' certificates.
#[derive(Debug, Clone)]
pub struct ScratchTls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: Option<PathBuf>,
    pub cadir: Option<PathBuf>,
}

impl ScratchTls {
    /// The temporary servers' TLS, from the caller's; an error says which option is missing.
    pub fn from_client(tls: &crate::net::TlsOptions) -> Result<ScratchTls, String> {
        let (Some(cert), Some(key)) = (&tls.cert, &tls.key) else {
            return Err("restore into a TLS cluster needs --cert and --key: its temporary servers show that certificate to the nodes when they send keys (MIGRATE)".into());
        };
        if tls.cacert.is_none() && tls.cacertdir.is_none() {
            return Err("restore into a TLS cluster needs --cacert or --cacertdir: its temporary servers check the nodes' certificates (--insecure does not reach them)".into());
        }
        Ok(ScratchTls {
            cert: cert.clone(),
            key: key.clone(),
            ca: tls.cacert.clone(),
            cadir: tls.cacertdir.clone(),
        })
    }

    /// The server arguments.
    fn args(&self) -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = vec![
            "--tls-cluster".into(),
            "yes".into(),
            "--tls-cert-file".into(),
            self.cert.clone().into(),
            "--tls-key-file".into(),
            self.key.clone().into(),
        ];
        if let Some(ca) = &self.ca {
            args.extend(["--tls-ca-cert-file".into(), ca.clone().into()]);
        }
        if let Some(dir) = &self.cadir {
            args.extend(["--tls-ca-cert-dir".into(), dir.clone().into()]);
        }
        args
    }
}

/// One running temporary server.
pub struct ScratchServer {
    child: Child,
    pub address: NodeAddress,
    dir: PathBuf,
}

impl ScratchServer {
    /// Starts `server` on a copy of `rdb`, serving databases 0 to `highest_db` (at least 16), and
    /// waits until it has loaded it (bounded by `limit`).
    pub async fn start(
        server: &str,
        rdb: &Path,
        format: (&str, u32),
        highest_db: u16,
        tls: Option<&ScratchTls>,
        limit: Duration,
    ) -> Result<ScratchServer, ScratchError> {
        let (magic, version) = format;
        let file = rdb.display().to_string();
        let start_error = |reason: String| ScratchError::Start {
            server: server.into(),
            file: file.clone(),
            reason,
        };
        let port = crate::net::pick_ports(None, 1).map_err(|e| start_error(e.to_string()))?[0];
        let dir =
            std::env::temp_dir().join(format!("rcluster-restore-{}-{port}", std::process::id()));
        crate::exec::private::create_dir(&dir).map_err(|e| start_error(e.to_string()))?;
        std::fs::copy(rdb, dir.join("dump.rdb")).map_err(|e| start_error(e.to_string()))?;
        let databases = (u32::from(highest_db) + 1).max(16);
        let child = spawn(server, (port, databases), &dir, tls).map_err(|e| {
            let _ = std::fs::remove_dir_all(&dir);
            start_error(e.to_string())
        })?;
        let mut scratch = ScratchServer {
            child,
            address: NodeAddress::new("127.0.0.1", port),
            dir,
        };
        scratch
            .wait_loaded(server, &file, magic, version, limit)
            .await?;
        Ok(scratch)
    }

    /// Waits until the server answers PING (not LOADING), or says why it stopped.
    async fn wait_loaded(
        &mut self,
        server: &str,
        file: &str,
        magic: &str,
        version: u32,
        limit: Duration,
    ) -> Result<(), ScratchError> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Err(ScratchError::Load {
                    server: server.into(),
                    file: file.into(),
                    magic: magic.into(),
                    version,
                    log: last_log_line(&self.dir.join("server.log")),
                });
            }
            let session = Session::new(ConnectOptions::default());
            if let Ok(mut client) = session.client(&self.address).await {
                let ping = ["PING"].map(String::from);
                if let Ok(Ok(_)) = client.command_reply(&ping).await {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(ScratchError::Slow {
                    server: server.into(),
                    file: file.into(),
                    seconds: limit.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for ScratchServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn spawn(
    server: &str,
    (port, databases): (u16, u32),
    dir: &Path,
    tls: Option<&ScratchTls>,
) -> std::io::Result<Child> {
    let log = std::fs::File::create(dir.join("server.log"))?;
    let mut command = Command::new(server);
    command
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--databases", &databases.to_string()])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .args(["--dbfilename", "dump.rdb"])
        .arg("--dir")
        .arg(dir)
        .args(tls.map(ScratchTls::args).unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    // SAFETY: prctl is async-signal-safe and touches only the child's own process state.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    command.spawn()
}

/// The last line of the server's log that says something (why it stopped).
fn last_log_line(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(|line| {
            // `PID:M 01 Jan 2026 00:00:00.000 # message`: keep the message.
            line.split_once(" # ")
                .or_else(|| line.split_once(" * "))
                .map_or(line, |(_, message)| message)
                .to_string()
        })
        .unwrap_or_else(|| "it stopped without a word".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_release_that_reads_a_format() {
        assert!(needed("REDIS", 12).contains("Redis 7.4"));
        assert!(needed("VALKEY", 80).contains("Valkey 9.0"));
        assert!(needed("REDIS", 99).contains("--server-bin"));
    }
}
