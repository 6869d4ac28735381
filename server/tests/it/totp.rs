//! Two-step login against a real server: enrol with a confirmed code, log in with a
//! code (each code once) or a recovery code (each once), turn off with password + code.

use crate::common;

use protocol::api::{TotpEnrolment, TotpStatus};
use serde_json::json;
use server::totp::{STEP, code_at, now};

async fn login(
    s: &common::TestServer,
    user: &str,
    auth: &impl serde::Serialize,
    code: Option<&str>,
) -> reqwest::Response {
    s.call(
        "login",
        None,
        json!({ "username": user, "auth_secret": auth, "totp": code }),
    )
    .await
}

async fn begin(
    s: &common::TestServer,
    cookie: &str,
    auth: &protocol::crypto::kdf::AuthSecret,
) -> reqwest::Response {
    s.call("totp_begin", Some(cookie), json!({ "auth_secret": auth }))
        .await
}

/// The raw secret an authenticator app would take from the enrolment.
fn secret_of(e: &TotpEnrolment) -> Vec<u8> {
    totp_rs::Secret::try_from_base32(&e.secret)
        .unwrap()
        .as_bytes()
        .to_vec()
}

async fn status(s: &common::TestServer, cookie: &str) -> TotpStatus {
    let res = s.call("totp_status", Some(cookie), json!({})).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn enrol_log_in_with_codes_once_and_turn_off() {
    let s = common::start().await;
    let lee = s.register("lee", "lee's password").await;
    let st = status(&s, &lee.cookie).await;
    assert!(!st.enabled);

    // It takes the password again: a stolen cookie alone cannot bind an authenticator.
    let lee_auth = s.auth_secret("lee", "lee's password").await;
    let (bad, _) = common::secrets(&s.prelogin("lee").await, "not it");
    let res = begin(&s, &lee.cookie, &bad).await;
    assert_eq!(res.status(), 401);
    assert!(!status(&s, &lee.cookie).await.enabled);
    let res = begin(&s, &lee.cookie, &lee_auth).await;
    assert_eq!(res.status(), 200);
    let e: TotpEnrolment = res.json().await.unwrap();
    assert!(e.uri.starts_with("otpauth://totp/Hearth:lee?secret=") && e.qr_svg.contains("<svg"));
    let secret = secret_of(&e);
    assert_eq!(secret.len(), 20);
    let at = |offset: u64| code_at(&secret, 6, now() + offset);

    // Until confirmed, nothing changes at login.
    let params = s.prelogin("lee").await;
    let (auth, _) = common::secrets(&params, "lee's password");
    assert_eq!(login(&s, "lee", &auth, None).await.status(), 200);

    let wrong = if at(0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let res = s
        .call("totp_confirm", Some(&lee.cookie), json!({ "code": wrong }))
        .await;
    assert_eq!(res.status(), 401);
    let res = s
        .call("totp_confirm", Some(&lee.cookie), json!({ "code": at(0) }))
        .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = res.json().await.unwrap();
    assert_eq!(codes.len(), 10);
    let st = status(&s, &lee.cookie).await;
    assert_eq!(
        st,
        TotpStatus {
            enabled: true,
            recovery_left: 10
        }
    );
    // A second enrolment cannot quietly replace the first.
    assert_eq!(begin(&s, &lee.cookie, &lee_auth).await.status(), 409);

    // The password alone: asked for the code (403), no session.
    let res = login(&s, "lee", &auth, None).await;
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    assert!(res.text().await.unwrap().contains("authenticator"));
    // A wrong password with a right code is still just a wrong password.
    let (bad, _) = common::secrets(&params, "not it");
    assert_eq!(login(&s, "lee", &bad, Some(&at(STEP))).await.status(), 401);
    // The code that confirmed the enrolment was used: replayed, it is refused.
    assert_eq!(login(&s, "lee", &auth, Some(&at(0))).await.status(), 401);
    // The next step's code works (one step of drift either way), once.
    let res = login(&s, "lee", &auth, Some(&at(STEP))).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_some());
    assert_eq!(
        login(&s, "lee", &auth, Some(&at(STEP))).await.status(),
        401,
        "replayed"
    );
    // Two steps away is too far.
    assert_eq!(
        login(&s, "lee", &auth, Some(&at(3 * STEP))).await.status(),
        401
    );

    // A recovery code, typed loosely, works once.
    let loose = codes[0].to_lowercase().replace('-', " ");
    assert_eq!(login(&s, "lee", &auth, Some(&loose)).await.status(), 200);
    assert_eq!(login(&s, "lee", &auth, Some(&codes[0])).await.status(), 401);
    let st = status(&s, &lee.cookie).await;
    assert_eq!(st.recovery_left, 9);

    // Turning it off needs the password and a code.
    let off = |a: &protocol::crypto::kdf::AuthSecret, c: &str| {
        let body = json!({ "auth_secret": a, "code": c });
        let cookie = lee.cookie.clone();
        let s = &s;
        async move { s.call("totp_disable", Some(&cookie), body).await.status() }
    };
    assert_eq!(off(&bad, &codes[1]).await, 401, "wrong password");
    assert_eq!(off(&auth, "123").await, 401, "no code");
    assert_eq!(off(&auth, &codes[1]).await, 200);
    assert_eq!(login(&s, "lee", &auth, None).await.status(), 200);
    let st = status(&s, &lee.cookie).await;
    assert!(!st.enabled);
}

#[tokio::test]
async fn the_secret_is_not_stored_in_clear() {
    use sea_orm::ConnectionTrait;
    let s = common::start().await;
    let mo = s.register("moe", "pw").await;
    let auth = s.auth_secret("moe", "pw").await;
    let e: TotpEnrolment = begin(&s, &mo.cookie, &auth).await.json().await.unwrap();
    let secret = secret_of(&e);
    // The server's own connection: SQLite or PostgreSQL alike.
    let db = s.state.db.clone();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT sealed FROM totp",
        ))
        .await
        .unwrap()
        .unwrap();
    let sealed: Vec<u8> = row.try_get("", "sealed").unwrap();
    assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_slice()));
}

