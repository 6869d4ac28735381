//! Groups against a real server: every group function and frame refuses outsiders and
//! members without the role; commits that do not verify are refused; keys reach only
//! members of the verified roster; invites and the Everyone room.

use crate::common;

use common::{TestServer, User};
use protocol::api::group::{GroupState, INVITE_MAX_MS};
use protocol::browser;
use protocol::crypto::group::invite::InviteToken;
use protocol::crypto::group::keys::{self, wraps_hash};
use protocol::crypto::group::message::{self, Place, Unreadable};
use protocol::crypto::group::{
    Action, COMMIT_VERSION, Chain, CommitBody, EpochKey, Head, KeyWrap, Member, Opened, Role,
    Settings, genesis,
};
use protocol::frames::{ClientFrame, ErrorCode, ServerFrame};
use protocol::{Bytes, ClientMsgId, ConversationId, UserId};
use serde_json::json;
use std::time::Duration;

pub(crate) fn member(u: &User) -> Member {
    Member {
        user: u.id,
        signing: u.session.identity.signing,
        role: Role::Member,
    }
}

pub(crate) fn settings(history: bool, open: bool) -> Settings {
    Settings {
        name: "Lab".into(),
        description: String::new(),
        emoji: "🧪".into(),
        history,
        open,
        sealed: None,
    }
}

/// Signs `body` by `author` as a browser does: a new key wrapped for the roster it leads
/// to when the change starts one. Returns the status, the error text and the key.
async fn commit(
    s: &TestServer,
    author: &User,
    head: Option<&Head>,
    body: CommitBody,
    all: &[&User],
) -> (u16, String, Option<EpochKey>) {
    commit_skipping(s, author, head, body, all, &[]).await
}

/// `author` makes `action` on the group's current head as a browser would, with no wrap
/// for the members in `skip`: the status and the error text.
pub(crate) async fn change(
    s: &TestServer,
    author: &User,
    conv: ConversationId,
    action: Action,
    all: &[&User],
    skip: &[UserId],
) -> (u16, String) {
    let h = head(s, author, conv).await;
    let body = h.propose(author.id, action).unwrap();
    let (status, text, _) = commit_skipping(s, author, Some(&h), body, all, skip).await;
    (status, text)
}

/// `commit`, with no wrap for the members in `skip`.
pub(crate) async fn commit_skipping(
    s: &TestServer,
    author: &User,
    head: Option<&Head>,
    body: CommitBody,
    all: &[&User],
    skip: &[UserId],
) -> (u16, String, Option<EpochKey>) {
    // The tests name their groups in plain text: sealed as a browser seals them.
    let names = (body.version == COMMIT_VERSION && body.settings.sealed.is_none())
        .then(|| Opened::new(body.settings.names()).unwrap());
    // Built as a browser builds it; someone the test has no keys for gets a wrap to a
    // made-up key (the server cannot tell).
    let built = browser::group::commit(head, body, &author.keys, names.as_ref(), |m| {
        (!skip.contains(&m.user)).then(|| {
            all.iter()
                .find(|u| u.id == m.user)
                .map_or([9; 32], |u| u.session.identity.agreement)
        })
    })
    .unwrap();
    let key = built.key;
    let res = s
        .call(
            "group_commit",
            Some(&author.cookie),
            json!({ "request": built.request }),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default(), key)
}

/// Names sealed for an invite's code, as the admin's browser adds them (the server only
/// checks their size: it cannot open them).
fn names_for(token: &InviteToken, inv: &protocol::crypto::group::invite::Invite) -> Bytes {
    let names = Opened::new(settings(false, false).names()).unwrap();
    names
        .seal_for_invite(&token.settings_key().unwrap(), inv.group, &inv.id)
        .unwrap()
}

/// A body the rules would not propose (to see the server refuse it): `author` making
/// `action` on `head`, with the roster hash of an unchanged group.
fn forge(head: &Head, author: &User, action: Action) -> CommitBody {
    let owner = head
        .roster
        .members()
        .find(|m| m.role == Role::Owner)
        .unwrap()
        .user;
    let mut b = head.propose(owner, Action::Rekey).unwrap();
    b.author = author.id;
    b.action = action;
    b
}

