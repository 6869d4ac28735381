//! What admins see and do: the accounts on this server, and the server itself.

use crate::crypto::kdf::{AuthSecret, KdfParams, Salt};
use crate::ids::UserId;
use serde::{Deserialize, Serialize};

/// One account as an admin's user list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    /// A tab of theirs is connected now.
    pub online: bool,
    /// Browsers signed in.
    pub sessions: u32,
    pub created_at: i64,
    /// Made (or reset) by an admin and not logged in to yet.
    pub pending: bool,
    /// Cannot sign in until an admin enables it again.
    #[serde(default)]
    pub disabled: bool,
    /// Two-step login is on.
    #[serde(default)]
    pub two_step: bool,
    /// Encrypted bytes kept in the files they sent.
    #[serde(default)]
    pub stored: u64,
    /// The server's owner, its first admin: only the owner (or the terminal) resets,
    /// deletes, demotes or disables another admin.
    #[serde(default)]
    pub owner: bool,
    /// Locked after too many failed sign-ins from browsers it had not been used in: its
    /// recovery key or an admin (`unlock`) opens it again.
    #[serde(default)]
    pub locked: bool,
}

/// An account an admin makes with a temporary password: the admin's browser runs the
/// password through Argon2 as a login would, so only its auth secret is sent. The account
/// has no keys until its owner's first login chooses their own password and makes them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub salt: Salt,
    pub kdf: KdfParams,
    pub auth_secret: AuthSecret,
}

/// A temporary password for an existing account (the admin's browser runs Argon2, as for
/// `NewAccount`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TemporaryPassword {
    pub salt: Salt,
    pub kdf: KdfParams,
    pub auth_secret: AuthSecret,
}

/// Who may make an account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Anyone who can reach the server.
    #[default]
    Open,
    /// Only with an invite link an admin made.
    Invite,
    /// Nobody: admins make the accounts.
    Closed,
}

impl RegistrationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Invite => "invite",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "invite" => Some(Self::Invite),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// A sign-up invite link as the panel lists it (the link itself is shown only once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupInvite {
    pub id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: u32,
    pub uses: u32,
}

/// Limits on files; an admin can change them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileLimits {
    /// The largest file anyone may send, in bytes.
    pub max_upload: u64,
    /// What each person may keep stored, in bytes.
    pub quota: u64,
}

/// Everything the admin panel shows at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub users: Vec<UserSummary>,
    pub accounts: u64,
    /// People with a tab connected now.
    pub online: u64,
    /// Messages sent since the `since` the panel asked with (its midnight).
    pub messages_today: u64,
    pub uptime_secs: u64,
    pub version: String,
    pub registration: RegistrationMode,
    pub invites: Vec<SignupInvite>,
    pub limits: FileLimits,
}

/// What an admin does from the panel; each names the account by id.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum AdminAction {
    Disable {
        user: UserId,
    },
    Enable {
        user: UserId,
    },
    /// Deletes the account; what it sent stays for the others.
    Delete {
        user: UserId,
    },
    /// A temporary password: the owner chooses their own at the next login and gets new
    /// keys, so history sealed to the old ones is lost (their recovery key could have
    /// kept it: the panel says so).
    ResetPassword {
        user: UserId,
        password: TemporaryPassword,
    },
    /// Turns two-step login off (a lost phone).
    ResetTwoStep {
        user: UserId,
    },
    Promote {
        user: UserId,
    },
    Demote {
        user: UserId,
    },
    EndSessions {
        user: UserId,
    },
    /// Lifts a lock after failed sign-ins.
    Unlock {
        user: UserId,
    },
    SetRegistration {
        mode: RegistrationMode,
    },
    /// A sign-up link valid for `hours`, for `uses` registrations.
    CreateInvite {
        hours: u32,
        uses: u32,
    },
    RevokeInvite {
        id: String,
    },
    SetLimits {
        limits: FileLimits,
    },
}

/// What an action gives back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "got", rename_all = "snake_case")]
pub enum AdminReply {
    Done,
    /// The sessions ended.
    Ended {
        sessions: u32,
    },
    /// A new sign-up link's token (shown once) and its listing.
    Invite {
        token: String,
        invite: SignupInvite,
    },
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// The admin's username, or "(command line)".
    pub actor: String,
    pub action: String,
    /// The account acted on, by username at the time.
    pub target: Option<String>,
    pub detail: Option<String>,
}
