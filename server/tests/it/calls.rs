//! Call signalling against a real server: a sealed signal reaches every tab of both
//! people of a direct conversation byte for byte, opens there, and is stored nowhere;
//! outsiders and oversized signals are refused.

use crate::common::{self, User};
use protocol::api::call::{Media, SIGNAL_ENVELOPE_MAX, Signal, SignalBody};
use protocol::crypto::{call, envelope::Direction};
use protocol::frames::{ClientFrame, ErrorCode, ServerFrame};
use protocol::{Bytes, CallId, ConversationId};

const SDP: &str = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5\r\n";

fn direction(conversation: ConversationId, from: &User, to: &User) -> Direction {
    Direction {
        conversation,
        sender: from.id,
        recipient: to.id,
        sender_key: from.keys.public(from.id).agreement,
        recipient_key: to.keys.public(to.id).agreement,
    }
}

fn signal_frame(conversation: ConversationId, envelope: Vec<u8>) -> String {
    ClientFrame::Signal {
        conversation,
        envelope: Bytes(envelope),
    }
    .encode()
}

#[tokio::test]
async fn a_signal_reaches_every_tab_of_both_people_and_only_them() {
    let s = common::start().await;
    let (alice, bob, carol) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
    );
    let conv = s.direct(&alice, &bob).await;
    let origin = s.own_origin();
    let open = |cookie: String| {
        let origin = origin.clone();
        let s = &s;
        async move { s.socket(Some(&cookie), Some(&origin)).await.unwrap() }
    };
    let (mut a1, mut a2) = (
        open(alice.cookie.clone()).await,
        open(alice.cookie.clone()).await,
    );
    let (mut b1, mut b2) = (
        open(bob.cookie.clone()).await,
        open(bob.cookie.clone()).await,
    );
    let mut c = open(carol.cookie.clone()).await;

    let dir = direction(conv, &alice, &bob);
    let ring = Signal {
        call: CallId([4; 16]),
        tab: 1,
        at: 0,
        body: SignalBody::Ring {
            media: Media::Video,
            sdp: SDP.into(),
        },
    };
    let key = dir
        .key(alice.keys.agreement_secret(), &dir.recipient_key)
        .unwrap();
    let sealed = call::seal(&key, &dir, &ring).unwrap();
    a1.send_text(signal_frame(conv, sealed.clone())).await;
    let relayed = ServerFrame::Signal {
        conversation: conv,
        sender: alice.id,
        envelope: Bytes(sealed.clone()),
    };
    // Both of bob's tabs ring, and alice's other tab (and the sending one) hear it too.
    for tab in [&mut b1, &mut b2, &mut a2, &mut a1] {
        assert_eq!(tab.next_frame().await, relayed);
    }
    let bobs = dir
        .key(bob.keys.agreement_secret(), &dir.sender_key)
        .unwrap();
    assert_eq!(call::open(&bobs, &dir, &sealed).unwrap(), ring);
    // Carol heard nothing: her ping's answer is the first frame she gets.
    c.send_text(ClientFrame::Ping.encode()).await;
    assert_eq!(c.next_frame().await, ServerFrame::Pong);

    // Carol cannot signal into their conversation; nobody signals into one that is not
    // a direct conversation, or with more than a signal's size.
    c.send_text(signal_frame(conv, sealed.clone())).await;
    assert_refused(&mut c, ErrorCode::NotMember).await;
    a1.send_text(signal_frame(ConversationId(conv.0 + 1000), sealed.clone()))
        .await;
    assert_refused(&mut a1, ErrorCode::NotMember).await;
    a1.send_text(signal_frame(conv, vec![0; SIGNAL_ENVELOPE_MAX + 1]))
        .await;
    assert_refused(&mut a1, ErrorCode::TooLarge).await;
    b1.send_text(ClientFrame::Ping.encode()).await;
    assert_eq!(
        b1.next_frame().await,
        ServerFrame::Pong,
        "nothing more came"
    );

    // Relayed, never stored.
    assert!(s.history(&bob.cookie, conv).await.messages.is_empty());
}

async fn assert_refused(socket: &mut common::Socket, want: ErrorCode) {
    match socket.next_frame().await {
        ServerFrame::Error { code, .. } => assert_eq!(code, want),
        other => panic!("expected {want:?}, got {other:?}"),
    }
}
