//! The audit log: who did what to whom, and when. Entries name people by username at
//! the time (a log must not change when an account does) and never hold a secret.

use crate::error::Result;
use protocol::api::admin::AuditEntry;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: i64,
        pub actor: String,
        pub action: String,
        pub target: Option<String>,
        pub detail: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Who acts from the command line (the person at the server's own terminal).
pub const CONSOLE: &str = "(command line)";
/// The server itself (a lock after failed sign-ins) or the account's owner acting
/// without a session (a lock lifted with the recovery key).
pub const SERVER: &str = "(server)";

/// The newest entries first, this many per page.
pub const PAGE: u64 = 100;

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &str,
    action: &str,
    target: Option<&str>,
    detail: Option<String>,
) -> Result<()> {
    entity::ActiveModel {
        at: Set(super::now_ms()),
        actor: Set(actor.to_owned()),
        action: Set(action.to_owned()),
        target: Set(target.map(str::to_owned)),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A page of entries older than `before` (an entry id), newest first.
pub async fn page(db: &impl ConnectionTrait, before: Option<i64>) -> Result<Vec<AuditEntry>> {
    let mut q = entity::Entity::find().order_by_desc(entity::Column::Id);
    if let Some(b) = before {
        q = q.filter(entity::Column::Id.lt(b));
    }
    Ok(q.limit(PAGE)
        .all(db)
        .await?
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target: e.target,
            detail: e.detail,
        })
        .collect())
}
