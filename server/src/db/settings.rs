//! Settings an admin changes from the panel, kept in the database so they survive a
//! restart and every process on the database shares them.

use crate::error::Result;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub const REGISTRATION: &str = "registration";
pub const MAX_UPLOAD: &str = "max_upload";
pub const QUOTA: &str = "quota";

/// What the account `user` is to be told at its next login, a line each (`notices`).
fn notices_of(user: &protocol::UserId) -> String {
    format!("notices/{}", user.to_hex())
}

/// Keeps `line` for `user` to read at their next login.
pub async fn tell(db: &DatabaseConnection, user: &protocol::UserId, line: &str) -> Result<()> {
    let key = notices_of(user);
    let mut all = get(db, &key).await?.unwrap_or_default();
    if !all.is_empty() {
        all.push('\n');
    }
    all.push_str(line);
    set(db, &key, &all).await
}

/// What `user` is to be told, once: the lines are gone after this.
pub async fn take_notices(db: &DatabaseConnection, user: &protocol::UserId) -> Result<Vec<String>> {
    let key = notices_of(user);
    let Some(all) = get(db, &key).await? else {
        return Ok(Vec::new());
    };
    entity::Entity::delete_by_id(key).exec(db).await?;
    Ok(all.lines().map(String::from).collect())
}

pub async fn get(db: &DatabaseConnection, key: &str) -> Result<Option<String>> {
    Ok(entity::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|m| m.value))
}

pub async fn set(db: &DatabaseConnection, key: &str, value: &str) -> Result<()> {
    entity::Entity::insert(entity::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
    })
    .on_conflict(
        OnConflict::column(entity::Column::Key)
            .update_column(entity::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
