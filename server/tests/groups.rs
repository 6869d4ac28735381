//! Groups against a real server: every group function and frame refuses outsiders and
//! members without the role; commits that do not verify are refused; keys reach only
//! members of the verified roster; invites and the Everyone room.

mod common;

use common::{TestServer, User};
use protocol::api::group::{GroupState, INVITE_MAX_MS};
use protocol::crypto::group::commit::genesis;
use protocol::crypto::group::invite::InviteToken;
use protocol::crypto::group::keys::{self, wraps_hash};
use protocol::crypto::group::message::{self, Place, Unreadable};
use protocol::crypto::group::{
    Action, Chain, CommitBody, EpochKey, KeyWrap, Member, Role, Settings,
};
use protocol::frames::{ClientFrame, ErrorCode, ServerFrame};
use protocol::{Bytes, ClientMsgId, ConversationId, UserId};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

fn member(u: &User) -> Member {
    Member {
        user: u.id,
        signing: u.session.identity.signing,
        role: Role::Member,
    }
}

fn settings(history: bool, open: bool) -> Settings {
    Settings {
        name: "Lab".into(),
        description: String::new(),
        emoji: "🧪".into(),
        history,
        open,
    }
}

/// Signs `body` by `author` with a new key wrapped for its roster (none for a leave), as
/// a browser does, and sends it. Returns the status, the error text and the key.
async fn commit(
    s: &TestServer,
    author: &User,
    mut body: CommitBody,
    all: &[&User],
) -> (u16, String, EpochKey) {
    let key = EpochKey::generate().unwrap();
    let mut wraps = Vec::new();
    if body.action != Action::Leave {
        for m in &body.members {
            let to = all
                .iter()
                .find(|u| u.id == m.user)
                .map(|u| u.session.identity.agreement)
                .unwrap_or([9; 32]);
            let wrap =
                keys::wrap(&key, body.group, body.epoch, &m.user, &to, &author.keys).unwrap();
            wraps.push((m.user, wrap));
        }
        body.key = Some(key.commitment_bytes().unwrap());
    }
    body.wraps = wraps_hash(&wraps);
    let c = body.sign(&author.keys).unwrap();
    let wraps: Vec<_> = wraps
        .into_iter()
        .map(|(r, w)| json!({ "recipient": r, "wrap": w }))
        .collect();
    let res = s
        .call(
            "group_commit",
            Some(&author.cookie),
            json!({ "request": { "commit": c, "wraps": wraps } }),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default(), key)
}

async fn state(s: &TestServer, u: &User, conv: ConversationId) -> Result<GroupState, u16> {
    let res = s
        .call(
            "group_state",
            Some(&u.cookie),
            json!({ "conversation": conv }),
        )
        .await;
    match res.status().as_u16() {
        200 => Ok(res.json().await.unwrap()),
        other => Err(other),
    }
}

async fn chain(s: &TestServer, u: &User, conv: ConversationId) -> Chain {
    let st = state(s, u, conv).await.expect("state");
    Chain::verify(st.commits.into_iter().map(|c| c.commit).collect()).expect("chain verifies")
}

