//! Membership commits: what they say, how they are signed and hashed.
//!
//! A commit names the change (who was added, removed, promoted…) and the hash of the
//! whole roster after it, not the roster itself, so the chain grows by a few hundred bytes
//! per change however large the group (`rules::Head` replays it).
//!
//! signed bytes = lp(`hearth/v1/commit`, JSON of the body)
//! hash         = SHA-256(lp(`hearth/v1/commit-hash`, signed bytes, signature))
//! roster hash  = SHA-256(lp(`hearth/v1/roster`, then user ‖ Ed25519 key ‖ role for each
//!                member in user order; role: 0 member, 1 admin, 2 owner))
//!
//! The JSON is this crate's own serialisation of the parsed body (fields in declaration
//! order, no maps, no floats), so the signer and every verifier produce the same bytes
//! however the body travelled.

use super::invite::JoinProof;
use super::keys::EpochKey;
use super::seal::{Names, Opened, Sealed};
use crate::bytes::{Bytes, fixed};
use crate::crypto::identity::IdentityKeys;
use crate::crypto::length_prefixed;
use crate::error::{ProtocolError, Result};
use crate::ids::{ConversationId, UserId};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The version of the commits this crate makes: 2 seals the group's names. Version 1
/// chains still verify; a version 2 commit is never followed by a version 1.
pub const COMMIT_VERSION: u8 = 2;

/// Ordered: a member < an admin < the owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Admin,
    Owner,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: UserId,
    /// The member's Ed25519 identity key, as the one who added them saw it.
    #[serde(with = "fixed")]
    pub signing: [u8; 32],
    pub role: Role,
}

/// Everyone in a group after some commit, by user id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Member>", into = "Vec<Member>")]
pub struct Roster(BTreeMap<UserId, Member>);

impl From<Vec<Member>> for Roster {
    fn from(v: Vec<Member>) -> Self {
        Roster(v.into_iter().map(|m| (m.user, m)).collect())
    }
}

impl From<Roster> for Vec<Member> {
    fn from(r: Roster) -> Self {
        r.0.into_values().collect()
    }
}

impl Roster {
    pub fn get(&self, user: &UserId) -> Option<&Member> {
        self.0.get(user)
    }
    pub fn role_of(&self, user: &UserId) -> Option<Role> {
        self.get(user).map(|m| m.role)
    }
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.0.values()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub(super) fn insert(&mut self, m: Member) {
        self.0.insert(m.user, m);
    }
    pub(super) fn remove(&mut self, user: &UserId) {
        self.0.remove(user);
    }
    pub(super) fn set_role(&mut self, user: &UserId, role: Role) {
        if let Some(m) = self.0.get_mut(user) {
            m.role = role;
        }
    }

    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        let label = b"hearth/v1/roster";
        h.update((label.len() as u32).to_be_bytes());
        h.update(label);
        for m in self.0.values() {
            let role = [match m.role {
                Role::Member => 0u8,
                Role::Admin => 1,
                Role::Owner => 2,
            }];
            for part in [&m.user.0[..], &m.signing[..], &role[..]] {
                h.update((part.len() as u32).to_be_bytes());
                h.update(part);
            }
        }
        h.finalize().into()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// In plain text in a version 1 commit only; empty in version 2, which seals them.
    pub name: String,
    pub description: String,
    /// One emoji, shown as the group's avatar.
    pub emoji: String,
    /// New members may read what was said before they joined (older keys are handed to
    /// them, and adding someone keeps the key); otherwise they read only what comes after.
    pub history: bool,
    /// Anyone on the server may join without an invite (only the Everyone room).
    pub open: bool,
    /// The name, description and emoji, sealed for members (version 2). Left out of the
    /// signed JSON when absent, so version 1 commits keep their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<Sealed>,
}

impl Settings {
    /// The names a version 1 commit carries in plain text.
    pub fn names(&self) -> Names {
        Names {
            name: self.name.clone(),
            description: self.description.clone(),
            emoji: self.emoji.clone(),
        }
    }

