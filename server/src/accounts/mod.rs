//! Accounts (`app::api::AccountService`): signing up, in and out, the password, the
//! identity keys and their recovery, and the sealed store of others' pinned keys.
//! `checks` proves who is asking; `rows` turns what a browser made into rows.

mod checks;
mod rows;
pub(crate) use rows::{new_user, recovery_row};

use crate::auth;
use crate::db;
use crate::error::Error;
use crate::state::Hearth;
use app::ApiError;
use app::api::AccountService;
use app::backend::{Device, NewSession};
use axum::http::HeaderMap;
use protocol::api::{
    LoginParams, PasswordChange, Profile, RecoverySetup, RecoveryWrap, Registration,
};
use protocol::crypto::identity::PublicIdentity;
use protocol::crypto::kdf::{AuthSecret, KdfParams};
use protocol::crypto::random_array;
use protocol::crypto::wrap::WRAPPED_LEN;
use protocol::frames::ServerFrame;
use protocol::{Bytes, validate};

#[async_trait::async_trait]
impl AccountService for Hearth {
    async fn login_params(&self, username: String) -> Result<LoginParams, ApiError> {
        let name = validate::username(&username).unwrap_or(username);
        Ok(match db::users::by_username(&self.db, &name).await? {
            Some(u) => LoginParams {
                salt: u.salt()?,
                kdf: u.kdf(),
            },
            None => LoginParams {
                salt: self.secret.fake_salt(&name),
                kdf: KdfParams::DEFAULT,
            },
        })
    }

    async fn setup_pending(&self) -> Result<bool, ApiError> {
        Ok(db::setup_code::pending(&self.db).await?)
    }

    async fn register(&self, reg: Registration, device: Device) -> Result<NewSession, ApiError> {
        use protocol::api::admin::RegistrationMode as Mode;
        let admission = match self.registration_mode().await? {
            Mode::Open => db::users::Admission::Open,
            Mode::Invite => {
                db::users::Admission::Invite(reg.invite.as_deref().map(auth::hash_token))
            }
            Mode::Closed => db::users::Admission::Closed,
        };
        let code = reg.setup_code.clone().filter(|c| !c.trim().is_empty());
        let user = db::users::create(&self.db, new_user(reg)?, admission, code.as_deref()).await?;
        tracing::info!(user = %user.id, admin = user.is_admin, "registered");
        Ok(self.start_session(&user, device).await?)
    }

