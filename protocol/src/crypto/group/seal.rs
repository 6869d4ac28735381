//! A group's name, description and emoji, sealed so only its members read them (commit
//! version 2; version 1 carried them in plain text).
//!
//! plaintext  = pad(lp(salt, name, description, emoji)); salt = 32 random bytes, new at
//!              each change, so the commitment below cannot be guessed from a dictionary
//!              of likely names.
//! commitment = SHA-256(lp(`hearth/v2/settings-commit`, salt, name, description, emoji)),
//!              signed in the commit: the server (and a member who cannot open the seal)
//!              tells a change of names from a copy, and a reader checks what it opened.
//! seal key   = HKDF-SHA256(ikm = epoch key, info = `hearth/v2/settings-key`)
//! sealed     = nonce (12) ‖ AES-256-GCM(seal key, nonce, plaintext,
//!              aad = lp(`hearth/v2/settings`, group, epoch, commitment))
//! invite     = the same plaintext under HKDF-SHA256(ikm = invite token,
//!              info = `hearth/v2/invite-settings`), aad = lp(`hearth/v2/invite-settings`,
//!              group, invite id): what a joiner reads before joining.
//!
//! A commit that starts a key may seal the names again under it (same salt, same
//! commitment); the others copy the seal as it was.

use super::keys::EpochKey;
use crate::bytes::{Bytes, fixed};
use crate::crypto::pad::{pad, unpad};
use crate::crypto::{aes_open, aes_seal, hkdf, length_prefixed, random_array};
use crate::error::{ProtocolError, Result};
use crate::ids::ConversationId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The largest sealed names: the longest name, description and emoji in UTF-8 fit.
pub const SEALED_MAX: usize = 12 + 2048 + 16;

/// What members read: shown as the group's title, about text and avatar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    pub name: String,
    pub description: String,
    pub emoji: String,
}

/// Names with the salt their commitment was made with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub names: Names,
    salt: [u8; 32],
}

/// The names as a commit carries them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// The epoch whose key seals them.
    pub epoch: u64,
    #[serde(with = "fixed")]
    pub commitment: [u8; 32],
    pub sealed: Bytes,
}

fn unreadable() -> ProtocolError {
    ProtocolError::Invalid("The group's name does not open with its key.".into())
}

impl Opened {
    /// New names (checked), with a fresh salt.
    pub fn new(names: Names) -> Result<Self> {
        crate::validate::group_names(&names)?;
        Ok(Self {
            names,
            salt: random_array()?,
        })
    }

    /// From a known salt: test vectors only.
    pub fn with_salt(names: Names, salt: [u8; 32]) -> Self {
        Self { names, salt }
    }

    pub fn commitment(&self) -> [u8; 32] {
        let n = &self.names;
        Sha256::digest(length_prefixed(&[
            b"hearth/v2/settings-commit",
            &self.salt,
            n.name.as_bytes(),
            n.description.as_bytes(),
            n.emoji.as_bytes(),
        ]))
        .into()
    }

    fn plaintext(&self) -> Result<Vec<u8>> {
        let n = &self.names;
        pad(&length_prefixed(&[
            &self.salt,
            n.name.as_bytes(),
            n.description.as_bytes(),
            n.emoji.as_bytes(),
        ]))
    }

