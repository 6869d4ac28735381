//! Fan-out: U members of one group, all online; messages go out at a set rate (open
//! loop: on a clock, not waiting for acknowledgements), taking turns among the first ten
//! members. Delivery latency is measured at every member, from the moment the message
//! was handed to the sender's socket. The bare relay gets the same clock and sizes.

use crate::client::{self, Socket};
use crate::room;
use crate::server::Hearth;
use crate::stats::Summary;
use futures::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const SENDERS: usize = 10;

pub async fn run(hearth: &Hearth, u: usize, rate: u32, seconds: u32) -> anyhow::Result<()> {
    let users = client::provision(&hearth.base, u).await?;
    let made = Instant::now();
    let (conv, chain, key) = room::group(&hearth.base, &users).await?;
    println!(
        "group of {u} made (keys wrapped for each, commit verified) in {:.1} s",
        made.elapsed().as_secs_f64()
    );
    let mut sockets = Vec::with_capacity(u);
    for (i, user) in users.iter().enumerate() {
        sockets.push(client::connect(&hearth.base, &user.cookie, i).await?);
    }
    let sockets = client::settle(sockets).await?;
    let total = rate * seconds;
    let frames: Vec<_> = (0..total)
        .map(|n| room::sealed(conv, &chain, &key, &users[n as usize % SENDERS.min(u)], n))
        .collect::<anyhow::Result<_>>()?;
    let size = frames[0].1.len();
    let cpu = hearth.cpu_secs()?;
    // Hearth's sockets stay open until the end: a thousand people leaving at once would
    // busy the server (presence) while the baseline is measured.
    let (h, _open) = hearth_run(sockets, frames, rate).await?;
    let cpu = hearth.cpu_secs()? - cpu;
    let relay = crate::baseline::Relay::start().await?;
    let mut bare = Vec::with_capacity(u);
    for i in 0..u {
        bare.push(client::connect_bare(&relay.url, i).await?);
    }
    let b = bare_run(bare, total, rate, size).await?;
    println!(
        "fanout: {u} members online, {rate} messages/s for {seconds} s, {} senders taking turns",
        SENDERS.min(u)
    );
    println!(
        "  hearth      delivery {}; every member got every message once: {}; server CPU {cpu:.1} s",
        Summary::of(&h),
        h.len() == u * total as usize
    );
    println!("  bare relay  delivery {}", Summary::of(&b));
    Ok(())
}

/// Sends `frames` on the clock from the first sockets; every socket collects deliveries.
async fn hearth_run(
    sockets: Vec<Socket>,
    frames: Vec<([u8; 16], String)>,
    rate: u32,
) -> anyhow::Result<(Vec<Duration>, Vec<impl Sized>)> {
    let started: room::Started = Arc::default();
    let expected = frames.len();
    let mut writers = Vec::new();
    let mut readers = Vec::new();
    for ws in sockets {
        let (tx, mut rx) = ws.split();
        if writers.len() < SENDERS {
            writers.push(tx);
        }
        let started = started.clone();
        readers.push(tokio::spawn(async move {
            let got = room::deliveries(&mut rx, &started, expected, None).await?;
            Ok::<_, anyhow::Error>((got, rx))
        }));
    }
    let mut clock = tokio::time::interval(Duration::from_secs(1) / rate);
    let n = writers.len();
    for (i, (id, text)) in frames.into_iter().enumerate() {
        // Open loop: latency counts from when the message was due, so a sender that
        // falls behind its clock shows in the figures.
        let due = clock.tick().await.into_std();
        if let Ok(mut s) = started.lock() {
            s.insert(id, due);
        }
        writers[i % n].send(Message::text(text)).await?;
    }
    let mut all = Vec::new();
    let mut open = Vec::new();
    for r in readers {
        let (got, rx) = r.await??;
        all.extend(got);
        open.push(rx);
    }
    Ok((all, open))
}

/// The same clock and frame sizes through the bare relay; each frame carries its time.
async fn bare_run(
    sockets: Vec<Socket>,
    total: u32,
    rate: u32,
    size: usize,
) -> anyhow::Result<Vec<Duration>> {
    let t0 = Instant::now();
    let expected = total as usize;
    let mut writers = Vec::new();
    let mut readers = Vec::new();
    for ws in sockets {
        let (tx, mut rx) = ws.split();
        if writers.len() < SENDERS {
            writers.push(tx);
        }
        readers.push(tokio::spawn(async move {
            room::bare_deliveries(&mut rx, t0, expected, None).await
        }));
    }
    let mut clock = tokio::time::interval(Duration::from_secs(1) / rate);
    let n = writers.len();
    for i in 0..expected {
        let due = clock.tick().await.into_std();
        let text = room::bare_frame(i % n, due.saturating_duration_since(t0), size);
        writers[i % n].send(Message::text(text)).await?;
    }
    let mut all = Vec::new();
    for r in readers {
        all.extend(r.await??);
    }
    Ok(all)
}
