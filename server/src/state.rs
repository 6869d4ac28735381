//! The server's shared state and the plain functions behind the server functions
//! (`app::Backend`): decode and authorise happen in `app`, the work happens here.

use crate::auth::{self, ServerSecret};
use crate::db;
use crate::error::{Error, Result};
use crate::hub::Hub;
use app::backend::{Device, NewSession};
use app::{ApiError, Backend};
use axum::http::{HeaderMap, header};
use protocol::api::admin::{
    AdminAction, AdminReply, AuditEntry, NewAccount, Overview, UserSummary,
};
use protocol::api::group::{CommitRequest, GroupState, InviteInfo, InvitePreview};
use protocol::api::{
    ConversationSummary, HISTORY_PAGE, HistoryPage, LoginParams, Person, Profile, Registration,
    Session, SessionInfo,
};
use protocol::api::{PasswordChange, RecoveryWrap, TotpEnrolment, TotpStatus};
use protocol::crypto::group::KeyWrap;
use protocol::crypto::group::invite::Invite;
use protocol::crypto::identity::PublicIdentity;
use protocol::crypto::kdf::{AuthSecret, KdfParams};
use protocol::crypto::random_array;
use protocol::crypto::wrap::WRAPPED_LEN;
use protocol::frames::ServerFrame;
use protocol::{Bytes, ConversationId, MessageId, UserId, validate};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub(crate) const DISABLED: &str = "This account is disabled; ask an admin.";

pub struct Hearth {
    pub db: DatabaseConnection,
    pub hub: Arc<Hub>,
    pub secret: ServerSecret,
    pub sessions: auth::SessionPolicy,
    pub files: crate::files::FileStore,
    pub limits: Arc<crate::limit::Limits>,
    /// Told when an admin shuts the server down; `main` waits on it with the signals.
    pub stop: Arc<tokio::sync::Notify>,
    /// When this process started (the panel's uptime).
    pub started: std::time::Instant,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Stores messages, several senders' in one commit (`crate::ingest`).
    pub ingest: crate::ingest::Ingest,
}

impl Hearth {
    /// The signed-in user for a request's cookies.
    pub async fn user_from_headers(&self, headers: &HeaderMap) -> Result<UserId> {
        Ok(self.session_from_headers(headers).await?.0)
    }

    /// The signed-in user and their session's token hash (a socket is tied to it).
    pub async fn session_from_headers(&self, headers: &HeaderMap) -> Result<(UserId, String)> {
        let hash = self.signed_in(headers)?;
        Ok((self.session_profile(&hash).await?.id, hash))
    }

    /// The hash of the request's session token, or 401.
    fn signed_in(&self, headers: &HeaderMap) -> Result<String> {
        self.token_hash(headers)
            .ok_or(Error::Unauthorized("Please log in."))
    }

    /// The hash of the request's session token, if it carries one.
    pub(crate) fn token_hash(&self, headers: &HeaderMap) -> Option<String> {
        self.token(headers).map(auth::hash_token)
    }

