//! A connection from a chosen source address: the partition drill's two writers bind the loopback
//! address the firewall rules name (Linux would send from 127.0.0.1 otherwise), then speak RESP over
//! that socket like any [`NodeClient`]. Plain TCP only; never cached. Called by `exec::partition`.

use super::{NetError, NodeAddress, NodeClient, Session, bounded, error::ConnectHint};
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, RedisConnectionInfo};
use std::net::{IpAddr, SocketAddr};

impl Session {
    /// A connection of its own to `address` whose packets leave from `source`.
    pub async fn client_from(
        &self,
        address: &NodeAddress,
        source: IpAddr,
    ) -> Result<NodeClient, NetError> {
        let options = self.options();
        let fail = |reason: String| NetError::Connect {
            address: address.to_string(),
            reason,
            hint: ConnectHint::None,
            flags: options.flags,
        };
        if options.tls.is_some() {
            return Err(fail(
                "a connection from a chosen source address is plain TCP only".into(),
            ));
        }
        let host: IpAddr = address
            .host
            .parse()
            .map_err(|_| fail(format!("{} is not an IP address", address.host)))?;
        let target = SocketAddr::new(host, address.port);
        let socket = match target {
            SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4(),
            SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6(),
        }
        .map_err(|e| fail(e.to_string()))?;
        socket
            .bind(SocketAddr::new(source, 0))
            .map_err(|e| fail(format!("cannot bind {source}: {e}")))?;
        let connect = async {
            let stream = socket.connect(target).await?;
            stream.set_nodelay(true)?;
            let settings = RedisConnectionInfo::default().set_skip_set_lib_name();
            let config = AsyncConnectionConfig::new().set_response_timeout(None);
            let (connection, driver) =
                MultiplexedConnection::new_with_config(&settings, stream, config).await?;
            tokio::spawn(driver);
            Ok::<_, redis::RedisError>(connection)
        };
        let mut connection = bounded(address, options.connect_timeout, "connect", connect).await?;
        self.authenticate(address, &mut connection).await?;
        Ok(self.node_client(address, connection))
    }
}
