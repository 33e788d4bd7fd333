//! The replication handshake's byte stream, for `backup`: a raw connection to a node (TCP, or TLS with
//! the cluster's settings), `AUTH` when a password is set, `SYNC`, and the reply's first line
//! (`$<length>`, after the newlines a master sends while its BGSAVE runs). The RDB that follows is
//! not a RESP value redis-rs could read, so it is handed to the caller as a stream
//! (`exec::snapshot` writes it to a file). The only other place than `Session` that opens a
//! connection.

use super::{ConnectOptions, NodeAddress};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// A node's `SYNC` reply: its first line, and the stream the RDB follows on.
pub struct SyncReply {
    /// `$<length>` (or the server's error line).
    pub header: String,
    pub stream: BufReader<Box<dyn RawStream>>,
}

/// Connects to `address` (bounded by the connect timeout), authenticates, sends `SYNC` and reads
/// the reply's first line.
pub async fn start_sync(
    address: &NodeAddress,
    options: &ConnectOptions,
) -> Result<SyncReply, String> {
    let stream = tokio::time::timeout(options.connect_timeout, connect(address, options))
        .await
        .map_err(|_| format!("no connection within {:?}", options.connect_timeout))??;
    let mut stream = BufReader::new(stream);
    if let Some(password) = &options.password {
        let mut auth = redis::cmd("AUTH");
        if let Some(user) = &options.user {
            auth.arg(user);
        }
        auth.arg(password.expose());
        stream
            .get_mut()
            .write_all(&auth.get_packed_command())
            .await
            .map_err(|e| e.to_string())?;
        let reply = read_line(&mut stream).await?;
        if !reply.starts_with('+') {
            return Err("AUTH failed".into());
        }
    }
    stream
        .get_mut()
        .write_all(b"SYNC\r\n")
        .await
        .map_err(|e| e.to_string())?;
    let header = loop {
        let line = read_line(&mut stream).await?;
        if !line.is_empty() {
            break line;
        }
    };
    Ok(SyncReply { header, stream })
}

/// A byte stream to a node: plain TCP, or TLS with the cluster's settings.
pub trait RawStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> RawStream for T {}

async fn connect(
    address: &NodeAddress,
    options: &crate::net::ConnectOptions,
) -> Result<Box<dyn RawStream>, String> {
    let tcp = tokio::net::TcpStream::connect((address.host.as_str(), address.port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let Some(tls) = &options.tls else {
        return Ok(Box::new(tcp));
    };
    let (connector, name) = tls.connector(address)?;
    let stream = connector
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS handshake: {e}"))?;
    Ok(Box::new(stream))
}

/// One protocol line without its `\r\n` (the master sends bare `\n` keepalives while it saves).
async fn read_line(stream: &mut BufReader<Box<dyn RawStream>>) -> Result<String, String> {
    let mut line = String::new();
    let read = stream
        .read_line(&mut line)
        .await
        .map_err(|e| e.to_string())?;
    if read == 0 {
        return Err("the node closed the connection".into());
    }
    if line.starts_with('-') {
        return Err(line.trim().to_string());
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
