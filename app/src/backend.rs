//! What the server functions need from the server. The server crate implements it; the
//! server functions only decode, authorise through it, call it and map the error.

use crate::ApiError;
use http::HeaderMap;
use protocol::Bytes;
use protocol::api::admin::{
    AdminAction, AdminReply, AuditEntry, NewAccount, Overview, UserSummary,
};
use protocol::api::group::{CommitRequest, GroupState, InviteInfo, InvitePreview};
use protocol::api::{
    ConversationSummary, HistoryPage, LoginParams, Person, Profile, Registration, Session,
    SessionInfo,
};
use protocol::api::{PasswordChange, RecoveryWrap, TotpEnrolment, TotpStatus};
use protocol::crypto::group::KeyWrap;
use protocol::crypto::group::invite::Invite;
use protocol::crypto::identity::PublicIdentity;
use protocol::crypto::kdf::AuthSecret;
use protocol::{ConversationId, MessageId, UserId};
use std::sync::Arc;

/// A new session and the Set-Cookie header values that go with it (the session's, and
/// the one that remembers the browser for the account).
pub type NewSession = (Session, Vec<String>);

/// The browser a new session is for, as its owner's sessions list shows it.
#[derive(Clone, Debug, Default)]
pub struct Device {
    pub agent: Option<String>,
    pub address: Option<String>,
    /// The request's Cookie header: a browser the account signed in from before is
    /// not held back by strangers' failed sign-ins (the server reads its own cookie).
    pub cookies: Option<String>,
}

/// The address a request came from, put in the request's extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub std::net::IpAddr);

