//! Groups: each commit is checked with the browsers' own rules (`verify_next`) against
//! the stored head, then mirrored into `members` (with roles) in the same transaction.
//! Every query names the caller, so membership and role are checked inside it.

use super::chain::{EVERYONE_KEY, commits, group_row, head_of, role};
use super::entities::{
    Kind, MemberRole, conversations, group_commits, group_keys, members, messages,
};
use super::now_ms;
use crate::error::{Error, Result};
use protocol::api::group::{CommitRequest, GroupState, RefusedWrap};
use protocol::crypto::group::keys::WRAP_LEN;
use protocol::crypto::group::{Action, Head, KeyWrap, Roster};
use protocol::{Bytes, ConversationId, UserId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};
use std::collections::BTreeSet;

fn not_in_group() -> Error {
    Error::Forbidden("You are not in that group.")
}

/// Reserves a conversation id for a group the caller is about to create (the id is part
/// of what the first commit signs).
pub async fn reserve(db: &DatabaseConnection, me: &UserId) -> Result<ConversationId> {
    let res = conversations::Entity::insert(conversations::ActiveModel {
        kind: Set(Kind::Group),
        created_by: Set(Some(me.to_hex())),
        created_at: Set(now_ms()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(ConversationId(res.last_insert_id))
}

/// The Everyone room's id, reserved on first use (its unique key makes it one room).
pub async fn everyone(db: &DatabaseConnection) -> Result<ConversationId> {
    Ok(ConversationId(
        super::conversations::keyed(db, Kind::Everyone, EVERYONE_KEY)
            .await?
            .id,
    ))
}

/// What a member's browser needs: the chain (after the epoch it already has), its own
/// key wraps, and the keys members are owed but lack. The Everyone room's chain is open
/// to every account (to join it); a reserved group's empty chain to the one who reserved it.
pub async fn state(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
    after: Option<u64>,
) -> Result<GroupState> {
    let row = group_row(db, conv).await?;
    let member = role(db, me, conv).await?.is_some();
    let everyone = row.kind == Kind::Everyone;
    let reserver = row.head.is_none() && row.created_by.as_deref() == Some(&me.to_hex());
    if !member && !everyone && !reserver {
        return Err(not_in_group());
    }
    let commits = commits(db, conv, after).await?;
    let (mut wanted, mut keys, mut refused) = (Vec::new(), Vec::new(), Vec::new());
    if member {
        let wraps = group_keys::Entity::find()
            .filter(group_keys::Column::ConversationId.eq(conv.0))
            .all(db)
            .await?;
        let mut have = BTreeSet::new();
        for k in wraps {
            let recipient: UserId = k
                .recipient_id
                .parse()
                .map_err(|_| Error::Corrupt("key recipient"))?;
            let epoch = u64::try_from(k.epoch).map_err(|_| Error::Corrupt("key epoch"))?;
            let sender: UserId = k
                .sender_id
                .parse()
                .map_err(|_| Error::Corrupt("key sender"))?;
            match (k.refused_at, recipient == *me) {
                (Some(_), true) => refused.push(RefusedWrap { epoch, sender }),
                (Some(_), false) => {}
                (None, mine) => {
                    have.insert((epoch, recipient));
                    if mine {
                        keys.push(KeyWrap {
                            epoch,
                            sender,
                            recipient,
                            wrap: Bytes(k.wrap),
                        });
                    }
                }
            }
        }
        let skip = match head_of(&row)? {
            Some(h) => super::group_checks::unreachable(db, &h.roster).await?,
            None => BTreeSet::new(),
        };
        wanted = super::group_checks::owed_and_missing(db, conv, &have, &skip).await?;
    }
    Ok(GroupState {
        id: conv,
        everyone,
        commits,
        wanted,
        keys,
        refused,
    })
}

/// The outcome of a stored commit: who to tell (members before and after).
pub struct Applied {
    pub notify: Vec<UserId>,
}

/// Checks and stores a membership change by `me`, with its key wraps.
pub async fn apply(db: &DatabaseConnection, me: &UserId, req: CommitRequest) -> Result<Applied> {
    let CommitRequest { commit, wraps } = req;
    let b = &commit.body;
    let conv = b.group;
    if b.author != *me {
        return Err(Error::Refused(
            "A group change must be signed by you.".into(),
        ));
    }
    let txn = super::write_txn(db).await?;
    let row = group_row(&txn, conv).await?;
    let everyone = row.kind == Kind::Everyone;
    let head = head_of(&row)?;
    let my_role = role(&txn, me, conv).await?;
    match (&head, &b.action) {
        (None, Action::Create { members }) => {
            let mine = row.created_by.as_deref() == Some(&me.to_hex());
            if !(everyone || mine) {
                return Err(Error::Forbidden("That group was reserved by someone else."));
            }
            // Only the Everyone room is open, and it starts with its creator alone.
            if b.settings.open != everyone || (everyone && members.len() != 1) {
                return Err(Error::Refused(
                    "Only the Everyone room is open to all.".into(),
                ));
            }
        }
        (None, _) => {
            return Err(Error::BadRequest(
                "That group has not been created yet.".into(),
            ));
        }
        (Some(h), _) if b.epoch <= h.epoch => {
            // Someone else's change landed first: the browser fetches the new head and retries.
            return Err(Error::Conflict(
                "The group changed meanwhile; please try again.".into(),
            ));
        }
        (Some(_), Action::Join { .. }) => {}
        (Some(_), _) if my_role.is_none() => return Err(not_in_group()),
        (Some(_), _) => {}
    }
    let next = match &head {
        None => Head::genesis(&commit),
        Some(h) => h.apply(&commit),
    }
    .map_err(|e| Error::Refused(e.to_string()))?;
    // Old pages still name groups in plain text: nothing new may be written that way.
    if matches!(b.action, Action::Create { .. } | Action::Settings) && b.settings.sealed.is_none() {
        return Err(Error::Refused(
            "Group names are sealed now: reload the page to update Hearth.".into(),
        ));
    }
    let old = head.as_ref().map(|h| h.roster.clone()).unwrap_or_default();
    super::group_checks::identities(&txn, &old, &next.roster).await?;
    if let Some(proof) = &b.invite {
        super::invites::consume(&txn, conv, &proof.invite).await?;
    }
    let pairs: Vec<(UserId, Bytes)> = wraps
        .iter()
        .map(|w| (w.recipient, w.wrap.clone()))
        .collect();
    super::group_checks::wraps(&txn, &commit, &next.roster, &pairs).await?;

    let epoch =
        i64::try_from(b.epoch).map_err(|_| Error::BadRequest("Epoch out of range.".into()))?;
    let stored = group_commits::Entity::insert(group_commits::ActiveModel {
        conversation_id: Set(conv.0),
        epoch: Set(epoch),
        author_id: Set(me.to_hex()),
        body: Set(serde_json::to_string(&commit).map_err(|_| Error::Corrupt("commit json"))?),
        keyed: Set(b.key.is_some()),
        created_at: Set(now_ms()),
    })
    .on_conflict(
        OnConflict::columns([
            group_commits::Column::ConversationId,
            group_commits::Column::Epoch,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if stored != 1 {
        return Err(Error::Conflict(
            "The group changed meanwhile; please try again.".into(),
        ));
    }
    // Before this commit's own wraps, which reach the new keys.
    super::group_checks::forget_old_wraps(&txn, conv, &old, &next.roster).await?;
    for w in wraps {
        group_keys::Entity::insert(group_keys::ActiveModel {
            conversation_id: Set(conv.0),
            epoch: Set(epoch),
            recipient_id: Set(w.recipient.to_hex()),
            sender_id: Set(me.to_hex()),
            wrap: Set(w.wrap.0),
            refused_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let notify = mirror_roster(&txn, conv, &old, &next, epoch).await?;
    let key_epoch = next
        .key_epoch
        .and_then(|e| i64::try_from(e).ok())
        .unwrap_or(-1);
    // Sealed names leave nothing readable in the row (a version 1 group keeps its plain
    // ones until an admin seals them).
    let plain = |s: &String| b.settings.sealed.is_none().then(|| s.clone());
    conversations::Entity::update_many()
        .col_expr(
            conversations::Column::Name,
            Expr::value(plain(&b.settings.name)),
        )
        .col_expr(
            conversations::Column::Description,
            Expr::value(plain(&b.settings.description)),
        )
        .col_expr(
            conversations::Column::Emoji,
            Expr::value(plain(&b.settings.emoji)),
        )
        .col_expr(conversations::Column::Epoch, Expr::value(key_epoch))
        .col_expr(
            conversations::Column::Head,
            Expr::value(serde_json::to_string(&next).map_err(|_| Error::Corrupt("head json"))?),
        )
        .filter(conversations::Column::Id.eq(conv.0))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Applied { notify })
}

/// Makes `members` match the new roster; returns everyone before and after.
async fn mirror_roster(
    txn: &impl ConnectionTrait,
    conv: ConversationId,
    old: &Roster,
    next: &Head,
    epoch: i64,
) -> Result<Vec<UserId>> {
    let gone: Vec<String> = old
        .members()
        .filter(|m| next.roster.get(&m.user).is_none())
        .map(|m| m.user.to_hex())
        .collect();
    if !gone.is_empty() {
        members::Entity::delete_many()
            .filter(members::Column::ConversationId.eq(conv.0))
            .filter(members::Column::UserId.is_in(gone))
            .exec(txn)
            .await?;
    }
    // A newcomer's unread count starts at their arrival.
    let newest: Option<i64> = messages::Entity::find()
        .select_only()
        .column_as(messages::Column::Id.max(), "m")
        .filter(messages::Column::ConversationId.eq(conv.0))
        .into_tuple()
        .one(txn)
        .await?
        .flatten();
    for m in next.roster.members() {
        match old.get(&m.user) {
            // Back with new keys: owed keys from here, as the chain counts them.
            Some(o) if o.signing != m.signing => {
                members::Entity::update_many()
                    .col_expr(members::Column::Since, Expr::value(epoch))
                    .col_expr(members::Column::History, Expr::value(next.settings.history))
                    .filter(members::Column::ConversationId.eq(conv.0))
                    .filter(members::Column::UserId.eq(m.user.to_hex()))
                    .exec(txn)
                    .await?;
            }
            Some(o) if o.role == m.role => {}
            Some(_) => {
                members::Entity::update_many()
                    .col_expr(members::Column::Role, Expr::value(MemberRole::from(m.role)))
                    .filter(members::Column::ConversationId.eq(conv.0))
                    .filter(members::Column::UserId.eq(m.user.to_hex()))
                    .exec(txn)
                    .await?;
            }
            None => {
                members::Entity::insert(members::ActiveModel {
                    conversation_id: Set(conv.0),
                    user_id: Set(m.user.to_hex()),
                    last_read: Set(newest.unwrap_or(0)),
                    role: Set(m.role.into()),
                    since: Set(epoch),
                    history: Set(next.settings.history),
                })
                .exec_without_returning(txn)
                .await?;
            }
        }
    }
    Ok(old
        .members()
        .chain(next.roster.members())
        .map(|m| m.user)
        .collect::<BTreeSet<UserId>>()
        .into_iter()
        .collect())
}

/// Stores wraps `me` made of keys they hold, for members of the group: the hand-over to
/// someone who joined while nobody with the key was online. Returns the recipients.
pub async fn give_keys(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
    wraps: Vec<KeyWrap>,
) -> Result<Vec<UserId>> {
    if wraps.is_empty() || wraps.len() > protocol::crypto::group::rules::MAX_MEMBERS {
        return Err(Error::BadRequest(
            "Hand over between 1 and 1000 keys at a time.".into(),
        ));
    }
    let txn = super::write_txn(db).await?;
    role(&txn, me, conv).await?.ok_or_else(not_in_group)?;
    let head_epoch = head_of(&group_row(&txn, conv).await?)?
        .map(|h| h.epoch)
        .ok_or_else(not_in_group)?;
    let recipients: BTreeSet<UserId> = wraps.iter().map(|w| w.recipient).collect();
    let members: BTreeSet<UserId> = members::Entity::find()
        .filter(members::Column::ConversationId.eq(conv.0))
        .filter(members::Column::UserId.is_in(recipients.iter().map(UserId::to_hex)))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|m| m.user_id.parse().ok())
        .collect();
    for w in &wraps {
        if w.sender != *me || w.epoch > head_epoch || w.wrap.len() != WRAP_LEN {
            return Err(Error::BadRequest("That key hand-over is malformed.".into()));
        }
        if !members.contains(&w.recipient) {
            return Err(Error::Refused(
                "Keys go only to members of the group.".into(),
            ));
        }
    }
    // A recipient who holds a usable wrap of a key needs no other: when a key is owed,
    // every member online wraps it at once, and keeping them all would grow the table by
    // the square of the group. A refused wrap does not count, so another member's is
    // taken after it.
    let mut usable: BTreeSet<(i64, String)> = group_keys::Entity::find()
        .filter(group_keys::Column::ConversationId.eq(conv.0))
        .filter(group_keys::Column::RecipientId.is_in(recipients.iter().map(UserId::to_hex)))
        .filter(group_keys::Column::RefusedAt.is_null())
        .all(&txn)
        .await?
        .into_iter()
        .map(|k| (k.epoch, k.recipient_id))
        .collect();
    for w in wraps {
        if !usable.insert((w.epoch as i64, w.recipient.to_hex())) {
            continue;
        }
        group_keys::Entity::insert(group_keys::ActiveModel {
            conversation_id: Set(conv.0),
            epoch: Set(w.epoch as i64),
            recipient_id: Set(w.recipient.to_hex()),
            sender_id: Set(me.to_hex()),
            wrap: Set(w.wrap.0),
            refused_at: Set(None),
        })
        // One wrap per member, recipient and epoch: a second (or one its recipient
        // refused) is not taken; another member's is, beside it.
        .on_conflict(
            OnConflict::columns([
                group_keys::Column::ConversationId,
                group_keys::Column::Epoch,
                group_keys::Column::RecipientId,
                group_keys::Column::SenderId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(recipients.into_iter().collect())
}

/// Marks a wrap made for `me` that did not open or did not match its commit as refused:
/// the key counts as missing again, so another member hands it over, and its author
/// cannot fill the slot again (the refusal stays, with its author, for `me` to see).
/// Returns the members to tell, or None when there was no such wrap to refuse.
pub async fn drop_key(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
    epoch: u64,
    sender: &UserId,
) -> Result<Option<Vec<UserId>>> {
    role(db, me, conv).await?.ok_or_else(not_in_group)?;
    let refused = group_keys::Entity::update_many()
        .col_expr(group_keys::Column::RefusedAt, Expr::value(now_ms()))
        .col_expr(group_keys::Column::Wrap, Expr::value(Vec::<u8>::new()))
        .filter(group_keys::Column::RefusedAt.is_null())
        .filter(group_keys::Column::ConversationId.eq(conv.0))
        .filter(group_keys::Column::Epoch.eq(i64::try_from(epoch).unwrap_or(-1)))
        .filter(group_keys::Column::RecipientId.eq(me.to_hex()))
        .filter(group_keys::Column::SenderId.eq(sender.to_hex()))
        .exec(db)
        .await?;
    if refused.rows_affected == 0 {
        return Ok(None);
    }
    Ok(Some(
        members::Entity::find()
            .filter(members::Column::ConversationId.eq(conv.0))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|m| m.user_id.parse().ok())
            .collect(),
    ))
}

/// Deletes a group, if `me` owns it (checked in the delete itself); returns who was in it.
pub async fn delete(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
) -> Result<Vec<UserId>> {
    let txn = super::write_txn(db).await?;
    let row = group_row(&txn, conv).await?;
    if row.kind == Kind::Everyone {
        return Err(Error::Refused(
            "The Everyone room cannot be deleted.".into(),
        ));
    }
    let was: Vec<UserId> = members::Entity::find()
        .filter(members::Column::ConversationId.eq(conv.0))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|m| m.user_id.parse().ok())
        .collect();
    let owned = sea_orm::sea_query::Query::select()
        .column(members::Column::ConversationId)
        .from(members::Entity)
        .and_where(members::Column::UserId.eq(me.to_hex()))
        .and_where(members::Column::Role.eq(MemberRole::Owner))
        .to_owned();
    let res = conversations::Entity::delete_many()
        .filter(conversations::Column::Id.eq(conv.0))
        .filter(conversations::Column::Id.in_subquery(owned))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::Refused(
            "Only the group's owner can delete it.".into(),
        ));
    }
    txn.commit().await?;
    Ok(was)
}
