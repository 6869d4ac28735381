//! The WebSocket against a real server: authentication, Origin, limits, bad frames and
//! idempotent sends.

use crate::common;

use protocol::api::ConversationSummary;
use protocol::frames::{ClientFrame, ErrorCode, MAX_FRAME_BYTES, ServerFrame};
use protocol::{Bytes, ClientMsgId, MessageId};
use serde_json::json;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};

/// The HTTP status a refused upgrade got.
async fn refused(s: &common::TestServer, cookie: Option<&str>, origin: Option<&str>) -> u16 {
    match s.socket(cookie, origin).await {
        Err(Error::Http(res)) => res.status().as_u16(),
        Err(e) => panic!("refused without an HTTP answer: {e}"),
        Ok(_) => panic!("accepted"),
    }
}

#[tokio::test]
async fn foreign_origin_or_no_session_is_refused() {
    let s = common::start().await;
    let alice = s.register("alice", "pw one").await;
    let origin = s.own_origin();
    // Each is refused at the upgrade with the status that says why.
    let (a, evil) = (Some(alice.cookie.as_str()), Some("http://evil.example"));
    assert_eq!(refused(&s, a, evil).await, 403);
    assert_eq!(refused(&s, a, None).await, 403);
    assert_eq!(refused(&s, None, Some(&origin)).await, 401);
    let forged = Some("hearth_session=forged");
    assert_eq!(refused(&s, forged, Some(&origin)).await, 401);
    assert!(s.socket(Some(&alice.cookie), Some(&origin)).await.is_ok());
}

