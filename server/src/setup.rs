//! Accounts an admin makes with a temporary password, and their first login: the owner
//! chooses their own password and their browser makes the keys, so the admin, who knew
//! the temporary password, never held them.

use crate::auth;
use crate::db;
use crate::error::{Error, Result};
use crate::state::{Hearth, new_user};
use app::backend::Device;
use protocol::api::admin::NewAccount;
use protocol::api::{Profile, Registration, Session};
use protocol::crypto::kdf::AuthSecret;
use protocol::crypto::random_array;
use protocol::validate;

impl Hearth {
    /// An admin makes an account (403 for anyone else).
    pub async fn add_user(&self, me: &Profile, account: NewAccount) -> Result<()> {
        crate::admin::admin_only(me)?;
        account.kdf.check()?;
        let verifier_salt = random_array::<16>()?;
        let user = db::users::create_pending(
            &self.db,
            db::users::PendingUser {
                username: validate::username(&account.username)?,
                display_name: validate::display_name(&account.display_name)?,
                salt: account.salt,
                kdf: account.kdf,
                verifier_salt,
                verifier: auth::verifier(&verifier_salt, &account.auth_secret),
            },
        )
        .await?;
        self.audit(&me.username, "create account", Some(&user.username), None)
            .await?;
        tracing::info!(admin = %me.id, user = %user.id, "admin made an account");
        Ok(())
    }

    /// The first login of an account an admin made: the temporary password (its auth
    /// secret) proves it, and the account becomes the one the owner's browser made.
    pub async fn finish_setup(
        &self,
        username: &str,
        old: &AuthSecret,
        reg: Registration,
        device: Device,
    ) -> Result<(Session, String)> {
        let bad = || Error::Unauthorized("Wrong username or password.");
        let name = validate::username(username).map_err(|_| bad())?;
        let pending = db::users::by_username(&self.db, &name)
            .await?
            .filter(|u| u.pending)
            .ok_or_else(bad)?;
        if pending.disabled {
            return Err(Error::Forbidden(crate::state::DISABLED));
        }
        if !auth::verify(&pending.verifier_salt, &pending.verifier, old) {
            return Err(bad());
        }
        if validate::username(&reg.username)? != name || reg.identity.user != pending.user_id()? {
            return Err(Error::BadRequest(
                "The new keys are for another account.".into(),
            ));
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
        self.start_session(&user, device).await
    }
}
