//! Nobody can wear the server down: upload streams and sockets are capped per person and
//! in all, buffers grow only with what arrives, and connections that send nothing (or
//! send it a few bytes at a time) are closed after `--request-timeout`.

use crate::common;

use common::process;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Opens the upload socket of `id`; the status of a refusal otherwise.
async fn upload_socket(api: &common::Api, cookie: &str, id: &str) -> Result<Ws, u16> {
    let mut req = format!("ws://{}/files/{id}/stream", api.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    req.headers_mut()
        .insert("origin", api.own_origin().parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("upload socket: {e}"),
    }
}

/// Writes the start of a masked binary frame announcing a segment, then ten bytes of it
/// every 200 ms, straight onto the socket's connection (the client library would only
/// send whole messages); true once the server answers (its close frame) or hangs up
/// within `within`.
async fn trickled_until_closed(ws: &mut Ws, within: Duration) -> bool {
    let MaybeTlsStream::Plain(tcp) = ws.get_mut() else {
        panic!("plain TCP")
    };
    let mut head = vec![0x82, 0x80 | 127];
    head.extend_from_slice(&(1_000_000u64).to_be_bytes());
    head.extend_from_slice(&[1, 2, 3, 4]);
    if tcp.write_all(&head).await.is_err() {
        return true;
    }
    let started = Instant::now();
    let mut buf = [0u8; 256];
    while started.elapsed() < within {
        if tcp.write_all(&[0u8; 10]).await.is_err() {
            return true;
        }
        match tokio::time::timeout(Duration::from_millis(200), tcp.read(&mut buf)).await {
            Ok(_) => return true,
            Err(_) => continue,
        }
    }
    false
}

/// Whether the server closes `ws` within `within`.
async fn closed_within(ws: &mut Ws, within: Duration) -> bool {
    use futures::StreamExt as _;
    let started = Instant::now();
    while started.elapsed() < within {
        match tokio::time::timeout(within, ws.next()).await {
            Err(_) => return false,
            Ok(None | Some(Err(_))) => return true,
            Ok(Some(Ok(m))) if m.is_close() => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
    false
}

/// A thousand upload sockets at once, a hundred per person, over their uploads in turn
/// (at once: the first would otherwise time out before the last is opened): those the
/// server took, and how many it refused with which status.
async fn wave(
    api: &common::Api,
    cookies: &[&str],
    uploads: &[Vec<String>],
) -> (Vec<Ws>, HashMap<u16, usize>) {
    let attempts = cookies.iter().zip(uploads).flat_map(|(cookie, ids)| {
        (0..100).map(move |k| upload_socket(api, cookie, &ids[k % ids.len()]))
    });
    let (mut open, mut refused) = (Vec::new(), HashMap::<u16, usize>::new());
    for attempt in futures::future::join_all(attempts).await {
        match attempt {
            Ok(ws) => open.push(ws),
            Err(status) => *refused.entry(status).or_default() += 1,
        }
    }
    (open, refused)
}

/// The binary with a two-second `--request-timeout`, so the tests need not wait long.
async fn impatient(data: &std::path::Path) -> process::Process {
    let flags = ["--request-timeout", "2s"];
    process::spawn_at(data, None, [127, 0, 0, 1].into(), &flags).await
}

#[tokio::test]
async fn a_thousand_upload_sockets_meet_the_caps_and_the_silent_ones_close() {
    let data = tempfile::tempdir().expect("tempdir");
    let s = impatient(data.path()).await;
    let host = s.register("host", "pw").await;
    let mut people = Vec::new();
    for i in 0..10 {
        let person = s.register(&format!("person{i}"), "pw").await;
        let conv = s.direct(&person, &host).await;
        people.push((person, conv));
    }
    let before = rss_kib(s.pid());

    // Each starts uploads until refused: sixteen unfinished at most.
    let mut uploads: Vec<Vec<String>> = Vec::new();
    for (person, conv) in &people {
        let mut ids = Vec::new();
        for _ in 0..20 {
            let res = s.start_upload(&person.cookie, *conv, 1_000_000).await;
            match res.status().as_u16() {
                201 => ids.push(
                    res.json::<serde_json::Value>().await.unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                ),
                status => assert_eq!(status, 429, "past the limit: refused, not failed"),
            }
        }
        assert_eq!(ids.len(), 16);
        uploads.push(ids);
    }

    let cookies: Vec<&str> = people.iter().map(|(p, _)| p.cookie.as_str()).collect();
    let (open, refused) = wave(&s, &cookies, &uploads).await;
    let during = rss_kib(s.pid());
    // Four per person, thirty-two in all; the rest are told why (429: too many; 409:
    // that upload is being sent already).
    assert_eq!(open.len(), 32, "{refused:?}");
    assert_eq!(refused.values().sum::<usize>(), 968);
    assert!(
        refused.keys().all(|k| [409, 429].contains(k)),
        "{refused:?}"
    );

    // Half trickle a segment ten bytes every 200 ms, half send nothing: all are closed.
    let started = Instant::now();
    let mut closing = Vec::new();
    for (n, mut ws) in open.into_iter().enumerate() {
        closing.push(tokio::spawn(async move {
            match n % 2 {
                0 => trickled_until_closed(&mut ws, Duration::from_secs(14)).await,
                _ => closed_within(&mut ws, Duration::from_secs(14)).await,
            }
        }));
    }
    for c in closing {
        assert!(c.await.unwrap(), "every stalled upload socket is closed");
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(12),
        "closed once a segment has had its 8 s (four times the timeout): {took:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(s.pid());
    println!(
        "1,000 upload sockets: 32 accepted, refused {refused:?}; server RSS {before} KiB before, \
         {during} KiB with 32 open, {after} KiB after all closed ({took:.1?} for the last to close)"
    );
    assert!(
        during < before + 64 * 1024,
        "memory stays bounded: {before} → {during} KiB"
    );

    // A second thousand (their uploads that were thrown away now answer 404) costs no
    // more: what the first took was the peak of a thousand handshakes at once, kept by
    // the allocator, not a leak.
    let (again, refused) = wave(&s, &cookies, &uploads).await;
    assert!(again.len() <= 32 && refused.keys().all(|k| [404, 409, 429].contains(k)));
    drop(again);
    let second = rss_kib(s.pid());
    println!("a second 1,000: {refused:?}; server RSS {second} KiB");
    assert!(
        second < during + 32 * 1024,
        "no growth with the attempts: {during} → {second} KiB"
    );

    // Their uploads were thrown away, their passes given back: sending works again.
    let (person, conv) = &people[0];
    let res = s.start_upload(&person.cookie, *conv, 1_000_000).await;
    assert_eq!(res.status(), 201);
}

/// Whether the server hangs up `tcp` within `within`, while it writes `drip` (if any)
/// every 300 ms.
async fn hung_up(mut tcp: tokio::net::TcpStream, drip: &[u8], within: Duration) -> bool {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    while started.elapsed() < within {
        if !drip.is_empty() && tcp.write_all(drip).await.is_err() {
            return true;
        }
        match tokio::time::timeout(Duration::from_millis(300), tcp.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return true,
            // A 408 answer before it hangs up, or the keep-alive answer: read on.
            Ok(Ok(_)) | Err(_) => continue,
        }
    }
    false
}

#[tokio::test]
async fn slow_and_silent_connections_are_closed() {
    let data = tempfile::tempdir().expect("tempdir");
    let s = impatient(data.path()).await;
    let started = Instant::now();
    let mut waiting = Vec::new();
    for n in 0..400 {
        let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
        waiting.push(tokio::spawn(async move {
            match n % 4 {
                // A server function's body, a byte at a time.
                3 => {
                    let head = "POST /api/prelogin HTTP/1.1\r\nHost: localhost\r\n\
                                Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{";
                    tcp.write_all(head.as_bytes()).await.unwrap();
                    hung_up(tcp, b" ", Duration::from_secs(8)).await
                }
                // Slowloris: a request whose headers never end.
                0 => {
                    tcp.write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\n")
                        .await
                        .unwrap();
                    hung_up(tcp, b"X-a: b\r\n", Duration::from_secs(8)).await
                }
                // A connection that says nothing.
                1 => hung_up(tcp, b"", Duration::from_secs(8)).await,
                // A kept-alive connection that goes quiet after one request.
                _ => {
                    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .await
                        .unwrap();
                    hung_up(tcp, b"", Duration::from_secs(8)).await
                }
            }
        }));
    }
    for w in waiting {
        assert!(
            w.await.unwrap(),
            "every slow or silent connection is closed"
        );
    }
    let took = started.elapsed();
    println!("400 slow or silent connections closed within {took:.1?} (timeout 2 s)");
    assert!(took < Duration::from_secs(7), "{took:?}");
    // Meanwhile, and after, a prompt client is served.
    let res = s.http.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_person_has_at_most_sixteen_tabs_open() {
    let s = common::start().await;
    let ann = s.register("ann", "pw").await;
    let mut tabs = Vec::new();
    for _ in 0..server::socket::MAX_TABS {
        tabs.push(
            s.socket(Some(&ann.cookie), Some(&s.own_origin()))
                .await
                .unwrap(),
        );
    }
    match s.socket(Some(&ann.cookie), Some(&s.own_origin())).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => assert_eq!(res.status(), 429),
        _ => panic!("a seventeenth tab is refused"),
    }
    // Someone else is not affected, and a closed tab makes room.
    let bob = s.register("bob", "pw").await;
    assert!(
        s.socket(Some(&bob.cookie), Some(&s.own_origin()))
            .await
            .is_ok()
    );
    drop(tabs.pop());
    let mut again = None;
    for _ in 0..50 {
        if let Ok(tab) = s.socket(Some(&ann.cookie), Some(&s.own_origin())).await {
            again = Some(tab);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(again.is_some(), "the closed tab's place is free again");
}
