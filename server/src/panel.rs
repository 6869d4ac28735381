//! The admin panel's backend (`app::api::PanelService`). Opening it asks for the admin's password again (a session
//! left open on a shared computer must not be enough); that confirmation lasts fifteen
//! minutes for that session. Everything an admin does is written to the audit log.

use crate::admin::admin_only;
use crate::auth;
use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use app::ApiError;
use app::api::PanelService;
use axum::http::HeaderMap;
use protocol::api::Profile;
use protocol::api::admin::{
    AdminAction, AdminReply, AuditEntry, FileLimits, Overview, RegistrationMode, UserSummary,
};
use protocol::crypto::kdf::AuthSecret;
use protocol::crypto::random_array;

/// How long a password confirmation opens the panel.
const ELEVATION_MS: i64 = 15 * 60 * 1000;
/// The longest a sign-up link may last (90 days) and the most people it may admit.
const INVITE_HOURS_MAX: u32 = 24 * 90;
const INVITE_USES_MAX: u32 = 1000;

/// What the account's owner is told at their next login about `what` an admin did.
fn notice(what: &str, admin: &str) -> Option<String> {
    let today = today();
    match what {
        "reset password" => Some(format!(
            "{admin}, an admin, reset your password on {today}."
        )),
        "reset two-step login" => Some(format!(
            "{admin}, an admin, turned off your two-step login on {today}. Turn it on again under Account if you want it."
        )),
        _ => None,
    }
}

/// Today's date (UTC), as a notice gives it.
pub(crate) fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{} {} {}", d.day(), d.month(), d.year())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[async_trait::async_trait]
impl PanelService for Hearth {
    /// Checks the admin's password again and opens the panel for this session.
    async fn admin_unlock(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        secret: AuthSecret,
    ) -> Result<(), ApiError> {
        admin_only(me)?;
        let user = db::users::by_id(&self.db, &me.id)
            .await?
            .ok_or(Error::Unauthorized("Please log in."))?;
        if !auth::verify(&user.verifier_salt, &user.verifier, &secret) {
            return Err(Error::Unauthorized("Wrong password.").into());
        }
        let hash = self
            .token_hash(headers)
            .ok_or(Error::Unauthorized("Please log in."))?;
        Ok(db::sessions::elevate(&self.db, &hash, db::now_ms() + ELEVATION_MS).await?)
    }

