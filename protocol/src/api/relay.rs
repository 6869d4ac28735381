//! The relay built into the server (TURN), for calls where the two browsers cannot reach
//! each other directly: Wi-Fi that isolates its clients, or a browser that hides its
//! addresses. The server hands out a pass per call over the socket; the media stays
//! DTLS-SRTP between the two browsers, so the relay forwards what it cannot read.

use serde::{Deserialize, Serialize};

/// Credentials for the server's relay, good for one call (TURN's long-term mechanism
/// with a username that carries its own expiry, as in draft-uberti-behave-turn-rest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayPass {
    /// `turn:IP:PORT?transport=udp`, one per address the server listens on.
    pub urls: Vec<String>,
    pub username: String,
    pub credential: String,
}

impl RelayPass {
    /// The relay addresses worth trying from a page served at `host` (the page's own
    /// hostname): the one it reached the server at when that is an address (or
    /// localhost), else every address but loopback. Each address tried is a relay
    /// allocated on the server, so a browser is not handed all of them for nothing.
    pub fn urls_for(&self, host: &str) -> Vec<String> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let same: Vec<String> = self
            .urls
            .iter()
            .filter(|u| {
                let ip = url_host(u);
                ip == host || (host == "localhost" && is_loopback(ip))
            })
            .cloned()
            .collect();
        if !same.is_empty() {
            return same;
        }
        self.urls
            .iter()
            .filter(|u| !is_loopback(url_host(u)))
            .cloned()
            .collect()
    }
}

/// The address in `turn:IP:PORT?…` (brackets dropped from an IPv6 one).
fn url_host(url: &str) -> &str {
    let rest = url.strip_prefix("turn:").unwrap_or(url);
    let rest = rest.split('?').next().unwrap_or(rest);
    match rest.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => rest.rsplit_once(':').map_or(rest, |(ip, _)| ip),
    }
}

/// Loopback, as the server writes addresses (no parsing: it would weigh on the WASM).
fn is_loopback(ip: &str) -> bool {
    ip.starts_with("127.") || ip == "::1"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass() -> RelayPass {
        RelayPass {
            urls: [
                "turn:127.0.0.1:3478?transport=udp",
                "turn:192.168.1.5:3478?transport=udp",
                "turn:10.0.0.2:3478?transport=udp",
                "turn:[fd00::5]:3478?transport=udp",
            ]
            .map(String::from)
            .to_vec(),
            username: "1700000000:ab".into(),
            credential: "x".into(),
        }
    }

    #[test]
    fn a_page_reached_at_an_address_uses_that_address_only() {
        let p = pass();
        assert_eq!(p.urls_for("192.168.1.5"), [p.urls[1].clone()]);
        assert_eq!(p.urls_for("[fd00::5]"), [p.urls[3].clone()]);
        assert_eq!(p.urls_for("127.0.0.1"), [p.urls[0].clone()]);
        assert_eq!(p.urls_for("localhost"), [p.urls[0].clone()]);
    }

    #[test]
    fn a_page_reached_by_name_tries_every_address_but_loopback() {
        let p = pass();
        assert_eq!(p.urls_for("hearth.local"), p.urls[1..].to_vec());
        // An address the server does not list (a proxy's): the same.
        assert_eq!(p.urls_for("192.168.9.9"), p.urls[1..].to_vec());
    }
}
