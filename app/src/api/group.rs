//! Group server functions: thin wrappers like the others in `api`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
use protocol::api::group::{CommitRequest, GroupState, InviteInfo, InvitePreview};
use protocol::crypto::group::KeyWrap;
use protocol::crypto::group::invite::Invite;
use protocol::{Bytes, ConversationId};

#[leptos::server(prefix = "/api", endpoint = "new_group", input = Json)]
pub async fn new_group() -> Result<Answer<ConversationId>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.new_group(&me).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "everyone_room", input = Json)]
pub async fn everyone_room() -> Result<Answer<ConversationId>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.everyone_room(&me).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "group_state", input = Json)]
pub async fn fetch_group(
    conversation: ConversationId,
    after: Option<u64>,
) -> Result<Answer<GroupState>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.group_state(&me, conversation, after).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "group_commit", input = Json)]
pub async fn group_commit(request: CommitRequest) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.group_commit(&me, request).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "give_keys", input = Json)]
pub async fn give_keys(
    conversation: ConversationId,
    wraps: Vec<KeyWrap>,
) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.give_keys(&me, conversation, wraps).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "create_invite", input = Json)]
pub async fn create_invite(
    invite: Invite,
    settings: Option<Bytes>,
) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.create_invite(&me, invite, settings).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "invite_preview", input = Json)]
pub async fn preview_invite(id: String) -> Result<Answer<InvitePreview>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.invite_preview(&me, id).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "delete_group", input = Json)]
pub async fn delete_group(conversation: ConversationId) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.delete_group(&me, conversation).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "list_invites", input = Json)]
pub async fn list_invites(
    conversation: ConversationId,
) -> Result<Answer<Vec<InviteInfo>>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.list_invites(&me, conversation).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "revoke_invite", input = Json)]
pub async fn revoke_invite(id: String) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.revoke_invite(&me, id).await
        }
        .await,
    )
}

#[leptos::server(prefix = "/api", endpoint = "drop_key", input = Json)]
pub async fn drop_key(
    conversation: ConversationId,
    epoch: u64,
    sender: protocol::UserId,
) -> Result<Answer<()>, ApiError> {
    server::answer(
        async {
            let (backend, me) = server::authorised().await?;
            backend.drop_key(&me, conversation, epoch, sender).await
        }
        .await,
    )
}
