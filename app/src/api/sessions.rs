//! The user's sessions (signed-in browsers and devices): thin wrappers like the others.

#[cfg(feature = "ssr")]
use super::server;
use crate::ApiError;
use leptos::server_fn::codec::Json;
use protocol::api::SessionInfo;

#[leptos::server(prefix = "/api", endpoint = "sessions", input = Json)]
pub async fn sessions() -> Result<Vec<SessionInfo>, ApiError> {
    async {
        let (backend, me) = server::authorised().await?;
        backend.sessions(&server::headers().await?, &me).await
    }
    .await
    .map_err(server::fail)
}

#[leptos::server(prefix = "/api", endpoint = "end_session", input = Json)]
pub async fn end_session(id: String) -> Result<(), ApiError> {
    async {
        let (backend, me) = server::authorised().await?;
        backend.end_session(&me, id).await
    }
    .await
    .map_err(server::fail)
}

#[leptos::server(prefix = "/api", endpoint = "end_other_sessions", input = Json)]
pub async fn end_other_sessions() -> Result<(), ApiError> {
    async {
        let (backend, me) = server::authorised().await?;
        backend
            .end_other_sessions(&server::headers().await?, &me)
            .await
    }
    .await
    .map_err(server::fail)
}
