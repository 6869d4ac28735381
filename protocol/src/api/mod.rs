//! Request and response bodies of the server functions, and the plaintext inside an
//! envelope. The server sees everything here except `MessageContent`.

use crate::bytes::Bytes;
use crate::crypto::identity::PublicIdentity;
use crate::crypto::kdf::{AuthSecret, KdfParams, Salt};
use crate::error::{ProtocolError, Result};
use crate::frames::StoredMessage;
use crate::ids::{ConversationId, MessageId, UserId};
use serde::{Deserialize, Serialize};

pub mod group;
pub use group::GroupSummary;

/// Everything the browser made at registration. The password is not in it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Registration {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub salt: Salt,
    pub kdf: KdfParams,
    pub auth_secret: AuthSecret,
    pub identity: PublicIdentity,
    pub wrapped_keys: Bytes,
    /// The recovery key's login secret and second wrap (see `crypto::recovery`).
    #[serde(default)]
    pub recovery: Option<RecoverySetup>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecoverySetup {
    pub auth_secret: AuthSecret,
    pub wrapped_keys: Bytes,
}

/// What a recovery-key holder gets back to unwrap the keys with the recovery key.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecoveryWrap {
    pub user: UserId,
    pub wrapped_keys: Bytes,
}

/// A new password, prepared in the browser: the old auth secret proves the old password,
/// the rest replaces it. The identity keys stay; only their wrap changes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasswordChange {
    /// Proof: the current password's auth secret, or for a recovery the recovery key's.
    pub old_auth_secret: AuthSecret,
    pub salt: Salt,
    pub kdf: KdfParams,
    pub auth_secret: AuthSecret,
    pub wrapped_keys: Bytes,
}

/// What a browser needs to derive the master key. Unknown usernames get a stable fake
/// salt, so this does not tell who has an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginParams {
    pub salt: Salt,
    pub kdf: KdfParams,
}

/// The signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
}

/// Answer to a successful login: the wrapped keys are only ever handed out here.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub me: Profile,
    pub kdf: KdfParams,
    pub identity: PublicIdentity,
    pub wrapped_keys: Bytes,
}

/// Someone in the people list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub online: bool,
    pub identity: PublicIdentity,
}

/// A conversation in the sidebar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    /// The other person, for a direct conversation.
    pub peer: Option<Person>,
    /// Name, emoji and role, for a group.
    pub group: Option<GroupSummary>,
    pub unread: u32,
    pub last_message: Option<MessageId>,
    /// Milliseconds since the Unix epoch.
    pub last_at: Option<i64>,
}

/// One page of history, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub messages: Vec<StoredMessage>,
    /// True when older messages remain.
    pub more: bool,
}

pub const HISTORY_PAGE: u32 = 50;

/// The plaintext inside an envelope, padded before encryption.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageContent {
    Text { text: String },
}

impl MessageContent {
    /// JSON, padded to a size bucket.
    pub fn to_padded(&self) -> Result<Vec<u8>> {
        let json = serde_json::to_vec(self).map_err(|_| ProtocolError::Encrypt)?;
        crate::crypto::pad::pad(&json)
    }

    pub fn from_padded(padded: &[u8]) -> Result<Self> {
        let json = crate::crypto::pad::unpad(padded)?;
        serde_json::from_slice(json).map_err(|_| ProtocolError::Malformed("message content"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_round_trip_is_padded() {
        let c = MessageContent::Text {
            text: "héllo 👋".into(),
        };
        let p = c.to_padded().unwrap();
        assert_eq!(p.len(), 256);
        assert_eq!(MessageContent::from_padded(&p).unwrap(), c);
        assert!(MessageContent::from_padded(&crate::crypto::pad::pad(b"{}").unwrap()).is_err());
    }
}
