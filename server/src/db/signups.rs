//! Sign-up invite links: with registration by invite only, a link an admin made lets a
//! few people register until it expires. Only the token's hash is stored; the link is
//! shown once, to the admin who made it.

use crate::error::Result;
use protocol::api::admin::SignupInvite;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "signups")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub created_by: String,
        pub created_at: i64,
        pub expires_at: i64,
        pub max_uses: i32,
        pub uses: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn summary(m: entity::Model) -> SignupInvite {
    SignupInvite {
        id: m.id,
        created_at: m.created_at,
        expires_at: m.expires_at,
        max_uses: u32::try_from(m.max_uses).unwrap_or(0),
        uses: u32::try_from(m.uses).unwrap_or(0),
    }
}

pub async fn create(
    db: &DatabaseConnection,
    id: String,
    token_hash: String,
    created_by: &str,
    expires_at: i64,
    max_uses: u32,
) -> Result<SignupInvite> {
    let m = entity::ActiveModel {
        id: Set(id),
        token_hash: Set(token_hash),
        created_by: Set(created_by.to_owned()),
        created_at: Set(super::now_ms()),
        expires_at: Set(expires_at),
        max_uses: Set(i32::try_from(max_uses).unwrap_or(i32::MAX)),
        uses: Set(0),
    }
    .insert(db)
    .await?;
    Ok(summary(m))
}

/// The links that still work, newest first.
pub async fn usable(db: &DatabaseConnection) -> Result<Vec<SignupInvite>> {
    Ok(entity::Entity::find()
        .filter(entity::Column::ExpiresAt.gt(super::now_ms()))
        .filter(Expr::col(entity::Column::Uses).lt(Expr::col(entity::Column::MaxUses)))
        .order_by_desc(entity::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

/// Withdraws a link; false when there was none with that id.
pub async fn revoke(db: &DatabaseConnection, id: &str) -> Result<bool> {
    let gone = entity::Entity::delete_by_id(id.to_owned()).exec(db).await?;
    Ok(gone.rows_affected == 1)
}

/// Uses one of a link's registrations, inside the registration's transaction (so a
/// refused registration gives it back): false when the link is unknown, expired or used
/// up. One statement, so two people racing for the last use cannot both get it.
pub async fn take(db: &impl ConnectionTrait, token_hash: &str) -> Result<bool> {
    let done = entity::Entity::update_many()
        .col_expr(entity::Column::Uses, Expr::col(entity::Column::Uses).add(1))
        .filter(entity::Column::TokenHash.eq(token_hash))
        .filter(entity::Column::ExpiresAt.gt(super::now_ms()))
        .filter(Expr::col(entity::Column::Uses).lt(Expr::col(entity::Column::MaxUses)))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