/// alice (owner), bob and carol in a new group.
async fn group(s: &TestServer, alice: &User, others: &[&User], history: bool) -> ConversationId {
    let conv: ConversationId = s
        .call("new_group", Some(&alice.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let body = genesis(
        conv,
        member(alice),
        others.iter().map(|u| member(u)).collect(),
        settings(history, false),
    );
    let mut all = others.to_vec();
    all.push(alice);
    let (status, text, _) = commit(s, alice, body, &all).await;
    assert_eq!(status, 200, "{text}");
    conv
}

/// A group message sealed as a browser does.
fn seal(chain: &Chain, key: &EpochKey, sender: &User, id: ClientMsgId, text: &[u8]) -> Vec<u8> {
    let head = chain.head().unwrap();
    let hash = head.hash().unwrap();
    let place = Place {
        group: head.body.group,
        epoch: head.body.epoch,
        commit_hash: &hash,
        sender: &sender.id,
        client_id: &id,
    };
    message::seal(key, &place, &sender.keys, text).unwrap()
}

/// Frames within a short wait (the hub delivers at once; none means none was sent).
async fn drain(sock: &mut common::Socket) -> Vec<ServerFrame> {
    let mut out = Vec::new();
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(
        Duration::from_millis(400),
        futures::StreamExt::next(&mut sock.ws),
    )
    .await
    {
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            out.push(ServerFrame::decode(t.as_str()).unwrap());
        }
    }
    out
}

#[tokio::test]
async fn outsiders_and_members_without_the_role_are_refused() {
    let s = common::start().await;
    let (alice, bob, carol, dave) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
        s.register("dave", "pw").await,
    );
    let all = [&alice, &bob, &carol, &dave];
    let conv = group(&s, &alice, &[&bob, &carol], false).await;
    let head = chain(&s, &alice, conv).await.head().unwrap().clone();

    // dave is not in the group: every group function refuses him with 403.
    assert_eq!(state(&s, &dave, conv).await.unwrap_err(), 403);
    let (st, text, _) = commit(
        &s,
        &dave,
        head.propose(dave.id, Action::Rekey, None).unwrap(),
        &all,
    )
    .await;
    assert_eq!(st, 403, "{text}");
    assert!(text.contains("not in that group"), "{text}");
    let wrap = KeyWrap {
        epoch: 0,
        sender: dave.id,
        recipient: bob.id,
        wrap: Bytes(vec![0; keys::WRAP_LEN]),
    };
    let res = s
        .call(
            "give_keys",
            Some(&dave.cookie),
            json!({ "conversation": conv, "wraps": [wrap] }),
        )
        .await;
    assert_eq!(res.status(), 403);
    let token = InviteToken::generate().unwrap();
    let expires = server::db::now_ms() + 3_600_000;
    let inv = token.invite(conv, dave.id, &dave.keys, expires, 5).unwrap();
    assert_eq!(
        s.call(
            "create_invite",
            Some(&dave.cookie),
            json!({ "invite": inv })
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        s.call(
            "delete_group",
            Some(&dave.cookie),
            json!({ "conversation": conv })
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        s.call(
            "history",
            Some(&dave.cookie),
            json!({ "conversation": conv, "before": null })
        )
        .await
        .status(),
        403
    );
    let origin = s.own_origin();
    let mut d = s.socket(Some(&dave.cookie), Some(&origin)).await.unwrap();
    d.send_text(
        ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([1; 16]),
            envelope: Bytes(vec![1; 300]),
        }
        .encode(),
    )
    .await;
    assert!(matches!(
        d.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::NotMember,
            ..
        }
    ));

    // bob is a member but not an admin: no removing, inviting or deleting.
    let mut body = head
        .propose(bob.id, Action::Remove { user: carol.id }, None)
        .unwrap();
    let (st, text, _) = commit(&s, &bob, body.clone(), &all).await;
    assert_eq!(st, 403, "{text}");
    assert!(text.contains("only admins remove members"), "{text}");
    let inv = token.invite(conv, bob.id, &bob.keys, expires, 5).unwrap();
    let res = s
        .call("create_invite", Some(&bob.cookie), json!({ "invite": inv }))
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Only the group's admins")
    );
    let res = s
        .call(
            "delete_group",
            Some(&bob.cookie),
            json!({ "conversation": conv }),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("owner"));

    // The owner promotes bob; now bob may remove carol.
    let mut promote = head
        .propose(alice.id, Action::Promote { user: bob.id }, None)
        .unwrap();
    promote
        .members
        .iter_mut()
        .filter(|m| m.user == bob.id)
        .for_each(|m| m.role = Role::Admin);
    let (st, text, _) = commit(
        &s,
        &alice,
        head.propose(alice.id, Action::Promote { user: bob.id }, None)
            .unwrap(),
        &all,
    )
    .await;
    assert_eq!(st, 200, "{text}");
    let head = chain(&s, &alice, conv).await.head().unwrap().clone();
    body = head
        .propose(bob.id, Action::Remove { user: carol.id }, None)
        .unwrap();
    let (mut a, mut c) = (
        s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap(),
        s.socket(Some(&carol.cookie), Some(&origin)).await.unwrap(),
    );
    let (st, text, key) = commit(&s, &bob, body, &all).await;
    assert_eq!(st, 200, "{text}");
    assert!(
        drain(&mut c)
            .await
            .contains(&ServerFrame::GroupChanged { conversation: conv })
    );
    drain(&mut a).await;

    // carol is out: refused everywhere, and a message sent now never reaches her socket.
    assert_eq!(state(&s, &carol, conv).await.unwrap_err(), 403);
    let chain2 = chain(&s, &alice, conv).await;
    assert_eq!(chain2.head().unwrap().body.epoch, 2);
    let sent = seal(
        &chain2,
        &key,
        &alice,
        ClientMsgId([2; 16]),
        b"after carol left",
    );
    a.send_text(
        ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([2; 16]),
            envelope: Bytes(sent),
        }
        .encode(),
    )
    .await;
    assert!(
        drain(&mut a)
            .await
            .iter()
            .any(|f| matches!(f, ServerFrame::Ack { .. }))
    );
    assert!(drain(&mut c).await.is_empty(), "carol is sent nothing");
    c.send_text(
        ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([3; 16]),
            envelope: Bytes(vec![1; 300]),
        }
        .encode(),
    )
    .await;
    assert!(matches!(
        c.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::NotMember,
            ..
        }
    ));

    // A message sealed under the old epoch (the key carol holds) is refused as stale.
    let old = seal(
        &chain(&s, &bob, conv).await,
        &key,
        &bob,
        ClientMsgId([4; 16]),
        b"x",
    );
    let mut stale = old.clone();
    stale[1..9].copy_from_slice(&1u64.to_be_bytes());
    let mut b = s.socket(Some(&bob.cookie), Some(&origin)).await.unwrap();
    b.send_text(
        ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([4; 16]),
            envelope: Bytes(stale),
        }
        .encode(),
    )
    .await;
    assert!(matches!(
        b.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::StaleEpoch,
            ..
        }
    ));
}

