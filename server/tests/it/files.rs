//! Encrypted files against a real server (limit 1 MiB, quota 3 MiB in the test server):
//! who may fetch, limits refused before storing, broken-off uploads leave nothing, and
//! blobs that were tampered with do not open.

use crate::common;

use common::{TestServer, User};
use protocol::crypto::file::{FileKey, Opener, Sealer, blob_len};
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{Bytes, ClientMsgId, ConversationId, FileId, ProtocolError};
use serde_json::Value;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A server, alice and bob, and their direct conversation.
pub(crate) async fn pair() -> (TestServer, User, User, ConversationId) {
    let s = common::start().await;
    let (alice, bob) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
    );
    let conv = s.direct(&alice, &bob).await;
    (s, alice, bob, conv)
}

/// Starts an upload that must be accepted; returns its id.
pub(crate) async fn new_upload(
    s: &TestServer,
    who: &User,
    conv: ConversationId,
    size: u64,
) -> String {
    let res = create(s, who, conv, size).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn seal(file: &[u8]) -> (FileKey, Vec<Vec<u8>>) {
    let key = FileKey::random().unwrap();
    let mut sealer = Sealer::new(&key, file.len() as u64).unwrap();
    let mut segments = Vec::new();
    while !sealer.done() {
        let (a, b) = sealer.next_range();
        segments.push(sealer.seal_next(&file[a as usize..b as usize]).unwrap());
    }
    (key, segments)
}

async fn create(s: &TestServer, who: &User, conv: ConversationId, size: u64) -> reqwest::Response {
    s.start_upload(&who.cookie, conv, size).await
}

async fn put(
    s: &TestServer,
    who: &User,
    id: &str,
    offset: usize,
    body: Vec<u8>,
) -> reqwest::Response {
    s.http
        .put(s.url(&format!("/files/{id}?offset={offset}")))
        .header("cookie", &who.cookie)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn get(s: &TestServer, who: &User, id: &str) -> reqwest::Response {
    s.http
        .get(s.url(&format!("/files/{id}")))
        .header("cookie", &who.cookie)
        .send()
        .await
        .unwrap()
}

/// Uploads sealed segments; returns the file id.
async fn upload(s: &TestServer, who: &User, conv: ConversationId, segments: &[Vec<u8>]) -> String {
    let total: usize = segments.iter().map(Vec::len).sum();
    let res = create(s, who, conv, total as u64).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut at = 0;
    for seg in segments {
        let res = put(s, who, &id, at, seg.clone()).await;
        assert_eq!(res.status(), 200);
        at += seg.len();
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["received"], at);
        assert_eq!(p["complete"], at == total);
    }
    id
}

/// Every blob and partial blob on disk.
fn blobs(s: &TestServer) -> Vec<String> {
    let up = s.dir.path().join("uploads");
    [up.clone(), up.join("tmp")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

async fn error_of(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_string(),
    )
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 253) as u8).collect()
}

