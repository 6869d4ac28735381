//! What the server functions need from the server (`Backend`), and what they hand it
//! about the request.

use crate::api;
use protocol::api::Session;
use std::sync::Arc;

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

/// Everything the server functions need from the server: each area's trait, declared
/// beside that area's functions in `crate::api`. The server implements each in its
/// module for the area, and says it has them all with an empty `impl Backend`.
pub trait Backend:
    api::AccountService
    + api::AdminService
    + api::ConversationService
    + api::GroupService
    + api::PanelService
    + api::SessionService
    + api::SetupService
    + api::TotpService
    + 'static
{
}

pub type SharedBackend = Arc<dyn Backend>;
