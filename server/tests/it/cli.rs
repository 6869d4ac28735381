//! The command line: `hearth admin …`, and a backup taken while the server runs and
//! restored into a fresh folder.

use crate::common;

use common::process;
use futures::{SinkExt, StreamExt};
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{Bytes, ClientMsgId};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

fn data_arg(dir: &std::path::Path) -> String {
    dir.to_str().expect("utf-8 path").to_owned()
}

/// The temporary password a command printed.
fn temporary(out: &str) -> String {
    out.split_whitespace()
        .find(|w| w.len() == 19 && w.matches('-').count() == 3)
        .unwrap_or_else(|| panic!("no temporary password in: {out}"))
        .to_owned()
}

#[tokio::test]
async fn admin_create_reset_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = data_arg(dir.path());
    let (ok, out) = process::run(&["--data", &d, "admin", "create", "Olga", "--admin"]);
    assert!(ok, "{out}");
    let temp = temporary(&out);
    let (ok, out) = process::run(&["--data", &d, "admin", "create", "olga"]);
    assert!(!ok && out.contains("That username is taken"), "{out}");
    let (ok, out) = process::run(&["--data", &d, "admin", "reset-password", "nobody"]);
    assert!(!ok && out.contains("There is no such account."), "{out}");

    // The server sees an admin account waiting for its owner's own password (and, having
    // an admin, prints no setup code).
    let p = process::spawn(dir.path(), None).await;
    assert_eq!(p.printed_setup_code(), None);
    let auth = p.auth_secret("olga", &temp).await;
    let res = p.login("olga", &auth).await;
    assert_eq!(res.status(), 403);
    let id = common::setup_needed(res).await;
    let (res, _) = p.finish_setup("olga", &auth, "olga's own phrase", id).await;
    assert_eq!(res.status(), 200);
    let cookie = common::session_cookie(&res);
    let session: protocol::api::Session = res.json().await.unwrap();
    assert!(session.me.is_admin);

    // A reset from the terminal: the own password stops working, a new temporary one
    // asks for a new own one, and her open tab on the running server closes (it checks
    // its session every 10 s).
    let mut tab = p
        .socket(Some(&cookie), Some(&p.own_origin()))
        .await
        .unwrap();
    let (ok, out) = process::run(&["--data", &d, "admin", "reset-password", "olga"]);
    assert!(ok, "{out}");
    let closed = tokio::time::timeout(std::time::Duration::from_secs(15), async {
        loop {
            match tab.ws.next().await {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket closed after the reset");
    let own = p.auth_secret("olga", "olga's own phrase").await;
    assert_eq!(p.login("olga", &own).await.status(), 401);
    let again = p.auth_secret("olga", &temporary(&out)).await;
    assert_eq!(
        common::setup_needed(p.login("olga", &again).await).await,
        id
    );

    let (ok, out) = process::run(&["--data", &d, "admin", "list"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("olga") && out.contains("admin, waiting for first login"),
        "{out}"
    );

    // The audit log has both, done from the command line.
    let db = server::db::connect(&format!(
        "sqlite://{}",
        dir.path().join("hearth.db").display()
    ))
    .await
    .unwrap();
    let log = server::db::audit::page(&db, None).await.unwrap();
    let got: Vec<_> = log
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("(command line)", "reset password"),
            ("(command line)", "create admin account")
        ]
    );
}

#[tokio::test]
async fn a_backup_taken_while_running_restores_the_same_users_and_messages() {
    let (dir, fresh) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let backup = dir.path().join("backup.tar.gz");
    let p = process::spawn(dir.path(), None).await;
    let alice = p.register("alice", "pw one").await;
    let bob = p.register("bob", "pw two").await;
    let conv = p.direct(&alice, &bob).await;

    // An uploaded file, and messages (the last one carrying the file).
    let res = p
        .http
        .post(p.url("/files"))
        .header("cookie", &alice.cookie)
        .json(&json!({ "conversation": conv, "size": 3000 }))
        .send()
        .await
        .unwrap();
    let file: protocol::FileId = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = p
        .http
        .put(p.url(&format!("/files/{}?offset=0", file.to_hex())))
        .header("cookie", &alice.cookie)
        .body(vec![5u8; 3000])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let socket = p
        .socket(Some(&alice.cookie), Some(&p.own_origin()))
        .await
        .unwrap();
    let (mut tx, mut rx) = socket.ws.split();
    for n in 0..20u8 {
        let frame = ClientFrame::Send {
            conversation: conv,
            client_id: ClientMsgId([n; 16]),
            envelope: Bytes(vec![n; 100]),
            files: if n == 19 { vec![file] } else { vec![] },
            event: false,
        };
        tx.send(Message::text(frame.encode())).await.unwrap();
    }
    let mut acked = 0;
    while acked < 20 {
        if let Some(Ok(Message::Text(t))) = rx.next().await
            && let Ok(ServerFrame::Ack { .. }) = ServerFrame::decode(t.as_str())
        {
            acked += 1;
        }
    }

    // The local CA, as a server with HTTPS makes it.
    let ca = |d: &std::path::Path| process::run(&["--data", &data_arg(d), "ca"]);
    let (ok, first_ca) = ca(dir.path());
    assert!(ok && first_ca.contains("BEGIN CERTIFICATE"), "{first_ca}");

    // The backup, while the server runs; the restore into a fresh folder.
    let (ok, out) = process::run(&[
        "--data",
        &data_arg(dir.path()),
        "backup",
        backup.to_str().unwrap(),
    ]);
    assert!(ok && out.contains("1 uploaded files"), "{out}");
    // No private key of the CA's (nor of the server certificate's) is in it.
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(&backup).unwrap());
    let names: Vec<String> = tar::Archive::new(gz)
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    assert!(names.iter().any(|n| n == "tls/ca.pem"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("key")), "{names:?}");
    let (ok, out) = process::run(&[
        "--data",
        &data_arg(fresh.path()),
        "restore",
        backup.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    let (ok, out) = process::run(&[
        "--data",
        &data_arg(fresh.path()),
        "restore",
        backup.to_str().unwrap(),
    ]);
    assert!(
        !ok && out.contains("--force"),
        "a second restore over it is refused: {out}"
    );
    // Without the old key, the restored server makes a CA of its own, which says whose
    // place it takes.
    assert!(!fresh.path().join("tls/ca-key.pem").exists());
    let (ok, new_ca) = ca(fresh.path());
    assert!(ok && new_ca.contains("BEGIN CERTIFICATE"), "{new_ca}");
    assert_ne!(first_ca, new_ca);
    let info = std::fs::read_to_string(fresh.path().join("tls/ca.json")).unwrap();
    let old_name = first_ca
        .lines()
        .last()
        .unwrap()
        .split(": SHA-256")
        .next()
        .unwrap();
    assert!(
        info.contains(&format!("\"replaces\": \"{old_name}\"")),
        "{info}"
    );

    let before = p.history(&bob.cookie, conv).await;
    let list = |d: &std::path::Path| process::run(&["--data", &data_arg(d), "admin", "list"]).1;
    assert_eq!(list(dir.path()), list(fresh.path()));
    drop(p);
    let q = process::spawn(fresh.path(), None).await;
    // The same sessions, messages and file.
    let after = q.history(&bob.cookie, conv).await;
    assert_eq!(after.messages.len(), 20);
    assert_eq!(after.messages, before.messages);
    let res = q
        .http
        .get(q.url(&format!("/files/{}", file.to_hex())))
        .header("cookie", &bob.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), &[5u8; 3000][..]);
}

/// An archive made to look like a backup: the manifest, a database file, then `evil`, an
/// entry written byte by byte (the tar library refuses to make such paths itself).
fn hostile_backup(path: &std::path::Path, evil: impl FnOnce(&mut tar::Header)) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    for (name, data) in [
        ("hearth-backup.txt", &b"Hearth backup\n"[..]),
        ("hearth.db", b"not really"),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o600);
        h.set_cksum();
        tar.append_data(&mut h, name, data).unwrap();
    }
    let mut h = tar::Header::new_gnu();
    h.set_mode(0o600);
    h.set_size(0);
    evil(&mut h);
    h.set_cksum();
    tar.append(&h, std::io::empty()).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
}

