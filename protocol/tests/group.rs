//! Group commits, keys and messages: the rules every browser and the server apply.

use protocol::browser;
use protocol::crypto::group::invite::InviteToken;
use protocol::crypto::group::keys::{self, wraps_hash};
use protocol::crypto::group::message::{self, Place, Unreadable};
use protocol::crypto::group::{
    Action, COMMIT_VERSION, Chain, Commit, CommitBody, EpochKey, KeyWrap, Member, Opened, Role,
    Roster, Settings, genesis,
};
use protocol::crypto::identity::IdentityKeys;
use protocol::{Bytes, ClientMsgId, ConversationId, UserId};

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
        sealed: None,
    }
}

/// The roster a body leads to (whom its key is wrapped for).
fn roster_of(chain: &Chain, body: &CommitBody) -> Roster {
    match (&body.action, chain.head()) {
        (Action::Create { members }, _) => members.clone().into(),
        (action, Some(h)) => h.roster_after(&body.author, action).unwrap_or_default(),
        _ => Roster::default(),
    }
}

/// Signs `body`, with a new key wrapped for its roster when the change needs one, as a
/// browser does (`protocol::browser`); plain names in a version 2 body are sealed.
fn seal(
    chain: &Chain,
    body: CommitBody,
    author: &User,
    all: &[&User],
) -> (Commit, Option<EpochKey>, Vec<(UserId, Bytes)>) {
    let names = (body.version == COMMIT_VERSION && body.settings.sealed.is_none())
        .then(|| Opened::new(body.settings.names()).unwrap());
    let built = browser::group::commit(chain.head(), body, &author.keys, names.as_ref(), |m| {
        all.iter().find(|u| u.id == m.user).map(|u| u.agreement())
    })
    .unwrap();
    let wraps = built
        .request
        .wraps
        .iter()
        .map(|w| (w.recipient, w.wrap.clone()))
        .collect();
    (built.request.commit, built.key, wraps)
}

fn start(history: bool) -> (User, User, User, Chain) {
    let (alice, bob, carol) = (User::new(1), User::new(2), User::new(3));
    let body = genesis(
        G,
        alice.member(),
        vec![bob.member(), carol.member()],
        settings(history),
    );
    let (c, _, _) = seal(&Chain::default(), body, &alice, &[&alice, &bob, &carol]);
    (alice, bob, carol, Chain::verify(vec![c]).unwrap())
}

/// Proposes, seals and checks a change; Ok if the rules allow it.
fn change(chain: &mut Chain, author: &User, action: Action, all: &[&User]) -> Result<(), String> {
    let head = chain.head().unwrap().clone();
    // Propose refuses disallowed changes; a forged body (built by hand) must be refused too.
    let body = match head.propose(author.id, action.clone()) {
        Ok(b) => b,
        Err(_) => {
            let mut b = head.propose(head_owner(chain), Action::Rekey).unwrap();
            b.author = author.id;
            b.action = action;
            b
        }
    };
    let (c, _, _) = seal(chain, body, author, all);
    chain.push(c).map_err(|e| e.to_string())
}

fn head_owner(chain: &Chain) -> UserId {
    chain
        .head()
        .unwrap()
        .roster
        .members()
        .find(|m| m.role == Role::Owner)
        .unwrap()
        .user
}

