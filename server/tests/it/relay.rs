//! The call relay against real TURN clients (webrtc-rs's, as a browser's would be): a
//! pass asked for over the socket opens an allocation and media flows between two
//! relays; a pass the server did not hand out is refused, as is anyone outside the
//! conversation; a relay sends nowhere but to another relay or the LAN.

use crate::common::{self, User};
use protocol::api::relay::RelayPass;
use protocol::frames::{ClientFrame, ErrorCode, ServerFrame};
use server::relay::Relay;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UdpSocket;
use turn::client::{Client, ClientConfig};
use util::Conn;

/// A TURN client of the relay at `url` with `username` and `password`, listening.
async fn client(url: &str, username: &str, password: &str) -> Client {
    let at = url
        .trim_start_matches("turn:")
        .split('?')
        .next()
        .expect("an address");
    let conn = Arc::new(UdpSocket::bind("127.0.0.1:0").await.expect("a socket"));
    let c = Client::new(ClientConfig {
        stun_serv_addr: String::new(),
        turn_serv_addr: at.to_string(),
        username: username.into(),
        password: password.into(),
        realm: String::new(),
        software: String::new(),
        rto_in_ms: 0,
        conn,
        vnet: None,
    })
    .await
    .expect("a client");
    c.listen().await.expect("listening");
    c
}

async fn ask(s: &common::TestServer, user: &User, conv: protocol::ConversationId) -> ServerFrame {
    let mut socket = s
        .socket(Some(&user.cookie), Some(&s.own_origin()))
        .await
        .expect("a socket");
    socket
        .send_text(ClientFrame::Relay { conversation: conv }.encode())
        .await;
    socket.next_frame().await
}

async fn pass_of(s: &common::TestServer, user: &User, conv: protocol::ConversationId) -> RelayPass {
    match ask(s, user, conv).await {
        ServerFrame::Relay {
            conversation,
            pass: Some(pass),
        } if conversation == conv => pass,
        other => panic!("expected a pass, got {other:?}"),
    }
}

async fn received(conn: &impl Conn) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0u8; 1500];
    let (n, from) = tokio::time::timeout(Duration::from_secs(10), conn.recv_from(&mut buf))
        .await
        .expect("something arrives")
        .expect("a datagram");
    (buf[..n].to_vec(), from)
}

#[tokio::test]
async fn passes_open_the_relay_and_only_they_do() {
    let s = common::start().await;
    let (alice, bob, carol) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
    );
    let conv = s.direct(&alice, &bob).await;
    // Without a relay, the answer says so.
    assert_eq!(
        ask(&s, &alice, conv).await,
        ServerFrame::Relay {
            conversation: conv,
            pass: None
        }
    );
    let relay = Relay::start(&["127.0.0.1".parse().unwrap()], 0, [9; 32].into())
        .await
        .expect("the relay starts");
    assert!(s.state.relay.set(relay).is_ok());

    // Someone outside the conversation gets no pass.
    match ask(&s, &carol, conv).await {
        ServerFrame::Error { code, .. } => assert_eq!(code, ErrorCode::NotMember),
        other => panic!("carol got {other:?}"),
    }

    let (a, b) = (
        pass_of(&s, &alice, conv).await,
        pass_of(&s, &bob, conv).await,
    );
    assert_eq!(a.urls.len(), 1);
    let url = &a.urls[0];
    // A made-up pass, and a real name with a wrong password, open nothing.
    let forged = format!("{}:{}", u32::MAX, "0".repeat(32));
    for (user, password) in [(forged.as_str(), "guess"), (a.username.as_str(), "guess")] {
        let c = client(url, user, password).await;
        assert!(c.allocate().await.is_err(), "{user} was let in");
        c.close().await.expect("closed");
    }

    let ca = client(url, &a.username, &a.credential).await;
    let cb = client(url, &b.username, &b.credential).await;
    let (ra, rb) = (
        ca.allocate().await.expect("alice's relay"),
        cb.allocate().await.expect("bob's relay"),
    );
    let (ra_at, rb_at) = (ra.local_addr().unwrap(), rb.local_addr().unwrap());
    assert_eq!(s.state.relay.get().unwrap().relays(), 2);

    // Something on the server's loopback that is not a relay: never reached.
    let probe = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let probe_at = probe.local_addr().unwrap();
    // Bob's side lets alice's relay in (a TURN permission), as ICE's checks do.
    rb.send_to(b"knock", ra_at).await.expect("sent");
    // Alice's datagram to the probe comes first, then hers to bob's relay: once that one
    // arrived, the probe's would have too.
    let _ = ra.send_to(b"to the probe", probe_at).await;
    ra.send_to(b"hello bob", rb_at).await.expect("sent");
    assert_eq!(received(&rb).await, (b"hello bob".to_vec(), ra_at));
    let mut buf = [0u8; 64];
    assert!(
        probe.try_recv_from(&mut buf).is_err(),
        "the relay sent to a service of the server"
    );
    rb.send_to(b"hello alice", ra_at).await.expect("sent");
    // (Bob's knock may come first, if alice's relay read it after her permission.)
    let mut got = received(&ra).await;
    if got.0 == b"knock" {
        got = received(&ra).await;
    }
    assert_eq!(got, (b"hello alice".to_vec(), rb_at));

    ca.close().await.unwrap();
    cb.close().await.unwrap();
}
