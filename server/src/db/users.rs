//! Accounts (sessions are in `sessions`).

use super::entities::{key_pins, recovery, users};
use super::now_ms;
use crate::error::{Error, Result};
use protocol::UserId;
use protocol::api::Profile;
use protocol::crypto::identity::PublicIdentity;
use protocol::crypto::kdf::{KdfParams, Salt};
use protocol::crypto::pins::Pins;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub use users::Model as User;

/// Who may register now (the admin panel's registration mode).
pub enum Admission {
    Open,
    /// By invite only: the hash of the link's token, if the registration carried one.
    Invite(Option<String>),
    Closed,
}

/// A new account as the server stores it (verifier already computed).
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub salt: Salt,
    pub kdf: KdfParams,
    pub verifier_salt: [u8; 16],
    pub verifier: [u8; 32],
    pub identity: PublicIdentity,
    pub wrapped_keys: Vec<u8>,
    /// Recovery verifier salt, verifier and second wrap.
    pub recovery: Option<RecoveryRow>,
}

/// A recovery key's verifier salt, verifier and wrap of the identity keys.
pub type RecoveryRow = ([u8; 16], [u8; 32], Vec<u8>);

fn array<const N: usize>(v: &[u8], what: &'static str) -> Result<[u8; N]> {
    v.try_into().map_err(|_| Error::Corrupt(what))
}

impl User {
    pub fn user_id(&self) -> Result<UserId> {
        self.id.parse().map_err(|_| Error::Corrupt("user id"))
    }

    pub fn profile(&self) -> Result<Profile> {
        Ok(Profile {
            id: self.user_id()?,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            is_admin: self.is_admin,
        })
    }

    pub fn identity(&self) -> Result<PublicIdentity> {
        Ok(PublicIdentity {
            user: self.user_id()?,
            signing: array(&self.signing_key, "signing key")?,
            agreement: array(&self.agreement_key, "agreement key")?,
            signature: array(&self.key_signature, "key signature")?,
        })
    }

    pub fn kdf(&self) -> KdfParams {
        KdfParams {
            m_kib: self.kdf_m as u32,
            t: self.kdf_t as u32,
            p: self.kdf_p as u32,
        }
    }

    pub fn salt(&self) -> Result<Salt> {
        Ok(Salt(array(&self.salt, "salt")?))
    }
}

/// Stores a new account. With the setup code (`setup_code`) it is the server's first
/// admin, whatever the registration mode; otherwise the mode decides. A taken username
/// (or id) is a clear conflict, decided by the unique index so two racing registrations
/// cannot both win.
pub async fn create(
    db: &DatabaseConnection,
    u: NewUser,
    admission: Admission,
    setup_code: Option<&str>,
) -> Result<User> {
    let txn = super::write_txn(db).await?;
    let admin = match setup_code {
        Some(code) => {
            super::setup_code::take(&txn, code).await?;
            true
        }
        None => {
            admit(&txn, admission).await?;
            false
        }
    };
    let user = insert(&txn, u, admin).await?;
    txn.commit().await?;
    Ok(user)
}

/// Whether the registration mode lets this one in (an invite's use is taken here).
async fn admit(txn: &sea_orm::DatabaseTransaction, admission: Admission) -> Result<()> {
    match admission {
        Admission::Open => Ok(()),
        Admission::Invite(Some(token_hash)) => {
            if super::signups::take(txn, &token_hash).await? {
                Ok(())
            } else {
                Err(Error::Forbidden(
                    "This invite link has expired or been used up; ask an admin for a new one.",
                ))
            }
        }
        Admission::Invite(None) => Err(Error::Forbidden(
            "Registration needs an invite link from an admin.",
        )),
        Admission::Closed => Err(Error::Forbidden(
            "Registration is closed: ask an admin to make an account for you.",
        )),
    }
}

async fn insert(txn: &sea_orm::DatabaseTransaction, u: NewUser, admin: bool) -> Result<User> {
    let now = now_ms();
    let model = users::ActiveModel {
        id: Set(u.id.to_hex()),
        username: Set(u.username),
        display_name: Set(u.display_name),
        email: Set(u.email),
        is_admin: Set(admin),
        salt: Set(u.salt.0.to_vec()),
        kdf_m: Set(u.kdf.m_kib as i32),
        kdf_t: Set(u.kdf.t as i32),
        kdf_p: Set(u.kdf.p as i32),
        verifier_salt: Set(u.verifier_salt.to_vec()),
        verifier: Set(u.verifier.to_vec()),
        signing_key: Set(u.identity.signing.to_vec()),
        agreement_key: Set(u.identity.agreement.to_vec()),
        key_signature: Set(u.identity.signature.to_vec()),
        wrapped_keys: Set(u.wrapped_keys),
        created_at: Set(now),
        pending: Set(false),
        disabled: Set(false),
        deleted_at: Set(None),
        admin_since: Set(admin.then_some(now)),
    };
    let recovery = u.recovery;
    let user = model.insert(txn).await.map_err(taken)?;
    if let Some(row) = recovery {
        insert_recovery(txn, &user.id, row).await?;
    }
    Ok(user)
}

