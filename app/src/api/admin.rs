//! Admin server functions (the admin slash commands): thin wrappers like the others; the
//! backend refuses non-admins with 403.

#[cfg(feature = "ssr")]
use super::server;
use crate::ApiError;
use leptos::server_fn::codec::Json;
use protocol::api::admin::{NewAccount, UserSummary};

#[leptos::server(prefix = "/api", endpoint = "admin_users", input = Json)]
pub async fn admin_users() -> Result<Vec<UserSummary>, ApiError> {
    async {
        let (backend, me) = server::authorised().await?;
        backend.list_users(&me).await
    }
    .await
    .map_err(server::fail)
}

#[leptos::server(prefix = "/api", endpoint = "admin_logout_user", input = Json)]
pub async fn admin_logout_user(username: String) -> Result<u32, ApiError> {
    async {
        let (backend, me) = server::authorised().await?;
        backend.logout_user(&me, username).await
    }
    .await
    .map_err(server::fail)
}

#[leptos::server(prefix = "/api", endpoint = "admin_shutdown", input = Json)]
pub async fn admin_shutdown() -> Result<(), ApiError> {
    async {
        let (backend, me) = server::authorised().await?;
        backend.shutdown(&me).await
    }
    .await
    .map_err(server::fail)
}

#[leptos::server(prefix = "/api", endpoint = "admin_add_user", input = Json)]
pub async fn admin_add_user(account: NewAccount) -> Result<(), ApiError> {
    async {
        let (backend, me) = server::authorised().await?;
        backend.add_user(&me, account).await
    }
    .await
    .map_err(server::fail)
}
