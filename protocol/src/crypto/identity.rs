//! Identity keys: an Ed25519 root key that signs the X25519 key-agreement key.

use super::{random_array, redacted_debug};
use crate::bytes::fixed;
use crate::error::{ProtocolError, Result};
use crate::ids::UserId;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

const X25519_LABEL: &[u8] = b"hearth/v1/x25519";

/// A user's private keys. Both dalek types zeroize themselves on drop.
pub struct IdentityKeys {
    signing: SigningKey,
    agreement: StaticSecret,
}
redacted_debug!(IdentityKeys);

/// What the server publishes for a user: both public keys and the root key's signature
/// over `hearth/v1/x25519 ‖ user id ‖ X25519 key` (fixed-length fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIdentity {
    pub user: UserId,
    #[serde(with = "fixed")]
    pub signing: [u8; 32],
    #[serde(with = "fixed")]
    pub agreement: [u8; 32],
    #[serde(with = "fixed")]
    pub signature: [u8; 64],
}

fn signed_bytes(user: &UserId, agreement: &[u8; 32]) -> Vec<u8> {
    [X25519_LABEL, &user.0, agreement].concat()
}

impl IdentityKeys {
    /// Fresh keys from the secure generator.
    pub fn generate() -> Result<Self> {
        let seed = Zeroizing::new(random_array::<32>()?);
        let x = Zeroizing::new(random_array::<32>()?);
        Ok(Self::from_secret_bytes(&seed, &x))
    }

    /// From the Ed25519 seed and the X25519 scalar (vectors, unwrapping).
    pub fn from_secret_bytes(ed25519_seed: &[u8; 32], x25519: &[u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(ed25519_seed),
            agreement: StaticSecret::from(*x25519),
        }
    }

    /// seed ‖ scalar, 64 bytes, zeroized when dropped: for the key wrap and the tab's
    /// session storage only.
    pub fn to_secret_bytes(&self) -> Zeroizing<[u8; 64]> {
        let mut out = Zeroizing::new([0u8; 64]);
        out[..32].copy_from_slice(self.signing.as_bytes());
        out[32..].copy_from_slice(self.agreement.as_bytes());
        out
    }

    pub fn agreement_secret(&self) -> &StaticSecret {
        &self.agreement
    }

    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.signing.sign(msg).to_bytes()
    }

    /// The public half, signed for `user`.
    pub fn public(&self, user: UserId) -> PublicIdentity {
        let agreement = PublicKey::from(&self.agreement).to_bytes();
        let signature = self.sign(&signed_bytes(&user, &agreement));
        PublicIdentity {
            user,
            signing: self.signing.verifying_key().to_bytes(),
            agreement,
            signature,
        }
    }
}

impl PublicIdentity {
    /// Checks the root key's signature over the agreement key (strict: no malleability,
    /// no small-order keys).
    pub fn verify(&self) -> Result<()> {
        let vk = VerifyingKey::from_bytes(&self.signing).map_err(|_| ProtocolError::InvalidKey)?;
        let sig = Signature::from_bytes(&self.signature);
        vk.verify_strict(&signed_bytes(&self.user, &self.agreement), &sig)
            .map_err(|_| ProtocolError::BadSignature)
    }

    /// True when `keys` is the private half of this identity: at login the browser checks
    /// that the server still publishes the user's own keys unchanged.
    pub fn matches(&self, keys: &IdentityKeys) -> bool {
        let mine = keys.public(self.user);
        mine.signing == self.signing && mine.agreement == self.agreement
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_identity_verifies_and_tamper_fails() {
        let keys = IdentityKeys::from_secret_bytes(&[1; 32], &[2; 32]);
        let user = UserId([3; 16]);
        let public = keys.public(user);
        public.verify().unwrap();
        assert!(public.matches(&keys));

        let mut other_user = public.clone();
        other_user.user = UserId([4; 16]);
        assert_eq!(other_user.verify(), Err(ProtocolError::BadSignature));

        let mut swapped = public.clone();
        swapped.agreement[0] ^= 1;
        assert_eq!(swapped.verify(), Err(ProtocolError::BadSignature));
        assert!(!swapped.matches(&keys));

        let mut bad_sig = public;
        bad_sig.signature[63] ^= 0x10;
        assert!(bad_sig.verify().is_err());
    }

    #[test]
    fn private_keys_do_not_print() {
        let keys = IdentityKeys::from_secret_bytes(&[0x5a; 32], &[0x5a; 32]);
        assert_eq!(format!("{keys:?}"), "IdentityKeys(redacted)");
    }
}
