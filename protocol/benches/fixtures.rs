//! What the native benchmarks (benches/crypto.rs) and the browser's
//! (tests/browser_bench.rs) both measure: a direct conversation's keys, a one-member
//! group, whole files sealed and opened.

#![allow(dead_code, clippy::unwrap_used)]

use protocol::crypto::envelope::{Direction, DirectionKey};
use protocol::crypto::file::{FileKey, Opener, Sealer};
use protocol::crypto::group::message::Place;
use protocol::crypto::group::{Chain, EpochKey, Member, Opened, Role, Settings, genesis};
use protocol::crypto::identity::IdentityKeys;
use protocol::{ClientMsgId, ConversationId, UserId};

pub const PASSWORD: &str = "lantern harbour pebble 6620";
/// A short text, padded as the client pads it.
pub const PADDED: [u8; 256] = [0; 256];

pub struct Dm {
    pub keys: IdentityKeys,
    pub dir: Direction,
    pub key: DirectionKey,
    pub id: ClientMsgId,
}

pub fn dm() -> Dm {
    let (keys, peer) = (
        IdentityKeys::generate().unwrap(),
        IdentityKeys::generate().unwrap(),
    );
    let (me, them) = (UserId([1; 16]), UserId([2; 16]));
    let dir = Direction {
        conversation: ConversationId(1),
        sender: me,
        recipient: them,
        sender_key: keys.public(me).agreement,
        recipient_key: peer.public(them).agreement,
    };
    let key = dir
        .key(keys.agreement_secret(), &dir.recipient_key)
        .unwrap();
    Dm {
        keys,
        dir,
        key,
        id: ClientMsgId([3; 16]),
    }
}

pub struct Group {
    pub owner: IdentityKeys,
    pub me: UserId,
    pub conv: ConversationId,
    pub key: EpochKey,
    pub chain: Chain,
    pub hash: [u8; 32],
    pub id: ClientMsgId,
}

impl Group {
    pub fn place(&self) -> Place<'_> {
        Place {
            group: self.conv,
            epoch: 0,
            sender_epoch: 0,
            commit_hash: &self.hash,
            sender: &self.me,
            client_id: &self.id,
        }
    }
}

pub fn group() -> Group {
    let owner = IdentityKeys::generate().unwrap();
    let me = UserId([1; 16]);
    let conv = ConversationId(9);
    let member = Member {
        user: me,
        signing: owner.public(me).signing,
        role: Role::Owner,
    };
    let settings = Settings {
        name: "Bench".into(),
        description: String::new(),
        emoji: "🔥".into(),
        history: true,
        open: false,
        sealed: None,
    };
    let key = EpochKey::generate().unwrap();
    let mut body = genesis(conv, member, vec![], settings);
    let names = Opened::new(body.settings.names()).unwrap();
    body.seal_names(&names, &key).unwrap();
    body.key = Some(key.commitment_bytes().unwrap());
    let chain = Chain::verify(vec![body.sign(&owner).unwrap()]).unwrap();
    let hash = chain.hash_at(0).unwrap();
    Group {
        owner,
        me,
        conv,
        key,
        chain,
        hash,
        id: ClientMsgId([4; 16]),
    }
}

/// Seals a whole file as the browser sends it, segment by segment; returns the blob.
pub fn seal_file(key: &FileKey, file: &[u8]) -> Vec<u8> {
    let mut s = Sealer::new(key, file.len() as u64).unwrap();
    let mut blob = Vec::with_capacity(s.blob_len() as usize);
    while !s.done() {
        let (from, to) = s.next_range();
        blob.extend(s.seal_next(&file[from as usize..to as usize]).unwrap());
    }
    blob
}

/// Opens a blob fed in 4 MiB pieces, as downloads arrive; returns the file's length.
pub fn open_file(key: &FileKey, size: usize, blob: &[u8]) -> usize {
    let mut o = Opener::new(key, size as u64);
    let mut n = 0;
    for part in blob.chunks(4 << 20) {
        n += o.push(part).unwrap().len();
    }
    n + o.finish().unwrap().len()
}
