//! SFrame (RFC 9605): each media frame of a group call sealed in the sender's browser,
//! before it reaches the server's forwarding unit, which sees only the header (a key id
//! and a counter) and routes the rest. Only the AES-GCM suites are offered (the AES-CTR
//! ones with HMAC would add code for no gain here): AES_128_GCM_SHA256_128 (4) and
//! AES_256_GCM_SHA512_128 (5). Known-answer tests: RFC 9605's vectors in
//! `tests/sframe.rs`. Its HKDF labels are the RFC's ("SFrame 1.0 Secret key …"), not
//! `hearth/v1/` ones, so the base key handed to it must serve this use alone.

use crate::error::{ProtocolError, Result};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use hkdf::Hkdf;
use sha2::{Sha256, Sha512};
use zeroize::Zeroizing;

/// An SFrame cipher suite (its IANA number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    Aes128GcmSha256 = 4,
    Aes256GcmSha512 = 5,
}

impl Suite {
    pub fn from_id(id: u16) -> Result<Self> {
        match id {
            4 => Ok(Suite::Aes128GcmSha256),
            5 => Ok(Suite::Aes256GcmSha512),
            _ => Err(ProtocolError::UnsupportedVersion(id)),
        }
    }

    /// The key's length (Nk); the nonce is 12 bytes and the tag 16 for both.
    fn key_len(self) -> usize {
        match self {
            Suite::Aes128GcmSha256 => 16,
            Suite::Aes256GcmSha512 => 32,
        }
    }
}

const NONCE: usize = 12;

/// What precedes each sealed frame, in clear: whose key (`kid`) and which frame of it
/// (`ctr`, never repeated under one key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub kid: u64,
    pub ctr: u64,
}

/// The fewest big-endian bytes that hold `v` (at least one).
fn min_bytes(v: u64) -> usize {
    (8 - v.leading_zeros() as usize / 8).max(1)
}

impl Header {
    /// RFC 9605 §4.3: a config byte |X|K|K|K|Y|C|C|C|, then the key id's bytes when it
    /// is 8 or more (X set, K one less than their count), then the counter's likewise.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let mut config = 0u8;
        let mut tail = Vec::with_capacity(16);
        for (v, shift) in [(self.kid, 4), (self.ctr, 0)] {
            if v < 8 {
                config |= (v as u8) << shift;
            } else {
                let n = min_bytes(v);
                config |= (0b1000 | (n as u8 - 1)) << shift;
                tail.extend_from_slice(&v.to_be_bytes()[8 - n..]);
            }
        }
        out.push(config);
        out.extend_from_slice(&tail);
    }

    /// The header at the start of `bytes`, and its length.
    pub fn decode(bytes: &[u8]) -> Result<(Header, usize)> {
        let short = || ProtocolError::Malformed("the SFrame header is cut short");
        let config = *bytes.first().ok_or_else(short)?;
        let mut at = 1;
        let mut field = |nibble: u8| -> Result<u64> {
            if nibble & 0b1000 == 0 {
                return Ok(u64::from(nibble));
            }
            let n = usize::from(nibble & 0b111) + 1;
            let raw = bytes.get(at..at + n).ok_or_else(short)?;
            at += n;
            Ok(raw.iter().fold(0, |v, b| v << 8 | u64::from(*b)))
        };
        let kid = field(config >> 4)?;
        let ctr = field(config & 0x0f)?;
        Ok((Header { kid, ctr }, at))
    }
}

enum Cipher {
    Aes128(Aes128Gcm),
    Aes256(Aes256Gcm),
}

/// One sender's key (its key id's), from a base key: seals and opens that sender's
/// frames. The sender alone must seal with it, each counter once (`Sender`).
pub struct FrameKey {
    kid: u64,
    cipher: Cipher,
    salt: [u8; NONCE],
}
super::redacted_debug!(FrameKey);

