//! Group commits, keys and messages: the rules every browser and the server apply.

use protocol::crypto::group::commit::genesis;
use protocol::crypto::group::invite::InviteToken;
use protocol::crypto::group::keys::{self, wraps_hash};
use protocol::crypto::group::message::{self, Place, Unreadable};
use protocol::crypto::group::{
    Action, Chain, Commit, CommitBody, EpochKey, KeyWrap, Member, Role, Settings, verify_next,
};
use protocol::crypto::identity::IdentityKeys;
use protocol::{Bytes, ClientMsgId, ConversationId, UserId};
use std::collections::BTreeSet;

const G: ConversationId = ConversationId(42);

struct User {
    id: UserId,
    keys: IdentityKeys,
}

impl User {
    fn new(n: u8) -> Self {
        Self {
            id: UserId([n; 16]),
            keys: IdentityKeys::from_secret_bytes(&[n; 32], &[n + 100; 32]),
        }
    }
    fn member(&self) -> Member {
        Member {
            user: self.id,
            signing: self.keys.public(self.id).signing,
            role: Role::Member,
        }
    }
    fn agreement(&self) -> [u8; 32] {
        self.keys.public(self.id).agreement
    }
}

fn settings(history: bool) -> Settings {
    Settings {
        name: "Lab".into(),
        description: String::new(),
        emoji: "🧪".into(),
        history,
        open: false,
    }
}

/// Signs `body` with a new key wrapped for every member; returns the commit and the key.
fn seal(
    mut body: CommitBody,
    author: &User,
    everyone: &[&User],
) -> (Commit, EpochKey, Vec<(UserId, Bytes)>) {
    let key = EpochKey::generate().unwrap();
    let wraps: Vec<(UserId, Bytes)> = body
        .members
        .iter()
        .map(|m| {
            let u = everyone.iter().find(|u| u.id == m.user).unwrap();
            (
                m.user,
                keys::wrap(
                    &key,
                    body.group,
                    body.epoch,
                    &m.user,
                    &u.agreement(),
                    &author.keys,
                )
                .unwrap(),
            )
        })
        .collect();
    body.key = Some(key.commitment_bytes().unwrap());
    body.wraps = wraps_hash(&wraps);
    (body.sign(&author.keys).unwrap(), key, wraps)
}

fn start(history: bool) -> (User, User, User, Chain) {
    let (alice, bob, carol) = (User::new(1), User::new(2), User::new(3));
    let body = genesis(
        G,
        alice.member(),
        vec![bob.member(), carol.member()],
        settings(history),
    );
    let (c, _, _) = seal(body, &alice, &[&alice, &bob, &carol]);
    (alice, bob, carol, Chain::verify(vec![c]).unwrap())
}

fn head(chain: &Chain) -> &Commit {
    chain.head().unwrap()
}

#[test]
fn roles_are_enforced_by_the_rules() {
    let (alice, bob, carol, mut chain) = start(false);
    let all = [&alice, &bob, &carol];
    // A member cannot remove anyone or promote themselves.
    let mut body = head(&chain)
        .next(bob.id, Action::Remove { user: carol.id })
        .unwrap();
    body.members.retain(|m| m.user != carol.id);
    assert!(verify_next(chain.head(), &seal(body, &bob, &all).0).is_err());
    let mut body = head(&chain)
        .next(bob.id, Action::Promote { user: bob.id })
        .unwrap();
    body.members
        .iter_mut()
        .filter(|m| m.user == bob.id)
        .for_each(|m| m.role = Role::Admin);
    assert!(verify_next(chain.head(), &seal(body, &bob, &all).0).is_err());
    // The owner promotes bob; bob (admin) may then remove carol (a member).
    let mut body = head(&chain)
        .next(alice.id, Action::Promote { user: bob.id })
        .unwrap();
    body.members
        .iter_mut()
        .filter(|m| m.user == bob.id)
        .for_each(|m| m.role = Role::Admin);
    chain.push(seal(body, &alice, &all).0).unwrap();
    // An admin cannot remove the owner.
    let mut body = head(&chain)
        .next(bob.id, Action::Remove { user: alice.id })
        .unwrap();
    body.members.retain(|m| m.user != alice.id);
    assert!(verify_next(chain.head(), &seal(body, &bob, &all).0).is_err());
    let mut body = head(&chain)
        .next(bob.id, Action::Remove { user: carol.id })
        .unwrap();
    body.members.retain(|m| m.user != carol.id);
    chain.push(seal(body, &bob, &all).0).unwrap();
    // The owner cannot leave before handing over.
    let mut body = head(&chain).next(alice.id, Action::Leave).unwrap();
    body.members.retain(|m| m.user != alice.id);
    assert!(verify_next(chain.head(), &body.clone().sign(&alice.keys).unwrap()).is_err());
    // Claimed roster changes that do not match the action are refused.
    let mut body = head(&chain).next(alice.id, Action::Rekey).unwrap();
    body.members.push(carol.member());
    body.members.sort_by_key(|m| m.user);
    assert!(verify_next(chain.head(), &seal(body, &alice, &all).0).is_err());
    // Transfer, then the former owner may leave.
    let mut body = head(&chain)
        .next(alice.id, Action::Transfer { user: bob.id })
        .unwrap();
    for m in &mut body.members {
        m.role = if m.user == bob.id {
            Role::Owner
        } else {
            Role::Admin
        };
    }
    chain.push(seal(body, &alice, &all).0).unwrap();
    let mut body = head(&chain).next(alice.id, Action::Leave).unwrap();
    body.members.retain(|m| m.user != alice.id);
    chain.push(body.sign(&alice.keys).unwrap()).unwrap();
    assert_eq!(
        chain.current_key_epoch(),
        None,
        "after a leave nobody sends until a rekey"
    );
}

