//! The client side, as a browser speaks it: registrations (Argon2 in the client, at the
//! protocol's floor), session cookies, sockets, frames.

use anyhow::{Context as _, bail};
use futures::{SinkExt, StreamExt};
use protocol::api::Session;
use protocol::browser::account::{self, NewAccount};
use protocol::crypto::identity::IdentityKeys;
use protocol::crypto::kdf::KdfParams;
use protocol::crypto::random_array;
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{Bytes, ClientMsgId, ConversationId, UserId};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the server stores of a 300-byte message: the size of a short text, sealed.
pub const ENVELOPE: usize = 300;

pub struct User {
    pub id: UserId,
    pub cookie: String,
    pub keys: IdentityKeys,
}

async fn register(http: &reqwest::Client, base: &str, name: String) -> anyhow::Result<User> {
    let id = UserId::random()?;
    let made = account::registration(NewAccount {
        id,
        username: &name,
        display_name: &name,
        email: None,
        password: "load test password",
        kdf: KdfParams::FLOOR,
        recovery: false,
    })?;
    let (reg, keys) = (made.registration, made.keys);
    let res = http
        .post(format!("{base}/api/register"))
        .json(&serde_json::json!({ "registration": reg }))
        .send()
        .await?;
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no session cookie")?
        .to_owned();
    let _: Session = answer(res).await.context("register")?;
    Ok(User { id, cookie, keys })
}

/// `n` accounts, registered a few at a time (the Argon2 runs here).
pub async fn provision(base: &str, n: usize) -> anyhow::Result<Vec<User>> {
    let http = reqwest::Client::new();
    let started = Instant::now();
    let tag = protocol::UserId::random()?.to_hex();
    let users: Vec<User> = futures::stream::iter(0..n)
        .map(|i| register(&http, base, format!("load{}-{i}", &tag[..6])))
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    println!(
        "provisioned {n} accounts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(users)
}

/// The direct conversation of `a` with `b`.
pub async fn direct(base: &str, a: &User, b: &User) -> anyhow::Result<ConversationId> {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/open_direct"))
        .header("cookie", &a.cookie)
        .json(&serde_json::json!({ "peer": b.id }))
        .send()
        .await?;
    let v: serde_json::Value = answer(res).await.context("open_direct")?;
    Ok(serde_json::from_value(v["id"].clone())?)
}

/// A server function's answer: `{"Ok": value}`, or a refusal the page expects as
/// `{"Err": why}` (`app::Answer`), or a failed request.
pub async fn answer<T: serde::de::DeserializeOwned>(res: reqwest::Response) -> anyhow::Result<T> {
    let status = res.status();
    let body = res.text().await?;
    let ok = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .filter(|_| status.is_success())
        .and_then(|mut v| v.get_mut("Ok").map(serde_json::Value::take));
    match ok {
        Some(v) => Ok(serde_json::from_value(v)?),
        None => bail!("{status} {body}"),
    }
}

/// A signed-in socket, once the server said hello. `i` spreads the sockets over
/// 127.0.0.x source addresses, so ten thousands of them do not run out of ports.
pub async fn connect(base: &str, cookie: &str, i: usize) -> anyhow::Result<Socket> {
    let url = base.replacen("http://", "ws://", 1) + "/ws";
    let mut req = url.into_client_request()?;
    req.headers_mut().insert("cookie", cookie.parse()?);
    req.headers_mut().insert("origin", base.parse()?);
    let mut ws = open(req, i).await?;
    loop {
        match next(&mut ws).await? {
            ServerFrame::Hello { .. } => return Ok(ws),
            ServerFrame::Presence { .. } => continue,
            other => bail!("expected hello, got {other:?}"),
        }
    }
}

/// Reads every socket until each has been quiet for 300 ms: the presence announcements of
/// everyone coming online (a thousand people joining send each other a million) are over
/// before anything is measured.
pub async fn settle(sockets: Vec<Socket>) -> anyhow::Result<Vec<Socket>> {
    let started = Instant::now();
    let tasks: Vec<_> = sockets
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                while let Ok(frame) =
                    tokio::time::timeout(Duration::from_millis(300), ws.next()).await
                {
                    frame.context("socket closed while settling")??;
                }
                Ok::<_, anyhow::Error>(ws)
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await??);
    }
    println!(
        "{} sockets settled in {:.1} s",
        out.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(out)
}

