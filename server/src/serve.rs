//! Listening: the app over plain HTTP, or over HTTPS with the trust page (or a redirect)
//! on the plain port. Every connection's peer address reaches the handlers, for the
//! rate limits. Every connection has TCP_NODELAY: a chat message is a small write that
//! must leave now, not wait up to 40 ms for Nagle's algorithm and a delayed ACK.

use axum::Router;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

/// Serves `app` on `listener` until `stop` resolves, then lets requests finish.
pub async fn plain(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt as _;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY: {e}");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
}

/// Serves `app` over TLS on `listener` until `handle` is told to shut down.
pub async fn https(
    listener: std::net::TcpListener,
    app: Router,
    tls: RustlsConfig,
    handle: Handle<SocketAddr>,
) -> std::io::Result<()> {
    axum_server::from_tcp_rustls(listener, tls)?
        .map(|tls| tls.acceptor(axum_server::accept::NoDelayAcceptor::new()))
        .handle(handle)
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
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = Handle::new();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let stopper = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(4)));
        let _ = tx.send(true);
    });
    let mut rx2 = rx.clone();
    let plain_stop = async move {
        let _ = rx2.wait_for(|s| *s).await;
    };
    // If either fails (a port taken away), stop rather than serve half a Hearth.
    let both = tokio::try_join!(
        plain(http, plain_app, plain_stop),
        https(secure, app, tls, handle)
    );
    drop(rx);
    both.map(|_| ())
}
