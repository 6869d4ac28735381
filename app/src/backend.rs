//! What the server functions hand the server about the request (the browser, its
//! address) and what it hands back for a new session. The server itself is
//! `crate::api::Backend`.

use protocol::api::Session;

/// A new session and the Set-Cookie header values that go with it (the session's, and
/// the one that remembers the browser for the account).
pub type NewSession = (Session, Vec<String>);

/// The browser a new session is for, as its owner's sessions list shows it.
#[derive(Clone, Debug, Default)]
pub struct Device {
    pub agent: Option<String>,
    pub address: Option<String>,
    /// The request's Cookie header: a browser the account signed in from before is
    /// not held back by strangers' failed sign-ins (the server reads its own cookie).
    pub cookies: Option<String>,
}

/// The address a request came from, put in the request's extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub std::net::IpAddr);
