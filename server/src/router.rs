//! The HTTP surface: the web client (server-rendered, then hydrated), server functions
//! under /api, the socket at /ws and static files, with security headers on everything.

use crate::state::Hearth;
use app::{App, SharedBackend, shell};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::path::Path;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn leptos_options(site: &Path) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("hearth")
        .site_root(site.display().to_string())
        .site_pkg_dir("pkg")
        .build()
}

pub fn build(state: Arc<Hearth>, site: &Path) -> Router {
    let options = leptos_options(site);
    let routes = generate_route_list(App);
    let backend: SharedBackend = state.clone();
    let state_for_files = state.clone();
    let pages = Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || provide_context(backend.clone()),
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options);
    let metrics = state.metrics.clone();
    let socket = Router::new()
        .route("/ws", get(crate::socket::upgrade))
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::metrics::endpoint::serve))
        .route("/icons/{name}", get(crate::icons::serve))
        .route("/pkg/emoji.txt", get(crate::emoji::serve))
        .with_state(state);
    let limits = state_for_files.limits.clone();
    let app = socket
        .merge(crate::files::routes(state_for_files))
        .merge(pages)
        .layer(axum::middleware::map_response(error_status))
        .layer(axum::middleware::from_fn_with_state(
            limits,
            crate::limit::guard,
        ))
        .layer(axum::middleware::from_fn(crate::csrf::refuse_cross_site))
        .layer(axum::middleware::from_fn(crate::sessions::peer))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-hearth-build"),
            build_id(site),
        ));
    secured(app)
}

/// For monitors and load balancers: 200 "ok" while the database answers and messages can
/// be stored, else 503 saying which.
async fn healthz(
    axum::extract::State(state): axum::extract::State<Arc<Hearth>>,
) -> (axum::http::StatusCode, &'static str) {
    let down = axum::http::StatusCode::SERVICE_UNAVAILABLE;
    if !state.ingest.running() {
        (down, "the message writer stopped")
    } else if !crate::db::ping(&state.db).await {
        (down, "the database does not answer")
    } else {
        (axum::http::StatusCode::OK, "ok")
    }
}

/// Which web client this server serves: the first 16 hex digits of its WASM's SHA-256,
/// as `scripts/build-web.sh` writes into the service worker (which drops its cached copy
/// when a page names another build). Read at start: restart the server after building
/// a new web client, as for any upgrade.
fn build_id(site: &Path) -> HeaderValue {
    use sha2::Digest as _;
    let hex = std::fs::read(site.join("pkg/hearth_bg.wasm"))
        .map(|wasm| {
            sha2::Sha256::digest(&wasm)
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .unwrap_or_else(|_| "none".into());
    HeaderValue::from_str(&hex).unwrap_or(HeaderValue::from_static("none"))
}

/// The security headers every response carries, on either port.
pub fn secured(router: Router) -> Router {
    router
        // Pages set their own, naming their script's nonce; everything else gets this.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&app::csp(None))
                .unwrap_or(HeaderValue::from_static("default-src 'none'")),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Calls use the microphone, camera and screen, in Hearth's own pages only.
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(self), microphone=(self), display-capture=(self), geolocation=()",
            ),
        ))
}

/// Server functions that fail before their body runs (an undecodable argument) answer
/// 500 with an `ApiError` body; give every error response the status its error names.
async fn error_status(res: axum::response::Response) -> axum::response::Response {
    if res.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(e) = serde_json::from_slice::<app::ApiError>(&bytes) {
        if let Ok(status) = axum::http::StatusCode::from_u16(e.status()) {
            parts.status = status;
        }
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}
