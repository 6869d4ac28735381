//! Request and response bodies for groups. Commits and key wraps are described in
//! `crypto::group`; the server checks commits with the same rules as the browsers.

use crate::bytes::Bytes;
use crate::crypto::group::invite::Invite;
use crate::crypto::group::{Commit, KeyWrap, Role};
use crate::ids::{ConversationId, UserId};
use serde::{Deserialize, Serialize};

/// A group in the sidebar: what the server knows of it. The names are empty for a group
/// whose commits seal them (the browser fills them in once it has opened them); a group
/// from before version 2 keeps them in plain text until an admin changes its settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub name: String,
    pub description: String,
    pub emoji: String,
    pub members: u32,
    pub role: Role,
    /// The built-in room every account joins.
    pub everyone: bool,
}

/// A commit with the server's time of storing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCommit {
    pub commit: Commit,
    pub at: i64,
}

/// A member who lacks a wrap of an epoch key they are owed (by the server's account; each
/// browser checks against its own verified chain before handing one over).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WrapSlot {
    pub epoch: u64,
    pub recipient: UserId,
}

/// Everything a member's browser needs to verify a group and read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupState {
    pub id: ConversationId,
    pub everyone: bool,
    /// Oldest first, after the epoch asked for; empty for a group that is reserved but not
    /// yet created.
    pub commits: Vec<StoredCommit>,
    /// Keys members are owed and lack (at most `WANTED_MAX`).
    pub wanted: Vec<WrapSlot>,
    /// The wraps made for the caller (several for one epoch when several members made
    /// one), but not those it refused.
    pub keys: Vec<KeyWrap>,
    /// The wraps the caller could not open and threw away (`drop_key`): who made them,
    /// for which epoch. Their authors cannot hand the same slot again.
    #[serde(default)]
    pub refused: Vec<RefusedWrap>,
}

/// A key wrap its recipient could not open: its author is named to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedWrap {
    pub epoch: u64,
    pub sender: UserId,
}

/// One wrap sent with a commit, for a member of its roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWrap {
    pub recipient: UserId,
    pub wrap: Bytes,
}

/// A membership change: the signed commit and the new epoch key wrapped for every member
/// (none for a leave).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRequest {
    pub commit: Commit,
    pub wraps: Vec<NewWrap>,
}

/// What the holder of an invite link sees before joining.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    pub invite: Invite,
    pub commits: Vec<StoredCommit>,
    /// The group's names sealed for the holder of the code (`crypto::group::seal`); none
    /// for a group whose names are plain.
    #[serde(default)]
    pub settings: Option<Bytes>,
}

/// The longest an invite may stay valid: 30 days.
pub const INVITE_MAX_MS: i64 = 30 * 24 * 3600 * 1000;
pub const INVITE_MAX_USES: u32 = 1000;
pub const WANTED_MAX: usize = 2000;

/// An invite as its group's admins see it (the code itself is never stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub id: String,
    pub by: UserId,
    /// Milliseconds since the Unix epoch.
    pub expires: i64,
    pub used: u32,
    pub uses: u32,
}
