//! The identity private keys, AES-256-GCM-encrypted under the wrap key so the server can
//! keep them for the user's other browsers without being able to read them.
//!
//! blob = version (1) ‖ nonce (12) ‖ AES-256-GCM(seed ‖ scalar) (64 + 16)
//! associated data = length-prefixed `hearth/v1/wrap`, user id, KDF params (12 bytes).

use super::identity::IdentityKeys;
use super::kdf::{KdfParams, WrapKey};
use super::{VERSION, aes_open, aes_seal, length_prefixed, random_array};
use crate::error::{ProtocolError, Result};
use crate::ids::UserId;

pub const WRAPPED_LEN: usize = 1 + 12 + 64 + 16;

fn aad(user: &UserId, params: &KdfParams) -> Vec<u8> {
    length_prefixed(&[b"hearth/v1/wrap", &user.0, &params.encode()])
}

pub fn wrap_keys(
    keys: &IdentityKeys,
    key: &WrapKey,
    user: &UserId,
    params: &KdfParams,
) -> Result<Vec<u8>> {
    wrap_keys_with_nonce(keys, key, user, params, random_array()?)
}

/// Deterministic form for test vectors; real callers use a random nonce.
pub fn wrap_keys_with_nonce(
    keys: &IdentityKeys,
    key: &WrapKey,
    user: &UserId,
    params: &KdfParams,
    nonce: [u8; 12],
) -> Result<Vec<u8>> {
    seal(keys, key, &aad(user, params), nonce)
}

fn seal(keys: &IdentityKeys, key: &WrapKey, aad: &[u8], nonce: [u8; 12]) -> Result<Vec<u8>> {
    let ct = aes_seal(&key.0, &nonce, aad, keys.to_secret_bytes().as_ref())?;
    Ok([&[VERSION][..], &nonce, &ct].concat())
}

fn recovery_aad(user: &UserId) -> Vec<u8> {
    length_prefixed(&[b"hearth/v1/recovery-wrap", &user.0])
}

/// The second wrap, under the recovery key's wrap key (no KDF parameters involved).
pub fn wrap_for_recovery(keys: &IdentityKeys, key: &WrapKey, user: &UserId) -> Result<Vec<u8>> {
    seal(keys, key, &recovery_aad(user), random_array()?)
}

pub fn unwrap_for_recovery(blob: &[u8], key: &WrapKey, user: &UserId) -> Result<IdentityKeys> {
    open(blob, key, &recovery_aad(user))
}

pub fn unwrap_keys(
    blob: &[u8],
    key: &WrapKey,
    user: &UserId,
    params: &KdfParams,
) -> Result<IdentityKeys> {
    open(blob, key, &aad(user, params))
}

fn open(blob: &[u8], key: &WrapKey, aad: &[u8]) -> Result<IdentityKeys> {
    if blob.len() != WRAPPED_LEN {
        return Err(ProtocolError::Malformed(
            "wrapped keys have the wrong length",
        ));
    }
    if blob[0] != VERSION {
        return Err(ProtocolError::UnsupportedVersion(blob[0].into()));
    }
    let nonce: [u8; 12] = blob[1..13].try_into().map_err(|_| ProtocolError::Decrypt)?;
    let plain = aes_open(&key.0, &nonce, aad, &blob[13..])?;
    let seed: [u8; 32] = plain[..32].try_into().map_err(|_| ProtocolError::Decrypt)?;
    let scalar: [u8; 32] = plain[32..64]
        .try_into()
        .map_err(|_| ProtocolError::Decrypt)?;
    let keys = IdentityKeys::from_secret_bytes(&seed, &scalar);
    zeroize::Zeroize::zeroize(&mut { seed });
    zeroize::Zeroize::zeroize(&mut { scalar });
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_byte_matters() {
        let keys = IdentityKeys::from_secret_bytes(&[1; 32], &[2; 32]);
        let wk = WrapKey([9; 32]);
        let user = UserId([3; 16]);
        let p = KdfParams::DEFAULT;
        let blob = wrap_keys(&keys, &wk, &user, &p).unwrap();
        assert_eq!(blob.len(), WRAPPED_LEN);
        let back = unwrap_keys(&blob, &wk, &user, &p).unwrap();
        assert!(keys.public(user).matches(&back));

        for i in 1..blob.len() {
            let mut t = blob.clone();
            t[i] ^= 1;
            assert!(unwrap_keys(&t, &wk, &user, &p).is_err(), "byte {i}");
        }
        assert!(unwrap_keys(&blob, &WrapKey([8; 32]), &user, &p).is_err());
        assert!(unwrap_keys(&blob, &wk, &UserId([4; 16]), &p).is_err());
        assert!(unwrap_keys(&blob, &wk, &user, &KdfParams::FLOOR).is_err());
        assert!(unwrap_keys(&blob[..40], &wk, &user, &p).is_err());
    }
}
