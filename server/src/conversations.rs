//! The people on the server and one's conversations with them
//! (`app::api::ConversationService`): summaries with presence, and history a page at a
//! time.

use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use app::ApiError;
use app::api::ConversationService;
use protocol::api::{ConversationSummary, HISTORY_PAGE, HistoryPage, Person, Profile};
use protocol::{ConversationId, MessageId, UserId};

#[async_trait::async_trait]
impl ConversationService for Hearth {
    async fn people(&self, me: &Profile) -> Result<Vec<Person>, ApiError> {
        let mut out = Vec::new();
        for u in db::users::others(&self.db, &me.id).await? {
            out.push(self.person(&u)?);
        }
        Ok(out)
    }

    async fn conversations(&self, me: &Profile) -> Result<Vec<ConversationSummary>, ApiError> {
        Ok(self.summaries(&me.id).await?)
    }

    async fn open_direct(
        &self,
        me: &Profile,
        peer: UserId,
    ) -> Result<ConversationSummary, ApiError> {
        db::users::by_id(&self.db, &peer)
            .await?
            .filter(|u| !u.pending && u.deleted_at.is_none())
            .ok_or(Error::NotFound("No such person."))?;
        let id = db::conversations::open_direct(&self.db, &me.id, &peer).await?;
        let all = self.summaries(&me.id).await?;
        Ok(all
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::Corrupt("conversation missing"))?)
    }

    async fn history(
        &self,
        me: &Profile,
        conversation: ConversationId,
        before: Option<MessageId>,
    ) -> Result<HistoryPage, ApiError> {
        if before.is_some_and(|b| b.0 <= 0) {
            return Err(Error::BadRequest("Message ids start at 1.".into()).into());
        }
        let (messages, more) =
            db::messages::history(&self.db, &me.id, conversation, before, HISTORY_PAGE as u64)
                .await?;
        let seen = db::conversations::read_marks(&self.db, &me.id, conversation).await?;
        Ok(HistoryPage {
            messages,
            more,
            seen,
        })
    }
}

impl Hearth {
    fn person(&self, user: &db::users::User) -> Result<Person> {
        let id = user.user_id()?;
        let status = self.hub.status(&id);
        Ok(Person {
            id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            online: status.online,
            away: status.away,
            last_seen: status.last_seen,
            identity: user.identity()?,
            deleted: user.deleted_at.is_some(),
        })
    }

    async fn summaries(&self, me: &UserId) -> Result<Vec<ConversationSummary>> {
        let mut out = Vec::new();
        for m in db::conversations::list(&self.db, me).await? {
            let peer = match &m.peer {
                Some(id) => match db::users::by_id(&self.db, id).await? {
                    Some(p) => Some(self.person(&p)?),
                    None => continue,
                },
                None => None,
            };
            out.push(ConversationSummary {
                id: m.conversation,
                group: m
                    .group
                    .map(|(c, role, count)| crate::groups::summary(c, role, count)),
                peer,
                unread: m.unread.min(u32::MAX as u64) as u32,
                last_message: m.last_message,
                last_at: m.last_at,
            });
        }
        Ok(out)
    }
}
