//! Groups: their signed chain of commits, key hand-overs and invites. The server
//! implements `GroupService` in `server/src/groups.rs`.

#[cfg(feature = "ssr")]
use super::server;
use crate::{Answer, ApiError};
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use protocol::api::Profile;
use protocol::api::group::{CommitRequest, GroupState, InviteInfo, InvitePreview};
use protocol::crypto::group::KeyWrap;
use protocol::crypto::group::invite::Invite;
use protocol::{Bytes, ConversationId, UserId};

/// What the server does for this area's functions.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait GroupService: Send + Sync {
    /// Reserves a conversation id for a group the user is about to create.
    async fn new_group(&self, me: &Profile) -> Result<ConversationId, ApiError>;
    /// The Everyone room's id (reserved on first use; its first commit makes it).
    async fn everyone_room(&self, me: &Profile) -> Result<ConversationId, ApiError>;
    /// A group's commits after epoch `after` (all for None) and key wraps, for members.
    async fn group_state(
        &self,
        me: &Profile,
        conversation: ConversationId,
        after: Option<u64>,
    ) -> Result<GroupState, ApiError>;
    /// Checks a signed membership change against the group's last one and stores it with
    /// its key wraps; every member before and after is told.
    async fn group_commit(&self, me: &Profile, request: CommitRequest) -> Result<(), ApiError>;
    /// Stores keys a member hands over to other members.
    async fn give_keys(
        &self,
        me: &Profile,
        conversation: ConversationId,
        wraps: Vec<KeyWrap>,
    ) -> Result<(), ApiError>;
    /// Throws away a key wrap made for the user that did not open (so it is handed over
    /// again by someone else).
    async fn drop_key(
        &self,
        me: &Profile,
        conversation: ConversationId,
        epoch: u64,
        sender: UserId,
    ) -> Result<(), ApiError>;
    /// Stores an invite an admin of its group made, with the group's names sealed under
    /// the invite's code.
    async fn create_invite(
        &self,
        me: &Profile,
        invite: Invite,
        settings: Option<Bytes>,
    ) -> Result<(), ApiError>;
    /// A group's usable invites, for its admins.
    async fn list_invites(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<Vec<InviteInfo>, ApiError>;
    /// Withdraws an invite (an admin of its group).
    async fn revoke_invite(&self, me: &Profile, id: String) -> Result<(), ApiError>;
    /// The invite and group chain behind an invite id (derived from the link's secret).
    async fn invite_preview(&self, me: &Profile, id: String) -> Result<InvitePreview, ApiError>;
    /// Deletes a group (its owner only).
    async fn delete_group(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<(), ApiError>;
}

#[leptos::server(prefix = "/api", endpoint = "new_group", input = Json)]
pub async fn new_group() -> Result<Answer<ConversationId>, ApiError> {
    server::as_user(async |b, me| b.new_group(&me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "everyone_room", input = Json)]
pub async fn everyone_room() -> Result<Answer<ConversationId>, ApiError> {
    server::as_user(async |b, me| b.everyone_room(&me).await).await
}

#[leptos::server(prefix = "/api", endpoint = "group_state", input = Json)]
pub async fn fetch_group(
    conversation: ConversationId,
    after: Option<u64>,
) -> Result<Answer<GroupState>, ApiError> {
    server::as_user(async |b, me| b.group_state(&me, conversation, after).await).await
}

#[leptos::server(prefix = "/api", endpoint = "group_commit", input = Json)]
pub async fn group_commit(request: CommitRequest) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.group_commit(&me, request).await).await
}

#[leptos::server(prefix = "/api", endpoint = "give_keys", input = Json)]
pub async fn give_keys(
    conversation: ConversationId,
    wraps: Vec<KeyWrap>,
) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.give_keys(&me, conversation, wraps).await).await
}

#[leptos::server(prefix = "/api", endpoint = "create_invite", input = Json)]
pub async fn create_invite(
    invite: Invite,
    settings: Option<Bytes>,
) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.create_invite(&me, invite, settings).await).await
}

#[leptos::server(prefix = "/api", endpoint = "invite_preview", input = Json)]
pub async fn preview_invite(id: String) -> Result<Answer<InvitePreview>, ApiError> {
    server::as_user(async |b, me| b.invite_preview(&me, id).await).await
}

#[leptos::server(prefix = "/api", endpoint = "delete_group", input = Json)]
pub async fn delete_group(conversation: ConversationId) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.delete_group(&me, conversation).await).await
}

#[leptos::server(prefix = "/api", endpoint = "list_invites", input = Json)]
pub async fn list_invites(
    conversation: ConversationId,
) -> Result<Answer<Vec<InviteInfo>>, ApiError> {
    server::as_user(async |b, me| b.list_invites(&me, conversation).await).await
}

#[leptos::server(prefix = "/api", endpoint = "revoke_invite", input = Json)]
pub async fn revoke_invite(id: String) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.revoke_invite(&me, id).await).await
}

#[leptos::server(prefix = "/api", endpoint = "drop_key", input = Json)]
pub async fn drop_key(
    conversation: ConversationId,
    epoch: u64,
    sender: UserId,
) -> Result<Answer<()>, ApiError> {
    server::as_user(async |b, me| b.drop_key(&me, conversation, epoch, sender).await).await
}
