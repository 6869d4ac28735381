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
    /// Made by an admin and not logged in to yet.
    pub pending: bool,
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