    /// The panel's figures; `since` is the admin's local midnight (ms since the epoch).
    async fn admin_overview(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        since: i64,
    ) -> Result<Overview, ApiError> {
        self.panel_gate(headers, me).await?;
        let users = self.user_summaries().await?;
        Ok(Overview {
            online: users.iter().filter(|u| u.online).count() as u64,
            accounts: db::stats::accounts(&self.db).await?,
            messages_today: db::stats::messages_since(&self.db, since).await?,
            uptime_secs: self.started.elapsed().as_secs(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            registration: self.registration_mode().await?,
            invites: db::signups::usable(&self.db).await?,
            limits: self.file_limits().await?,
            users,
        })
    }

    async fn admin_act(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        action: AdminAction,
    ) -> Result<AdminReply, ApiError> {
        self.panel_gate(headers, me).await?;
        Ok(self.act_on_settings(me, action).await?)
    }

    async fn admin_audit(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        before: Option<i64>,
    ) -> Result<Vec<AuditEntry>, ApiError> {
        self.panel_gate(headers, me).await?;
        Ok(db::audit::page(&self.db, before).await?)
    }
}

impl Hearth {
    /// An admin whose session confirmed the password within the last fifteen minutes.
    async fn panel_gate(&self, headers: &HeaderMap, me: &Profile) -> Result<()> {
        admin_only(me)?;
        let hash = self
            .token_hash(headers)
            .ok_or(Error::Unauthorized("Please log in."))?;
        if db::sessions::elevated(&self.db, &hash).await? {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "Confirm your password to open the admin panel.",
            ))
        }
    }

    /// Who may register now.
    pub async fn registration_mode(&self) -> Result<RegistrationMode> {
        Ok(db::settings::get(&self.db, db::settings::REGISTRATION)
            .await?
            .and_then(|m| RegistrationMode::parse(&m))
            .unwrap_or_default())
    }

    /// The file limits in force: the panel's, else the configuration's.
    pub async fn file_limits(&self) -> Result<FileLimits> {
        let get = |key| async move {
            Ok::<_, Error>(
                db::settings::get(&self.db, key)
                    .await?
                    .and_then(|v| v.parse::<u64>().ok()),
            )
        };
        Ok(FileLimits {
            max_upload: get(db::settings::MAX_UPLOAD)
                .await?
                .unwrap_or(self.files.max_upload),
            quota: get(db::settings::QUOTA).await?.unwrap_or(self.files.quota),
        })
    }

    /// Every account with what the panel shows of it.
    pub(crate) async fn user_summaries(&self) -> Result<Vec<UserSummary>> {
        let counts = db::sessions::counts(&self.db).await?;
        let stored = db::stats::storage(&self.db).await?;
        let two_step = db::totp::users_enabled(&self.db).await?;
        let owner = db::users::owner(&self.db).await?;
        let locked = db::lockout::locked(&self.db).await?;
        db::users::all(&self.db)
            .await?
            .into_iter()
            .map(|u| {
                let id = u.user_id()?;
                Ok(UserSummary {
                    id,
                    online: self.hub.is_online(&id),
                    sessions: counts.get(&u.id).copied().unwrap_or(0),
                    stored: stored.get(&u.id).copied().unwrap_or(0),
                    two_step: two_step.contains(&u.id),
                    owner: owner == Some(id),
                    locked: locked.contains(&u.username),
                    username: u.username,
                    display_name: u.display_name,
                    is_admin: u.is_admin,
                    created_at: u.created_at,
                    pending: u.pending,
                    disabled: u.disabled,
                })
            })
            .collect()
    }

    /// The panel's actions on the server's settings and sign-up links.
    async fn act_on_settings(&self, me: &Profile, action: AdminAction) -> Result<AdminReply> {
        let actor = me.username.as_str();
        match action {
            AdminAction::SetRegistration { mode } => {
                db::settings::set(&self.db, db::settings::REGISTRATION, mode.as_str()).await?;
                self.audit(actor, "set registration", None, Some(mode.as_str().into()))
                    .await?;
                Ok(AdminReply::Done)
            }
            AdminAction::CreateInvite { hours, uses } => {
                if !(1..=INVITE_HOURS_MAX).contains(&hours)
                    || !(1..=INVITE_USES_MAX).contains(&uses)
                {
                    return Err(Error::BadRequest(format!(
                        "An invite lasts 1 to {INVITE_HOURS_MAX} hours, for 1 to {INVITE_USES_MAX} people."
                    )));
                }
                let token = hex(&random_array::<16>()?);
                let id = hex(&random_array::<8>()?);
                let expires = db::now_ms() + i64::from(hours) * 3_600_000;
                let invite = db::signups::create(
                    &self.db,
                    id,
                    auth::hash_token(&token),
                    actor,
                    expires,
                    uses,
                )
                .await?;
                let detail = format!("{uses} uses, {hours} h, id {}", invite.id);
                self.audit(actor, "create invite link", None, Some(detail))
                    .await?;
                Ok(AdminReply::Invite { token, invite })
            }
            AdminAction::RevokeInvite { id } => {
                if !db::signups::revoke(&self.db, &id).await? {
                    return Err(Error::NotFound("There is no such invite link."));
                }
                self.audit(actor, "revoke invite link", None, Some(format!("id {id}")))
                    .await?;
                Ok(AdminReply::Done)
            }
            AdminAction::SetLimits { limits } => {
                if limits.max_upload == 0 || limits.quota == 0 {
                    return Err(Error::BadRequest(
                        "A limit must be more than nothing.".into(),
                    ));
                }
                db::settings::set(
                    &self.db,
                    db::settings::MAX_UPLOAD,
                    &limits.max_upload.to_string(),
                )
                .await?;
                db::settings::set(&self.db, db::settings::QUOTA, &limits.quota.to_string()).await?;
                let detail = format!("upload {} B, quota {} B", limits.max_upload, limits.quota);
                self.audit(actor, "set file limits", None, Some(detail))
                    .await?;
                Ok(AdminReply::Done)
            }
            account => self.act_on_account(me, account).await,
        }
    }

    /// The actions on one account.
    async fn act_on_account(&self, me: &Profile, action: AdminAction) -> Result<AdminReply> {
        let id = match &action {
            AdminAction::Disable { user }
            | AdminAction::Enable { user }
            | AdminAction::Delete { user }
            | AdminAction::ResetPassword { user, .. }
            | AdminAction::ResetTwoStep { user }
            | AdminAction::Promote { user }
            | AdminAction::Demote { user }
            | AdminAction::EndSessions { user }
            | AdminAction::Unlock { user } => *user,
            _ => return Err(Error::BadRequest("Not an action on an account.".into())),
        };
        let missing = || Error::NotFound("There is no such account.");
        let target = db::users::by_id(&self.db, &id)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or_else(missing)?;
        let name = target.username.clone();
        let lockout = matches!(
            action,
            AdminAction::Disable { .. } | AdminAction::Delete { .. }
        );
        // Browsers fetch the people again after these: the account leaves their lists
        // (until it is set up again, with new keys), and their next group key skips it.
        let tell = matches!(
            action,
            AdminAction::Delete { .. } | AdminAction::ResetPassword { .. }
        );
        if lockout && id == me.id {
            return Err(Error::Conflict(
                "You cannot lock yourself out: ask another admin.".into(),
            ));
        }
        self.owner_only(me, &target, &action).await?;
        let (what, ended) = match action {
            AdminAction::Disable { .. } => (
                "disable",
                db::accounts::set_disabled(&self.db, &id, true).await?,
            ),
            AdminAction::Enable { .. } => (
                "enable",
                db::accounts::set_disabled(&self.db, &id, false).await?,
            ),
            AdminAction::Delete { .. } => ("delete", db::accounts::delete(&self.db, &id).await?),
            AdminAction::ResetPassword { password, .. } => (
                "reset password",
                crate::setup::reset_password(&self.db, &id, &password).await?,
            ),
            AdminAction::ResetTwoStep { .. } => {
                db::totp::remove(&self.db, &id).await?;
                ("reset two-step login", Some(Vec::new()))
            }
            AdminAction::Promote { .. } | AdminAction::Demote { .. } => {
                let admin = matches!(action, AdminAction::Promote { .. });
                let found = db::accounts::set_admin(&self.db, &id, admin).await?;
                (
                    if admin { "make admin" } else { "remove admin" },
                    found.then(Vec::new),
                )
            }
            AdminAction::Unlock { .. } => {
                db::lockout::clear(&self.db, &name).await?;
                ("unlock", Some(Vec::new()))
            }
            _ => (
                "end sessions",
                Some(db::sessions::end_all(&self.db, &id, None).await?),
            ),
        };
        let ended = ended.ok_or_else(missing)?;
        self.hub.cut(&ended);
        if tell {
            self.hub
                .broadcast(&protocol::frames::ServerFrame::IdentityChanged { user: id });
        }
        self.audit(&me.username, what, Some(&name), None).await?;
        if let Some(line) = notice(what, &me.display_name) {
            db::settings::tell(&self.db, &id, &line).await?;
        }
        tracing::info!(admin = %me.id, user = %target.id, action = what, "admin action");
        Ok(if ended.is_empty() {
            AdminReply::Done
        } else {
            AdminReply::Ended {
                sessions: ended.len() as u32,
            }
        })
    }

    /// An admin may not take over another: resetting another admin's password or
    /// two-step login, deleting them, and (so that a reset cannot follow) demoting or
    /// disabling them takes the owner, or `hearth admin` at the terminal.
    async fn owner_only(
        &self,
        me: &Profile,
        target: &db::users::User,
        action: &AdminAction,
    ) -> Result<()> {
        if target.user_id()? == me.id {
            return Ok(());
        }
        let owner = db::users::owner(&self.db).await?;
        if owner == Some(me.id) {
            return Ok(());
        }
        let owners_part = matches!(
            action,
            AdminAction::ResetPassword { .. }
                | AdminAction::ResetTwoStep { .. }
                | AdminAction::Delete { .. }
                | AdminAction::Demote { .. }
                | AdminAction::Disable { .. }
        );
        if owners_part && target.is_admin {
            return Err(Error::Forbidden(
                "Only the server's owner (its first admin), or `hearth admin` on the server's terminal, can do that to an admin.",
            ));
        }
        Ok(())
    }

    pub(crate) async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: Option<&str>,
        detail: Option<String>,
    ) -> Result<()> {
        db::audit::record(&self.db, actor, action, target, detail).await
    }
}
