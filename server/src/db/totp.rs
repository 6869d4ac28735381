//! The second factor's rows. Accepting a code and using a recovery code are single
//! conditional updates, so two logins racing with the same code cannot both win.

use super::entities::totp;
use super::now_ms;
use crate::error::{Error, Result};
use protocol::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

pub use totp::Model as Totp;

pub async fn get(db: &DatabaseConnection, user: &UserId) -> Result<Option<Totp>> {
    Ok(totp::Entity::find_by_id(user.to_hex()).one(db).await?)
}

/// The enabled second factor of `user`, if any.
pub async fn enabled(db: &DatabaseConnection, user: &UserId) -> Result<Option<Totp>> {
    Ok(get(db, user).await?.filter(|t| t.enabled))
}

/// Who has two-step login on (user ids, hex), for the admin panel.
pub async fn users_enabled(db: &DatabaseConnection) -> Result<std::collections::HashSet<String>> {
    Ok(totp::Entity::find()
        .filter(totp::Column::Enabled.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.user_id)
        .collect())
}

/// Starts (or restarts) an enrolment with a new sealed secret; refused while one is on.
pub async fn begin(db: &DatabaseConnection, user: &UserId, sealed: Vec<u8>) -> Result<()> {
    let txn = super::write_txn(db).await?;
    if totp::Entity::find_by_id(user.to_hex())
        .one(&txn)
        .await?
        .is_some_and(|t| t.enabled)
    {
        return Err(Error::Conflict("Two-step login is already on.".into()));
    }
    totp::Entity::delete_by_id(user.to_hex()).exec(&txn).await?;
    totp::ActiveModel {
        user_id: Set(user.to_hex()),
        sealed: Set(sealed),
        enabled: Set(false),
        last_step: Set(0),
        recovery: Set(String::new()),
        created_at: Set(now_ms()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Turns a confirmed enrolment on, with the step its first code used and the recovery
/// code hashes. False if there was no enrolment waiting.
pub async fn enable(
    db: &DatabaseConnection,
    user: &UserId,
    step: u64,
    recovery: &[String],
) -> Result<bool> {
    let res = totp::Entity::update_many()
        .col_expr(totp::Column::Enabled, Expr::value(true))
        .col_expr(totp::Column::LastStep, Expr::value(step_i64(step)))
        .col_expr(totp::Column::Recovery, Expr::value(recovery.join(" ")))
        .filter(totp::Column::UserId.eq(user.to_hex()))
        .filter(totp::Column::Enabled.eq(false))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

fn step_i64(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

/// Records `step` as used if it is newer than the last one: true when this call won.
pub async fn accept_step(db: &DatabaseConnection, user: &UserId, step: u64) -> Result<bool> {
    let res = totp::Entity::update_many()
        .col_expr(totp::Column::LastStep, Expr::value(step_i64(step)))
        .filter(totp::Column::UserId.eq(user.to_hex()))
        .filter(totp::Column::LastStep.lt(step_i64(step)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Spends a recovery code (by its hash): true if it was unused.
pub async fn use_recovery(db: &DatabaseConnection, user: &UserId, hash: &str) -> Result<bool> {
    let Some(row) = enabled(db, user).await? else {
        return Ok(false);
    };
    let left: Vec<&str> = row.recovery.split(' ').filter(|h| !h.is_empty()).collect();
    if !left.contains(&hash) {
        return Ok(false);
    }
    let rest: Vec<&str> = left.into_iter().filter(|h| *h != hash).collect();
    // Only if nobody spent a code in between (the list is unchanged).
    let res = totp::Entity::update_many()
        .col_expr(totp::Column::Recovery, Expr::value(rest.join(" ")))
        .filter(totp::Column::UserId.eq(user.to_hex()))
        .filter(totp::Column::Recovery.eq(row.recovery.clone()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn remove(db: &impl ConnectionTrait, user: &UserId) -> Result<()> {
    totp::Entity::delete_by_id(user.to_hex()).exec(db).await?;
    Ok(())
}

impl Totp {
    pub fn recovery_left(&self) -> u32 {
        self.recovery.split(' ').filter(|h| !h.is_empty()).count() as u32
    }
}