    /// Whether two settings say the same, however the names were sealed: a commit that
    /// starts a key may seal them again (same commitment, another ciphertext).
    pub fn same_as(&self, other: &Settings) -> bool {
        let commitment = |s: &Settings| s.sealed.as_ref().map(|x| x.commitment);
        self.names() == other.names()
            && self.history == other.history
            && self.open == other.open
            && commitment(self) == commitment(other)
    }
}

/// What a commit changes. `Create` starts the chain; the others follow a commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The first roster: the creator as owner and the first members.
    Create {
        members: Vec<Member>,
    },
    /// An admin adds someone.
    Add {
        member: Member,
    },
    /// Someone adds themselves, with an invite (or to an open group).
    Join {
        member: Member,
    },
    Remove {
        user: UserId,
    },
    /// A member removes themselves: no new key (they would know it); the next member to
    /// send starts one with a `Rekey`.
    Leave,
    Promote {
        user: UserId,
    },
    Demote {
        user: UserId,
    },
    /// The owner hands the group over and becomes an admin.
    Transfer {
        user: UserId,
    },
    /// New name, description, emoji or history setting.
    Settings,
    /// A new key with nothing else changed.
    Rekey,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitBody {
    pub version: u8,
    pub group: ConversationId,
    pub epoch: u64,
    /// The previous commit's hash; zeros for `Create`.
    #[serde(with = "fixed")]
    pub prev: [u8; 32],
    pub author: UserId,
    pub action: Action,
    pub settings: Settings,
    /// Hash of the roster after this commit.
    #[serde(with = "fixed")]
    pub roster: [u8; 32],
    /// Commitment to the key this commit starts (see `keys`), if it starts one.
    pub key: Option<Bytes>,
    /// Hash of the key wraps that came with the commit (see `keys::wraps_hash`).
    #[serde(with = "fixed")]
    pub wraps: [u8; 32],
    /// For `Join` with an invite.
    pub invite: Option<JoinProof>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub body: CommitBody,
    #[serde(with = "fixed")]
    pub signature: [u8; 64],
}

impl CommitBody {
    fn signed_bytes(&self) -> Result<Vec<u8>> {
        let json = serde_json::to_vec(self).map_err(|_| ProtocolError::Malformed("commit"))?;
        Ok(length_prefixed(&[b"hearth/v1/commit", &json]))
    }

    pub fn sign(self, keys: &IdentityKeys) -> Result<Commit> {
        let signature = keys.sign(&self.signed_bytes()?);
        Ok(Commit {
            body: self,
            signature,
        })
    }

    /// Makes this a version 2 commit carrying `names` sealed under `key`, the key the
    /// commit starts (a create, a settings change, or any commit that starts a key and
    /// whose author can read the names).
    pub fn seal_names(&mut self, names: &Opened, key: &EpochKey) -> Result<()> {
        self.version = COMMIT_VERSION;
        self.settings.name.clear();
        self.settings.description.clear();
        self.settings.emoji.clear();
        self.settings.sealed = Some(names.seal(key, self.group, self.epoch)?);
        Ok(())
    }

    /// The key commitment as an array, if present and well-formed.
    pub fn key_commitment(&self) -> Option<[u8; 32]> {
        self.key.as_ref().and_then(|k| k.as_slice().try_into().ok())
    }
}

impl Commit {
    pub fn hash(&self) -> Result<[u8; 32]> {
        let signed = self.body.signed_bytes()?;
        let data = length_prefixed(&[b"hearth/v1/commit-hash", &signed, &self.signature]);
        Ok(Sha256::digest(&data).into())
    }

    /// Checks the signature against an Ed25519 key (strict verification).
    pub fn check_signature(&self, signing: &[u8; 32]) -> Result<()> {
        let vk = VerifyingKey::from_bytes(signing).map_err(|_| ProtocolError::InvalidKey)?;
        vk.verify_strict(
            &self.body.signed_bytes()?,
            &Signature::from_bytes(&self.signature),
        )
        .map_err(|_| ProtocolError::BadSignature)
    }
}