    async fn login(
        &self,
        username: String,
        secret: AuthSecret,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError> {
        let bad = Error::Unauthorized("Wrong username or password.");
        let Ok(username) = validate::username(&username) else {
            return Err(bad.into());
        };
        let user = db::users::by_username(&self.db, &username).await?;
        // Failures on the account, from any address, hold it back (`lockout`).
        let check = self.check_login(&username, user.as_ref(), &secret, totp.as_deref());
        self.guarded(&username, user.as_ref(), &device, check)
            .await?;
        let user = user.ok_or(Error::Corrupt("checked account vanished"))?;
        Ok(self.start_session(&user, device).await?)
    }

    async fn logout(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        if let Some(hash) = self.token_hash(headers) {
            db::sessions::delete(&self.db, &hash).await?;
            // This browser's other tabs are signed out too.
            self.hub.cut(&[hash]);
        }
        Ok(self.sessions.clear())
    }

    async fn authenticate(&self, headers: &HeaderMap) -> Result<Profile, ApiError> {
        Ok(self.session_profile(&self.signed_in(headers)?).await?)
    }

    async fn pins(&self, me: &Profile) -> Result<Option<Bytes>, ApiError> {
        Ok(db::users::pins(&self.db, &me.id).await?.map(Bytes))
    }

    async fn save_pins(
        &self,
        me: &Profile,
        blob: Bytes,
        previous: Option<String>,
    ) -> Result<(), ApiError> {
        Ok(db::users::save_pins(&self.db, &me.id, blob.0, previous.as_deref()).await?)
    }

    async fn rotate_identity(
        &self,
        me: &Profile,
        secret: AuthSecret,
        identity: PublicIdentity,
        wrapped_keys: Bytes,
        recovery: Option<RecoverySetup>,
    ) -> Result<(), ApiError> {
        let user = db::users::by_id(&self.db, &me.id)
            .await?
            .ok_or(Error::NotFound("No such account."))?;
        if !auth::verify(&user.verifier_salt, &user.verifier, &secret) {
            return Err(Error::Unauthorized("Wrong password.").into());
        }
        if identity.user != me.id {
            return Err(Error::BadRequest("Those keys are signed for someone else.".into()).into());
        }
        identity.verify().map_err(Error::from)?;
        if wrapped_keys.len() != WRAPPED_LEN {
            return Err(Error::BadRequest("The wrapped keys have the wrong size.".into()).into());
        }
        // The recovery wrap held the old keys: it is replaced by the new recovery key's,
        // or removed, in the same transaction (a later "forgot password" would otherwise
        // bring the old keys back).
        let recovery = recovery.map(recovery_row).transpose()?;
        if !db::users::replace_identity(&self.db, &me.id, &identity, wrapped_keys.0, recovery)
            .await?
        {
            return Err(Error::NotFound("No such account.").into());
        }
        tracing::info!(user = %me.id, "identity rotated");
        self.hub
            .broadcast(&ServerFrame::IdentityChanged { user: me.id });
        Ok(())
    }

    async fn change_password(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        change: PasswordChange,
    ) -> Result<(), ApiError> {
        let user = db::users::by_id(&self.db, &me.id)
            .await?
            .ok_or(Error::NotFound("No such account."))?;
        if !auth::verify(&user.verifier_salt, &user.verifier, &change.old_auth_secret) {
            return Err(Error::Unauthorized("The current password is wrong.").into());
        }
        change.kdf.check().map_err(Error::from)?;
        if change.wrapped_keys.len() != WRAPPED_LEN {
            return Err(Error::BadRequest("The wrapped keys have the wrong size.".into()).into());
        }
        let keep = self.signed_in(headers)?;
        let verifier_salt = random_array::<16>().map_err(Error::from)?;
        let ended = db::accounts::change_password(
            &self.db,
            &me.id,
            &change.salt,
            &change.kdf,
            verifier_salt,
            auth::verifier(&verifier_salt, &change.auth_secret),
            change.wrapped_keys.0,
            &keep,
        )
        .await?;
        self.hub.cut(&ended);
        tracing::info!(user = %me.id, "password changed; other sessions ended");
        Ok(())
    }

    async fn recovery_keys(
        &self,
        username: String,
        secret: AuthSecret,
    ) -> Result<RecoveryWrap, ApiError> {
        let user = self.recovery_account(&username, &secret).await?;
        let id = user.user_id()?;
        let rec = db::users::recovery(&self.db, &id)
            .await?
            .ok_or(Error::Corrupt("recovery row vanished"))?;
        Ok(RecoveryWrap {
            user: id,
            wrapped_keys: Bytes(rec.wrapped_keys),
            identity: user.identity()?,
        })
    }

    async fn recover(
        &self,
        username: String,
        change: PasswordChange,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError> {
        let user = self
            .recovery_account(&username, &change.old_auth_secret)
            .await?;
        change.kdf.check().map_err(Error::from)?;
        if change.wrapped_keys.len() != WRAPPED_LEN {
            return Err(Error::BadRequest("The wrapped keys have the wrong size.".into()).into());
        }
        let id = user.user_id()?;
        // The recovery key stands in for the password, not for the second factor.
        self.totp_gate(&id, totp.as_deref()).await?;
        let verifier_salt = random_array::<16>().map_err(Error::from)?;
        let verifier = auth::verifier(&verifier_salt, &change.auth_secret);
        // Every session ends: whoever had the old password is logged out.
        let ended = db::accounts::change_password(
            &self.db,
            &id,
            &change.salt,
            &change.kdf,
            verifier_salt,
            verifier,
            change.wrapped_keys.0,
            "",
        )
        .await?;
        self.hub.cut(&ended);
        self.unlocked_by_recovery(&user).await?;
        tracing::info!(user = %id, "account recovered with its recovery key");
        let user = db::users::by_id(&self.db, &id)
            .await?
            .ok_or(Error::Corrupt("user vanished"))?;
        Ok(self.start_session(&user, device).await?)
    }
}
