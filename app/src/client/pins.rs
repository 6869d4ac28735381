//! The pinned keys as the browser keeps them: the sealed store on the server, and this
//! browser's own newest copy of it (localStorage, still sealed), which is what catches a
//! server that answers with no store or an older one (`Pins::reconcile`).

use super::browser;
use super::keyring::Keyring;
use crate::Answered;
use crate::ApiError;
use crate::api;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use protocol::crypto::pins::{Alarm, PinKey, Pins};

/// How often a save merges again when another tab's save landed first.
const TRIES: usize = 5;

fn local_key(ring: &Keyring) -> String {
    format!("hearth.pins.{}", ring.me.id.to_hex())
}

/// This browser's newest copy, if it has one that opens (a copy sealed under keys the
/// account no longer has, after a password reset, is no copy).
fn local(ring: &Keyring, key: &PinKey) -> Option<Pins> {
    let blob = STANDARD
        .decode(browser::local_get(&local_key(ring))?)
        .ok()?;
    Pins::open(&blob, key, &ring.me.id).ok()
}

fn keep_local(ring: &Keyring, blob: &[u8]) {
    browser::local_set(&local_key(ring), &STANDARD.encode(blob));
}

/// The server's store, its digest ("" for none) and what it opened to.
async fn fetch(
    ring: &Keyring,
    key: &PinKey,
) -> Result<(String, Option<Result<Pins, protocol::ProtocolError>>), ApiError> {
    Ok(match api::pins().await.answered()? {
        Some(blob) => (
            Pins::digest(blob.as_slice()),
            Some(Pins::open(blob.as_slice(), key, &ring.me.id)),
        ),
        None => (String::new(), None),
    })
}

/// The pins at start-up, and the alarm if the server's store is missing, older than this
/// browser's copy, or does not open (the caller saves the newer pins back).
pub async fn load(ring: &Keyring) -> Result<(Pins, Option<Alarm>), ApiError> {
    let key = ring.keys.pin_key()?;
    let (_, server) = fetch(ring, &key).await?;
    let (pins, alarm) = Pins::reconcile(server, local(ring, &key));
    Ok((pins, alarm))
}

/// Saves `mine`, merged with what the server and this browser hold now (another tab
/// may have saved meanwhile), with the counter one higher; the merged pins.
pub async fn save(ring: &Keyring, mine: &Pins) -> Result<Pins, ApiError> {
    let key = ring.keys.pin_key()?;
    for _ in 0..TRIES {
        let (previous, server) = fetch(ring, &key).await?;
        let mut merged = mine.clone();
        if let Some(Ok(theirs)) = server {
            merged.merge(&theirs);
        }
        if let Some(copy) = local(ring, &key) {
            merged.merge(&copy);
        }
        merged.counter += 1;
        let blob = merged.seal(&key, &ring.me.id)?;
        match api::save_pins(blob.clone().into(), Some(previous))
            .await
            .answered()
        {
            Ok(()) => {
                keep_local(ring, &blob);
                return Ok(merged);
            }
            Err(ApiError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::Conflict(
        "Your pinned keys keep changing on another device; try again.".into(),
    ))
}

/// After new identity keys: the store sealed under them replaces whatever is there (the
/// old one does not open with the new key), and becomes this browser's copy.
pub async fn reseal(ring: &Keyring, pins: &Pins) -> Result<(), ApiError> {
    let mut pins = pins.clone();
    pins.counter += 1;
    let blob = pins.seal(&ring.keys.pin_key()?, &ring.me.id)?;
    api::save_pins(blob.clone().into(), None).await.answered()?;
    keep_local(ring, &blob);
    Ok(())
}

/// What the alarm tells the person.
pub fn alarm_text(alarm: Alarm) -> String {
    let what = match alarm {
        Alarm::Missing => "The server did not give back the keys you have pinned, though this browser saw them before.".to_string(),
        Alarm::Older { server, seen } => format!(
            "The server gave back an older copy of the keys you have pinned (version {server}; this browser saw version {seen})."
        ),
        Alarm::Unreadable => "The server gave back a copy of your pinned keys that does not open.".to_string(),
    };
    format!(
        "{what} A server could do that to hide a changed key. Hearth keeps using the copy this browser had. If the server was not restored from a backup, tell its operator."
    )
}
