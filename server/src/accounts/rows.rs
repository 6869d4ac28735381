//! What a browser made (a registration, a recovery key's wrap), checked and turned into
//! the rows the server keeps.

use crate::auth;
use crate::db;
use crate::error::{Error, Result};
use protocol::api::{RecoverySetup, Registration};
use protocol::crypto::random_array;
use protocol::crypto::wrap::WRAPPED_LEN;
use protocol::validate;

/// Checks what a browser made at registration (or at the first login of an account an
/// admin made) and turns it into the row to store.
pub(crate) fn new_user(reg: Registration) -> Result<db::users::NewUser> {
    let username = validate::username(&reg.username)?;
    let display_name = validate::display_name(&reg.display_name)?;
    let email = validate::email(reg.email.as_deref())?;
    // The browser enforces the floor; the server does too, so no client can store
    // parameters that every other client would then refuse.
    reg.kdf.check()?;
    reg.identity.verify()?;
    if reg.wrapped_keys.len() != WRAPPED_LEN {
        return Err(Error::BadRequest(
            "The wrapped keys have the wrong size.".into(),
        ));
    }
    let verifier_salt = random_array::<16>()?;
    let recovery = reg.recovery.map(recovery_row).transpose()?;
    Ok(db::users::NewUser {
        id: reg.identity.user,
        username,
        display_name,
        email,
        salt: reg.salt,
        kdf: reg.kdf,
        verifier_salt,
        verifier: auth::verifier(&verifier_salt, &reg.auth_secret),
        identity: reg.identity,
        wrapped_keys: reg.wrapped_keys.0,
        recovery,
    })
}

/// What the server keeps of a recovery key: a verifier of its login secret, and its wrap.
pub(crate) fn recovery_row(r: RecoverySetup) -> Result<db::users::RecoveryRow> {
    if r.wrapped_keys.len() != WRAPPED_LEN {
        return Err(Error::BadRequest(
            "The recovery wrap has the wrong size.".into(),
        ));
    }
    let salt = random_array::<16>()?;
    Ok((
        salt,
        auth::verifier(&salt, &r.auth_secret),
        r.wrapped_keys.0,
    ))
}
