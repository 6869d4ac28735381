//! A registration: fresh identity keys, wrapped under the password's wrap key (and under a
//! recovery key when one is asked for). The server stores what it is sent, which never
//! includes the password or the recovery key.

use crate::api::{RecoverySetup, Registration};
use crate::crypto::identity::IdentityKeys;
use crate::crypto::kdf::{KdfParams, Salt, derive_master};
use crate::crypto::random_array;
use crate::crypto::recovery::RecoveryKey;
use crate::crypto::wrap::{wrap_for_recovery, wrap_keys};
use crate::error::Result;
use crate::ids::UserId;

/// What the person chose (already checked by the caller: `validate`).
pub struct NewAccount<'a> {
    /// A new random id, or the id of an account an admin made or reset.
    pub id: UserId,
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<String>,
    pub password: &'a str,
    /// `KdfParams::DEFAULT` in browsers; tests and the load generator use the floor.
    pub kdf: KdfParams,
    /// Make a recovery key (shown once) and a second wrap under it.
    pub recovery: bool,
}

/// A registration and the secrets that stay with the browser.
pub struct Made {
    pub registration: Registration,
    pub keys: IdentityKeys,
    pub recovery_key: Option<RecoveryKey>,
}

/// Runs Argon2id on the password (the seconds it takes happen here), makes the keys and
/// their wraps.
pub fn registration(a: NewAccount<'_>) -> Result<Made> {
    let salt = Salt(random_array()?);
    let (auth_secret, wrap_key) = derive_master(a.password, &salt, a.kdf)?.split()?;
    let keys = IdentityKeys::generate()?;
    let wrapped_keys = wrap_keys(&keys, &wrap_key, &a.id, &a.kdf)?.into();
    let recovery_key = a.recovery.then(RecoveryKey::generate).transpose()?;
    let recovery = match &recovery_key {
        Some(k) => {
            let (auth_secret, wrap) = k.split()?;
            Some(RecoverySetup {
                auth_secret,
                wrapped_keys: wrap_for_recovery(&keys, &wrap, &a.id)?.into(),
            })
        }
        None => None,
    };
    let registration = Registration {
        username: a.username.into(),
        display_name: a.display_name.into(),
        email: a.email,
        salt,
        kdf: a.kdf,
        auth_secret,
        identity: keys.public(a.id),
        wrapped_keys,
        recovery,
        invite: None,
        setup_code: None,
    };
    Ok(Made {
        registration,
        keys,
        recovery_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::wrap::{unwrap_for_recovery, unwrap_keys};

    #[test]
    fn the_wraps_open_with_the_password_and_the_recovery_key() {
        let id = UserId([5; 16]);
        let made = registration(NewAccount {
            id,
            username: "ann",
            display_name: "Ann",
            email: None,
            password: "a long enough phrase 42",
            kdf: KdfParams::FLOOR,
            recovery: true,
        })
        .unwrap();
        let r = &made.registration;
        assert_eq!(r.identity, made.keys.public(id));
        r.identity.verify().unwrap();
        let (auth, wrap) = derive_master("a long enough phrase 42", &r.salt, r.kdf)
            .unwrap()
            .split()
            .unwrap();
        assert!(auth == r.auth_secret);
        let opened = unwrap_keys(r.wrapped_keys.as_slice(), &wrap, &id, &r.kdf).unwrap();
        assert_eq!(opened.public(id), r.identity);
        let key = made.recovery_key.as_ref().unwrap();
        let (_, rwrap) = key.split().unwrap();
        let setup = r.recovery.as_ref().unwrap();
        let back = unwrap_for_recovery(setup.wrapped_keys.as_slice(), &rwrap, &id).unwrap();
        assert_eq!(back.public(id), r.identity);
    }
}
