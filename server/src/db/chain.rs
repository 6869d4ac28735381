//! A group's stored chain and who is in it: read by group changes, invites and messages
//! alike (each checks membership or role inside its own query), so none of them needs
//! another's module for it.

use super::entities::{Kind, conversations, group_commits, members};
use crate::error::{Error, Result};
use protocol::api::group::StoredCommit;
use protocol::crypto::group::{Head, Role};
use protocol::{ConversationId, UserId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The Everyone room's unique key (there is one per server).
pub(super) const EVERYONE_KEY: &str = "everyone";

pub(super) async fn group_row(
    db: &impl ConnectionTrait,
    conv: ConversationId,
) -> Result<conversations::Model> {
    conversations::Entity::find_by_id(conv.0)
        .filter(conversations::Column::Kind.is_in([Kind::Group, Kind::Everyone]))
        .one(db)
        .await?
        .ok_or(Error::NotFound("No such group."))
}

/// `me`'s role in a group, if a member.
pub async fn role(
    db: &impl ConnectionTrait,
    me: &UserId,
    conv: ConversationId,
) -> Result<Option<Role>> {
    Ok(members::Entity::find()
        .filter(members::Column::ConversationId.eq(conv.0))
        .filter(members::Column::UserId.eq(me.to_hex()))
        .one(db)
        .await?
        .map(|m| m.role.into()))
}

fn stored(row: group_commits::Model) -> Result<StoredCommit> {
    Ok(StoredCommit {
        commit: serde_json::from_str(&row.body).map_err(|_| Error::Corrupt("group commit"))?,
        at: row.created_at,
    })
}

/// The commits after epoch `after` (all for None), oldest first.
pub async fn commits(
    db: &impl ConnectionTrait,
    conv: ConversationId,
    after: Option<u64>,
) -> Result<Vec<StoredCommit>> {
    let mut q =
        group_commits::Entity::find().filter(group_commits::Column::ConversationId.eq(conv.0));
    if let Some(a) = after {
        q = q.filter(group_commits::Column::Epoch.gt(i64::try_from(a).unwrap_or(i64::MAX)));
    }
    q.order_by_asc(group_commits::Column::Epoch)
        .all(db)
        .await?
        .into_iter()
        .map(stored)
        .collect()
}

pub(super) fn head_of(row: &conversations::Model) -> Result<Option<Head>> {
    row.head
        .as_deref()
        .map(|h| serde_json::from_str(h).map_err(|_| Error::Corrupt("group head")))
        .transpose()
}
