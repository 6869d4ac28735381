//! Sessions: one row per signed-in browser, keyed by the hash of its cookie token. Every
//! query that lists or ends sessions names the owner inside the query.

use super::entities::sessions;
use super::now_ms;
use super::users::{User, by_id};
use crate::error::{Error, Result};
use app::backend::Device;
use protocol::UserId;
use protocol::api::SESSION_ID_LEN;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, Set,
};

pub use sessions::Model as Session;

/// The longest User-Agent kept (the column's size; real ones are 100–300 characters).
const AGENT_MAX: usize = 512;

pub async fn create(
    db: &DatabaseConnection,
    token_hash: String,
    user: &UserId,
    device: Device,
) -> Result<()> {
    let now = now_ms();
    sessions::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user.to_hex()),
        created_at: Set(now),
        last_seen: Set(now),
        agent: Set(device.agent.map(|a| a.chars().take(AGENT_MAX).collect())),
        address: Set(device.address),
        elevated_until: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The user a session token hash belongs to, refreshing the session's last use.
pub async fn user(
    db: &DatabaseConnection,
    token_hash: &str,
    policy: &crate::auth::SessionPolicy,
) -> Result<Option<User>> {
    let Some(session) = sessions::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = now_ms();
    let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    if now.saturating_sub(session.created_at) > ms(policy.max)
        || now.saturating_sub(session.last_seen) > ms(policy.idle)
    {
        // Expired: the cookie's Max-Age says the same, but a copied cookie must not outlive it.
        delete(db, token_hash).await?;
        return Ok(None);
    }
    // Only write once a minute: every request would otherwise be a database write.
    if now - session.last_seen > 60_000 {
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeen, Expr::value(now))
            .filter(sessions::Column::TokenHash.eq(token_hash))
            .exec(db)
            .await?;
    }
    let user = by_id(
        db,
        &session
            .user_id
            .parse()
            .map_err(|_| Error::Corrupt("session user"))?,
    )
    .await?;
    // Disabling, deleting and a password reset end the sessions too; this holds even if
    // one were left behind (a login that raced the reset).
    Ok(user.filter(|u| !u.disabled && !u.pending && u.deleted_at.is_none()))
}

/// When the session ends however much it is used (its login plus the policy's `max`, in
/// ms since the epoch), or None if it has ended already. A socket checks this once
/// registered, so a session ended during its opening handshake does not keep it, and
/// closes when the time comes.
pub async fn deadline(
    db: &DatabaseConnection,
    token_hash: &str,
    policy: &crate::auth::SessionPolicy,
) -> Result<Option<i64>> {
    let max = i64::try_from(policy.max.as_millis()).unwrap_or(i64::MAX);
    Ok(sessions::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
        .map(|s| s.created_at.saturating_add(max)))
}

/// Marks the sessions `hashes` (those with a tab connected) as used now, so an open tab
/// keeps its session from ending idle. Rows written less than a minute ago are left.
pub async fn touch(db: &DatabaseConnection, hashes: &[String]) -> Result<()> {
    let now = now_ms();
    for chunk in hashes.chunks(500) {
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeen, Expr::value(now))
            .filter(sessions::Column::TokenHash.is_in(chunk.iter().cloned()))
            .filter(sessions::Column::LastSeen.lt(now - 60_000))
            .exec(db)
            .await?;
    }
    Ok(())
}

pub async fn delete(db: &DatabaseConnection, token_hash: &str) -> Result<()> {
    sessions::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// `me`'s sessions, most recently used first.
pub async fn of(db: &DatabaseConnection, me: &UserId) -> Result<Vec<Session>> {
    Ok(sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(me.to_hex()))
        .order_by_desc(sessions::Column::LastSeen)
        .all(db)
        .await?)
}

/// Ends `me`'s session whose handle is `id`; returns the token hashes ended (none when it
/// is not theirs: the owner is part of the delete).
pub async fn end(db: &DatabaseConnection, me: &UserId, id: &str) -> Result<Vec<String>> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() != SESSION_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::BadRequest("That is not a session.".into()));
    }
    let txn = super::write_txn(db).await?;
    let ended = end_where(
        &txn,
        sessions::Column::UserId
            .eq(me.to_hex())
            .and(sessions::Column::TokenHash.starts_with(&id)),
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}

/// Ends every session of `user` but `keep` (all of them for None); returns their hashes.
/// One transaction: a session made meanwhile is either listed and ended, or kept.
pub async fn end_all(
    db: &DatabaseConnection,
    user: &UserId,
    keep: Option<&str>,
) -> Result<Vec<String>> {
    let txn = super::write_txn(db).await?;
    let ended = end_all_in(&txn, user, keep).await?;
    txn.commit().await?;
    Ok(ended)
}

/// `end_all` inside a transaction the caller holds.
pub async fn end_all_in<C: ConnectionTrait>(
    db: &C,
    user: &UserId,
    keep: Option<&str>,
) -> Result<Vec<String>> {
    let mut which = sessions::Column::UserId.eq(user.to_hex());
    if let Some(keep) = keep {
        which = which.and(sessions::Column::TokenHash.ne(keep));
    }
    end_where(db, which).await
}

async fn end_where<C: ConnectionTrait>(
    db: &C,
    which: sea_orm::sea_query::Expr,
) -> Result<Vec<String>> {
    let hashes: Vec<String> = sessions::Entity::find()
        .filter(which.clone())
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.token_hash)
        .collect();
    sessions::Entity::delete_many()
        .filter(which)
        .exec(db)
        .await?;
    Ok(hashes)
}

/// How many sessions each user has (by user id, hex).
pub async fn counts(db: &DatabaseConnection) -> Result<std::collections::HashMap<String, u32>> {
    let mut out = std::collections::HashMap::new();
    // A LAN server's sessions are a few hundred rows: counting them here is simplest.
    for s in sessions::Entity::find().all(db).await? {
        *out.entry(s.user_id).or_insert(0) += 1;
    }
    Ok(out)
}

/// The admin panel may be used from this session until `until` (ms since the epoch).
pub async fn elevate(db: &DatabaseConnection, token_hash: &str, until: i64) -> Result<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::ElevatedUntil, Expr::value(until))
        .filter(sessions::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the session confirmed the password recently enough for the admin panel.
pub async fn elevated(db: &DatabaseConnection, token_hash: &str) -> Result<bool> {
    Ok(sessions::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
        .and_then(|s| s.elevated_until)
        .is_some_and(|until| until > now_ms()))
}

/// Which of `hashes` are sessions that still exist (a few hundred per query).
pub async fn existing(
    db: &DatabaseConnection,
    hashes: &[String],
) -> Result<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in hashes.chunks(500) {
        let rows = sessions::Entity::find()
            .filter(sessions::Column::TokenHash.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|s| s.token_hash));
    }
    Ok(found)
}
