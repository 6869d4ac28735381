//! Who is asking: a password, a temporary password or a recovery key checked so that
//! a name without an account answers alike and takes as long; and the session every
//! way in ends with.

use crate::auth;
use crate::db;
use crate::error::{Error, Result};
use crate::state::{DISABLED, Hearth};
use app::backend::{Device, NewSession};
use protocol::api::Session;
use protocol::crypto::kdf::AuthSecret;
use protocol::validate;

impl Hearth {
    /// A new session for `user`, and the Set-Cookie value carrying it.
    pub(crate) async fn start_session(
        &self,
        user: &db::users::User,
        device: Device,
    ) -> Result<NewSession> {
        // Every way in (login, recovery, first setup) ends here.
        if user.disabled {
            return Err(Error::Forbidden(DISABLED));
        }
        // The browser is remembered for this account (`lockout::device`).
        let known = crate::lockout::device::remember(
            &self.secret,
            &self.sessions,
            device.cookies.as_deref(),
            &user.user_id()?,
        )?;
        let (token, hash) = auth::new_token()?;
        db::sessions::create(&self.db, hash, &user.user_id()?, device).await?;
        let session = Session {
            me: user.profile()?,
            kdf: user.kdf(),
            identity: user.identity()?,
            wrapped_keys: user.wrapped_keys.clone().into(),
            notices: db::settings::take_notices(&self.db, &user.user_id()?).await?,
        };
        Ok((session, vec![self.sessions.cookie(&token), known]))
    }

    /// Everything a login checks: the password, the account's state, the code.
    pub(super) async fn check_login(
        &self,
        username: &str,
        user: Option<&db::users::User>,
        secret: &AuthSecret,
        totp: Option<&str>,
    ) -> Result<()> {
        let user = self.check_secret(username, user, secret)?;
        if user.pending {
            return Err(Error::PasswordChangeNeeded(user.user_id()?));
        }
        self.totp_gate(&user.user_id()?, totp).await
    }

    /// A password (or temporary password) against the account's verifier, or against a
    /// fake one for a name without an account, so both take as long and answer alike;
    /// only once it is proven does the answer say the account is disabled.
    pub(crate) fn check_secret<'u>(
        &self,
        username: &str,
        user: Option<&'u db::users::User>,
        secret: &AuthSecret,
    ) -> Result<&'u db::users::User> {
        let bad = Error::Unauthorized("Wrong username or password.");
        let Some(user) = user else {
            self.fake_verify(username, secret);
            return Err(bad);
        };
        if !auth::verify(&user.verifier_salt, &user.verifier, secret) {
            return Err(bad);
        }
        if user.disabled {
            return Err(Error::Forbidden(DISABLED));
        }
        Ok(user)
    }

    /// The account a recovery key opens, or one answer for every failure (so it does
    /// not tell which usernames exist or have a recovery key).
    pub(super) async fn recovery_account(
        &self,
        username: &str,
        secret: &AuthSecret,
    ) -> Result<db::users::User> {
        let bad = || Error::Unauthorized("That username and recovery key do not match.");
        let name = validate::username(username).map_err(|_| bad())?;
        let user = db::users::by_username(&self.db, &name).await?;
        let rec = match &user {
            Some(u) => db::users::recovery(&self.db, &u.user_id()?).await?,
            None => None,
        };
        let (Some(user), Some(rec)) = (user, rec) else {
            // The same work as for an account with a key, so timing does not tell.
            self.fake_verify(&name, secret);
            return Err(bad());
        };
        if !auth::verify(&rec.verifier_salt, &rec.verifier, secret) {
            return Err(bad());
        }
        // Only once the key is proven does the answer say the account is disabled.
        if user.disabled {
            return Err(Error::Forbidden(DISABLED));
        }
        Ok(user)
    }

    /// The check of a secret against an account that is not there, so that the answer
    /// for a missing account takes as long as for a wrong secret.
    pub(crate) fn fake_verify(&self, username: &str, secret: &AuthSecret) {
        let _ = auth::verify(&self.secret.fake_salt(username).0, &[0; 32], secret);
    }
}