#[test]
fn forged_and_reordered_commits_are_refused() {
    let (alice, bob, carol, chain) = start(false);
    let all = [&alice, &bob, &carol];
    let mut body = head(&chain)
        .next(alice.id, Action::Remove { user: carol.id })
        .unwrap();
    body.members.retain(|m| m.user != carol.id);
    let (good, _, _) = seal(body.clone(), &alice, &all);
    verify_next(chain.head(), &good).unwrap();
    // Signed by someone else (the server cannot sign for alice).
    let (forged, _, _) = seal(body.clone(), &bob, &all);
    assert!(verify_next(chain.head(), &forged).is_err());
    let mut flipped = good.clone();
    flipped.signature[5] ^= 1;
    assert!(verify_next(chain.head(), &flipped).is_err());
    let mut moved = body.clone();
    moved.prev[0] ^= 1;
    assert!(verify_next(chain.head(), &seal(moved, &alice, &all).0).is_err());
    let mut skipped = body;
    skipped.epoch += 1;
    assert!(verify_next(chain.head(), &seal(skipped, &alice, &all).0).is_err());
}

#[test]
fn keys_reach_only_verified_members() {
    let (alice, bob, carol, mut chain) = start(false);
    let all = [&alice, &bob, &carol];
    let mut body = head(&chain)
        .next(alice.id, Action::Remove { user: carol.id })
        .unwrap();
    body.members.retain(|m| m.user != carol.id);
    let (c, key, wraps) = seal(body, &alice, &all);
    chain.push(c).unwrap();
    assert!(
        wraps.iter().all(|w| w.0 != carol.id),
        "the new key is not wrapped for carol"
    );
    // Bob opens his wrap; the key matches the signed commitment.
    let bw = &wraps.iter().find(|w| w.0 == bob.id).unwrap().1;
    let kw = KeyWrap {
        epoch: 1,
        sender: alice.id,
        recipient: bob.id,
        wrap: bw.clone(),
    };
    let got = keys::unwrap_checked(&kw, &head(&chain).body, &bob.keys, &alice.agreement()).unwrap();
    assert_eq!(got.commitment().unwrap(), key.commitment().unwrap());
    // Carol cannot open bob's wrap, nor one relabelled for her.
    let relabelled = KeyWrap {
        recipient: carol.id,
        ..kw.clone()
    };
    assert!(
        keys::unwrap_checked(
            &relabelled,
            &head(&chain).body,
            &carol.keys,
            &alice.agreement()
        )
        .is_err()
    );
    // A wrap from someone else is refused (HPKE Auth binds the sender).
    assert!(keys::unwrap_checked(&kw, &head(&chain).body, &bob.keys, &carol.agreement()).is_err());
    // Carol, or someone the server lists without a commit, is owed nothing.
    let intruder = UserId([9; 16]);
    let held: BTreeSet<u64> = [0, 1].into();
    let missing = chain.missing(&held, &BTreeSet::new());
    assert!(
        missing
            .iter()
            .all(|(_, u)| *u != carol.id && *u != intruder)
    );
    assert!(chain.entitled(&intruder).is_empty() && chain.entitled(&carol.id).is_empty());
}

