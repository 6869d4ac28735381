//! What admins see and do: the accounts on this server, and the server itself.

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
}
