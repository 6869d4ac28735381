//! What comes back from storage: wrapped keys, the recovery wrap, the pinned-keys store,
//! padding and a typed recovery key must all fail cleanly on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use protocol::UserId;
use protocol::crypto::identity::IdentityKeys;
use protocol::crypto::kdf::{KdfParams, WrapKey};
use protocol::crypto::pins::Pins;
use protocol::crypto::{pad, recovery::RecoveryKey, wrap};

fuzz_target!(|data: &[u8]| {
    let key = WrapKey::from_bytes([7; 32]);
    let user = UserId([1; 16]);
    assert!(wrap::unwrap_keys(data, &key, &user, &KdfParams::DEFAULT).is_err());
    assert!(wrap::unwrap_for_recovery(data, &key, &user).is_err());
    let pin_key = IdentityKeys::from_secret_bytes(&[1; 32], &[2; 32])
        .pin_key()
        .expect("hkdf");
    assert!(Pins::open(data, &pin_key, &user).is_err());
    if let Ok(inner) = pad::unpad(data) {
        assert!(inner.len() + 4 <= data.len());
    }
    let _ = RecoveryKey::parse(&String::from_utf8_lossy(data));
});
