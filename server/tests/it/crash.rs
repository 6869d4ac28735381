//! Crash safety: `hearth` is killed with SIGKILL fifty times while a client sends as
//! fast as it can. Every message the server acknowledged must be there afterwards, once
//! and intact, and SQLite must find its file sound.

use crate::common;

use common::process;
use futures::{SinkExt, StreamExt};
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{Bytes, ClientMsgId, MessageId};
use std::collections::HashMap;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const KILLS: u32 = 50;

/// The envelope for message `n`: its number, so the check can tell them apart.
fn envelope(n: u32) -> Vec<u8> {
    let mut e = n.to_le_bytes().repeat(64);
    e.push(7);
    e
}

fn client_id(n: u32) -> ClientMsgId {
    let mut id = [0; 16];
    id[..4].copy_from_slice(&n.to_le_bytes());
    ClientMsgId(id)
}

#[tokio::test]
async fn every_acknowledged_message_survives_fifty_kills() {
    let data = tempfile::tempdir().expect("tempdir");
    let url = common::on_postgres().then_some(common::database_url(data.path()).await);
    let first = process::spawn(data.path(), url.as_deref()).await;
    let alice = first.register("alice", "pw one").await;
    let bob = first.register("bob", "pw two").await;
    let conv = first.direct(&alice, &bob).await;
    drop(first);

    // Message number → the id the server acknowledged it with.
    let mut acked: HashMap<u32, MessageId> = HashMap::new();
    let mut next = 0u32;
    for round in 0..KILLS {
        let p = process::spawn(data.path(), url.as_deref()).await;
        let socket = p
            .socket(Some(&alice.cookie), Some(&p.own_origin()))
            .await
            .expect("socket");
        let (mut tx, mut rx) = socket.ws.split();
        // Sends until the server dies; counts what it acknowledged meanwhile.
        let from = next;
        let sender = tokio::spawn(async move {
            let mut n = from;
            loop {
                let frame = ClientFrame::Send {
                    conversation: conv,
                    client_id: client_id(n),
                    envelope: Bytes(envelope(n)),
                    files: vec![],
                    event: false,
                };
                if tx.send(Message::text(frame.encode())).await.is_err() {
                    return n;
                }
                n += 1;
                if n % 8 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        });
        let (first_ack, acking) = tokio::sync::oneshot::channel();
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut first_ack = Some(first_ack);
            while let Some(Ok(m)) = rx.next().await {
                if let Message::Text(t) = m
                    && let Ok(ServerFrame::Ack { client_id, id, .. }) =
                        ServerFrame::decode(t.as_str())
                {
                    let n = u32::from_le_bytes(client_id.0[..4].try_into().expect("4 bytes"));
                    got.push((n, id));
                    if let Some(tell) = first_ack.take() {
                        let _ = tell.send(());
                    }
                }
            }
            got
        });
        // The clock starts at the first acknowledgement, not at the socket: a busy
        // machine may take longer than the shortest wait to store anything, and a kill
        // before any write proves nothing.
        tokio::time::timeout(Duration::from_secs(10), acking)
            .await
            .expect("the load reached the server")
            .expect("the socket stayed open until the first acknowledgement");
        // Somewhere between 0 and 200 ms into the writes: mid-write, sooner or later.
        let wait = (u64::from(round) * 37) % 200;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        p.kill();
        next = sender.await.expect("sender") + 1;
        let got = tokio::time::timeout(Duration::from_secs(10), reader)
            .await
            .expect("the socket ends with the process")
            .expect("reader");
        acked.extend(got);
    }

    if url.is_none() {
        // The file as the last kill left it (its WAL beside it) is sound.
        use sea_orm::ConnectionTrait as _;
        let db = server::db::connect(&format!(
            "sqlite://{}",
            data.path().join("hearth.db").display()
        ))
        .await
        .expect("open");
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "PRAGMA integrity_check",
            ))
            .await
            .expect("integrity_check")
            .expect("a row");
        let verdict: String = row.try_get_by_index(0).expect("text");
        assert_eq!(verdict, "ok");
        db.close().await.expect("close");
    }

    let p = process::spawn(data.path(), url.as_deref()).await;
    let mut stored: HashMap<MessageId, Vec<u8>> = HashMap::new();
    let mut before: Option<MessageId> = None;
    loop {
        let page: protocol::api::HistoryPage = p
            .call(
                "history",
                Some(&bob.cookie),
                serde_json::json!({ "conversation": conv, "before": before }),
            )
            .await
            .json()
            .await
            .expect("a history page");
        before = page.messages.iter().map(|m| m.id).min();
        for m in page.messages {
            assert!(
                stored.insert(m.id, m.envelope.0).is_none(),
                "a message stored twice"
            );
        }
        if !page.more {
            break;
        }
    }
    eprintln!(
        "{KILLS} kills: {} messages acknowledged, {} stored",
        acked.len(),
        stored.len()
    );
    assert!(acked.len() > KILLS as usize, "the load was real");
    for (n, id) in &acked {
        assert_eq!(
            stored.get(id),
            Some(&envelope(*n)),
            "acknowledged message {n} ({id:?}) is missing or changed"
        );
    }
}
