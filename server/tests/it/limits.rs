//! Rate limits: repeated failures are answered 429 with Retry-After, per address and per
//! account, and a refused attempt never reaches the password check. (The ceiling on an
//! account's failures from every address, `lockout`, is set out of the way here; its own
//! tests are in `lockout.rs`.)

use crate::common;

use serde_json::json;
use std::net::IpAddr;

fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn login_from(
    s: &common::TestServer,
    client: &reqwest::Client,
    user: &str,
    auth: &impl serde::Serialize,
) -> reqwest::Response {
    let res = client
        .post(s.url("/api/login"))
        .json(&json!({ "username": user, "auth_secret": auth }))
        .send()
        .await
        .unwrap();
    // A refusal comes as data with a 200: read as its status, as `call` does.
    common::as_status(res).await
}

/// A server whose accounts lock only after a thousand failures.
async fn address_limits_only() -> common::TestServer {
    common::start_limited(server::limit::Limits::default().with_lockout(1000)).await
}

#[tokio::test]
async fn the_eleventh_rapid_failed_login_gets_429() {
    let s = address_limits_only().await;
    s.register("ivan", "right password").await;
    s.register("jane", "her password").await;
    let params = s.prelogin("ivan").await;
    let (bad, _) = common::secrets(&params, "wrong password");
    let (good, _) = common::secrets(&params, "right password");
    for i in 1..=10 {
        assert_eq!(s.login("ivan", &bad).await.status(), 401, "attempt {i}");
    }
    let res = s.login("ivan", &bad).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert!(res.text().await.unwrap().contains("Too many attempts"));
    // Refused before the check: even the right password waits.
    assert_eq!(s.login("ivan", &good).await.status(), 429);

    // An address that has not failed is not locked out of ivan's account by someone
    // else's guessing (else anyone could lock anyone out)...
    let other = client_from("127.0.0.2");
    assert_eq!(login_from(&s, &other, "ivan", &good).await.status(), 200);
    // ...but once it fails there too, the account's limit holds it back.
    assert_eq!(login_from(&s, &other, "ivan", &bad).await.status(), 401);
    assert_eq!(login_from(&s, &other, "ivan", &good).await.status(), 429);
    // It may still log in to an account nobody has been hammering.
    let jp = s.prelogin("jane").await;
    let (jane, _) = common::secrets(&jp, "her password");
    assert_eq!(login_from(&s, &other, "jane", &jane).await.status(), 200);
    // The hammering address is held back for every account.
    assert_eq!(s.login("jane", &jane).await.status(), 429);
}

#[tokio::test]
async fn parallel_guesses_cannot_slip_past_the_limit() {
    let s = address_limits_only().await;
    s.register("lou", "lou's password").await;
    let params = s.prelogin("lou").await;
    let (bad, _) = common::secrets(&params, "guess");
    let all = futures::future::join_all((0..40).map(|_| s.login("lou", &bad))).await;
    let wrong = all.iter().filter(|r| r.status() == 401).count();
    let limited = all.iter().filter(|r| r.status() == 429).count();
    assert_eq!(
        (wrong, limited),
        (10, 30),
        "only ten guesses reach the password check"
    );
}

#[tokio::test]
async fn successful_logins_are_not_limited_and_prelogin_floods_are() {
    let s = common::start().await;
    s.register("kim", "kim's password").await;
    let params = s.prelogin("kim").await;
    let (good, _) = common::secrets(&params, "kim's password");
    for _ in 0..15 {
        assert_eq!(s.login("kim", &good).await.status(), 200);
    }
    let mut refused = None;
    for i in 0..80 {
        let res = s.call("prelogin", None, json!({ "username": "kim" })).await;
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            refused = Some(i);
            break;
        }
        assert_eq!(res.status(), 200);
    }
    assert!(refused.is_some_and(|i| i >= 55), "refused at {refused:?}");
}
