//! A group's stored chain and who is in it: read by group changes, invites and messages
//! alike (each checks membership or role inside its own query), so none of them needs
//! another's module for it.

use super::entities::{conversations, group_commits, members};
use crate::error::{Error, Result};
use protocol::api::group::StoredCommit;
use protocol::crypto::group::{Head, Role};
use protocol::{ConversationId, UserId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub(super) const EVERYONE: &str = "everyone";
pub(super) const GROUP: &str = "group";

pub fn role_name(r: Role) -> &'static str {
    match r {
        Role::Owner => "owner",
        Role::Admin => "admin",
        Role::Member => "member",
    }
}

/// A stored role. Anything else is a corrupt row, not a member: reading it as one would
/// hide the corruption and could hand someone a role they were never given.
pub fn parse_role(s: &str) -> Result<Role> {
    match s {
        "owner" => Ok(Role::Owner),
        "admin" => Ok(Role::Admin),
        "member" => Ok(Role::Member),
        _ => Err(Error::Corrupt("member role")),
    }
}

pub(super) async fn group_row(
    db: &impl ConnectionTrait,
    conv: ConversationId,
) -> Result<conversations::Model> {
    conversations::Entity::find_by_id(conv.0)
        .filter(conversations::Column::Kind.is_in([GROUP, EVERYONE]))
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
        .map(|m| parse_role(&m.role))
        .transpose()?)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_as_written_and_nothing_else_reads() {
        for r in [Role::Owner, Role::Admin, Role::Member] {
            assert_eq!(parse_role(role_name(r)).unwrap(), r);
        }
        for bad in ["", "Admin", "owner ", "moderator"] {
            assert!(matches!(parse_role(bad), Err(Error::Corrupt(_))), "{bad:?}");
        }
    }
}
