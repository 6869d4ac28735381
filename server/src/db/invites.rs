//! Group invites: made by admins (checked in the query), counted and expired here. The
//! server holds the invite's public key and id, never the secret in the link.

use super::chain::{commits, group_row, head_of};
use super::entities::{MemberRole, invites, members};
use super::now_ms;
use crate::error::{Error, Result};
use protocol::api::group::{INVITE_MAX_MS, INVITE_MAX_USES, InviteInfo, InvitePreview};
use protocol::crypto::group::Role;
use protocol::crypto::group::invite::Invite;
use protocol::crypto::group::seal::possible_len;
use protocol::{Bytes, ConversationId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

fn used_up() -> Error {
    Error::NotFound("That invite has expired, been used up or withdrawn.")
}

/// Stores an invite `me` signed for a group where they are an admin or the owner, with
/// the group's names sealed for the code's holder (`settings`; a group whose commits
/// seal its names must have them, as a joiner could not otherwise see what they join).
pub async fn create(
    db: &DatabaseConnection,
    me: &UserId,
    invite: Invite,
    settings: Option<Bytes>,
) -> Result<()> {
    let conv = invite.group;
    let now = now_ms();
    let well_formed = invite.id.len() == 24
        && invite
            .id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && invite.expires > now
        && invite.expires <= now + INVITE_MAX_MS
        && (1..=INVITE_MAX_USES).contains(&invite.uses);
    if !well_formed {
        return Err(Error::BadRequest(
            "An invite lasts up to 30 days and allows 1 to 1000 uses.".into(),
        ));
    }
    if invite.by != *me {
        return Err(Error::Refused("An invite must be signed by you.".into()));
    }
    let admin = members::Entity::find()
        .filter(members::Column::ConversationId.eq(conv.0))
        .filter(members::Column::UserId.eq(me.to_hex()))
        .filter(members::Column::Role.is_in([MemberRole::Admin, MemberRole::Owner]))
        .one(db)
        .await?;
    if admin.is_none() {
        return Err(Error::Forbidden("Only the group's admins can invite."));
    }
    let head =
        head_of(&group_row(db, conv).await?)?.ok_or(Error::Corrupt("group without commits"))?;
    let signing = head
        .roster
        .get(me)
        .ok_or(Error::Forbidden("Only the group's admins can invite."))?
        .signing;
    invite
        .check(&signing)
        .map_err(|_| Error::BadRequest("The invite's signature does not verify.".into()))?;
    match (&head.settings.sealed, &settings) {
        (None, None) => {}
        (Some(_), Some(b)) if possible_len(b.len()) => {}
        _ => {
            return Err(Error::BadRequest(
                "An invite carries the group's names sealed for its code: update Hearth (reload the page).".into(),
            ));
        }
    }
    invites::Entity::insert(invites::ActiveModel {
        id: Set(invite.id.clone()),
        conversation_id: Set(conv.0),
        created_by: Set(me.to_hex()),
        body: Set(serde_json::to_string(&invite).map_err(|_| Error::Corrupt("invite json"))?),
        expires_at: Set(invite.expires),
        max_uses: Set(invite.uses as i32),
        uses: Set(0),
        created_at: Set(now),
        settings: Set(settings.map(|b| b.0)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn valid(db: &impl ConnectionTrait, id: &str) -> Result<(invites::Model, Invite)> {
    let row = invites::Entity::find_by_id(id.to_owned())
        .filter(invites::Column::ExpiresAt.gt(now_ms()))
        .filter(Expr::col(invites::Column::Uses).lt(Expr::col(invites::Column::MaxUses)))
        .one(db)
        .await?
        .ok_or_else(used_up)?;
    let invite = serde_json::from_str(&row.body).map_err(|_| Error::Corrupt("invite"))?;
    Ok((row, invite))
}

/// What the holder of a link sees before joining: the invite and the group's chain.
pub async fn preview(db: &DatabaseConnection, id: &str) -> Result<InvitePreview> {
    let (row, invite) = valid(db, id).await?;
    Ok(InvitePreview {
        invite,
        commits: commits(db, ConversationId(row.conversation_id), None).await?,
        settings: row.settings.map(Bytes),
    })
}

/// Counts one use of the invite a join carries, if it is the stored one and still valid.
pub(super) async fn consume(
    db: &impl ConnectionTrait,
    conv: ConversationId,
    claimed: &Invite,
) -> Result<()> {
    let (row, stored) = valid(db, &claimed.id).await?;
    if row.conversation_id != conv.0 || stored != *claimed {
        return Err(used_up());
    }
    let res = invites::Entity::update_many()
        .col_expr(
            invites::Column::Uses,
            Expr::col(invites::Column::Uses).add(1),
        )
        .filter(invites::Column::Id.eq(row.id))
        .filter(Expr::col(invites::Column::Uses).lt(Expr::col(invites::Column::MaxUses)))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(used_up());
    }
    Ok(())
}

fn admin_of(me: &UserId) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(members::Column::ConversationId)
        .from(members::Entity)
        .and_where(members::Column::UserId.eq(me.to_hex()))
        .and_where(members::Column::Role.is_in([MemberRole::Admin, MemberRole::Owner]))
        .to_owned()
}

/// The group's invites still usable, for its admins (checked in the query).
pub async fn list(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
) -> Result<Vec<InviteInfo>> {
    if super::chain::role(db, me, conv)
        .await?
        .is_none_or(|r| r < Role::Admin)
    {
        return Err(Error::Forbidden("Only the group's admins see its invites."));
    }
    invites::Entity::find()
        .filter(invites::Column::ConversationId.eq(conv.0))
        .filter(invites::Column::ConversationId.in_subquery(admin_of(me)))
        .filter(invites::Column::ExpiresAt.gt(now_ms()))
        .filter(Expr::col(invites::Column::Uses).lt(Expr::col(invites::Column::MaxUses)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            Ok(InviteInfo {
                by: r
                    .created_by
                    .parse()
                    .map_err(|_| Error::Corrupt("invite author"))?,
                id: r.id,
                expires: r.expires_at,
                used: u32::try_from(r.uses).unwrap_or(0),
                uses: u32::try_from(r.max_uses).unwrap_or(0),
            })
        })
        .collect()
}

/// Withdraws an invite of a group where `me` is an admin (checked in the delete itself).
pub async fn revoke(db: &DatabaseConnection, me: &UserId, id: &str) -> Result<ConversationId> {
    let row = invites::Entity::find_by_id(id.to_owned())
        .filter(invites::Column::ConversationId.in_subquery(admin_of(me)))
        .one(db)
        .await?
        .ok_or(Error::NotFound(
            "No such invite among the groups you administer.",
        ))?;
    invites::Entity::delete_many()
        .filter(invites::Column::Id.eq(row.id))
        .filter(invites::Column::ConversationId.in_subquery(admin_of(me)))
        .exec(db)
        .await?;
    Ok(ConversationId(row.conversation_id))
}
