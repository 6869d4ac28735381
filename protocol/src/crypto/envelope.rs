//! Direct-message envelopes.
//!
//! shared = X25519(my secret, their public), refused when non-contributory.
//! direction key (sender → recipient) = HKDF-SHA256(ikm = shared, salt = none,
//!   info = `hearth/v1/dm-direction` ‖ conversation (8, BE) ‖ sender (16) ‖ recipient (16)
//!   ‖ sender X25519 key (32) ‖ recipient X25519 key (32)).
//! message key ‖ nonce (32 + 12) = HKDF-SHA256(ikm = direction key, salt = 32 random
//!   bytes, info = `hearth/v1/dm-message`).
//! associated data = length-prefixed `hearth/v1/dm`, version, conversation, sender,
//!   recipient, client message id.
//! envelope = version (1) ‖ salt (32) ‖ AES-256-GCM(padded plaintext).

use super::{
    VERSION, aes_open, aes_seal, hkdf, key_and_nonce, length_prefixed, random_array, redacted_debug,
};
use crate::error::{ProtocolError, Result};
use crate::ids::{ClientMsgId, ConversationId, UserId};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

const HEADER_LEN: usize = 1 + 32;
const TAG_LEN: usize = 16;

/// Who sends to whom, in which conversation, with which agreement keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Direction {
    pub conversation: ConversationId,
    pub sender: UserId,
    pub recipient: UserId,
    pub sender_key: [u8; 32],
    pub recipient_key: [u8; 32],
}

/// The key for one direction of one conversation.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DirectionKey(pub(super) [u8; 32]);
redacted_debug!(DirectionKey);

impl Direction {
    /// The other way round: used to read the messages the peer sent.
    pub fn reversed(&self) -> Self {
        Self {
            conversation: self.conversation,
            sender: self.recipient,
            recipient: self.sender,
            sender_key: self.recipient_key,
            recipient_key: self.sender_key,
        }
    }

    /// Derives this direction's key. `mine` is the local user's secret, which must belong
    /// to the sender or the recipient; `theirs` is the other party's public key.
    pub fn key(&self, mine: &StaticSecret, theirs: &[u8; 32]) -> Result<DirectionKey> {
        let shared = mine.diffie_hellman(&PublicKey::from(*theirs));
        if !shared.was_contributory() {
            return Err(ProtocolError::NonContributory);
        }
        let info: [&[u8]; 6] = [
            b"hearth/v1/dm-direction",
            &self.conversation.0.to_be_bytes(),
            &self.sender.0,
            &self.recipient.0,
            &self.sender_key,
            &self.recipient_key,
        ];
        Ok(DirectionKey(*hkdf::<32>(None, shared.as_bytes(), &info)?))
    }

    fn aad(&self, client_id: &ClientMsgId) -> Vec<u8> {
        length_prefixed(&[
            b"hearth/v1/dm",
            &[VERSION],
            &self.conversation.0.to_be_bytes(),
            &self.sender.0,
            &self.recipient.0,
            &client_id.0,
        ])
    }
}

fn message_key(key: &DirectionKey, salt: &[u8; 32]) -> Result<(Zeroizing<[u8; 32]>, [u8; 12])> {
    key_and_nonce(&key.0, salt, b"hearth/v1/dm-message")
}

/// Encrypts an already padded plaintext with a fresh random salt.
pub fn seal(
    key: &DirectionKey,
    dir: &Direction,
    client_id: &ClientMsgId,
    padded: &[u8],
) -> Result<Vec<u8>> {
    seal_with_salt(key, dir, client_id, padded, random_array()?)
}

/// Deterministic form for test vectors.
pub fn seal_with_salt(
    key: &DirectionKey,
    dir: &Direction,
    client_id: &ClientMsgId,
    padded: &[u8],
    salt: [u8; 32],
) -> Result<Vec<u8>> {
    let (k, n) = message_key(key, &salt)?;
    let ct = aes_seal(&k, &n, &dir.aad(client_id), padded);
    Ok([&[VERSION][..], &salt, &ct?].concat())
}

/// Decrypts an envelope; any change to it or to the context it claims fails.
pub fn open(
    key: &DirectionKey,
    dir: &Direction,
    client_id: &ClientMsgId,
    envelope: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (salt, ct) = salted(envelope, "envelope too short")?;
    let (k, n) = message_key(key, &salt)?;
    aes_open(&k, &n, &dir.aad(client_id), ct)
}

/// Splits `version ‖ salt (32) ‖ ciphertext`, the shape of an envelope and of a call
/// signal, refusing another version or a ciphertext too short to hold its tag.
pub(super) fn salted<'a>(data: &'a [u8], short: &'static str) -> Result<([u8; 32], &'a [u8])> {
    if data.len() < HEADER_LEN + TAG_LEN {
        return Err(ProtocolError::Malformed(short));
    }
    if data[0] != VERSION {
        return Err(ProtocolError::UnsupportedVersion(data[0].into()));
    }
    let salt: [u8; 32] = data[1..HEADER_LEN]
        .try_into()
        .map_err(|_| ProtocolError::Decrypt)?;
    Ok((salt, &data[HEADER_LEN..]))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Alice (1) to Bob (2) in conversation 7, with fixed keys.
    pub(crate) fn setup() -> (StaticSecret, StaticSecret, Direction) {
        let a = StaticSecret::from([0x11; 32]);
        let b = StaticSecret::from([0x22; 32]);
        let dir = Direction {
            conversation: ConversationId(7),
            sender: UserId([1; 16]),
            recipient: UserId([2; 16]),
            sender_key: PublicKey::from(&a).to_bytes(),
            recipient_key: PublicKey::from(&b).to_bytes(),
        };
        (a, b, dir)
    }

    #[test]
    fn both_sides_derive_the_same_direction_keys() {
        let (a, b, dir) = setup();
        let from_a = dir.key(&a, &dir.recipient_key).unwrap();
        let from_b = dir.key(&b, &dir.sender_key).unwrap();
        assert_eq!(from_a.0, from_b.0);
        let back = dir.reversed().key(&b, &dir.sender_key).unwrap();
        assert_ne!(from_a.0, back.0, "each direction has its own key");
    }

    #[test]
    fn round_trip_and_tamper() {
        let (a, b, dir) = setup();
        let id = ClientMsgId([5; 16]);
        let env = seal(
            &dir.key(&a, &dir.recipient_key).unwrap(),
            &dir,
            &id,
            b"hello bob",
        )
        .unwrap();
        let kb = dir.key(&b, &dir.sender_key).unwrap();
        assert_eq!(&open(&kb, &dir, &id, &env).unwrap()[..], b"hello bob");
        for i in 0..env.len() {
            let mut t = env.clone();
            t[i] ^= 0x40;
            assert!(open(&kb, &dir, &id, &t).is_err(), "byte {i}");
        }
        assert!(open(&kb, &dir, &ClientMsgId([6; 16]), &env).is_err());
        let mut moved = dir;
        moved.conversation = ConversationId(8);
        assert!(open(&kb, &moved, &id, &env).is_err());
        // Reflection: the same bytes presented as sent the other way.
        let rev = dir.reversed();
        assert!(open(&rev.key(&b, &dir.sender_key).unwrap(), &rev, &id, &env).is_err());
    }

    #[test]
    fn all_zero_shared_secret_is_refused() {
        let (a, _, dir) = setup();
        // The identity point gives an all-zero shared secret.
        assert_eq!(
            dir.key(&a, &[0; 32]).unwrap_err(),
            ProtocolError::NonContributory
        );
    }
}
