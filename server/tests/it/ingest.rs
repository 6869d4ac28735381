//! Group commit (`server::ingest`): many senders' messages in one transaction, each
//! refused one leaving nothing behind, and deliveries in the order of the ids.

use crate::common;

use futures::future::join_all;
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{Bytes, ClientMsgId, ConversationId, FileId, MessageId, UserId};
use server::db::sends::NewMessage;
use server::error::Error;
use server::ingest::store_all;

fn message(sender: UserId, conversation: ConversationId, id: u8) -> NewMessage {
    NewMessage {
        sender,
        conversation,
        client_id: ClientMsgId([id; 16]),
        envelope: Bytes(vec![id; 300]),
        files: vec![],
        event: false,
    }
}

#[tokio::test]
async fn a_refused_message_in_a_batch_leaves_nothing_and_stops_nothing() {
    let (s, alice, bob, conv) = crate::files::pair().await;
    let carol = s.register("carol", "pw").await;
    // Started, never finished: a message may not carry it.
    let unfinished: FileId = crate::files::new_upload(&s, &alice, conv, 1000)
        .await
        .parse()
        .unwrap();
    let with_file = NewMessage {
        files: vec![unfinished],
        ..message(alice.id, conv, 3)
    };
    let batch = [
        message(alice.id, conv, 1),
        message(carol.id, conv, 2),
        with_file,
        message(bob.id, conv, 4),
        message(alice.id, conv, 1),
    ];
    let results = store_all(&s.state.db, &batch).await;
    let [first, stranger, file, reply, repeat] = results.try_into().ok().unwrap();
    let first = first.expect("stored");
    assert!(first.fresh);
    assert!(
        matches!(stranger, Err(Error::Forbidden(_))),
        "{:?}",
        stranger.err()
    );
    assert!(
        matches!(file, Err(Error::BadRequest(_))),
        "{:?}",
        file.err()
    );
    let reply = reply.expect("stored after two refusals");
    assert!(reply.message.id > first.message.id);
    let repeat = repeat.expect("a repeat is answered");
    assert!(!repeat.fresh);
    assert_eq!(repeat.message.id, first.message.id);

    // Only the two stored; the refused file message's row was rolled back.
    let page = s.history(&bob.cookie, conv).await;
    let ids: Vec<MessageId> = page.messages.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![reply.message.id, first.message.id]);
    // And the file is still free to be sent once finished.
    let again = store_all(
        &s.state.db,
        &[NewMessage {
            files: vec![unfinished],
            ..message(alice.id, conv, 5)
        }],
    )
    .await;
    assert!(matches!(&again[0], Err(Error::BadRequest(_))));
}

#[tokio::test]
async fn messages_sent_at_once_from_many_tabs_arrive_once_and_in_id_order() {
    let s = common::start().await;
    let (alice, bob) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
    );
    let conv = s.direct(&alice, &bob).await;
    let origin = s.own_origin();
    let mut watcher = s.socket(Some(&bob.cookie), Some(&origin)).await.unwrap();
    const TABS: usize = 6;
    const EACH: usize = 20;
    let mut tabs = Vec::new();
    for i in 0..TABS {
        let who = if i % 2 == 0 { &alice } else { &bob };
        tabs.push(s.socket(Some(&who.cookie), Some(&origin)).await.unwrap());
    }
    // Every tab sends all its messages without waiting, then collects its acks.
    let sends = tabs.iter_mut().enumerate().map(|(t, tab)| async move {
        for n in 0..EACH {
            let frame = ClientFrame::Send {
                conversation: conv,
                client_id: ClientMsgId([
                    t as u8 + 1,
                    n as u8,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                ]),
                envelope: Bytes(vec![1; 300]),
                files: vec![],
                event: false,
            };
            tab.send_text(frame.encode()).await;
        }
        // All sent before the first commit: the acks come in the order of the sends.
        let mut acks = Vec::new();
        while acks.len() < EACH {
            match tab.next_frame().await {
                ServerFrame::Ack { client_id, .. } => acks.push(client_id.0[1] as usize),
                ServerFrame::Message(_) => {}
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(acks, (0..EACH).collect::<Vec<_>>());
    });
    join_all(sends).await;
    let mut seen = Vec::new();
    while seen.len() < TABS * EACH {
        if let ServerFrame::Message(m) = watcher.next_frame().await {
            seen.push(m.id);
        }
    }
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "delivered in id order, each once: {seen:?}"
    );
}

#[tokio::test]
async fn finishing_stores_what_was_handed_over_and_refuses_what_comes_after() {
    let (s, alice, bob, conv) = crate::files::pair().await;
    let state = &s.state;
    let ingest =
        server::ingest::Ingest::start(state.db.clone(), state.hub.clone(), state.metrics.clone());
    let send = |i: u8| {
        let ingest = ingest.clone();
        tokio::spawn(async move { ingest.send(message(alice.id, conv, i)).await })
    };
    // (One thread: each yield lets the sends just spawned hand their messages over.)
    // The writer takes the first thirty; the next thirty wait in the queue meanwhile.
    let mut sends: Vec<_> = (10..40).map(send).collect();
    tokio::task::yield_now().await;
    sends.extend((40..70).map(send));
    tokio::task::yield_now().await;
    ingest.finish().await;
    let mut stored = 0;
    for send in sends {
        // Either stored and acknowledged, or refused and not stored: nothing in between.
        if send.await.unwrap().is_ok() {
            stored += 1;
        }
    }
    assert_eq!(
        stored, 60,
        "every message handed over before the stop is stored"
    );
    let (kept, _) = server::db::messages::history(&state.db, &bob.id, conv, None, 100)
        .await
        .unwrap();
    assert_eq!(kept.len(), stored);
    assert!(ingest.send(message(alice.id, conv, 99)).await.is_err());

    // The server's own writer, stopped: /healthz says messages cannot be stored.
    let health = || async { s.http.get(s.url("/healthz")).send().await.unwrap() };
    assert_eq!(health().await.status(), 200);
    state.ingest.finish().await;
    let res = health().await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.text().await.unwrap(), "the message writer stopped");
}