#[tokio::test]
async fn commits_that_do_not_verify_are_refused() {
    let s = common::start().await;
    let (alice, bob, carol) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
    );
    let all = [&alice, &bob, &carol];
    let conv = group(&s, &alice, &[&bob], false).await;
    let head = chain(&s, &alice, conv).await.head().unwrap().clone();
    let add = head
        .propose(
            alice.id,
            Action::Add { user: carol.id },
            Some(member(&carol)),
        )
        .unwrap();

    // Signed by someone other than its author.
    let mut forged = add.clone().sign(&bob.keys).unwrap();
    forged.body.author = alice.id;
    let res = s
        .call(
            "group_commit",
            Some(&alice.cookie),
            json!({ "request": { "commit": forged, "wraps": [] } }),
        )
        .await;
    assert_eq!(res.status(), 403);
    // Not following the head.
    let mut off = add.clone();
    off.prev = [7; 32];
    assert_eq!(commit(&s, &alice, off, &all).await.0, 403);
    // Naming carol with keys that are not hers.
    let mut wrong = add.clone();
    wrong
        .members
        .iter_mut()
        .filter(|m| m.user == carol.id)
        .for_each(|m| m.signing = bob.session.identity.signing);
    let (st, text, _) = commit(&s, &alice, wrong, &all).await;
    assert_eq!(st, 403, "{text}");
    // Wraps that do not cover the roster.
    let mut body = add.clone();
    let key = EpochKey::generate().unwrap();
    body.key = Some(key.commitment_bytes().unwrap());
    body.wraps = wraps_hash(&[]);
    let c = body.sign(&alice.keys).unwrap();
    let res = s
        .call(
            "group_commit",
            Some(&alice.cookie),
            json!({ "request": { "commit": c, "wraps": [] } }),
        )
        .await;
    assert_eq!(res.status(), 400);
    // The real one passes; the same epoch twice is a conflict.
    assert_eq!(commit(&s, &alice, add.clone(), &all).await.0, 200);
    assert_eq!(
        commit(&s, &alice, add, &all).await.0,
        409,
        "someone else's change came first"
    );
}

#[tokio::test]
async fn keys_reach_only_the_verified_roster() {
    let s = common::start().await;
    let (alice, bob, mallory) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("mallory", "pw").await,
    );
    let conv = group(&s, &alice, &[&bob], true).await;
    // The server (or whoever holds its database) adds mallory without a commit.
    let db = server::db::connect(&format!(
        "sqlite://{}",
        s.dir.path().join("hearth.db").display()
    ))
    .await
    .unwrap();
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(&format!(
        "INSERT INTO members (conversation_id, user_id, last_read, role) VALUES ({}, '{}', 0, 'member')",
        conv.0, mallory.id
    ))
    .await
    .unwrap();
    // Mallory can now fetch the chain, but it does not name her: she is owed nothing, and
    // bob's browser (the hand-over logic) wraps nothing for her.
    let st = state(&s, &mallory, conv)
        .await
        .expect("the server lets her in");
    assert!(st.keys.is_empty());
    let ch = Chain::verify(st.commits.into_iter().map(|c| c.commit).collect()).unwrap();
    assert!(ch.entitled(&mallory.id).is_empty());
    let bst = state(&s, &bob, conv).await.unwrap();
    let wrapped: BTreeSet<(u64, UserId)> =
        bst.wrapped.iter().map(|w| (w.epoch, w.recipient)).collect();
    assert!(ch.missing(&[0].into(), &wrapped).is_empty());
    // Bob opens his own wrap; the key matches the signed commitment.
    let w = &bst.keys[0];
    keys::unwrap_checked(
        w,
        &ch.head().unwrap().body,
        &bob.keys,
        &alice.session.identity.agreement,
    )
    .unwrap();

    // A message whose signature does not verify is rejected by readers.
    let key = keys::unwrap_checked(
        w,
        &ch.head().unwrap().body,
        &bob.keys,
        &alice.session.identity.agreement,
    )
    .unwrap();
    let id = ClientMsgId([5; 16]);
    let mut env = seal(&ch, &key, &alice, id, b"signed by alice");
    let n = env.len();
    env[n - 1] ^= 1;
    let got = message::open(&ch, |_| Some(key.clone()), conv, &alice.id, &id, &env);
    assert_eq!(got.unwrap_err(), Unreadable::NotVerified);
}

