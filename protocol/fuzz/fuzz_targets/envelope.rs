//! Direct-message envelopes from the server: opening arbitrary bytes must fail cleanly
//! (never panic, never succeed without the key).
#![no_main]
use libfuzzer_sys::fuzz_target;
use protocol::crypto::envelope::{self, Direction};
use protocol::{ClientMsgId, ConversationId, UserId};
use x25519_dalek::{PublicKey, StaticSecret};

fuzz_target!(|data: &[u8]| {
    let a = StaticSecret::from([0x11; 32]);
    let b = StaticSecret::from([0x22; 32]);
    let dir = Direction {
        conversation: ConversationId(1),
        sender: UserId([1; 16]),
        recipient: UserId([2; 16]),
        sender_key: PublicKey::from(&a).to_bytes(),
        recipient_key: PublicKey::from(&b).to_bytes(),
    };
    let key = dir.key(&b, &dir.sender_key).expect("contributory");
    assert!(envelope::open(&key, &dir, &ClientMsgId([3; 16]), data).is_err());
    let _ = protocol::api::MessageContent::from_padded(data);
});
