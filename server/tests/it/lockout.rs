//! Issue 18, item 8: guesses spread over many addresses meet a ceiling on the account
//! itself. A phished password and a new address per try once guessed a six-digit code in
//! about a day; now the account waits longer after each failure and locks at the tenth,
//! from wherever the tries come. The owner's usual browser still gets in; the recovery
//! key or an admin lifts the lock, and the audit log and the owner are told.

use crate::common;

use protocol::api::{Session, TotpEnrolment};
use serde_json::{Value, json};
use server::limit::Limits;
use server::totp::{code_at, now};
use std::time::Duration;

/// A lockout that waits milliseconds instead of seconds (the same doubling, the same
/// ceiling of ten).
fn quick() -> Limits {
    let mut limits = Limits::default();
    limits.lockout.first_wait = Duration::from_millis(40);
    limits
}

async fn answer(res: reqwest::Response) -> (u16, String) {
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn login(api: &common::Api, body: Value, cookie: Option<&str>) -> reqwest::Response {
    api.call("login", cookie, body).await
}

/// Tries `body` from a new address each time until the account locks, waiting out each
/// back-off as an attacker would: the answers to the tries that were checked, and how
/// many addresses it took.
async fn hammer(s: &common::TestServer, body: &Value, first: u8) -> (Vec<(u16, String)>, u8) {
    let mut checked = Vec::new();
    let mut addr = first;
    loop {
        let a = answer(login(&s.from(addr), body.clone(), None).await).await;
        addr += 1;
        match a.0 {
            409 => {
                assert!(a.1.contains("Please wait"), "{a:?}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            403 => {
                assert!(a.1.contains("locked"), "{a:?}");
                return (checked, addr - first);
            }
            _ => checked.push(a),
        }
        assert!(addr < 250, "never locked: {checked:?}");
    }
}

/// Turns two-step login on for `cookie`'s account; its recovery codes.
async fn two_step(s: &common::TestServer, cookie: &str, name: &str, pw: &str) -> Vec<String> {
    let auth = s.auth_secret(name, pw).await;
    let res = s
        .call("totp_begin", Some(cookie), json!({ "auth_secret": auth }))
        .await;
    let e: TotpEnrolment = res.json().await.unwrap();
    let secret = totp_rs::Secret::try_from_base32(&e.secret)
        .unwrap()
        .as_bytes()
        .to_vec();
    let code = code_at(&secret, 6, now());
    let res = s
        .call("totp_confirm", Some(cookie), json!({ "code": code }))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn code_guesses_from_many_addresses_lock_the_account_not_its_owners_browser() {
    let s = common::start_limited(quick()).await;
    let root = s.register_admin("root", "pw root").await;
    let vic = s.register("vic", "vic's password").await;
    let auth = s.auth_secret("vic", "vic's password").await;
    // Her usual browser: it signed in before, and keeps the cookie that says so.
    let res = s.login("vic", &auth).await;
    let usual = common::device_cookie(&res);
    let codes = two_step(&s, &vic.cookie, "vic", "vic's password").await;

    // Someone who phished the password guesses codes, each try from another address, so
    // no address ever meets its own limit of ten.
    let guess = json!({ "username": "vic", "auth_secret": auth, "totp": "000001" });
    let (checked, addresses) = hammer(&s, &guess, 10).await;
    assert_eq!(checked.len(), 10, "ten guesses, then the lock: {checked:?}");
    assert!(checked.iter().all(|(st, _)| *st == 401));
    assert!(addresses > 10, "the back-off turned tries away too");

    // Locked: even the right code from a new browser is refused, and says nothing of it.
    let right = json!({ "username": "vic", "auth_secret": auth, "totp": codes[0] });
    let res = answer(login(&s.from(200), right.clone(), None).await).await;
    assert_eq!(res.0, 403);
    assert!(res.1.contains("locked"));

    // Her usual browser still gets in, and she is told what happened.
    let mine = format!("{usual}; unrelated=1");
    let res = login(&s.from(201), right.clone(), Some(&mine)).await;
    assert_eq!(res.status(), 200);
    let session: Session = res.json().await.unwrap();
    assert!(
        session
            .notices
            .iter()
            .any(|n| n.contains("locked after 10 failed sign-ins")),
        "{:?}",
        session.notices
    );

    // The admin sees the lock in the panel and the audit log, and lifts it.
    let unlock = json!({ "auth_secret": s.auth_secret("root", "pw root").await });
    assert_eq!(
        s.call("admin_unlock", Some(&root.cookie), unlock)
            .await
            .status(),
        200
    );
    let o: protocol::api::admin::Overview = s
        .call("admin_overview", Some(&root.cookie), json!({ "since": 0 }))
        .await
        .json()
        .await
        .unwrap();
    let summary = o.users.iter().find(|u| u.username == "vic").unwrap();
    assert!(summary.locked);
    let act = json!({ "action": { "do": "unlock", "user": vic.id } });
    assert_eq!(
        s.call("admin_act", Some(&root.cookie), act).await.status(),
        200
    );
    let audit: Vec<protocol::api::admin::AuditEntry> = s
        .call("admin_audit", Some(&root.cookie), json!({ "before": null }))
        .await
        .json()
        .await
        .unwrap();
    let said = |action: &str, actor: &str| {
        audit
            .iter()
            .any(|e| e.action == action && e.actor == actor && e.target.as_deref() == Some("vic"))
    };
    assert!(
        said("lock", "(server)") && said("unlock", "root"),
        "{audit:?}"
    );
    let right = json!({ "username": "vic", "auth_secret": auth, "totp": codes[1] });
    assert_eq!(login(&s.from(202), right, None).await.status(), 200);
}

/// A name without an account is answered exactly as one with: the same statuses and
/// words, try by try, to the lock.
#[tokio::test]
async fn a_name_without_an_account_locks_alike() {
    let s = common::start_limited(quick()).await;
    s.register("real", "the real password").await;
    let guess = |name: &str| json!({ "username": name, "auth_secret": s_secret(), "totp": null });
    let (real, _) = hammer(&s, &guess("real"), 10).await;
    let (ghost, _) = hammer(&s, &guess("ghost"), 60).await;
    assert_eq!(real, ghost);
    // Each from an address no try came from: one the hammering used may be held back
    // by the per-address limit, whose "wait N seconds" differs by when it is asked.
    let locked = |name: &str, addr: u8| {
        let body = guess(name);
        let api = s.from(addr);
        async move { answer(login(&api, body, None).await).await }
    };
    assert_eq!(locked("real", 250).await, locked("ghost", 251).await);
}

fn s_secret() -> protocol::crypto::kdf::AuthSecret {
    protocol::crypto::kdf::AuthSecret([7; 32])
}

/// "Forgot password" with the recovery key lifts the lock (the owner proved more than a
/// password); the audit log says how.
#[tokio::test]
async fn the_recovery_key_lifts_the_lock() {
    use protocol::crypto::wrap::unwrap_for_recovery;
    let s = common::start_limited(quick()).await;
    let (ann, rk) = s.register_with_recovery("ann", "ann's password").await;
    let guess = json!({ "username": "ann", "auth_secret": s_secret() });
    hammer(&s, &guess, 10).await;

    let (rauth, rwrap) = rk.split().unwrap();
    let found: protocol::api::RecoveryWrap = s
        .from(100)
        .call(
            "recovery_keys",
            None,
            json!({ "username": "ann", "recovery_secret": rauth }),
        )
        .await
        .json()
        .await
        .unwrap();
    let keys = unwrap_for_recovery(found.wrapped_keys.as_slice(), &rwrap, &ann.id).unwrap();
    let (change, new_auth) = common::recovery_change(&rk, &keys, &ann.id, "ann's new one");
    let body = json!({ "username": "ann", "change": change });
    assert_eq!(s.from(101).call("recover", None, body).await.status(), 200);
    assert_eq!(s.from(102).login("ann", &new_auth).await.status(), 200);
    let entries = server::db::audit::page(&s.state.db, None).await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "unlock" && e.detail.as_deref() == Some("recovery key")),
        "{entries:?}"
    );
}

/// Forty guesses at once from forty addresses: the failures are counted before the
/// secrets are checked, so no more than the free five get through before the wait.
#[tokio::test]
async fn parallel_guesses_from_many_addresses_cannot_slip_past_the_ceiling() {
    let s = common::start().await;
    s.register("pia", "pia's password").await;
    let guess = json!({ "username": "pia", "auth_secret": s_secret() });
    let tries = (0..40u8).map(|i| {
        let api = s.from(10 + i);
        let body = guess.clone();
        async move { answer(login(&api, body, None).await).await.0 }
    });
    let statuses = futures::future::join_all(tries).await;
    let checked = statuses.iter().filter(|&&c| c == 401).count();
    let turned = statuses.iter().filter(|&&c| c == 409).count();
    assert_eq!((checked, turned), (5, 35), "{statuses:?}");
}
