//! The sessions list: each browser signed in, where from, and ending them (the ended
//! browser's socket is cut off and its cookie refused), owner checked in the query.

use crate::common;

use protocol::api::SessionInfo;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

const PHONE: &str = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0";

/// Signs in again from another "browser" (a User-Agent); returns its cookie.
async fn sign_in_as(s: &common::TestServer, name: &str, password: &str, agent: &str) -> String {
    let auth = s.auth_secret(name, password).await;
    let res = s
        .http
        .post(s.url("/api/login"))
        .header("user-agent", agent)
        .json(&json!({ "username": name, "auth_secret": auth }))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    common::session_cookie(&res)
}

async fn list(s: &common::TestServer, cookie: &str) -> Vec<SessionInfo> {
    let res = s.call("sessions", Some(cookie), json!({})).await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("sessions")
}

async fn status(s: &common::TestServer, name: &str, cookie: &str, body: serde_json::Value) -> u16 {
    s.call(name, Some(cookie), body).await.status().as_u16()
}

#[tokio::test]
async fn a_user_sees_and_ends_their_other_sessions() {
    let s = common::start().await;
    let alice = s.register("alice", "pw one").await;
    let bob = s.register("bob", "pw two").await;
    let phone = sign_in_as(&s, "alice", "pw one", PHONE).await;
    let mut phone_socket = s
        .socket(Some(&phone), Some(&s.own_origin()))
        .await
        .expect("socket");

    let sessions = list(&s, &alice.cookie).await;
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let (mine, other): (Vec<_>, Vec<_>) = sessions.into_iter().partition(|x| x.current);
    assert_eq!(mine.len(), 1);
    let other = &other[0];
    assert_eq!(other.agent.as_deref(), Some(PHONE));
    assert_eq!(other.address.as_deref(), Some("127.0.0.1"));
    assert_eq!(other.id.len(), protocol::api::SESSION_ID_LEN);

    // Someone else cannot end it, nor can a malformed handle end anything.
    let end = |id: &str| json!({ "id": id });
    assert_eq!(
        status(&s, "end_session", &bob.cookie, end(&other.id)).await,
        404
    );
    assert_eq!(status(&s, "end_session", &alice.cookie, end("")).await, 400);
    assert_eq!(
        status(&s, "end_session", &alice.cookie, end("%%%%")).await,
        400
    );
    assert_eq!(status(&s, "me", &phone, json!({})).await, 200);

    // Its owner can: the phone's socket closes and its cookie no longer works.
    assert_eq!(
        status(&s, "end_session", &alice.cookie, end(&other.id)).await,
        200
    );
    loop {
        match phone_socket.next_raw().await {
            None | Some(Message::Close(_)) => break,
            Some(_) => continue,
        }
    }
    assert_eq!(status(&s, "me", &phone, json!({})).await, 401);
    assert!(s.socket(Some(&phone), Some(&s.own_origin())).await.is_err());
    assert_eq!(
        status(&s, "end_session", &alice.cookie, end(&other.id)).await,
        404
    );
    assert_eq!(list(&s, &alice.cookie).await.len(), 1);
    assert_eq!(status(&s, "me", &alice.cookie, json!({})).await, 200);
}

#[tokio::test]
async fn ending_all_others_keeps_this_one_and_other_people() {
    let s = common::start().await;
    let alice = s.register("alice", "pw one").await;
    let bob = s.register("bob", "pw two").await;
    let second = sign_in_as(&s, "alice", "pw one", PHONE).await;
    let third = sign_in_as(&s, "alice", "pw one", "curl/8").await;
    assert_eq!(list(&s, &alice.cookie).await.len(), 3);
    assert_eq!(
        status(&s, "end_other_sessions", &alice.cookie, json!({})).await,
        200
    );
    for ended in [&second, &third] {
        assert_eq!(status(&s, "me", ended, json!({})).await, 401);
    }
    assert_eq!(status(&s, "me", &alice.cookie, json!({})).await, 200);
    assert_eq!(status(&s, "me", &bob.cookie, json!({})).await, 200);
    assert_eq!(list(&s, &alice.cookie).await.len(), 1);
    // Without a session there is nothing to list or end.
    assert_eq!(s.call("sessions", None, json!({})).await.status(), 401);
    assert_eq!(
        s.call("end_other_sessions", None, json!({})).await.status(),
        401
    );
}

#[tokio::test]
async fn logging_out_closes_the_sessions_other_tabs() {
    let s = common::start().await;
    let alice = s.register("alice", "pw one").await;
    let mut tab = s
        .socket(Some(&alice.cookie), Some(&s.own_origin()))
        .await
        .expect("socket");
    assert_eq!(status(&s, "logout", &alice.cookie, json!({})).await, 200);
    loop {
        match tab.next_raw().await {
            None | Some(Message::Close(_)) => break,
            Some(_) => continue,
        }
    }
    assert_eq!(status(&s, "me", &alice.cookie, json!({})).await, 401);
}

/// A session's sockets end with it: a tab kept open past the session's lifetime is cut
/// off when the time comes (not at its next request), and cannot reconnect.
#[tokio::test]
async fn a_socket_closes_when_its_session_expires() {
    let s = common::start_with(30 * common::DAY, std::time::Duration::from_secs(3)).await;
    let alice = s.register("alice", "pw one").await;
    let mut tab = s
        .socket(Some(&alice.cookie), Some(&s.own_origin()))
        .await
        .expect("socket");
    let opened = std::time::Instant::now();
    // Busy, not idle: the socket is used all along, and still ends.
    loop {
        assert!(
            opened.elapsed() < std::time::Duration::from_secs(8),
            "the socket outlived its session"
        );
        let ping = protocol::frames::ClientFrame::Ping.encode();
        let _ = futures::SinkExt::send(&mut tab.ws, Message::text(ping)).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        match tab.next_raw().await {
            None | Some(Message::Close(_)) => break,
            Some(_) => continue,
        }
    }
    assert!(
        s.socket(Some(&alice.cookie), Some(&s.own_origin()))
            .await
            .is_err()
    );
    assert_eq!(status(&s, "me", &alice.cookie, json!({})).await, 401);
}
