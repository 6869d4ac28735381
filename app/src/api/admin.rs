//! The admin slash commands (`AdminService`, in `server/src/admin.rs`) and the /admin panel
//! (`PanelService`, in `server/src/panel.rs`). The server refuses non-admins with 403, and the
//! panel's functions also a session that has not confirmed the password lately.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use protocol::api::Profile;
use protocol::api::admin::{AdminAction, AdminReply, AuditEntry, Overview, UserSummary};
use protocol::crypto::kdf::AuthSecret;

/// What the server does for the slash commands.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AdminService: Send + Sync {
    /// Every account.
    async fn list_users(&self, me: &Profile) -> Result<Vec<UserSummary>, ApiError>;
    /// Ends every session of a user; returns how many ended.
    async fn logout_user(&self, me: &Profile, username: String) -> Result<u32, ApiError>;
    /// Shuts the server down gracefully.
    async fn shutdown(&self, me: &Profile) -> Result<(), ApiError>;
}

/// What the server does for the panel.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait PanelService: Send + Sync {
    /// The admin's password again: opens the admin panel for this session for a while.
    async fn admin_unlock(
        &self,
        headers: &http::HeaderMap,
        me: &Profile,
        secret: AuthSecret,
    ) -> Result<(), ApiError>;
    /// The admin panel's accounts, figures and settings (`since`: the admin's midnight).
    async fn admin_overview(
        &self,
        headers: &http::HeaderMap,
        me: &Profile,
        since: i64,
    ) -> Result<Overview, ApiError>;
    /// Does one thing from the admin panel.
    async fn admin_act(
        &self,
        headers: &http::HeaderMap,
        me: &Profile,
        action: AdminAction,
    ) -> Result<AdminReply, ApiError>;
    /// A page of the audit log, newest first, older than the entry `before`.
    async fn admin_audit(
        &self,
        headers: &http::HeaderMap,
        me: &Profile,
        before: Option<i64>,
    ) -> Result<Vec<AuditEntry>, ApiError>;
}

#[leptos::server(prefix = "/api", endpoint = "admin_users", input = Json)]
pub async fn admin_users() -> Result<Answer<Vec<UserSummary>>, ApiError> {
    server::as_user(async |b, me| b.list_users(&me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "admin_logout_user", input = Json)]
pub async fn admin_logout_user(username: String) -> Result<Answer<u32>, ApiError> {
    server::as_user(async |b, me| b.logout_user(&me, username).await).await
}

#[leptos::server(prefix = "/api", endpoint = "admin_shutdown", input = Json)]
pub async fn admin_shutdown() -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.shutdown(&me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "admin_unlock", input = Json)]
pub async fn admin_unlock(auth_secret: AuthSecret) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| {
        b.admin_unlock(&server::headers().await?, &me, auth_secret)
            .await
    })
    .await
}

#[leptos::server(prefix = "/api", endpoint = "admin_overview", input = Json)]
pub async fn admin_overview(since: i64) -> Result<Answer<Overview>, ApiError> {
    server::as_user(async |b, me| {
        b.admin_overview(&server::headers().await?, &me, since)
            .await
    })
    .await
}

#[leptos::server(prefix = "/api", endpoint = "admin_act", input = Json)]
pub async fn admin_act(action: AdminAction) -> Result<Answer<AdminReply>, ApiError> {
    server::as_user(async |b, me| b.admin_act(&server::headers().await?, &me, action).await).await
}

#[leptos::server(prefix = "/api", endpoint = "admin_audit", input = Json)]
pub async fn admin_audit(before: Option<i64>) -> Result<Answer<Vec<AuditEntry>>, ApiError> {
    server::as_user(async |b, me| b.admin_audit(&server::headers().await?, &me, before).await).await
}
