//! Login verifiers, session tokens and the fake salts for unknown usernames.
//!
//! The browser sends a 256-bit auth secret (HKDF of the Argon2 master key), never the
//! password. The server keeps verifier = HMAC-SHA256(per-user random salt,
//! `hearth/v1/verifier` ‖ auth secret): a 256-bit secret needs no slow hash, and a slow
//! one on a Raspberry Pi would only hand attackers a denial-of-service lever.

use crate::error::{Error, Result};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use protocol::crypto::kdf::{AuthSecret, Salt};
use protocol::crypto::random_array;
use sha2::{Digest, Sha256};
use std::path::Path;
use zeroize::Zeroizing;

pub const COOKIE: &str = "hearth_session";
/// The cookie's name over HTTPS. Browsers accept a `__Host-` cookie only if it is Secure,
/// has Path=/ and no Domain, so a page on another port or subdomain of the LAN cannot
/// plant or overwrite it.
pub const SECURE_COOKIE: &str = "__Host-hearth_session";

/// How long sessions last. Both come from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Ended after this long unused.
    pub idle: std::time::Duration,
    /// Ended this long after the login, used or not.
    pub max: std::time::Duration,
    /// Served over HTTPS (directly or by a proxy): Secure, `__Host-` cookies.
    pub secure: bool,
}

impl SessionPolicy {
    pub fn cookie_name(&self) -> &'static str {
        if self.secure { SECURE_COOKIE } else { COOKIE }
    }

    /// Set-Cookie for a new session: HttpOnly (no script can read it), SameSite=Strict
    /// (no other site can send it), Secure over HTTPS; it expires with the session.
    pub fn cookie(&self, token: &str) -> String {
        let max_age = self.max.as_secs();
        let secure = if self.secure { "; Secure" } else { "" };
        let name = self.cookie_name();
        format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
    }

    pub fn clear(&self) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        let name = self.cookie_name();
        format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
    }

    /// The session token from a Cookie header, if any. Over HTTPS only the `__Host-`
    /// cookie counts.
    pub fn token<'a>(&self, header: &'a str) -> Option<&'a str> {
        cookie(header, self.cookie_name()).filter(|v| v.len() < 128)
    }
}

/// The value of the cookie `name` in a Cookie header, if it has one.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

type HmacSha256 = Hmac<Sha256>;

pub fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

pub fn verifier(salt: &[u8; 16], auth: &AuthSecret) -> [u8; 32] {
    hmac(salt, &[b"hearth/v1/verifier", &auth.0])
}

/// Constant-time check of an auth secret against the stored verifier.
pub fn verify(salt: &[u8], stored: &[u8], auth: &AuthSecret) -> bool {
    let Ok(salt) = <[u8; 16]>::try_from(salt) else {
        return false;
    };
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&salt).unwrap_or_else(|_| unreachable!());
    mac.update(b"hearth/v1/verifier");
    mac.update(&auth.0);
    mac.verify_slice(stored).is_ok()
}

/// The server's own secret (fake salts), kept in the data folder, made on first start.
pub struct ServerSecret(Zeroizing<[u8; 32]>);

impl ServerSecret {
    pub fn load_or_create(path: &Path) -> Result<Self> {
        if let Ok(bytes) = std::fs::read(path) {
            let arr: [u8; 32] = bytes
                .try_into()
                .map_err(|_| Error::Config(format!("{} is not 32 bytes", path.display())))?;
            return Ok(Self(Zeroizing::new(arr)));
        }
        let fresh = random_array::<32>().map_err(|e| Error::Config(e.to_string()))?;
        write_private(path, &fresh)?;
        Ok(Self(Zeroizing::new(fresh)))
    }

    /// A key for one purpose, named by `label`, from the server secret.
    pub fn derive(&self, label: &[u8]) -> zeroize::Zeroizing<[u8; 32]> {
        Zeroizing::new(hmac(self.0.as_ref(), &[label]))
    }

    /// A stable salt for a username that has no account, so the login form answers the
    /// same way whether or not someone is registered.
    pub fn fake_salt(&self, username: &str) -> Salt {
        let mac = hmac(
            self.0.as_ref(),
            &[b"hearth/v1/fake-salt", username.as_bytes()],
        );
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&mac[..16]);
        Salt(salt)
    }
}

/// Writes a file only the owner can read.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        f.write_all(bytes)?;
    }
    #[cfg(not(unix))]
    std::fs::write(path, bytes)?;
    Ok(())
}

/// A new session token (256 bits, for the cookie) and its hash (for the database).
pub fn new_token() -> Result<(String, String)> {
    let raw = Zeroizing::new(random_array::<32>().map_err(|e| Error::Config(e.to_string()))?);
    let token = URL_SAFE_NO_PAD.encode(raw.as_ref());
    let hash = hash_token(&token);
    Ok((token, hash))
}

pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_checks_the_secret() {
        let salt = [3u8; 16];
        let good = AuthSecret([1; 32]);
        let stored = verifier(&salt, &good);
        assert!(verify(&salt, &stored, &good));
        assert!(!verify(&salt, &stored, &AuthSecret([2; 32])));
        assert!(!verify(&[4u8; 16], &stored, &good));
        assert!(!verify(&salt[..3], &stored, &good));
    }

    #[test]
    fn cookies() {
        let day = std::time::Duration::from_secs(86_400);
        let plain = SessionPolicy {
            idle: day,
            max: day * 90,
            secure: false,
        };
        assert_eq!(plain.token("a=b; hearth_session=xyz; c=d"), Some("xyz"));
        assert_eq!(plain.token("hearth_session="), None);
        assert_eq!(plain.token("other=1"), None);
        let c = plain.cookie("t");
        assert!(c.starts_with("hearth_session=t;") && !c.contains("Secure"));
        assert!(c.contains("Max-Age=7776000"));

        let https = SessionPolicy {
            secure: true,
            ..plain
        };
        let c = https.cookie("t");
        assert!(c.starts_with("__Host-hearth_session=t; Path=/;"));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!c.contains("Domain"));
        // Over HTTPS a cookie without the prefix (which any http:// page on the LAN
        // could have set) is not a session.
        assert_eq!(https.token("hearth_session=xyz"), None);
        assert_eq!(https.token("__Host-hearth_session=xyz"), Some("xyz"));
        assert!(https.clear().contains("Max-Age=0") && https.clear().contains("Secure"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (t1, h1) = new_token().unwrap();
        let (t2, _) = new_token().unwrap();
        assert_ne!(t1, t2);
        assert_eq!(h1, hash_token(&t1));
        assert_eq!(h1.len(), 64);
        assert!(t1.len() >= 43, "256 bits in base64");
    }
}
