//! The server's shared state, `Hearth`, and who a request's session cookie belongs to.
//! Each area implements its part of `app::Backend` in its own module (`accounts`,
//! `conversations`, `groups`, `sessions`, `setup`, `totp`, `admin`, `panel`).

use crate::auth::{self, ServerSecret};
use crate::db;
use crate::error::{Error, Result};
use crate::files::store::FileStore;
use crate::hub::Hub;
use axum::http::{HeaderMap, header};
use protocol::UserId;
use protocol::api::Profile;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

impl Hearth {
    /// The shared state, with its live parts started (the hub, the message writer):
    /// `main` and the tests make it alike.
    pub fn new(
        db: DatabaseConnection,
        secret: ServerSecret,
        sessions: auth::SessionPolicy,
        files: FileStore,
        limits: crate::limit::Limits,
        metrics: crate::metrics::Metrics,
    ) -> Arc<Self> {
        let hub = Arc::new(Hub::default());
        let metrics = Arc::new(metrics);
        let ingest = crate::ingest::Ingest::start(db.clone(), hub.clone(), metrics.clone());
        Arc::new(Hearth {
            db,
            hub,
            secret,
            sessions,
            files,
            limits: Arc::new(limits),
            stop: Arc::new(tokio::sync::Notify::new()),
            started: std::time::Instant::now(),
            metrics,
            ingest,
            relay: std::sync::OnceLock::new(),
        })
    }
}

/// Every area's trait is implemented in that area's module (see the file's comment).
impl app::Backend for Hearth {}

pub(crate) const DISABLED: &str = "This account is disabled; ask an admin.";

pub struct Hearth {
    pub db: DatabaseConnection,
    pub hub: Arc<Hub>,
    pub secret: ServerSecret,
    pub sessions: auth::SessionPolicy,
    pub files: FileStore,
    pub limits: Arc<crate::limit::Limits>,
    /// Told when an admin shuts the server down; `main` waits on it with the signals.
    pub stop: Arc<tokio::sync::Notify>,
    /// When this process started (the panel's uptime).
    pub started: std::time::Instant,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Stores messages, several senders' in one commit (`crate::ingest`).
    pub ingest: crate::ingest::Ingest,
    /// The call relay, once started (none with `--no-relay`, or if it could not listen).
    pub relay: std::sync::OnceLock<crate::relay::Relay>,
}

impl Hearth {
    /// The signed-in user for a request's cookies.
    pub async fn user_from_headers(&self, headers: &HeaderMap) -> Result<UserId> {
        Ok(self.session_from_headers(headers).await?.0)
    }

    /// The signed-in user and their session's token hash (a socket is tied to it).
    pub async fn session_from_headers(&self, headers: &HeaderMap) -> Result<(UserId, String)> {
        let hash = self.signed_in(headers)?;
        Ok((self.session_profile(&hash).await?.id, hash))
    }

    /// The hash of the request's session token, or 401.
    pub(crate) fn signed_in(&self, headers: &HeaderMap) -> Result<String> {
        self.token_hash(headers)
            .ok_or(Error::Unauthorized("Please log in."))
    }

    /// The hash of the request's session token, if it carries one.
    pub(crate) fn token_hash(&self, headers: &HeaderMap) -> Option<String> {
        self.token(headers).map(auth::hash_token)
    }

    fn token<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| self.sessions.token(c))
    }

    pub(crate) async fn session_profile(&self, token_hash: &str) -> Result<Profile> {
        db::sessions::user(&self.db, token_hash, &self.sessions)
            .await?
            .ok_or(Error::Unauthorized(
                "Your session has ended; please log in again.",
            ))?
            .profile()
    }
}
