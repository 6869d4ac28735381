//! The recovery key: 160 random bits shown once at registration as 32 Crockford base32
//! characters (8 groups of 4). It yields a second login secret and a second wrap key:
//!
//! recovery auth = HKDF-SHA256(ikm = key, info = `hearth/v1/recovery-auth`)
//! recovery wrap = HKDF-SHA256(ikm = key, info = `hearth/v1/recovery-wrap`)
//!
//! No Argon2: the key is random and long, not a password.

use super::kdf::{AuthSecret, WrapKey};
use super::{base32, hkdf, random_array, redacted_debug};
use crate::error::{ProtocolError, Result};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

#[derive(Zeroize, ZeroizeOnDrop)]
pub struct RecoveryKey([u8; 20]);
redacted_debug!(RecoveryKey);

impl RecoveryKey {
    pub fn generate() -> Result<Self> {
        Ok(Self(random_array()?))
    }

    /// `XXXX-XXXX-…`, 8 groups of 4, for writing down.
    pub fn to_display(&self) -> Zeroizing<String> {
        base32::encode(&self.0)
    }

    /// Reads what the person typed: case, spaces and dashes do not matter; O reads as 0
    /// and I or L as 1, as Crockford intends.
    pub fn parse(text: &str) -> Result<Self> {
        base32::decode::<20>(text).map(|k| Self(*k)).ok_or_else(|| {
            ProtocolError::Invalid(
                "That is not a recovery key: it has 32 letters and digits.".into(),
            )
        })
    }

    /// The recovery login secret and wrap key.
    pub fn split(&self) -> Result<(AuthSecret, WrapKey)> {
        let auth = hkdf::<32>(None, &self.0, &[b"hearth/v1/recovery-auth"])?;
        let wrap = hkdf::<32>(None, &self.0, &[b"hearth/v1/recovery-wrap"])?;
        Ok((AuthSecret(*auth), WrapKey::from_bytes(*wrap)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_parse_round_trip_and_typos() {
        let k = RecoveryKey([0xa5; 20]);
        let shown = k.to_display();
        assert_eq!(shown.len(), 32 + 7);
        let back = RecoveryKey::parse(&shown.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(back.0, k.0);
        assert!(RecoveryKey::parse("too short").is_err());
        assert!(RecoveryKey::parse(&format!("{}X", &*shown)).is_err());
        assert!(
            RecoveryKey::parse(&shown.replace('5', "U")).is_err(),
            "U is not in the alphabet"
        );
        let (a1, _) = k.split().unwrap();
        let (a2, _) = RecoveryKey([0xa6; 20]).split().unwrap();
        assert_ne!(a1.0, a2.0);
        assert_eq!(format!("{k:?}"), "RecoveryKey(redacted)");
    }
}
