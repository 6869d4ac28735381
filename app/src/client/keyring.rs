//! The signed-in user's keys: made at registration, unwrapped at login, kept in this
//! page's memory; for a reload of the tab, sealed by `vault` in its sessionStorage
//! (closing the tab forgets them, and so does logging out).

use super::browser;
use crate::Answered;
use crate::ApiError;
use crate::api;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use protocol::api::{PasswordChange, Profile, Registration, Session};
use protocol::browser::account::NewAccount as NewKeys;
use protocol::crypto::identity::{IdentityKeys, PublicIdentity};
use protocol::crypto::kdf::{AuthSecret, KdfParams, Salt, WrapKey, derive_master};
use protocol::crypto::random_array;
use protocol::crypto::recovery::RecoveryKey;
use protocol::crypto::wrap::{unwrap_for_recovery, unwrap_keys, wrap_keys};
use protocol::{UserId, validate};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use zeroize::Zeroizing;

const STORAGE_KEY: &str = "hearth.keyring";

pub struct Keyring {
    pub me: Profile,
    pub identity: PublicIdentity,
    pub keys: IdentityKeys,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    me: Profile,
    identity: PublicIdentity,
    /// The secret keys, sealed under the browser's non-extractable key (`vault`), base64.
    sealed: String,
}

impl Keyring {
    /// Keeps the keys for a reload of this tab, sealed; where the page has no WebCrypto
    /// they are not kept at all (a reload asks for the password).
    pub(super) fn save(&self) {
        let secret = Zeroizing::new(self.keys.to_secret_bytes().to_vec());
        let (me, identity) = (self.me.clone(), self.identity.clone());
        leptos::task::spawn_local(async move {
            let Some(sealed) = super::vault::seal(&secret).await else {
                browser::session_remove(STORAGE_KEY);
                return;
            };
            let stored = Stored {
                me,
                identity,
                sealed: STANDARD.encode(sealed),
            };
            if let Ok(json) = serde_json::to_string(&stored) {
                browser::session_set(STORAGE_KEY, &json);
            }
        });
    }

    /// The keyring this tab saved, if any (and if the browser's key still opens it).
    pub async fn load() -> Option<Arc<Keyring>> {
        let json = browser::session_get(STORAGE_KEY)?;
        let Ok(stored) = serde_json::from_str::<Stored>(&json) else {
            // Not ours, or keys kept in clear by an older version: gone.
            browser::session_remove(STORAGE_KEY);
            return None;
        };
        let sealed = STANDARD.decode(stored.sealed.as_bytes()).ok()?;
        let raw = super::vault::open(&sealed).await?;
        let seed: &[u8; 32] = raw.get(..32)?.try_into().ok()?;
        let scalar: &[u8; 32] = raw.get(32..64)?.try_into().ok()?;
        let keys = IdentityKeys::from_secret_bytes(seed, scalar);
        stored.identity.matches(&keys).then(|| {
            Arc::new(Keyring {
                me: stored.me,
                identity: stored.identity,
                keys,
            })
        })
    }

    /// At logout: the tab's sealed copy, and the browser's key that opens it, are gone.
    pub async fn forget() {
        browser::session_remove(STORAGE_KEY);
        super::vault::forget().await;
    }

    /// Checks what the server answered at login and keeps the keys.
    fn from_session(session: Session, keys: IdentityKeys) -> Result<Arc<Keyring>, ApiError> {
        session.identity.verify()?;
        if session.identity.user != session.me.id || !session.identity.matches(&keys) {
            return Err(ApiError::Local(
                "The server is publishing keys for you that are not yours. Do not use this server until its operator explains why.".into(),
            ));
        }
        NOTICES.with(|n| n.replace(session.notices));
        let ring = Keyring {
            me: session.me,
            identity: session.identity,
            keys,
        };
        ring.save();
        Ok(Arc::new(ring))
    }
}

