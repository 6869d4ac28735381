//! Two-step login. The server implements `TotpService` in `server/src/totp/flow.rs`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::api::{TotpEnrolment, TotpStatus};
use protocol::crypto::kdf::AuthSecret;

/// What the server does for this area's functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait TotpService: Send + Sync {
    async fn totp_status(&self, me: &protocol::api::Profile) -> Result<TotpStatus, ApiError>;
    /// Starts an enrolment after checking the password again (a stolen cookie must not
    /// be enough to bind someone else's authenticator): a new secret, not in force
    /// until confirmed.
    async fn totp_begin(
        &self,
        me: &protocol::api::Profile,
        secret: AuthSecret,
    ) -> Result<TotpEnrolment, ApiError>;
    /// Confirms with a code from the new secret; returns the recovery codes (once).
    async fn totp_confirm(
        &self,
        me: &protocol::api::Profile,
        code: String,
    ) -> Result<Vec<String>, ApiError>;
    /// Turns two-step login off: the password and a code again.
    async fn totp_disable(
        &self,
        me: &protocol::api::Profile,
        secret: AuthSecret,
        code: String,
    ) -> Result<(), ApiError>;
}

#[leptos::server(prefix = "/api", endpoint = "totp_status", input = Json)]
pub async fn two_step_status() -> Result<Answer<TotpStatus>, ApiError> {
    server::as_user(async |b, me| b.totp_status(&me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "totp_begin", input = Json)]
pub async fn totp_begin(auth_secret: AuthSecret) -> Result<Answer<TotpEnrolment>, ApiError> {
    server::as_user(async |b, me| b.totp_begin(&me, auth_secret).await).await
}

#[leptos::server(prefix = "/api", endpoint = "totp_confirm", input = Json)]
pub async fn totp_confirm(code: String) -> Result<Answer<Vec<String>>, ApiError> {
    server::as_user(async |b, me| b.totp_confirm(&me, code).await).await
}

#[leptos::server(prefix = "/api", endpoint = "totp_disable", input = Json)]
pub async fn totp_disable(auth_secret: AuthSecret, code: String) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.totp_disable(&me, auth_secret, code).await).await
}
