//! Browsers an account signed in from before ("device cookies", as OWASP describes them
//! for slowing online guessing). Each successful sign-in leaves an HttpOnly cookie naming
//! the account and a random device id under the server's MAC; a try from such a browser
//! is not held back by the failures strangers caused on the account.
//!
//! The cookie holds up to four entries (a shared family computer), newest first, each
//! base64url(user id (16) ‖ device id (16) ‖ HMAC-SHA256(key, user ‖ device)[..16]), with
//! key = HMAC(server secret, `hearth/v1/device`). Nothing is stored on the server.

use crate::auth::{ServerSecret, SessionPolicy, hmac};
use crate::error::Result;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use protocol::UserId;
use subtle::ConstantTimeEq;

const NAME: &str = "hearth_device";
/// Over HTTPS: see `auth::SECURE_COOKIE`.
const SECURE_NAME: &str = "__Host-hearth_device";
const ENTRIES: usize = 4;
/// 400 days, the longest a browser keeps a cookie.
const MAX_AGE: u64 = 400 * 86_400;

/// A browser's id for one account, proven by the server's MAC.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DeviceId(pub [u8; 16]);

impl DeviceId {
    /// A key for the per-device limit (not the cookie: the id alone proves nothing).
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn name(policy: &SessionPolicy) -> &'static str {
    if policy.secure { SECURE_NAME } else { NAME }
}

fn mac(secret: &ServerSecret, user: &UserId, device: &[u8; 16]) -> [u8; 16] {
    let key = secret.derive(b"hearth/v1/device");
    let full = hmac(key.as_ref(), &[&user.0, device]);
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// The valid entries of a Cookie header: (user, device), newest first.
fn entries(
    secret: &ServerSecret,
    policy: &SessionPolicy,
    cookies: &str,
) -> Vec<(UserId, DeviceId)> {
    let Some(value) = crate::auth::cookie(cookies, name(policy)) else {
        return Vec::new();
    };
    value
        .split('.')
        .take(ENTRIES)
        .filter_map(|e| {
            let raw = URL_SAFE_NO_PAD.decode(e).ok()?;
            let raw: [u8; 48] = raw.try_into().ok()?;
            let user = UserId(raw[..16].try_into().ok()?);
            let device: [u8; 16] = raw[16..32].try_into().ok()?;
            let good = mac(secret, &user, &device).ct_eq(&raw[32..]);
            bool::from(good).then_some((user, DeviceId(device)))
        })
        .collect()
}

/// The browser's id for `user`, if this browser signed in to it before.
pub fn known(
    secret: &ServerSecret,
    policy: &SessionPolicy,
    cookies: Option<&str>,
    user: &UserId,
) -> Option<DeviceId> {
    entries(secret, policy, cookies?)
        .into_iter()
        .find(|(u, _)| u == user)
        .map(|(_, d)| d)
}

/// The Set-Cookie that remembers this browser for `user` (keeping its id if it had one,
/// and the other accounts' entries).
pub fn remember(
    secret: &ServerSecret,
    policy: &SessionPolicy,
    cookies: Option<&str>,
    user: &UserId,
) -> Result<String> {
    let mut all = cookies.map_or_else(Vec::new, |c| entries(secret, policy, c));
    let device = match all.iter().position(|(u, _)| u == user) {
        Some(i) => all.remove(i).1,
        None => DeviceId(protocol::crypto::random_array()?),
    };
    all.insert(0, (*user, device));
    all.truncate(ENTRIES);
    let value: Vec<String> = all
        .iter()
        .map(|(u, d)| {
            let mut raw = Vec::with_capacity(48);
            raw.extend_from_slice(&u.0);
            raw.extend_from_slice(&d.0);
            raw.extend_from_slice(&mac(secret, u, &d.0));
            URL_SAFE_NO_PAD.encode(raw)
        })
        .collect();
    let secure = if policy.secure { "; Secure" } else { "" };
    Ok(format!(
        "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE}{secure}",
        name(policy),
        value.join(".")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, ServerSecret, SessionPolicy) {
        let dir = tempfile::tempdir().unwrap();
        let secret = ServerSecret::load_or_create(&dir.path().join("s")).unwrap();
        let day = std::time::Duration::from_secs(86_400);
        let policy = SessionPolicy {
            idle: day,
            max: day,
            secure: true,
        };
        (dir, secret, policy)
    }

    /// The Cookie header a browser would send back for a Set-Cookie.
    fn sent(set: &str) -> String {
        set.split(';').next().unwrap().to_owned()
    }

    #[test]
    fn a_browser_is_remembered_per_account_and_forgeries_are_not() {
        let (_d, secret, policy) = setup();
        let (alice, bob) = (UserId::random().unwrap(), UserId::random().unwrap());
        let set = remember(&secret, &policy, None, &alice).unwrap();
        assert!(set.starts_with("__Host-hearth_device=") && set.contains("HttpOnly"));
        let c = sent(&set);
        let id = known(&secret, &policy, Some(&c), &alice).expect("known");
        assert_eq!(known(&secret, &policy, Some(&c), &bob), None);
        // Bob signs in on the same computer: both are known, Alice keeps her id.
        let c = sent(&remember(&secret, &policy, Some(&c), &bob).unwrap());
        assert_eq!(known(&secret, &policy, Some(&c), &alice), Some(id));
        assert!(known(&secret, &policy, Some(&c), &bob).is_some());
        // An entry moved to another account, or a flipped bit, proves nothing.
        let value = c.split_once('=').unwrap().1;
        let mut raw = URL_SAFE_NO_PAD
            .decode(value.split('.').nth(1).unwrap())
            .unwrap();
        raw[..16].copy_from_slice(&bob.0);
        let moved = format!("__Host-hearth_device={}", URL_SAFE_NO_PAD.encode(&raw));
        assert_eq!(known(&secret, &policy, Some(&moved), &bob), None);
        // Another server's cookie, or the plain-HTTP name over HTTPS, is nobody's.
        let (_d2, other, _) = setup();
        assert_eq!(known(&other, &policy, Some(&c), &alice), None);
        let plain = c.replace("__Host-", "");
        assert_eq!(known(&secret, &policy, Some(&plain), &alice), None);
    }

    #[test]
    fn at_most_four_accounts_newest_first() {
        let (_d, secret, policy) = setup();
        let mut c = String::new();
        let users: Vec<UserId> = (0..6).map(|_| UserId::random().unwrap()).collect();
        for u in &users {
            c = sent(&remember(&secret, &policy, Some(&c), u).unwrap());
        }
        assert_eq!(known(&secret, &policy, Some(&c), &users[0]), None);
        assert_eq!(known(&secret, &policy, Some(&c), &users[1]), None);
        assert!(
            users[2..]
                .iter()
                .all(|u| known(&secret, &policy, Some(&c), u).is_some())
        );
        assert!(c.len() < 4096);
    }
}
