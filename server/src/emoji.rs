//! The emoji table the browser's picker, `:shortcode:` suggestions and expansion use
//! (`protocol::emoji_table`), served at `/pkg/emoji.txt` rather than compiled into the
//! web client. Under `/pkg/`, so the service worker keeps it with the app for offline
//! use, and drops it with the build.

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
