//! A scripted RESP server for replies no real server gives: garbage, a reply cut short, a reply
//! that announces more data than any machine holds, and one that trickles. Each answers every
//! request the same way, on its own thread, until the test process ends.

use std::io::{Read, Write};
use std::time::Duration;

/// How the server answers every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Bytes that are not RESP at all.
    Garbage,
    /// A bulk string of 100 bytes, of which 3 arrive, then the connection closes.
    Truncated,
    /// A bulk string announced as 1 TiB, then silence.
    EnormousString,
    /// An array announced with 4 billion elements, then silence.
    EnormousArray,
    /// A valid reply sent one byte every 300 ms.
    Trickle,
}

pub const ALL: [Hostile; 5] = [
    Hostile::Garbage,
    Hostile::Truncated,
    Hostile::EnormousString,
    Hostile::EnormousArray,
    Hostile::Trickle,
];

/// Starts a server behaving as `hostile` on a free loopback port; returns its `host:port`.
pub fn start(hostile: Hostile) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream, hostile));
        }
    });
    address
}

fn serve(mut stream: std::net::TcpStream, hostile: Hostile) {
    let mut buffer = [0u8; 4096];
    while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {
        let sent = match hostile {
            Hostile::Garbage => stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff"),
            Hostile::Truncated => {
                let _ = stream.write_all(b"$100\r\nabc");
                return;
            }
            Hostile::EnormousString => stream.write_all(b"$1099511627776\r\n"),
            Hostile::EnormousArray => stream.write_all(b"*4294967295\r\n"),
            Hostile::Trickle => {
                for byte in b"$5\r\nhello\r\n" {
                    if stream.write_all(&[*byte]).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
                Ok(())
            }
        };
        if sent.is_err() {
            return;
        }
    }
}
