//! Failed sign-ins per account name (`crate::lockout`): one row per name with failures,
//! kept whether or not the name has an account, so both are answered alike.

use crate::error::Result;
use crate::lockout::{Gate, Policy, Record};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_failures")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub failures: i32,
        pub failed_at: i64,
        pub locked_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use entity::{Column, Entity};

fn record(m: &entity::Model) -> Record {
    Record {
        failures: u32::try_from(m.failures).unwrap_or(0),
        failed_at: m.failed_at,
        locked_at: m.locked_at,
    }
}

/// The failures kept for `name` (none: a clean record).
pub async fn get(db: &impl ConnectionTrait, name: &str) -> Result<Record> {
    Ok(Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .as_ref()
        .map(record)
        .unwrap_or_default())
}

/// Before a secret for `name` is checked: whether the failures let it through, and if so
/// one failure is counted now, in the same transaction, so parallel tries (from as many
/// addresses) cannot all pass before any failure is counted. `fail` or `release` settles
/// it once the answer is known.
pub async fn reserve(
    db: &DatabaseConnection,
    name: &str,
    policy: &Policy,
    now: i64,
) -> Result<Gate> {
    let txn = super::write_txn(db).await?;
    // The row must be there to be locked: on PostgreSQL, tries that all found none would
    // each read no failures and pass together. A second insert waits for the first's
    // transaction, then does nothing. (SQLite's write transaction is alone anyway.)
    Entity::insert(entity::ActiveModel {
        name: Set(name.to_owned()),
        failures: Set(0),
        failed_at: Set(now),
        locked_at: Set(None),
    })
    .on_conflict(OnConflict::column(Column::Name).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    // Takes the row's lock, so what is read next is what the next try will read after
    // this one.
    Entity::update_many()
        .col_expr(Column::Failures, Expr::col(Column::Failures))
        .filter(Column::Name.eq(name))
        .exec(&txn)
        .await?;
    let mut record = get(&txn, name).await?;
    if policy.forgotten(&record, now) && record.failures > 0 {
        record.failures = 0;
        Entity::update_many()
            .col_expr(Column::Failures, Expr::value(0))
            .filter(Column::Name.eq(name))
            .exec(&txn)
            .await?;
    }
    let gate = policy.gate(&record, now);
    if gate == Gate::Open {
        Entity::insert(entity::ActiveModel {
            name: Set(name.to_owned()),
            failures: Set(1),
            failed_at: Set(now),
            locked_at: Set(None),
        })
        .on_conflict(
            // One more; the time of the last failure stays until this one is one.
            OnConflict::column(Column::Name)
                .value(
                    Column::Failures,
                    Expr::col((Entity, Column::Failures)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(gate)
}

/// The try `reserve` counted was a failure: its time is the last failure's, and it may
/// lock the account. True if it locked it just now.
pub async fn fail(db: &DatabaseConnection, name: &str, policy: &Policy, now: i64) -> Result<bool> {
    let txn = super::write_txn(db).await?;
    Entity::update_many()
        .col_expr(Column::FailedAt, Expr::value(now))
        .filter(Column::Name.eq(name))
        .exec(&txn)
        .await?;
    let locked = Entity::update_many()
        .col_expr(Column::LockedAt, Expr::value(now))
        .filter(Column::Name.eq(name))
        .filter(Column::LockedAt.is_null())
        .filter(Column::Failures.gte(i32::try_from(policy.lock_after).unwrap_or(i32::MAX)))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(locked.rows_affected == 1)
}

/// The try `reserve` counted was no failure (a code asked for, a disabled account…).
pub async fn release(db: &impl ConnectionTrait, name: &str) -> Result<()> {
    Entity::update_many()
        .col_expr(Column::Failures, Expr::col(Column::Failures).sub(1))
        .filter(Column::Name.eq(name))
        .filter(Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the failures and lifts the lock: a right answer from a browser without the
/// cookie, the recovery key, or an admin. True if there was a lock.
pub async fn clear(db: &impl ConnectionTrait, name: &str) -> Result<bool> {
    let was = get(db, name).await?.locked_at.is_some();
    Entity::delete_by_id(name.to_owned()).exec(db).await?;
    Ok(was)
}

/// The names that are locked now (for the admin panel).
pub async fn locked(db: &DatabaseConnection) -> Result<std::collections::HashSet<String>> {
    Ok(Entity::find()
        .filter(Column::LockedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.name)
        .collect())
}

/// Drops rows whose failures are forgotten (locks stay until lifted, or until their
/// name has had no account for `forget_after`).
pub async fn sweep(db: &DatabaseConnection, policy: &Policy, now: i64) -> Result<u64> {
    let cutoff = now - policy.forget_after.as_millis() as i64;
    let stale = Entity::delete_many()
        .filter(Column::LockedAt.is_null())
        .filter(Column::FailedAt.lt(cutoff))
        .exec(db)
        .await?;
    use super::entities::users;
    let accounts = sea_orm::sea_query::Query::select()
        .column(users::Column::Username)
        .from(users::Entity)
        .to_owned();
    let orphans = Entity::delete_many()
        .filter(Column::LockedAt.lt(cutoff))
        .filter(Expr::col(Column::Name).not_in_subquery(accounts))
        .exec(db)
        .await?;
    Ok(stale.rows_affected + orphans.rows_affected)
}