async fn insert_recovery(txn: &impl ConnectionTrait, user: &str, row: RecoveryRow) -> Result<()> {
    let (verifier_salt, verifier, wrapped_keys) = row;
    recovery::ActiveModel {
        user_id: Set(user.to_owned()),
        verifier_salt: Set(verifier_salt.to_vec()),
        verifier: Set(verifier.to_vec()),
        wrapped_keys: Set(wrapped_keys),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// An account an admin makes: a name and a temporary password's verifier, no keys.
pub struct PendingUser {
    pub username: String,
    pub display_name: String,
    pub salt: Salt,
    pub kdf: KdfParams,
    pub verifier_salt: [u8; 16],
    pub verifier: [u8; 32],
}

pub async fn create_pending(db: &DatabaseConnection, u: PendingUser) -> Result<User> {
    let model = users::ActiveModel {
        id: Set(UserId::random().map_err(Error::from)?.to_hex()),
        username: Set(u.username),
        display_name: Set(u.display_name),
        email: Set(None),
        is_admin: Set(false),
        salt: Set(u.salt.0.to_vec()),
        kdf_m: Set(u.kdf.m_kib as i32),
        kdf_t: Set(u.kdf.t as i32),
        kdf_p: Set(u.kdf.p as i32),
        verifier_salt: Set(u.verifier_salt.to_vec()),
        verifier: Set(u.verifier.to_vec()),
        signing_key: Set(Vec::new()),
        agreement_key: Set(Vec::new()),
        key_signature: Set(Vec::new()),
        wrapped_keys: Set(Vec::new()),
        created_at: Set(now_ms()),
        pending: Set(true),
        disabled: Set(false),
        deleted_at: Set(None),
        admin_since: Set(None),
    };
    model.insert(db).await.map_err(taken)
}

/// Replaces the pending account `pending_id` with the real one its owner made at their
/// first login (their own id, password and keys), in one transaction: the pending row
/// must still be there, so two racing first logins cannot both finish.
/// The owner of an account an admin made (or reset) sets it up: their password and the
/// keys their browser made replace the temporary password, in place, so the account
/// keeps its id, its role and its conversations.
pub async fn finish_pending(db: &DatabaseConnection, pending_id: &str, u: NewUser) -> Result<User> {
    let txn = super::write_txn(db).await?;
    let done = users::Entity::update_many()
        .col_expr(users::Column::DisplayName, Expr::value(u.display_name))
        .col_expr(users::Column::Email, Expr::value(u.email))
        .col_expr(users::Column::Salt, Expr::value(u.salt.0.to_vec()))
        .col_expr(users::Column::KdfM, Expr::value(u.kdf.m_kib as i32))
        .col_expr(users::Column::KdfT, Expr::value(u.kdf.t as i32))
        .col_expr(users::Column::KdfP, Expr::value(u.kdf.p as i32))
        .col_expr(
            users::Column::VerifierSalt,
            Expr::value(u.verifier_salt.to_vec()),
        )
        .col_expr(users::Column::Verifier, Expr::value(u.verifier.to_vec()))
        .col_expr(
            users::Column::SigningKey,
            Expr::value(u.identity.signing.to_vec()),
        )
        .col_expr(
            users::Column::AgreementKey,
            Expr::value(u.identity.agreement.to_vec()),
        )
        .col_expr(
            users::Column::KeySignature,
            Expr::value(u.identity.signature.to_vec()),
        )
        .col_expr(users::Column::WrappedKeys, Expr::value(u.wrapped_keys))
        .col_expr(users::Column::Pending, Expr::value(false))
        .filter(users::Column::Id.eq(pending_id))
        .filter(users::Column::Pending.eq(true))
        .filter(users::Column::Disabled.eq(false))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict(
            "This account was already set up; log in with its password.".into(),
        ));
    }
    recovery::Entity::delete_by_id(pending_id.to_owned())
        .exec(&txn)
        .await?;
    if let Some(row) = u.recovery {
        insert_recovery(&txn, pending_id, row).await?;
    }
    super::group_checks::forget_wraps_of(&txn, pending_id).await?;
    let user = users::Entity::find_by_id(pending_id.to_owned())
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("No such account."))?;
    txn.commit().await?;
    Ok(user)
}

/// A taken username (or id) is a clear conflict, decided by the unique index so two
/// racing inserts cannot both win.
fn taken(e: sea_orm::DbErr) -> Error {
    if matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    ) {
        Error::Conflict("That username is taken; please choose another.".into())
    } else {
        e.into()
    }
}

