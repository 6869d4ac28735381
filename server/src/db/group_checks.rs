//! What the server checks of a group change's people and keys, beyond the browsers' own
//! rules: real accounts with the keys the roster names, and a new key wrapped for every
//! member who can still open it. A signed roster is the members' to change, so an account
//! that can no longer open keys under the key the roster names (deleted, or with new keys
//! after a rotation or a password reset) stays in it until removed, or in an open group
//! until it comes back with its new keys, but is owed nothing meanwhile: browsers skip it,
//! and without that one member a group could never start a key again.

use super::entities::{group_commits, group_keys, members, users};
use crate::error::{Error, Result};
use protocol::api::group::{WANTED_MAX, WrapSlot};
use protocol::crypto::group::keys::{WRAP_LEN, wraps_hash};
use protocol::crypto::group::{Commit, Member, Roster};
use protocol::{Bytes, ConversationId, UserId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, BTreeSet};

/// The roster's members no new key can reach: deleted accounts, accounts waiting to be
/// set up again after a password reset, and accounts whose published signing key is not
/// the one the roster names.
pub async fn unreachable(db: &impl ConnectionTrait, roster: &Roster) -> Result<BTreeSet<UserId>> {
    let ids: Vec<String> = roster.members().map(|m| m.user.to_hex()).collect();
    let live: BTreeMap<String, Vec<u8>> = users::Entity::find()
        .select_only()
        .columns([users::Column::Id, users::Column::SigningKey])
        .filter(users::Column::Id.is_in(ids))
        .filter(users::Column::DeletedAt.is_null())
        .filter(users::Column::Pending.eq(false))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(roster
        .members()
        .filter(|m| live.get(&m.user.to_hex()).map(Vec::as_slice) != Some(&m.signing[..]))
        .map(|m| m.user)
        .collect())
}

/// Each member is owed the keys started since they joined, and every earlier one if the
/// group shared its history then; these are the ones nobody has wrapped for them yet.
/// Members in `skip` (see `unreachable`) are owed nothing.
pub async fn owed_and_missing(
    db: &impl ConnectionTrait,
    conv: ConversationId,
    have: &BTreeSet<(u64, UserId)>,
    skip: &BTreeSet<UserId>,
) -> Result<Vec<WrapSlot>> {
    let keyed: Vec<i64> = group_commits::Entity::find()
        .select_only()
        .column(group_commits::Column::Epoch)
        .filter(group_commits::Column::ConversationId.eq(conv.0))
        .filter(group_commits::Column::Keyed.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let members: Vec<(UserId, members::Model)> = members::Entity::find()
        .filter(members::Column::ConversationId.eq(conv.0))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.user_id.parse().ok()?, m)))
        .collect();
    let mut out = Vec::new();
    for (recipient, m) in members.iter().filter(|m| !skip.contains(&m.0)) {
        for e in keyed.iter().filter(|e| m.history || **e >= m.since) {
            let epoch = *e as u64;
            if !have.contains(&(epoch, *recipient)) && out.len() < WANTED_MAX {
                out.push(WrapSlot {
                    epoch,
                    recipient: *recipient,
                });
            }
        }
    }
    Ok(out)
}

/// Members the change names with keys the old roster did not: newcomers, and members
/// back with new keys.
fn newly_keyed<'a>(old: &'a Roster, new: &'a Roster) -> impl Iterator<Item = &'a Member> {
    new.members()
        .filter(|m| old.get(&m.user).is_none_or(|o| o.signing != m.signing))
}

/// Everyone newly named in the roster, or named with new keys, must be a live account (not
/// deleted, not waiting to be set up again) whose published Ed25519 key is the one the
/// commit names (or no browser could check their signatures, and no key could reach them).
pub async fn identities(db: &impl ConnectionTrait, old: &Roster, new: &Roster) -> Result<()> {
    let added: Vec<_> = newly_keyed(old, new).collect();
    let ids: Vec<String> = added.iter().map(|m| m.user.to_hex()).collect();
    let found: BTreeMap<String, Vec<u8>> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .filter(users::Column::DeletedAt.is_null())
        .filter(users::Column::Pending.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.signing_key))
        .collect();
    for m in added {
        if found.get(&m.user.to_hex()).map(Vec::as_slice) != Some(&m.signing[..]) {
            return Err(Error::Refused(
                "Someone in that change is unknown or named with the wrong keys.".into(),
            ));
        }
    }
    Ok(())
}

/// A member back with new keys cannot open the wraps made for the old ones: they go, so
/// the keys are listed as owed again and the members online hand them over anew.
pub async fn forget_old_wraps(
    db: &impl ConnectionTrait,
    conv: ConversationId,
    old: &Roster,
    new: &Roster,
) -> Result<()> {
    let rekeyed: Vec<String> = newly_keyed(old, new)
        .filter(|m| old.get(&m.user).is_some())
        .map(|m| m.user.to_hex())
        .collect();
    if !rekeyed.is_empty() {
        group_keys::Entity::delete_many()
            .filter(group_keys::Column::ConversationId.eq(conv.0))
            .filter(group_keys::Column::RecipientId.is_in(rekeyed))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// New identity keys (a rotation, or a reset finished): the wraps made for the old keys,
/// and by them, open no more (a wrap proves its author by the key they publish now).
/// They go, in every group, so the keys count as owed again and other members hand them
/// over (and nobody mistakes them for garbage).
pub async fn forget_wraps_of(db: &impl ConnectionTrait, user: &str) -> Result<()> {
    group_keys::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(group_keys::Column::RecipientId.eq(user))
                .add(group_keys::Column::SenderId.eq(user)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// A commit that starts a key must wrap it once for each member of the new roster, except
/// that the unreachable may be left out (a browser that has not heard of a deletion yet
/// still wraps for them); one that starts none carries no wraps. Either way the wraps must
/// match the hash the commit signs.
pub async fn wraps(
    db: &impl ConnectionTrait,
    commit: &Commit,
    roster: &Roster,
    wraps: &[(UserId, Bytes)],
) -> Result<()> {
    let b = &commit.body;
    let recipients: BTreeSet<UserId> = wraps.iter().map(|w| w.0).collect();
    let (least, most): (BTreeSet<UserId>, BTreeSet<UserId>) = if b.key.is_some() {
        let all: BTreeSet<UserId> = roster.members().map(|m| m.user).collect();
        let gone = unreachable(db, roster).await?;
        (all.difference(&gone).copied().collect(), all)
    } else {
        Default::default()
    };
    let ok = recipients.len() == wraps.len()
        && recipients.is_superset(&least)
        && recipients.is_subset(&most)
        && wraps.iter().all(|w| w.1.len() == WRAP_LEN)
        && wraps_hash(wraps) == b.wraps;
    if !ok {
        return Err(Error::BadRequest(
            "The new key must be wrapped once for each member, as the change says.".into(),
        ));
    }
    Ok(())
}
