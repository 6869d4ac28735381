//! The second factor: TOTP as every authenticator app speaks it (RFC 6238: HMAC-SHA-1,
//! six digits, 30-second steps), accepting the step before and after for clock drift,
//! each step at most once; and ten one-time recovery codes for a lost phone.
//!
//! The server must hold the TOTP secret to check codes. It keeps it sealed (AES-256-GCM
//! under a key derived from the server secret in the data folder, bound to the user id),
//! so a copy of the database alone cannot make codes; recovery codes are kept as HMACs
//! under another such key.

use crate::auth::ServerSecret;
use crate::error::{Error, Result};
use protocol::UserId;
use protocol::crypto::{aes_open, aes_seal, random_array};
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const STEP: u64 = 30;
pub const DIGITS: u8 = 6;
pub const RECOVERY_CODES: usize = 10;
const SECRET_LEN: usize = 20;
const NONCE_LEN: usize = 12;

fn totp(secret: &[u8], digits: u8) -> Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(Secret::new(secret.into()))
        .build_noncompliant()
}

/// The code for `secret` at `unix` seconds (for tests and vectors).
pub fn code_at(secret: &[u8], digits: u8, unix: u64) -> String {
    totp(secret, digits).generate(unix).to_string()
}

/// The time step `code` matches at `unix` (±1 step), if it is later than `last` (the
/// step last accepted): a code seen once is refused after, even within its window.
pub fn check(secret: &[u8], code: &str, unix: u64, last: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, DIGITS);
    let now = unix / STEP;
    // Look at every step in the window (not just the first match), so timing does not
    // say which one matched.
    let mut found = None;
    for step in now.saturating_sub(1)..=now + 1 {
        let want = t.generate(step * STEP).to_string();
        if constant_eq(want.as_bytes(), code.as_bytes()) && step > last && found.is_none() {
            found = Some(step);
        }
    }
    found
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub fn new_secret() -> Result<[u8; SECRET_LEN]> {
    Ok(random_array::<SECRET_LEN>()?)
}

pub fn base32(secret: &[u8]) -> String {
    Secret::new(secret.into()).to_base32()
}

/// The enrolment link authenticator apps read from the QR code.
pub fn uri(secret: &[u8], account: &str) -> String {
    let account: String = account
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!(
        "otpauth://totp/Hearth:{account}?secret={}&issuer=Hearth&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        base32(secret)
    )
}

pub fn seal(server: &ServerSecret, user: &UserId, secret: &[u8]) -> Result<Vec<u8>> {
    let key = server.derive(b"hearth/v1/totp-seal");
    let nonce = random_array::<NONCE_LEN>()?;
    let sealed = aes_seal(&key, &nonce, user.to_hex().as_bytes(), secret)?;
    Ok([nonce.as_slice(), &sealed].concat())
}

pub fn open(
    server: &ServerSecret,
    user: &UserId,
    sealed: &[u8],
) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let (Some(nonce), Some(body)) = (sealed.get(..NONCE_LEN), sealed.get(NONCE_LEN..)) else {
        return Err(Error::Corrupt("TOTP secret"));
    };
    let key = server.derive(b"hearth/v1/totp-seal");
    let nonce: [u8; NONCE_LEN] = nonce
        .try_into()
        .map_err(|_| Error::Corrupt("TOTP secret"))?;
    aes_open(&key, &nonce, user.to_hex().as_bytes(), body)
        .map_err(|_| Error::Corrupt("TOTP secret (wrong server secret?)"))
}

/// A code as people type it: case, spaces and dashes do not matter.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Ten recovery codes ("ABCDE-FGHJK": 50 random bits each) and their hashes.
pub fn recovery_codes(server: &ServerSecret, user: &UserId) -> Result<(Vec<String>, Vec<String>)> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let mut hashes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let raw = random_array::<10>()?;
        let chars: String = raw
            .iter()
            .map(|b| ALPHABET[usize::from(b & 31)] as char)
            .collect();
        let code = format!("{}-{}", &chars[..5], &chars[5..]);
        hashes.push(recovery_hash(server, user, &code));
        codes.push(code);
    }
    Ok((codes, hashes))
}

pub fn recovery_hash(server: &ServerSecret, user: &UserId, code: &str) -> String {
    let key = server.derive(b"hearth/v1/totp-recovery");
    let mac = crate::auth::hmac(
        key.as_ref(),
        &[user.to_hex().as_bytes(), normalise(code).as_bytes()],
    );
    mac.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `code` looks like a recovery code rather than a six-digit one.
pub fn is_recovery_code(code: &str) -> bool {
    normalise(code).len() == 10
}

pub mod flow;

#[cfg(test)]
mod tests;
