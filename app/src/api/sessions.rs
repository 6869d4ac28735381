//! The user's sessions (signed-in browsers and devices). The server implements
//! `SessionService` in `server/src/sessions.rs`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::api::SessionInfo;

/// What the server does for this area's functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait SessionService: Send + Sync {
    /// The user's sessions (signed-in browsers), the current one marked.
    async fn sessions(
        &self,
        headers: &http::HeaderMap,
        me: &protocol::api::Profile,
    ) -> Result<Vec<SessionInfo>, ApiError>;
    /// Ends one of the user's sessions (its open tabs are cut off at once).
    async fn end_session(&self, me: &protocol::api::Profile, id: String) -> Result<(), ApiError>;
    /// Ends all of the user's sessions but the current one.
    async fn end_other_sessions(
        &self,
        headers: &http::HeaderMap,
        me: &protocol::api::Profile,
    ) -> Result<(), ApiError>;
}

#[leptos::server(prefix = "/api", endpoint = "sessions", input = Json)]
pub async fn sessions() -> Result<Answer<Vec<SessionInfo>>, ApiError> {
    server::as_user(async |b, me| b.sessions(&server::headers().await?, &me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "end_session", input = Json)]
pub async fn end_session(id: String) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.end_session(&me, id).await).await
}

#[leptos::server(prefix = "/api", endpoint = "end_other_sessions", input = Json)]
pub async fn end_other_sessions() -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.end_other_sessions(&server::headers().await?, &me).await).await
}
