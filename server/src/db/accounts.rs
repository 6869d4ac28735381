//! What admins change about accounts: a password reset, disabling, the admin role,
//! deletion. Each is one transaction; those that lock someone out end their sessions in
//! it and return the ended sessions' hashes (so their sockets can be cut).

use super::entities::{key_pins, recovery, sessions, users};
use crate::error::{Error, Result};
use protocol::UserId;
use protocol::crypto::kdf::{KdfParams, Salt};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};

/// A temporary password for an existing account (an admin's reset): the account waits
/// for its owner to choose a password and make new keys, its recovery wrap (of the old
/// keys) and its pinned keys (sealed under them) go, and its sessions end. Returns the ended sessions, or None for no such account.
pub async fn reset_password(
    db: &DatabaseConnection,
    user: &UserId,
    salt: &Salt,
    kdf: &KdfParams,
    verifier_salt: [u8; 16],
    verifier: [u8; 32],
) -> Result<Option<Vec<String>>> {
    let txn = super::write_txn(db).await?;
    let done = set_password(salt, kdf, verifier_salt, verifier)
        .col_expr(users::Column::Pending, Expr::value(true))
        .filter(users::Column::Id.eq(user.to_hex()))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Ok(None);
    }
    recovery::Entity::delete_by_id(user.to_hex())
        .exec(&txn)
        .await?;
    // The pinned keys are sealed under a key drawn from the old identity: the new one
    // could never open them, and the chat would not start.
    key_pins::Entity::delete_by_id(user.to_hex())
        .exec(&txn)
        .await?;
    let ended = super::sessions::end_all_in(&txn, user, None).await?;
    txn.commit().await?;
    Ok(Some(ended))
}
/// Refuses to take the last admin who can sign in away (by demotion, disabling or
/// deletion), so the server is never left without one. The admins' rows are locked
/// (PostgreSQL; SQLite's write transaction already keeps other writers out), so two
/// admins demoting each other at the same moment cannot both succeed.
async fn keep_an_admin(txn: &DatabaseTransaction, user: &UserId) -> Result<()> {
    let admins = users::Entity::find()
        .filter(users::Column::IsAdmin.eq(true))
        .filter(users::Column::Disabled.eq(false))
        .filter(users::Column::DeletedAt.is_null())
        .lock_exclusive()
        .all(txn)
        .await?;
    let id = user.to_hex();
    if admins.iter().any(|a| a.id == id) && admins.iter().all(|a| a.id == id) {
        return Err(Error::Conflict(
            "That is the last admin: make someone else an admin first.".into(),
        ));
    }
    Ok(())
}