#[test]
fn roles_are_enforced_by_the_rules() {
    let (alice, bob, carol, mut chain) = start(false);
    let all = [&alice, &bob, &carol];
    let err = change(&mut chain, &bob, Action::Remove { user: carol.id }, &all).unwrap_err();
    assert!(err.contains("only admins remove members"), "{err}");
    assert!(change(&mut chain, &bob, Action::Promote { user: bob.id }, &all).is_err());
    change(&mut chain, &alice, Action::Promote { user: bob.id }, &all).unwrap();
    assert!(
        change(&mut chain, &bob, Action::Remove { user: alice.id }, &all).is_err(),
        "an admin cannot remove the owner"
    );
    change(&mut chain, &bob, Action::Remove { user: carol.id }, &all).unwrap();
    let err = change(&mut chain, &alice, Action::Leave, &all).unwrap_err();
    assert!(err.contains("hands the group over"), "{err}");
    change(&mut chain, &alice, Action::Transfer { user: bob.id }, &all).unwrap();
    assert_eq!(
        chain.head().unwrap().roster.role_of(&bob.id),
        Some(Role::Owner)
    );
    assert_eq!(
        chain.head().unwrap().roster.role_of(&alice.id),
        Some(Role::Admin)
    );
    change(&mut chain, &alice, Action::Leave, &all).unwrap();
    assert_eq!(
        chain.current_key_epoch(),
        None,
        "after a leave nobody sends until a new key"
    );
    change(&mut chain, &bob, Action::Rekey, &all).unwrap();
    assert_eq!(chain.current_key_epoch(), Some(chain.head().unwrap().epoch));
    // A removed member can no longer change anything.
    assert!(change(&mut chain, &carol, Action::Rekey, &all).is_err());
}

#[test]
fn forged_and_reordered_commits_are_refused() {
    let (alice, bob, carol, chain) = start(false);
    let all = [&alice, &bob, &carol];
    let head = chain.head().unwrap().clone();
    let body = head
        .propose(alice.id, Action::Remove { user: carol.id })
        .unwrap();
    let (good, _, _) = seal(&chain, body.clone(), &alice, &all);
    head.apply(&good).unwrap();
    // Signed by someone else (the server cannot sign for alice).
    let (forged, _, _) = seal(&chain, body.clone(), &bob, &all);
    assert!(head.apply(&forged).is_err());
    let mut flipped = good.clone();
    flipped.signature[5] ^= 1;
    assert!(head.apply(&flipped).is_err());
    for tamper in [
        |b: &mut CommitBody| b.prev[0] ^= 1,
        |b: &mut CommitBody| b.epoch += 1,
        |b: &mut CommitBody| b.roster[3] ^= 1,
        |b: &mut CommitBody| b.key = None,
        |b: &mut CommitBody| b.settings.name = "Renamed".into(),
    ] {
        let mut b = body.clone();
        tamper(&mut b);
        let c = b.sign(&alice.keys).unwrap();
        assert!(head.apply(&c).is_err(), "{:?}", c.body);
    }
}

#[test]
fn keys_reach_only_verified_members() {
    let (alice, bob, carol, mut chain) = start(false);
    let all = [&alice, &bob, &carol];
    let body = chain
        .head()
        .unwrap()
        .propose(alice.id, Action::Remove { user: carol.id })
        .unwrap();
    let (c, key, wraps) = seal(&chain, body, &alice, &all);
    chain.push(c.clone()).unwrap();
    let key = key.unwrap();
    assert!(
        wraps.iter().all(|w| w.0 != carol.id),
        "the new key is not wrapped for carol"
    );
    let bw = &wraps.iter().find(|w| w.0 == bob.id).unwrap().1;
    let kw = KeyWrap {
        epoch: 1,
        sender: alice.id,
        recipient: bob.id,
        wrap: bw.clone(),
    };
    let got = keys::unwrap_checked(&kw, &c.body, &bob.keys, &alice.agreement()).unwrap();
    assert_eq!(got.commitment().unwrap(), key.commitment().unwrap());
    let relabelled = KeyWrap {
        recipient: carol.id,
        ..kw.clone()
    };
    assert!(keys::unwrap_checked(&relabelled, &c.body, &carol.keys, &alice.agreement()).is_err());
    assert!(
        keys::unwrap_checked(&kw, &c.body, &bob.keys, &carol.agreement()).is_err(),
        "HPKE Auth binds the sender"
    );
    // Carol, and anyone the server lists without a commit, is owed nothing.
    let intruder = UserId([9; 16]);
    assert!(chain.entitled(&carol.id).is_empty() && chain.entitled(&intruder).is_empty());
    assert_eq!(chain.member_at(0, &carol.id), Some(carol.member().signing));
    assert_eq!(chain.member_at(1, &carol.id), None);
}

