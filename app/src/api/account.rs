//! Accounts: signing up, in and out, the password, the identity keys, their recovery and
//! the pinned keys of others. The server implements `AccountService` in `server/src/accounts.rs`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::Bytes;
use protocol::api::{
    LoginParams, PasswordChange, Profile, RecoverySetup, RecoveryWrap, Registration, Session,
};
use protocol::crypto::identity::PublicIdentity;
use protocol::crypto::kdf::AuthSecret;

/// What the server does for this area's functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AccountService: Send + Sync {
    /// The salt and KDF settings to derive a user's auth secret with; made up (but
    /// stable) for a name without an account, so the answer does not tell.
    async fn login_params(&self, username: String) -> Result<LoginParams, ApiError>;
    /// Whether the server has no admin yet (a registration may bring the setup code).
    async fn setup_pending(&self) -> Result<bool, ApiError>;
    async fn register(
        &self,
        reg: Registration,
        device: crate::backend::Device,
    ) -> Result<crate::backend::NewSession, ApiError>;
    /// Checks the password (its auth secret) and, for accounts with two-step login, the
    /// code (or a recovery code); `SecondFactor` asks for one.
    async fn login(
        &self,
        username: String,
        secret: AuthSecret,
        totp: Option<String>,
        device: crate::backend::Device,
    ) -> Result<crate::backend::NewSession, ApiError>;
    /// Ends the request's session; returns the Set-Cookie value that clears the cookie.
    async fn logout(&self, headers: &http::HeaderMap) -> Result<String, ApiError>;
    /// The user whose session cookie the request carries.
    async fn authenticate(&self, headers: &http::HeaderMap) -> Result<Profile, ApiError>;
    /// The user's encrypted pinned-keys store, if saved yet.
    async fn pins(&self, me: &Profile) -> Result<Option<Bytes>, ApiError>;
    /// Replaces the store, if `previous` (a digest, "" for none) is still what is stored.
    async fn save_pins(
        &self,
        me: &Profile,
        blob: Bytes,
        previous: Option<String>,
    ) -> Result<(), ApiError>;
    /// Replaces the user's identity keys (signed for them) and their wrap, after checking
    /// the password again (its auth secret): a stolen cookie must not be enough. The
    /// recovery wrap (of the old keys) is replaced by `recovery`, or removed. Everyone
    /// connected is told.
    async fn rotate_identity(
        &self,
        me: &Profile,
        secret: AuthSecret,
        identity: PublicIdentity,
        wrapped_keys: Bytes,
        recovery: Option<RecoverySetup>,
    ) -> Result<(), ApiError>;
    /// Replaces the password (checked again) and ends the user's other sessions.
    async fn change_password(
        &self,
        headers: &http::HeaderMap,
        me: &Profile,
        change: PasswordChange,
    ) -> Result<(), ApiError>;
    /// The recovery wrap of a user's keys, for the holder of their recovery key.
    async fn recovery_keys(
        &self,
        username: String,
        secret: AuthSecret,
    ) -> Result<RecoveryWrap, ApiError>;
    /// Sets a new password with the recovery key (in `change.old_auth_secret`), ends every
    /// session and starts a new one. An account with two-step login needs its code (or a
    /// recovery code) here too; `SecondFactor` asks for one.
    async fn recover(
        &self,
        username: String,
        change: PasswordChange,
        totp: Option<String>,
        device: crate::backend::Device,
    ) -> Result<crate::backend::NewSession, ApiError>;
}

#[leptos::server(prefix = "/api", endpoint = "prelogin", input = Json)]
pub async fn prelogin(username: String) -> Result<LoginParams, ApiError> {
    server::plain(async |b| b.login_params(username).await).await
}

/// Whether the server still waits for its first admin: the register page then asks for
/// the setup code printed in the server's terminal.
#[leptos::server(prefix = "/api", endpoint = "setup_pending", input = Json)]
pub async fn setup_pending() -> Result<bool, ApiError> {
    server::plain(async |b| b.setup_pending().await).await
}

#[leptos::server(prefix = "/api", endpoint = "register", input = Json)]
pub async fn register(registration: Registration) -> Result<Answer<Session>, ApiError> {
    server::signing_in(async |b, device| b.register(registration, device).await).await
}

/// `totp`: the authenticator's code (or a recovery code) when the account asks for one.
#[leptos::server(prefix = "/api", endpoint = "login", input = Json)]
pub async fn login(
    username: String,
    auth_secret: AuthSecret,
    #[server(default)] totp: Option<String>,
) -> Result<Answer<Session>, ApiError> {
    server::signing_in(async |b, device| b.login(username, auth_secret, totp, device).await).await
}

#[leptos::server(prefix = "/api", endpoint = "logout", input = Json)]
pub async fn logout() -> Result<(), ApiError> {
    server::plain(async |b| {
        let cookie = b.logout(&server::headers().await?).await?;
        server::set_cookie(&cookie)
    })
    .await
}

#[leptos::server(prefix = "/api", endpoint = "me", input = Json)]
pub async fn me() -> Result<Profile, ApiError> {
    server::me().await
}

/// Who this browser is signed in as, or None once its session has ended: an answer a
/// page expects (after signing out, on another device too), so it is not an error.
#[leptos::server(prefix = "/api", endpoint = "whoami", input = Json)]
pub async fn whoami() -> Result<Option<Profile>, ApiError> {
    server::whoami().await
}

#[leptos::server(prefix = "/api", endpoint = "pins", input = Json)]
pub async fn pins() -> Result<Answer<Option<Bytes>>, ApiError> {
    server::as_user(async |b, me| b.pins(&me).await).await
}

/// Stores the sealed pins. `previous` is the digest (`Pins::digest`) of the store the
/// browser merged with ("" for none): if another save landed since, the answer is a
/// conflict and the browser merges again. Without it the store is replaced as it is.
#[leptos::server(prefix = "/api", endpoint = "save_pins", input = Json)]
pub async fn save_pins(
    blob: Bytes,
    #[server(default)] previous: Option<String>,
) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.save_pins(&me, blob, previous).await).await
}

#[leptos::server(prefix = "/api", endpoint = "rotate_identity", input = Json)]
pub async fn rotate_identity(
    auth_secret: AuthSecret,
    identity: PublicIdentity,
    wrapped_keys: Bytes,
    #[server(default)] recovery: Option<RecoverySetup>,
) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| {
        b.rotate_identity(&me, auth_secret, identity, wrapped_keys, recovery)
            .await
    })
    .await
}

#[leptos::server(prefix = "/api", endpoint = "change_password", input = Json)]
pub async fn change_password(change: PasswordChange) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| {
        b.change_password(&server::headers().await?, &me, change)
            .await
    })
    .await
}

#[leptos::server(prefix = "/api", endpoint = "recovery_keys", input = Json)]
pub async fn recovery_keys(
    username: String,
    recovery_secret: AuthSecret,
) -> Result<Answer<RecoveryWrap>, ApiError> {
    server::anyone(async |b| b.recovery_keys(username, recovery_secret).await).await
}

#[leptos::server(prefix = "/api", endpoint = "recover", input = Json)]
pub async fn recover(
    username: String,
    change: PasswordChange,
    totp: Option<String>,
) -> Result<Answer<Session>, ApiError> {
    server::signing_in(async |b, device| b.recover(username, change, totp, device).await).await
}