    fn parse(padded: &[u8]) -> Result<Self> {
        let parts = split_lp(unpad(padded)?).ok_or_else(unreadable)?;
        let [salt, name, description, emoji] = parts.as_slice() else {
            return Err(unreadable());
        };
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| unreadable());
        Ok(Self {
            salt: (*salt).try_into().map_err(|_| unreadable())?,
            names: Names {
                name: text(name)?,
                description: text(description)?,
                emoji: text(emoji)?,
            },
        })
    }

    /// Seals the names under the key of `epoch` (a random nonce).
    pub fn seal(&self, key: &EpochKey, group: ConversationId, epoch: u64) -> Result<Sealed> {
        self.seal_with_nonce(key, group, epoch, random_array()?)
    }

    pub fn seal_with_nonce(
        &self,
        key: &EpochKey,
        group: ConversationId,
        epoch: u64,
        nonce: [u8; 12],
    ) -> Result<Sealed> {
        let commitment = self.commitment();
        let aad = aad(group, epoch, &commitment);
        let ct = aes_seal(&*seal_key(key)?, &nonce, &aad, &self.plaintext()?)?;
        Ok(Sealed {
            epoch,
            commitment,
            sealed: Bytes([&nonce[..], &ct].concat()),
        })
    }

    /// Seals the names for the holder of an invite (`invite_key` from its token).
    pub fn seal_for_invite(
        &self,
        invite_key: &[u8; 32],
        group: ConversationId,
        invite_id: &str,
    ) -> Result<Bytes> {
        let nonce: [u8; 12] = random_array()?;
        let ct = aes_seal(
            invite_key,
            &nonce,
            &invite_aad(group, invite_id),
            &self.plaintext()?,
        )?;
        Ok(Bytes([&nonce[..], &ct].concat()))
    }

    /// Opens what `seal_for_invite` made.
    pub fn open_for_invite(
        blob: &[u8],
        invite_key: &[u8; 32],
        group: ConversationId,
        invite_id: &str,
    ) -> Result<Self> {
        let (nonce, ct) = split_nonce(blob)?;
        let plain = aes_open(invite_key, &nonce, &invite_aad(group, invite_id), ct)
            .map_err(|_| unreadable())?;
        Self::parse(&plain)
    }
}

impl Sealed {
    /// Opens the names with the key of `self.epoch` and checks them against the
    /// commitment.
    pub fn open(&self, key: &EpochKey, group: ConversationId) -> Result<Opened> {
        let (nonce, ct) = split_nonce(self.sealed.as_slice())?;
        let aad = aad(group, self.epoch, &self.commitment);
        let plain = aes_open(&*seal_key(key)?, &nonce, &aad, ct).map_err(|_| unreadable())?;
        let opened = Opened::parse(&plain)?;
        if opened.commitment() != self.commitment {
            return Err(unreadable());
        }
        Ok(opened)
    }

    /// A size the longest names can have once padded: all the server checks.
    pub fn well_formed(&self) -> bool {
        possible_len(self.sealed.as_slice().len())
    }
}

/// Whether sealed names (in a commit, or for an invite) can be this long: a nonce, at
/// least one 256-byte padded block and a tag, at most `SEALED_MAX`.
pub fn possible_len(len: usize) -> bool {
    (12 + 16 + 256..=SEALED_MAX).contains(&len)
}

fn seal_key(key: &EpochKey) -> Result<zeroize::Zeroizing<[u8; 32]>> {
    hkdf::<32>(None, &key.0, &[b"hearth/v2/settings-key"])
}

fn aad(group: ConversationId, epoch: u64, commitment: &[u8; 32]) -> Vec<u8> {
    length_prefixed(&[
        b"hearth/v2/settings",
        &group.0.to_be_bytes(),
        &epoch.to_be_bytes(),
        commitment,
    ])
}

fn invite_aad(group: ConversationId, invite_id: &str) -> Vec<u8> {
    length_prefixed(&[
        b"hearth/v2/invite-settings",
        &group.0.to_be_bytes(),
        invite_id.as_bytes(),
    ])
}

fn split_nonce(blob: &[u8]) -> Result<([u8; 12], &[u8])> {
    if blob.len() < 12 + 16 || blob.len() > SEALED_MAX {
        return Err(unreadable());
    }
    let (nonce, ct) = blob.split_at(12);
    Ok((nonce.try_into().map_err(|_| unreadable())?, ct))
}