#[tokio::test]
async fn members_download_what_was_sent_and_outsiders_get_404() {
    let s = common::start().await;
    let (alice, bob, carol) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
        s.register("carol", "pw").await,
    );
    let conv = s.direct(&alice, &bob).await;
    let file = data(300_000);
    let (key, segments) = seal(&file);
    assert!(segments.len() == 1, "300 kB is one segment");
    // Split the one segment over two requests, as a slow browser might.
    let (a, b) = segments[0].split_at(100_000);
    let id = upload(&s, &alice, conv, &[a.to_vec(), b.to_vec()]).await;

    // The message carrying its key ties the file to it, once.
    let origin = s.own_origin();
    let mut sock = s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap();
    let fid: FileId = id.parse().unwrap();
    for (n, expect_ack) in [(1u8, true), (2, false)] {
        let frame = ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([n; 16]),
            envelope: Bytes(vec![9; 300]),
            files: vec![fid],
            event: false,
        };
        sock.send_text(frame.encode()).await;
        let reply = sock.next_frame().await;
        assert_eq!(
            matches!(reply, ServerFrame::Ack { .. }),
            expect_ack,
            "{reply:?}"
        );
    }

    let blob = get(&s, &bob, &id).await;
    assert_eq!(blob.status(), 200);
    assert_eq!(blob.headers()["cache-control"], "no-store");
    let blob = blob.bytes().await.unwrap().to_vec();
    assert_eq!(blob.len() as u64, blob_len(file.len() as u64));
    let mut opener = Opener::new(&key, file.len() as u64);
    let mut out = opener.push(&blob).unwrap();
    out.extend(opener.finish().unwrap());
    assert_eq!(out, file);

    // Carol is not in the conversation: the same answer as for an id that does not exist.
    for (who, id) in [
        (&carol, id.as_str()),
        (&bob, "00000000000000000000000000000000"),
        (&bob, "..%2F..%2Fhearth.db"),
    ] {
        assert_eq!(get(&s, who, id).await.status(), 404, "{id}");
    }
    let anon = s
        .http
        .get(s.url(&format!("/files/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 401);
    assert_eq!(put(&s, &carol, &id, 0, vec![1]).await.status(), 404);
    let carol_conv = s.direct(&carol, &bob).await;
    assert_eq!(
        create(&s, &carol, conv, 1000).await.status(),
        403,
        "not her conversation"
    );
    assert_eq!(create(&s, &carol, carol_conv, 1000).await.status(), 201);
}

#[tokio::test]
async fn over_the_limit_or_quota_is_refused_before_storing() {
    let (s, alice, bob, conv) = pair().await;

    let (status, msg) = error_of(create(&s, &alice, conv, blob_len((1 << 20) + 1)).await).await;
    assert_eq!(
        (status, msg.as_str()),
        (413, "Files can be at most 1.0 MiB on this server.")
    );
    assert!(blobs(&s).is_empty(), "nothing stored");

    // 1 MiB files fit; the fourth passes the 3 MiB quota.
    let big = blob_len(1 << 20);
    for _ in 0..2 {
        assert_eq!(create(&s, &alice, conv, big).await.status(), 201);
    }
    let (status, msg) = error_of(create(&s, &alice, conv, big).await).await;
    assert_eq!(status, 413);
    assert!(
        msg.starts_with("This file would pass your storage quota"),
        "{msg}"
    );
    assert_eq!(blobs(&s).len(), 2, "only the accepted uploads exist");

    // A body longer than announced is cut off at the limit and the upload is dropped.
    let id = new_upload(&s, &bob, conv, 1000).await;
    let (status, msg) = error_of(put(&s, &bob, &id, 0, vec![0; 5000]).await).await;
    assert_eq!(
        (status, msg.as_str()),
        (413, "The upload is larger than the size it announced.")
    );
    wait_until_gone(&s, &bob, &id).await;
    assert!(std::fs::metadata(s.dir.path().join("uploads/tmp").join(&id)).is_err());

    // Bad declarations and offsets.
    assert_eq!(create(&s, &bob, conv, 3).await.status(), 400);
    let id = new_upload(&s, &bob, conv, 1000).await;
    assert_eq!(put(&s, &bob, &id, 10, vec![0; 10]).await.status(), 409);
}

/// The upload is gone: its id no longer takes bytes.
async fn wait_until_gone(s: &TestServer, who: &User, id: &str) {
    for _ in 0..50 {
        if put(s, who, id, 0, vec![]).await.status() == 404 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("upload {id} still exists");
}

#[tokio::test]
async fn simultaneous_uploads_all_start() {
    // Each start reads the quota, then writes: SQLite must queue them, not fail them.
    let (s, alice, _, conv) = pair().await;
    let starts = (0..12).map(|_| create(&s, &alice, conv, 1000));
    for res in futures::future::join_all(starts).await {
        assert_eq!(res.status(), 201);
    }
}

#[tokio::test]
async fn an_upload_that_breaks_off_leaves_nothing_behind() {
    let (s, alice, _, conv) = pair().await;
    let id = new_upload(&s, &alice, conv, 200_000).await;

    // Announce 200 kB, send 50 kB, hang up.
    let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "PUT /files/{id}?offset=0 HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Length: 200000\r\n\r\n",
        s.addr, alice.cookie
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&[7u8; 50_000]).await.unwrap();
    tcp.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(tcp);

    wait_until_gone(&s, &alice, &id).await;
    for _ in 0..50 {
        if blobs(&s).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        blobs(&s).is_empty(),
        "no partial blob left: {:?}",
        blobs(&s)
    );
    // The quota is free again.
    assert_eq!(
        create(&s, &alice, conv, blob_len(1 << 20)).await.status(),
        201
    );
}

#[tokio::test]
async fn tampered_blobs_fail_with_a_clear_error() {
    let (s, alice, _, conv) = pair().await;
    let file = data(5 * 65536 + 123);
    let (key, segments) = seal(&file);
    let id = upload(&s, &alice, conv, &segments).await;
    let blob = get(&s, &alice, &id).await.bytes().await.unwrap().to_vec();
    let open = |b: &[u8]| {
        let mut o = Opener::new(&key, file.len() as u64);
        let mut out = o.push(b)?;
        out.extend(o.finish()?);
        Ok::<_, ProtocolError>(out)
    };
    assert_eq!(open(&blob).unwrap(), file);
    let block = 65536 + 16;
    let at = |i: usize| 66 + i * block;
    let mut removed = blob[..at(1)].to_vec();
    removed.extend_from_slice(&blob[at(2)..]);
    let mut swapped = blob.clone();
    swapped[at(1)..at(2)].copy_from_slice(&blob[at(2)..at(3)]);
    swapped[at(2)..at(3)].copy_from_slice(&blob[at(1)..at(2)]);
    let cut = blob[..at(5)].to_vec();
    for (what, b) in [("removed", removed), ("swapped", swapped), ("cut off", cut)] {
        let e = open(&b).unwrap_err();
        assert!(matches!(e, ProtocolError::File(_)), "{what}: {e:?}");
        assert!(
            e.to_string().starts_with("the file cannot be decrypted: "),
            "{what}: {e}"
        );
    }
}

#[tokio::test]
async fn orphans_are_swept() {
    let (s, alice, bob, conv) = pair().await;
    let (_, segments) = seal(&data(1000));
    let sent = upload(&s, &alice, conv, &segments).await;
    let cancelled = upload(&s, &alice, conv, &segments).await;
    let res = s
        .http
        .delete(s.url(&format!("/files/{cancelled}")))
        .header("cookie", &alice.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(get(&s, &alice, &cancelled).await.status(), 404);
    // Cancelling again (the server may have dropped it first) is no error; bob cannot
    // cancel alice's sent file, and is not told anything about it.
    for (who, id) in [(&alice, &cancelled), (&bob, &sent)] {
        let res = s
            .http
            .delete(s.url(&format!("/files/{id}")))
            .header("cookie", &who.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
    assert_eq!(get(&s, &alice, &sent).await.status(), 200);

    // A blob with no row (left by a crash, or its message was deleted) goes once it is
    // old enough not to be an upload being created.
    let stray = s.dir.path().join("uploads").join("ab".repeat(16));
    std::fs::write(&stray, b"x").unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&stray)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let mine = s.dir.path().join("uploads").join("README");
    std::fs::write(&mine, b"not a file id").unwrap();
    let removed = server::files::sweep::sweep(&s.state).await.unwrap();
    assert_eq!(removed, 1);
    assert!(!stray.exists());
    assert!(mine.exists(), "names that are not file ids are left alone");
    // The sent file is not attached to a message yet, but young: it stays.
    assert_eq!(get(&s, &bob, &sent).await.status(), 200);

    // Once a message carries it, deleting the message deletes the file.
    let origin = s.own_origin();
    let mut sock = s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap();
    let frame = ClientFrame::Send {
        conversation: conv,
        client_id: ClientMsgId([5; 16]),
        envelope: Bytes(vec![9; 300]),
        files: vec![sent.parse().unwrap()],
        event: false,
    };
    sock.send_text(frame.encode()).await;
    let ServerFrame::Ack { id: msg, .. } = sock.next_frame().await else {
        panic!("ack")
    };
    use sea_orm::EntityTrait;
    server::db::entities::messages::Entity::delete_by_id(msg.0)
        .exec(&s.state.db)
        .await
        .unwrap();
    assert_eq!(
        get(&s, &bob, &sent).await.status(),
        404,
        "the row went with the message"
    );
    let blob = s.dir.path().join("uploads").join(&sent);
    std::fs::File::options()
        .write(true)
        .open(&blob)
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert_eq!(server::files::sweep::sweep(&s.state).await.unwrap(), 1);
    assert!(!blob.exists(), "and the sweeper removed its blob");
}

/// The upload socket, as a browser opens it.
async fn upload_socket(
    s: &TestServer,
    who: &User,
    id: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{}/files/{id}/stream", s.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("cookie", who.cookie.parse().unwrap());
    req.headers_mut()
        .insert("origin", s.own_origin().parse().unwrap());
    tokio_tungstenite::connect_async(req)
        .await
        .expect("upload socket")
        .0
}

#[tokio::test]
async fn uploads_over_the_socket_are_acknowledged_and_broken_ones_vanish() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let (s, alice, bob, conv) = pair().await;
    let file = data(200_000);
    let (key, segments) = seal(&file);
    let blob: Vec<u8> = segments.concat();

    // Two pieces, each acknowledged; the last completes the file.
    let id = new_upload(&s, &alice, conv, blob.len() as u64).await;
    let mut ws = upload_socket(&s, &alice, &id).await;
    let (a, b) = blob.split_at(70_000);
    for (piece, received, complete) in [(a, 70_000, false), (b, blob.len(), true)] {
        ws.send(Message::binary(piece.to_vec())).await.unwrap();
        let Some(Ok(Message::Text(ack))) = ws.next().await else {
            panic!("an acknowledgement")
        };
        let ack: Value = serde_json::from_str(ack.as_str()).unwrap();
        assert_eq!(
            (ack["received"].as_u64(), ack["complete"].as_bool()),
            (Some(received as u64), Some(complete))
        );
    }
    let got = get(&s, &bob, &id).await.bytes().await.unwrap();
    let mut opener = Opener::new(&key, file.len() as u64);
    let mut out = opener.push(&got).unwrap();
    out.extend(opener.finish().unwrap());
    assert_eq!(out, file);

    // A socket from another page, or for someone else's upload, is refused.
    let id = new_upload(&s, &alice, conv, blob.len() as u64).await;
    let foreign = {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = format!("ws://{}/files/{id}/stream", s.addr)
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("cookie", alice.cookie.parse().unwrap());
        req.headers_mut()
            .insert("origin", "http://evil.example".parse().unwrap());
        tokio_tungstenite::connect_async(req).await
    };
    assert!(foreign.is_err(), "a foreign origin is refused");

    // Past the announced size: closed with 1009, and the upload is gone.
    let mut ws = upload_socket(&s, &alice, &id).await;
    ws.send(Message::binary(vec![0; blob.len() + 1]))
        .await
        .unwrap();
    let Some(Ok(Message::Close(Some(frame)))) = ws.next().await else {
        panic!("closed")
    };
    assert_eq!(u16::from(frame.code), 1009);
    wait_until_gone(&s, &alice, &id).await;

    // Breaking off half-way leaves nothing behind.
    let id = new_upload(&s, &alice, conv, blob.len() as u64).await;
    let mut ws = upload_socket(&s, &alice, &id).await;
    ws.send(Message::binary(a.to_vec())).await.unwrap();
    let _ack = ws.next().await;
    drop(ws);
    wait_until_gone(&s, &alice, &id).await;
    for _ in 0..50 {
        if blobs(&s).len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        blobs(&s).len(),
        1,
        "only the finished file remains: {:?}",
        blobs(&s)
    );
}

/// A sender deletes their message for everyone: the row keeps its place without its
/// ciphertext, its edits go, the file it carried goes (row and blob), the members are
/// told. Nobody else can delete it, and a delete naming someone else's row changes nothing.
#[tokio::test]
async fn deleting_a_message_drops_its_ciphertext_edits_and_files() {
    use protocol::MessageId;
    let (s, alice, bob, conv) = pair().await;
    let (_, segments) = seal(&data(1000));
    let id = upload(&s, &alice, conv, &segments).await;
    let fid: FileId = id.parse().unwrap();
    // An edit should carry no file, but a client may attach one: it goes too.
    let id2 = upload(&s, &alice, conv, &segments).await;
    let origin = s.own_origin();
    let mut a = s.socket(Some(&alice.cookie), Some(&origin)).await.unwrap();
    let mut b = s.socket(Some(&bob.cookie), Some(&origin)).await.unwrap();
    let send = async |sock: &mut common::Socket, n: u8, files: Vec<FileId>| -> MessageId {
        let frame = ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([n; 16]),
            envelope: Bytes(vec![n; 300]),
            files,
            event: false,
        };
        sock.send_text(frame.encode()).await;
        loop {
            if let ServerFrame::Ack { id, .. } = sock.next_frame().await {
                return id;
            }
        }
    };
    let m1 = send(&mut a, 1, vec![fid]).await;
    let e1 = send(&mut a, 2, vec![id2.parse().unwrap()]).await;
    let b1 = send(&mut b, 3, vec![]).await;
    let history = async || s.history(&bob.cookie, conv).await;
    let before = history().await;
    assert_eq!(before.messages.len(), 3);

    let delete = |message: MessageId, edits: Vec<MessageId>| {
        ClientFrame::Delete {
            conversation: conv,
            message,
            edits,
        }
        .encode()
    };
    // Bob cannot delete Alice's message; Alice cannot take Bob's along with hers.
    b.send_text(delete(m1, vec![])).await;
    let refused = |f: ServerFrame| matches!(f, ServerFrame::Error { .. });
    loop {
        let f = b.next_frame().await;
        if !matches!(f, ServerFrame::Message(_)) {
            assert!(refused(f));
            break;
        }
    }
    a.send_text(delete(m1, vec![b1])).await;
    loop {
        let f = a.next_frame().await;
        if !matches!(f, ServerFrame::Message(_)) {
            assert!(refused(f));
            break;
        }
    }
    assert_eq!(history().await, before, "nothing changed");
    assert_eq!(get(&s, &bob, &id).await.status(), 200);

    a.send_text(delete(m1, vec![e1])).await;
    let told = loop {
        if let ServerFrame::Deleted { message, edits, .. } = b.next_frame().await {
            break (message, edits);
        }
    };
    assert_eq!(told, (m1, vec![e1]));
    let after = history().await;
    let ids: Vec<MessageId> = after.messages.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![b1, m1], "newest first, the edit gone");
    assert!(after.messages[1].envelope.is_empty());
    assert_eq!(get(&s, &bob, &id).await.status(), 404);
    assert!(!blobs(&s).contains(&id), "the blob is gone");
    assert_eq!(get(&s, &bob, &id2).await.status(), 404);
    assert!(!blobs(&s).contains(&id2), "the edit's blob is gone too");
}
