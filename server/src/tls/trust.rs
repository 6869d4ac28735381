//! The plain-HTTP port when Hearth serves HTTPS: `/` is the "trust this server" page (the
//! CA certificate in the formats each system takes, how to install it, a QR code of the
//! HTTPS address), and every other path is redirected to HTTPS.

use super::Local;
use super::ca::Authority;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(Clone)]
struct Trust {
    /// None when the admin brought their own certificate: then everything redirects.
    ca: Option<Arc<Local>>,
    https_port: u16,
}

impl Trust {
    /// The CA in use now (it may have been replaced since the server started).
    fn ca(&self) -> Option<Arc<Authority>> {
        self.ca.as_ref().map(|local| local.ca())
    }
}

pub fn routes(ca: Option<Arc<Local>>, https_port: u16) -> Router {
    let mut router = Router::new();
    if ca.is_some() {
        router = router
            .route("/", get(page))
            .route("/hearth-ca.crt", get(der))
            .route("/hearth-ca.pem", get(pem))
            .route("/hearth-ca.mobileconfig", get(mobileconfig));
    }
    router
        .fallback(redirect)
        .with_state(Trust { ca, https_port })
}

/// The host the browser asked for, without its port, if it is a plain host name or
/// address (the Host header is the client's word; anything odd falls back).
fn host(headers: &HeaderMap) -> String {
    let raw = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let host = if raw.starts_with('[') {
        raw.split_inclusive(']').next().unwrap_or(raw)
    } else {
        raw.split(':').next().unwrap_or(raw)
    };
    let ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    if ok {
        host.to_string()
    } else {
        "localhost".into()
    }
}

fn https_url(t: &Trust, headers: &HeaderMap, path: &str) -> String {
    let port = if t.https_port == 443 {
        String::new()
    } else {
        format!(":{}", t.https_port)
    };
    format!("https://{}{port}{path}", host(headers))
}

async fn redirect(State(t): State<Trust>, headers: HeaderMap, uri: Uri) -> Redirect {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    Redirect::permanent(&https_url(&t, &headers, path))
}

fn download(bytes: Vec<u8>, mime: &'static str, name: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

async fn der(State(t): State<Trust>) -> Response {
    let Some(ca) = t.ca() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    download(
        ca.der.clone(),
        "application/x-x509-ca-cert",
        "hearth-ca.crt",
    )
}

async fn pem(State(t): State<Trust>) -> Response {
    let Some(ca) = t.ca() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    download(
        ca.pem.clone().into_bytes(),
        "application/x-pem-file",
        "hearth-ca.pem",
    )
}

/// A UUID-shaped string from a hash, so the same CA always gives the same profile ids.
fn uuid(seed: &[u8], label: &[u8]) -> String {
    let h = Sha256::new()
        .chain_update(label)
        .chain_update(seed)
        .finalize();
    let x: String = h.iter().take(16).map(|b| format!("{b:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// iOS and macOS install root certificates from a configuration profile.
async fn mobileconfig(State(t): State<Trust>) -> Response {
    let Some(ca) = t.ca() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let data = base64::engine::general_purpose::STANDARD.encode(&ca.der);
    let name = escape(ca.name());
    let (inner, outer) = (uuid(&ca.der, b"payload"), uuid(&ca.der, b"profile"));
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>PayloadContent</key><array><dict>
<key>PayloadCertificateFileName</key><string>hearth-ca.cer</string>
<key>PayloadContent</key><data>{data}</data>
<key>PayloadDescription</key><string>Lets this device check that it talks to your Hearth server.</string>
<key>PayloadDisplayName</key><string>{name}</string>
<key>PayloadIdentifier</key><string>chat.hearth.ca.{inner}</string>
<key>PayloadType</key><string>com.apple.security.root</string>
<key>PayloadUUID</key><string>{inner}</string>
<key>PayloadVersion</key><integer>1</integer>
</dict></array>
<key>PayloadDisplayName</key><string>{name}</string>
<key>PayloadIdentifier</key><string>chat.hearth.profile.{outer}</string>
<key>PayloadType</key><string>Configuration</string>
<key>PayloadUUID</key><string>{outer}</string>
<key>PayloadVersion</key><integer>1</integer>
</dict></plist>
"#
    );
    download(
        xml.into_bytes(),
        "application/x-apple-aspen-config",
        "hearth-ca.mobileconfig",
    )
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Said on the page when the CA replaced another: devices that trusted that one must
/// trust this one before the app opens again.
fn replaced(ca: &Authority) -> String {
    let Some((old, at)) = ca.replaced() else {
        return String::new();
    };
    let when = time::OffsetDateTime::from_unix_timestamp(at / 1000)
        .map(|t| format!("{} {} {}", t.day(), t.month(), t.year()))
        .unwrap_or_default();
    format!(
        "<p class=\"notice\" role=\"status\">This server's names or addresses changed on {when}, \
         so it has a new certificate authority, <strong>{}</strong>, in place of <em>{}</em>. \
         A device that trusted the old one must trust this one too; it may then remove the \
         old one.</p>",
        escape(ca.name()),
        escape(old)
    )
}

async fn page(State(t): State<Trust>, headers: HeaderMap) -> Response {
    let Some(ca) = t.ca() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let url = https_url(&t, &headers, "/");
    let html = include_str!("trust.html")
        .replace("{{replaced}}", &replaced(&ca))
        .replace("{{name}}", &escape(ca.name()))
        .replace("{{fingerprint}}", &super::ca::fingerprint(&ca.der))
        .replace("{{qr}}", &crate::net::qr_svg(&url, 180))
        .replace("{{url}}", &escape(&url));
    Html(html).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(host: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::HOST, host.parse().unwrap());
        m
    }

    #[test]
    fn hosts_are_cleaned() {
        assert_eq!(host(&h("192.168.1.5:8080")), "192.168.1.5");
        assert_eq!(host(&h("[fe80::1]:8080")), "[fe80::1]");
        assert_eq!(host(&h("box.local")), "box.local");
        assert_eq!(host(&h("evil.com/<script>")), "localhost");
        assert_eq!(host(&HeaderMap::new()), "localhost");
        let t = Trust {
            ca: None,
            https_port: 443,
        };
        assert_eq!(https_url(&t, &h("a:80"), "/x?y"), "https://a/x?y");
    }

    #[test]
    fn profile_ids_are_stable_uuids() {
        let a = uuid(b"cert", b"payload");
        assert_eq!(a.len(), 36);
        assert_eq!(a, uuid(b"cert", b"payload"));
        assert_ne!(a, uuid(b"cert", b"profile"));
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
