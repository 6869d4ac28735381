//! The setup code. Until the server has an admin it keeps a one-time code, printed in its
//! terminal at every start; whoever registers with it becomes the admin (the owner).
//! Without it a registration makes an ordinary account, so the first person on the LAN
//! to open the page does not take the server over.
//!
//! The code is one row of `settings`. Taking it is a conditional delete in the
//! registration's own transaction: on PostgreSQL the row's lock makes a second
//! registration with the same code wait, then find nothing to delete; on SQLite the
//! write transaction is serialised anyway. So two people entering it at once cannot
//! both become admin.

use super::entities::users;
use super::settings::entity as settings;
use crate::error::{Error, Result};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use subtle::ConstantTimeEq;

const KEY: &str = "setup_code";

const SET_UP: &str = "Someone finished setting up this server a moment ago, so it has its admin. Reload the page to make an ordinary account.";
const WRONG: &str = "That is not this server's setup code. It is printed in the terminal where Hearth runs; leave the field empty to make an ordinary account.";

/// Whether an admin who can sign in exists (deleted ones do not count).
async fn has_admin(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(users::Entity::find()
        .filter(users::Column::IsAdmin.eq(true))
        .filter(users::Column::DeletedAt.is_null())
        .count(db)
        .await?
        > 0)
}

/// 80 random bits as 16 Crockford base32 characters in groups of four.
fn fresh() -> Result<String> {
    let bytes = protocol::crypto::random_array::<10>()?;
    Ok(protocol::crypto::base32::encode(&bytes).to_string())
}

/// The code while the server has no admin, made now if none is kept (every process on a
/// shared database prints the same one); None once an admin exists.
pub async fn ensure(db: &impl ConnectionTrait) -> Result<Option<String>> {
    if has_admin(db).await? {
        drop_code(db).await?;
        return Ok(None);
    }
    settings::Entity::insert(settings::ActiveModel {
        key: Set(KEY.to_owned()),
        value: Set(fresh()?),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    current(db).await
}

async fn current(db: &impl ConnectionTrait) -> Result<Option<String>> {
    Ok(settings::Entity::find_by_id(KEY.to_owned())
        .one(db)
        .await?
        .map(|m| m.value))
}

/// Whether a registration may still bring the setup code (the register page asks).
pub async fn pending(db: &impl ConnectionTrait) -> Result<bool> {
    Ok(current(db).await?.is_some() && !has_admin(db).await?)
}

/// Takes the code for the registration whose transaction `txn` is: Ok only for the
/// right code while no admin exists, and then never again.
pub async fn take(txn: &impl ConnectionTrait, typed: &str) -> Result<()> {
    let Some(stored) = current(txn).await? else {
        return Err(Error::Conflict(SET_UP.into()));
    };
    if has_admin(txn).await? {
        return Err(Error::Conflict(SET_UP.into()));
    }
    let typed = protocol::crypto::base32::decode::<10>(typed)
        .map(|b| protocol::crypto::base32::encode(b.as_ref()).to_string())
        .unwrap_or_default();
    if !bool::from(typed.as_bytes().ct_eq(stored.as_bytes())) {
        return Err(Error::Forbidden(WRONG));
    }
    let gone = settings::Entity::delete_many()
        .filter(settings::Column::Key.eq(KEY))
        .filter(settings::Column::Value.eq(stored))
        .exec(txn)
        .await?;
    if gone.rows_affected != 1 {
        return Err(Error::Conflict(SET_UP.into()));
    }
    Ok(())
}

/// An admin was made another way (at the terminal): the code is spent.
pub async fn drop_code(db: &impl ConnectionTrait) -> Result<()> {
    settings::Entity::delete_by_id(KEY.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_sixteen_characters_in_fours() {
        let c = super::fresh().unwrap();
        assert_eq!(c.len(), 19);
        assert_eq!(c.split('-').count(), 4);
        assert_ne!(c, super::fresh().unwrap());
    }
}