#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn login_params(&self, username: String) -> Result<LoginParams, ApiError>;
    /// Whether the server has no admin yet (a registration may bring the setup code).
    async fn setup_pending(&self) -> Result<bool, ApiError>;
    async fn register(&self, reg: Registration, device: Device) -> Result<NewSession, ApiError>;
    /// Checks the password (its auth secret) and, for accounts with two-step login, the
    /// code (or a recovery code); `SecondFactor` asks for one.
    async fn login(
        &self,
        username: String,
        secret: AuthSecret,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError>;
    async fn totp_status(&self, me: &Profile) -> Result<TotpStatus, ApiError>;
    /// Starts an enrolment after checking the password again (a stolen cookie must not
    /// be enough to bind someone else's authenticator): a new secret, not in force
    /// until confirmed.
    async fn totp_begin(&self, me: &Profile, secret: AuthSecret)
    -> Result<TotpEnrolment, ApiError>;
    /// Confirms with a code from the new secret; returns the recovery codes (once).
    async fn totp_confirm(&self, me: &Profile, code: String) -> Result<Vec<String>, ApiError>;
    /// Turns two-step login off: the password and a code again.
    async fn totp_disable(
        &self,
        me: &Profile,
        secret: AuthSecret,
        code: String,
    ) -> Result<(), ApiError>;
    /// Ends the request's session; returns the Set-Cookie value that clears the cookie.
    async fn logout(&self, headers: &HeaderMap) -> Result<String, ApiError>;
    /// The user whose session cookie the request carries.
    async fn authenticate(&self, headers: &HeaderMap) -> Result<Profile, ApiError>;
    async fn people(&self, me: &Profile) -> Result<Vec<Person>, ApiError>;
    async fn conversations(&self, me: &Profile) -> Result<Vec<ConversationSummary>, ApiError>;
    async fn open_direct(
        &self,
        me: &Profile,
        peer: UserId,
    ) -> Result<ConversationSummary, ApiError>;
    /// The user's encrypted pinned-keys store, if saved yet.
    async fn pins(&self, me: &Profile) -> Result<Option<Bytes>, ApiError>;
    /// Replaces the store, if `previous` (a digest, "" for none) is still what is stored.
    async fn save_pins(
        &self,
        me: &Profile,
        blob: Bytes,
        previous: Option<String>,
    ) -> Result<(), ApiError>;
    /// Replaces the user's identity keys (signed for them) and their wrap, after checking
    /// the password again (its auth secret): a stolen cookie must not be enough. The
    /// recovery wrap (of the old keys) is replaced by `recovery`, or removed. Everyone
    /// connected is told.
    async fn rotate_identity(
        &self,
        me: &Profile,
        secret: AuthSecret,
        identity: PublicIdentity,
        wrapped_keys: Bytes,
        recovery: Option<protocol::api::RecoverySetup>,
    ) -> Result<(), ApiError>;
    /// Replaces the password (checked again) and ends the user's other sessions.
    async fn change_password(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        change: PasswordChange,
    ) -> Result<(), ApiError>;
    /// The recovery wrap of a user's keys, for the holder of their recovery key.
    async fn recovery_keys(
        &self,
        username: String,
        secret: AuthSecret,
    ) -> Result<RecoveryWrap, ApiError>;
    /// Sets a new password with the recovery key (in `change.old_auth_secret`), ends every
    /// session and starts a new one. An account with two-step login needs its code (or a
    /// recovery code) here too; `SecondFactor` asks for one.
    async fn recover(
        &self,
        username: String,
        change: PasswordChange,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError>;
    /// The user's sessions (signed-in browsers), the current one marked.
    async fn sessions(
        &self,
        headers: &HeaderMap,
        me: &Profile,
    ) -> Result<Vec<SessionInfo>, ApiError>;
    /// Ends one of the user's sessions (its open tabs are cut off at once).
    async fn end_session(&self, me: &Profile, id: String) -> Result<(), ApiError>;
    /// Every account (admins only: 403 for anyone else).
    async fn list_users(&self, me: &Profile) -> Result<Vec<UserSummary>, ApiError>;
    /// Ends every session of a user (admins only); returns how many ended.
    async fn logout_user(&self, me: &Profile, username: String) -> Result<u32, ApiError>;
    /// Makes an account with a temporary password (admins only).
    async fn add_user(&self, me: &Profile, account: NewAccount) -> Result<(), ApiError>;
    /// The first login of an account an admin made: the temporary password's auth secret
    /// and everything a registration carries; starts a session.
    async fn finish_setup(
        &self,
        username: String,
        old_auth_secret: AuthSecret,
        registration: Registration,
        totp: Option<String>,
        device: Device,
    ) -> Result<NewSession, ApiError>;
    /// Shuts the server down gracefully (admins only).
    async fn shutdown(&self, me: &Profile) -> Result<(), ApiError>;
    /// The admin's password again: opens the admin panel for this session for a while.
    async fn admin_unlock(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        secret: AuthSecret,
    ) -> Result<(), ApiError>;
    /// The admin panel's accounts, figures and settings (`since`: the admin's midnight).
    async fn admin_overview(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        since: i64,
    ) -> Result<Overview, ApiError>;
    /// Does one thing from the admin panel.
    async fn admin_act(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        action: AdminAction,
    ) -> Result<AdminReply, ApiError>;
    /// A page of the audit log, newest first, older than the entry `before`.
    async fn admin_audit(
        &self,
        headers: &HeaderMap,
        me: &Profile,
        before: Option<i64>,
    ) -> Result<Vec<AuditEntry>, ApiError>;
    /// Ends all of the user's sessions but the current one.
    async fn end_other_sessions(&self, headers: &HeaderMap, me: &Profile) -> Result<(), ApiError>;
    /// Reserves a conversation id for a group the user is about to create.
    async fn new_group(&self, me: &Profile) -> Result<ConversationId, ApiError>;
    /// The Everyone room's id (reserved on first use; its first commit makes it).
    async fn everyone_room(&self, me: &Profile) -> Result<ConversationId, ApiError>;
    /// A group's commits after epoch `after` (all for None) and key wraps, for members.
    async fn group_state(
        &self,
        me: &Profile,
        conversation: ConversationId,
        after: Option<u64>,
    ) -> Result<GroupState, ApiError>;
    /// Checks a signed membership change against the group's last one and stores it with
    /// its key wraps; every member before and after is told.
    async fn group_commit(&self, me: &Profile, request: CommitRequest) -> Result<(), ApiError>;
    /// Stores keys a member hands over to other members.
    async fn give_keys(
        &self,
        me: &Profile,
        conversation: ConversationId,
        wraps: Vec<KeyWrap>,
    ) -> Result<(), ApiError>;
    /// Throws away a key wrap made for the user that did not open (so it is handed over
    /// again by someone else).
    async fn drop_key(
        &self,
        me: &Profile,
        conversation: ConversationId,
        epoch: u64,
        sender: UserId,
    ) -> Result<(), ApiError>;
    async fn create_invite(
        &self,
        me: &Profile,
        invite: Invite,
        settings: Option<Bytes>,
    ) -> Result<(), ApiError>;
    /// A group's usable invites, for its admins.
    async fn list_invites(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<Vec<InviteInfo>, ApiError>;
    /// Withdraws an invite (an admin of its group).
    async fn revoke_invite(&self, me: &Profile, id: String) -> Result<(), ApiError>;
    /// The invite and group chain behind an invite id (derived from the link's secret).
    async fn invite_preview(&self, me: &Profile, id: String) -> Result<InvitePreview, ApiError>;
    /// Deletes a group (its owner only).
    async fn delete_group(
        &self,
        me: &Profile,
        conversation: ConversationId,
    ) -> Result<(), ApiError>;
    async fn history(
        &self,
        me: &Profile,
        conversation: ConversationId,
        before: Option<MessageId>,
    ) -> Result<HistoryPage, ApiError>;
}

pub type SharedBackend = Arc<dyn Backend>;
