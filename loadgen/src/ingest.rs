//! Durable ingest: the most messages per second the server acknowledges, each one
//! committed before its acknowledgement. S senders, each in a direct conversation with
//! one person who is not online (so the figure is storing, not fan-out), each keeping W
//! messages in flight on its socket.

use crate::client::{self, send_frame};
use crate::room::next_text;
use crate::server::Hearth;
use crate::stats::Summary;
use anyhow::{Context as _, bail};
use futures::{SinkExt, StreamExt};
use protocol::frames::ServerFrame;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

pub async fn run(hearth: &Hearth, senders: usize, each: u32, window: usize) -> anyhow::Result<()> {
    let users = client::provision(&hearth.base, senders + 1).await?;
    let (away, senders) = users.split_first().context("no users")?;
    let mut sockets = Vec::with_capacity(senders.len());
    for (i, u) in senders.iter().enumerate() {
        let conv = client::direct(&hearth.base, u, away).await?;
        let frames: Vec<String> = (0..each)
            .map(|_| send_frame(conv))
            .collect::<anyhow::Result<_>>()?;
        sockets.push((client::connect(&hearth.base, &u.cookie, i).await?, frames));
    }
    let before = counters(&hearth.base).await?;
    let cpu = hearth.cpu_secs()?;
    let t0 = Instant::now();
    let tasks: Vec<_> = sockets
        .into_iter()
        .map(|(ws, frames)| tokio::spawn(sender(ws, frames, window)))
        .collect();
    let mut acks = Vec::new();
    for t in tasks {
        acks.extend(t.await??);
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let cpu = hearth.cpu_secs()? - cpu;
    let after = counters(&hearth.base).await?;
    let (stored, commits) = (after.0 - before.0, after.1 - before.1);
    if stored != acks.len() as u64 {
        bail!("{} acknowledged, {stored} stored", acks.len());
    }
    println!(
        "ingest: {} senders × {each} messages, {window} in flight each (each committed before its ack)",
        senders.len()
    );
    println!(
        "  hearth  {:.0} messages/s acknowledged; ack {}; {commits} commits ({:.1} messages each); server CPU {cpu:.1} s",
        acks.len() as f64 / elapsed,
        Summary::of(&acks),
        stored as f64 / commits.max(1) as f64
    );
    Ok(())
}

/// Sends `frames` keeping `window` unacknowledged; returns each one's time to its ack.
async fn sender(
    ws: client::Socket,
    frames: Vec<String>,
    window: usize,
) -> anyhow::Result<Vec<Duration>> {
    let (mut tx, mut rx) = ws.split();
    let total = frames.len();
    let mut frames = frames.into_iter();
    // The server answers one socket's frames in order.
    let mut in_flight = VecDeque::with_capacity(window);
    let mut acks = Vec::with_capacity(total);
    while acks.len() < total {
        while in_flight.len() < window
            && let Some(f) = frames.next()
        {
            in_flight.push_back(Instant::now());
            tx.send(Message::text(f)).await?;
        }
        let Some(t) = next_text(&mut rx).await? else {
            continue;
        };
        match ServerFrame::decode(t.as_str())? {
            ServerFrame::Ack { .. } => {
                let sent = in_flight.pop_front().context("an ack too many")?;
                acks.push(sent.elapsed());
            }
            ServerFrame::Error { message, .. } => bail!("refused: {message}"),
            _ => {}
        }
    }
    Ok(acks)
}

/// The server's message and commit counters, from /metrics (open to loopback).
pub async fn counters(base: &str) -> anyhow::Result<(u64, u64)> {
    let text = reqwest::get(format!("{base}/metrics"))
        .await?
        .text()
        .await?;
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .with_context(|| format!("{name} in /metrics"))
    };
    Ok((
        value("hearth_messages_total")?,
        value("hearth_message_commits_total")?,
    ))
}