impl FrameKey {
    /// RFC 9605 §4.4.2: secret = HKDF-Extract("", base key); the key and the salt are
    /// expanded from it with labels naming the key id and the suite.
    pub fn derive(suite: Suite, kid: u64, base_key: &[u8]) -> Result<Self> {
        let label = |what: &str| {
            let mut l = format!("SFrame 1.0 Secret {what} ").into_bytes();
            l.extend_from_slice(&kid.to_be_bytes());
            l.extend_from_slice(&(suite as u16).to_be_bytes());
            l
        };
        let mut key = Zeroizing::new(vec![0u8; suite.key_len()]);
        let mut salt = [0u8; NONCE];
        let expand = |okm: &mut [u8], info: &[u8]| match suite {
            Suite::Aes128GcmSha256 => Hkdf::<Sha256>::new(Some(&[]), base_key).expand(info, okm),
            Suite::Aes256GcmSha512 => Hkdf::<Sha512>::new(Some(&[]), base_key).expand(info, okm),
        };
        expand(&mut key, &label("key")).map_err(|_| ProtocolError::Kdf)?;
        expand(&mut salt, &label("salt")).map_err(|_| ProtocolError::Kdf)?;
        let cipher = match suite {
            Suite::Aes128GcmSha256 => Aes128Gcm::new_from_slice(&key).map(Cipher::Aes128),
            Suite::Aes256GcmSha512 => Aes256Gcm::new_from_slice(&key).map(Cipher::Aes256),
        }
        .map_err(|_| ProtocolError::Kdf)?;
        Ok(Self { kid, cipher, salt })
    }

    pub fn kid(&self) -> u64 {
        self.kid
    }

    /// The salt with the counter XORed into its last eight bytes.
    fn nonce(&self, ctr: u64) -> [u8; NONCE] {
        let mut nonce = self.salt;
        for (n, c) in nonce[NONCE - 8..].iter_mut().zip(ctr.to_be_bytes()) {
            *n ^= c;
        }
        nonce
    }

    fn aead(&self, ctr: u64, seal: bool, msg: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        let nonce = self.nonce(ctr).into();
        let payload = Payload { msg, aad };
        let done = match (&self.cipher, seal) {
            (Cipher::Aes128(c), true) => c.encrypt(&nonce, payload),
            (Cipher::Aes128(c), false) => c.decrypt(&nonce, payload),
            (Cipher::Aes256(c), true) => c.encrypt(&nonce, payload),
            (Cipher::Aes256(c), false) => c.decrypt(&nonce, payload),
        };
        done.map_err(|_| {
            if seal {
                ProtocolError::Encrypt
            } else {
                ProtocolError::Decrypt
            }
        })
    }

    /// Header ‖ ciphertext ‖ tag, the header and `metadata` (what the frame travels
    /// with, which the receiver must see unchanged) authenticated.
    pub fn seal_frame(&self, ctr: u64, metadata: &[u8], frame: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(17 + frame.len() + 16);
        Header { kid: self.kid, ctr }.encode(&mut out);
        let aad = [out.as_slice(), metadata].concat();
        let sealed = self.aead(ctr, true, frame, &aad)?;
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The frame `seal_frame` sealed; a frame of another key id, or changed in any bit
    /// (header, body or metadata), does not open.
    pub fn open_frame(&self, sealed: &[u8], metadata: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let (header, len) = Header::decode(sealed)?;
        if header.kid != self.kid {
            return Err(ProtocolError::Decrypt);
        }
        let aad = [&sealed[..len], metadata].concat();
        self.aead(header.ctr, false, &sealed[len..], &aad)
            .map(Zeroizing::new)
    }
}

/// A sender's side: its key and the next counter, so no counter is used twice.
pub struct Sender {
    key: FrameKey,
    next: u64,
}

impl Sender {
    pub fn new(key: FrameKey) -> Self {
        Self { key, next: 0 }
    }

    pub fn seal(&mut self, metadata: &[u8], frame: &[u8]) -> Result<Vec<u8>> {
        let ctr = self.next;
        self.next = ctr.checked_add(1).ok_or(ProtocolError::Encrypt)?;
        self.key.seal_frame(ctr, metadata, frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_at_every_width() {
        for v in [0, 7, 8, 255, 256, 65_535, 1 << 32, u64::MAX] {
            let h = Header {
                kid: v,
                ctr: u64::MAX - v,
            };
            let mut out = vec![];
            h.encode(&mut out);
            out.push(0xAA); // what follows is not read
            assert_eq!(Header::decode(&out), Ok((h, out.len() - 1)));
        }
        assert!(Header::decode(&[]).is_err());
        assert!(
            Header::decode(&[0b1001_0000, 1]).is_err(),
            "two kid bytes announced"
        );
    }

    #[test]
    fn a_sender_never_repeats_a_counter() {
        let key = FrameKey::derive(Suite::Aes256GcmSha512, 9, &[7; 32]).expect("key");
        let mut sender = Sender::new(key);
        let a = sender.seal(b"", b"same frame").expect("seal");
        let b = sender.seal(b"", b"same frame").expect("seal");
        assert_ne!(a, b);
        assert_eq!(Header::decode(&b).expect("header").0.ctr, 1);
    }
}