/// Many people turning it on at once (and writing other things meanwhile) all succeed:
/// SQLite writers wait their turn instead of failing with "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn enrolments_at_the_same_time_all_succeed() {
    let s = std::sync::Arc::new(common::start().await);
    let mut people = Vec::new();
    for i in 0..12 {
        people.push(s.register(&format!("par{i}"), "pw").await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (i, p) in people.into_iter().enumerate() {
        let s = s.clone();
        let auth = s.auth_secret(&format!("par{i}"), "pw").await;
        tasks.spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..3 {
                let res = begin(&s, &p.cookie, &auth).await;
                statuses.push(res.status().as_u16());
            }
            statuses
        });
    }
    while let Some(statuses) = tasks.join_next().await {
        assert_eq!(statuses.unwrap(), [200, 200, 200]);
    }
}

/// The recovery key stands in for a forgotten password, not for the second factor: with
/// two-step login on, "forgot password" asks for a code too (or a recovery code).
#[tokio::test]
async fn recovery_key_needs_the_second_factor_too() {
    let s = common::start().await;
    let (nia, rk) = s.register_with_recovery("nia", "nia's password").await;
    let auth = s.auth_secret("nia", "nia's password").await;
    let e: TotpEnrolment = begin(&s, &nia.cookie, &auth).await.json().await.unwrap();
    let secret = secret_of(&e);
    let at = |offset: u64| code_at(&secret, 6, now() + offset);
    let res = s
        .call("totp_confirm", Some(&nia.cookie), json!({ "code": at(0) }))
        .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = res.json().await.unwrap();

    let (change, new_auth) = common::recovery_change(&rk, &nia.keys, &nia.id, "new words");
    let recover = |code: Option<String>| {
        let body = json!({ "username": "nia", "change": change.clone(), "totp": code });
        let s = &s;
        async move { s.call("recover", None, body).await }
    };
    let res = recover(None).await;
    assert_eq!(res.status(), 403, "asks for the code");
    assert!(res.headers().get("set-cookie").is_none());
    assert_eq!(recover(Some("000000".into())).await.status(), 401);
    // Nothing changed so far: the old session and password still work.
    assert_eq!(
        s.call("me", Some(&nia.cookie), json!({})).await.status(),
        200
    );
    assert_eq!(login(&s, "nia", &auth, Some(&codes[0])).await.status(), 200);
    let res = recover(Some(at(STEP))).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_some());
    // Every old session ended; the new password (with a code) is the way in now.
    assert_eq!(
        s.call("me", Some(&nia.cookie), json!({})).await.status(),
        401
    );
    assert_eq!(login(&s, "nia", &auth, Some(&codes[1])).await.status(), 401);
    assert_eq!(login(&s, "nia", &new_auth, None).await.status(), 403);
    assert_eq!(
        login(&s, "nia", &new_auth, Some(&codes[1])).await.status(),
        200
    );
}

