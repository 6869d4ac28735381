//! Membership commits: what they say, how they are signed and hashed.
//!
//! signed bytes = lp(`hearth/v1/commit`, JSON of the body)
//! hash         = SHA-256(lp(`hearth/v1/commit-hash`, signed bytes, signature))
//!
//! The JSON is this crate's own serialisation of the parsed body (fields in declaration
//! order, no maps, no floats), so the signer and every verifier produce the same bytes
//! however the body travelled.

use super::invite::JoinProof;
use crate::bytes::{Bytes, fixed};
use crate::crypto::identity::IdentityKeys;
use crate::crypto::{VERSION, length_prefixed};
use crate::error::{ProtocolError, Result};
use crate::ids::{ConversationId, UserId};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub name: String,
    pub description: String,
    /// One emoji, shown as the group's avatar.
    pub emoji: String,
    /// New members may read what was said before they joined (older keys are wrapped for
    /// them); otherwise they read only what comes after.
    pub history: bool,
    /// Anyone on the server may join without an invite (only the Everyone room).
    pub open: bool,
}

/// What a commit changes. `Create` starts the chain; the others follow a commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    Create,
    /// An admin adds someone.
    Add {
        user: UserId,
    },
    /// Someone adds themselves, with an invite (or to an open group).
    Join,
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
    /// Sorted by user id, each once.
    pub members: Vec<Member>,
    /// Commitment to this epoch's key (see `keys`); none for `Leave`.
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

    pub fn member(&self, user: &UserId) -> Option<&Member> {
        self.members.iter().find(|m| m.user == *user)
    }

    pub fn role_of(&self, user: &UserId) -> Option<Role> {
        self.member(user).map(|m| m.role)
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

    /// A new commit body following this one, with the same roster and settings.
    pub fn next(&self, author: UserId, action: Action) -> Result<CommitBody> {
        Ok(CommitBody {
            version: VERSION,
            group: self.body.group,
            epoch: self.body.epoch + 1,
            prev: self.hash()?,
            author,
            action,
            settings: self.body.settings.clone(),
            members: self.body.members.clone(),
            key: None,
            wraps: [0; 32],
            invite: None,
        })
    }
}

impl Commit {
    /// The body of `author`'s next commit with the roster changed as `action` says;
    /// `newcomer` is who an `Add` or `Join` brings in. The key and wraps are filled in by
    /// the caller; `rules::verify_next` decides whether the change is allowed.
    pub fn propose(
        &self,
        author: UserId,
        action: Action,
        newcomer: Option<Member>,
    ) -> Result<CommitBody> {
        let mut b = self.next(author, action.clone())?;
        let set_role = |b: &mut CommitBody, user: UserId, role: Role| {
            b.members
                .iter_mut()
                .filter(|m| m.user == user)
                .for_each(|m| m.role = role)
        };
        match action {
            Action::Add { .. } | Action::Join => {
                let m = newcomer.ok_or(ProtocolError::Invalid("Nobody to add.".into()))?;
                b.members.retain(|x| x.user != m.user);
                b.members.push(Member {
                    role: Role::Member,
                    ..m
                });
                b.members.sort_by_key(|m| m.user);
            }
            Action::Remove { user } => b.members.retain(|m| m.user != user),
            Action::Leave => b.members.retain(|m| m.user != author),
            Action::Promote { user } => set_role(&mut b, user, Role::Admin),
            Action::Demote { user } => set_role(&mut b, user, Role::Member),
            Action::Transfer { user } => {
                set_role(&mut b, user, Role::Owner);
                set_role(&mut b, author, Role::Admin);
            }
            Action::Create | Action::Settings | Action::Rekey => {}
        }
        Ok(b)
    }
}

/// The first commit of a group: the creator as owner, plus the first members.
pub fn genesis(
    group: ConversationId,
    creator: Member,
    others: Vec<Member>,
    settings: Settings,
) -> CommitBody {
    let mut members: Vec<Member> = others
        .into_iter()
        .filter(|m| m.user != creator.user)
        .map(|m| Member {
            role: Role::Member,
            ..m
        })
        .collect();
    members.push(Member {
        role: Role::Owner,
        ..creator
    });
    members.sort_by_key(|m| m.user);
    members.dedup_by_key(|m| m.user);
    CommitBody {
        version: VERSION,
        group,
        epoch: 0,
        prev: [0; 32],
        author: creator.user,
        action: Action::Create,
        settings,
        members,
        key: None,
        wraps: [0; 32],
        invite: None,
    }
}
