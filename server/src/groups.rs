//! The server's side of groups beyond the queries: telling members about changes.

use crate::db;
use crate::db::entities::conversations;
use crate::error::Result;
use crate::state::Hearth;
use protocol::api::GroupSummary;
use protocol::api::group::CommitRequest;
use protocol::crypto::group::KeyWrap;
use protocol::frames::ServerFrame;
use protocol::{ConversationId, UserId};

pub fn summary(c: conversations::Model, role: &str, members: u64) -> Result<GroupSummary> {
    Ok(GroupSummary {
        everyone: c.kind == "everyone",
        name: c.name.unwrap_or_default(),
        description: c.description.unwrap_or_default(),
        emoji: c.emoji.unwrap_or_default(),
        members: members.min(u32::MAX as u64) as u32,
        role: db::chain::parse_role(role)?,
    })
}

impl Hearth {
    fn group_changed(&self, conversation: ConversationId, to: &[UserId]) {
        self.hub
            .send_to(to, &ServerFrame::GroupChanged { conversation });
    }

    pub async fn commit(&self, me: &UserId, req: CommitRequest) -> Result<()> {
        let conv = req.commit.body.group;
        let applied = db::groups::apply(&self.db, me, req).await?;
        tracing::info!(conversation = conv.0, "group commit stored");
        self.group_changed(conv, &applied.notify);
        Ok(())
    }

    pub async fn hand_over(
        &self,
        me: &UserId,
        conv: ConversationId,
        wraps: Vec<KeyWrap>,
    ) -> Result<()> {
        let to = db::groups::give_keys(&self.db, me, conv, wraps).await?;
        self.group_changed(conv, &to);
        Ok(())
    }

    pub async fn drop_key(
        &self,
        me: &UserId,
        conv: ConversationId,
        epoch: u64,
        sender: UserId,
    ) -> Result<()> {
        let Some(members) = db::groups::drop_key(&self.db, me, conv, epoch, &sender).await? else {
            // Refused before (or never there): nothing changed, nobody to tell.
            return Ok(());
        };
        tracing::warn!(
            conversation = conv.0,
            epoch,
            recipient = %me,
            %sender,
            "a member refused a key wrap that did not open"
        );
        self.group_changed(conv, &members);
        Ok(())
    }

    pub async fn delete(&self, me: &UserId, conv: ConversationId) -> Result<()> {
        let was = db::groups::delete(&self.db, me, conv).await?;
        tracing::info!(conversation = conv.0, "group deleted");
        self.group_changed(conv, &was);
        Ok(())
    }
}
