//! Accounts and server functions against a real server.

use crate::common;

use protocol::Bytes;
use protocol::api::{LoginParams, Session};
use protocol::crypto::kdf::derive_master;
use protocol::crypto::wrap::unwrap_keys;
use serde_json::json;

/// A refusal the page expects (a wrong password) is an answer on the wire: a 200 with
/// the error as data and its status in a header, so the browser logs no failed request;
/// so is a session that ended. `me`, which does not answer so, is still a 401.
#[tokio::test]
async fn a_refusal_the_page_expects_is_a_successful_answer() {
    let s = common::start().await;
    s.register("alice", "pw one two three").await;
    let params: LoginParams = s.prelogin("alice").await;
    let (bad, _) = common::secrets(&params, "wrong password");
    let raw = s
        .http
        .post(s.url("/api/login"))
        .json(&json!({ "username": "alice", "auth_secret": bad }))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert!(raw.headers().get("set-cookie").is_none());
    let body: serde_json::Value = raw.json().await.unwrap();
    let said = body["Err"]["Unauthorized"].as_str().unwrap_or_default();
    assert!(said.contains("Wrong username or password"), "{body}");
    assert_eq!(raw_refusal(&s, "people").await, (200, Some("401".into())));
    assert_eq!(raw_refusal(&s, "me").await, (401, None));
}

/// A call without a session: its status and refusal header.
async fn raw_refusal(s: &common::TestServer, name: &str) -> (u16, Option<String>) {
    let res = s
        .http
        .post(s.url(&format!("/api/{name}")))
        .json(&json!({}))
        .send();
    let res = res.await.unwrap();
    let refusal = res.headers().get(app::REFUSAL_HEADER);
    (
        res.status().as_u16(),
        refusal.map(|v| v.to_str().unwrap().to_string()),
    )
}

#[tokio::test]
async fn register_login_and_errors() {
    let s = common::start().await;
    let alice = s.register("alice", "pw one two three").await;
    assert!(
        !alice.session.me.is_admin,
        "the first account is no admin without the setup code"
    );
    let bob = s.register("bob", "pw four five six").await;
    assert!(!bob.session.me.is_admin);

    // Taken username: a clear conflict.
    let (again, _) = s.registration("alice", "x y z").await;
    let res = s
        .call("register", None, json!({ "registration": again }))
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("That username is taken"));

    // Log in from "another browser": same salt, same keys unwrapped.
    let params: LoginParams = s.prelogin("alice").await;
    let (auth, wrap) = common::secrets(&params, "pw one two three");
    let res = s.login("alice", &auth).await;
    assert_eq!(res.status(), 200);
    let session: Session = res.json().await.unwrap();
    let keys = unwrap_keys(
        session.wrapped_keys.as_slice(),
        &wrap,
        &session.me.id,
        &session.kdf,
    )
    .unwrap();
    assert!(session.identity.matches(&keys) && session.identity.matches(&alice.keys));

    // Wrong password: a clear 401, no session.
    let (bad, _) = common::secrets(&params, "wrong password");
    let res = s.login("alice", &bad).await;
    assert_eq!(res.status(), 401);
    assert!(res.headers().get("set-cookie").is_none());
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Wrong username or password")
    );

    // Unknown usernames get a stable fake salt, indistinguishable in shape.
    let a: LoginParams = s.prelogin("nobody").await;
    let b: LoginParams = s.prelogin("nobody").await;
    assert_eq!(a, b);
    assert_ne!(a.salt, params.salt);

    // Without a session: 401; with one: the data.
    assert_eq!(s.call("people", None, json!({})).await.status(), 401);
    let res = s.call("people", Some(&alice.cookie), json!({})).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("\"bob\""));

    // Malformed bodies are clear 400s, not panics.
    let res = s
        .call(
            "login",
            None,
            json!({ "username": "alice", "auth_secret": "short" }),
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());

    // Logout ends the session on the server.
    assert_eq!(
        s.call("logout", Some(&bob.cookie), json!({}))
            .await
            .status(),
        200
    );
    assert_eq!(
        s.call("me", Some(&bob.cookie), json!({})).await.status(),
        401
    );
}

