//! `GET /metrics`: the figures in Prometheus's text format, for the loopback or the
//! holder of the metrics token only (anyone else gets a 404).

use crate::state::Hearth;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn serve(State(s): State<Arc<Hearth>>, req: Request) -> Response {
    let local = req
        .extensions()
        .get::<app::backend::Peer>()
        .is_some_and(|p| p.0.is_loopback());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match (&s.metrics.token, bearer) {
        (Some(t), Some(b)) => bool::from(subtle::ConstantTimeEq::ct_eq(t.as_bytes(), b.as_bytes())),
        (Some(_), None) => false,
        (None, _) => local,
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let online = s.hub.online_count();
    let body = s
        .metrics
        .render(s.hub.connections(), online, s.started.elapsed().as_secs());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
