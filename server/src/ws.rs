//! The rules both of Hearth's WebSockets keep (the chat socket, `crate::socket`, and the
//! upload socket, `crate::files::stream`): where one may be opened from, and the close
//! codes they end with.

use axum::http::{HeaderMap, header};

/// Close code for a frame over the limit (RFC 6455 "message too big").
pub const CLOSE_TOO_BIG: u16 = 1009;
/// The close code for a server shutting down.
pub const CLOSE_GOING_AWAY: u16 = 1001;
/// The close code for a socket that sent nothing for too long (policy violation).
pub const CLOSE_IDLE: u16 = 1008;

/// True when the page that opened the socket was served by this host: a foreign page
/// must not ride on the user's cookie (cross-site WebSocket hijacking).
pub fn origin_allowed(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST))
    else {
        return false;
    };
    let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
        return false;
    };
    crate::csrf::same_host(origin, host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn origin_must_match_host() {
        assert!(origin_allowed(&headers(
            Some("https://hearth.local:8443"),
            "hearth.local:8443"
        )));
        assert!(origin_allowed(&headers(
            Some("http://192.168.1.5:8080"),
            "192.168.1.5:8080"
        )));
        assert!(!origin_allowed(&headers(
            Some("https://evil.example"),
            "hearth.local"
        )));
        assert!(!origin_allowed(&headers(
            Some("https://hearth.local.evil.example"),
            "hearth.local"
        )));
        assert!(!origin_allowed(&headers(None, "hearth.local")));
        assert!(!origin_allowed(&headers(Some("null"), "hearth.local")));
    }
}
