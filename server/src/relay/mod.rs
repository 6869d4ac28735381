//! The relay built into Hearth for calls whose two devices cannot reach each other
//! directly (Wi-Fi that isolates its clients, a browser that hides its addresses): a TURN
//! server (webrtc-rs's `turn`) on UDP, on the server's own addresses. Browsers get a pass
//! per call over the socket (`pass`); what they send through it is DTLS-SRTP between
//! the two of them, which the relay forwards unread, and only within the LAN (`guard`).

mod guard;
mod pass;

pub use guard::MAX_RELAYS;

use crate::error::{Error, Result};
use protocol::UserId;
use protocol::api::relay::RelayPass;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::UdpSocket;
use zeroize::Zeroizing;

/// The realm TURN names in its challenges.
const REALM: &str = "hearth";

pub struct Relay {
    server: turn::server::Server,
    passes: Arc<pass::Passes>,
    /// Where browsers reach it, `turn:IP:PORT?transport=udp`.
    urls: Vec<String>,
    port: u16,
    live: Arc<guard::Live>,
}

impl Relay {
    /// Listens on UDP `port` of each of `ips` (0: a free port, the same on each where it
    /// can be); passes are checked with `key`.
    pub async fn start(ips: &[IpAddr], port: u16, key: Zeroizing<[u8; 32]>) -> Result<Self> {
        let live = Arc::new(guard::Live::default());
        let mut conn_configs = Vec::new();
        let mut urls = Vec::new();
        let mut port = port;
        let mut refused = Vec::new();
        for &ip in ips {
            // An address that cannot be bound (an IPv6 one still being configured, say)
            // is skipped; the others serve.
            let socket = match UdpSocket::bind((ip, port)).await {
                Ok(s) => s,
                Err(e) => {
                    refused.push(format!("UDP {}: {e}", SocketAddr::new(ip, port)));
                    continue;
                }
            };
            let at = socket.local_addr()?;
            port = at.port();
            urls.push(url(at));
            conn_configs.push(turn::server::config::ConnConfig {
                conn: Arc::new(socket),
                relay_addr_generator: Box::new(guard::Relays {
                    ip,
                    live: live.clone(),
                }),
            });
        }
        if conn_configs.is_empty() {
            return Err(Error::Config(refused.join("; ")));
        }
        for r in refused {
            tracing::warn!("the call relay is not on {r}");
        }
        let passes = Arc::new(pass::Passes::new(key));
        let server = turn::server::Server::new(turn::server::config::ServerConfig {
            conn_configs,
            realm: REALM.into(),
            auth_handler: passes.clone(),
            channel_bind_timeout: std::time::Duration::ZERO,
            alloc_close_notify: None,
        })
        .await
        .map_err(|e| Error::Config(format!("the call relay: {e}")))?;
        Ok(Self {
            server,
            passes,
            urls,
            port,
            live,
        })
    }

    /// A pass for one of `user`'s calls.
    pub fn pass(&self, user: &UserId) -> RelayPass {
        let (username, credential) = self.passes.issue(user, pass::now());
        RelayPass {
            urls: self.urls.clone(),
            username,
            credential,
        }
    }

    /// The UDP port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Relay sockets open now (two per relayed call).
    pub fn relays(&self) -> usize {
        self.live.count()
    }

    pub async fn close(&self) {
        let _ = self.server.close().await;
    }
}

fn url(at: SocketAddr) -> String {
    format!("turn:{at}?transport=udp")
}

/// The addresses to listen on for a server bound to `bound`: that one, or for every
/// interface each of their addresses (but IPv6 link-local ones, which need a scope the
/// URLs cannot carry).
pub fn addresses(bound: IpAddr) -> Vec<IpAddr> {
    if !bound.is_unspecified() {
        return vec![bound];
    }
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .map(|ifs| ifs.into_iter().map(|i| i.ip()).collect())
        .unwrap_or_default();
    ips.retain(|ip| match ip {
        IpAddr::V4(_) => true,
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
    });
    ips.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    ips.dedup();
    ips
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_address_and_port() {
        assert_eq!(
            url("192.168.1.5:3478".parse().unwrap()),
            "turn:192.168.1.5:3478?transport=udp"
        );
        assert_eq!(
            url("[fd00::5]:3478".parse().unwrap()),
            "turn:[fd00::5]:3478?transport=udp"
        );
        let specific: IpAddr = "192.168.1.5".parse().unwrap();
        assert_eq!(addresses(specific), [specific]);
    }
}