    fn token<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| self.sessions.token(c))
    }

    async fn session_profile(&self, token_hash: &str) -> Result<Profile> {
        db::sessions::user(&self.db, token_hash, &self.sessions)
            .await?
            .ok_or(Error::Unauthorized(
                "Your session has ended; please log in again.",
            ))?
            .profile()
    }

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

    async fn do_register(&self, reg: Registration, device: Device) -> Result<NewSession> {
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
        self.start_session(&user, device).await
    }

    async fn do_login(
        &self,
        username: &str,
        secret: &AuthSecret,
        totp: Option<&str>,
        device: Device,
    ) -> Result<NewSession> {
        let bad = Error::Unauthorized("Wrong username or password.");
        let Ok(username) = validate::username(username) else {
            return Err(bad);
        };
        let user = db::users::by_username(&self.db, &username).await?;
        // Failures on the account, from any address, hold it back (`lockout`).
        let check = self.check_login(&username, user.as_ref(), secret, totp);
        self.guarded(&username, user.as_ref(), &device, check)
            .await?;
        let user = user.ok_or(Error::Corrupt("checked account vanished"))?;
        self.start_session(&user, device).await
    }

    /// Everything a login checks: the password, the account's state, the code.
    async fn check_login(
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
    async fn recovery_account(
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

    fn person(&self, user: &db::users::User) -> Result<Person> {
        let id = user.user_id()?;
        let status = self.hub.status(&id);
        Ok(Person {
            id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            online: status.online,
            away: status.away,
            last_seen: status.last_seen,
            identity: user.identity()?,
            deleted: user.deleted_at.is_some(),
        })
    }

    async fn summaries(&self, me: &UserId) -> Result<Vec<ConversationSummary>> {
        let mut out = Vec::new();
        for m in db::conversations::list(&self.db, me).await? {
            let peer = match &m.peer {
                Some(id) => match db::users::by_id(&self.db, id).await? {
                    Some(p) => Some(self.person(&p)?),
                    None => continue,
                },
                None => None,
            };
            out.push(ConversationSummary {
                id: m.conversation,
                group: m
                    .group
                    .map(|(c, role, count)| crate::groups::summary(c, &role, count))
                    .transpose()?,
                peer,
                unread: m.unread.min(u32::MAX as u64) as u32,
                last_message: m.last_message,
                last_at: m.last_at,
            });
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl Backend for Hearth {
    async fn login_params(&self, username: String) -> Result<LoginParams, ApiError> {
        let name = validate::username(&username).unwrap_or(username);
        Ok(
            match db::users::by_username(&self.db, &name)
                .await
                .map_err(Error::from)?
            {
                Some(u) => LoginParams {
                    salt: u.salt()?,
                    kdf: u.kdf(),
                },
                None => LoginParams {
                    salt: self.secret.fake_salt(&name),
                    kdf: KdfParams::DEFAULT,
                },
            },
        )
    }

    async fn setup_pending(&self) -> Result<bool, ApiError> {
        Ok(db::setup_code::pending(&self.db).await?)
    }

    async fn register(&self, reg: Registration, device: Device) -> Result<NewSession, ApiError> {
        Ok(self.do_register(reg, device).await?)
    }

    async fn login(
        &self,
        username: String,
        secret: AuthSecret,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError> {
        Ok(self
            .do_login(&username, &secret, totp.as_deref(), device)
            .await?)
    }

    async fn totp_status(&self, me: &Profile) -> Result<TotpStatus, ApiError> {
        Ok(Hearth::totp_status(self, &me.id).await?)
    }

    async fn totp_begin(
        &self,
        me: &Profile,
        secret: AuthSecret,
    ) -> Result<TotpEnrolment, ApiError> {
        Ok(Hearth::totp_begin(self, &me.id, &me.username, &secret).await?)
    }

    async fn totp_confirm(&self, me: &Profile, code: String) -> Result<Vec<String>, ApiError> {
        Ok(Hearth::totp_confirm(self, &me.id, &code).await?)
    }

    async fn totp_disable(
        &self,
        me: &Profile,
        secret: AuthSecret,
        code: String,
    ) -> Result<(), ApiError> {
        Ok(Hearth::totp_disable(self, &me.id, &secret, &code).await?)
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

    async fn people(&self, me: &Profile) -> Result<Vec<Person>, ApiError> {
        let mut out = Vec::new();
        for u in db::users::others(&self.db, &me.id)
            .await
            .map_err(Error::from)?
        {
            out.push(self.person(&u)?);
        }
        Ok(out)
    }

    async fn conversations(&self, me: &Profile) -> Result<Vec<ConversationSummary>, ApiError> {
        Ok(self.summaries(&me.id).await?)
    }

    async fn open_direct(
        &self,
        me: &Profile,
        peer: UserId,
    ) -> Result<ConversationSummary, ApiError> {
        db::users::by_id(&self.db, &peer)
            .await
            .map_err(Error::from)?
            .filter(|u| !u.pending && u.deleted_at.is_none())
            .ok_or(Error::NotFound("No such person."))?;
        let id = db::conversations::open_direct(&self.db, &me.id, &peer).await?;
        let all = self.summaries(&me.id).await?;
        Ok(all
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::Corrupt("conversation missing"))?)
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
        recovery: Option<protocol::api::RecoverySetup>,
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

    async fn sessions(
        &self,
        headers: &HeaderMap,
        me: &Profile,
    ) -> Result<Vec<SessionInfo>, ApiError> {
        Ok(self.list_sessions(headers, &me.id).await?)
    }

    async fn end_session(&self, me: &Profile, id: String) -> Result<(), ApiError> {
        Ok(self.end_own_session(&me.id, &id).await?)
    }

    async fn end_other_sessions(&self, headers: &HeaderMap, me: &Profile) -> Result<(), ApiError> {
        Ok(Hearth::end_other_sessions(self, headers, &me.id).await?)
    }

    async fn list_users(&self, me: &Profile) -> Result<Vec<UserSummary>, ApiError> {
        Ok(Hearth::list_users(self, me).await?)
    }

    async fn logout_user(&self, me: &Profile, username: String) -> Result<u32, ApiError> {
        let n = Hearth::logout_user(self, me, &username).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn add_user(&self, me: &Profile, account: NewAccount) -> Result<(), ApiError> {
        Ok(Hearth::add_user(self, me, account).await?)
    }

    async fn finish_setup(
        &self,
        username: String,
        old_auth_secret: AuthSecret,
        registration: Registration,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError> {
        let totp = totp.as_deref();
        Ok(Hearth::finish_setup(
            self,
            &username,
            &old_auth_secret,
            registration,
            totp,
            device,
        )
        .await?)
    }

    async fn shutdown(&self, me: &Profile) -> Result<(), ApiError> {
        Ok(self.shut_down(me).await?)
    }

    async fn admin_unlock(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        secret: AuthSecret,
    ) -> Result<(), ApiError> {
        Ok(Hearth::admin_unlock(self, headers, me, &secret).await?)
    }

    async fn admin_overview(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        since: i64,
    ) -> Result<Overview, ApiError> {
        Ok(Hearth::admin_overview(self, headers, me, since).await?)
    }

    async fn admin_act(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        action: AdminAction,
    ) -> Result<AdminReply, ApiError> {
        Ok(Hearth::admin_act(self, headers, me, action).await?)
    }

    async fn admin_audit(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        before: Option<i64>,
    ) -> Result<Vec<AuditEntry>, ApiError> {
        Ok(Hearth::admin_audit(self, headers, me, before).await?)
    }

    async fn new_group(&self, me: &Profile) -> Result<ConversationId, ApiError> {
        Ok(db::groups::reserve(&self.db, &me.id).await?)
    }

    async fn everyone_room(&self, _me: &Profile) -> Result<ConversationId, ApiError> {
        Ok(db::groups::everyone(&self.db).await?)
    }

    async fn group_state(
        &self,
        me: &Profile,
        conversation: ConversationId,
        after: Option<u64>,
    ) -> Result<GroupState, ApiError> {
        Ok(db::groups::state(&self.db, &me.id, conversation, after).await?)
    }

    async fn group_commit(&self, me: &Profile, request: CommitRequest) -> Result<(), ApiError> {
        Ok(self.commit(&me.id, request).await?)
    }

    async fn give_keys(
        &self,
        me: &Profile,
        conversation: ConversationId,
        wraps: Vec<KeyWrap>,
    ) -> Result<(), ApiError> {
        Ok(self.hand_over(&me.id, conversation, wraps).await?)
    }

    async fn create_invite(
        &self,
        me: &Profile,
        invite: Invite,
        settings: Option<Bytes>,
    ) -> Result<(), ApiError> {
        Ok(db::invites::create(&self.db, &me.id, invite, settings).await?)
    }

    async fn drop_key(
        &self,
        me: &Profile,
        conversation: ConversationId,
        epoch: u64,
        sender: UserId,
    ) -> Result<(), ApiError> {
        Ok(Hearth::drop_key(self, &me.id, conversation, epoch, sender).await?)
    }

    async fn list_invites(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<Vec<InviteInfo>, ApiError> {
        Ok(db::invites::list(&self.db, &me.id, conversation).await?)
    }

    async fn revoke_invite(&self, me: &Profile, id: String) -> Result<(), ApiError> {
        let conv = db::invites::revoke(&self.db, &me.id, &id).await?;
        tracing::info!(conversation = conv.0, "invite withdrawn");
        Ok(())
    }

    async fn invite_preview(&self, _me: &Profile, id: String) -> Result<InvitePreview, ApiError> {
        Ok(db::invites::preview(&self.db, &id).await?)
    }

    async fn delete_group(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<(), ApiError> {
        Ok(self.delete(&me.id, conversation).await?)
    }

    async fn history(
        &self,
        me: &Profile,
        conversation: ConversationId,
        before: Option<MessageId>,
    ) -> Result<HistoryPage, ApiError> {
        if before.is_some_and(|b| b.0 <= 0) {
            return Err(Error::BadRequest("Message ids start at 1.".into()).into());
        }
        let (messages, more) =
            db::messages::history(&self.db, &me.id, conversation, before, HISTORY_PAGE as u64)
                .await?;
        let seen = db::conversations::read_marks(&self.db, &me.id, conversation).await?;
        Ok(HistoryPage {
            messages,
            more,
            seen,
        })
    }
}

/// Checks what a browser made at registration (or at the first login of an account an
/// admin made) and turns it into the row to store.
pub(crate) fn new_user(reg: Registration) -> Result<db::users::NewUser> {
    let username = validate::username(&reg.username)?;
    let display_name = validate::display_name(&reg.display_name)?;
    let email = validate::email(reg.email.as_deref())?;
    // The browser enforces the floor; the server does too, so no client can store
    // parameters that every other client would then refuse.
    reg.kdf.check()?;
    reg.identity.verify()?;
    if reg.wrapped_keys.len() != WRAPPED_LEN {
        return Err(Error::BadRequest(
            "The wrapped keys have the wrong size.".into(),
        ));
    }
    let verifier_salt = random_array::<16>()?;
    let recovery = reg.recovery.map(recovery_row).transpose()?;
    Ok(db::users::NewUser {
        id: reg.identity.user,
        username,
        display_name,
        email,
        salt: reg.salt,
        kdf: reg.kdf,
        verifier_salt,
        verifier: auth::verifier(&verifier_salt, &reg.auth_secret),
        identity: reg.identity,
        wrapped_keys: reg.wrapped_keys.0,
        recovery,
    })
}

/// What the server keeps of a recovery key: a verifier of its login secret, and its wrap.
pub(crate) fn recovery_row(r: protocol::api::RecoverySetup) -> Result<db::users::RecoveryRow> {
    if r.wrapped_keys.len() != WRAPPED_LEN {
        return Err(Error::BadRequest(
            "The recovery wrap has the wrong size.".into(),
        ));
    }
    let salt = random_array::<16>()?;
    Ok((
        salt,
        auth::verifier(&salt, &r.auth_secret),
        r.wrapped_keys.0,
    ))
}
