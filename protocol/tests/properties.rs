//! Property tests: round trips hold for any input, any tampering fails, and no decoder
//! panics on arbitrary bytes.

use proptest::prelude::*;
use protocol::crypto::envelope::{self, Direction};
use protocol::crypto::identity::IdentityKeys;
use protocol::crypto::kdf::{KdfParams, WrapKey};
use protocol::crypto::pad;
use protocol::crypto::wrap::{unwrap_keys, wrap_keys};
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{ClientMsgId, ConversationId, UserId};
use x25519_dalek::{PublicKey, StaticSecret};

fn direction(a: &StaticSecret, b: &StaticSecret, conv: i64) -> Direction {
    Direction {
        conversation: ConversationId(conv),
        sender: UserId([1; 16]),
        recipient: UserId([2; 16]),
        sender_key: PublicKey::from(a).to_bytes(),
        recipient_key: PublicKey::from(b).to_bytes(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn envelope_round_trip_and_tamper(
        sa in any::<[u8; 32]>(), sb in any::<[u8; 32]>(), conv in any::<i64>(),
        id in any::<[u8; 16]>(), msg in proptest::collection::vec(any::<u8>(), 0..2000),
        flip in any::<usize>(), bit in 0u8..8,
    ) {
        let (a, b) = (StaticSecret::from(sa), StaticSecret::from(sb));
        let dir = direction(&a, &b, conv);
        let id = ClientMsgId(id);
        let env = envelope::seal(&dir.key(&a, &dir.recipient_key).unwrap(), &dir, &id, &msg).unwrap();
        let kb = dir.key(&b, &dir.sender_key).unwrap();
        prop_assert_eq!(&envelope::open(&kb, &dir, &id, &env).unwrap()[..], &msg[..]);
        let mut bad = env.clone();
        let i = flip % bad.len();
        bad[i] ^= 1 << bit;
        prop_assert!(envelope::open(&kb, &dir, &id, &bad).is_err());
        prop_assert!(envelope::open(&kb, &dir, &id, &env[..flip % env.len()]).is_err());
    }

    #[test]
    fn wrap_round_trip_and_tamper(seed in any::<[u8; 32]>(), x in any::<[u8; 32]>(), wk in any::<[u8; 32]>(),
                                  user in any::<[u8; 16]>(), flip in any::<usize>()) {
        let keys = IdentityKeys::from_secret_bytes(&seed, &x);
        let (key, user, p) = (WrapKey::from_bytes(wk), UserId(user), KdfParams::DEFAULT);
        let blob = wrap_keys(&keys, &key, &user, &p).unwrap();
        prop_assert!(keys.public(user).matches(&unwrap_keys(&blob, &key, &user, &p).unwrap()));
        let mut bad = blob.clone();
        bad[flip % blob.len()] ^= 0x80;
        prop_assert!(unwrap_keys(&bad, &key, &user, &p).is_err());
    }

    #[test]
    fn padding_round_trip(data in proptest::collection::vec(any::<u8>(), 0..5000)) {
        let p = pad::pad(&data).unwrap();
        prop_assert!(p.len() >= 256 && p.len() >= data.len() + 4);
        prop_assert_eq!(pad::unpad(&p).unwrap(), &data[..]);
    }

    #[test]
    fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), text in ".{0,300}") {
        let _ = ClientFrame::decode(&text);
        let _ = ServerFrame::decode(&text);
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = ClientFrame::decode(&lossy);
        let _ = pad::unpad(&bytes);
        let key = WrapKey::from_bytes([0; 32]);
        let _ = unwrap_keys(&bytes, &key, &UserId([0; 16]), &KdfParams::DEFAULT);
        // Group structures from a client: parsing, checking a first commit, opening a
        // group message or a key wrap, reading an invite code.
        use protocol::crypto::group::{Chain, Commit, Head, message};
        if let Ok(c) = serde_json::from_str::<Commit>(&text) {
            let _ = Head::genesis(&c);
        }
        let _ = message::epoch_of(&bytes);
        let _ = message::open(&Chain::default(), |_| None, protocol::ConversationId(1), &UserId([0; 16]), &protocol::ClientMsgId([0; 16]), &bytes);
        let _ = protocol::crypto::group::invite::InviteToken::parse(&text);
    }
}

#[test]
fn secret_types_zeroize_on_drop() {
    // A compile-time check: each secret type implements ZeroizeOnDrop (or is a dalek type
    // that zeroizes itself), so a future change cannot silently drop it.
    fn zeroizes<T: zeroize::ZeroizeOnDrop>() {}
    zeroizes::<protocol::crypto::kdf::MasterKey>();
    zeroizes::<protocol::crypto::kdf::AuthSecret>();
    zeroizes::<WrapKey>();
    zeroizes::<protocol::crypto::envelope::DirectionKey>();
    zeroizes::<protocol::crypto::group::EpochKey>();
    zeroizes::<protocol::crypto::group::invite::InviteToken>();
    zeroizes::<x25519_dalek::StaticSecret>();
    zeroizes::<ed25519_dalek::SigningKey>();
}