pub(crate) async fn state(
    s: &TestServer,
    u: &User,
    conv: ConversationId,
) -> Result<GroupState, u16> {
    let res = s
        .call(
            "group_state",
            Some(&u.cookie),
            json!({ "conversation": conv, "after": null }),
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

pub(crate) async fn head(s: &TestServer, u: &User, conv: ConversationId) -> Head {
    chain(s, u, conv).await.head().unwrap().clone()
}

/// A group id reserved by `u` for the group they are about to create.
pub(crate) async fn reserve(s: &TestServer, u: &User) -> ConversationId {
    s.call("new_group", Some(&u.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap()
}

/// A new group owned by `alice` with `others` in it.
pub(crate) async fn group(
    s: &TestServer,
    alice: &User,
    others: &[&User],
    history: bool,
) -> ConversationId {
    let conv = reserve(s, alice).await;
    let body = genesis(
        conv,
        member(alice),
        others.iter().map(|u| member(u)).collect(),
        settings(history, false),
    );
    let mut all = others.to_vec();
    all.push(alice);
    let (status, text, _) = commit(s, alice, None, body, &all).await;
    assert_eq!(status, 200, "{text}");
    conv
}

/// A group message sealed as a browser does, under the current key.
fn seal(chain: &Chain, key: &EpochKey, sender: &User, id: ClientMsgId, text: &[u8]) -> Vec<u8> {
    let epoch = chain.current_key_epoch().unwrap();
    let hash = chain.hash_at(epoch).unwrap();
    let group = chain.head().unwrap().group;
    let place = Place {
        group,
        epoch,
        sender_epoch: chain.head().unwrap().epoch,
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

fn send_frame(conv: ConversationId, id: u8, envelope: Vec<u8>) -> String {
    ClientFrame::Send {
        conversation: conv,
        client_id: ClientMsgId([id; 16]),
        envelope: Bytes(envelope),
        files: vec![],
        event: false,
    }
    .encode()
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
    let h = head(&s, &alice, conv).await;

    // dave is not in the group: every group function refuses him with 403.
    assert_eq!(state(&s, &dave, conv).await.unwrap_err(), 403);
    let (st, text, _) = commit(&s, &dave, Some(&h), forge(&h, &dave, Action::Rekey), &all).await;
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
    d.send_text(send_frame(conv, 1, vec![1; 300])).await;
    assert!(matches!(
        d.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::NotMember,
            ..
        }
    ));

    // bob is a member but not an admin: no removing, inviting or deleting.
    let (st, text, _) = commit(
        &s,
        &bob,
        Some(&h),
        forge(&h, &bob, Action::Remove { user: carol.id }),
        &all,
    )
    .await;
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
    let body = h
        .propose(alice.id, Action::Promote { user: bob.id })
        .unwrap();
    let (st, text, _) = commit(&s, &alice, Some(&h), body, &all).await;
    assert_eq!(st, 200, "{text}");
    let h = head(&s, &alice, conv).await;
    let (mut a, mut c) = (
        s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap(),
        s.socket(Some(&carol.cookie), Some(&origin)).await.unwrap(),
    );
    let body = h
        .propose(bob.id, Action::Remove { user: carol.id })
        .unwrap();
    let (st, text, key) = commit(&s, &bob, Some(&h), body, &all).await;
    assert_eq!(st, 200, "{text}");
    let key = key.unwrap();
    assert!(
        drain(&mut c)
            .await
            .contains(&ServerFrame::GroupChanged { conversation: conv })
    );
    drain(&mut a).await;

    // carol is out: refused everywhere, and a message sent now never reaches her socket.
    assert_eq!(state(&s, &carol, conv).await.unwrap_err(), 403);
    let ch = chain(&s, &alice, conv).await;
    assert_eq!(ch.current_key_epoch(), Some(2));
    a.send_text(send_frame(
        conv,
        2,
        seal(&ch, &key, &alice, ClientMsgId([2; 16]), b"after carol left"),
    ))
    .await;
    assert!(
        drain(&mut a)
            .await
            .iter()
            .any(|f| matches!(f, ServerFrame::Ack { .. }))
    );
    assert!(drain(&mut c).await.is_empty(), "carol is sent nothing");
    c.send_text(send_frame(conv, 3, vec![1; 300])).await;
    assert!(matches!(
        c.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::NotMember,
            ..
        }
    ));

    // A message sealed under an older epoch (a key carol holds) is refused as stale.
    let mut stale = seal(&ch, &key, &bob, ClientMsgId([4; 16]), b"x");
    stale[1..9].copy_from_slice(&1u64.to_be_bytes());
    let mut b = s.socket(Some(&bob.cookie), Some(&origin)).await.unwrap();
    b.send_text(send_frame(conv, 4, stale)).await;
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
    let h = head(&s, &alice, conv).await;
    let add = h
        .propose(
            alice.id,
            Action::Add {
                member: member(&carol),
            },
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
    assert_eq!(commit(&s, &alice, Some(&h), off, &all).await.0, 403);
    // Naming carol with keys that are not hers.
    let mut wrong_member = member(&carol);
    wrong_member.signing = bob.session.identity.signing;
    let wrong = h
        .propose(
            alice.id,
            Action::Add {
                member: wrong_member,
            },
        )
        .unwrap();
    let (st, text, _) = commit(&s, &alice, Some(&h), wrong, &all).await;
    assert_eq!(st, 403, "{text}");
    // Wraps that do not cover the roster.
    let mut body = add.clone();
    body.key = Some(EpochKey::generate().unwrap().commitment_bytes().unwrap());
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
    // The real one passes; the same epoch again is a conflict (the browser retries).
    assert_eq!(commit(&s, &alice, Some(&h), add.clone(), &all).await.0, 200);
    assert_eq!(commit(&s, &alice, Some(&h), add, &all).await.0, 409);
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
    // The server's own connection: SQLite or PostgreSQL alike.
    let db = s.state.db.clone();
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(&format!(
        "INSERT INTO members (conversation_id, user_id, last_read, role, since, history) VALUES ({}, '{}', 0, 'member', 0, true)",
        conv.0, mallory.id
    ))
    .await
    .unwrap();
    // Mallory can now fetch the chain, but it does not name her: she is owed nothing, and
    // although the server asks for a key for her, bob's browser (the hand-over check)
    // refuses to wrap one.
    let st = state(&s, &mallory, conv)
        .await
        .expect("the server lets her in");
    assert!(st.keys.is_empty());
    let ch = Chain::verify(st.commits.into_iter().map(|c| c.commit).collect()).unwrap();
    assert!(ch.entitled(&mallory.id).is_empty());
    let bst = state(&s, &bob, conv).await.unwrap();
    assert!(
        bst.wanted.iter().any(|w| w.recipient == mallory.id),
        "the server asks"
    );
    assert!(
        bst.wanted.iter().all(|w| !ch.owed(&w.recipient, w.epoch)),
        "no browser gives"
    );

    // Bob opens his own wrap; the key matches the signed commitment.
    let w = &bst.keys[0];
    let key = keys::unwrap_checked(
        w,
        &ch.at(0).unwrap().body,
        &bob.keys,
        &alice.session.identity.agreement,
    )
    .unwrap();
    // A message whose signature does not verify is rejected by readers.
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
    // The group's names are sealed: an invite without them sealed for its code would
    // show the joiner nothing (an old page), so it is refused.
    let res = s
        .call(
            "create_invite",
            Some(&alice.cookie),
            json!({ "invite": inv }),
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("update Hearth"));
    let names = names_for(&token, &inv);
    assert_eq!(
        s.call(
            "create_invite",
            Some(&alice.cookie),
            json!({ "invite": inv, "settings": names })
        )
        .await
        .status(),
        200
    );

    // dave joins with the single use; eve finds it used up.
    let res = s
        .call(
            "invite_preview",
            Some(&dave.cookie),
            json!({ "id": token.id() }),
        )
        .await;
    let preview: protocol::api::group::InvitePreview = res.json().await.unwrap();
    let sealed = preview
        .settings
        .as_ref()
        .expect("the names for the code's holder");
    let read = Opened::open_for_invite(
        sealed.as_slice(),
        &token.settings_key().unwrap(),
        conv,
        &token.id(),
    )
    .unwrap();
    assert_eq!(read.names.name, "Lab");
    let ch = Chain::verify(preview.commits.into_iter().map(|c| c.commit).collect()).unwrap();
    let h = ch.head().unwrap();
    let mut body = h
        .propose(
            dave.id,
            Action::Join {
                member: member(&dave),
            },
        )
        .unwrap();
    body.invite = Some(
        token
            .prove(preview.invite, &dave.id, &dave.session.identity.signing)
            .unwrap(),
    );
    let (st, text, _) = commit(&s, &dave, Some(h), body, &all).await;
    assert_eq!(st, 200, "{text}");
    assert!(head(&s, &dave, conv).await.roster.get(&dave.id).is_some());
    let res = s
        .call(
            "invite_preview",
            Some(&eve.cookie),
            json!({ "id": token.id() }),
        )
        .await;
    assert_eq!(res.status(), 404, "the single use is spent");

    // Admins list and withdraw invites; members can do neither.
    let token2 = InviteToken::generate().unwrap();
    let inv2 = token2
        .invite(conv, alice.id, &alice.keys, now + 3_600_000, 5)
        .unwrap();
    assert_eq!(
        s.call(
            "create_invite",
            Some(&alice.cookie),
            json!({ "invite": inv2, "settings": names_for(&token2, &inv2) })
        )
        .await
        .status(),
        200
    );
    let res = s
        .call(
            "list_invites",
            Some(&bob.cookie),
            json!({ "conversation": conv }),
        )
        .await;
    assert_eq!(res.status(), 403);
    let list: Vec<protocol::api::group::InviteInfo> = s
        .call(
            "list_invites",
            Some(&alice.cookie),
            json!({ "conversation": conv }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        vec![token2.id()],
        "the spent one is not listed"
    );
    let res = s
        .call(
            "revoke_invite",
            Some(&bob.cookie),
            json!({ "id": token2.id() }),
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = s
        .call(
            "revoke_invite",
            Some(&alice.cookie),
            json!({ "id": token2.id() }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = s
        .call(
            "invite_preview",
            Some(&eve.cookie),
            json!({ "id": token2.id() }),
        )
        .await;
    assert_eq!(res.status(), 404, "withdrawn");

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
        commit(&s, &alice, None, closed, &all).await.0,
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
    assert_eq!(commit(&s, &alice, None, open, &all).await.0, 200);
    let h = head(&s, &bob, room).await;
    let body = h
        .propose(
            bob.id,
            Action::Join {
                member: member(&bob),
            },
        )
        .unwrap();
    let (st, text, _) = commit(&s, &bob, Some(&h), body, &all).await;
    assert_eq!(st, 200, "{text}");
    // Joining a room that shares its history keeps the key: bob is owed it, and alice's
    // browser is asked to hand it over.
    let ast = state(&s, &alice, room).await.unwrap();
    assert!(
        ast.wanted
            .iter()
            .any(|w| w.recipient == bob.id && w.epoch == 0)
    );
    // Other groups are not open.
    let conv2 = group(&s, &alice, &[], false).await;
    let h2 = head(&s, &alice, conv2).await;
    let body = h2
        .propose(
            eve.id,
            Action::Join {
                member: member(&eve),
            },
        )
        .unwrap();
    assert_eq!(commit(&s, &eve, Some(&h2), body, &all).await.0, 403);
}

#[tokio::test]
async fn a_bad_wrap_is_thrown_away_and_the_key_asked_for_again() {
    let s = common::start().await;
    let (alice, bob, carol, eve) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
        s.register("eve", "pw").await,
    );
    let all = [&alice, &bob, &carol];
    let conv = group(&s, &alice, &[&bob], true).await;
    let h = head(&s, &alice, conv).await;
    let body = h
        .propose(
            alice.id,
            Action::Add {
                member: member(&carol),
            },
        )
        .unwrap();
    assert_eq!(commit(&s, &alice, Some(&h), body, &all).await.0, 200);
    let wanted = |st: GroupState| {
        st.wanted
            .iter()
            .any(|w| w.recipient == carol.id && w.epoch == 0)
    };
    assert!(
        wanted(state(&s, &alice, conv).await.unwrap()),
        "carol is owed the kept key"
    );

    // bob fills carol's slot with garbage: nobody is asked any more...
    let junk = KeyWrap {
        epoch: 0,
        sender: bob.id,
        recipient: carol.id,
        wrap: Bytes(vec![7; keys::WRAP_LEN]),
    };
    let res = s
        .call(
            "give_keys",
            Some(&bob.cookie),
            json!({ "conversation": conv, "wraps": [junk] }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(!wanted(state(&s, &alice, conv).await.unwrap()));
    // While it counts as handed over, another member's wrap is not kept beside it (when a
    // key is owed every member online wraps it at once).
    let good = KeyWrap {
        epoch: 0,
        sender: alice.id,
        recipient: carol.id,
        wrap: Bytes(vec![9; keys::WRAP_LEN]),
    };
    let give = |by: &common::User, w: &KeyWrap| {
        let body = json!({ "conversation": conv, "wraps": [w] });
        let (s, cookie) = (&s, by.cookie.clone());
        async move { s.call("give_keys", Some(&cookie), body).await.status() }
    };
    assert_eq!(give(&alice, &good).await, 200);
    assert_eq!(state(&s, &carol, conv).await.unwrap().keys.len(), 1);
    // ...until carol's browser, which cannot open it, throws it away.
    let drop = json!({ "conversation": conv, "epoch": 0, "sender": bob.id });
    assert_eq!(
        s.call("drop_key", Some(&eve.cookie), drop.clone())
            .await
            .status(),
        403
    );
    assert_eq!(
        s.call("drop_key", Some(&carol.cookie), drop).await.status(),
        200
    );
    assert!(
        wanted(state(&s, &alice, conv).await.unwrap()),
        "asked for again"
    );

    // Issue 18, item 6: bob hands the garbage again at once; it is not taken, so carol
    // is still owed the key (before, his refill took the slot every time)...
    let res = s
        .call(
            "give_keys",
            Some(&bob.cookie),
            json!({ "conversation": conv, "wraps": [junk] }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        wanted(state(&s, &alice, conv).await.unwrap()),
        "a refused author cannot fill the slot again"
    );
    // ...and alice's wrap is taken beside his refused one. Carol is told who refused.
    assert_eq!(give(&alice, &good).await, 200);
    assert!(!wanted(state(&s, &alice, conv).await.unwrap()));
    let mine = state(&s, &carol, conv).await.unwrap();
    assert_eq!(
        mine.keys.iter().map(|k| k.sender).collect::<Vec<_>>(),
        [alice.id]
    );
    assert_eq!(
        mine.refused,
        [protocol::api::group::RefusedWrap {
            epoch: 0,
            sender: bob.id
        }]
    );
}

/// New identity keys make the wraps made for the old ones (and by them: a wrap proves its
/// author by the key they publish now) useless: they go, so nobody takes them for
/// garbage, and the keys count as owed again.
#[tokio::test]
async fn new_identity_keys_take_the_old_wraps_with_them() {
    use protocol::crypto::identity::IdentityKeys;
    use protocol::crypto::wrap::wrap_keys;
    let s = common::start().await;
    let (alice, bob) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
    );
    let conv = group(&s, &alice, &[&bob], true).await;
    assert_eq!(state(&s, &bob, conv).await.unwrap().keys.len(), 1);
    let params = s.prelogin("bob").await;
    let (auth, wrap) = common::secrets(&params, "pw");
    let keys = IdentityKeys::generate().unwrap();
    let body = json!({
        "auth_secret": auth, "identity": keys.public(bob.id),
        "wrapped_keys": Bytes(wrap_keys(&keys, &wrap, &bob.id, &params.kdf).unwrap()),
    });
    let res = s.call("rotate_identity", Some(&bob.cookie), body).await;
    assert_eq!(res.status(), 200);
    let st = state(&s, &bob, conv).await.unwrap();
    assert!(st.keys.is_empty() && st.refused.is_empty(), "{st:?}");
}
