//! The pinned-keys store: the identity keys a user has seen, and which of them they have
//! verified (compared safety numbers). Encrypted in the browser, kept on the server as
//! an opaque blob, so every browser of theirs knows the same pins.
//!
//! key  = HKDF-SHA256(ikm = Ed25519 seed, info = `hearth/v1/pins`). It comes from the
//!        identity key rather than the wrap key so that it survives a password change or
//!        a recovery-key login (which change the wrap key); a rotation re-seals the store.
//! blob = version (1) ‖ nonce (12) ‖ AES-256-GCM(JSON, ad = lp(`hearth/v1/pins`, owner id)).
//!
//! The server keeps the blob, so it could hand back none, or an older one, and make a
//! browser pin a substituted key as if for the first time. The JSON therefore carries a
//! `counter` that every save raises, and each browser keeps its own newest copy
//! (`reconcile`): a store missing or older than that copy is an alarm, and the newer copy
//! stays in force. Entries carry when they were set, so two tabs' saves merge (`merge`)
//! instead of one overwriting the other's verified marks.

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
    /// When the entry was set (ms since the epoch, by the browser's clock): when two
    /// copies are merged, the later entry for a person wins (0 in stores from before).
    #[serde(default)]
    pub at: i64,
}

impl Pin {
    /// Whether this entry wins over `other` for the same person: the later one; at the
    /// same moment the verified one, then the larger key (so merging is symmetric).
    fn beats(&self, other: &Pin) -> bool {
        (self.at, self.verified, self.signing) > (other.at, other.verified, other.signing)
    }
}

/// What was wrong with the store the server handed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alarm {
    /// None, though this browser saw one for the account.
    Missing,
    /// An older one than this browser saw (by counter).
    Older { server: u64, seen: u64 },
    /// One that does not open with the account's key (or is not its owner's).
    Unreadable,
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
    /// One more at every save: never goes back (0 in stores from before it existed).
    #[serde(default)]
    pub counter: u64,
    pub keys: BTreeMap<UserId, Pin>,
}

impl Pins {
    pub fn check(&self, id: &PublicIdentity) -> Seen {
        self.check_key(&id.user, &id.signing)
    }

    /// What `user`'s Ed25519 key `signing` (as a group's roster names it, say) means
    /// against the pins.
    pub fn check_key(&self, user: &UserId, signing: &[u8; 32]) -> Seen {
        match self.keys.get(user) {
            None => Seen::New,
            Some(p) if p.signing == *signing => Seen::Same {
                verified: p.verified,
            },
            Some(p) => Seen::Changed {
                was_verified: p.verified,
            },
        }
    }

    /// Pins `id`'s current key, verified or not, as set at `at` (ms since the epoch).
    pub fn pin(&mut self, id: &PublicIdentity, verified: bool, at: i64) {
        self.keys.insert(
            id.user,
            Pin {
                signing: id.signing,
                verified,
                at,
            },
        );
    }

    /// Folds another copy in (another tab's or browser's save): per person the entry
    /// that `beats` the other; the higher counter. Symmetric, so no order of saves loses
    /// a verified mark set after the other copy's entry.
    pub fn merge(&mut self, other: &Pins) {
        for (user, theirs) in &other.keys {
            if self.keys.get(user).is_none_or(|mine| theirs.beats(mine)) {
                self.keys.insert(*user, theirs.clone());
            }
        }
        self.counter = self.counter.max(other.counter);
    }

    /// The pins to use at load, from the server's store (None: it had none; Err: it does
    /// not open) and this browser's own newest copy, and the alarm to raise if the
    /// server's is missing, older or unreadable. The newer copy stays in force either
    /// way. A browser that never saw the account's store cannot tell a missing one.
    pub fn reconcile(server: Option<Result<Pins>>, local: Option<Pins>) -> (Pins, Option<Alarm>) {
        match (server, local) {
            (None, None) => (Pins::default(), None),
            (None, Some(mine)) => (mine, Some(Alarm::Missing)),
            (Some(Err(_)), mine) => (mine.unwrap_or_default(), Some(Alarm::Unreadable)),
            (Some(Ok(theirs)), None) => (theirs, None),
            (Some(Ok(theirs)), Some(mut mine)) => {
                let alarm = (theirs.counter < mine.counter).then_some(Alarm::Older {
                    server: theirs.counter,
                    seen: mine.counter,
                });
                mine.merge(&theirs);
                (mine, alarm)
            }
        }
    }

