//! Call signals sealed between the two people of a direct conversation, under the same
//! direction keys as their messages, so only those two read or make them. The server
//! relays them without storing them.
//!
//! key ‖ nonce (32 + 12) = HKDF-SHA256(ikm = direction key, salt = 32 random bytes,
//!   info = `hearth/v1/call-signal`).
//! associated data = length-prefixed `hearth/v1/call`, version, conversation, sender,
//!   recipient.
//! signal = version (1) ‖ salt (32) ‖ AES-256-GCM(padded JSON of `api::call::Signal`).
//!
//! Its own HKDF info keeps a signal from ever opening as a message, or a message as a
//! signal. The sender's other tabs derive the same direction key, so they read their own
//! person's answer or decline and stop ringing.

use super::envelope::{self, Direction, DirectionKey};
use super::{VERSION, aes_open, aes_seal, key_and_nonce, length_prefixed, pad, random_array};
use crate::api::call::Signal;
use crate::error::{ProtocolError, Result};
use zeroize::Zeroizing;

fn aad(dir: &Direction) -> Vec<u8> {
    length_prefixed(&[
        b"hearth/v1/call",
        &[VERSION],
        &dir.conversation.0.to_be_bytes(),
        &dir.sender.0,
        &dir.recipient.0,
    ])
}

fn signal_key(key: &DirectionKey, salt: &[u8; 32]) -> Result<(Zeroizing<[u8; 32]>, [u8; 12])> {
    key_and_nonce(&key.0, salt, b"hearth/v1/call-signal")
}

/// Seals a signal from `dir.sender` to `dir.recipient`, after checking it keeps the rules.
pub fn seal(key: &DirectionKey, dir: &Direction, signal: &Signal) -> Result<Vec<u8>> {
    seal_with_salt(key, dir, signal, random_array()?)
}

/// Deterministic form for test vectors.
pub fn seal_with_salt(
    key: &DirectionKey,
    dir: &Direction,
    signal: &Signal,
    salt: [u8; 32],
) -> Result<Vec<u8>> {
    signal.check()?;
    let json = serde_json::to_vec(signal).map_err(|_| ProtocolError::Encrypt)?;
    let padded = Zeroizing::new(pad::pad(&json)?);
    let (k, n) = signal_key(key, &salt)?;
    let ct = aes_seal(&k, &n, &aad(dir), &padded);
    Ok([&[VERSION][..], &salt, &ct?].concat())
}

/// Opens a signal; any change to it, or to who it claims to be from or for, fails, and so
/// does a signal that breaks the rules (`Signal::check`).
pub fn open(key: &DirectionKey, dir: &Direction, sealed: &[u8]) -> Result<Signal> {
    let (salt, ct) = envelope::salted(sealed, "signal too short")?;
    let (k, n) = signal_key(key, &salt)?;
    let padded = aes_open(&k, &n, &aad(dir), ct)?;
    let signal: Signal = serde_json::from_slice(pad::unpad(&padded)?)
        .map_err(|_| ProtocolError::Malformed("not a call signal"))?;
    signal.check()?;
    Ok(signal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::call::{Media, SignalBody};
    use crate::crypto::envelope::tests::setup;
    use crate::ids::{CallId, ClientMsgId, ConversationId};

    const SDP: &str = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5\r\n";

    fn ring() -> Signal {
        Signal {
            call: CallId([9; 16]),
            tab: 1,
            at: 1_700_000_000_000,
            body: SignalBody::Ring {
                media: Media::Audio,
                sdp: SDP.into(),
            },
        }
    }

    #[test]
    fn the_callee_and_the_callers_other_tabs_open_it() {
        let (a, b, dir) = setup();
        let sealed = seal(&dir.key(&a, &dir.recipient_key).unwrap(), &dir, &ring()).unwrap();
        let callee = dir.key(&b, &dir.sender_key).unwrap();
        assert_eq!(open(&callee, &dir, &sealed).unwrap(), ring());
        let other_tab = dir.key(&a, &dir.recipient_key).unwrap();
        assert_eq!(open(&other_tab, &dir, &sealed).unwrap(), ring());
    }

    #[test]
    fn any_change_to_the_signal_or_its_context_is_refused() {
        let (a, b, dir) = setup();
        let sealed = seal(&dir.key(&a, &dir.recipient_key).unwrap(), &dir, &ring()).unwrap();
        let kb = dir.key(&b, &dir.sender_key).unwrap();
        for i in 0..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert!(open(&kb, &dir, &t).is_err(), "byte {i}");
        }
        assert!(open(&kb, &dir, &sealed[..sealed.len() - 1]).is_err());
        let mut moved = dir;
        moved.conversation = ConversationId(8);
        assert!(open(&kb, &moved, &sealed).is_err());
        // Reflected: the caller's own ring presented as the callee's.
        let rev = dir.reversed();
        assert!(open(&rev.key(&b, &dir.sender_key).unwrap(), &rev, &sealed).is_err());
    }

    #[test]
    fn a_signal_never_opens_as_a_message_nor_a_message_as_a_signal() {
        let (a, b, dir) = setup();
        let ka = dir.key(&a, &dir.recipient_key).unwrap();
        let kb = dir.key(&b, &dir.sender_key).unwrap();
        let sealed = seal(&ka, &dir, &ring()).unwrap();
        assert!(envelope::open(&kb, &dir, &ClientMsgId([0; 16]), &sealed).is_err());
        let json = serde_json::to_vec(&ring()).unwrap();
        let message = envelope::seal(&ka, &dir, &ClientMsgId([0; 16]), &pad::pad(&json).unwrap());
        assert!(open(&kb, &dir, &message.unwrap()).is_err());
    }

    #[test]
    fn a_signal_that_breaks_the_rules_is_neither_sealed_nor_opened() {
        let (a, b, dir) = setup();
        let ka = dir.key(&a, &dir.recipient_key).unwrap();
        let mut bad = ring();
        bad.body = SignalBody::Answer {
            sdp: "v=0\r\n".into(),
        };
        assert!(seal(&ka, &dir, &bad).is_err());
        // Made by hand, past `seal`'s check: the reader refuses it too.
        let json = serde_json::to_vec(&bad).unwrap();
        let salt = [5; 32];
        let (k, n) = signal_key(&ka, &salt).unwrap();
        let ct = aes_seal(&k, &n, &aad(&dir), &pad::pad(&json).unwrap()).unwrap();
        let forged = [&[VERSION][..], &salt, &ct].concat();
        let kb = dir.key(&b, &dir.sender_key).unwrap();
        assert!(open(&kb, &dir, &forged).is_err());
    }
}
