//! Prints how long the browser-side group work takes natively (WASM is slower, roughly
//! 2–3×): building and verifying an Everyone-style chain of N joins, wrapping an epoch key
//! for N members, and sealing and opening a signed group message.
//!
//! `cargo run --release -p protocol --example group_bench [N]`

use protocol::crypto::group::keys::{self, wraps_hash};
use protocol::crypto::group::message::{self, Place};
use protocol::crypto::group::{Action, Chain, EpochKey, Member, Opened, Role, Settings, genesis};
use protocol::crypto::identity::IdentityKeys;
use protocol::{ClientMsgId, ConversationId, UserId};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let group = ConversationId(1);
    let people: Vec<(UserId, IdentityKeys)> = (0..n)
        .map(|i| {
            let mut id = [0u8; 16];
            id[..8].copy_from_slice(&(i as u64).to_be_bytes());
            (UserId(id), IdentityKeys::generate().expect("keys"))
        })
        .collect();
    let member = |i: usize| Member {
        user: people[i].0,
        signing: people[i].1.public(people[i].0).signing,
        role: Role::Member,
    };
    let settings = Settings {
        name: "Everyone".into(),
        description: String::new(),
        emoji: "🏠".into(),
        history: true,
        open: true,
        sealed: None,
    };
    let key = EpochKey::generate().expect("key");

    let t = Instant::now();
    let mut body = genesis(group, member(0), vec![], settings);
    let names = Opened::new(body.settings.names()).expect("names");
    body.seal_names(&names, &key).expect("seal");
    body.key = Some(key.commitment_bytes().expect("c"));
    let mut commits = vec![body.sign(&people[0].1).expect("sign")];
    // Joins to a group that shares its history keep the key (no new commitment).
    let mut chain = Chain::default();
    chain.push(commits[0].clone()).expect("genesis");
    for (i, (user, keys)) in people.iter().enumerate().skip(1) {
        let head = chain.head().expect("head");
        let b = head
            .propose(*user, Action::Join { member: member(i) })
            .expect("propose");
        let c = b.sign(keys).expect("sign");
        chain.push(c.clone()).expect("valid");
        commits.push(c);
    }
    let build = t.elapsed();
    let bytes: usize = commits
        .iter()
        .map(|c| serde_json::to_vec(c).expect("json").len())
        .sum();

    let t = Instant::now();
    let chain = Chain::verify(commits).expect("verifies");
    let verify = t.elapsed();

    let t = Instant::now();
    let wraps: Vec<_> = people
        .iter()
        .map(|(id, k)| {
            let to = k.public(*id).agreement;
            (
                *id,
                keys::wrap(&key, group, 0, id, &to, &people[0].1).expect("wrap"),
            )
        })
        .collect();
    let _ = wraps_hash(&wraps);
    let wrap = t.elapsed();

    let hash = chain.hash_at(0).expect("hash");
    let id = ClientMsgId([1; 16]);
    let place = Place {
        group,
        epoch: 0,
        sender_epoch: 0,
        commit_hash: &hash,
        sender: &people[0].0,
        client_id: &id,
    };
    let padded = vec![0u8; 256];
    let t = Instant::now();
    let rounds = 1000;
    for _ in 0..rounds {
        let env = message::seal(&key, &place, &people[0].1, &padded).expect("seal");
        message::open(
            &chain,
            |_| Some(key.clone()),
            group,
            &people[0].0,
            &id,
            &env,
        )
        .expect("open");
    }
    let msg = t.elapsed() / rounds;

    println!("members: {n}");
    println!(
        "chain of {n} joins: {} KiB of JSON, built and checked in {build:.2?}",
        bytes / 1024
    );
    println!("verify the whole chain: {verify:.2?}");
    println!("wrap one epoch key for {n} members (HPKE Auth): {wrap:.2?}");
    println!("seal + verify + open one message: {msg:.2?}");
}