    /// Names a sealed store (hex SHA-256), so a save can say which one it replaces.
    pub fn digest(blob: &[u8]) -> String {
        use sha2::Digest as _;
        sha2::Sha256::digest(blob)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
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
        pins.pin(&bob, true, 1);
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

    fn someone(n: u8) -> PublicIdentity {
        IdentityKeys::from_secret_bytes(&[n; 32], &[n; 32]).public(UserId([n; 16]))
    }

    #[test]
    fn two_tabs_merge_and_neither_loses_a_verified_mark() {
        let (bob, cat) = (someone(2), someone(3));
        let mut base = Pins::default();
        base.pin(&bob, false, 10);
        base.pin(&cat, false, 10);
        base.counter = 4;
        // One tab verifies Bob, the other Cat, each from the same store.
        let (mut a, mut b) = (base.clone(), base.clone());
        a.pin(&bob, true, 20);
        a.counter = 5;
        b.pin(&cat, true, 21);
        b.counter = 5;
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba, "symmetric");
        assert_eq!(ab.check(&bob), Seen::Same { verified: true });
        assert_eq!(ab.check(&cat), Seen::Same { verified: true });
        assert_eq!(ab.counter, 5);
        // A later decision wins: Bob marked unverified afterwards, or his new key
        // accepted, is not undone by the older verified entry.
        let mut later = ab.clone();
        let bob2 = IdentityKeys::from_secret_bytes(&[9; 32], &[9; 32]).public(bob.user);
        later.pin(&bob2, false, 30);
        let mut merged = ab.clone();
        merged.merge(&later);
        assert_eq!(merged.check(&bob2), Seen::Same { verified: false });
        // At one moment, the verified entry wins.
        let mut tie = base.clone();
        tie.pin(&bob, true, 10);
        let mut m = base.clone();
        m.merge(&tie);
        assert_eq!(m.check(&bob), Seen::Same { verified: true });
    }

    #[test]
    fn a_missing_older_or_unreadable_store_is_an_alarm_and_the_newer_copy_stays() {
        let bob = someone(2);
        let mut mine = Pins::default();
        mine.pin(&bob, true, 10);
        mine.counter = 7;
        let mut old = Pins::default();
        old.counter = 3;

        // A new browser with nothing of its own trusts what it gets.
        assert_eq!(Pins::reconcile(None, None), (Pins::default(), None));
        assert_eq!(
            Pins::reconcile(Some(Ok(old.clone())), None),
            (old.clone(), None)
        );

        let (kept, alarm) = Pins::reconcile(None, Some(mine.clone()));
        assert_eq!(
            (kept.check(&bob), alarm),
            (Seen::Same { verified: true }, Some(Alarm::Missing))
        );
        let (kept, alarm) = Pins::reconcile(Some(Ok(old.clone())), Some(mine.clone()));
        assert_eq!(alarm, Some(Alarm::Older { server: 3, seen: 7 }));
        assert_eq!(
            (kept.check(&bob), kept.counter),
            (Seen::Same { verified: true }, 7)
        );
        let broken = Err(ProtocolError::Decrypt);
        let (kept, alarm) = Pins::reconcile(Some(broken), Some(mine.clone()));
        assert_eq!((kept, alarm), (mine.clone(), Some(Alarm::Unreadable)));

        // The same or a newer store is no alarm, and is merged with this browser's.
        let mut newer = Pins::default();
        newer.counter = 8;
        newer.pin(&someone(3), false, 11);
        let (kept, alarm) = Pins::reconcile(Some(Ok(newer)), Some(mine.clone()));
        assert_eq!(alarm, None);
        assert_eq!(kept.counter, 8);
        assert_eq!(kept.check(&bob), Seen::Same { verified: true });
        assert_eq!(kept.keys.len(), 2);
    }

    #[test]
    fn stores_from_before_the_counter_still_open() {
        let me = IdentityKeys::from_secret_bytes(&[1; 32], &[2; 32]);
        let owner = UserId([1; 16]);
        let key = me.pin_key().unwrap();
        let json = format!(
            r#"{{"keys":{{"{}":{{"signing":"{}","verified":true}}}}}}"#,
            UserId([2; 16]).to_hex(),
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [5u8; 32])
        );
        let nonce = [3u8; 12];
        let ct = aes_seal(&key.0, &nonce, &aad(&owner), json.as_bytes()).unwrap();
        let blob = [&[VERSION][..], &nonce, &ct].concat();
        let pins = Pins::open(&blob, &key, &owner).unwrap();
        assert_eq!(pins.counter, 0);
        assert!(pins.keys[&UserId([2; 16])].verified);
    }
}