thread_local! {
    /// What the server had to tell at this login (`Session::notices`), until the chat
    /// page shows it. Not kept anywhere: a reload does not show it again.
    static NOTICES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// What the last login was told about the account (an admin reset its password…), once.
pub fn take_notices() -> Vec<String> {
    NOTICES.with(|n| n.take())
}

/// What the registration form collects.
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
    /// The sign-up invite link's token the page was opened with, if any.
    pub invite: Option<String>,
    /// The server's setup code, from the person who started it: the account is its admin.
    pub setup_code: Option<String>,
}

/// Everything in the browser: Argon2id, HKDF, fresh identity keys, the wrap, and a
/// recovery key with its own wrap; then the server stores what it is sent, which never
/// includes the password or the recovery key. Returns the recovery key to show once.
/// `totp`: the code from the authenticator, when finishing an account whose two-step
/// login stayed on through an admin's reset (the server asks with `SecondFactor`).
pub async fn register(
    form: NewAccount,
    totp: Option<String>,
) -> Result<(Arc<Keyring>, Zeroizing<String>), ApiError> {
    let username = validate::username(&form.username)?;
    let display_name = validate::display_name(&form.display_name)?;
    let email = validate::email(Some(&form.email))?;
    if browser::password_score(&form.password, &[&username, &display_name])
        .await
        .map_err(ApiError::Local)?
        < 3
    {
        return Err(ApiError::Local(
            "That password is too easy to guess; try a longer phrase.".into(),
        ));
    }
    browser::yield_to_paint().await;
    // The first login of an account an admin made (or reset) finishes it instead.
    let pending = pending_secret(&username);
    let id = match &pending {
        Some((_, id)) => *id,
        None => UserId::random()?,
    };
    let made = protocol::browser::account::registration(NewKeys {
        id,
        username: &username,
        display_name: &display_name,
        email,
        password: &form.password,
        kdf: KdfParams::DEFAULT,
        recovery: true,
    })?;
    let (keys, recovery_key) = (made.keys, made.recovery_key);
    let recovery_key =
        recovery_key.ok_or_else(|| ApiError::Local("No recovery key was made.".into()))?;
    let registration = Registration {
        invite: form.invite,
        setup_code: form.setup_code,
        ..made.registration
    };
    let session = match pending {
        Some((old, _)) => {
            let name = registration.username.clone();
            let session = api::finish_setup(name, old, registration, totp)
                .await
                .answered()?;
            PENDING_SETUP.with(|p| p.borrow_mut().take());
            session
        }
        None => api::register(registration).await.answered()?,
    };
    Ok((
        Keyring::from_session(session, keys)?,
        recovery_key.to_display(),
    ))
}

/// A password set now: a fresh salt, today's Argon2id parameters, and the auth secret
/// and wrap key they give (the seconds of Argon2 happen here).
fn password_secrets(password: &str) -> Result<(Salt, KdfParams, AuthSecret, WrapKey), ApiError> {
    let salt = Salt(random_array()?);
    let kdf = KdfParams::DEFAULT;
    let (auth_secret, wrap_key) = derive_master(password, &salt, kdf)?.split()?;
    Ok((salt, kdf, auth_secret, wrap_key))
}

thread_local! {
    /// An account an admin made, between the login with its temporary password (which
    /// proved it; its auth secret is kept here, in memory only) and the owner choosing
    /// their own on the register page.
    /// The account's id comes with it: the new keys are made for that account.
    static PENDING_SETUP: std::cell::RefCell<Option<(String, AuthSecret, UserId)>> =
        const { std::cell::RefCell::new(None) };
}

/// The username of an account waiting for its owner's own password, if any.
pub fn pending_setup() -> Option<String> {
    PENDING_SETUP.with(|p| p.borrow().as_ref().map(|(u, ..)| u.clone()))
}

