//! Only requests for this server's own names. A web page on the internet can make its
//! own domain resolve to a LAN address (DNS rebinding): the browser then treats this
//! server as that page's origin and lets the page read it. Such requests still carry
//! the page's name in Host (or HTTP/2's `:authority`), so they are refused here, on
//! either port, before anything else sees them.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a list of this machine's addresses is trusted before it is read again
/// (a laptop's DHCP lease changes; a request for the new address must not wait minutes).
const ADDRESSES_FOR: Duration = Duration::from_secs(10);

/// The names and addresses this server answers to.
pub struct Names {
    /// DNS names, lower case, without a trailing dot.
    dns: Vec<String>,
    bound: IpAddr,
    addresses: Mutex<(Option<Instant>, Vec<IpAddr>)>,
}

impl Names {
    /// The names the certificate covers (`tls::current_names`: localhost, the machine's
    /// name and NAME.local, `mdns`.local, `extra` from `--names`); and the address bound
    /// (every interface's if 0.0.0.0, read again as they change).
    pub fn new(bound: IpAddr, host: &str, mdns: &str, extra: &[String]) -> Self {
        let mut dns: Vec<String> = crate::tls::current_names(bound, host, mdns, extra)
            .iter()
            .filter(|n| n.parse::<IpAddr>().is_err())
            .map(|n| normal(n))
            .collect();
        dns.sort();
        dns.dedup();
        Self {
            dns,
            bound,
            addresses: Mutex::new((None, Vec::new())),
        }
    }

    /// Whether `authority` (a Host header's value: a name or address, maybe a port)
    /// names this server.
    pub fn allows(&self, authority: &str) -> bool {
        let Ok(parsed) = authority.parse::<axum::http::uri::Authority>() else {
            return false;
        };
        let host = parsed.host();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) => self.is_ours(ip),
            Err(_) => self.dns.contains(&normal(host)),
        }
    }

    fn is_ours(&self, ip: IpAddr) -> bool {
        if ip.is_loopback() || ip == self.bound {
            return true;
        }
        if !self.bound.is_unspecified() {
            return false;
        }
        let Ok(mut seen) = self.addresses.lock() else {
            return false;
        };
        if seen.0.is_none_or(|at| at.elapsed() > ADDRESSES_FOR) {
            let now = if_addrs::get_if_addrs()
                .map(|ifs| ifs.into_iter().map(|i| i.ip()).collect())
                .unwrap_or_default();
            *seen = (Some(Instant::now()), now);
        }
        seen.1.contains(&ip)
    }
}

/// The names of `--names`: separated by commas or spaces, lower case, no trailing dot.
pub fn extra_names(list: &str) -> Vec<String> {
    list.split([',', ' '])
        .filter(|n| !n.is_empty())
        .map(normal)
        .collect()
}

fn normal(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Refuses (421) a request naming another server: by its Host header or, in HTTP/2 or
/// an absolute-form request line, by its URI's authority. Both must be ours if both
/// are there; a request with neither says nothing of whom it is for and is refused too.
pub async fn only_ours(State(names): State<Arc<Names>>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).map(|h| h.to_str());
    let uri = req.uri().authority().map(|a| a.as_str());
    let ours = match (host, uri) {
        (None, None) | (Some(Err(_)), _) => false,
        (Some(Ok(h)), Some(u)) => names.allows(h) && names.allows(u),
        (Some(Ok(one)), None) | (None, Some(one)) => names.allows(one),
    };
    if ours {
        return next.run(req).await;
    }
    tracing::debug!("refused a request for another host name");
    (
        StatusCode::MISDIRECTED_REQUEST,
        "This server does not answer to that name. Open it by its own address or name \
         (the one its terminal shows), or ask its admin to add the name with --names.",
    )
        .into_response()
}

/// `router`, refusing requests for names that are not ours.
pub fn guarded(router: axum::Router, names: Arc<Names>) -> axum::Router {
    router.layer(axum::middleware::from_fn_with_state(names, only_ours))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt as _;

    fn names() -> Names {
        let extra = extra_names("chat.example.org, Other.Lan");
        Names::new("192.168.7.7".parse().unwrap(), "box", "hearth", &extra)
    }

    #[test]
    fn our_names_and_addresses_only() {
        let n = names();
        for ok in [
            "localhost",
            "localhost:8443",
            "LOCALHOST.",
            "box",
            "box.local:8080",
            "hearth.local",
            "chat.example.org",
            "other.lan:1",
            "127.0.0.1:8443",
            "127.9.9.9",
            "[::1]:8443",
            "192.168.7.7",
        ] {
            assert!(n.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:8443",
            "box.evil.example",
            "hearth.local.evil.example",
            "192.168.7.8",
            "[fe80::1]",
            "",
            "local",
            "a b",
        ] {
            assert!(!n.allows(refused), "{refused}");
        }
    }

    async fn status(req: axum::http::Request<Body>) -> StatusCode {
        let app = guarded(
            axum::Router::new().route("/", axum::routing::get(|| async { "ok" })),
            Arc::new(names()),
        );
        app.oneshot(req).await.unwrap().status()
    }

    fn get(uri: &str) -> axum::http::request::Builder {
        axum::http::Request::get(uri)
    }

    #[tokio::test]
    async fn host_and_authority_must_both_be_ours() {
        let ok = StatusCode::OK;
        let no = StatusCode::MISDIRECTED_REQUEST;
        let req = |b: axum::http::request::Builder| b.body(Body::empty()).unwrap();
        assert_eq!(
            status(req(get("/").header("host", "box.local:8443"))).await,
            ok
        );
        assert_eq!(
            status(req(get("/").header("host", "evil.example"))).await,
            no
        );
        // HTTP/2: hyper gives `:authority` as the URI's, with no Host header.
        assert_eq!(status(req(get("https://box.local:8443/"))).await, ok);
        assert_eq!(status(req(get("https://evil.example/"))).await, no);
        // One of ours and one not, either way round.
        let mixed = get("http://localhost/").header("host", "evil.example");
        assert_eq!(status(req(mixed)).await, no);
        let mixed = get("http://evil.example/").header("host", "localhost");
        assert_eq!(status(req(mixed)).await, no);
        assert_eq!(status(req(get("/"))).await, no, "no name at all");
    }
}
