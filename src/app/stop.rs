//! Stopping well: on SIGTERM or SIGINT, refuse new connections, finish the requests in
//! flight, and return, so `cli::serve` can let the background threads end their step.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when the listening sockets have been closed on purpose.
static LISTENERS_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether the listening sockets were closed by a stop: actix's accept loop then fails on
/// them (`Invalid argument`) before it is told to stop, and logs it as an error. The log
/// filter in `main` drops those lines once this is true, so a clean stop logs no error.
pub fn listeners_closed() -> bool {
    LISTENERS_CLOSED.load(Ordering::SeqCst)
}

/// How long a stop waits for the requests in flight.
pub const SHUTDOWN_SECS: u64 = 20;

/// On SIGTERM (systemd, a container runtime) or SIGINT (Ctrl-C): the listening socket is
/// closed at once, so a new connection is refused (a load balancer tries another instance)
/// rather than left waiting in the kernel's queue to be cut off when fika exits; then the
/// requests in flight are finished, for at most [`SHUTDOWN_SECS`]. (A connection the kernel
/// completed in the instant before the close, and fika had not yet taken, is reset: it sent
/// nothing fika read.)
pub async fn on_signal(server: actix_web::dev::ServerHandle, listeners: Vec<TcpListener>) {
    use actix_web::rt::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for stop signals; stop fika with SIGKILL");
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    tracing::info!("stopping: no new connections; finishing the requests in flight");
    LISTENERS_CLOSED.store(true, Ordering::SeqCst);
    for listener in &listeners {
        if let Err(e) = socket2::SockRef::from(listener).shutdown(std::net::Shutdown::Both) {
            tracing::warn!(error = %e, "cannot close a listening socket; it closes at exit");
        }
    }
    // A connection accepted a moment ago may not have sent its request yet, and a stopping
    // server closes a connection with no request in flight: the request is let in first.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
    server.stop(true).await;
}
