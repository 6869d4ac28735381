//! Admin server functions (the admin slash commands and the /admin panel): thin wrappers
//! like the others; the backend refuses non-admins with 403, and the panel's functions
//! also a session that has not confirmed the password lately.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::api::admin::{
    AdminAction, AdminReply, AuditEntry, NewAccount, Overview, UserSummary,
};
use protocol::crypto::kdf::AuthSecret;

#[leptos::server(prefix = "/api", endpoint = "admin_users", input = Json)]
pub async fn admin_users() -> Result<Answer<Vec<UserSummary>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.list_users(&me).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "admin_logout_user", input = Json)]
pub async fn admin_logout_user(username: String) -> Result<Answer<u32>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.logout_user(&me, username).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "admin_shutdown", input = Json)]
pub async fn admin_shutdown() -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.shutdown(&me).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "admin_add_user", input = Json)]
pub async fn admin_add_user(account: NewAccount) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.add_user(&me, account).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "admin_unlock", input = Json)]
pub async fn admin_unlock(auth_secret: AuthSecret) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend
                .admin_unlock(&server::headers().await?, &me, auth_secret)
                .await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "admin_overview", input = Json)]
pub async fn admin_overview(since: i64) -> Result<Answer<Overview>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend
                .admin_overview(&server::headers().await?, &me, since)
                .await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "admin_act", input = Json)]
pub async fn admin_act(action: AdminAction) -> Result<Answer<AdminReply>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend
                .admin_act(&server::headers().await?, &me, action)
                .await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "admin_audit", input = Json)]
pub async fn admin_audit(before: Option<i64>) -> Result<Answer<Vec<AuditEntry>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend
                .admin_audit(&server::headers().await?, &me, before)
                .await
        }
        .await,
    )
}
