//! Deterministic vectors from fixed inputs, stored in tests/vectors/*.json so that any
//! other client can check itself against them. The same file runs natively and as WASM in
//! headless Chromium (wasm-bindgen-test), so both builds must agree byte for byte.
//!
//! Regenerate (only after an intended format change, which also needs a version bump):
//! `HEARTH_WRITE_VECTORS=1 cargo test -p protocol --test vectors`.

use protocol::api::MessageContent;
use protocol::crypto::envelope::{self, Direction};
use protocol::crypto::identity::IdentityKeys;
use protocol::crypto::kdf::{KdfParams, Salt, derive_master};
use protocol::crypto::wrap::{unwrap_keys, wrap_keys_with_nonce};
use protocol::{ClientMsgId, ConversationId, UserId};
use serde::{Deserialize, Serialize};
use x25519_dalek::{PublicKey, StaticSecret};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Vector<I, O> {
    description: String,
    inputs: I,
    outputs: O,
}

fn h<const N: usize>(s: &str) -> [u8; N] {
    hex::decode(s).expect("hex").try_into().expect("length")
}

/// Compares with the stored outputs, or rewrites the file when asked to (native only).
fn check<I: Serialize, O: Serialize + PartialEq + std::fmt::Debug>(
    file: &str,
    stored: &str,
    v: Vector<I, O>,
    computed: O,
) {
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("HEARTH_WRITE_VECTORS").is_some() {
        let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
        let out = Vector {
            description: v.description,
            inputs: v.inputs,
            outputs: computed,
        };
        std::fs::write(
            path,
            serde_json::to_string_pretty(&out).expect("json") + "\n",
        )
        .expect("write");
        return;
    }
    let _ = (file, stored);
    assert_eq!(computed, v.outputs, "{file}");
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct RegistrationIn {
    password: String,
    salt: String,
    kdf: KdfParams,
    user_id: String,
    ed25519_seed: String,
    x25519_secret: String,
    wrap_nonce: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct RegistrationOut {
    auth_secret: String,
    signing_public: String,
    agreement_public: String,
    x25519_signature: String,
    wrapped_keys: String,
}

#[test]
fn registration_and_key_wrap() {
    const FILE: &str = include_str!("vectors/registration.json");
    let v: Vector<RegistrationIn, RegistrationOut> =
        serde_json::from_str(FILE).expect("vector json");
    let i = &v.inputs;
    let salt = Salt(h(&i.salt));
    let user = UserId(h(&i.user_id));
    let (auth, wrap) = derive_master(&i.password, &salt, i.kdf)
        .expect("argon2")
        .split()
        .expect("hkdf");
    let keys = IdentityKeys::from_secret_bytes(&h(&i.ed25519_seed), &h(&i.x25519_secret));
    let public = keys.public(user);
    let wrapped =
        wrap_keys_with_nonce(&keys, &wrap, &user, &i.kdf, h(&i.wrap_nonce)).expect("wrap");
    // And back: the wrapped keys open to the same identity.
    assert!(public.matches(&unwrap_keys(&wrapped, &wrap, &user, &i.kdf).expect("unwrap")));
    let out = RegistrationOut {
        auth_secret: hex::encode(auth.0),
        signing_public: hex::encode(public.signing),
        agreement_public: hex::encode(public.agreement),
        x25519_signature: hex::encode(public.signature),
        wrapped_keys: hex::encode(wrapped),
    };
    check("registration.json", FILE, v, out);
}

/// Who sends to whom where, with which X25519 secrets: a direct message's or a call
/// signal's direction.
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Pair {
    conversation: i64,
    sender: String,
    recipient: String,
    sender_x25519_secret: String,
    recipient_x25519_secret: String,
}

fn direction(p: &Pair) -> (StaticSecret, StaticSecret, Direction) {
    let a = StaticSecret::from(h::<32>(&p.sender_x25519_secret));
    let b = StaticSecret::from(h::<32>(&p.recipient_x25519_secret));
    let dir = Direction {
        conversation: ConversationId(p.conversation),
        sender: UserId(h(&p.sender)),
        recipient: UserId(h(&p.recipient)),
        sender_key: PublicKey::from(&a).to_bytes(),
        recipient_key: PublicKey::from(&b).to_bytes(),
    };
    (a, b, dir)
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct DirectIn {
    #[serde(flatten)]
    pair: Pair,
    client_id: String,
    salt: String,
    text: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct DirectOut {
    padded_plaintext_len: usize,
    envelope: String,
}

#[test]
fn direct_message_envelope() {
    const FILE: &str = include_str!("vectors/direct_message.json");
    let v: Vector<DirectIn, DirectOut> = serde_json::from_str(FILE).expect("vector json");
    let i = &v.inputs;
    let (a, b, dir) = direction(&i.pair);
    let client_id = ClientMsgId(h(&i.client_id));
    let padded = MessageContent::Text {
        text: i.text.clone(),
    }
    .to_padded()
    .expect("pad");
    let key = dir.key(&a, &dir.recipient_key).expect("key");
    let env = envelope::seal_with_salt(&key, &dir, &client_id, &padded, h(&i.salt)).expect("seal");
    // The recipient reads it with their own secret.
    let theirs = dir.key(&b, &dir.sender_key).expect("key");
    let opened = envelope::open(&theirs, &dir, &client_id, &env).expect("open");
    assert_eq!(
        MessageContent::from_padded(&opened).expect("content"),
        MessageContent::Text {
            text: i.text.clone()
        }
    );
    let out = DirectOut {
        padded_plaintext_len: padded.len(),
        envelope: hex::encode(env),
    };
    check("direct_message.json", FILE, v, out);
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct SafetyIn {
    alice_id: String,
    alice_ed25519_seed: String,
    bob_id: String,
    bob_ed25519_seed: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct SafetyOut {
    alice_fingerprint: String,
    bob_fingerprint: String,
    safety_number: String,
}

#[test]
fn safety_number() {
    use protocol::crypto::safety;
    const FILE: &str = include_str!("vectors/safety_number.json");
    let v: Vector<SafetyIn, SafetyOut> = serde_json::from_str(FILE).expect("vector json");
    let i = &v.inputs;
    let a = IdentityKeys::from_secret_bytes(&h(&i.alice_ed25519_seed), &[0x77; 32])
        .public(UserId(h(&i.alice_id)));
    let b = IdentityKeys::from_secret_bytes(&h(&i.bob_ed25519_seed), &[0x77; 32])
        .public(UserId(h(&i.bob_id)));
    let out = SafetyOut {
        alice_fingerprint: safety::fingerprint(&a),
        bob_fingerprint: safety::fingerprint(&b),
        safety_number: safety::safety_number(&a, &b),
    };
    assert_eq!(out.safety_number, safety::safety_number(&b, &a));
    check("safety_number.json", FILE, v, out);
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct GroupIn {
    group: i64,
    alice_id: String,
    alice_ed25519_seed: String,
    alice_x25519_secret: String,
    bob_id: String,
    bob_ed25519_seed: String,
    bob_x25519_secret: String,
    epoch_key: String,
    hpke_seed: String,
    client_id: String,
    salt: String,
    text: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct GroupOut {
    key_commitment: String,
    wraps_hash: String,
    commit_signature: String,
    commit_hash: String,
    wrap_for_bob: String,
    envelope: String,
}

#[test]
fn group_commit_wrap_and_message() {
    use protocol::crypto::group::keys::{self, wraps_hash};
    use protocol::crypto::group::message::{self, Place};
    use protocol::crypto::group::{Chain, EpochKey, Member, Role, Settings, genesis};
    const FILE: &str = include_str!("vectors/group.json");
    let v: Vector<GroupIn, GroupOut> = serde_json::from_str(FILE).expect("vector json");
    let i = &v.inputs;
    let group = ConversationId(i.group);
    let (alice, bob) = (UserId(h(&i.alice_id)), UserId(h(&i.bob_id)));
    let ak = IdentityKeys::from_secret_bytes(&h(&i.alice_ed25519_seed), &h(&i.alice_x25519_secret));
    let bk = IdentityKeys::from_secret_bytes(&h(&i.bob_ed25519_seed), &h(&i.bob_x25519_secret));
    let (ap, bp) = (ak.public(alice), bk.public(bob));
    let key = EpochKey::from_bytes(h(&i.epoch_key));
    let wrap = keys::wrap_with_seed(&key, group, 0, &bob, &bp.agreement, &ak, h(&i.hpke_seed))
        .expect("wrap");
    let own = keys::wrap_with_seed(&key, group, 0, &alice, &ap.agreement, &ak, h(&i.hpke_seed))
        .expect("wrap");
    let wraps = [(alice, own), (bob, wrap.clone())];
    let settings = Settings {
        name: "Vectors".into(),
        description: String::new(),
        emoji: "🧪".into(),
        history: false,
        open: false,
        sealed: None,
    };
    let member = |user, signing| Member {
        user,
        signing,
        role: Role::Member,
    };
    let mut body = genesis(
        group,
        member(alice, ap.signing),
        vec![member(bob, bp.signing)],
        settings,
    );
    // This vector is a version 1 commit, names in plain text: old chains still verify.
    body.version = 1;
    body.key = Some(key.commitment_bytes().expect("commitment"));
    body.wraps = wraps_hash(&wraps);
    let commit = body.sign(&ak).expect("sign");
    let chain = Chain::verify(vec![commit.clone()]).expect("verifies");
    let hash = chain.hash_at(0).expect("hash");
    let client_id = ClientMsgId(h(&i.client_id));
    let padded = MessageContent::Text {
        text: i.text.clone(),
    }
    .to_padded()
    .expect("pad");
    let place = Place {
        group,
        epoch: 0,
        sender_epoch: 0,
        commit_hash: &hash,
        sender: &alice,
        client_id: &client_id,
    };
    let env = message::seal_with_salt(&key, &place, &ak, &padded, h(&i.salt)).expect("seal");
    // Bob opens the wrap (checked against the commitment) and reads the message.
    let kw = protocol::crypto::group::KeyWrap {
        epoch: 0,
        sender: alice,
        recipient: bob,
        wrap: wrap.clone(),
    };
    let bobs = keys::unwrap_checked(&kw, &commit.body, &bk, &ap.agreement).expect("unwrap");
    let opened = message::open(
        &chain,
        |_| Some(bobs.clone()),
        group,
        &alice,
        &client_id,
        &env,
    )
    .expect("open");
    assert_eq!(&opened[..], &padded[..]);
    let out = GroupOut {
        key_commitment: hex::encode(key.commitment().expect("commitment")),
        wraps_hash: hex::encode(commit.body.wraps),
        commit_signature: hex::encode(commit.signature),
        commit_hash: hex::encode(hash),
        wrap_for_bob: hex::encode(wrap.as_slice()),
        envelope: hex::encode(env),
    };
    check("group.json", FILE, v, out);
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct NamesIn {
    group: i64,
    epoch: u64,
    epoch_key: String,
    salt: String,
    nonce: String,
    name: String,
    description: String,
    emoji: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct NamesOut {
    commitment: String,
    sealed: String,
}

#[test]
fn sealed_group_names() {
    use protocol::crypto::group::{EpochKey, Names, Opened};
    const FILE: &str = include_str!("vectors/group_names.json");
    let v: Vector<NamesIn, NamesOut> = serde_json::from_str(FILE).expect("vector json");
    let i = &v.inputs;
    let names = Names {
        name: i.name.clone(),
        description: i.description.clone(),
        emoji: i.emoji.clone(),
    };
    let opened = Opened::with_salt(names, h(&i.salt));
    let key = EpochKey::from_bytes(h(&i.epoch_key));
    let group = ConversationId(i.group);
    let sealed = opened
        .seal_with_nonce(&key, group, i.epoch, h(&i.nonce))
        .expect("seal");
    assert_eq!(sealed.open(&key, group).expect("open"), opened);
    let out = NamesOut {
        commitment: hex::encode(sealed.commitment),
        sealed: hex::encode(sealed.sealed.as_slice()),
    };
    check("group_names.json", FILE, v, out);
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct FileIn {
    file_key: String,
    header_nonce: String,
    /// The plaintext is byte i = (i * 31) mod 251, for i < size: two chunks and padding.
    size: u64,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct FileOut {
    blob_len: u64,
    header_and_first_bytes: String,
    last_bytes: String,
    blob_sha256: String,
}

#[test]
fn file_stream() {
    use protocol::crypto::file::{FileKey, Opener, Sealer};
    use sha2::Digest;
    const FILE: &str = include_str!("vectors/file.json");
    let v: Vector<FileIn, FileOut> = serde_json::from_str(FILE).expect("vector json");
    let i = &v.inputs;
    let plain: Vec<u8> = (0..i.size).map(|n| (n * 31 % 251) as u8).collect();
    let key = FileKey(h(&i.file_key));
    let mut sealer = Sealer::with_nonce(&key, i.size, h(&i.header_nonce)).expect("sealer");
    let mut blob = Vec::new();
    while !sealer.done() {
        let (a, b) = sealer.next_range();
        blob.extend(
            sealer
                .seal_next(&plain[a as usize..b as usize])
                .expect("seal"),
        );
    }
    let mut opener = Opener::new(&key, i.size);
    let mut opened = opener.push(&blob).expect("open");
    opened.extend(opener.finish().expect("finish"));
    assert_eq!(opened, plain);
    let out = FileOut {
        blob_len: blob.len() as u64,
        header_and_first_bytes: hex::encode(&blob[..100]),
        last_bytes: hex::encode(&blob[blob.len() - 48..]),
        blob_sha256: hex::encode(sha2::Sha256::digest(&blob)),
    };
    check("file.json", FILE, v, out);
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct CallIn {
    #[serde(flatten)]
    pair: Pair,
    salt: String,
    /// The signal's JSON, as `api::call::Signal` writes it.
    signal: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct CallOut {
    sealed: String,
}

#[test]
fn call_signal() {
    use protocol::api::call::Signal;
    use protocol::crypto::call;
    const FILE: &str = include_str!("vectors/call_signal.json");
    let v: Vector<CallIn, CallOut> = serde_json::from_str(FILE).expect("vector json");
    let i = &v.inputs;
    let (a, b, dir) = direction(&i.pair);
    let signal: Signal = serde_json::from_str(&i.signal).expect("signal json");
    assert_eq!(serde_json::to_string(&signal).expect("json"), i.signal);
    let key = dir.key(&a, &dir.recipient_key).expect("key");
    let sealed = call::seal_with_salt(&key, &dir, &signal, h(&i.salt)).expect("seal");
    let theirs = dir.key(&b, &dir.sender_key).expect("key");
    assert_eq!(call::open(&theirs, &dir, &sealed).expect("open"), signal);
    check(
        "call_signal.json",
        FILE,
        v,
        CallOut {
            sealed: hex::encode(sealed),
        },
    );
}