/// A password reset keeps two-step login, so whoever set the temporary password (the
/// admin) cannot finish the account without its owner's authenticator; turning it off
/// is a separate, explicit step. The owner is told of each at their next login, once.
#[tokio::test]
async fn a_reset_keeps_two_step_login_and_the_owner_is_told() {
    let s = common::start().await;
    let root = s.register_admin("root", "root's password").await;
    let ola = s.register("ola", "ola's password").await;
    let auth = s.auth_secret("ola", "ola's password").await;
    let e: TotpEnrolment = begin(&s, &ola.cookie, &auth).await.json().await.unwrap();
    let secret = secret_of(&e);
    let at = |offset: u64| code_at(&secret, 6, now() + offset);
    let res = s
        .call("totp_confirm", Some(&ola.cookie), json!({ "code": at(0) }))
        .await;
    assert_eq!(res.status(), 200);

    assert_eq!(
        crate::panel::unlock(&s, &root, "root", "root's password").await,
        200
    );
    let temp = crate::panel::reset(&s, &root, ola.id, "temporary 1").await;
    assert_eq!(login(&s, "ola", &temp, None).await.status(), 403);
    let finish = |code: Option<String>| {
        let (reg, _) = s.registration_as("ola", "ola's new one", ola.id);
        let body = json!({ "username": "ola", "old_auth_secret": temp, "registration": reg, "totp": code });
        let s = &s;
        async move { s.call("finish_setup", None, body).await }
    };
    let res = finish(None).await;
    assert_eq!(res.status(), 403, "the code is asked for");
    assert!(res.text().await.unwrap().contains("SecondFactor"));
    assert_eq!(finish(Some("000000".into())).await.status(), 401);
    let res = finish(Some(at(STEP))).await;
    assert_eq!(res.status(), 200);
    let session: protocol::api::Session = res.json().await.unwrap();
    assert_eq!(session.notices.len(), 1, "{:?}", session.notices);
    assert!(session.notices[0].contains("ROOT, an admin, reset your password on"));

    // Still on: the new password alone is not enough.
    let new_auth = s.auth_secret("ola", "ola's new one").await;
    assert_eq!(login(&s, "ola", &new_auth, None).await.status(), 403);
    // The owner turns it off on purpose; she is told, once.
    let res = crate::panel::act(&s, &root, json!({ "do": "reset_two_step", "user": ola.id })).await;
    assert_eq!(res.status(), 200);
    let res = login(&s, "ola", &new_auth, None).await;
    assert_eq!(res.status(), 200);
    let session: protocol::api::Session = res.json().await.unwrap();
    assert!(
        session.notices[0].contains("turned off your two-step login"),
        "{:?}",
        session.notices
    );
    let again: protocol::api::Session = login(&s, "ola", &new_auth, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(again.notices.is_empty(), "told once");
}