/// The temporary password's auth secret and the account's id, for this username.
fn pending_secret(username: &str) -> Option<(AuthSecret, UserId)> {
    PENDING_SETUP.with(|p| {
        p.borrow()
            .as_ref()
            .filter(|(u, ..)| u == username)
            .map(|(_, s, id)| (s.clone(), *id))
    })
}

/// What an admin's browser sends to make an account with a temporary password: the
/// password through Argon2 as a login would do it, so only its auth secret leaves.
pub async fn new_account_by_admin(
    username: &str,
    password: &str,
) -> Result<protocol::api::admin::NewAccount, ApiError> {
    let username = validate::username(username)?;
    let t = temporary(password).await?;
    Ok(protocol::api::admin::NewAccount {
        display_name: username.clone(),
        username,
        salt: t.salt,
        kdf: t.kdf,
        auth_secret: t.auth_secret,
    })
}

/// A temporary password an admin sets (a new account's, or a reset's), through Argon2 as
/// a login would run it, so only its auth secret leaves the browser.
pub async fn temporary(
    password: &str,
) -> Result<protocol::api::admin::TemporaryPassword, ApiError> {
    if password.chars().count() < 8 {
        return Err(ApiError::Local(
            "A temporary password needs at least 8 characters.".into(),
        ));
    }
    browser::yield_to_paint().await;
    let (salt, kdf, auth_secret, _) = password_secrets(password)?;
    Ok(protocol::api::admin::TemporaryPassword {
        salt,
        kdf,
        auth_secret,
    })
}

/// A temporary password for the admin to hand over (`protocol::crypto::temporary_password`).
pub fn temporary_password() -> Result<String, ApiError> {
    Ok(protocol::crypto::temporary_password()?.as_str().to_owned())
}

/// The auth secret a password gives for `username` (the admin panel asks for it again).
pub async fn auth_secret_of(username: String, password: String) -> Result<AuthSecret, ApiError> {
    Ok(unlock(username, password).await?.auth_secret)
}

/// A recovery prepared in the browser (the new password's Argon2 done once), kept while
/// the page asks for the second factor.
#[derive(Clone)]
pub struct Recovering {
    username: String,
    user: UserId,
    wrapped: Vec<u8>,
    recovery_wrap: WrapKey,
    change: PasswordChange,
}

/// "Forgot password", first half: the recovery key proves itself to the server, opens the
/// keys' recovery wrap here, and the keys are wrapped under the new password.
pub async fn prepare_recovery(
    username: String,
    key: String,
    new_password: String,
) -> Result<Recovering, ApiError> {
    let username = username.trim().to_lowercase();
    let recovery_key = RecoveryKey::parse(&key)?;
    if browser::password_score(&new_password, &[&username])
        .await
        .map_err(ApiError::Local)?
        < 3
    {
        return Err(ApiError::Local(
            "That new password is too easy to guess; try a longer phrase.".into(),
        ));
    }
    let (recovery_auth, recovery_wrap) = recovery_key.split()?;
    let found = api::recovery_keys(username.clone(), recovery_auth.clone())
        .await
        .answered()?;
    let keys = unwrap_for_recovery(found.wrapped_keys.as_slice(), &recovery_wrap, &found.user)
        .map_err(|_| {
            ApiError::Local("This recovery key does not open the account's keys.".into())
        })?;
    // Before anything changes: the keys it opened must be the ones the account has now.
    // A wrap from before a rotation would otherwise replace them for good.
    let current = found.identity.verify().is_ok()
        && found.identity.user == found.user
        && found.identity.matches(&keys);
    if !current {
        return Err(ApiError::Local(
            "This recovery key holds keys this account no longer uses (new keys were made since), so it cannot restore the account. Nothing was changed. Ask an admin to reset your password.".into(),
        ));
    }
    browser::yield_to_paint().await;
    let (salt, kdf, auth_secret, wrap_key) = password_secrets(&new_password)?;
    let wrapped_keys = wrap_keys(&keys, &wrap_key, &found.user, &kdf)?.into();
    Ok(Recovering {
        username,
        user: found.user,
        wrapped: found.wrapped_keys.0,
        recovery_wrap,
        change: PasswordChange {
            old_auth_secret: recovery_auth,
            salt,
            kdf,
            auth_secret,
            wrapped_keys,
        },
    })
}

