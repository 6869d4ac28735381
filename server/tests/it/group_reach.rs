//! Members no new group key can reach (a deleted account, one reset by an admin, one
//! with new keys) stay in the roster but never stop the others from starting a key: a
//! commit may leave them out, the server asks nobody to hand them keys, and nobody can
//! add a deleted account back.

use crate::common;
use crate::groups::{change, commit_skipping, group, head, member, state};
use crate::panel::{act, reset, unlock};
use protocol::crypto::group::Action;
use serde_json::json;

#[tokio::test]
async fn members_no_key_can_reach_are_left_out_of_new_keys() {
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let (alice, bob, carol, dave) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
        s.register("dave", "pw").await,
    );
    let all = [&alice, &bob, &carol, &dave];
    let conv = group(&s, &alice, &[&bob, &carol, &dave], false).await;
    let rekey = async |skip: Vec<protocol::UserId>| {
        change(&s, &alice, conv, Action::Rekey, &all, &skip).await
    };

    // While everyone can open keys, nobody may be left out.
    let (status, text) = rekey(vec![carol.id]).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("wrapped once for each member"), "{text}");

    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    let res = act(&s, &root, json!({ "do": "delete", "user": carol.id })).await;
    assert_eq!(res.status(), 200);
    // A deleted account may be left out, or (a browser that has not heard yet) not.
    assert_eq!(rekey(vec![carol.id]).await.0, 200);
    assert_eq!(rekey(vec![]).await.0, 200);
    // But nobody else may.
    assert_eq!(rekey(vec![carol.id, bob.id]).await.0, 400);

    // An account an admin reset is left out while it waits to be set up again, and after
    // (its keys are new: the roster's are not its own any more).
    let temp_auth = reset(&s, &root, dave.id, "temporary").await;
    assert_eq!(rekey(vec![carol.id, dave.id]).await.0, 200);
    let (res, _) = s
        .finish_setup("dave", &temp_auth, "dave's new one", dave.id)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(rekey(vec![carol.id, dave.id]).await.0, 200);

    // Nobody is asked to hand carol or dave the keys they were left out of; bob is asked
    // for none either (he has them all).
    let st = state(&s, &alice, conv).await.unwrap();
    assert!(st.wanted.is_empty(), "{:?}", st.wanted);

    // A deleted account cannot be brought back into a group.
    let remove = Action::Remove { user: carol.id };
    let (status, text) = change(&s, &alice, conv, remove, &all, &[dave.id]).await;
    assert_eq!(status, 200, "{text}");
    let add = Action::Add {
        member: member(&carol),
    };
    let (status, text) = change(&s, &alice, conv, add, &all, &[dave.id]).await;
    assert_ne!(status, 200, "{text}");
    assert!(text.contains("unknown"), "{text}");
}

/// After a password reset a member of the Everyone room comes back with the new keys the
/// server publishes for them (and only those), in the same role.
#[tokio::test]
async fn a_member_with_new_keys_comes_back_to_the_everyone_room() {
    use crate::groups::settings;
    use protocol::crypto::group::{Member, Role, Settings, genesis};
    use protocol::crypto::identity::IdentityKeys;
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let bob = s.register("bob", "pw").await;
    let room: protocol::ConversationId = s
        .call("everyone_room", Some(&root.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let open = Settings {
        name: "Everyone".into(),
        ..settings(true, true)
    };
    let body = genesis(room, member(&root), vec![], open);
    let (status, text, _) = commit_skipping(&s, &root, None, body, &[&root], &[]).await;
    assert_eq!(status, 200, "{text}");
    let join = async |who: &common::User, signing| {
        let h = head(&s, &root, room).await;
        let member = Member {
            user: who.id,
            signing,
            role: Role::Member,
        };
        let body = h.propose(who.id, Action::Join { member }).unwrap();
        (h, body)
    };
    let (h, body) = join(&bob, bob.session.identity.signing).await;
    let (status, text, _) = commit_skipping(&s, &bob, Some(&h), body, &[&root, &bob], &[]).await;
    assert_eq!(status, 200, "{text}");

    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    let temp_auth = reset(&s, &root, bob.id, "temporary").await;
    let (res, keys) = s
        .finish_setup("bob", &temp_auth, "bob's new one", bob.id)
        .await;
    assert_eq!(res.status(), 200);
    let cookie = common::session_cookie(&res);
    let session: protocol::api::Session = res.json().await.unwrap();
    let new_bob = common::User {
        id: bob.id,
        cookie,
        session,
        keys,
    };

    // Keys the server does not publish for him are refused; his published ones come in.
    let fake = common::User {
        id: bob.id,
        cookie: new_bob.cookie.clone(),
        session: new_bob.session.clone(),
        keys: IdentityKeys::generate().unwrap(),
    };
    let (h, body) = join(&fake, fake.keys.public(bob.id).signing).await;
    let (status, text, _) = commit_skipping(&s, &fake, Some(&h), body, &[&root], &[]).await;
    assert_ne!(status, 200, "{text}");
    let (h, body) = join(&new_bob, new_bob.session.identity.signing).await;
    let (status, text, _) = commit_skipping(&s, &new_bob, Some(&h), body, &[&root], &[]).await;
    assert_eq!(status, 200, "{text}");
    let h = head(&s, &root, room).await;
    let back = h.roster.get(&bob.id).unwrap();
    assert_eq!(back.signing, new_bob.session.identity.signing);
    assert_eq!(back.role, Role::Member);
}
