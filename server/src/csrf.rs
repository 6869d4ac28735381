//! Cross-site request refusal: a state-changing request that a browser marks as coming
//! from another site's page (its Origin, or its Referer when Origin is absent, names
//! another host) is answered 403 before any handler runs. The session cookie is also
//! SameSite=Strict; this is the second lock. Requests with neither header come from
//! programs, not from a page a user was lured to, and pass.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// "scheme://host[:port]" of a URL, without path.
fn origin_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// True when `origin` (a full Origin value or URL) names the host the request went to.
pub fn same_host(origin: &str, host: &str) -> bool {
    origin_of(origin).is_some_and(|h| h.eq_ignore_ascii_case(host))
}

/// Whether a request's Origin (or Referer) allows it: absent is fine, another host not.
pub fn allowed(headers: &HeaderMap) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER));
    let Some(claimed) = claimed else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (claimed.to_str(), host) {
        (Ok(c), Some(h)) => same_host(c, h),
        _ => false,
    }
}

pub async fn refuse_cross_site(mut req: Request, next: Next) -> Response {
    // HTTP/2 carries the host in the URI (":authority"), not in a Host header; put it
    // where this check, the socket's and the trust page look.
    if !req.headers().contains_key(header::HOST) {
        let authority = req.uri().authority().map(|a| a.as_str().to_owned());
        if let Some(v) = authority.and_then(|a| a.parse().ok()) {
            req.headers_mut().insert(header::HOST, v);
        }
    }
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes && !allowed(req.headers()) {
        let body = serde_json::json!({ "error": "Cross-site requests are refused." });
        return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origins_are_compared_with_the_host() {
        let host = ("host", "192.168.1.5:8080");
        assert!(allowed(&headers(&[host])), "programs send neither header");
        assert!(allowed(&headers(&[
            host,
            ("origin", "http://192.168.1.5:8080")
        ])));
        assert!(allowed(&headers(&[
            host,
            ("origin", "https://192.168.1.5:8080")
        ])));
        assert!(!allowed(&headers(&[
            host,
            ("origin", "http://evil.example")
        ])));
        assert!(!allowed(&headers(&[host, ("origin", "null")])));
        assert!(!allowed(&headers(&[
            host,
            ("origin", "http://192.168.1.5:8080.evil.example")
        ])));
        assert!(allowed(&headers(&[
            host,
            ("referer", "http://192.168.1.5:8080/chat?x=1")
        ])));
        assert!(!allowed(&headers(&[
            host,
            ("referer", "http://evil.example/192.168.1.5:8080")
        ])));
        assert!(
            !allowed(&headers(&[("origin", "http://192.168.1.5:8080")])),
            "no host: refuse"
        );
    }
}