#[test]
fn history_setting_decides_what_a_new_member_may_read() {
    for history in [false, true] {
        let (alice, bob, carol, mut chain) = start(history);
        let dave = User::new(4);
        let all = [&alice, &bob, &carol, &dave];
        change(
            &mut chain,
            &alice,
            Action::Add {
                member: dave.member(),
            },
            &all,
        )
        .unwrap();
        // Sharing history keeps the key (dave gets it handed over); otherwise a new one.
        let expect: Vec<u64> = if history { vec![0] } else { vec![1] };
        assert_eq!(
            chain.entitled(&dave.id).into_iter().collect::<Vec<_>>(),
            expect
        );
        assert_eq!(chain.current_key_epoch(), Some(if history { 0 } else { 1 }));
        assert!(!chain.owed(&dave.id, 0) || history);
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
        InviteToken::parse(&format!("http://x/#join={}", code.to_lowercase()))
            .unwrap()
            .id(),
        token.id()
    );
    let invite = token
        .invite(G, alice.id, &alice.keys, 1_900_000_000_000, 5)
        .unwrap();
    let head = chain.head().unwrap().clone();
    let join = |proof| {
        let mut body = head
            .propose(
                dave.id,
                Action::Join {
                    member: dave.member(),
                },
            )
            .unwrap();
        body.invite = proof;
        seal(&chain, body, &dave, &all).0
    };
    let proof = token
        .prove(invite.clone(), &dave.id, &dave.member().signing)
        .unwrap();
    head.apply(&join(Some(proof.clone()))).unwrap();
    assert!(
        head.apply(&join(None)).is_err(),
        "a closed group needs an invite"
    );
    let by_bob = token
        .invite(G, bob.id, &bob.keys, 1_900_000_000_000, 5)
        .unwrap();
    let p = token
        .prove(by_bob, &dave.id, &dave.member().signing)
        .unwrap();
    assert!(head.apply(&join(Some(p))).is_err(), "only admins invite");
    let other = token
        .prove(invite.clone(), &carol.id, &carol.member().signing)
        .unwrap();
    assert!(
        head.apply(&join(Some(other))).is_err(),
        "a proof for someone else"
    );
    let mut forged = proof;
    forged.invite.uses = 500;
    assert!(head.apply(&join(Some(forged))).is_err());
    assert!(
        InviteToken::generate()
            .unwrap()
            .prove(invite, &dave.id, &dave.member().signing)
            .is_err()
    );
    // A join that claims someone else as the newcomer.
    let mut body = head
        .propose(
            dave.id,
            Action::Join {
                member: dave.member(),
            },
        )
        .unwrap();
    body.action = Action::Join {
        member: carol.member(),
    };
    assert!(head.apply(&seal(&chain, body, &dave, &all).0).is_err());
}

#[test]
fn messages_are_signed_and_bound_to_their_epoch() {
    let (alice, bob, carol) = (User::new(1), User::new(2), User::new(3));
    let key = EpochKey::generate().unwrap();
    let mut body = genesis(
        G,
        alice.member(),
        vec![bob.member(), carol.member()],
        settings(false),
    );
    body.seal_names(&Opened::new(body.settings.names()).unwrap(), &key)
        .unwrap();
    body.key = Some(key.commitment_bytes().unwrap());
    let chain = Chain::verify(vec![body.sign(&alice.keys).unwrap()]).unwrap();
    let hash = chain.hash_at(0).unwrap();
    let id = ClientMsgId([7; 16]);
    let place = Place {
        group: G,
        epoch: 0,
        sender_epoch: 0,
        commit_hash: &hash,
        sender: &bob.id,
        client_id: &id,
    };
    let env = message::seal(&key, &place, &bob.keys, b"padded text").unwrap();
    let have = |_| Some(key.clone());
    assert_eq!(
        &message::open(&chain, have, G, &bob.id, &id, &env).unwrap()[..],
        b"padded text"
    );
    assert_eq!(
        message::open(&chain, have, G, &carol.id, &id, &env),
        Err(Unreadable::NotVerified)
    );
    let forged = message::seal(&key, &place, &carol.keys, b"i am bob").unwrap();
    assert_eq!(
        message::open(&chain, have, G, &bob.id, &id, &forged),
        Err(Unreadable::NotVerified)
    );
    for i in 0..env.len() {
        let mut t = env.clone();
        t[i] ^= 0x20;
        assert!(
            message::open(&chain, have, G, &bob.id, &id, &t).is_err(),
            "byte {i}"
        );
    }
    assert_eq!(
        message::open(&chain, |_| None, G, &bob.id, &id, &env),
        Err(Unreadable::NoKey(0))
    );
    assert_eq!(message::epoch_of(&env), Some(0));
}

