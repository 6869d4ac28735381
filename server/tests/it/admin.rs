//! The admin functions behind the admin slash commands: refused to everyone else with
//! 403 (before doing anything), and doing what they say for the admin.

use crate::common;

use protocol::api::admin::UserSummary;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn only_the_admin_lists_users_ends_sessions_and_shuts_down() {
    let s = common::start().await;
    let admin = s.register_admin("root", "pw zero").await; // the first account is the admin
    let bob = s.register("bob", "pw two").await;
    assert!(admin.session.me.is_admin && !bob.session.me.is_admin);

    let calls = [
        ("admin_users", json!({})),
        ("admin_logout_user", json!({ "username": "root" })),
        ("admin_shutdown", json!({})),
    ];
    for (name, body) in &calls {
        let res = s.call(name, Some(&bob.cookie), body.clone()).await;
        assert_eq!(res.status(), 403, "{name} for a non-admin");
        assert_eq!(
            s.call(name, None, body.clone()).await.status(),
            401,
            "{name}"
        );
    }
    // Nothing happened: the admin is still signed in and the server did not stop.
    assert_eq!(
        s.call("me", Some(&admin.cookie), json!({})).await.status(),
        200
    );
    let stopped = tokio::time::timeout(Duration::from_millis(200), s.state.stop.notified());
    assert!(stopped.await.is_err(), "a refused shutdown must not stop");

    let users: Vec<UserSummary> = s
        .call("admin_users", Some(&admin.cookie), json!({}))
        .await
        .json()
        .await
        .expect("users");
    let names: Vec<_> = users
        .iter()
        .map(|u| (u.username.as_str(), u.is_admin, u.sessions))
        .collect();
    assert_eq!(names, [("bob", false, 1), ("root", true, 1)]);

    let res = s
        .call(
            "admin_logout_user",
            Some(&admin.cookie),
            json!({ "username": "Bob" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<u32>().await.unwrap(), 1);
    assert_eq!(
        s.call("me", Some(&bob.cookie), json!({})).await.status(),
        401
    );
    let res = s
        .call(
            "admin_logout_user",
            Some(&admin.cookie),
            json!({ "username": "nobody" }),
        )
        .await;
    assert_eq!(res.status(), 404);

    let res = s
        .call("admin_shutdown", Some(&admin.cookie), json!({}))
        .await;
    assert_eq!(res.status(), 200);
    tokio::time::timeout(Duration::from_secs(1), s.state.stop.notified())
        .await
        .expect("the shutdown was signalled");
}

#[tokio::test]
async fn an_account_made_by_the_admin_gets_its_keys_at_its_first_login() {
    use protocol::crypto::kdf::{KdfParams, Salt, derive_master};
    let s = common::start().await;
    let admin = s.register_admin("root", "pw zero").await;
    let bob = s.register("bob", "pw two").await;
    let salt = Salt([7; 16]);
    let kdf = KdfParams::FLOOR;
    let (temp, _) = derive_master("temporary 1", &salt, kdf)
        .unwrap()
        .split()
        .unwrap();
    let account = json!({ "account": {
        "username": "dana", "display_name": "dana", "salt": salt, "kdf": kdf, "auth_secret": temp,
    }});
    assert_eq!(
        s.call("admin_add_user", Some(&bob.cookie), account.clone())
            .await
            .status(),
        403
    );
    assert_eq!(
        s.call("admin_add_user", Some(&admin.cookie), account.clone())
            .await
            .status(),
        200
    );
    assert_eq!(
        s.call("admin_add_user", Some(&admin.cookie), account)
            .await
            .status(),
        409
    );

    // Nobody sees an account without keys, nor can start a conversation with it.
    let people: Vec<protocol::api::Person> = s
        .call("people", Some(&bob.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(people.iter().all(|p| p.username != "dana"));
    let users: Vec<UserSummary> = s
        .call("admin_users", Some(&admin.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let dana = users
        .iter()
        .find(|u| u.username == "dana")
        .expect("listed for the admin");
    assert!(dana.pending);
    let res = s
        .call("open_direct", Some(&bob.cookie), json!({ "peer": dana.id }))
        .await;
    assert_eq!(res.status(), 404);

    // The temporary password is right, but opens nothing: choose your own first.
    let res = s.login("dana", &temp).await;
    assert_eq!(res.status(), 403);
    let id = common::setup_needed(res).await;
    assert_eq!(id, dana.id, "told which account to make keys for");

    // The first login: a wrong temporary password, or keys for another name or another
    // account, do nothing.
    let (reg, _) = s.registration_as("dana", "dana's own", id);
    let (elsewhere, _) = s.registration("dana", "dana's own").await;
    assert_eq!(
        s.call(
            "finish_setup",
            None,
            json!({ "username": "dana", "old_auth_secret": &temp, "registration": elsewhere })
        )
        .await
        .status(),
        400
    );
    let finish = |old: &protocol::crypto::kdf::AuthSecret, reg: &protocol::api::Registration| json!({ "username": "dana", "old_auth_secret": old, "registration": reg });
    let (wrong, _) = derive_master("not it", &salt, kdf)
        .unwrap()
        .split()
        .unwrap();
    assert_eq!(
        s.call("finish_setup", None, finish(&wrong, &reg))
            .await
            .status(),
        401
    );
    let (other, _) = s.registration("eve", "x").await;
    assert_eq!(
        s.call("finish_setup", None, finish(&temp, &other))
            .await
            .status(),
        400
    );
    let res = s.call("finish_setup", None, finish(&temp, &reg)).await;
    assert_eq!(res.status(), 200);
    let cookie = common::session_cookie(&res);
    let me: protocol::api::Profile = s
        .call("me", Some(&cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((me.id, me.is_admin), (reg.identity.user, false));
    // Once: the temporary password is gone, the own one works, others now see dana.
    assert_eq!(
        s.call("finish_setup", None, finish(&temp, &reg))
            .await
            .status(),
        401
    );
    assert_eq!(s.login("dana", &temp).await.status(), 401);
    let own = s.auth_secret("dana", "dana's own").await;
    assert_eq!(s.login("dana", &own).await.status(), 200);
    let people: Vec<protocol::api::Person> = s
        .call("people", Some(&bob.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(people.iter().any(|p| p.username == "dana"));
}