pub async fn connect_bare(url: &str, i: usize) -> anyhow::Result<Socket> {
    open(url.into_client_request()?, i).await
}

async fn open(
    req: tokio_tungstenite::tungstenite::handshake::client::Request,
    i: usize,
) -> anyhow::Result<Socket> {
    let host = req.uri().host().context("host")?.to_owned();
    let port = req.uri().port_u16().context("port")?;
    let socket = tokio::net::TcpSocket::new_v4()?;
    let source = std::net::Ipv4Addr::new(127, 0, (i / 250 % 250) as u8, (i % 250 + 2) as u8);
    socket.bind((source, 0).into())?;
    let tcp = socket.connect(format!("{host}:{port}").parse()?).await?;
    // As a browser's would be: small frames leave at once.
    tcp.set_nodelay(true)?;
    let (ws, _) =
        tokio_tungstenite::client_async(req, tokio_tungstenite::MaybeTlsStream::Plain(tcp)).await?;
    Ok(ws)
}

pub async fn next(ws: &mut Socket) -> anyhow::Result<ServerFrame> {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .context("no frame within 10 s")?
            .context("socket closed")??;
        if let Message::Text(t) = m {
            return Ok(ServerFrame::decode(t.as_str())?);
        }
    }
}

/// A send frame with a fresh client id and a 300-byte envelope (the server never opens
/// one, so its bytes do not matter).
pub fn send_frame(conv: ConversationId) -> anyhow::Result<String> {
    let envelope: Vec<u8> = (0..ENVELOPE).map(|i| i as u8).collect();
    Ok(ClientFrame::Send {
        conversation: conv,
        client_id: ClientMsgId(random_array()?),
        envelope: Bytes(envelope),
        files: vec![],
        event: false,
    }
    .encode())
}

/// Waits on `ws` for a message from `from` (skipping acks, presence and one's own).
async fn message_from(ws: &mut Socket, from: UserId) -> anyhow::Result<()> {
    loop {
        if let ServerFrame::Message(m) = next(ws).await?
            && m.sender == from
        {
            return Ok(());
        }
    }
}

/// `a` sends, `b` answers as soon as it has it, `a` waits for the answer: round trips.
pub async fn ping_pong(
    a: &mut Socket,
    b: &mut Socket,
    conv: ConversationId,
    a_id: UserId,
    b_id: UserId,
    rounds: usize,
) -> anyhow::Result<Vec<Duration>> {
    let mut rtts = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        a.send(Message::text(send_frame(conv)?)).await?;
        message_from(b, a_id).await?;
        b.send(Message::text(send_frame(conv)?)).await?;
        message_from(a, b_id).await?;
        rtts.push(t.elapsed());
    }
    Ok(rtts)
}

/// The same exchange through the bare relay, with frames of the same size (marked with
/// who sent them: the relay echoes each to its sender too).
pub async fn bare_ping_pong(
    x: &mut Socket,
    y: &mut Socket,
    rounds: usize,
) -> anyhow::Result<Vec<Duration>> {
    let frame = send_frame(ConversationId(1))?;
    let (fx, fy) = (format!("x{frame}"), format!("y{frame}"));
    let mut rtts = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        x.send(Message::text(fx.clone())).await?;
        bare_from(y, 'x').await?;
        y.send(Message::text(fy.clone())).await?;
        bare_from(x, 'y').await?;
        rtts.push(t.elapsed());
    }
    Ok(rtts)
}

async fn bare_from(ws: &mut Socket, from: char) -> anyhow::Result<()> {
    loop {
        if let Message::Text(t) = ws.next().await.context("relay closed")??
            && t.starts_with(from)
        {
            return Ok(());
        }
    }
}
