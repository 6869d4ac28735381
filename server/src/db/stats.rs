//! Figures for the admin panel. Counts only: nothing here reads a message.

use super::entities::{files, messages, users};
use crate::error::Result;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use std::collections::HashMap;

/// Accounts that exist (not deleted).
pub async fn accounts(db: &DatabaseConnection) -> Result<u64> {
    Ok(users::Entity::find()
        .filter(users::Column::DeletedAt.is_null())
        .count(db)
        .await?)
}

/// Messages (not edits or reactions) stored since `since` (ms since the epoch).
pub async fn messages_since(db: &DatabaseConnection, since: i64) -> Result<u64> {
    Ok(messages::Entity::find()
        .filter(messages::Column::CreatedAt.gte(since))
        .filter(messages::Column::Event.eq(false))
        .count(db)
        .await?)
}

/// Encrypted bytes each user keeps stored in files, by user id (hex).
pub async fn storage(db: &DatabaseConnection) -> Result<HashMap<String, u64>> {
    let rows: Vec<(String, Option<i64>)> = files::Entity::find()
        .select_only()
        .column(files::Column::OwnerId)
        // PostgreSQL sums a BIGINT as NUMERIC: cast back so both databases give an i64.
        // Sizes as the quota counts them (`files::used`).
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(files::Column::Size)),
                "BIGINT",
            )),
            "total",
        )
        .group_by(files::Column::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(owner, total)| (owner, total.unwrap_or(0).max(0) as u64))
        .collect())
}