#[tokio::test]
async fn registration_is_validated() {
    let s = common::start().await;
    let (mut reg, _) = s.registration("carol", "pw").await;
    reg.identity.agreement[0] ^= 1; // signature no longer matches
    let res = s
        .call("register", None, json!({ "registration": reg }))
        .await;
    assert_eq!(res.status(), 400);

    let (mut weak, _) = s.registration("carol", "pw").await;
    weak.kdf.m_kib = 1024;
    let res = s
        .call("register", None, json!({ "registration": weak }))
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("too weak"));

    let (bad_name, _) = s.registration("x", "pw").await;
    assert_eq!(
        s.call("register", None, json!({ "registration": bad_name }))
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn pinned_keys_and_identity_rotation() {
    use protocol::api::Person;
    use protocol::crypto::identity::IdentityKeys;
    use protocol::crypto::wrap::wrap_keys;
    let s = common::start().await;
    let alice = s.register("alice", "pw one").await;
    let bob = s.register("bob", "pw two").await;

    // Pins: nothing yet, then exactly what was saved; too large is refused.
    let none: Option<Bytes> = s
        .call("pins", Some(&alice.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(none.is_none());
    let blob = Bytes(vec![1, 2, 3]);
    assert_eq!(
        s.call("save_pins", Some(&alice.cookie), json!({ "blob": blob }))
            .await
            .status(),
        200
    );
    let got: Option<Bytes> = s
        .call("pins", Some(&alice.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, Some(blob));
    let huge = Bytes(vec![0; 300 * 1024]);
    assert_eq!(
        s.call("save_pins", Some(&alice.cookie), json!({ "blob": huge }))
            .await
            .status(),
        400
    );
    let bobs: Option<Bytes> = s
        .call("pins", Some(&bob.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(bobs.is_none(), "pins are per user");

    // Rotation needs the password again and keys signed for this user.
    let params: LoginParams = s.prelogin("bob").await;
    let (auth, wrap) = common::secrets(&params, "pw two");
    let (bad_auth, _) = common::secrets(&params, "not it");
    let keys = IdentityKeys::generate().unwrap();
    let identity = keys.public(bob.id);
    let wrapped = Bytes(wrap_keys(&keys, &wrap, &bob.id, &params.kdf).unwrap());
    let body = |a: &protocol::crypto::kdf::AuthSecret,
                id: &protocol::crypto::identity::PublicIdentity| {
        json!({ "auth_secret": a, "identity": id, "wrapped_keys": wrapped })
    };
    assert_eq!(
        s.call(
            "rotate_identity",
            Some(&bob.cookie),
            body(&bad_auth, &identity)
        )
        .await
        .status(),
        401
    );
    let foreign = keys.public(alice.id);
    assert_eq!(
        s.call("rotate_identity", Some(&bob.cookie), body(&auth, &foreign))
            .await
            .status(),
        400
    );
    let mut forged = identity.clone();
    forged.agreement[3] ^= 1;
    assert_eq!(
        s.call("rotate_identity", Some(&bob.cookie), body(&auth, &forged))
            .await
            .status(),
        400
    );
    assert_eq!(
        s.call("rotate_identity", Some(&bob.cookie), body(&auth, &identity))
            .await
            .status(),
        200
    );
    let people: Vec<Person> = s
        .call("people", Some(&alice.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let published = &people.iter().find(|p| p.id == bob.id).unwrap().identity;
    assert_eq!(published, &identity);
    assert_ne!(published, &bob.session.identity);
}

#[tokio::test]
async fn password_change() {
    use protocol::Bytes;
    use protocol::api::PasswordChange;
    use protocol::crypto::kdf::{KdfParams, Salt};
    use protocol::crypto::wrap::wrap_keys;
    let s = common::start().await;
    let dana = s.register("dana", "old pass").await;
    // A second session of hers.
    let params: LoginParams = s.prelogin("dana").await;
    let (old_auth, _) = common::secrets(&params, "old pass");
    let res = s.login("dana", &old_auth).await;
    let second = common::session_cookie(&res);

    let salt = Salt([9; 16]);
    let kdf = KdfParams::FLOOR;
    let (new_auth, new_wrap) = derive_master("new pass", &salt, kdf)
        .unwrap()
        .split()
        .unwrap();
    let change = |old: &protocol::crypto::kdf::AuthSecret, kdf: KdfParams| PasswordChange {
        old_auth_secret: old.clone(),
        salt,
        kdf,
        auth_secret: new_auth.clone(),
        wrapped_keys: Bytes(wrap_keys(&dana.keys, &new_wrap, &dana.id, &kdf).unwrap()),
    };
    let (wrong, _) = common::secrets(&params, "not it");
    let res = s
        .call(
            "change_password",
            Some(&dana.cookie),
            json!({ "change": change(&wrong, kdf) }),
        )
        .await;
    assert_eq!(res.status(), 401);
    let weak = KdfParams { t: 1, ..kdf };
    let res = s
        .call(
            "change_password",
            Some(&dana.cookie),
            json!({ "change": change(&old_auth, weak) }),
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = s
        .call(
            "change_password",
            Some(&dana.cookie),
            json!({ "change": change(&old_auth, kdf) }),
        )
        .await;
    assert_eq!(res.status(), 200);

    // This session stays, the other one ended, the old password is refused, the new works.
    assert_eq!(
        s.call("me", Some(&dana.cookie), json!({})).await.status(),
        200
    );
    assert_eq!(s.call("me", Some(&second), json!({})).await.status(), 401);
    let res = s.login("dana", &old_auth).await;
    assert_eq!(res.status(), 401);
    let res = s.login("dana", &new_auth).await;
    assert_eq!(res.status(), 200);
    let session: protocol::api::Session = res.json().await.unwrap();
    let keys = unwrap_keys(
        session.wrapped_keys.as_slice(),
        &new_wrap,
        &dana.id,
        &session.kdf,
    )
    .unwrap();
    assert!(
        session.identity.matches(&keys),
        "same keys under the new wrap"
    );
}

#[tokio::test]
async fn recovery_key_restores_the_account() {
    use protocol::api::{RecoveryWrap, Session};
    use protocol::crypto::recovery::RecoveryKey;
    use protocol::crypto::wrap::unwrap_for_recovery;
    let s = common::start().await;
    let (erin, rk) = s.register_with_recovery("erin", "old pass").await;
    let (rauth, rwrap) = rk.split().unwrap();
    let (keys, user, old_cookie) = (erin.keys, erin.id, erin.cookie);

    // A wrong key and an unknown user get the same answer.
    let (wrong, _) = RecoveryKey::generate().unwrap().split().unwrap();
    let a = s
        .call(
            "recovery_keys",
            None,
            json!({ "username": "erin", "recovery_secret": wrong }),
        )
        .await;
    let b = s
        .call(
            "recovery_keys",
            None,
            json!({ "username": "nobody", "recovery_secret": rauth }),
        )
        .await;
    assert_eq!(
        (a.status(), b.status()),
        (
            reqwest::StatusCode::UNAUTHORIZED,
            reqwest::StatusCode::UNAUTHORIZED
        )
    );
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());

    // The right key gets the second wrap, which opens to the same keys.
    let found: RecoveryWrap = s
        .call(
            "recovery_keys",
            None,
            json!({ "username": "erin", "recovery_secret": rauth }),
        )
        .await
        .json()
        .await
        .unwrap();
    let opened = unwrap_for_recovery(found.wrapped_keys.as_slice(), &rwrap, &found.user).unwrap();
    assert!(keys.public(user).matches(&opened));

    let (change, new_auth) = common::recovery_change(&rk, &opened, &user, "new pass");
    let res = s
        .call(
            "recover",
            None,
            json!({ "username": "erin", "change": change }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let session: Session = res.json().await.unwrap();
    assert!(session.identity.matches(&keys));
    assert_eq!(
        s.call("me", Some(&old_cookie), json!({})).await.status(),
        401,
        "old sessions end"
    );
    let res = s.login("erin", &new_auth).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    use sea_orm::ConnectionTrait;
    let s = common::start().await;
    let finn = s.register("finn", "pw").await;
    let gail = s.register("gail", "pw").await;
    let me = |c: &str| {
        let c = c.to_string();
        let s = &s;
        async move { s.call("me", Some(&c), json!({})).await.status() }
    };
    assert_eq!(me(&finn.cookie).await, 200);
    assert_eq!(me(&gail.cookie).await, 200);
    // Age the sessions in the database itself, as time would. The test server's policy
    // is the default: 30 days idle, 90 days in all.
    // The server's own connection: SQLite or PostgreSQL alike.
    let db = s.state.db.clone();
    // Products are computed here: PostgreSQL would multiply two int4 literals and overflow.
    let day: i64 = 24 * 3600 * 1000;
    // Used yesterday, logged in 89 days ago: still on.
    db.execute_unprepared(&format!(
        "UPDATE sessions SET created_at = created_at - {}, last_seen = last_seen - {day}",
        89 * day
    ))
    .await
    .unwrap();
    assert_eq!(me(&finn.cookie).await, 200);
    // Finn: unused for 31 days. Gail: used yesterday, but logged in 91 days ago.
    db.execute_unprepared(&format!(
        "UPDATE sessions SET last_seen = last_seen - {} WHERE user_id = '{}'",
        31 * day,
        finn.id.to_hex()
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!(
        "UPDATE sessions SET created_at = created_at - {}, last_seen = last_seen - {day} WHERE user_id = '{}'",
        2 * day,
        gail.id.to_hex()
    ))
    .await
    .unwrap();
    assert_eq!(me(&finn.cookie).await, 401, "idle too long");
    assert_eq!(me(&gail.cookie).await, 401, "past the absolute lifetime");
}

#[tokio::test]
async fn a_cross_site_request_is_refused_and_changes_nothing() {
    let s = common::start().await;
    let (reg, _) = s.registration("mallory", "pw").await;
    let body = serde_json::json!({ "registration": reg });
    for (header, value) in [
        ("origin", "http://evil.example".to_string()),
        ("referer", "http://evil.example/page".to_string()),
    ] {
        let res = s
            .http
            .post(s.url("/api/register"))
            .header(header, value)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}");
        let msg: serde_json::Value = res.json().await.unwrap();
        assert_eq!(msg["error"], "Cross-site requests are refused.");
    }
    // Nothing was stored: the same registration from the site itself goes through.
    let res = s
        .http
        .post(s.url("/api/register"))
        .header("origin", s.own_origin())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn pages_allow_only_their_own_nonced_script() {
    let s = common::start().await;
    let policy = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let page = s.http.get(s.url("/login")).send().await.unwrap();
    let p = policy(&page);
    let html = page.text().await.unwrap();
    let script_src = p
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{p}");
    assert!(p.contains("frame-ancestors 'none'") && p.contains("object-src 'none'"));
    // The nonce in the header is the one on the page's inline script, and changes.
    let nonce = script_src
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
    let again = policy(&s.http.get(s.url("/login")).send().await.unwrap());
    assert_ne!(again, p);
    // Everything else: no inline script at all.
    let api = policy(&s.call("me", None, json!({})).await);
    let script_src = api
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert_eq!(script_src.trim(), "script-src 'self' 'wasm-unsafe-eval'");
}

#[tokio::test]
async fn the_emoji_table_is_served_as_text() {
    let s = common::start().await;
    let res = s.http.get(s.url("/pkg/emoji.txt")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    let text = res.text().await.unwrap();
    assert!(text.lines().any(|l| l == "🎉\t5\tparty popper\ttada"));
    assert!(text.lines().count() > 1800);

    // Gzipped for a browser that takes it, and the same text inside.
    let res = s
        .http
        .get(s.url("/pkg/emoji.txt"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let zipped = res.bytes().await.unwrap();
    assert!(zipped.len() < text.len() / 2);
    let mut unzipped = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&zipped[..]),
        &mut unzipped,
    )
    .unwrap();
    assert_eq!(unzipped, text);
}

async fn setup_pending(s: &common::TestServer) -> bool {
    s.call("setup_pending", None, json!({}))
        .await
        .json()
        .await
        .unwrap()
}

/// Issue 18, item 12: the first person on the LAN to register no longer becomes the
/// admin; the setup code printed in the server's terminal does that, once.
#[tokio::test]
async fn the_setup_code_makes_one_admin_once() {
    let s = common::start().await;
    let code = s
        .setup_code()
        .await
        .expect("a code while there is no admin");
    assert_eq!(
        s.setup_code().await.as_deref(),
        Some(code.as_str()),
        "stable"
    );
    assert!(setup_pending(&s).await);

    // Without the code: an ordinary account, and the server still waits for its admin.
    let early = s.register("early", "pw early bird").await;
    assert!(!early.session.me.is_admin);
    assert!(setup_pending(&s).await);

    // A wrong code: refused, and nothing is stored.
    let (mut reg, _) = s.registration("mallory", "pw mallory").await;
    reg.setup_code = Some("AAAA-BBBB-CCCC-DDDD".into());
    let res = s
        .call("register", None, json!({ "registration": reg }))
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("not this server's setup code")
    );
    let (reg, _) = s.registration("mallory", "pw mallory").await;
    let res = s
        .call("register", None, json!({ "registration": reg }))
        .await;
    assert_eq!(res.status(), 200, "the name stayed free");

    // The code as typed by a person (lower case, spaces): the admin, and the owner.
    let (mut reg, keys) = s.registration("root", "pw root").await;
    reg.setup_code = Some(code.to_lowercase().replace('-', " "));
    let root = s.submit_registration(reg, keys).await;
    assert!(root.session.me.is_admin);
    assert!(!setup_pending(&s).await);
    assert_eq!(s.setup_code().await, None);
    assert_eq!(
        server::db::users::owner(&s.state.db).await.unwrap(),
        Some(root.id)
    );

    // Once: the same code again is refused, with what happened.
    let (mut reg, _) = s.registration("second", "pw second").await;
    reg.setup_code = Some(code.clone());
    let res = s
        .call("register", None, json!({ "registration": reg }))
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("has its admin"));

    // An older account made admin later does not become the owner.
    server::db::accounts::set_admin(&s.state.db, &early.id, true)
        .await
        .unwrap();
    assert_eq!(
        server::db::users::owner(&s.state.db).await.unwrap(),
        Some(root.id)
    );
}

/// Twelve people enter the setup code at the same moment (on PostgreSQL too, where
/// transactions really run side by side): exactly one becomes the admin.
#[tokio::test]
async fn racing_setup_codes_make_exactly_one_admin() {
    let s = common::start().await;
    let code = s.setup_code().await.unwrap();
    let mut regs = Vec::new();
    for i in 0..12 {
        let (mut reg, _) = s.registration(&format!("racer{i}"), "pw racing").await;
        reg.setup_code = Some(code.clone());
        regs.push(reg);
    }
    let tries = regs.into_iter().map(|reg| {
        let s = &s;
        async move {
            s.call("register", None, json!({ "registration": reg }))
                .await
                .status()
                .as_u16()
        }
    });
    let mut statuses = futures::future::join_all(tries).await;
    statuses.sort();
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses[1..].iter().all(|&c| c == 409), "{statuses:?}");
    let admins = server::db::users::all(&s.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.is_admin)
        .count();
    assert_eq!(admins, 1);
}

/// Rotates `name`'s keys as the browser does, with a new recovery key or without one;
/// the new keys.
async fn rotate_keys(
    s: &common::TestServer,
    name: &str,
    user: &common::User,
    recovery: Option<&protocol::crypto::recovery::RecoveryKey>,
) -> protocol::crypto::identity::IdentityKeys {
    use protocol::api::RecoverySetup;
    use protocol::crypto::wrap::{wrap_for_recovery, wrap_keys};
    let params: LoginParams = s.prelogin(name).await;
    let (auth, wrap) = common::secrets(&params, "pw rotating");
    let keys = protocol::crypto::identity::IdentityKeys::generate().unwrap();
    let id = user.id;
    let setup = recovery.map(|rk| {
        let (rauth, rwrap) = rk.split().unwrap();
        RecoverySetup {
            auth_secret: rauth,
            wrapped_keys: Bytes(wrap_for_recovery(&keys, &rwrap, &id).unwrap()),
        }
    });
    let body = json!({
        "auth_secret": auth, "identity": keys.public(id),
        "wrapped_keys": Bytes(wrap_keys(&keys, &wrap, &id, &params.kdf).unwrap()),
        "recovery": setup,
    });
    let res = s.call("rotate_identity", Some(&user.cookie), body).await;
    assert_eq!(res.status(), 200);
    keys
}

async fn recovery_wrap(
    s: &common::TestServer,
    name: &str,
    rk: &protocol::crypto::recovery::RecoveryKey,
) -> reqwest::Response {
    let (rauth, _) = rk.split().unwrap();
    let body = json!({ "username": name, "recovery_secret": rauth });
    s.call("recovery_keys", None, body).await
}

/// Issue 18, item 5: rotating keys no longer leaves the old private keys in the recovery
/// wrap. With a new recovery key the wrap is replaced; without one it is removed; either
/// way the old recovery key opens nothing, and what a recovery key opens is the identity
/// the server publishes (which the browser checks before it changes anything).
#[tokio::test]
async fn rotation_replaces_or_removes_the_recovery_wrap() {
    use protocol::api::RecoveryWrap;
    use protocol::crypto::recovery::RecoveryKey;
    use protocol::crypto::wrap::unwrap_for_recovery;
    let s = common::start().await;

    // Without a new recovery key the old wrap is gone: the old key opens nothing.
    let (eve, old) = s.register_with_recovery("eve", "pw rotating").await;
    assert_eq!(recovery_wrap(&s, "eve", &old).await.status(), 200);
    rotate_keys(&s, "eve", &eve, None).await;
    assert_eq!(recovery_wrap(&s, "eve", &old).await.status(), 401);

    // With one, the new key opens the new keys, which the server publishes.
    let (fay, old) = s.register_with_recovery("fay", "pw rotating").await;
    let new = RecoveryKey::generate().unwrap();
    let keys = rotate_keys(&s, "fay", &fay, Some(&new)).await;
    assert_eq!(recovery_wrap(&s, "fay", &old).await.status(), 401);
    let found: RecoveryWrap = recovery_wrap(&s, "fay", &new).await.json().await.unwrap();
    let (_, rwrap) = new.split().unwrap();
    let opened = unwrap_for_recovery(found.wrapped_keys.as_slice(), &rwrap, &fay.id).unwrap();
    assert!(found.identity.matches(&opened) && found.identity.matches(&keys));
}

/// Issue 18, item 1: a save names the store it merged with, so a tab that saved in
/// between is merged again rather than overwritten.
#[tokio::test]
async fn a_pins_save_over_a_store_that_changed_is_refused() {
    use protocol::crypto::pins::Pins;
    let s = common::start().await;
    let ann = s.register("ann", "pw one").await;
    let save = |blob: Vec<u8>, previous: Option<&str>| {
        let body = json!({ "blob": Bytes(blob), "previous": previous });
        let cookie = ann.cookie.clone();
        let s = &s;
        async move { s.call("save_pins", Some(&cookie), body).await.status() }
    };
    // Over nothing: "" says so; another "" after the first landed is refused.
    assert_eq!(save(vec![1; 40], Some("")).await, 200);
    assert_eq!(save(vec![2; 40], Some("")).await, 409);
    // Over the store it read: taken; over one that changed since: refused.
    let first = Pins::digest(&[1; 40]);
    assert_eq!(save(vec![3; 40], Some(&first)).await, 200);
    assert_eq!(save(vec![4; 40], Some(&first)).await, 409);
    let stored: Option<Bytes> = s
        .call("pins", Some(&ann.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored.unwrap().0, vec![3; 40]);
    // Without `previous` (an older client), as before: replaced.
    assert_eq!(save(vec![5; 40], None).await, 200);
}
