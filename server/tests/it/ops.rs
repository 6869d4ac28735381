//! Operations: GET /metrics (this machine, or whoever has the token), and the name
//! advertised by mDNS.

use crate::common;

use common::process;

#[tokio::test]
async fn metrics_count_and_are_kept_from_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let p = process::spawn(dir.path(), None).await;
    let alice = p.register("alice", "pw one").await;
    let _tab = p
        .socket(Some(&alice.cookie), Some(&p.own_origin()))
        .await
        .unwrap();
    let res = p.http.get(p.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200, "from this machine");
    let text = res.text().await.unwrap();
    for line in [
        "hearth_socket_connections 1",
        "hearth_users_online 1",
        "hearth_http_requests_total{class=\"2xx\"}",
        "hearth_http_request_duration_seconds_bucket{le=\"+Inf\"}",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    drop(p);

    // With a token, only who presents it, also from this machine (a proxy here could be
    // passing the LAN on).
    let p = process::spawn_at(
        dir.path(),
        None,
        [127, 0, 0, 1].into(),
        &["--metrics-token", "t0ken"],
    )
    .await;
    let status = |auth: Option<&'static str>| {
        let mut req = p.http.get(p.url("/metrics"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(None).await, 404);
    assert_eq!(status(Some("Bearer t0ken")).await, 200);
    drop(p);

    // From another machine (this one's LAN address stands in): 404 without the token.
    let Some(lan) = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .find(|i| !i.is_loopback() && i.ip().is_ipv4())
    else {
        eprintln!("no LAN address here: the network half is skipped");
        return;
    };
    let p = process::spawn_at(dir.path(), None, lan.ip(), &["--metrics-token", "t0ken"]).await;
    let get = |auth: Option<&'static str>| {
        let mut req = p.http.get(p.url("/metrics"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(None).await, 404);
    assert_eq!(get(Some("Bearer wrong")).await, 404);
    assert_eq!(get(Some("Bearer t0ken")).await, 200);
}

#[tokio::test]
async fn the_server_answers_to_its_name_on_the_lan() {
    let Some(lan) = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .find(|i| !i.is_loopback() && i.ip().is_ipv4())
    else {
        eprintln!("no LAN address here: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let name = format!("hearth-test-{}", std::process::id());
    let p = process::spawn_at(dir.path(), None, lan.ip(), &["--mdns-name", &name]).await;
    // Another mDNS client on the network (here, in this process) browses for it.
    let browser = mdns_sd::ServiceDaemon::new().expect("mdns");
    let events = browser.browse("_http._tcp.local.").expect("browse");
    let wanted = format!("{name}.local.");
    let found = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match events.recv_async().await {
                Ok(mdns_sd::ServiceEvent::ServiceResolved(s)) if s.get_hostname() == wanted => {
                    return s;
                }
                Ok(_) => continue,
                Err(e) => panic!("mdns: {e}"),
            }
        }
    })
    .await;
    let _ = browser.shutdown();
    let s = found.expect("the service was announced within 10 s");
    assert_eq!(s.get_port(), p.addr.port());
}

/// The data folder and everything the server writes into it (database, write-ahead log,
/// server secret, uploads, certificates) are for the account running Hearth alone, and a
/// folder an older version left open is closed at start.
#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_is_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt as _;
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    std::fs::create_dir(&data).expect("data");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let old = data.join("left-by-an-older-version");
    std::fs::write(&old, b"x").expect("old file");
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let s = process::spawn(&data, None).await;
    let (alice, bob) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
    );
    let conv = s.direct(&alice, &bob).await;
    // An upload under way leaves a partial file in the upload folder.
    let res = s.start_upload(&alice.cookie, conv, 100).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<serde_json::Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let res = s
        .http
        .put(s.url(&format!("/files/{id}?offset=0")))
        .header("cookie", &alice.cookie)
        .body(vec![7u8; 40])
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);

    let mut seen = Vec::new();
    let mut open = Vec::new();
    let mut stack = vec![data.clone()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p).expect("stat");
        if meta.permissions().mode() & 0o077 != 0 {
            open.push(format!("{} {:o}", p.display(), meta.permissions().mode()));
        }
        if meta.is_dir() {
            stack.extend(
                std::fs::read_dir(&p)
                    .expect("list")
                    .map(|e| e.expect("entry").path()),
            );
        }
        seen.push(
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
        );
    }
    for want in ["hearth.db", "hearth.db-wal", "server.secret", "uploads"] {
        assert!(seen.iter().any(|n| n == want), "{want} in {seen:?}");
    }
    assert!(open.is_empty(), "open to other users: {open:?}");
}