#[test]
fn a_chain_grows_by_the_change_not_the_roster() {
    let (alice, bob, carol, mut chain) = start(true);
    let mut all: Vec<User> = (10..60).map(User::new).collect();
    for u in &all {
        let refs: Vec<&User> = [&alice, &bob, &carol]
            .into_iter()
            .chain(all.iter())
            .collect();
        change(
            &mut chain,
            &alice,
            Action::Add { member: u.member() },
            &refs,
        )
        .unwrap();
    }
    let sizes: Vec<usize> = chain
        .commits()
        .iter()
        .map(|c| serde_json::to_vec(c).unwrap().len())
        .collect();
    assert!(sizes[1..].iter().all(|s| *s < 1200), "{sizes:?}");
    assert_eq!(chain.head().unwrap().roster.len(), 53);
    all.clear();
}

#[test]
fn a_newcomer_to_a_group_that_shares_history_sends_under_the_kept_key() {
    let (alice, bob, carol, _) = start(true);
    let dave = User::new(4);
    let all = [&alice, &bob, &carol, &dave];
    // Genesis started key 0 (alice made it; the test keeps a copy by re-sealing below).
    let key = EpochKey::generate().unwrap();
    let mut body = genesis(
        G,
        alice.member(),
        vec![bob.member(), carol.member()],
        settings(true),
    );
    body.seal_names(&Opened::new(body.settings.names()).unwrap(), &key)
        .unwrap();
    body.key = Some(key.commitment_bytes().unwrap());
    let mut chain = Chain::verify(vec![body.sign(&alice.keys).unwrap()]).unwrap();
    change(
        &mut chain,
        &alice,
        Action::Add {
            member: dave.member(),
        },
        &all,
    )
    .unwrap();
    assert_eq!(chain.current_key_epoch(), Some(0), "the key is kept");
    let hash = chain.hash_at(0).unwrap();
    let id = ClientMsgId([8; 16]);
    let seal_as = |sender_epoch: u64, who: &User| {
        let place = Place {
            group: G,
            epoch: 0,
            sender_epoch,
            commit_hash: &hash,
            sender: &who.id,
            client_id: &id,
        };
        message::seal(&key, &place, &who.keys, b"hi all").unwrap()
    };
    let have = |_| Some(key.clone());
    // dave, a member since epoch 1, sends under key 0: verified.
    let env = seal_as(1, &dave);
    assert_eq!(
        &message::open(&chain, have, G, &dave.id, &id, &env).unwrap()[..],
        b"hi all"
    );
    // Claiming an epoch before he joined fails; so does one the reader has not seen yet.
    assert_eq!(
        message::open(&chain, have, G, &dave.id, &id, &seal_as(0, &dave)),
        Err(Unreadable::NotVerified)
    );
    assert_eq!(
        message::open(&chain, have, G, &dave.id, &id, &seal_as(5, &dave)),
        Err(Unreadable::NoKey(0))
    );
    // After carol's removal (a new key), key 0 no longer counts for later sender epochs.
    change(&mut chain, &alice, Action::Remove { user: carol.id }, &all).unwrap();
    assert_eq!(
        message::open(&chain, have, G, &carol.id, &id, &seal_as(2, &carol)),
        Err(Unreadable::NotVerified)
    );
    assert_eq!(
        message::open(&chain, have, G, &dave.id, &id, &seal_as(2, &dave)),
        Err(Unreadable::NotVerified)
    );
}

