//! The admin panel's functions against a real server: refused to non-admins (403) and to
//! an admin who has not confirmed the password lately; each action does what it says,
//! takes effect at once and lands in the audit log.

use crate::common;

use common::{TestServer, User};
use protocol::api::admin::{AdminReply, AuditEntry, Overview, UserSummary};
use protocol::crypto::kdf::{KdfParams, Salt, derive_master};
use serde_json::{Value, json};

pub(crate) async fn unlock(s: &TestServer, who: &User, name: &str, password: &str) -> u16 {
    let auth = s.auth_secret(name, password).await;
    s.call(
        "admin_unlock",
        Some(&who.cookie),
        json!({ "auth_secret": auth }),
    )
    .await
    .status()
    .as_u16()
}

pub(crate) async fn act(s: &TestServer, who: &User, action: Value) -> reqwest::Response {
    s.call("admin_act", Some(&who.cookie), json!({ "action": action }))
        .await
}

async fn overview(s: &TestServer, who: &User) -> Overview {
    let res = s
        .call("admin_overview", Some(&who.cookie), json!({ "since": 0 }))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("overview")
}

fn summary<'a>(o: &'a Overview, name: &str) -> &'a UserSummary {
    o.users
        .iter()
        .find(|u| u.username == name)
        .unwrap_or_else(|| panic!("{name} listed"))
}

/// `admin` resets `user`'s password to `password` (the panel unlocked); the temporary
/// password's auth secret.
pub(crate) async fn reset(
    s: &TestServer,
    admin: &User,
    user: protocol::UserId,
    password: &str,
) -> protocol::crypto::kdf::AuthSecret {
    let (temp, auth) = temporary(password);
    let res = act(
        s,
        admin,
        json!({ "do": "reset_password", "user": user, "password": temp }),
    )
    .await;
    assert_eq!(res.status(), 200);
    auth
}

/// A temporary password as the admin's browser sends it, and its auth secret.
pub(crate) fn temporary(password: &str) -> (Value, protocol::crypto::kdf::AuthSecret) {
    let (salt, kdf) = (Salt([9; 16]), KdfParams::FLOOR);
    let (auth, _) = derive_master(password, &salt, kdf)
        .unwrap()
        .split()
        .unwrap();
    (
        json!({ "salt": salt, "kdf": kdf, "auth_secret": auth }),
        auth,
    )
}

