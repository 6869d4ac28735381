//! Encrypted messages: stored once per (sender, client id), read only by members.

use super::conversations::{members_of, mine};
use super::entities::messages;
use crate::error::{Error, Result};
use protocol::frames::StoredMessage;
use protocol::{Bytes, ConversationId, MessageId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// The largest envelope accepted: a 16 KiB text padded and sealed fits easily.
pub const MAX_ENVELOPE: usize = 48 * 1024;

impl messages::Model {
    pub fn stored(self) -> Result<StoredMessage> {
        Ok(StoredMessage {
            id: MessageId(self.id),
            conversation: ConversationId(self.conversation_id),
            sender: self
                .sender_id
                .parse()
                .map_err(|_| Error::Corrupt("message sender"))?,
            client_id: self
                .client_id
                .parse()
                .map_err(|_| Error::Corrupt("message client id"))?,
            envelope: Bytes(self.envelope),
            at: self.created_at,
        })
    }
}

/// What a delete did: the members to tell, and the files whose blobs can go.
pub struct Deleted {
    pub members: Vec<UserId>,
    pub files: Vec<protocol::FileId>,
}

/// Deletes `me`'s own message `message` in `conv` for everyone: its row keeps its place
/// (id, sender, time) with the ciphertext gone, the files it carried are deleted, and so
/// are the rows of `edits`. All or nothing: an id that is not `me`'s in `conv` refuses
/// the lot.
pub async fn delete(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
    message: MessageId,
    edits: &[MessageId],
) -> Result<Deleted> {
    let mut edits: Vec<i64> = edits.iter().map(|i| i.0).collect();
    edits.sort_unstable();
    edits.dedup();
    if edits.len() > protocol::frames::DELETE_EDITS_MAX || edits.contains(&message.0) {
        return Err(Error::BadRequest("That delete names odd messages.".into()));
    }
    let theirs = || Error::Forbidden("You can delete only your own messages.");
    let txn = super::write_txn(db).await?;
    let members = members_of(&txn, me, conv).await?;
    let own = || {
        Condition::all()
            .add(messages::Column::ConversationId.eq(conv.0))
            .add(messages::Column::SenderId.eq(me.to_hex()))
    };
    let res = messages::Entity::update_many()
        .col_expr(messages::Column::Envelope, Expr::value(Vec::<u8>::new()))
        .col_expr(messages::Column::Event, Expr::value(true))
        .filter(own().add(messages::Column::Id.eq(message.0)))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        // Dropped uncommitted: nothing changes.
        return Err(theirs());
    }
    // Before the rows go: their file rows would go with them (cascade), blobs left behind.
    let mut all = edits.clone();
    all.push(message.0);
    let files = super::files::detach(&txn, me, &all).await?;
    if !edits.is_empty() {
        let res = messages::Entity::delete_many()
            .filter(own().add(messages::Column::Id.is_in(edits)))
            .exec(&txn)
            .await?;
        if res.rows_affected != all.len() as u64 - 1 {
            return Err(theirs());
        }
    }
    txn.commit().await?;
    Ok(Deleted { members, files })
}

/// A page of history, newest first, before `before` (or from the newest).
pub async fn history(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
    before: Option<MessageId>,
    limit: u64,
) -> Result<(Vec<StoredMessage>, bool)> {
    if super::chain::role(db, me, conv).await?.is_none() {
        return Err(Error::Forbidden("You are not in that conversation."));
    }
    let mut q = messages::Entity::find()
        .filter(messages::Column::ConversationId.eq(conv.0))
        .filter(messages::Column::ConversationId.in_subquery(mine(me)));
    if let Some(b) = before {
        q = q.filter(messages::Column::Id.lt(b.0));
    }
    let mut rows = q
        .order_by_desc(messages::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let page = rows
        .into_iter()
        .map(messages::Model::stored)
        .collect::<Result<_>>()?;
    Ok((page, more))
}

/// Messages after `after` in any of `me`'s conversations, oldest first: the replay after
/// a reconnect.
pub async fn after(
    db: &impl ConnectionTrait,
    me: &UserId,
    after: MessageId,
    limit: u64,
) -> Result<Vec<StoredMessage>> {
    messages::Entity::find()
        .filter(messages::Column::Id.gt(after.0))
        .filter(messages::Column::ConversationId.in_subquery(mine(me)))
        .order_by_asc(messages::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(messages::Model::stored)
        .collect()
}
