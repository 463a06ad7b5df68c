//! `fika healthcheck`: asks a running fika for `/healthz`, for a container's `HEALTHCHECK`
//! (the image carries no curl) and for scripts. Plain HTTP/1.0 over a socket: fika's own
//! address, no TLS, no redirects.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// How long the whole check may take.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Ok when fika at `addr` answers `/healthz` with 200; else what went wrong.
pub fn run(addr: SocketAddr) -> Result<(), String> {
    // fika listening on every address (0.0.0.0 in a container) is asked on loopback.
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .map_err(|e| format!("fika does not answer on {addr}: {e}"))?;
    let talk = |stream: &mut TcpStream| -> std::io::Result<String> {
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut answer = Vec::new();
        stream.take(64 * 1024).read_to_end(&mut answer)?;
        Ok(String::from_utf8_lossy(&answer).into_owned())
    };
    let answer = talk(&mut stream).map_err(|e| format!("no answer from {addr}: {e}"))?;
    let status = answer.split_whitespace().nth(1).unwrap_or("none");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").trim();
    if status == "200" {
        println!("healthy: {body}");
        Ok(())
    } else {
        Err(format!("unhealthy: {addr} answered {status} {body}"))
    }
}
