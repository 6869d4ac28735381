//! Two-step login server functions: thin wrappers like the others in `api`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::api::{TotpEnrolment, TotpStatus};
use protocol::crypto::kdf::AuthSecret;

#[leptos::server(prefix = "/api", endpoint = "totp_status", input = Json)]
pub async fn two_step_status() -> Result<Answer<TotpStatus>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.totp_status(&me).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "totp_begin", input = Json)]
pub async fn totp_begin(auth_secret: AuthSecret) -> Result<Answer<TotpEnrolment>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.totp_begin(&me, auth_secret).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "totp_confirm", input = Json)]
pub async fn totp_confirm(code: String) -> Result<Answer<Vec<String>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.totp_confirm(&me, code).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "totp_disable", input = Json)]
pub async fn totp_disable(auth_secret: AuthSecret, code: String) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.totp_disable(&me, auth_secret, code).await
        }
        .await,
    )
}