#[test]
fn a_member_with_new_keys_comes_back_to_an_open_group_only() {
    let (alice, bob) = (User::new(1), User::new(2));
    // Bob after a password reset: the same account, new identity keys.
    let new_bob = User {
        id: bob.id,
        keys: IdentityKeys::from_secret_bytes(&[77; 32], &[78; 32]),
    };
    for open in [true, false] {
        let body = genesis(
            G,
            alice.member(),
            vec![bob.member()],
            Settings {
                open,
                ..settings(true)
            },
        );
        let (c, _, _) = seal(&Chain::default(), body, &alice, &[&alice, &bob]);
        let mut chain = Chain::verify(vec![c]).unwrap();
        let all = [&alice, &new_bob];
        let back = |role| Action::Join {
            member: Member {
                role,
                ..new_bob.member()
            },
        };
        // The same keys, or another role, never.
        assert!(
            change(
                &mut chain.clone(),
                &bob,
                Action::Join {
                    member: bob.member()
                },
                &all
            )
            .is_err()
        );
        assert!(change(&mut chain.clone(), &new_bob, back(Role::Admin), &all).is_err());
        // Nor an admin or the owner: a key the server made up must not get their powers.
        let new_alice = User {
            id: alice.id,
            keys: IdentityKeys::from_secret_bytes(&[66; 32], &[67; 32]),
        };
        let all = [&new_alice, &new_bob];
        let owner_back = Action::Join {
            member: Member {
                role: Role::Owner,
                ..new_alice.member()
            },
        };
        assert!(change(&mut chain.clone(), &new_alice, owner_back, &all).is_err());
        let mut promoted = chain.clone();
        let promote = Action::Promote { user: bob.id };
        change(&mut promoted, &alice, promote, &[&alice, &bob]).unwrap();
        assert!(change(&mut promoted.clone(), &new_bob, back(Role::Admin), &all).is_err());
        assert!(change(&mut promoted, &new_bob, back(Role::Member), &all).is_err());
        let done = change(&mut chain, &new_bob, back(Role::Member), &all);
        assert_eq!(done.is_ok(), open, "{done:?}");
        if open {
            // What bob signed before checks against his old key, what he signs now
            // against the new one; he has been a member all along.
            assert_eq!(chain.member_at(0, &bob.id), Some(bob.member().signing));
            assert_eq!(chain.member_at(1, &bob.id), Some(new_bob.member().signing));
            assert_eq!(
                chain.head().unwrap().roster.role_of(&bob.id),
                Some(Role::Member)
            );
        }
    }
}

fn names(name: &str) -> protocol::crypto::group::Names {
    protocol::crypto::group::Names {
        name: name.into(),
        description: "About".into(),
        emoji: "🧪".into(),
    }
}

/// A commit body proposed by `author`, its key and the wraps, signed after `edit`.
fn keyed_change(
    chain: &Chain,
    author: &User,
    action: Action,
    all: &[&User],
    edit: impl FnOnce(&mut CommitBody, &EpochKey),
) -> Commit {
    let mut body = chain.head().unwrap().propose(author.id, action).unwrap();
    let key = EpochKey::generate().unwrap();
    edit(&mut body, &key);
    let wraps: Vec<(UserId, Bytes)> = roster_of(chain, &body)
        .members()
        .map(|m| {
            let u = all.iter().find(|u| u.id == m.user).unwrap();
            let w = keys::wrap(&key, G, body.epoch, &m.user, &u.agreement(), &author.keys);
            (m.user, w.unwrap())
        })
        .collect();
    body.key = Some(key.commitment_bytes().unwrap());
    body.wraps = wraps_hash(&wraps);
    body.sign(&author.keys).unwrap()
}

