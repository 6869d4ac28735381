//! The second factor's steps: enrol, confirm and turn off (`app::api::TotpService`), and
//! the check at login.

use super::{check, is_recovery_code, now, recovery_codes, recovery_hash};
use crate::auth;
use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use app::ApiError;
use app::api::TotpService;
use protocol::UserId;
use protocol::api::{Profile, TotpEnrolment, TotpStatus};
use protocol::crypto::kdf::AuthSecret;

#[async_trait::async_trait]
impl TotpService for Hearth {
    async fn totp_status(&self, me: &Profile) -> Result<TotpStatus, ApiError> {
        Ok(match db::totp::enabled(&self.db, &me.id).await? {
            Some(t) => TotpStatus {
                enabled: true,
                recovery_left: t.recovery_left(),
            },
            None => TotpStatus {
                enabled: false,
                recovery_left: 0,
            },
        })
    }

    /// A new secret, kept (sealed) until a code from it confirms the enrolment. The
    /// password is checked again first.
    async fn totp_begin(
        &self,
        profile: &Profile,
        password: AuthSecret,
    ) -> Result<TotpEnrolment, ApiError> {
        let (me, account) = (&profile.id, profile.username.as_str());
        self.check_password(me, &password).await?;
        let secret = zeroize::Zeroizing::new(super::new_secret()?);
        db::totp::begin(
            &self.db,
            me,
            super::seal(&self.secret, me, secret.as_ref())?,
        )
        .await?;
        let uri = super::uri(secret.as_ref(), account);
        let qr_svg = crate::net::qr_svg(&uri, 200);
        if qr_svg.is_empty() {
            return Err(Error::Corrupt("QR code").into());
        }
        Ok(TotpEnrolment {
            secret: super::base32(secret.as_ref()),
            uri,
            qr_svg,
        })
    }

    /// Turns the second factor on once a code from the new secret checks out; returns the
    /// recovery codes, shown this once.
    async fn totp_confirm(&self, profile: &Profile, code: String) -> Result<Vec<String>, ApiError> {
        let me = &profile.id;
        let wrong = || Error::Unauthorized("That code is not right; check the time on your phone.");
        let row = db::totp::get(&self.db, me)
            .await?
            .filter(|t| !t.enabled)
            .ok_or_else(|| Error::Conflict("Start setting up two-step login first.".into()))?;
        let secret = super::open(&self.secret, me, &row.sealed)?;
        let step = check(&secret, &code, now(), 0).ok_or_else(wrong)?;
        let (codes, hashes) = recovery_codes(&self.secret, me)?;
        if !db::totp::enable(&self.db, me, step, &hashes).await? {
            return Err(Error::Conflict("Two-step login is already on.".into()).into());
        }
        tracing::info!(user = %me, "two-step login turned on");
        Ok(codes)
    }

    /// Turns the second factor off: needs the password and a code (or recovery code).
    async fn totp_disable(
        &self,
        profile: &Profile,
        secret: AuthSecret,
        code: String,
    ) -> Result<(), ApiError> {
        let me = &profile.id;
        self.check_password(me, &secret).await?;
        if db::totp::enabled(&self.db, me).await?.is_none() {
            return Err(Error::Conflict("Two-step login is not on.".into()).into());
        }
        self.totp_gate(me, Some(&code)).await?;
        db::totp::remove(&self.db, me).await?;
        tracing::info!(user = %me, "two-step login turned off");
        Ok(())
    }
}

impl Hearth {
    /// At login, after the password: Ok if `me` has no second factor, or `code` is a
    /// fresh code or an unused recovery code.
    pub async fn totp_gate(&self, me: &UserId, code: Option<&str>) -> Result<()> {
        let Some(row) = db::totp::enabled(&self.db, me).await? else {
            return Ok(());
        };
        let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
            return Err(Error::SecondFactor);
        };
        let wrong = Error::Unauthorized("That code is not right.");
        if is_recovery_code(code) {
            let hash = recovery_hash(&self.secret, me, code);
            if !db::totp::use_recovery(&self.db, me, &hash).await? {
                return Err(wrong);
            }
            tracing::info!(user = %me, "logged in with a recovery code");
            return Ok(());
        }
        let secret = super::open(&self.secret, me, &row.sealed)?;
        let last = u64::try_from(row.last_step).unwrap_or(0);
        let step = check(&secret, code, now(), last).ok_or(wrong)?;
        if !db::totp::accept_step(&self.db, me, step).await? {
            return Err(Error::Unauthorized("That code is not right."));
        }
        Ok(())
    }

    async fn check_password(&self, me: &UserId, secret: &AuthSecret) -> Result<()> {
        let user = db::users::by_id(&self.db, me)
            .await?
            .ok_or(Error::NotFound("No such account."))?;
        if !auth::verify(&user.verifier_salt, &user.verifier, secret) {
            return Err(Error::Unauthorized("The password is wrong."));
        }
        Ok(())
    }
}