#[tokio::test]
async fn every_admin_function_refuses_others_and_the_panel_wants_the_password_again() {
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let bob = s.register("bob", "pw two").await;
    let (temp, _) = temporary("temporary 1");
    let u = bob.id;
    let calls = [
        ("admin_users", json!({})),
        ("admin_logout_user", json!({ "username": "root" })),
        ("admin_shutdown", json!({})),
        (
            "admin_add_user",
            json!({ "account": { "username": "zed", "display_name": "zed", "salt": Salt([1; 16]), "kdf": KdfParams::FLOOR, "auth_secret": s.auth_secret("bob", "pw two").await } }),
        ),
        (
            "admin_unlock",
            json!({ "auth_secret": s.auth_secret("bob", "pw two").await }),
        ),
        ("admin_overview", json!({ "since": 0 })),
        ("admin_audit", json!({ "before": null })),
    ];
    let actions = [
        json!({ "do": "disable", "user": root.id }),
        json!({ "do": "enable", "user": u }),
        json!({ "do": "delete", "user": root.id }),
        json!({ "do": "reset_password", "user": root.id, "password": temp }),
        json!({ "do": "reset_two_step", "user": root.id }),
        json!({ "do": "promote", "user": u }),
        json!({ "do": "demote", "user": root.id }),
        json!({ "do": "end_sessions", "user": root.id }),
        json!({ "do": "set_registration", "mode": "closed" }),
        json!({ "do": "create_invite", "hours": 1, "uses": 1 }),
        json!({ "do": "revoke_invite", "id": "00" }),
        json!({ "do": "set_limits", "limits": { "max_upload": 1, "quota": 1 } }),
    ];
    let all = calls.iter().cloned().chain(
        actions
            .iter()
            .map(|a| ("admin_act", json!({ "action": a }))),
    );
    for (name, body) in all {
        let res = s.call(name, Some(&bob.cookie), body.clone()).await;
        assert_eq!(res.status(), 403, "{name} {body} for a non-admin");
        assert_eq!(
            s.call(name, None, body.clone()).await.status(),
            401,
            "{name}"
        );
    }
    // The admin, before confirming the password: the panel stays shut.
    for (name, body) in [
        ("admin_overview", json!({ "since": 0 })),
        ("admin_audit", json!({ "before": null })),
        ("admin_act", json!({ "action": actions[0] })),
    ] {
        let res = s.call(name, Some(&root.cookie), body).await;
        assert_eq!(res.status(), 403, "{name} before the password");
    }
    assert_eq!(
        unlock(&s, &root, "bob", "pw two").await,
        401,
        "bob's password is not root's"
    );
    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    let o = overview(&s, &root).await;
    // Nothing the refused calls asked for happened.
    assert_eq!(o.registration, protocol::api::admin::RegistrationMode::Open);
    assert!(summary(&o, "root").is_admin && !summary(&o, "bob").is_admin);
    assert!(!summary(&o, "root").disabled);
    assert_eq!(o.accounts, 2);
    assert_eq!(o.version, env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn disabling_resetting_promoting_and_deleting_accounts() {
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let bob = s.register("bob", "pw two").await;
    let carol = s.register("carol", "pw three").await;
    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    let origin = s.own_origin();
    let mut bobs_tab = s.socket(Some(&bob.cookie), Some(&origin)).await.unwrap();

    // Disable: bob's session and socket end, and he cannot log back in.
    let res = act(&s, &root, json!({ "do": "disable", "user": bob.id })).await;
    assert_eq!(
        res.json::<AdminReply>().await.unwrap(),
        AdminReply::Ended { sessions: 1 }
    );
    assert_eq!(
        s.call("me", Some(&bob.cookie), json!({})).await.status(),
        401
    );
    while let Some(m) = bobs_tab.next_raw().await {
        if m.is_close() {
            break;
        }
    }
    let bob_auth = s.auth_secret("bob", "pw two").await;
    assert_eq!(s.login("bob", &bob_auth).await.status(), 403);
    assert!(summary(&overview(&s, &root).await, "bob").disabled);
    act(&s, &root, json!({ "do": "enable", "user": bob.id })).await;
    assert_eq!(s.login("bob", &bob_auth).await.status(), 200);

    // An admin cannot lock themselves out, nor leave the server without an admin.
    let res = act(&s, &root, json!({ "do": "disable", "user": root.id })).await;
    assert_eq!(res.status(), 409);
    let res = act(&s, &root, json!({ "do": "demote", "user": root.id })).await;
    assert_eq!(res.status(), 409);
    let res = act(&s, &root, json!({ "do": "promote", "user": carol.id })).await;
    assert_eq!(res.status(), 200);
    let carol_me: protocol::api::Profile = s
        .call("me", Some(&carol.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(carol_me.is_admin, "at once, in her open session");
    let res = act(&s, &root, json!({ "do": "demote", "user": carol.id })).await;
    assert_eq!(res.status(), 200);

    // Reset bob's password: his sessions end; the temporary password asks for his own,
    // and his new keys are for the same account. His pinned keys, sealed under a key
    // from the old identity, go too (his new keys could not open them).
    let bob_cookie = common::session_cookie(&s.login("bob", &bob_auth).await);
    let pins = protocol::Bytes(vec![1, 2, 3]);
    let saved = s
        .call("save_pins", Some(&bob_cookie), json!({ "blob": pins }))
        .await;
    assert_eq!(saved.status(), 200);
    let temp_auth = reset(&s, &root, bob.id, "temporary 2").await;
    assert_eq!(
        s.login("bob", &bob_auth).await.status(),
        401,
        "the old password is gone"
    );
    let res = s.login("bob", &temp_auth).await;
    assert_eq!(res.status(), 403);
    assert_eq!(common::setup_needed(res).await, bob.id);
    let (res, keys) = s
        .finish_setup("bob", &temp_auth, "bob's new one", bob.id)
        .await;
    assert_eq!(res.status(), 200);
    let cookie = common::session_cookie(&res);
    let pins: Option<protocol::Bytes> = s
        .call("pins", Some(&cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(pins.is_none(), "the old pins are gone");
    let people: Vec<protocol::api::Person> = s
        .call("people", Some(&carol.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let seen = people
        .iter()
        .find(|p| p.id == bob.id)
        .expect("bob still listed");
    assert_eq!(
        seen.identity.signing,
        keys.public(bob.id).signing,
        "his new keys"
    );

    // Delete carol: she cannot log in, her name is free, nobody lists her.
    let res = act(&s, &root, json!({ "do": "delete", "user": carol.id })).await;
    assert_eq!(res.status(), 200);
    let carol_auth = s.auth_secret("carol", "pw three").await;
    assert_eq!(s.login("carol", &carol_auth).await.status(), 401);
    let people: Vec<protocol::api::Person> = s
        .call("people", Some(&root.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    // Still known by her id (for what she sent), as "Deleted account", marked deleted.
    let gone = people.iter().find(|p| p.id == carol.id).expect("kept");
    assert!(gone.deleted && gone.display_name == "Deleted account");
    assert!(gone.username.starts_with('~'));
    assert!(people.iter().all(|p| p.id == carol.id || !p.deleted));
    assert!(
        overview(&s, &root)
            .await
            .users
            .iter()
            .all(|u| u.id != carol.id)
    );
    s.register("carol", "a new carol").await;
    let res = act(&s, &root, json!({ "do": "enable", "user": carol.id })).await;
    assert_eq!(res.status(), 404, "a deleted account is gone");

    // The audit log has it all, newest first, naming the accounts.
    let log: Vec<AuditEntry> = s
        .call("admin_audit", Some(&root.cookie), json!({ "before": null }))
        .await
        .json()
        .await
        .unwrap();
    let got: Vec<(&str, Option<&str>)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.target.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("delete", Some("carol")),
            ("reset password", Some("bob")),
            ("remove admin", Some("carol")),
            ("make admin", Some("carol")),
            ("enable", Some("bob")),
            ("disable", Some("bob")),
        ]
    );
    assert!(log.iter().all(|e| e.actor == "root"));
}

#[tokio::test]
async fn registration_modes_and_invite_links() {
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    let register = |name: &'static str, invite: Option<String>| {
        let s = &s;
        async move {
            let (mut reg, _) = s.registration(name, "pw").await;
            reg.invite = invite;
            s.call("register", None, json!({ "registration": reg }))
                .await
                .status()
                .as_u16()
        }
    };
    act(
        &s,
        &root,
        json!({ "do": "set_registration", "mode": "closed" }),
    )
    .await;
    assert_eq!(register("ann", None).await, 403);

    act(
        &s,
        &root,
        json!({ "do": "set_registration", "mode": "invite" }),
    )
    .await;
    assert_eq!(register("ann", None).await, 403);
    assert_eq!(register("ann", Some("made-up".into())).await, 403);
    let res = act(
        &s,
        &root,
        json!({ "do": "create_invite", "hours": 24, "uses": 2 }),
    )
    .await;
    let AdminReply::Invite { token, invite } = res.json().await.unwrap() else {
        panic!("an invite")
    };
    assert_eq!(register("ann", Some(token.clone())).await, 200);
    assert_eq!(register("ben", Some(token.clone())).await, 200);
    assert_eq!(register("cat", Some(token.clone())).await, 403, "used up");
    // Used-up links are no longer listed; a fresh one is, until it is revoked.
    assert!(
        overview(&s, &root)
            .await
            .invites
            .iter()
            .all(|i| i.id != invite.id)
    );
    let res = act(
        &s,
        &root,
        json!({ "do": "create_invite", "hours": 1, "uses": 5 }),
    )
    .await;
    let AdminReply::Invite { token, invite } = res.json().await.unwrap() else {
        panic!("an invite")
    };
    assert_eq!(overview(&s, &root).await.invites, [invite.clone()]);
    let res = act(&s, &root, json!({ "do": "revoke_invite", "id": invite.id })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(register("cat", Some(token)).await, 403, "revoked");
    let res = act(
        &s,
        &root,
        json!({ "do": "create_invite", "hours": 0, "uses": 5 }),
    )
    .await;
    assert_eq!(res.status(), 400);

    act(
        &s,
        &root,
        json!({ "do": "set_registration", "mode": "open" }),
    )
    .await;
    assert_eq!(register("cat", None).await, 200);
    assert_eq!(overview(&s, &root).await.accounts, 4);
}

#[tokio::test]
async fn file_limits_set_in_the_panel_apply_at_once() {
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let bob = s.register("bob", "pw two").await;
    let conv = s.direct(&root, &bob).await;
    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    let upload = |size: u64| {
        let s = &s;
        let cookie = root.cookie.clone();
        async move {
            s.http
                .post(s.url("/files"))
                .header("cookie", cookie)
                .json(&json!({ "conversation": conv, "size": size }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(upload(5_000).await, 201);
    let res = act(
        &s,
        &root,
        json!({ "do": "set_limits", "limits": { "max_upload": 1000, "quota": 1 << 20 } }),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(upload(5_000).await, 413);
    assert_eq!(overview(&s, &root).await.limits.max_upload, 1000);
    let res = act(
        &s,
        &root,
        json!({ "do": "set_limits", "limits": { "max_upload": 0, "quota": 1 } }),
    )
    .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn the_password_confirmation_is_per_session_and_runs_out() {
    use sea_orm::ConnectionTrait;
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let auth = s.auth_secret("root", "pw zero").await;
    let other_tab = common::session_cookie(&s.login("root", &auth).await);
    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    assert_eq!(
        s.call("admin_overview", Some(&other_tab), json!({ "since": 0 }))
            .await
            .status(),
        403,
        "another session of the same admin has not confirmed"
    );
    // Fifteen minutes later (moved back in the database, as time would).
    s.state
        .db
        .execute_unprepared("UPDATE sessions SET elevated_until = elevated_until - 901000")
        .await
        .unwrap();
    assert_eq!(
        s.call("admin_overview", Some(&root.cookie), json!({ "since": 0 }))
            .await
            .status(),
        403,
        "the confirmation ran out"
    );
}

#[tokio::test]
async fn locked_out_accounts_stay_out() {
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let (ann, ann_key) = s.register_with_recovery("ann", "pw ann").await;
    let bob = s.register("bob", "pw two").await;
    let dave = s.register("dave", "pw four").await;
    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);

    // A deleted account's open session ends; a reset one's too.
    act(&s, &root, json!({ "do": "delete", "user": bob.id })).await;
    assert_eq!(
        s.call("me", Some(&bob.cookie), json!({})).await.status(),
        401
    );
    let (temp, temp_auth) = temporary("temporary 3");
    act(
        &s,
        &root,
        json!({ "do": "reset_password", "user": dave.id, "password": temp }),
    )
    .await;
    assert_eq!(
        s.call("me", Some(&dave.cookie), json!({})).await.status(),
        401
    );

    // Disabled while waiting for the first login: the temporary password finishes
    // nothing. Disabled with a recovery key: the key opens nothing.
    act(&s, &root, json!({ "do": "disable", "user": dave.id })).await;
    let (res, _) = s
        .finish_setup("dave", &temp_auth, "dave's new one", dave.id)
        .await;
    assert_eq!(res.status(), 403);
    act(&s, &root, json!({ "do": "disable", "user": ann.id })).await;
    let (change, _) = common::recovery_change(&ann_key, &ann.keys, &ann.id, "another");
    let res = s
        .call(
            "recover",
            None,
            json!({ "username": "ann", "change": change, "totp": null }),
        )
        .await;
    assert_eq!(res.status(), 403);

    // The last admin who can sign in stays one: with carol an admin but disabled, root
    // cannot step down.
    let carol = s.register("carol", "pw three").await;
    act(&s, &root, json!({ "do": "promote", "user": carol.id })).await;
    act(&s, &root, json!({ "do": "disable", "user": carol.id })).await;
    let res = act(&s, &root, json!({ "do": "demote", "user": root.id })).await;
    assert_eq!(res.status(), 409);
    act(&s, &root, json!({ "do": "enable", "user": carol.id })).await;
    let res = act(&s, &root, json!({ "do": "demote", "user": root.id })).await;
    assert_eq!(res.status(), 200);
}

/// One admin cannot take over another: resetting, turning off two-step login, deleting,
/// demoting (after which a reset would do) or disabling another admin takes the owner,
/// the server's first admin. Members are any admin's to help.
#[tokio::test]
async fn an_admin_cannot_take_over_another_admin() {
    let s = common::start().await;
    let root = s.register_admin("root", "pw zero").await;
    let amy = s.register("amy", "pw one").await;
    let cal = s.register("cal", "pw two").await;
    let bob = s.register("bob", "pw three").await;
    assert_eq!(unlock(&s, &root, "root", "pw zero").await, 200);
    for admin in [&amy, &cal] {
        let res = act(&s, &root, json!({ "do": "promote", "user": admin.id })).await;
        assert_eq!(res.status(), 200);
    }
    assert_eq!(unlock(&s, &amy, "amy", "pw one").await, 200);
    let (temp, _) = temporary("temporary 1");
    for target in [&cal, &root] {
        for action in [
            json!({ "do": "reset_password", "user": target.id, "password": temp }),
            json!({ "do": "reset_two_step", "user": target.id }),
            json!({ "do": "delete", "user": target.id }),
            json!({ "do": "demote", "user": target.id }),
            json!({ "do": "disable", "user": target.id }),
        ] {
            let res = act(&s, &amy, action.clone()).await;
            assert_eq!(res.status(), 403, "{action}");
        }
    }
    // Nothing happened to them.
    let cal_auth = s.auth_secret("cal", "pw two").await;
    assert_eq!(s.login("cal", &cal_auth).await.status(), 200);
    let o = overview(&s, &root).await;
    assert!(summary(&o, "cal").is_admin && summary(&o, "root").is_admin);
    // A member is any admin's to help; another admin is the owner's.
    reset(&s, &amy, bob.id, "temporary 2").await;
    reset(&s, &root, amy.id, "temporary 3").await;
}
