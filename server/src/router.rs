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

/// Scripts only from this origin (and WebAssembly compilation), no plugins, no framing.
/// The hydration script is inline, so 'unsafe-inline' stays until nonces land (issue 6).
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

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
    let socket = Router::new()
        .route("/ws", get(crate::socket::upgrade))
        .with_state(state);
    socket
        .merge(pages)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
}
