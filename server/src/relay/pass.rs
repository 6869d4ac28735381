//! Passes to the relay: TURN's long-term credentials with nothing stored. The username
//! is `EXPIRY:USER` and the password an HMAC of it under a key from the server secret
//! (draft-uberti-behave-turn-rest), so the relay checks a pass by recomputing it, and
//! every process sharing the secret accepts the others' passes.

use crate::auth::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use protocol::UserId;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

/// How long a pass lasts. Browsers refresh an allocation with the pass that made it for
/// as long as the call goes on, so it must outlive the longest call (the draft
/// recommends a day as well).
pub const PASS_SECONDS: u64 = protocol::api::call::CALL_SECONDS_MAX as u64;

pub struct Passes {
    key: Zeroizing<[u8; 32]>,
}

impl Passes {
    pub fn new(key: Zeroizing<[u8; 32]>) -> Self {
        Self { key }
    }

    /// A username and password for `user`, valid `PASS_SECONDS` from `now` (Unix s).
    pub fn issue(&self, user: &UserId, now: u64) -> (String, String) {
        let username = format!("{}:{}", now + PASS_SECONDS, user.to_hex());
        let password = self.password(&username);
        (username, password)
    }

    fn password(&self, username: &str) -> String {
        STANDARD_NO_PAD.encode(hmac(
            self.key.as_ref(),
            &[b"hearth/v1/relay-pass", username.as_bytes()],
        ))
    }

    /// The password of a pass that is still valid at `now`; none for a username this
    /// server did not make, or one that expired.
    pub fn password_at(&self, username: &str, now: u64) -> Option<String> {
        let (expiry, user) = username.split_once(':')?;
        let expiry: u64 = expiry.parse().ok()?;
        let well_formed = user.len() == 32 && user.bytes().all(|b| b.is_ascii_hexdigit());
        (well_formed && now <= expiry && expiry <= now + PASS_SECONDS)
            .then(|| self.password(username))
    }
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl turn::auth::AuthHandler for Passes {
    /// The key TURN checks each request's integrity with: a request signed with any
    /// other password than the pass's own fails there (401).
    fn auth_handle(
        &self,
        username: &str,
        realm: &str,
        _from: SocketAddr,
    ) -> Result<Vec<u8>, turn::Error> {
        let password = self
            .password_at(username, now())
            .ok_or_else(|| turn::Error::Other("no such relay pass".into()))?;
        Ok(turn::auth::generate_auth_key(username, realm, &password))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes(byte: u8) -> Passes {
        Passes::new(Zeroizing::new([byte; 32]))
    }

    #[test]
    fn a_pass_holds_until_it_expires() {
        let p = passes(1);
        let (user, password) = p.issue(&UserId([7; 16]), 1_000);
        assert_eq!(p.password_at(&user, 1_000).as_ref(), Some(&password));
        assert_eq!(
            p.password_at(&user, 1_000 + PASS_SECONDS).as_ref(),
            Some(&password)
        );
        assert_eq!(p.password_at(&user, 1_001 + PASS_SECONDS), None);
    }

    #[test]
    fn a_pass_made_elsewhere_or_changed_gives_another_password() {
        let (user, password) = passes(1).issue(&UserId([7; 16]), 1_000);
        // Another server's key: the name is accepted, but its password is not this one.
        assert_ne!(passes(2).password_at(&user, 1_000), Some(password.clone()));
        // Another expiry written by hand changes the password too.
        let other = user.replacen(&(1_000 + PASS_SECONDS).to_string(), "2000", 1);
        let changed = passes(1).password_at(&other, 1_000).expect("a valid name");
        assert_ne!(changed, password);
    }

    #[test]
    fn malformed_or_far_future_names_are_refused() {
        let p = passes(1);
        let user = "0".repeat(32);
        for bad in [
            String::new(),
            "1000".into(),
            format!("x:{user}"),
            "5000:abc".into(),
            format!("{}:{user}", 1_000 + PASS_SECONDS + 1),
        ] {
            assert_eq!(p.password_at(&bad, 1_000), None, "{bad}");
        }
    }
}
