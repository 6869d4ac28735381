//! Accounts an admin makes with a temporary password, and their first login: the owner
//! chooses their own password and their browser makes the keys, so the admin, who knew
//! the temporary password, never held them (`app::api::SetupService`).

use crate::accounts::new_user;
use crate::auth;
use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use app::ApiError;
use app::api::SetupService;
use app::backend::{Device, NewSession};
use protocol::UserId;
use protocol::api::admin::{NewAccount, TemporaryPassword};
use protocol::api::{Profile, Registration};
use protocol::crypto::kdf::AuthSecret;
use protocol::crypto::random_array;
use protocol::validate;
use sea_orm::DatabaseConnection;

/// What the server stores of a temporary password (from the panel, a slash command or
/// the terminal alike): its parameters checked, and a verifier of its auth secret.
fn temporary_verifier(t: &TemporaryPassword) -> Result<([u8; 16], [u8; 32])> {
    t.kdf.check()?;
    let verifier_salt = random_array::<16>()?;
    Ok((
        verifier_salt,
        auth::verifier(&verifier_salt, &t.auth_secret),
    ))
}

/// A new account waiting for its owner, with a temporary password.
pub(crate) async fn create_pending(
    db: &DatabaseConnection,
    username: &str,
    display_name: &str,
    password: &TemporaryPassword,
) -> Result<db::users::User> {
    let (verifier_salt, verifier) = temporary_verifier(password)?;
    db::users::create_pending(
        db,
        db::users::PendingUser {
            username: validate::username(username)?,
            display_name: validate::display_name(display_name)?,
            salt: password.salt,
            kdf: password.kdf,
            verifier_salt,
            verifier,
        },
    )
    .await
}

/// A temporary password for an existing account (`db::accounts::reset_password`).
pub(crate) async fn reset_password(
    db: &DatabaseConnection,
    user: &UserId,
    password: &TemporaryPassword,
) -> Result<Option<Vec<String>>> {
    let (verifier_salt, verifier) = temporary_verifier(password)?;
    db::accounts::reset_password(
        db,
        user,
        &password.salt,
        &password.kdf,
        verifier_salt,
        verifier,
    )
    .await
}

#[async_trait::async_trait]
impl SetupService for Hearth {
    /// An admin makes an account (403 for anyone else).
    async fn add_user(&self, me: &Profile, account: NewAccount) -> Result<(), ApiError> {
        crate::admin::admin_only(me)?;
        let password = TemporaryPassword {
            salt: account.salt,
            kdf: account.kdf,
            auth_secret: account.auth_secret,
        };
        let user = create_pending(
            &self.db,
            &account.username,
            &account.display_name,
            &password,
        )
        .await?;
        self.audit(&me.username, "create account", Some(&user.username), None)
            .await?;
        tracing::info!(admin = %me.id, user = %user.id, "admin made an account");
        Ok(())
    }

    /// The first login of an account an admin made: the temporary password (its auth
    /// secret) proves it, and the account becomes the one the owner's browser made.
    async fn finish_setup(
        &self,
        username: String,
        old: AuthSecret,
        reg: Registration,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError> {
        let bad = || Error::Unauthorized("Wrong username or password.");
        let name = validate::username(&username).map_err(|_| bad())?;
        let pending = db::users::by_username(&self.db, &name)
            .await?
            .filter(|u| u.pending);
        // Guessing a temporary password meets the same ceiling as a login.
        let check = self.check_setup(&name, pending.as_ref(), &old, totp.as_deref());
        self.guarded(&name, pending.as_ref(), &device, check)
            .await?;
        let pending = pending.ok_or(Error::Corrupt("checked account vanished"))?;
        if validate::username(&reg.username)? != name || reg.identity.user != pending.user_id()? {
            return Err(Error::BadRequest("The new keys are for another account.".into()).into());
        }
        // An account that had keys (an admin reset its password) gets new ones: its
        // contacts are told, as after a rotation.
        let had_keys = !pending.signing_key.is_empty();
        let user = db::users::finish_pending(&self.db, &pending.id, new_user(reg)?).await?;
        tracing::info!(user = %user.id, "an admin-made account was set up by its owner");
        if had_keys {
            self.hub
                .broadcast(&protocol::frames::ServerFrame::IdentityChanged {
                    user: user.user_id()?,
                });
        }
        Ok(self.start_session(&user, device).await?)
    }
}

impl Hearth {
    /// The temporary password (against a fake verifier when no account waits under that
    /// name), then, after a reset, the code: a reset keeps two-step login, so whoever
    /// knew the temporary password (the admin who set it) still cannot get in without
    /// the owner's authenticator.
    async fn check_setup(
        &self,
        name: &str,
        pending: Option<&db::users::User>,
        old: &AuthSecret,
        totp: Option<&str>,
    ) -> Result<()> {
        let pending = self.check_secret(name, pending, old)?;
        self.totp_gate(&pending.user_id()?, totp).await
    }
}
