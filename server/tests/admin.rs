//! The admin functions behind the admin slash commands: refused to everyone else with
//! 403 (before doing anything), and doing what they say for the admin.

mod common;

use protocol::api::admin::UserSummary;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn only_the_admin_lists_users_ends_sessions_and_shuts_down() {
    let s = common::start().await;
    let admin = s.register("root", "pw zero").await; // the first account is the admin
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