pub async fn by_username(db: &impl ConnectionTrait, username: &str) -> Result<Option<User>> {
    Ok(users::Entity::find()
        .filter(users::Column::Username.eq(username))
        .one(db)
        .await?)
}

pub async fn by_id(db: &impl ConnectionTrait, id: &UserId) -> Result<Option<User>> {
    Ok(users::Entity::find_by_id(id.to_hex()).one(db).await?)
}

/// The server's owner: its first admin, the one who has been an admin longest of those
/// not deleted (the account that registered with the setup code, unless it stepped
/// down). Only the owner, or the terminal, may reset or delete another admin (`panel`).
pub async fn owner(db: &impl ConnectionTrait) -> Result<Option<UserId>> {
    let first = users::Entity::find()
        .filter(users::Column::IsAdmin.eq(true))
        .filter(users::Column::DeletedAt.is_null())
        .order_by_asc(users::Column::AdminSince)
        .order_by_asc(users::Column::CreatedAt)
        .order_by_asc(users::Column::Id)
        .one(db)
        .await?;
    first.map(|u| u.user_id()).transpose()
}

/// Every account but the deleted ones, by username.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<User>> {
    Ok(users::Entity::find()
        .filter(users::Column::DeletedAt.is_null())
        .order_by_asc(users::Column::Username)
        .all(db)
        .await?)
}

/// Everyone but `me` (and accounts not set up yet, which have no keys), by display name.
/// Deleted accounts too: browsers still need their public keys for what they sent.
pub async fn others(db: &DatabaseConnection, me: &UserId) -> Result<Vec<User>> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.ne(me.to_hex()))
        .filter(users::Column::Pending.eq(false))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?)
}

/// The largest pinned-keys blob kept (a few thousand contacts).
pub const MAX_PINS: usize = 256 * 1024;

pub async fn pins(db: &DatabaseConnection, me: &UserId) -> Result<Option<Vec<u8>>> {
    Ok(key_pins::Entity::find_by_id(me.to_hex())
        .one(db)
        .await?
        .map(|p| p.blob))
}

/// Replaces `me`'s pinned-keys blob (opaque: encrypted in the browser), if what is
/// stored is still the store whose digest is `previous` ("" for none); without
/// `previous`, whatever is stored.
pub async fn save_pins(
    db: &DatabaseConnection,
    me: &UserId,
    blob: Vec<u8>,
    previous: Option<&str>,
) -> Result<()> {
    if blob.is_empty() || blob.len() > MAX_PINS {
        return Err(Error::BadRequest(
            "The pinned-keys store is empty or too large.".into(),
        ));
    }
    let txn = super::write_txn(db).await?;
    if let Some(previous) = previous {
        let stored = key_pins::Entity::find_by_id(me.to_hex()).one(&txn).await?;
        let digest = stored.map_or_else(String::new, |p| Pins::digest(&p.blob));
        if digest != previous {
            return Err(Error::Conflict(
                "Your pinned keys changed on another device meanwhile; they are merged again."
                    .into(),
            ));
        }
    }
    key_pins::Entity::insert(key_pins::ActiveModel {
        user_id: Set(me.to_hex()),
        blob: Set(blob),
        updated_at: Set(now_ms()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(key_pins::Column::UserId)
            .update_columns([key_pins::Column::Blob, key_pins::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces `me`'s identity keys and their wrap (identity rotation). Returns false when
/// the account is gone.
pub async fn replace_identity(
    db: &DatabaseConnection,
    me: &UserId,
    identity: &PublicIdentity,
    wrapped_keys: Vec<u8>,
    recovery: Option<RecoveryRow>,
) -> Result<bool> {
    let txn = super::write_txn(db).await?;
    let res = users::Entity::update_many()
        .col_expr(
            users::Column::SigningKey,
            Expr::value(identity.signing.to_vec()),
        )
        .col_expr(
            users::Column::AgreementKey,
            Expr::value(identity.agreement.to_vec()),
        )
        .col_expr(
            users::Column::KeySignature,
            Expr::value(identity.signature.to_vec()),
        )
        .col_expr(users::Column::WrappedKeys, Expr::value(wrapped_keys))
        .filter(users::Column::Id.eq(me.to_hex()))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    recovery::Entity::delete_by_id(me.to_hex())
        .exec(&txn)
        .await?;
    if let Some(row) = recovery {
        insert_recovery(&txn, &me.to_hex(), row).await?;
    }
    super::group_checks::forget_wraps_of(&txn, &me.to_hex()).await?;
    txn.commit().await?;
    Ok(true)
}

pub async fn recovery(db: &DatabaseConnection, user: &UserId) -> Result<Option<recovery::Model>> {
    Ok(recovery::Entity::find_by_id(user.to_hex()).one(db).await?)
}
