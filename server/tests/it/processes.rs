//! Two Hearth processes on one PostgreSQL database (run with HEARTH_TEST_POSTGRES, as
//! `.ci/run` does): people connected to different processes talk live.

use crate::common;

use common::process;
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{Bytes, ClientMsgId};

#[tokio::test]
async fn a_message_sent_through_one_process_reaches_a_socket_on_the_other() {
    if !common::on_postgres() {
        eprintln!("skipped: several processes need PostgreSQL (set HEARTH_TEST_POSTGRES)");
        return;
    }
    let data = tempfile::tempdir().expect("tempdir");
    let url = common::database_url(data.path()).await;
    // One data folder (the server secret and the uploads), two processes.
    let a = process::spawn(data.path(), Some(&url)).await;
    let b = process::spawn(data.path(), Some(&url)).await;
    let alice = a.register("alice", "pw one").await;
    let bob = b.register("bob", "pw two").await;
    let conv = a.direct(&alice, &bob).await;

    let mut on_b = b
        .socket(Some(&bob.cookie), Some(&b.own_origin()))
        .await
        .unwrap();
    let mut on_a = a
        .socket(Some(&alice.cookie), Some(&a.own_origin()))
        .await
        .unwrap();
    // Bob, on the other process, sees Alice come online.
    let online = loop {
        match on_b.any_frame().await {
            ServerFrame::Presence { user, online, .. } if user == alice.id => break online,
            _ => continue,
        }
    };
    assert!(online, "alice is online through the other process");

    // A small message goes in the notification itself; a large one (over PostgreSQL's
    // 8000-byte payload limit) through the table the notification names.
    for (n, size) in [(1u8, 300), (2, 30_000)] {
        on_a.send_text(
            ClientFrame::Send {
                conversation: conv,
                client_id: ClientMsgId([n; 16]),
                envelope: Bytes(vec![n; size]),
                files: vec![],
                event: false,
            }
            .encode(),
        )
        .await;
        // Alice's own tab gets the message too, before or after the ack.
        let id = loop {
            match on_a.next_frame().await {
                ServerFrame::Ack { id, .. } => break id,
                ServerFrame::Message(_) => continue,
                other => panic!("expected an ack, got {other:?}"),
            }
        };
        match on_b.next_frame().await {
            ServerFrame::Message(m) => {
                assert_eq!(m.id, id);
                assert_eq!(m.envelope.0.len(), size);
                assert_eq!(m.sender, alice.id);
            }
            other => panic!("expected the message, got {other:?}"),
        }
    }

    // Alice leaves: Bob's process hears she is offline.
    drop(on_a);
    let online = loop {
        match on_b.any_frame().await {
            ServerFrame::Presence { user, online, .. } if user == alice.id => break online,
            _ => continue,
        }
    };
    assert!(!online, "alice went offline on the other process");

    // Logging out on one process closes the session's sockets on the other.
    let res = a
        .call("logout", Some(&bob.cookie), serde_json::json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let closed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(m) = on_b.next_raw().await {
            if m.is_close() {
                break;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "bob's socket on the other process closed");
}
