//! The emoji table the browser's picker, `:shortcode:` suggestions and expansion use
//! (`protocol::emoji_table`), served at `/pkg/emoji.txt` rather than compiled into the
//! web client. Under `/pkg/`, so the service worker keeps a copy with the app for offline
//! use (taken afresh whenever the server answers: the table comes with the server, not the
//! web client's build).

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use std::io::Write as _;
use std::sync::LazyLock;

static TABLE: LazyLock<String> = LazyLock::new(protocol::emoji_table::text);
/// The same, gzipped (64 KiB of text become about 23).
static GZIPPED: LazyLock<Option<Vec<u8>>> = LazyLock::new(|| {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(TABLE.as_bytes()).ok()?;
    z.finish().ok()
});

pub async fn serve(headers: HeaderMap) -> impl IntoResponse {
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut out = HeaderMap::new();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    // It changes only with the server: the browser asks again (cheaply) each visit.
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    // (Both are built once and sent from where they are, not copied per request.)
    let gzipped: Option<&'static [u8]> = GZIPPED.as_deref();
    match gzipped {
        Some(z) if gzip => {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            (out, z).into_response()
        }
        _ => (out, TABLE.as_str()).into_response(),
    }
}