#[tokio::test]
async fn limits_bad_frames_and_repeated_ids() {
    let s = common::start().await;
    let alice = s.register("alice", "pw one").await;
    let bob = s.register("bob", "pw two").await;
    let origin = s.own_origin();
    let mut a1 = s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap();
    let mut a2 = s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap();
    let mut b = s.socket(Some(&bob.cookie), Some(&origin)).await.unwrap();

    // Malformed frames: an error frame, and the socket stays usable.
    for bad in [
        "not json",
        "{}",
        r#"{"v":1,"type":"send"}"#,
        r#"{"v":9,"type":"ping"}"#,
    ] {
        a1.send_text(bad.into()).await;
        match a1.next_frame().await {
            ServerFrame::Error { code, .. } => assert_eq!(code, ErrorCode::BadFrame, "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    a1.send_text(ClientFrame::Ping.encode()).await;
    assert_eq!(a1.next_frame().await, ServerFrame::Pong);

    // A conversation, and a message sent twice with the same client id.
    let conv = s.direct(&alice, &bob).await;
    let id = ClientMsgId([7; 16]);
    let send = ClientFrame::Send {
        conversation: conv,
        client_id: id,
        envelope: Bytes(vec![1; 300]),
        files: vec![],
        event: false,
    }
    .encode();
    a1.send_text(send.clone()).await;
    let ServerFrame::Ack { id: first, .. } = a1.next_frame().await else {
        panic!("ack")
    };
    // Every tab of both people gets it live.
    assert!(matches!(b.next_frame().await, ServerFrame::Message(m) if m.id == first));
    assert!(matches!(a2.next_frame().await, ServerFrame::Message(m) if m.id == first));
    assert!(matches!(a1.next_frame().await, ServerFrame::Message(m) if m.id == first));
    a1.send_text(send).await;
    let second = match a1.next_frame().await {
        ServerFrame::Ack { id, .. } => id,
        other => panic!("ack: {other:?}"),
    };
    assert_eq!(
        first, second,
        "a repeated client id is acknowledged with the stored message"
    );
    let page = s.history(&bob.cookie, conv).await;
    assert_eq!(page.messages.len(), 1, "stored once");
    assert_eq!(page.messages[0].envelope.len(), 300);

    // Resume replays what was missed.
    b.send_text(
        ClientFrame::Resume {
            after: MessageId(0),
        }
        .encode(),
    )
    .await;
    assert!(matches!(b.next_frame().await, ServerFrame::Message(m) if m.id == first));
    assert_eq!(
        b.next_frame().await,
        ServerFrame::Resumed { complete: true }
    );

    // A stranger cannot post into or read the conversation.
    let carol = s.register("carol", "pw three").await;
    let mut c = s.socket(Some(&carol.cookie), Some(&origin)).await.unwrap();
    c.send_text(
        ClientFrame::Send {
            conversation: conv,
            client_id: id,
            envelope: Bytes(vec![1; 10]),
            files: vec![],
            event: false,
        }
        .encode(),
    )
    .await;
    assert!(matches!(
        c.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::NotMember,
            ..
        }
    ));
    let res = s
        .call(
            "history",
            Some(&carol.cookie),
            json!({ "conversation": conv, "before": null }),
        )
        .await;
    assert_eq!(res.status(), 403, "a non-member reads nothing");

    // An oversized frame closes that socket with a reason; the others keep working.
    a2.send_text("x".repeat(MAX_FRAME_BYTES + 1)).await;
    loop {
        match a2.next_raw().await {
            Some(Message::Close(Some(frame))) => {
                assert_eq!(frame.code, CloseCode::Size);
                assert!(frame.reason.contains("too large"));
                break;
            }
            Some(Message::Text(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
    a1.send_text(ClientFrame::Ping.encode()).await;
    assert_eq!(a1.next_frame().await, ServerFrame::Pong);
    b.send_text(ClientFrame::Ping.encode()).await;
    assert_eq!(b.next_frame().await, ServerFrame::Pong);
}

/// Typing reaches the other members only (and not from outsiders); reading tells the
/// others how far, live and in the history page.
#[tokio::test]
async fn typing_and_read_marks_reach_the_other_members() {
    let s = common::start().await;
    let (alice, bob, carol) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
    );
    let origin = s.own_origin();
    let conv = s.direct(&alice, &bob).await;
    let mut a = s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap();
    let mut b = s.socket(Some(&bob.cookie), Some(&origin)).await.unwrap();
    let mut c = s.socket(Some(&carol.cookie), Some(&origin)).await.unwrap();

    a.send_text(ClientFrame::Typing { conversation: conv }.encode())
        .await;
    assert_eq!(
        b.next_frame().await,
        ServerFrame::Typing {
            conversation: conv,
            user: alice.id
        }
    );
    c.send_text(ClientFrame::Typing { conversation: conv }.encode())
        .await;
    assert!(matches!(
        c.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::NotMember,
            ..
        }
    ));

    a.send_text(
        ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([3; 16]),
            envelope: Bytes(vec![1; 300]),
            files: vec![],
            event: false,
        }
        .encode(),
    )
    .await;
    let id = loop {
        if let ServerFrame::Ack { id, .. } = a.next_frame().await {
            break id;
        }
    };
    assert!(matches!(b.next_frame().await, ServerFrame::Message(_)));
    b.send_text(
        ClientFrame::Read {
            conversation: conv,
            up_to: id,
        }
        .encode(),
    )
    .await;
    let seen = ServerFrame::Seen {
        conversation: conv,
        user: bob.id,
        up_to: id,
    };
    loop {
        let f = a.next_frame().await;
        if !matches!(f, ServerFrame::Message(_)) {
            assert_eq!(
                f, seen,
                "alice typed nothing to herself and sees bob's mark"
            );
            break;
        }
    }
    let page = s.history(&alice.cookie, conv).await;
    assert_eq!(
        page.seen,
        vec![protocol::api::ReadMark {
            user: bob.id,
            up_to: id
        }]
    );

    // An event (a reaction, say) is not unread; a message is. A mark far ahead stops at
    // the newest message.
    let unread = async || -> u32 {
        let cs: Vec<ConversationSummary> = s
            .call("conversations", Some(&bob.cookie), json!({}))
            .await
            .json()
            .await
            .unwrap();
        cs.iter().find(|c| c.id == conv).unwrap().unread
    };
    for (n, event) in [(4u8, true), (5, false)] {
        let frame = ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([n; 16]),
            envelope: Bytes(vec![1; 300]),
            files: vec![],
            event,
        };
        a.send_text(frame.encode()).await;
        while !matches!(a.next_frame().await, ServerFrame::Ack { .. }) {}
    }
    assert_eq!(unread().await, 1);
    b.send_text(
        ClientFrame::Read {
            conversation: conv,
            up_to: protocol::MessageId(i64::MAX),
        }
        .encode(),
    )
    .await;
    let newest = loop {
        if let ServerFrame::Seen { up_to, .. } = a.next_frame().await {
            break up_to;
        }
    };
    assert!(
        newest.0 < 10,
        "clamped to the newest message, not {newest:?}"
    );
    assert_eq!(unread().await, 0);
}

#[tokio::test]
async fn shutting_down_closes_every_socket_with_going_away() {
    let s = common::start().await;
    let alice = s.register("alice", "pw one").await;
    let mut ws = s
        .socket(Some(&alice.cookie), Some(&s.own_origin()))
        .await
        .expect("socket");
    s.state.hub.going_away();
    loop {
        match ws.next_raw().await {
            Some(Message::Close(Some(f))) => {
                assert_eq!(f.code, CloseCode::Away);
                break;
            }
            Some(Message::Close(None)) | None => panic!("closed without saying why"),
            Some(_) => continue,
        }
    }
    // The server itself still answers (the HTTP side stops on its own signal).
    let health = s.http.get(s.url("/healthz")).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
}