/// Second half: the new password is set (with a code if the account asks for one) and
/// the keys come into this tab.
pub async fn finish_recovery(
    r: Recovering,
    totp: Option<String>,
) -> Result<Arc<Keyring>, ApiError> {
    let keys = unwrap_for_recovery(&r.wrapped, &r.recovery_wrap, &r.user)?;
    let session = api::recover(r.username, r.change, totp).await.answered()?;
    Keyring::from_session(session, keys)
}

/// Logs in: the server's salt and parameters (checked against the floor), Argon2id, the
/// auth secret to the server, then the wrapped keys back and unwrapped here.
/// A password's secrets for an account, derived once (Argon2 takes seconds) and kept
/// while the login page asks for the second factor.
#[derive(Clone)]
pub struct Unlocked {
    username: String,
    auth_secret: AuthSecret,
    wrap_key: WrapKey,
}

pub async fn unlock(username: String, password: String) -> Result<Unlocked, ApiError> {
    let username = username.trim().to_lowercase();
    let params = api::prelogin(username.clone()).await?;
    params.kdf.check()?;
    browser::yield_to_paint().await;
    let (auth_secret, wrap_key) = derive_master(&password, &params.salt, params.kdf)?.split()?;
    Ok(Unlocked {
        username,
        auth_secret,
        wrap_key,
    })
}

/// Logs in with unlocked secrets and, if the account asks for it, a code.
pub async fn finish(u: Unlocked, totp: Option<String>) -> Result<Arc<Keyring>, ApiError> {
    let session = match api::login(u.username.clone(), u.auth_secret.clone(), totp)
        .await
        .answered()
    {
        Err(e @ ApiError::PasswordChangeNeeded(_, id)) => {
            PENDING_SETUP.with(|p| *p.borrow_mut() = Some((u.username.clone(), u.auth_secret, id)));
            return Err(e);
        }
        other => other?,
    };
    let keys = unwrap_keys(
        session.wrapped_keys.as_slice(),
        &u.wrap_key,
        &session.me.id,
        &session.kdf,
    )
    .map_err(|_| ApiError::Local("Your keys could not be unlocked with this password.".into()))?;
    Keyring::from_session(session, keys)
}

/// The auth secret a password gives for `username` (to confirm a sensitive change).
pub async fn auth_secret(username: String, password: String) -> Result<AuthSecret, ApiError> {
    Ok(unlock(username, password).await?.auth_secret.clone())
}

/// Changes the password: the keys stay, only their wrap and the login verifier change;
/// the server ends every other session.
pub async fn change_password(
    ring: Arc<Keyring>,
    current: String,
    new: String,
) -> Result<(), ApiError> {
    if browser::password_score(&new, &[&ring.me.username, &ring.me.display_name])
        .await
        .map_err(ApiError::Local)?
        < 3
    {
        return Err(ApiError::Local(
            "That new password is too easy to guess; try a longer phrase.".into(),
        ));
    }
    let params = api::prelogin(ring.me.username.clone()).await?;
    params.kdf.check()?;
    browser::yield_to_paint().await;
    let (old_auth_secret, _) = derive_master(&current, &params.salt, params.kdf)?.split()?;
    let (salt, kdf, auth_secret, wrap_key) = password_secrets(&new)?;
    let wrapped_keys = wrap_keys(&ring.keys, &wrap_key, &ring.me.id, &kdf)?.into();
    api::change_password(PasswordChange {
        old_auth_secret,
        salt,
        kdf,
        auth_secret,
        wrapped_keys,
    })
    .await
    .answered()
}
