//! The pinned-keys store: the identity keys a user has seen, and which of them they have
//! verified (compared safety numbers). Encrypted in the browser, kept on the server as
//! an opaque blob, so every browser of theirs knows the same pins.
//!
//! key  = HKDF-SHA256(ikm = Ed25519 seed, info = `hearth/v1/pins`). It comes from the
//!        identity key rather than the wrap key so that it survives a password change or
//!        a recovery-key login (which change the wrap key); a rotation re-seals the store.
//! blob = version (1) ‖ nonce (12) ‖ AES-256-GCM(JSON, ad = lp(`hearth/v1/pins`, owner id)).

use super::identity::{IdentityKeys, PublicIdentity};
use super::{VERSION, aes_open, aes_seal, hkdf, length_prefixed, random_array, redacted_debug};
use crate::bytes::fixed;
use crate::error::{ProtocolError, Result};
use crate::ids::UserId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::{Zeroize, ZeroizeOnDrop};

#[derive(Zeroize, ZeroizeOnDrop)]
pub struct PinKey([u8; 32]);
redacted_debug!(PinKey);

impl IdentityKeys {
    pub fn pin_key(&self) -> Result<PinKey> {
        let seed = self.to_secret_bytes();
        Ok(PinKey(*hkdf::<32>(
            None,
            &seed[..32],
            &[b"hearth/v1/pins"],
        )?))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// The Ed25519 identity key seen (it signs the agreement key).
    #[serde(with = "fixed")]
    pub signing: [u8; 32],
    pub verified: bool,
}

/// What a published identity means against the pins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Never seen: pin it (trust on first use).
    New,
    Same {
        verified: bool,
    },
    /// Different from the pinned key: warn, and hold sends if it was verified.
    Changed {
        was_verified: bool,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    pub keys: BTreeMap<UserId, Pin>,
}

impl Pins {
    pub fn check(&self, id: &PublicIdentity) -> Seen {
        match self.keys.get(&id.user) {
            None => Seen::New,
            Some(p) if p.signing == id.signing => Seen::Same {
                verified: p.verified,
            },
            Some(p) => Seen::Changed {
                was_verified: p.verified,
            },
        }
    }

    /// Pins `id`'s current key, verified or not.
    pub fn pin(&mut self, id: &PublicIdentity, verified: bool) {
        self.keys.insert(
            id.user,
            Pin {
                signing: id.signing,
                verified,
            },
        );
    }

    pub fn seal(&self, key: &PinKey, owner: &UserId) -> Result<Vec<u8>> {
        let json = serde_json::to_vec(self).map_err(|_| ProtocolError::Encrypt)?;
        let nonce = random_array::<12>()?;
        let ct = aes_seal(&key.0, &nonce, &aad(owner), &json)?;
        Ok([&[VERSION][..], &nonce, &ct].concat())
    }

    pub fn open(blob: &[u8], key: &PinKey, owner: &UserId) -> Result<Self> {
        if blob.len() < 13 + 16 {
            return Err(ProtocolError::Malformed("pinned keys too short"));
        }
        if blob[0] != VERSION {
            return Err(ProtocolError::UnsupportedVersion(blob[0].into()));
        }
        let nonce: [u8; 12] = blob[1..13].try_into().map_err(|_| ProtocolError::Decrypt)?;
        let json = aes_open(&key.0, &nonce, &aad(owner), &blob[13..])?;
        serde_json::from_slice(&json).map_err(|_| ProtocolError::Malformed("pinned keys"))
    }
}

fn aad(owner: &UserId) -> Vec<u8> {
    length_prefixed(&[b"hearth/v1/pins", &owner.0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tofu_verify_change_and_sealed_round_trip() {
        let me = IdentityKeys::from_secret_bytes(&[1; 32], &[2; 32]);
        let bob = IdentityKeys::from_secret_bytes(&[3; 32], &[4; 32]).public(UserId([2; 16]));
        let mut pins = Pins::default();
        assert_eq!(pins.check(&bob), Seen::New);
        pins.pin(&bob, true);
        assert_eq!(pins.check(&bob), Seen::Same { verified: true });
        let rotated = IdentityKeys::from_secret_bytes(&[5; 32], &[4; 32]).public(UserId([2; 16]));
        assert_eq!(pins.check(&rotated), Seen::Changed { was_verified: true });

        let owner = UserId([1; 16]);
        let key = me.pin_key().unwrap();
        let blob = pins.seal(&key, &owner).unwrap();
        assert_eq!(Pins::open(&blob, &key, &owner).unwrap(), pins);
        assert!(
            Pins::open(&blob, &key, &UserId([9; 16])).is_err(),
            "bound to its owner"
        );
        let other = IdentityKeys::from_secret_bytes(&[7; 32], &[2; 32])
            .pin_key()
            .unwrap();
        assert!(Pins::open(&blob, &other, &owner).is_err());
        let mut bad = blob.clone();
        bad[20] ^= 1;
        assert!(Pins::open(&bad, &key, &owner).is_err());
    }
}