#[test]
fn group_names_are_sealed_and_only_a_settings_change_changes_them() {
    let (alice, bob, carol, mut chain) = start(false);
    let all = [&alice, &bob, &carol];
    let head = chain.head().unwrap().clone();
    assert_eq!(head.settings.name, "", "nothing readable in the commit");
    let sealed = head.settings.sealed.clone().unwrap();
    // A member re-seals the same names under the key their rekey starts: accepted, the
    // commitment stays, and whoever holds the new key reads them.
    let opened = Opened::new(names("Lab")).unwrap();
    let mut kept = None;
    let resealed = keyed_change(&chain, &bob, Action::Rekey, &all, |b, k| {
        // Bob cannot open alice's seal here (the test made the names), so re-seal a
        // commitment-preserving copy the way a browser does: same salt, same names.
        b.settings.sealed = None;
        b.seal_names(&opened, k).unwrap();
        kept = Some(k.clone());
    });
    // Another commitment (bob's own salt): that is a change of names by a plain member.
    assert_ne!(
        resealed.body.settings.sealed.as_ref().unwrap().commitment,
        sealed.commitment
    );
    let err = head.apply(&resealed).unwrap_err().to_string();
    assert!(err.contains("only a settings change"), "{err}");
    // Copying the seal as it was is always fine.
    let copied = keyed_change(&chain, &bob, Action::Rekey, &all, |_, _| {});
    chain.push(copied).unwrap();
    // A seal that is neither a copy nor under this commit's key is refused.
    let stale = keyed_change(&chain, &alice, Action::Settings, &all, |b, _| {
        b.seal_names(&opened, kept.as_ref().unwrap()).unwrap();
        b.settings.sealed.as_mut().unwrap().epoch -= 1;
    });
    let err = chain.head().unwrap().apply(&stale).unwrap_err().to_string();
    assert!(err.contains("sealed under the key"), "{err}");
    // An admin renames: the new names open with the new key only, so carol, removed
    // next, cannot read a later rename.
    let mut key2 = None;
    let renamed = keyed_change(&chain, &alice, Action::Settings, &all, |b, k| {
        b.seal_names(&Opened::new(names("Renamed")).unwrap(), k)
            .unwrap();
        key2 = Some(k.clone());
    });
    chain.push(renamed).unwrap();
    let s = chain.head().unwrap().settings.sealed.clone().unwrap();
    assert_eq!(
        s.open(key2.as_ref().unwrap(), G).unwrap().names.name,
        "Renamed"
    );
    assert!(s.open(kept.as_ref().unwrap(), G).is_err());
    // Plain names beside sealed ones, or plain ones after sealed: refused.
    for edit in [
        (|b: &mut CommitBody, _: &EpochKey| b.settings.name = "Lab".into())
            as fn(&mut CommitBody, &EpochKey),
        |b, _| {
            b.version = 1;
            b.settings.sealed = None;
            b.settings.name = "Lab".into();
            b.settings.emoji = "🧪".into();
        },
    ] {
        let c = keyed_change(&chain, &alice, Action::Settings, &all, edit);
        assert!(chain.head().unwrap().apply(&c).is_err(), "{:?}", c.body);
    }
}

#[test]
fn a_version_1_group_keeps_working_until_a_settings_change_seals_its_names() {
    let (alice, bob) = (User::new(1), User::new(2));
    let all = [&alice, &bob];
    let mut body = genesis(G, alice.member(), vec![bob.member()], settings(false));
    body.version = 1;
    let key = EpochKey::generate().unwrap();
    body.key = Some(key.commitment_bytes().unwrap());
    let mut chain = Chain::verify(vec![body.sign(&alice.keys).unwrap()]).unwrap();
    assert_eq!(chain.head().unwrap().settings.name, "Lab");
    // Other changes stay version 1, in plain text.
    change(&mut chain, &bob, Action::Rekey, &all).unwrap();
    assert!(chain.head().unwrap().settings.sealed.is_none());
    // A plain member cannot seal (and so rename) it with a rekey.
    let sealing = |author: &User, action: Action, chain: &Chain| {
        keyed_change(chain, author, action, &all, |b, k| {
            b.seal_names(&Opened::new(names("Lab")).unwrap(), k)
                .unwrap();
        })
    };
    let err = chain
        .head()
        .unwrap()
        .apply(&sealing(&bob, Action::Rekey, &chain))
        .unwrap_err();
    assert!(err.to_string().contains("only a settings change"), "{err}");
    chain
        .push(sealing(&alice, Action::Settings, &chain))
        .unwrap();
    let head = chain.head().unwrap();
    assert_eq!(
        (head.settings.name.as_str(), head.settings.sealed.is_some()),
        ("", true)
    );
    // From then on every commit is version 2.
    assert_eq!(
        head.propose(bob.id, Action::Rekey).unwrap().version,
        COMMIT_VERSION
    );
}
