//! The room scenario: U members of one group, all online; S of them send M messages
//! each, closed loop (the next once the last is acknowledged, i.e. committed). Every
//! receiver must get every message once. The baseline relay moves frames of the same
//! size the same way (its echo to the sender stands in for the acknowledgement).

use crate::client::{Socket, User};
use crate::stats::Summary;
use anyhow::{Context as _, bail};
use futures::{SinkExt, StreamExt};
use protocol::browser;
use protocol::crypto::group::{
    Chain, EpochKey, Member, Names, Opened, Role, Settings, genesis, message,
};
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{Bytes, ClientMsgId, ConversationId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// When each message (by client id) was handed to the socket.
pub type Started = Arc<Mutex<HashMap<[u8; 16], Instant>>>;

pub struct Outcome {
    pub elapsed: Duration,
    pub accepted: usize,
    pub delivered: usize,
    pub delivery: Vec<Duration>,
    pub ack: Vec<Duration>,
}

impl Outcome {
    pub fn print(&self, label: &str) {
        let secs = self.elapsed.as_secs_f64();
        println!(
            "  {label:<11} {:.0} messages/s accepted, {:.0} deliveries/s; delivery {}; ack {}",
            self.accepted as f64 / secs,
            self.delivered as f64 / secs,
            Summary::of(&self.delivery),
            Summary::of(&self.ack)
        );
    }
}

fn member(u: &User) -> Member {
    Member {
        user: u.id,
        signing: u.keys.public(u.id).signing,
        role: Role::Member,
    }
}

/// A group of everyone in `users`, made by the first; its chain and key.
pub async fn group(
    base: &str,
    users: &[User],
) -> anyhow::Result<(ConversationId, Chain, EpochKey)> {
    let http = reqwest::Client::new();
    let owner = &users[0];
    let res = http
        .post(format!("{base}/api/new_group"))
        .header("cookie", &owner.cookie)
        .json(&serde_json::json!({}))
        .send()
        .await?;
    let conv: ConversationId = crate::client::answer(res).await.context("new_group")?;
    let settings = Settings {
        history: true,
        ..Settings::default()
    };
    let body = genesis(
        conv,
        member(owner),
        users[1..].iter().map(member).collect(),
        settings,
    );
    let names = Opened::new(Names {
        name: "Load".into(),
        description: String::new(),
        emoji: "🔥".into(),
    })?;
    // Built as a browser builds it (`protocol::browser`).
    let built = browser::group::commit(None, body, &owner.keys, Some(&names), |m| {
        let u = users.iter().find(|u| u.id == m.user)?;
        Some(u.keys.public(u.id).agreement)
    })?;
    let key = built.key.context("a create starts a key")?;
    let commit = built.request.commit.clone();
    let res = http
        .post(format!("{base}/api/group_commit"))
        .header("cookie", &owner.cookie)
        .json(&serde_json::json!({ "request": built.request }))
        .send()
        .await?;
    let () = crate::client::answer(res)
        .await
        .context("creating the group")?;
    let chain = Chain::verify(vec![commit])?;
    Ok((conv, chain, key))
}

/// A message frame as a browser seals it (200 bytes of text, padded and signed).
pub fn sealed(
    conv: ConversationId,
    chain: &Chain,
    key: &EpochKey,
    sender: &User,
    n: u32,
) -> anyhow::Result<([u8; 16], String)> {
    let id = ClientMsgId(protocol::crypto::random_array()?);
    let head = chain.head().context("head")?;
    let epoch = chain.current_key_epoch().context("key epoch")?;
    let hash = chain.hash_at(epoch).context("hash")?;
    let place = message::Place {
        group: head.group,
        epoch,
        sender_epoch: head.epoch,
        commit_hash: &hash,
        sender: &sender.id,
        client_id: &id,
    };
    let text = format!("{n:>200}");
    let envelope = message::seal(key, &place, &sender.keys, text.as_bytes())?;
    let frame = ClientFrame::Send {
        conversation: conv,
        client_id: id,
        envelope: Bytes(envelope),
        files: vec![],
        event: false,
    };
    Ok((id.0, frame.encode()))
}

/// Runs the room on Hearth: `sockets[i]` is `users[i]`'s; the first `senders` send.
pub async fn run(
    conv: ConversationId,
    chain: &Chain,
    key: &EpochKey,
    users: &[User],
    sockets: Vec<Socket>,
    senders: usize,
    each: u32,
) -> anyhow::Result<Outcome> {
    let started: Started = Arc::default();
    let expected = senders * each as usize;
    let mut readers = Vec::new();
    let mut acks_in = Vec::new();
    let mut writers = Vec::new();
    for (i, ws) in sockets.into_iter().enumerate() {
        let (tx, mut rx) = ws.split();
        let started = started.clone();
        let (ack_tx, ack_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
        readers.push(tokio::spawn(async move {
            deliveries(&mut rx, &started, expected, Some(&ack_tx)).await
        }));
        if i < senders {
            acks_in.push(ack_rx);
            writers.push(tx);
        } else {
            drop(tx);
        }
    }
    // Closed loop per sender.
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for (i, (mut tx, mut acks)) in writers.into_iter().zip(acks_in).enumerate() {
        let frames: Vec<_> = (0..each)
            .map(|n| sealed(conv, chain, key, &users[i], n))
            .collect::<anyhow::Result<_>>()?;
        let started = started.clone();
        tasks.push(tokio::spawn(async move {
            let mut ack = Vec::with_capacity(frames.len());
            for (id, text) in frames {
                let t = Instant::now();
                if let Ok(mut s) = started.lock() {
                    s.insert(id, t);
                }
                tx.send(Message::text(text)).await?;
                acks.recv().await.context("no ack")?;
                ack.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>((ack, tx))
        }));
    }
    finish(t0, expected, tasks, readers).await
}

/// Reads `rx` until `expected` different messages arrived (one arriving twice is an
/// error); returns each one's time since it was handed to its sender's socket
/// (`started`). Acknowledgements go to `acks`, if given.
pub async fn deliveries(
    rx: &mut futures::stream::SplitStream<Socket>,
    started: &Started,
    expected: usize,
    acks: Option<&tokio::sync::mpsc::UnboundedSender<()>>,
) -> anyhow::Result<Vec<Duration>> {
    let mut got = Vec::with_capacity(expected);
    let mut seen = std::collections::HashSet::with_capacity(expected);
    while got.len() < expected {
        let Some(t) = next_text(rx).await? else {
            continue;
        };
        match ServerFrame::decode(t.as_str())? {
            ServerFrame::Message(m) => {
                if !seen.insert(m.id) {
                    bail!("message {} delivered twice", m.id.0);
                }
                let at = started
                    .lock()
                    .ok()
                    .and_then(|s| s.get(&m.client_id.0).copied());
                got.push(at.map(|a| a.elapsed()).unwrap_or_default());
            }
            ServerFrame::Ack { .. } => {
                if let Some(acks) = acks {
                    let _ = acks.send(());
                }
            }
            ServerFrame::Error { message, .. } => bail!("refused: {message}"),
            _ => {}
        }
    }
    Ok(got)
}

/// The same traffic through the bare relay: `sockets.len()` sockets, the first `senders`
/// send `each` frames of `size` bytes, each after the relay echoed the last.
pub async fn run_bare(
    sockets: Vec<Socket>,
    senders: usize,
    each: u32,
    size: usize,
) -> anyhow::Result<Outcome> {
    let expected = senders * each as usize;
    let t0 = Instant::now();
    let mut readers = Vec::new();
    let mut writers = Vec::new();
    let mut echoes = Vec::new();
    for (i, ws) in sockets.into_iter().enumerate() {
        let (tx, mut rx) = ws.split();
        let (echo_tx, echo_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
        readers.push(tokio::spawn(async move {
            bare_deliveries(&mut rx, t0, expected, Some((i, &echo_tx))).await
        }));
        if i < senders {
            writers.push(tx);
            echoes.push(echo_rx);
        }
    }
    let sending = Instant::now();
    let mut tasks = Vec::new();
    for (i, (mut tx, mut echo)) in writers.into_iter().zip(echoes).enumerate() {
        tasks.push(tokio::spawn(async move {
            let mut ack = Vec::new();
            for _ in 0..each {
                let t = Instant::now();
                tx.send(Message::text(bare_frame(i, t0.elapsed(), size)))
                    .await?;
                echo.recv().await.context("no echo")?;
                ack.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>((ack, tx))
        }));
    }
    finish(sending, expected, tasks, readers).await
}

/// A frame for the bare relay, `size` bytes: "sender(8) time-since-start-ns(20) padding".
pub fn bare_frame(sender: usize, since_start: Duration, size: usize) -> String {
    let mut text = format!("{sender:08}{:>20}", since_start.as_nanos());
    text.push_str(&"x".repeat(size.saturating_sub(text.len())));
    text
}

/// Reads `rx` until `expected` bare frames arrived; returns each one's age (from the time
/// it carries, against `t0`). With `echo`, this socket's own frames (sender index) are
/// also signalled there: the relay's echo stands in for an acknowledgement.
pub async fn bare_deliveries(
    rx: &mut futures::stream::SplitStream<Socket>,
    t0: Instant,
    expected: usize,
    echo: Option<(usize, &tokio::sync::mpsc::UnboundedSender<()>)>,
) -> anyhow::Result<Vec<Duration>> {
    let me = echo.map(|(i, _)| format!("{i:08}"));
    let mut got = Vec::with_capacity(expected);
    while got.len() < expected {
        let Some(t) = next_text(rx).await? else {
            continue;
        };
        let nanos: u64 = t
            .get(8..28)
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        got.push(t0.elapsed().saturating_sub(Duration::from_nanos(nanos)));
        if let (Some(me), Some((_, tx))) = (&me, echo)
            && t.starts_with(me.as_str())
        {
            let _ = tx.send(());
        }
    }
    Ok(got)
}

/// The next frame's text (None for a control frame); an error after 30 s of silence.
pub async fn next_text(
    rx: &mut futures::stream::SplitStream<Socket>,
) -> anyhow::Result<Option<tokio_tungstenite::tungstenite::Utf8Bytes>> {
    let m = tokio::time::timeout(Duration::from_secs(30), rx.next())
        .await
        .context("nothing for 30 s")?
        .context("closed")??;
    Ok(match m {
        Message::Text(t) => Some(t),
        _ => None,
    })
}

type Sender<T> = tokio::task::JoinHandle<anyhow::Result<(Vec<Duration>, T)>>;
type Reader = tokio::task::JoinHandle<anyhow::Result<Vec<Duration>>>;

/// Waits for the senders (keeping their sockets open until every reader is done) and the
/// readers, and gathers the figures.
async fn finish<T>(
    t0: Instant,
    expected: usize,
    senders: Vec<Sender<T>>,
    readers: Vec<Reader>,
) -> anyhow::Result<Outcome> {
    let mut ack = Vec::new();
    let mut keep = Vec::new();
    for t in senders {
        let (a, tx) = t.await??;
        ack.extend(a);
        keep.push(tx);
    }
    let mut delivery = Vec::new();
    for r in readers {
        delivery.extend(r.await??);
    }
    Ok(Outcome {
        elapsed: t0.elapsed(),
        accepted: expected,
        delivered: delivery.len(),
        delivery,
        ack,
    })
}
