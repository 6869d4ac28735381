//! A real server on an ephemeral port with a temporary SQLite file, and a client that
//! speaks to it as a browser would (the crypto from `protocol`, run natively).
#![allow(dead_code)]

use futures::{SinkExt, StreamExt};
use protocol::UserId;
use protocol::api::{Registration, Session};
use protocol::browser::account::{self, Made, NewAccount};
use protocol::crypto::identity::IdentityKeys;
use protocol::crypto::kdf::{AuthSecret, KdfParams, Salt, derive_master};
use protocol::crypto::wrap::wrap_keys;
use protocol::frames::ServerFrame;
use server::auth::{ServerSecret, SessionPolicy};
use server::files::FileStore;
use server::limit::Limits;
use server::{db, router, serve, state::Hearth};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub mod process;

/// A server in this process: its state is at hand, and its API through `Deref`.
pub struct TestServer {
    pub api: Api,
    pub state: Arc<Hearth>,
    pub dir: tempfile::TempDir,
}

impl std::ops::Deref for TestServer {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

/// A running server's API, spoken as a browser would.
pub struct Api {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    /// "http", or "https" for `start_tls`.
    pub scheme: &'static str,
}

pub const DAY: Duration = Duration::from_secs(86_400);
pub const SECOND: Duration = Duration::from_secs(1);

fn state(dir: &std::path::Path, db: sea_orm::DatabaseConnection, secure: bool) -> Arc<Hearth> {
    let policy = SessionPolicy {
        idle: 30 * DAY,
        max: 90 * DAY,
        secure,
    };
    state_with(dir, db, policy)
}

fn state_with(
    dir: &std::path::Path,
    db: sea_orm::DatabaseConnection,
    sessions: SessionPolicy,
) -> Arc<Hearth> {
    state_limited(dir, db, sessions, Limits::default())
}

fn state_limited(
    dir: &std::path::Path,
    db: sea_orm::DatabaseConnection,
    sessions: SessionPolicy,
    limits: Limits,
) -> Arc<Hearth> {
    let secret = ServerSecret::load_or_create(&dir.join("server.secret")).expect("secret");
    let files = FileStore::open(dir.join("uploads"), 1 << 20, 3 << 20).expect("uploads");
    Hearth::new(db, secret, sessions, files, limits, Default::default())
}

async fn database(dir: &std::path::Path) -> sea_orm::DatabaseConnection {
    db::connect(&database_url(dir).await)
        .await
        .expect("database")
}

/// A fresh, empty database: a SQLite file in `dir`, or, when HEARTH_TEST_POSTGRES gives a
/// PostgreSQL server (`.ci/run` starts one), a new database on it.
pub async fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("HEARTH_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            use sea_orm::ConnectionTrait as _;
            let name = format!("t{}", protocol::UserId::random().unwrap().to_hex());
            let admin = sea_orm::Database::connect(&server).await.expect("postgres");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            let _ = admin.close().await;
            let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("hearth.db").display()),
    }
}

/// Whether the tests run against PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("HEARTH_TEST_POSTGRES").is_ok_and(|s| !s.is_empty())
}

pub async fn start() -> TestServer {
    start_with(30 * DAY, 90 * DAY).await
}

/// `start` with sessions that end after `idle` unused, or `max` after their login.
pub async fn start_with(idle: Duration, max: Duration) -> TestServer {
    start_full(idle, max, Limits::default()).await
}

/// `start` with these limits (a lockout that waits milliseconds, say).
pub async fn start_limited(limits: Limits) -> TestServer {
    start_full(30 * DAY, 90 * DAY, limits).await
}

