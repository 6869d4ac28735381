//! Listening: the app over plain HTTP, or over HTTPS with the trust page (or a redirect)
//! on the plain port. Every connection's peer address reaches the handlers, for the
//! rate limits. Every connection has TCP_NODELAY: a chat message is a small write that
//! must leave now, not wait up to 40 ms for Nagle's algorithm and a delayed ACK.
//!
//! Slow clients (slowloris) cannot hold connections: a new connection must send its
//! first request, and every request its headers, within `timeout`, which also closes a
//! kept-alive connection that stays silent that long. TLS handshakes get ten seconds.
//! A server function's request (its body is a few KiB at most) must be read and answered
//! within the same time (`deadline`); uploads, which may take hours, are held to it per
//! piece instead (`files`).

use axum::Router;
use axum_server::Handle;
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

/// How long requests under way may take to finish once the server is told to stop.
const DRAIN: Duration = Duration::from_secs(4);

/// Server functions answer `408` when their request is not in and answered within
/// `timeout`: a body trickled a byte at a time must not hold a connection for ever.
pub fn deadline(router: Router, timeout: Duration) -> Router {
    router.layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| async move {
            if !req.uri().path().starts_with("/api/") {
                return next.run(req).await;
            }
            match tokio::time::timeout(timeout, next.run(req)).await {
                Ok(res) => res,
                Err(_) => axum::response::IntoResponse::into_response((
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    axum::Json(serde_json::json!({
                        "error": "The request took too long to arrive; please try again."
                    })),
                )),
            }
        },
    ))
}

/// The timeouts every listener gets.
fn limited<A>(
    server: axum_server::Server<SocketAddr, A>,
    timeout: Duration,
) -> axum_server::Server<SocketAddr, A> {
    let mut server = server.first_request_timeout(timeout);
    server.http_builder().http1().header_read_timeout(timeout);
    server
}

/// Serves `app` on `listener` until `stop` resolves, then lets requests finish.
pub async fn plain(
    listener: tokio::net::TcpListener,
    app: Router,
    timeout: Duration,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopper.graceful_shutdown(Some(DRAIN));
    });
    let server = axum_server::from_tcp(listener.into_std()?)?
        .acceptor(NoDelayAcceptor::new())
        .handle(handle);
    limited(server, timeout)
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await
}

/// Serves `app` over TLS on `listener` until `handle` is told to shut down.
pub async fn https(
    listener: std::net::TcpListener,
    app: Router,
    tls: RustlsConfig,
    timeout: Duration,
    handle: Handle<SocketAddr>,
) -> std::io::Result<()> {
    let acceptor = RustlsAcceptor::new(tls)
        .handshake_timeout(Duration::from_secs(10))
        .acceptor(NoDelayAcceptor::new());
    let server = axum_server::from_tcp(listener)?
        .acceptor(acceptor)
        .handle(handle);
    limited(server, timeout)
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await
}

/// HTTPS for the app and plain HTTP for `plain_app` (the trust page and redirects), both
/// until `stop` resolves. Requests under way get four seconds to finish.
pub async fn both(
    http: tokio::net::TcpListener,
    plain_app: Router,
    secure: std::net::TcpListener,
    app: Router,
    tls: RustlsConfig,
    timeout: Duration,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = Handle::new();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let stopper = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopper.graceful_shutdown(Some(DRAIN));
        let _ = tx.send(true);
    });
    let mut rx2 = rx.clone();
    let plain_stop = async move {
        let _ = rx2.wait_for(|s| *s).await;
    };
    // If either fails (a port taken away), stop rather than serve half a Hearth.
    let both = tokio::try_join!(
        plain(http, plain_app, timeout, plain_stop),
        https(secure, app, tls, timeout, handle)
    );
    drop(rx);
    both.map(|_| ())
}