/// Disables (or enables) an account; disabling ends its sessions. None: no such account.
pub async fn set_disabled(
    db: &DatabaseConnection,
    user: &UserId,
    disabled: bool,
) -> Result<Option<Vec<String>>> {
    let txn = super::write_txn(db).await?;
    if disabled {
        keep_an_admin(&txn, user).await?;
    }
    let done = users::Entity::update_many()
        .col_expr(users::Column::Disabled, Expr::value(disabled))
        .filter(users::Column::Id.eq(user.to_hex()))
        .filter(users::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Ok(None);
    }
    let ended = if disabled {
        super::sessions::end_all_in(&txn, user, None).await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    Ok(Some(ended))
}

/// Gives or takes the admin role. The last admin who can sign in keeps it, so the server
/// is never left without one. Returns false for no such account.
pub async fn set_admin(db: &DatabaseConnection, user: &UserId, admin: bool) -> Result<bool> {
    let txn = super::write_txn(db).await?;
    if !admin {
        keep_an_admin(&txn, user).await?;
        // A later promotion asks for the password again.
        sessions::Entity::update_many()
            .col_expr(
                sessions::Column::ElevatedUntil,
                Expr::value(Option::<i64>::None),
            )
            .filter(sessions::Column::UserId.eq(user.to_hex()))
            .exec(&txn)
            .await?;
    }
    // The owner is the admin longest in place: a promotion keeps an earlier date.
    let since = if admin {
        Expr::col(users::Column::AdminSince).if_null(super::now_ms())
    } else {
        Expr::value(Option::<i64>::None)
    };
    let done = users::Entity::update_many()
        .col_expr(users::Column::IsAdmin, Expr::value(admin))
        .col_expr(users::Column::AdminSince, since)
        .filter(users::Column::Id.eq(user.to_hex()))
        .filter(users::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if admin && done.rows_affected == 1 {
        // The server has its admin: nobody may take it over with the setup code now.
        super::setup_code::drop_code(&txn).await?;
    }
    txn.commit().await?;
    Ok(done.rows_affected == 1)
}

/// Deletes an account: it can never sign in again, its name is free for someone else,
/// and its secrets (password verifier, wrapped keys, recovery, two-step secret, pins) are
/// gone. Its public keys, memberships and messages stay, so the others' history still
/// reads and checks, under "Deleted account". None: no such account.
pub async fn delete(db: &DatabaseConnection, user: &UserId) -> Result<Option<Vec<String>>> {
    let txn = super::write_txn(db).await?;
    keep_an_admin(&txn, user).await?;
    let id = user.to_hex();
    let done = users::Entity::update_many()
        // Not a valid username ('~'), so it can neither be logged in to nor collide; 25
        // characters fit the column.
        .col_expr(
            users::Column::Username,
            Expr::value(format!("~{}", &id[..24])),
        )
        .col_expr(users::Column::DisplayName, Expr::value("Deleted account"))
        .col_expr(users::Column::Email, Expr::value(Option::<String>::None))
        .col_expr(users::Column::Verifier, Expr::value(vec![0u8; 32]))
        .col_expr(users::Column::WrappedKeys, Expr::value(Vec::<u8>::new()))
        .col_expr(users::Column::IsAdmin, Expr::value(false))
        .col_expr(users::Column::Disabled, Expr::value(true))
        .col_expr(users::Column::DeletedAt, Expr::value(super::now_ms()))
        .filter(users::Column::Id.eq(&id))
        .filter(users::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Ok(None);
    }
    recovery::Entity::delete_by_id(id.clone())
        .exec(&txn)
        .await?;
    key_pins::Entity::delete_by_id(id.clone())
        .exec(&txn)
        .await?;
    super::totp::remove(&txn, user).await?;
    let ended = super::sessions::end_all_in(&txn, user, None).await?;
    txn.commit().await?;
    Ok(Some(ended))
}

/// Replaces the password material (salt, parameters, verifier, wrapped keys) and ends
/// every other session of the user, in one transaction; returns the sessions ended.
pub async fn change_password(
    db: &DatabaseConnection,
    me: &UserId,
    salt: &Salt,
    kdf: &KdfParams,
    verifier_salt: [u8; 16],
    verifier: [u8; 32],
    wrapped_keys: Vec<u8>,
    keep_session: &str,
) -> Result<Vec<String>> {
    let txn = super::write_txn(db).await?;
    set_password(salt, kdf, verifier_salt, verifier)
        .col_expr(users::Column::WrappedKeys, Expr::value(wrapped_keys))
        .filter(users::Column::Id.eq(me.to_hex()))
        .exec(&txn)
        .await?;
    let ended = super::sessions::end_all_in(&txn, me, Some(keep_session)).await?;
    txn.commit().await?;
    Ok(ended)
}

/// The update that sets a password's material: its salt, Argon2id parameters and verifier.
fn set_password(
    salt: &Salt,
    kdf: &KdfParams,
    verifier_salt: [u8; 16],
    verifier: [u8; 32],
) -> sea_orm::UpdateMany<users::Entity> {
    users::Entity::update_many()
        .col_expr(users::Column::Salt, Expr::value(salt.0.to_vec()))
        .col_expr(users::Column::KdfM, Expr::value(kdf.m_kib as i32))
        .col_expr(users::Column::KdfT, Expr::value(kdf.t as i32))
        .col_expr(users::Column::KdfP, Expr::value(kdf.p as i32))
        .col_expr(
            users::Column::VerifierSalt,
            Expr::value(verifier_salt.to_vec()),
        )
        .col_expr(users::Column::Verifier, Expr::value(verifier.to_vec()))
}
