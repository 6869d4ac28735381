//! New identity keys for an account (after a suspected leak): made here, published, the
//! pinned keys sealed again under them, and a new recovery key. It sits above `keyring`
//! and `pins`, which both serve it, so neither needs the other.

use super::browser;
use super::keyring::Keyring;
use crate::Answered;
use crate::ApiError;
use crate::api;
use protocol::api::RecoverySetup;
use protocol::crypto::identity::IdentityKeys;
use protocol::crypto::kdf::derive_master;
use protocol::crypto::pins::Pins;
use protocol::crypto::recovery::RecoveryKey;
use protocol::crypto::wrap::{wrap_for_recovery, wrap_keys};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Makes new identity keys (the password is checked again by the server), re-seals the
/// pinned keys under them, and keeps them in this tab. Everyone else sees a key change.
/// The old recovery key held the old keys, so a new one replaces it (in the same
/// transaction): it is returned, to be shown once.
pub async fn rotate(
    ring: Arc<Keyring>,
    password: String,
    pins: Pins,
) -> Result<(Arc<Keyring>, Zeroizing<String>), ApiError> {
    let params = api::prelogin(ring.me.username.clone()).await?;
    params.kdf.check()?;
    browser::yield_to_paint().await;
    let (auth_secret, wrap_key) = derive_master(&password, &params.salt, params.kdf)?.split()?;
    let keys = IdentityKeys::generate()?;
    let identity = keys.public(ring.me.id);
    let wrapped = wrap_keys(&keys, &wrap_key, &ring.me.id, &params.kdf)?;
    let recovery_key = RecoveryKey::generate()?;
    let (recovery_auth, recovery_wrap) = recovery_key.split()?;
    let recovery = RecoverySetup {
        auth_secret: recovery_auth,
        wrapped_keys: wrap_for_recovery(&keys, &recovery_wrap, &ring.me.id)?.into(),
    };
    api::rotate_identity(
        auth_secret,
        identity.clone(),
        wrapped.into(),
        Some(recovery),
    )
    .await
    .answered()?;
    let fresh = Keyring {
        me: ring.me.clone(),
        identity,
        keys,
    };
    super::pins::reseal(&fresh, &pins).await?;
    fresh.save();
    Ok((Arc::new(fresh), recovery_key.to_display()))
}
