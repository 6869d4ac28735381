//! The browser-side cryptography. Every HKDF info, associated data and signed string
//! starts with `hearth/v1/<purpose>` (`hearth/v2/` for what came with commit version 2);
//! every stored structure starts with a version byte.

pub mod base32;
pub mod call;
pub mod envelope;
pub mod file;
pub mod group;
pub mod identity;
pub mod kdf;
pub mod pad;
pub mod pins;
pub mod recovery;
pub mod safety;
pub mod sframe;
pub mod wrap;

use crate::error::{ProtocolError, Result};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

/// The first byte of every versioned structure this crate writes.
pub const VERSION: u8 = 1;

/// Fills an array from the operating system's (or the browser's) secure generator.
pub fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| ProtocolError::Random)?;
    Ok(out)
}

/// A temporary password an admin hands over (a new account's, or a reset's): 80 random
/// bits as Crockford base32 in four groups ("K7QM-3XPA-9DHT-W2CE"), easy to read out,
/// with no I, L, O or U to confuse.
pub fn temporary_password() -> Result<zeroize::Zeroizing<String>> {
    Ok(base32::encode(&random_array::<10>()?))
}

/// HKDF-SHA256 with the info given in parts (concatenated), into a zeroized buffer.
pub(crate) fn hkdf<const N: usize>(
    salt: Option<&[u8]>,
    ikm: &[u8],
    info: &[&[u8]],
) -> Result<Zeroizing<[u8; N]>> {
    let mut out = Zeroizing::new([0u8; N]);
    Hkdf::<Sha256>::new(salt, ikm)
        .expand_multi_info(info, out.as_mut())
        .map_err(|_| ProtocolError::Kdf)?;
    Ok(out)
}

/// An AES-256-GCM key and nonce (32 + 12 bytes) from one HKDF-SHA256 expansion: every
/// sealed message, signal and group message derives its own from a fresh salt.
pub(crate) fn key_and_nonce(
    ikm: &[u8],
    salt: &[u8],
    info: &[u8],
) -> Result<(Zeroizing<[u8; 32]>, [u8; 12])> {
    let okm = hkdf::<44>(Some(salt), ikm, &[info])?;
    let mut k = Zeroizing::new([0u8; 32]);
    let mut n = [0u8; 12];
    k.copy_from_slice(&okm[..32]);
    n.copy_from_slice(&okm[32..]);
    Ok((k, n))
}

/// Implements Debug without revealing anything, for every secret type.
macro_rules! redacted_debug {
    ($t:ty) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), "(redacted)"))
            }
        }
    };
}
pub(crate) use redacted_debug;

/// AES-256-GCM seal with a 12-byte nonce and associated data.
pub fn aes_seal(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
    use aes_gcm::aead::{Aead, Payload};
    use aes_gcm::{Aes256Gcm, KeyInit};
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| ProtocolError::Encrypt)?;
    cipher
        .encrypt(&(*nonce).into(), Payload { msg, aad })
        .map_err(|_| ProtocolError::Encrypt)
}

/// AES-256-GCM open; any change to key, nonce, data or associated data fails.
pub fn aes_open(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    use aes_gcm::aead::{Aead, Payload};
    use aes_gcm::{Aes256Gcm, KeyInit};
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| ProtocolError::Decrypt)?;
    cipher
        .decrypt(&(*nonce).into(), Payload { msg: ct, aad })
        .map(Zeroizing::new)
        .map_err(|_| ProtocolError::Decrypt)
}

/// Associated data and signed strings are built from length-prefixed parts, so no two
/// different sequences of fields can encode to the same bytes.
pub(crate) fn length_prefixed(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 4).sum());
    for p in parts {
        out.extend_from_slice(&(p.len() as u32).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}
