//! Conversations (direct and group) and their members.

use super::entities::{Kind, MemberRole, conversations, members, messages};
use super::now_ms;
use crate::error::{Error, Result};
use protocol::{ConversationId, MessageId, UserId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};

/// One row of the sidebar, before the peer's profile is attached.
pub struct Membership {
    pub conversation: ConversationId,
    /// The other person, for a direct conversation.
    pub peer: Option<UserId>,
    /// For a group: its row, `me`'s role and the member count.
    pub group: Option<(conversations::Model, MemberRole, u64)>,
    pub unread: u64,
    pub last_message: Option<MessageId>,
    pub last_at: Option<i64>,
}

fn direct_key(a: &UserId, b: &UserId) -> String {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    format!("{lo}:{hi}")
}

/// The conversation with a unique key (a direct pair, the Everyone room), made on first
/// use; two callers at once still end up with one.
pub(super) async fn keyed(
    db: &impl ConnectionTrait,
    kind: Kind,
    key: &str,
) -> Result<conversations::Model> {
    let find = || conversations::Entity::find().filter(conversations::Column::DirectKey.eq(key));
    if let Some(c) = find().one(db).await? {
        return Ok(c);
    }
    conversations::Entity::insert(conversations::ActiveModel {
        kind: Set(kind),
        direct_key: Set(Some(key.into())),
        created_at: Set(now_ms()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(conversations::Column::DirectKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    find()
        .one(db)
        .await?
        .ok_or(Error::Corrupt("keyed conversation vanished"))
}

/// The direct conversation between two people, made on first use. The unique direct key
/// means two browsers opening it at once still end up with one conversation.
pub async fn open_direct(
    db: &DatabaseConnection,
    me: &UserId,
    peer: &UserId,
) -> Result<ConversationId> {
    if me == peer {
        return Err(Error::BadRequest(
            "A direct conversation needs another person.".into(),
        ));
    }
    let txn = super::write_txn(db).await?;
    let c = keyed(&txn, Kind::Direct, &direct_key(me, peer)).await?;
    for user in [me, peer] {
        members::Entity::insert(members::ActiveModel {
            conversation_id: Set(c.id),
            user_id: Set(user.to_hex()),
            last_read: Set(0),
            role: Set(MemberRole::Member),
            since: Set(0),
            history: Set(false),
        })
        .on_conflict(
            OnConflict::columns([members::Column::ConversationId, members::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(ConversationId(c.id))
}

/// The members of a conversation, provided `me` is one of them.
pub async fn members_of(
    db: &impl ConnectionTrait,
    me: &UserId,
    conv: ConversationId,
) -> Result<Vec<UserId>> {
    // Only the ids: every send reads this, and a big room has a thousand rows.
    let rows: Vec<String> = members::Entity::find()
        .select_only()
        .column(members::Column::UserId)
        .filter(members::Column::ConversationId.eq(conv.0))
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<UserId> = rows.iter().filter_map(|m| m.parse().ok()).collect();
    if !ids.contains(me) {
        return Err(Error::Forbidden("You are not in that conversation."));
    }
    Ok(ids)
}

/// The two people of a direct conversation `me` is one of (the caller of a call, and
/// the callee), read from its key in one query; anything else is refused.
pub async fn direct_pair(
    db: &impl ConnectionTrait,
    me: &UserId,
    conv: ConversationId,
) -> Result<[UserId; 2]> {
    let refused = || Error::Forbidden("Calls are between the two people of a direct conversation.");
    let key: Option<Option<String>> = conversations::Entity::find_by_id(conv.0)
        .select_only()
        .column(conversations::Column::DirectKey)
        .filter(conversations::Column::Kind.eq(Kind::Direct))
        .into_tuple()
        .one(db)
        .await?;
    let pair = key
        .flatten()
        .and_then(|k| {
            let (a, b) = k.split_once(':')?;
            Some([a.parse().ok()?, b.parse().ok()?])
        })
        .ok_or_else(refused)?;
    if pair.contains(me) {
        Ok(pair)
    } else {
        Err(refused())
    }
}

/// Every conversation of `me`, with unread counts (messages from others after the read
/// mark) and the newest message.
pub async fn list(db: &DatabaseConnection, me: &UserId) -> Result<Vec<Membership>> {
    let mine = members::Entity::find()
        .filter(members::Column::UserId.eq(me.to_hex()))
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(mine.len());
    for m in mine {
        let Some(conv) = conversations::Entity::find_by_id(m.conversation_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let (peer, group) = if conv.kind == Kind::Direct {
            let peer = members::Entity::find()
                .filter(members::Column::ConversationId.eq(m.conversation_id))
                .filter(members::Column::UserId.ne(me.to_hex()))
                .one(db)
                .await?;
            let Some(peer) = peer.and_then(|p| p.user_id.parse().ok()) else {
                continue;
            };
            (Some(peer), None)
        } else {
            let count = members::Entity::find()
                .filter(members::Column::ConversationId.eq(m.conversation_id))
                .count(db)
                .await?;
            (None, Some((conv, m.role, count)))
        };
        let unread = messages::Entity::find()
            .filter(messages::Column::ConversationId.eq(m.conversation_id))
            .filter(messages::Column::Id.gt(m.last_read))
            .filter(messages::Column::SenderId.ne(me.to_hex()))
            .filter(messages::Column::Event.eq(false))
            .count(db)
            .await?;
        let last: Option<(i64, i64)> = messages::Entity::find()
            .select_only()
            .column(messages::Column::Id)
            .column(messages::Column::CreatedAt)
            .filter(messages::Column::ConversationId.eq(m.conversation_id))
            .order_by_id_desc()
            .into_tuple()
            .one(db)
            .await?;
        out.push(Membership {
            conversation: ConversationId(m.conversation_id),
            peer,
            group,
            unread,
            last_message: last.map(|l| MessageId(l.0)),
            last_at: last.map(|l| l.1),
        });
    }
    out.sort_by_key(|m| std::cmp::Reverse(m.last_message));
    Ok(out)
}

/// Moves `me`'s read mark forward (never back, never past the newest message) in a
/// conversation they belong to; returns the mark and the members to tell, if it moved.
pub async fn mark_read(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
    up_to: MessageId,
) -> Result<Option<(MessageId, Vec<UserId>)>> {
    // Not past the newest message: a mark far ahead would show later ones as seen.
    let newest: Option<i64> = messages::Entity::find()
        .select_only()
        .column_as(messages::Column::Id.max(), "newest")
        .filter(messages::Column::ConversationId.eq(conv.0))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let up_to = MessageId(up_to.0.min(newest.unwrap_or(0)));
    let res = members::Entity::update_many()
        .col_expr(members::Column::LastRead, Expr::value(up_to.0))
        .filter(members::Column::ConversationId.eq(conv.0))
        .filter(members::Column::UserId.eq(me.to_hex()))
        .filter(members::Column::LastRead.lt(up_to.0))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    Ok(Some((up_to, members_of(db, me, conv).await?)))
}

/// How far every member but `me` has read `conv` (`me` must be a member).
pub async fn read_marks(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
) -> Result<Vec<protocol::api::ReadMark>> {
    let rows = members::Entity::find()
        .filter(members::Column::ConversationId.eq(conv.0))
        .filter(members::Column::ConversationId.in_subquery(mine(me)))
        .filter(members::Column::UserId.ne(me.to_hex()))
        .filter(members::Column::LastRead.gt(0))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|m| {
            Ok(protocol::api::ReadMark {
                user: m.user_id.parse().map_err(|_| Error::Corrupt("member id"))?,
                up_to: MessageId(m.last_read),
            })
        })
        .collect()
}

/// The conversations `me` belongs to, as a subquery for filtering messages.
pub fn mine(me: &UserId) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(members::Column::ConversationId)
        .from(members::Entity)
        .and_where(members::Column::UserId.eq(me.to_hex()))
        .to_owned()
}
