//! Where a relay may send. TURN lets whoever holds a pass send UDP from the server to any
//! address it names; Hearth's relay exists only to join two devices of this network, so
//! it sends to the other relays it holds and to the LAN's own addresses, and to nothing
//! else: not the internet, and not other services on the server's own addresses (its
//! resolver on loopback, say). It also holds at most `MAX_RELAYS` at once.

use async_trait::async_trait;
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::net::UdpSocket;
use util::Conn;

/// Two per call (one per side), so room for a building's worth of calls; each is a socket.
pub const MAX_RELAYS: usize = 512;

/// The relay sockets open now, by address.
#[derive(Default)]
pub struct Live(Mutex<HashSet<SocketAddr>>);

impl Live {
    fn with<T>(&self, f: impl FnOnce(&mut HashSet<SocketAddr>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn count(&self) -> usize {
        self.with(|l| l.len())
    }

    fn may_reach(&self, to: SocketAddr) -> bool {
        self.with(|l| may_reach(to, l))
    }
}

/// Whether a relay may send to `to`: another live relay, or a device of the LAN.
pub fn may_reach(to: SocketAddr, relays: &HashSet<SocketAddr>) -> bool {
    relays.contains(&to) || (is_lan(to.ip()) && !relays.iter().any(|r| r.ip() == to.ip()))
}

/// A private, link-local or carrier-grade NAT address: one of the LAN's devices (not
/// loopback, which is the server itself).
fn is_lan(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || v4.is_link_local() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Makes the relay sockets of one listening address: on that address, guarded.
pub struct Relays {
    pub ip: IpAddr,
    pub live: Arc<Live>,
}

#[async_trait]
impl turn::relay::RelayAddressGenerator for Relays {
    fn validate(&self) -> Result<(), turn::Error> {
        Ok(())
    }

    async fn allocate_conn(
        &self,
        _use_ipv4: bool,
        requested_port: u16,
    ) -> Result<(Arc<dyn Conn + Send + Sync>, SocketAddr), turn::Error> {
        if self.live.count() >= MAX_RELAYS {
            return Err(turn::Error::Other("the relay is full".into()));
        }
        let socket = UdpSocket::bind((self.ip, requested_port)).await?;
        let addr = socket.local_addr()?;
        self.live.with(|l| l.insert(addr));
        let relay = Guarded {
            socket,
            addr,
            live: self.live.clone(),
        };
        Ok((Arc::new(relay), addr))
    }
}

/// One relay socket: sends only where `may_reach` allows; leaves `Live` when closed.
struct Guarded {
    socket: UdpSocket,
    addr: SocketAddr,
    live: Arc<Live>,
}

impl Drop for Guarded {
    fn drop(&mut self) {
        self.live.with(|l| l.remove(&self.addr));
    }
}

#[async_trait]
impl Conn for Guarded {
    async fn connect(&self, _: SocketAddr) -> util::Result<()> {
        Err(util::Error::Other("a relay is not connected".into()))
    }

    async fn recv(&self, buf: &mut [u8]) -> util::Result<usize> {
        Ok(self.socket.recv(buf).await?)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> util::Result<(usize, SocketAddr)> {
        Ok(self.socket.recv_from(buf).await?)
    }

    async fn send(&self, _: &[u8]) -> util::Result<usize> {
        Err(util::Error::Other("a relay sends to a peer".into()))
    }

    async fn send_to(&self, buf: &[u8], to: SocketAddr) -> util::Result<usize> {
        if !self.live.may_reach(to) {
            return Err(util::Error::Other("the relay does not send there".into()));
        }
        Ok(self.socket.send_to(buf, to).await?)
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        Ok(self.addr)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }

    async fn close(&self) -> util::Result<()> {
        self.live.with(|l| l.remove(&self.addr));
        Ok(())
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SocketAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn relays_reach_each_other_and_the_lan_only() {
        let relays: HashSet<_> = [at("192.168.1.5:40000"), at("127.0.0.1:40002")].into();
        for ok in [
            "192.168.1.5:40000",
            "127.0.0.1:40002",
            "192.168.1.7:50000",
            "10.1.2.3:9",
            "172.16.0.1:9",
            "169.254.3.4:9",
            "100.64.0.1:9",
            "[fd00::1]:9",
            "[fe80::1]:9",
        ] {
            assert!(may_reach(at(ok), &relays), "{ok}");
        }
        for refused in [
            // The internet.
            "8.8.8.8:53",
            "[2001:db8::1]:9",
            // The server's own other services, on loopback or on its LAN address.
            "127.0.0.1:53",
            "127.0.0.53:53",
            "[::1]:9",
            "192.168.1.5:5353",
            // Neither a device nor a relay.
            "0.0.0.0:9",
            "224.0.0.251:5353",
            "255.255.255.255:9",
        ] {
            assert!(!may_reach(at(refused), &relays), "{refused}");
        }
    }
}
