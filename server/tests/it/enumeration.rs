//! Account enumeration: without the account's own secret, login, first setup, recovery
//! and the recovery wrap answer alike whether the name is free, taken, waiting for its
//! owner, disabled, or has a recovery key; only an open registration may say "taken".

use crate::common;

use protocol::UserId;
use protocol::crypto::kdf::{AuthSecret, KdfParams, Salt, derive_master};
use serde_json::{Value, json};

/// Status and body of one answer, to compare answers by.
async fn answer(res: reqwest::Response) -> (u16, String) {
    (res.status().as_u16(), res.text().await.expect("body"))
}

fn secret(password: &str) -> AuthSecret {
    derive_master(password, &Salt([9; 16]), KdfParams::FLOOR)
        .unwrap()
        .split()
        .unwrap()
        .0
}

/// The server as seen from another loopback address, so that each way in has its own
/// allowance of failed tries (ten per address) and none is cut short by the others'.
fn from(s: &common::TestServer, last: u8) -> common::Api {
    s.from(last)
}

#[tokio::test]
async fn every_way_in_answers_alike_for_every_kind_of_account() {
    let s = common::start().await;
    let admin = s.register_admin("root", "pw zero").await;
    let _plain = s.register("plain", "pw one").await;
    let (_, _rk) = s.register_with_recovery("keyed", "pw two").await;
    // Waiting for its owner, and waiting but disabled.
    for name in ["waiting", "shut"] {
        let account = json!({ "account": {
            "username": name, "display_name": name, "salt": Salt([7; 16]),
            "kdf": KdfParams::FLOOR, "auth_secret": secret("temporary"),
        }});
        let res = s.call("admin_add_user", Some(&admin.cookie), account).await;
        assert_eq!(res.status(), 200);
    }
    let users: Vec<protocol::api::admin::UserSummary> = s
        .call("admin_users", Some(&admin.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    let shut: UserId = users.iter().find(|u| u.username == "shut").unwrap().id;
    server::db::accounts::set_disabled(&s.state.db, &shut, true)
        .await
        .unwrap()
        .expect("disabled");

    let names = ["nobody", "plain", "keyed", "waiting", "shut"];
    let wrong = secret("a guess");
    for (way, body, at) in [
        ("login", json!({ "auth_secret": wrong }), 2),
        ("recovery_keys", json!({ "recovery_secret": wrong }), 3),
    ] {
        let mut seen = Vec::new();
        for name in names {
            let mut body = body.clone();
            body["username"] = Value::from(name);
            seen.push(answer(from(&s, at).call(way, None, body).await).await);
        }
        assert!(
            seen.iter().all(|a| a == &seen[0] && a.0 == 401),
            "{way}: {seen:?}"
        );
    }
    // First setup and recovery carry new keys for the account: any will do, the secret
    // is wrong either way.
    let mut setups = Vec::new();
    let mut recoveries = Vec::new();
    for name in names {
        let (res, keys) = from(&s, 4)
            .finish_setup(name, &wrong, "new pw", UserId([3; 16]))
            .await;
        setups.push(answer(res).await);
        let (change, _) = common::recovery_change(
            &protocol::crypto::recovery::RecoveryKey::generate().unwrap(),
            &keys,
            &UserId([3; 16]),
            "new pw",
        );
        let body = json!({ "username": name, "change": change });
        recoveries.push(answer(from(&s, 5).call("recover", None, body).await).await);
    }
    assert!(
        setups.iter().all(|a| a == &setups[0] && a.0 == 401),
        "{setups:?}"
    );
    assert!(
        recoveries.iter().all(|a| a == &recoveries[0] && a.0 == 401),
        "{recoveries:?}"
    );
}
