//! The tab's one WebSocket: reconnects with backoff, resumes after the last message seen
//! and resends messages that were not acknowledged (the server stores a client id once),
//! so a network blip loses nothing. `conn` is one connection, generic over the socket's
//! halves and unit-tested; `browser` opens them with gloo-net and waits between tries.

#[cfg(not(feature = "hydrate"))]
use protocol::frames::ClientFrame;
use protocol::frames::ServerFrame;
#[cfg(not(feature = "hydrate"))]
use protocol::{ClientMsgId, MessageId};

/// Callbacks from the socket to the page.
pub struct Handlers {
    pub on_frame: Box<dyn Fn(ServerFrame)>,
    pub on_connected: Box<dyn Fn(bool)>,
    /// The connection failed or dropped and the next try is due at this time (ms since
    /// the epoch); `failures` counts the tries in a row that failed.
    pub on_retry: Box<dyn Fn(f64, u32)>,
}

// Only the browser opens sockets; the server's build keeps the logic for its tests.
#[cfg(feature = "hydrate")]
mod browser;
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
mod conn;

#[cfg(feature = "hydrate")]
pub use browser::Socket;

#[cfg(not(feature = "hydrate"))]
pub struct Socket;

#[cfg(not(feature = "hydrate"))]
impl Socket {
    pub fn connect(_: Handlers, _: MessageId) -> Self {
        Socket
    }
    pub fn send(&self, _: ClientMsgId, _: ClientFrame) {}
    pub fn send_now(&self, _: ClientFrame) {}
    pub fn retry_now(&self) {}
    pub fn close(&self) {}
}
