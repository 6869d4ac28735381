//! Safety numbers, as Signal computes them (NumericFingerprintGenerator, version 0):
//! per party, h = SHA-512(0x0000 ‖ key ‖ user id), then 5,200 times h = SHA-512(h ‖ key);
//! the first 30 bytes as six 5-byte big-endian numbers, each mod 100,000, make 30 digits.
//! Here the key is the Ed25519 identity (root) key, so any change of identity changes it.
//! The two parties' 30 digits, the smaller first, make the 60-digit safety number.

use crate::crypto::identity::PublicIdentity;
use sha2::{Digest, Sha512};

const ITERATIONS: usize = 5200;
const VERSION: [u8; 2] = [0, 0];

/// One party's 30 digits.
pub fn fingerprint(identity: &PublicIdentity) -> String {
    let mut hash = Sha512::new()
        .chain_update(VERSION)
        .chain_update(identity.signing)
        .chain_update(identity.user.0)
        .finalize();
    for _ in 0..ITERATIONS {
        hash = Sha512::new()
            .chain_update(hash)
            .chain_update(identity.signing)
            .finalize();
    }
    hash[..30]
        .chunks(5)
        .map(|c| {
            let n = c.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64);
            format!("{:05}", n % 100_000)
        })
        .collect()
}

/// The 60-digit safety number of a conversation between two people: the same on both
/// sides, whoever computes it.
pub fn safety_number(a: &PublicIdentity, b: &PublicIdentity) -> String {
    let (fa, fb) = (fingerprint(a), fingerprint(b));
    if fa <= fb { fa + &fb } else { fb + &fa }
}

/// Twelve groups of five digits, for reading aloud.
pub fn groups(number: &str) -> Vec<String> {
    number
        .as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::identity::IdentityKeys;
    use crate::ids::UserId;

    #[test]
    fn symmetric_sixty_digits_and_key_bound() {
        let a = IdentityKeys::from_secret_bytes(&[1; 32], &[2; 32]).public(UserId([1; 16]));
        let b = IdentityKeys::from_secret_bytes(&[3; 32], &[4; 32]).public(UserId([2; 16]));
        let n = safety_number(&a, &b);
        assert_eq!(n, safety_number(&b, &a));
        assert_eq!(n.len(), 60);
        assert!(n.bytes().all(|c| c.is_ascii_digit()));
        assert_eq!(groups(&n).len(), 12);
        let rotated = IdentityKeys::from_secret_bytes(&[5; 32], &[4; 32]).public(UserId([2; 16]));
        assert_ne!(
            safety_number(&a, &rotated),
            n,
            "a new identity key changes the number"
        );
        let other_id = IdentityKeys::from_secret_bytes(&[3; 32], &[4; 32]).public(UserId([9; 16]));
        assert_ne!(safety_number(&a, &other_id), n, "the user id is bound in");
    }
}
