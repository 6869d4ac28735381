//! The emoji table the browser's picker, `:shortcode:` suggestions and expansion use
//! (`protocol::emoji_table`), served at `/pkg/emoji.txt` rather than compiled into the
//! web client. Under `/pkg/`, so the service worker keeps a copy with the app for offline
//! use (taken afresh whenever the server answers: the table comes with the server, not the
//! web client's build).

use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use std::sync::LazyLock;

static TABLE: LazyLock<String> = LazyLock::new(protocol::emoji_table::text);

pub async fn serve() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            // It changes only with the server: the browser asks again (cheaply) each visit.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        TABLE.as_str(),
    )
}
