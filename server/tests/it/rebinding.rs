//! DNS rebinding: a page whose own domain resolves to this server must get nothing from
//! it. The browser sends that domain in Host, so the server refuses any name that is not
//! its own, on every route, over a real connection.

use crate::common;

use common::process;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The status line of a raw HTTP/1.1 request `head` sent to `addr`.
async fn raw(addr: std::net::SocketAddr, head: &str) -> String {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(head.as_bytes()).await.expect("write");
    let mut buf = vec![0u8; 512];
    let n = tcp.read(&mut buf).await.expect("read");
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn requests_for_another_name_are_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    let s = process::spawn_at(
        data.path(),
        None,
        [127, 0, 0, 1].into(),
        &["--names", "chat.lan.test"],
    )
    .await;
    let port = s.addr.port();
    // A browser that resolves each name to this server, as a rebinding attacker's would.
    let http = reqwest::Client::builder()
        .resolve("evil.example", s.addr)
        .resolve("chat.lan.test", s.addr)
        .resolve("localhost", s.addr)
        .build()
        .expect("client");
    for (name, want) in [
        ("evil.example", 421),
        ("localhost", 200),
        ("127.0.0.1", 200),
        ("chat.lan.test", 200),
    ] {
        for path in ["/login", "/healthz", "/pkg/emoji.txt"] {
            let res = http
                .get(format!("http://{name}:{port}{path}"))
                .send()
                .await
                .expect("request");
            assert_eq!(res.status().as_u16(), want, "{name}{path}");
        }
    }
    // The API and the socket are refused too, cookie or not.
    let res = http
        .post(format!("http://evil.example:{port}/api/prelogin"))
        .json(&serde_json::json!({ "username": "alice" }))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 421);
    let upgrade = format!(
        "GET /ws HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: Upgrade\r\nUpgrade: \
         websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    assert!(raw(s.addr, &upgrade).await.contains(" 421 "));
    // An absolute-form request line naming us cannot carry another Host, nor the reverse.
    let mixed = format!("GET http://localhost:{port}/login HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    assert!(raw(s.addr, &mixed).await.contains(" 421 "));
    let mixed = format!("GET http://evil.example/login HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");
    assert!(raw(s.addr, &mixed).await.contains(" 421 "));
    let fine = format!("GET /login HTTP/1.1\r\nHost: LOCALHOST.:{port}\r\n\r\n");
    assert!(
        raw(s.addr, &fine).await.contains(" 200 "),
        "names are not case-sensitive"
    );
}
