//! Group messages: sealed under the epoch key, signed by the sender.
//!
//! message key ‖ nonce (32 + 12) = HKDF-SHA256(ikm = epoch key, salt = 32 random bytes,
//!   info = `hearth/v1/gmsg-key`).
//! ad        = lp(`hearth/v1/gmsg`, version, group, epoch, commit hash, sender, client id)
//! signature = Ed25519 over lp(`hearth/v1/gmsg`, group, epoch, commit hash, sender,
//!             client id, kind, salt, ciphertext), checked strictly against the sender's
//!             key in that epoch's roster.
//!
//! `epoch` is the epoch that started the key in use (a join to a group that shares its
//! history keeps the key, so it can be older than the newest commit).
//! envelope  = version (1) ‖ epoch (8, BE) ‖ salt (32) ‖ ciphertext ‖ signature (64).
//!
//! The commit hash is not sent: each reader takes it from their own verified chain, so a
//! message sealed on a forked or withheld epoch does not open.

use super::chain::Chain;
use super::keys::EpochKey;
use crate::crypto::identity::IdentityKeys;
use crate::crypto::{VERSION, aes_open, aes_seal, key_and_nonce, length_prefixed, random_array};
use crate::error::{ProtocolError, Result};
use crate::ids::{ClientMsgId, ConversationId, UserId};
use ed25519_dalek::{Signature, VerifyingKey};
use zeroize::Zeroizing;

const HEADER: usize = 1 + 8 + 8 + 32;
const SIG: usize = 64;
const KIND: &[u8] = b"message";

/// Where a message sits: everything the signature and the associated data bind.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub group: ConversationId,
    /// The epoch that started the key.
    pub epoch: u64,
    /// The newest commit the sender had seen (at least `epoch`).
    pub sender_epoch: u64,
    pub commit_hash: &'a [u8; 32],
    pub sender: &'a UserId,
    pub client_id: &'a ClientMsgId,
}

impl Place<'_> {
    fn ad(&self) -> Vec<u8> {
        length_prefixed(&[
            b"hearth/v1/gmsg",
            &[VERSION],
            &self.group.0.to_be_bytes(),
            &self.epoch.to_be_bytes(),
            &self.sender_epoch.to_be_bytes(),
            self.commit_hash,
            &self.sender.0,
            &self.client_id.0,
        ])
    }

    fn signed(&self, salt: &[u8], ct: &[u8]) -> Vec<u8> {
        length_prefixed(&[
            b"hearth/v1/gmsg",
            &self.group.0.to_be_bytes(),
            &self.epoch.to_be_bytes(),
            &self.sender_epoch.to_be_bytes(),
            self.commit_hash,
            &self.sender.0,
            &self.client_id.0,
            KIND,
            salt,
            ct,
        ])
    }
}

fn message_key(key: &EpochKey, salt: &[u8]) -> Result<(Zeroizing<[u8; 32]>, [u8; 12])> {
    key_and_nonce(&key.0, salt, b"hearth/v1/gmsg-key")
}

/// The epoch an envelope claims, read without a key: the server refuses sends on an old
/// epoch, so nothing new is sealed under a key a removed member holds.
pub fn epoch_of(envelope: &[u8]) -> Option<u64> {
    (envelope.len() >= HEADER + 16 + SIG && envelope[0] == VERSION)
        .then(|| u64::from_be_bytes(envelope[1..9].try_into().unwrap_or_default()))
}

pub fn seal(
    key: &EpochKey,
    place: &Place,
    signer: &IdentityKeys,
    padded: &[u8],
) -> Result<Vec<u8>> {
    seal_with_salt(key, place, signer, padded, random_array()?)
}

/// Deterministic form for test vectors.
pub fn seal_with_salt(
    key: &EpochKey,
    place: &Place,
    signer: &IdentityKeys,
    padded: &[u8],
    salt: [u8; 32],
) -> Result<Vec<u8>> {
    let (k, n) = message_key(key, &salt)?;
    let ct = aes_seal(&k, &n, &place.ad(), padded)?;
    let sig = signer.sign(&place.signed(&salt, &ct));
    Ok([
        &[VERSION][..],
        &place.epoch.to_be_bytes(),
        &place.sender_epoch.to_be_bytes(),
        &salt,
        &ct,
        &sig,
    ]
    .concat())
}

/// Why a group message cannot be shown as from its sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// This browser does not hold the epoch's key (yet): "waiting for keys".
    NoKey(u64),
    /// The signature does not verify against the sender's key in that epoch, or the
    /// sender was not a member then: never shown as from them.
    NotVerified,
    /// Altered, truncated or not for this place.
    Broken,
}

/// Checks the signature, then decrypts. `key_for` gives the epoch keys this browser holds.
pub fn open(
    chain: &Chain,
    key_for: impl Fn(u64) -> Option<EpochKey>,
    group: ConversationId,
    sender: &UserId,
    client_id: &ClientMsgId,
    envelope: &[u8],
) -> std::result::Result<Zeroizing<Vec<u8>>, Unreadable> {
    let epoch = epoch_of(envelope).ok_or(Unreadable::Broken)?;
    let sender_epoch =
        u64::from_be_bytes(envelope[9..17].try_into().map_err(|_| Unreadable::Broken)?);
    // Commits this browser has not verified yet (they may be on the way): wait.
    let hash = chain.hash_at(epoch).ok_or(Unreadable::NoKey(epoch))?;
    if chain.head().is_none_or(|h| h.epoch < sender_epoch) {
        return Err(Unreadable::NoKey(epoch));
    }
    // The sender was a member then, and this key was still the current one.
    if chain.key_epoch_at(sender_epoch) != Some(epoch) {
        return Err(Unreadable::NotVerified);
    }
    let signing = chain
        .member_at(sender_epoch, sender)
        .ok_or(Unreadable::NotVerified)?;
    let place = Place {
        group,
        epoch,
        sender_epoch,
        commit_hash: &hash,
        sender,
        client_id,
    };
    let (salt, rest) = envelope[17..].split_at(32);
    let (ct, sig) = rest.split_at(rest.len() - SIG);
    let sig: [u8; 64] = sig.try_into().map_err(|_| Unreadable::Broken)?;
    VerifyingKey::from_bytes(&signing)
        .map_err(|_| Unreadable::NotVerified)?
        .verify_strict(&place.signed(salt, ct), &Signature::from_bytes(&sig))
        .map_err(|_| Unreadable::NotVerified)?;
    let key = key_for(epoch).ok_or(Unreadable::NoKey(epoch))?;
    let (k, n) = message_key(&key, salt).map_err(|_| Unreadable::Broken)?;
    aes_open(&k, &n, &place.ad(), ct).map_err(|_: ProtocolError| Unreadable::Broken)
}
