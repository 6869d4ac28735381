//! Password → Argon2id → master key → (auth secret, wrap key).

use super::{hkdf, redacted_debug};
use crate::bytes::fixed;
use crate::error::{ProtocolError, Result};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Argon2id cost parameters, stored beside the user's salt on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// What new accounts use: 64 MiB, 3 passes, 1 lane.
    pub const DEFAULT: Self = Self {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };
    /// The floor a client accepts whatever the server answers (OWASP's 19 MiB, 2 passes).
    pub const FLOOR: Self = Self {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };
    /// Above these a hostile server could make a phone hang or run out of memory.
    const MAX_M_KIB: u32 = 1024 * 1024;
    const MAX_T: u32 = 32;
    const MAX_P: u32 = 8;

    /// Refuses parameters below the floor or absurdly high.
    pub fn check(&self) -> Result<()> {
        if self.m_kib < Self::FLOOR.m_kib || self.t < Self::FLOOR.t {
            return Err(ProtocolError::WeakKdfParams {
                min_m_kib: Self::FLOOR.m_kib,
                min_t: Self::FLOOR.t,
            });
        }
        if self.m_kib > Self::MAX_M_KIB
            || self.t > Self::MAX_T
            || self.p == 0
            || self.p > Self::MAX_P
        {
            return Err(ProtocolError::KdfParamsOutOfRange);
        }
        Ok(())
    }

    /// 12 bytes, big-endian m ‖ t ‖ p: bound into the key wrap's associated data.
    pub fn encode(&self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[..4].copy_from_slice(&self.m_kib.to_be_bytes());
        out[4..8].copy_from_slice(&self.t.to_be_bytes());
        out[8..].copy_from_slice(&self.p.to_be_bytes());
        out
    }
}

/// The per-user Argon2 salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Salt(#[serde(with = "fixed")] pub [u8; 16]);

/// Argon2id(password, salt): never leaves the browser; consumed by `split`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; 32]);
redacted_debug!(MasterKey);

/// Sent to the server instead of the password. A 256-bit secret, so a salted HMAC
/// verifier is enough on the server.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AuthSecret(#[serde(with = "fixed")] pub [u8; 32]);
redacted_debug!(AuthSecret);

/// Encrypts the identity private keys (see `wrap`).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct WrapKey(pub(crate) [u8; 32]);
redacted_debug!(WrapKey);

impl WrapKey {
    /// For the pinned-key store and vectors; prefer passing the key itself.
    pub fn from_bytes(b: [u8; 32]) -> Self {
        Self(b)
    }
}

/// Runs Argon2id with the given parameters after checking them against the floor.
pub fn derive_master(password: &str, salt: &Salt, params: KdfParams) -> Result<MasterKey> {
    use argon2::{Algorithm, Argon2, Params, Version};
    params.check()?;
    let p =
        Params::new(params.m_kib, params.t, params.p, Some(32)).map_err(|_| ProtocolError::Kdf)?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(password.as_bytes(), &salt.0, out.as_mut())
        .map_err(|_| ProtocolError::Kdf)?;
    Ok(MasterKey(*out))
}

impl MasterKey {
    /// Test vectors start from a fixed master key.
    pub fn from_bytes(b: [u8; 32]) -> Self {
        Self(b)
    }

    /// The two keys the master key exists for; the master key is consumed.
    pub fn split(self) -> Result<(AuthSecret, WrapKey)> {
        let auth = hkdf::<32>(None, &self.0, &[b"hearth/v1/auth"])?;
        let wrap = hkdf::<32>(None, &self.0, &[b"hearth/v1/wrap"])?;
        Ok((AuthSecret(*auth), WrapKey(*wrap)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_is_enforced() {
        assert!(KdfParams::DEFAULT.check().is_ok());
        assert!(KdfParams::FLOOR.check().is_ok());
        let weak = KdfParams {
            m_kib: 19 * 1024 - 1,
            ..KdfParams::FLOOR
        };
        assert!(matches!(
            weak.check(),
            Err(ProtocolError::WeakKdfParams { .. })
        ));
        let one_pass = KdfParams {
            t: 1,
            ..KdfParams::DEFAULT
        };
        assert!(one_pass.check().is_err());
        let huge = KdfParams {
            m_kib: u32::MAX,
            ..KdfParams::DEFAULT
        };
        assert_eq!(huge.check(), Err(ProtocolError::KdfParamsOutOfRange));
        assert!(derive_master("pw", &Salt([0; 16]), weak).is_err());
    }

    #[test]
    fn split_keys_differ_and_are_deterministic() {
        let (a1, w1) = MasterKey::from_bytes([7; 32]).split().unwrap();
        let (a2, w2) = MasterKey::from_bytes([7; 32]).split().unwrap();
        assert_eq!(a1.0, a2.0);
        assert_eq!(w1.0, w2.0);
        assert_ne!(a1.0, w1.0);
    }

    #[test]
    fn secrets_do_not_print() {
        let (a, w) = MasterKey::from_bytes([7; 32]).split().unwrap();
        let shown = format!("{a:?} {w:?} {:?}", MasterKey::from_bytes([7; 32]));
        assert!(!shown.contains('7'), "{shown}");
        assert!(shown.contains("redacted"));
    }
}