#[test]
fn history_setting_decides_what_a_new_member_may_read() {
    for history in [false, true] {
        let (alice, bob, carol, mut chain) = start(history);
        let dave = User::new(4);
        let all = [&alice, &bob, &carol, &dave];
        let mut body = head(&chain)
            .next(alice.id, Action::Add { user: dave.id })
            .unwrap();
        body.members.push(dave.member());
        body.members.sort_by_key(|m| m.user);
        chain.push(seal(body, &alice, &all).0).unwrap();
        let expect: BTreeSet<u64> = if history { [0, 1].into() } else { [1].into() };
        assert_eq!(chain.entitled(&dave.id), expect);
        let wrapped: BTreeSet<(u64, UserId)> = [alice.id, bob.id, carol.id]
            .iter()
            .flat_map(|u| [(0, *u), (1, *u)])
            .chain([(1, dave.id)])
            .collect();
        let missing = chain.missing(&[0, 1].into(), &wrapped);
        assert_eq!(missing, if history { vec![(0, dave.id)] } else { vec![] });
    }
}

#[test]
fn joins_need_a_valid_invite() {
    let (alice, bob, carol, chain) = start(false);
    let dave = User::new(4);
    let all = [&alice, &bob, &carol, &dave];
    let token = InviteToken::generate().unwrap();
    let code = token.to_code();
    assert_eq!(
        InviteToken::parse(&format!("http://x/join#{}", code.to_lowercase()))
            .unwrap()
            .id(),
        token.id()
    );
    let invite = token
        .invite(G, alice.id, &alice.keys, 1_900_000_000_000, 5)
        .unwrap();
    let join = |proof| {
        let mut body = head(&chain).next(dave.id, Action::Join).unwrap();
        body.members.push(dave.member());
        body.members.sort_by_key(|m| m.user);
        body.invite = proof;
        seal(body, &dave, &all).0
    };
    let proof = token
        .prove(invite.clone(), &dave.id, &dave.member().signing)
        .unwrap();
    verify_next(chain.head(), &join(Some(proof.clone()))).unwrap();
    assert!(
        verify_next(chain.head(), &join(None)).is_err(),
        "a closed group needs an invite"
    );
    // An invite from a plain member, a proof for someone else, a forged invite.
    let by_bob = token
        .invite(G, bob.id, &bob.keys, 1_900_000_000_000, 5)
        .unwrap();
    let p = token
        .prove(by_bob, &dave.id, &dave.member().signing)
        .unwrap();
    assert!(verify_next(chain.head(), &join(Some(p))).is_err());
    let other = token
        .prove(invite.clone(), &carol.id, &carol.member().signing)
        .unwrap();
    assert!(verify_next(chain.head(), &join(Some(other))).is_err());
    let mut forged = proof;
    forged.invite.uses = 500;
    assert!(verify_next(chain.head(), &join(Some(forged))).is_err());
    // A different token cannot prove this invite.
    assert!(
        InviteToken::generate()
            .unwrap()
            .prove(invite, &dave.id, &dave.member().signing)
            .is_err()
    );
}

#[test]
fn messages_are_signed_and_bound_to_their_epoch() {
    let (alice, bob, carol, chain) = start(false);
    let all = [&alice, &bob, &carol];
    let _ = all;
    let key = EpochKey::generate().unwrap();
    // Rebuild a one-commit chain whose commitment matches `key`.
    let mut body = genesis(
        G,
        alice.member(),
        vec![bob.member(), carol.member()],
        settings(false),
    );
    body.key = Some(key.commitment_bytes().unwrap());
    let chain2 = Chain::verify(vec![body.sign(&alice.keys).unwrap()]).unwrap();
    drop(chain);
    let hash = head(&chain2).hash().unwrap();
    let id = ClientMsgId([7; 16]);
    let place = Place {
        group: G,
        epoch: 0,
        commit_hash: &hash,
        sender: &bob.id,
        client_id: &id,
    };
    let env = message::seal(&key, &place, &bob.keys, b"padded text").unwrap();
    let have = |_| Some(key.clone());
    assert_eq!(
        &message::open(&chain2, have, G, &bob.id, &id, &env).unwrap()[..],
        b"padded text"
    );
    // Claimed as carol's: carol's key does not verify bob's signature.
    assert_eq!(
        message::open(&chain2, have, G, &carol.id, &id, &env),
        Err(Unreadable::NotVerified)
    );
    // Signed by carol but claimed as bob's (a member forging another).
    let forged = message::seal(&key, &place, &carol.keys, b"i am bob").unwrap();
    assert_eq!(
        message::open(&chain2, have, G, &bob.id, &id, &forged),
        Err(Unreadable::NotVerified)
    );
    // Any flipped byte fails; without the key it waits.
    for i in 0..env.len() {
        let mut t = env.clone();
        t[i] ^= 0x20;
        assert!(
            message::open(&chain2, have, G, &bob.id, &id, &t).is_err(),
            "byte {i}"
        );
    }
    assert_eq!(
        message::open(&chain2, |_| None, G, &bob.id, &id, &env),
        Err(Unreadable::NoKey(0))
    );
    assert_eq!(message::epoch_of(&env), Some(0));
}
