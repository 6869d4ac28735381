//! Groups (`app::api::GroupService`): the chain of signed commits, key hand-overs and
//! invites, checked by `db::groups` and `db::invites`; members are told of changes.

use crate::db;
use crate::db::entities::{Kind, MemberRole, conversations};
use crate::error::Result;
use crate::state::Hearth;
use app::ApiError;
use app::api::GroupService;
use protocol::api::group::{CommitRequest, GroupState, InviteInfo, InvitePreview};
use protocol::api::{GroupSummary, Profile};
use protocol::crypto::group::KeyWrap;
use protocol::crypto::group::invite::Invite;
use protocol::frames::ServerFrame;
use protocol::{Bytes, ConversationId, UserId};

pub fn summary(c: conversations::Model, role: MemberRole, members: u64) -> GroupSummary {
    GroupSummary {
        everyone: c.kind == Kind::Everyone,
        name: c.name.unwrap_or_default(),
        description: c.description.unwrap_or_default(),
        emoji: c.emoji.unwrap_or_default(),
        members: members.min(u32::MAX as u64) as u32,
        role: role.into(),
    }
}

impl Hearth {
    fn group_changed(&self, conversation: ConversationId, to: &[UserId]) {
        self.hub
            .send_to(to, &ServerFrame::GroupChanged { conversation });
    }
}

#[async_trait::async_trait]
impl GroupService for Hearth {
    async fn new_group(&self, me: &Profile) -> Result<ConversationId, ApiError> {
        Ok(db::groups::reserve(&self.db, &me.id).await?)
    }

    async fn everyone_room(&self, _me: &Profile) -> Result<ConversationId, ApiError> {
        Ok(db::groups::everyone(&self.db).await?)
    }

    async fn group_state(
        &self,
        me: &Profile,
        conversation: ConversationId,
        after: Option<u64>,
    ) -> Result<GroupState, ApiError> {
        Ok(db::groups::state(&self.db, &me.id, conversation, after).await?)
    }

    async fn group_commit(&self, me: &Profile, request: CommitRequest) -> Result<(), ApiError> {
        let conv = request.commit.body.group;
        let applied = db::groups::apply(&self.db, &me.id, request).await?;
        tracing::info!(conversation = conv.0, "group commit stored");
        self.group_changed(conv, &applied.notify);
        Ok(())
    }

    async fn give_keys(
        &self,
        me: &Profile,
        conversation: ConversationId,
        wraps: Vec<KeyWrap>,
    ) -> Result<(), ApiError> {
        let to = db::groups::give_keys(&self.db, &me.id, conversation, wraps).await?;
        self.group_changed(conversation, &to);
        Ok(())
    }

    async fn drop_key(
        &self,
        me: &Profile,
        conversation: ConversationId,
        epoch: u64,
        sender: UserId,
    ) -> Result<(), ApiError> {
        let dropped = db::groups::drop_key(&self.db, &me.id, conversation, epoch, &sender).await?;
        let Some(members) = dropped else {
            // Refused before (or never there): nothing changed, nobody to tell.
            return Ok(());
        };
        tracing::warn!(
            conversation = conversation.0,
            epoch,
            recipient = %me.id,
            %sender,
            "a member refused a key wrap that did not open"
        );
        self.group_changed(conversation, &members);
        Ok(())
    }

    async fn create_invite(
        &self,
        me: &Profile,
        invite: Invite,
        settings: Option<Bytes>,
    ) -> Result<(), ApiError> {
        Ok(db::invites::create(&self.db, &me.id, invite, settings).await?)
    }

    async fn list_invites(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<Vec<InviteInfo>, ApiError> {
        Ok(db::invites::list(&self.db, &me.id, conversation).await?)
    }

    async fn revoke_invite(&self, me: &Profile, id: String) -> Result<(), ApiError> {
        let conv = db::invites::revoke(&self.db, &me.id, &id).await?;
        tracing::info!(conversation = conv.0, "invite withdrawn");
        Ok(())
    }

    async fn invite_preview(&self, _me: &Profile, id: String) -> Result<InvitePreview, ApiError> {
        Ok(db::invites::preview(&self.db, &id).await?)
    }

    async fn delete_group(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<(), ApiError> {
        let was = db::groups::delete(&self.db, &me.id, conversation).await?;
        tracing::info!(conversation = conversation.0, "group deleted");
        self.group_changed(conversation, &was);
        Ok(())
    }
}