/// Reads `length_prefixed` parts back (u32 big-endian length before each).
fn split_lp(mut data: &[u8]) -> Option<Vec<&[u8]>> {
    let mut parts = Vec::new();
    while !data.is_empty() {
        let len = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as usize;
        let part = data.get(4..4usize.checked_add(len)?)?;
        parts.push(part);
        data = &data[4 + len..];
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            name: "Book club".into(),
            description: "Tuesdays.\nBring tea.".into(),
            emoji: "📚".into(),
        }
    }

    #[test]
    fn sealed_names_open_with_their_key_only() {
        let key = EpochKey::from_bytes([7; 32]);
        let opened = Opened::new(names()).unwrap();
        let sealed = opened.seal(&key, ConversationId(3), 4).unwrap();
        assert!(sealed.well_formed());
        assert_eq!(sealed.open(&key, ConversationId(3)).unwrap(), opened);
        let other = EpochKey::from_bytes([8; 32]);
        assert!(sealed.open(&other, ConversationId(3)).is_err());
        assert!(sealed.open(&key, ConversationId(4)).is_err());
        let mut moved = sealed.clone();
        moved.epoch = 5;
        assert!(moved.open(&key, ConversationId(3)).is_err());
        let mut flipped = sealed.clone();
        flipped.sealed.0[20] ^= 1;
        assert!(flipped.open(&key, ConversationId(3)).is_err());
    }

    #[test]
    fn a_reseal_keeps_the_commitment_and_new_names_change_it() {
        let opened = Opened::new(names()).unwrap();
        let a = opened
            .seal(&EpochKey::from_bytes([1; 32]), ConversationId(1), 1)
            .unwrap();
        let b = opened
            .seal(&EpochKey::from_bytes([2; 32]), ConversationId(1), 2)
            .unwrap();
        assert_eq!(a.commitment, b.commitment);
        assert_ne!(a.sealed, b.sealed);
        // Same names, new salt: another commitment, so nothing can be guessed from it.
        assert_ne!(Opened::new(names()).unwrap().commitment(), a.commitment);
    }

    #[test]
    fn a_seal_with_a_commitment_it_does_not_match_is_refused() {
        let key = EpochKey::from_bytes([7; 32]);
        let mut sealed = Opened::new(names())
            .unwrap()
            .seal(&key, ConversationId(3), 4)
            .unwrap();
        // The server cannot pass another seal off under the signed commitment: the aad
        // binds it, and the opened names must hash to it.
        sealed.commitment = Opened::new(names()).unwrap().commitment();
        assert!(sealed.open(&key, ConversationId(3)).is_err());
    }

    #[test]
    fn names_of_any_length_pad_to_the_same_bucket() {
        let key = EpochKey::from_bytes([7; 32]);
        let short = Opened::new(Names {
            name: "A".into(),
            description: String::new(),
            emoji: "🙂".into(),
        })
        .unwrap()
        .seal(&key, ConversationId(1), 0)
        .unwrap();
        let long = Opened::new(names())
            .unwrap()
            .seal(&key, ConversationId(1), 0)
            .unwrap();
        assert_eq!(short.sealed.0.len(), long.sealed.0.len());
        let longest = Opened::new(Names {
            name: "𝒜".repeat(64),
            description: "𝒜".repeat(280),
            emoji: "👩🏽‍❤️‍💋‍👨🏿".into(),
        })
        .unwrap()
        .seal(&key, ConversationId(1), 0)
        .unwrap();
        assert!(longest.well_formed(), "{}", longest.sealed.0.len());
    }

    #[test]
    fn invite_seals_open_with_the_invite_key_for_its_group_and_id() {
        let opened = Opened::new(names()).unwrap();
        let k = [9; 32];
        let blob = opened.seal_for_invite(&k, ConversationId(2), "ab").unwrap();
        assert_eq!(
            Opened::open_for_invite(blob.as_slice(), &k, ConversationId(2), "ab").unwrap(),
            opened
        );
        assert!(Opened::open_for_invite(blob.as_slice(), &k, ConversationId(2), "ac").is_err());
        assert!(
            Opened::open_for_invite(blob.as_slice(), &[8; 32], ConversationId(2), "ab").is_err()
        );
    }

    #[test]
    fn bad_names_are_refused_before_sealing() {
        assert!(Opened::new(Names::default()).is_err());
    }
}