fn raw_name(h: &mut tar::Header, name: &str) {
    let field = &mut h.as_gnu_mut().unwrap().name;
    field.fill(0);
    field[..name.len()].copy_from_slice(name.as_bytes());
}

/// A restore reads only plain files and folders inside the data folder: a link, a path
/// climbing out with `..` or an absolute path refuses the whole archive, writes nothing
/// there or elsewhere, and says why.
#[test]
fn a_hostile_backup_archive_is_refused_whole() {
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("outside.txt");
    let cases: [(&str, Box<dyn FnOnce(&mut tar::Header)>); 4] = [
        (
            "a symlink",
            Box::new(|h: &mut tar::Header| {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_path("uploads/evil").unwrap();
                h.set_link_name("/etc/passwd").unwrap();
            }),
        ),
        (
            "a hard link",
            Box::new(|h: &mut tar::Header| {
                h.set_entry_type(tar::EntryType::Link);
                h.set_path("server.secret").unwrap();
                h.set_link_name("/etc/passwd").unwrap();
            }),
        ),
        (
            "a path with ..",
            Box::new(|h: &mut tar::Header| raw_name(h, "../outside.txt")),
        ),
        (
            "an absolute path",
            Box::new(move |h: &mut tar::Header| raw_name(h, "/tmp/hearth-restore-escape.txt")),
        ),
    ];
    for (i, (what, evil)) in cases.into_iter().enumerate() {
        let archive = root.path().join(format!("hostile-{i}.tar.gz"));
        hostile_backup(&archive, evil);
        let data = root.path().join(format!("data-{i}"));
        let (ok, out) = process::run(&[
            "--data",
            &data_arg(&data),
            "restore",
            archive.to_str().unwrap(),
        ]);
        assert!(!ok, "{what}: refused");
        assert!(
            out.contains("not a plain file") || out.contains("not a Hearth backup"),
            "{what}: {out}"
        );
        assert!(!data.join("hearth.db").exists(), "{what}: nothing restored");
        assert!(!data.join("uploads/evil").exists() && !data.join("server.secret").exists());
        assert!(
            !outside.exists() && !std::path::Path::new("/tmp/hearth-restore-escape.txt").exists()
        );
    }
}

/// A server with no admin prints a setup code; the registration that brings it is the
/// admin, and the next start prints none.
#[tokio::test]
async fn a_fresh_server_prints_its_setup_code() {
    let dir = tempfile::tempdir().unwrap();
    let p = process::spawn(dir.path(), None).await;
    let code = p
        .printed_setup_code()
        .expect("a setup code in the terminal");
    let (mut reg, keys) = p.registration("owner", "pw the owner").await;
    reg.setup_code = Some(code);
    let owner = p.submit_registration(reg, keys).await;
    assert!(owner.session.me.is_admin);
    drop(p);
    let p = process::spawn(dir.path(), None).await;
    assert_eq!(p.printed_setup_code(), None);
}