#[tokio::test]
async fn invites_and_the_everyone_room() {
    let s = common::start().await;
    let (alice, bob, dave, eve) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("dave", "pw").await,
        s.register("eve", "pw").await,
    );
    let all = [&alice, &bob, &dave, &eve];
    let conv = group(&s, &alice, &[&bob], false).await;
    let token = InviteToken::generate().unwrap();
    let now = server::db::now_ms();
    let too_long = token
        .invite(conv, alice.id, &alice.keys, now + INVITE_MAX_MS + 60_000, 1)
        .unwrap();
    assert_eq!(
        s.call(
            "create_invite",
            Some(&alice.cookie),
            json!({ "invite": too_long })
        )
        .await
        .status(),
        400
    );
    let inv = token
        .invite(conv, alice.id, &alice.keys, now + 3_600_000, 1)
        .unwrap();
    assert_eq!(
        s.call(
            "create_invite",
            Some(&alice.cookie),
            json!({ "invite": inv })
        )
        .await
        .status(),
        200
    );

    let join = |u: &'static str| u; // names for the messages below
    for (joiner, expect) in [(&dave, 200u16), (&eve, 404)] {
        let res = s
            .call(
                "invite_preview",
                Some(&joiner.cookie),
                json!({ "id": token.id() }),
            )
            .await;
        if expect == 404 {
            assert_eq!(
                res.status(),
                404,
                "{}: the single use is spent",
                join("eve")
            );
            continue;
        }
        let preview: protocol::api::group::InvitePreview = res.json().await.unwrap();
        let ch = Chain::verify(preview.commits.into_iter().map(|c| c.commit).collect()).unwrap();
        let mut body = ch
            .head()
            .unwrap()
            .propose(joiner.id, Action::Join, Some(member(joiner)))
            .unwrap();
        body.invite = Some(
            token
                .prove(preview.invite, &joiner.id, &joiner.session.identity.signing)
                .unwrap(),
        );
        let (st, text, _) = commit(&s, joiner, body, &all).await;
        assert_eq!(st, expect, "{text}");
    }
    assert!(
        chain(&s, &dave, conv)
            .await
            .head()
            .unwrap()
            .body
            .member(&dave.id)
            .is_some()
    );

    // The Everyone room: one room, open to every account without an invite.
    let room: ConversationId = s
        .call("everyone_room", Some(&alice.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let again: ConversationId = s
        .call("everyone_room", Some(&bob.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(room, again);
    let closed = genesis(room, member(&alice), vec![], settings(true, false));
    assert_eq!(
        commit(&s, &alice, closed, &all).await.0,
        403,
        "the Everyone room must be open"
    );
    let open = genesis(
        room,
        member(&alice),
        vec![],
        Settings {
            name: "Everyone".into(),
            ..settings(true, true)
        },
    );
    assert_eq!(commit(&s, &alice, open, &all).await.0, 200);
    let head = state(&s, &bob, room)
        .await
        .expect("any account may read the room's chain");
    let ch = Chain::verify(head.commits.into_iter().map(|c| c.commit).collect()).unwrap();
    let body = ch
        .head()
        .unwrap()
        .propose(bob.id, Action::Join, Some(member(&bob)))
        .unwrap();
    let (st, text, _) = commit(&s, &bob, body, &all).await;
    assert_eq!(st, 200, "{text}");
    // Other groups are not open.
    let conv2 = group(&s, &alice, &[], false).await;
    let ch2 = chain(&s, &alice, conv2).await;
    let body = ch2
        .head()
        .unwrap()
        .propose(eve.id, Action::Join, Some(member(&eve)))
        .unwrap();
    assert_eq!(commit(&s, &eve, body, &all).await.0, 403);
}