async fn start_full(idle: Duration, max: Duration, limits: Limits) -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = SessionPolicy {
        idle,
        max,
        secure: false,
    };
    let state = state_limited(dir.path(), database(dir.path()).await, policy, limits);
    server::bus::start(&state.db, state.hub.clone())
        .await
        .expect("bus");
    let app = router::build(state.clone(), &dir.path().join("site"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(serve::plain(
        listener,
        app,
        30 * SECOND,
        std::future::pending(),
    ));
    TestServer {
        api: Api {
            addr,
            http: reqwest::Client::new(),
            scheme: "http",
        },
        state,
        dir,
    }
}

/// The server as `hearth` runs it by default: HTTPS with a certificate from its own CA
/// (which the returned client trusts, as a device that installed it would), and the
/// trust page on the plain port, whose address is the second value.
pub async fn start_tls() -> (TestServer, SocketAddr, String) {
    server::tls::install_provider();
    let dir = tempfile::tempdir().expect("tempdir");
    let state = state(dir.path(), database(dir.path()).await, true);
    let app = router::build(state.clone(), &dir.path().join("site"));
    let (ca, rustls) = server::tls::local(
        &dir.path().join("tls"),
        "127.0.0.1".parse().unwrap(),
        "hearth",
        &[],
    )
    .await
    .expect("tls");
    let secure = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = secure.local_addr().expect("addr");
    let http = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let http_addr = http.local_addr().expect("addr");
    let ca_pem = ca.ca().pem.clone();
    let plain = router::secured(server::tls::trust::routes(Some(ca), addr.port()));
    tokio::spawn(serve::both(
        http,
        plain,
        secure,
        app,
        rustls,
        30 * SECOND,
        std::future::pending(),
    ));
    let root = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("ca");
    let client = reqwest::Client::builder()
        .add_root_certificate(root)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let s = TestServer {
        api: Api {
            addr,
            http: client,
            scheme: "https",
        },
        state,
        dir,
    };
    (s, http_addr, ca_pem)
}

impl TestServer {
    /// The server as seen from another loopback address (127.0.0.`last`): each address
    /// has its own allowance of failed tries.
    pub fn from(&self, last: u8) -> Api {
        Api {
            addr: self.addr,
            http: reqwest::Client::builder()
                .local_address(std::net::IpAddr::from([127, 0, 0, last]))
                .build()
                .unwrap(),
            scheme: self.scheme,
        }
    }

    /// The setup code the server would print now (None once it has an admin).
    pub async fn setup_code(&self) -> Option<String> {
        db::setup_code::ensure(&self.state.db)
            .await
            .expect("setup code")
    }

    /// Registers the server's admin with the setup code, as whoever started it would.
    pub async fn register_admin(&self, username: &str, password: &str) -> User {
        let code = self.setup_code().await.expect("no admin yet");
        let (mut reg, keys) = self.registration(username, password).await;
        reg.setup_code = Some(code);
        let user = self.submit_registration(reg, keys).await;
        assert!(user.session.me.is_admin, "the setup code makes an admin");
        user
    }
}

pub struct User {
    pub id: UserId,
    pub cookie: String,
    pub session: Session,
    pub keys: IdentityKeys,
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{path}", self.scheme, self.addr)
    }

    pub async fn call(
        &self,
        name: &str,
        cookie: Option<&str>,
        body: serde_json::Value,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .post(self.url(&format!("/api/{name}")))
            .json(&body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.expect("request");
        if !PLAIN.contains(&name) {
            as_status(res).await
        } else {
            res
        }
    }

    /// A signed-in user's newest page of a conversation's history.
    pub async fn history(
        &self,
        cookie: &str,
        conv: protocol::ConversationId,
    ) -> protocol::api::HistoryPage {
        self.call(
            "history",
            Some(cookie),
            serde_json::json!({ "conversation": conv, "before": null }),
        )
        .await
        .json()
        .await
        .expect("a history page")
    }

    pub async fn registration(
        &self,
        username: &str,
        password: &str,
    ) -> (Registration, IdentityKeys) {
        self.registration_as(username, password, UserId::random().unwrap())
    }

    /// A registration with keys made for the account `id` (the first login of an
    /// account an admin made or reset).
    pub fn registration_as(
        &self,
        username: &str,
        password: &str,
        id: UserId,
    ) -> (Registration, IdentityKeys) {
        let made = self.made(username, password, id, false);
        (made.registration, made.keys)
    }

    /// What a browser makes for an account, with the same code (`protocol::browser`).
    fn made(&self, username: &str, password: &str, id: UserId, recovery: bool) -> Made {
        account::registration(NewAccount {
            id,
            username,
            display_name: &username.to_uppercase(),
            email: None,
            password,
            kdf: KdfParams::FLOOR,
            recovery,
        })
        .unwrap()
    }

    /// The first login of an account an admin made or reset: the owner's own password
    /// and new keys for `id`, with the temporary password's auth secret. The answer and
    /// the keys.
    pub async fn finish_setup(
        &self,
        username: &str,
        temporary: &AuthSecret,
        password: &str,
        id: UserId,
    ) -> (reqwest::Response, IdentityKeys) {
        let (reg, keys) = self.registration_as(username, password, id);
        let body = serde_json::json!({ "username": username, "old_auth_secret": temporary, "registration": reg });
        (self.call("finish_setup", None, body).await, keys)
    }

    pub async fn register(&self, username: &str, password: &str) -> User {
        let (reg, keys) = self.registration(username, password).await;
        self.submit_registration(reg, keys).await
    }

    pub async fn submit_registration(&self, reg: Registration, keys: IdentityKeys) -> User {
        let username = reg.username.clone();
        let res = self
            .call("register", None, serde_json::json!({ "registration": reg }))
            .await;
        assert_eq!(res.status(), 200, "register {username}");
        let cookie = session_cookie(&res);
        let session: Session = res.json().await.expect("session");
        User {
            id: session.me.id,
            cookie,
            session,
            keys,
        }
    }

    /// Registers with a recovery key (as the browser does by default) and returns it.
    pub async fn register_with_recovery(
        &self,
        username: &str,
        password: &str,
    ) -> (User, protocol::crypto::recovery::RecoveryKey) {
        let made = self.made(username, password, UserId::random().unwrap(), true);
        let user = self.submit_registration(made.registration, made.keys).await;
        (user, made.recovery_key.unwrap())
    }

    /// The direct conversation of `a` with `b` (opened by `a`).
    pub async fn direct(&self, a: &User, b: &User) -> protocol::ConversationId {
        let c: protocol::api::ConversationSummary = self
            .call(
                "open_direct",
                Some(&a.cookie),
                serde_json::json!({ "peer": b.id }),
            )
            .await
            .json()
            .await
            .expect("a conversation");
        c.id
    }

    /// The auth secret of a registered user's password, as the browser derives it.
    pub async fn auth_secret(&self, username: &str, password: &str) -> AuthSecret {
        secrets(&self.prelogin(username).await, password).0
    }

    pub async fn socket(
        &self,
        cookie: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let mut req = format!("ws://{}/ws", self.addr).into_client_request()?;
        if let Some(c) = cookie {
            req.headers_mut().insert("cookie", c.parse().unwrap());
        }
        if let Some(o) = origin {
            req.headers_mut().insert("origin", o.parse().unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(req).await?;
        let mut s = Socket { ws };
        assert!(matches!(s.next_frame().await, ServerFrame::Hello { .. }));
        Ok(s)
    }

    /// The salt and parameters the server gives for a username.
    /// `POST /files`: starts an upload of a `size`-byte blob to `conv` as the holder of
    /// `cookie`.
    pub async fn start_upload(
        &self,
        cookie: &str,
        conv: protocol::ConversationId,
        size: u64,
    ) -> reqwest::Response {
        self.http
            .post(self.url("/files"))
            .header("cookie", cookie)
            .json(&serde_json::json!({ "conversation": conv, "size": size }))
            .send()
            .await
            .expect("POST /files")
    }

    pub async fn prelogin(&self, username: &str) -> protocol::api::LoginParams {
        self.call(
            "prelogin",
            None,
            serde_json::json!({ "username": username }),
        )
        .await
        .json()
        .await
        .expect("params")
    }

    pub async fn login(&self, username: &str, auth: &AuthSecret) -> reqwest::Response {
        self.call(
            "login",
            None,
            serde_json::json!({ "username": username, "auth_secret": auth }),
        )
        .await
    }

    pub fn own_origin(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }
}

/// The auth secret and wrap key a password gives with the server's parameters.
pub fn secrets(
    params: &protocol::api::LoginParams,
    password: &str,
) -> (AuthSecret, protocol::crypto::kdf::WrapKey) {
    derive_master(password, &params.salt, params.kdf)
        .unwrap()
        .split()
        .unwrap()
}

/// What "forgot password" sends: the recovery key's proof and the keys wrapped under a
/// new password (whose auth secret is returned too).
pub fn recovery_change(
    rk: &protocol::crypto::recovery::RecoveryKey,
    keys: &IdentityKeys,
    user: &UserId,
    new_password: &str,
) -> (protocol::api::PasswordChange, AuthSecret) {
    let (rauth, _) = rk.split().unwrap();
    let salt = Salt([5; 16]);
    let kdf = KdfParams::FLOOR;
    let (new_auth, new_wrap) = derive_master(new_password, &salt, kdf)
        .unwrap()
        .split()
        .unwrap();
    let change = protocol::api::PasswordChange {
        old_auth_secret: rauth,
        salt,
        kdf,
        auth_secret: new_auth.clone(),
        wrapped_keys: protocol::Bytes(wrap_keys(keys, &new_wrap, user, &kdf).unwrap()),
    };
    (change, new_auth)
}

/// The account id a 403 "choose your own password" names.
pub async fn setup_needed(res: reqwest::Response) -> UserId {
    let body: serde_json::Value = res.json().await.expect("json");
    let id = body["PasswordChangeNeeded"][1]
        .as_str()
        .unwrap_or_else(|| panic!("not PasswordChangeNeeded: {body}"));
    id.parse().expect("a user id")
}

/// The cookie by which the server remembers this browser for the account (a sign-in
/// from it is not held back by others' failures), as the browser would send it back.
pub fn device_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hearth_device="))
        .and_then(|v| v.split(';').next())
        .expect("a device cookie")
        .to_string()
}

pub fn session_cookie(res: &reqwest::Response) -> String {
    let set = res
        .headers()
        .get("set-cookie")
        .expect("set-cookie")
        .to_str()
        .unwrap();
    set.split(';').next().unwrap().to_string()
}

pub struct Socket {
    pub ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Socket {
    pub async fn send_text(&mut self, text: String) {
        self.ws.send(Message::text(text)).await.expect("send");
    }

    /// The next frame, skipping presence announcements.
    pub async fn next_frame(&mut self) -> ServerFrame {
        loop {
            let f = self.any_frame().await;
            if !matches!(f, ServerFrame::Presence { .. }) {
                return f;
            }
        }
    }

    /// The next frame, whatever it is.
    pub async fn any_frame(&mut self) -> ServerFrame {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a frame within 10 s")
                .expect("socket open")
                .expect("frame");
            if let Message::Text(t) = msg {
                return ServerFrame::decode(t.as_str()).expect("valid server frame");
            }
        }
    }

    pub async fn next_raw(&mut self) -> Option<Message> {
        tokio::time::timeout(Duration::from_secs(10), self.ws.next())
            .await
            .expect("within 10 s")?
            .ok()
    }
}

/// The server functions that do not answer refusals as data (`app::Answer`): every
/// other one answers a 200 with `{"Ok": …}` or `{"Err": …}`.
const PLAIN: &[&str] = &["prelogin", "logout", "me", "whoami", "setup_pending"];

/// An answering function's response as the others answer: the refusal's own status
/// with the error as the body, or the value alone; headers (cookies) kept. The tests
/// then read every function alike; `answers::*` checks the envelope itself.
pub async fn as_status(res: reqwest::Response) -> reqwest::Response {
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.bytes().await.expect("a body");
    let mut parts = (status, bytes.to_vec());
    if status == reqwest::StatusCode::OK {
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("an answer");
        parts = match (v.get("Ok"), v.get("Err")) {
            (Some(ok), None) => (status, serde_json::to_vec(ok).unwrap()),
            (None, Some(err)) => {
                let e: app::ApiError = serde_json::from_value(err.clone()).expect("a refusal");
                let code = reqwest::StatusCode::from_u16(e.status()).unwrap();
                (code, serde_json::to_vec(err).unwrap())
            }
            _ => panic!("not an answer: {v}"),
        };
    }
    let mut out = axum::http::Response::builder().status(parts.0);
    for (k, v) in &headers {
        out = out.header(k, v);
    }
    reqwest::Response::from(out.body(parts.1).unwrap())
}
