//! The user's sessions (signed-in browsers and devices): thin wrappers like the others.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::api::SessionInfo;

#[leptos::server(prefix = "/api", endpoint = "sessions", input = Json)]
pub async fn sessions() -> Result<Answer<Vec<SessionInfo>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.sessions(&server::headers().await?, &me).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "end_session", input = Json)]
pub async fn end_session(id: String) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.end_session(&me, id).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "end_other_sessions", input = Json)]
pub async fn end_other_sessions() -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend
                .end_other_sessions(&server::headers().await?, &me)
                .await
        }
        .await,
    )
}
