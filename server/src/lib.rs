//! The Hearth server. `main` reads as the start-up checklist; `router` assembles the HTTP
//! surface so integration tests can serve the same thing on an ephemeral port.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod backup;
pub mod bus;
pub mod calls;
pub mod cli;
pub mod config;
pub mod conversations;
pub mod csrf;
pub mod db;
pub mod emoji;
pub mod error;
pub mod files;
pub mod groups;
pub mod host;
pub mod hub;
pub mod icons;
pub mod ingest;
pub mod limit;
pub mod lockout;
pub mod mdns;
pub mod metrics;
pub mod net;
pub mod panel;
pub mod private;
pub mod relay;
pub mod router;
pub mod serve;
pub mod sessions;
pub mod setup;
pub mod socket;
pub mod state;
pub mod tls;
pub mod totp;
pub mod ws;

pub use error::{Error, Result};
