//! Accounts an admin makes: the admin adds one with a temporary password, its owner
//! finishes it at their first login. The server implements `SetupService` in
//! `server/src/setup.rs`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::api::admin::NewAccount;
use protocol::api::{Registration, Session};
use protocol::crypto::kdf::AuthSecret;

/// What the server does for this area's functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait SetupService: Send + Sync {
    /// Makes an account with a temporary password (admins only).
    async fn add_user(
        &self,
        me: &protocol::api::Profile,
        account: NewAccount,
    ) -> Result<(), ApiError>;
    /// The first login of an account an admin made: the temporary password's auth secret
    /// and everything a registration carries; starts a session.
    async fn finish_setup(
        &self,
        username: String,
        old_auth_secret: AuthSecret,
        registration: Registration,
        totp: Option<String>,
        device: crate::backend::Device,
    ) -> Result<crate::backend::NewSession, ApiError>;
}

#[leptos::server(prefix = "/api", endpoint = "admin_add_user", input = Json)]
pub async fn admin_add_user(account: NewAccount) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.add_user(&me, account).await).await
}

/// The first login of an account an admin made: the temporary password's auth secret,
/// and the account as the owner's browser made it (their own password and keys); with
/// two-step login on (a reset keeps it), a code too.
#[leptos::server(prefix = "/api", endpoint = "finish_setup", input = Json)]
pub async fn finish_setup(
    username: String,
    old_auth_secret: AuthSecret,
    registration: Registration,
    #[server(default)] totp: Option<String>,
) -> Result<Answer<Session>, ApiError> {
    server::signing_in(async |b, device| {
        b.finish_setup(username, old_auth_secret, registration, totp, device)
            .await
    })
    .await
}
