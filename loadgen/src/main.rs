//! `hearth-load`: measures a real Hearth server (started here, on a temporary data
//! folder) on the scenarios of BENCHMARKS.md, and a bare WebSocket relay on the same
//! frames in the same run, so every figure comes with its ratio to the baseline.
//!
//! Accounts are provisioned the documented bulk way: registrations over the API, with the
//! server started with `--registrations-per-address` raised and the cheapest Argon2
//! parameters the protocol accepts (the password work is the client's, not the server's).

mod baseline;
mod client;
mod fanout;
mod ingest;
mod room;
mod server;
mod stats;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Hearth's load generator (see docs/PERFORMANCE.md)")]
struct Args {
    /// The hearth binary to measure (a release build).
    #[arg(long, default_value = "target/release/hearth")]
    hearth: PathBuf,
    /// The built web client (the server refuses to start without one).
    #[arg(long, default_value = "target/site")]
    site: PathBuf,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// N authenticated sockets held open: server memory per socket.
    Idle {
        #[arg(default_value_t = 1000)]
        sockets: usize,
    },
    /// Two people, ROUNDS round trips, each replying as soon as the other's message
    /// arrives: round-trip latency.
    Dm {
        #[arg(default_value_t = 200)]
        rounds: usize,
    },
    /// U members of one group, all online; S of them send M messages each, closed loop:
    /// messages/s, deliveries/s, delivery and acknowledgement latency.
    Room {
        #[arg(default_value_t = 50)]
        members: usize,
        #[arg(default_value_t = 5)]
        senders: usize,
        #[arg(default_value_t = 200)]
        messages: u32,
    },
    /// S senders, each in a direct conversation with someone offline, W messages in
    /// flight each: the most messages/s acknowledged after commit.
    Ingest {
        #[arg(default_value_t = 100)]
        senders: usize,
        #[arg(default_value_t = 200)]
        messages: u32,
        #[arg(default_value_t = 4)]
        window: usize,
    },
    /// U members of one group, all online; RATE messages/s for SECONDS from ten of them
    /// taking turns, on a clock: delivery latency at every member.
    Fanout {
        #[arg(default_value_t = 1000)]
        members: usize,
        #[arg(default_value_t = 10)]
        rate: u32,
        #[arg(default_value_t = 10)]
        seconds: u32,
    },
    /// The baseline relay itself (started by the other scenarios in a process of its own).
    #[command(hide = true)]
    Relay,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Scenario::Relay = args.scenario {
        return baseline::serve().await;
    }
    // Thousands of sockets: as many files as the system allows (the server, started
    // from here, inherits the limit).
    let files = rlimit::increase_nofile_limit(u64::MAX).context("raising the file limit")?;
    println!("file limit: {files}");
    let hearth = server::Hearth::start(&args.hearth, &args.site).await?;
    println!(
        "hearth: ready {} ms after start, {:.1} MiB resident when idle",
        hearth.ready_ms,
        server::mib(hearth.rss()?)
    );
    match args.scenario {
        Scenario::Idle { sockets } => idle(&hearth, sockets).await,
        Scenario::Dm { rounds } => dm(&hearth, rounds).await,
        Scenario::Room {
            members,
            senders,
            messages,
        } => room(&hearth, members, senders.min(members), messages).await,
        Scenario::Ingest {
            senders,
            messages,
            window,
        } => ingest::run(&hearth, senders, messages, window.max(1)).await,
        Scenario::Fanout {
            members,
            rate,
            seconds,
        } => fanout::run(&hearth, members.max(1), rate.max(1), seconds.max(1)).await,
        Scenario::Relay => Ok(()),
    }
}

async fn idle(hearth: &server::Hearth, n: usize) -> anyhow::Result<()> {
    // One account per 50 sockets: a person with several tabs, many people.
    let users = client::provision(&hearth.base, n.div_ceil(50)).await?;
    let before = hearth.rss()?;
    let mut sockets = Vec::with_capacity(n);
    for i in 0..n {
        let u = &users[i % users.len()];
        sockets.push(client::connect(&hearth.base, &u.cookie, i).await?);
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let after = hearth.rss()?;
    let per = (after.saturating_sub(before)) as f64 / n as f64;
    // This process's file limit must hold the baseline's sockets next.
    drop(sockets);
    let base = baseline::Relay::start().await?;
    let b_before = base.rss()?;
    let mut bare = Vec::with_capacity(n);
    for i in 0..n {
        bare.push(client::connect_bare(&base.url, i).await?);
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let b_per = (base.rss()?.saturating_sub(b_before)) as f64 / n as f64;
    println!(
        "idle: {n} sockets; hearth {:.1} KiB per socket ({:.1} MiB in all); bare relay {:.1} KiB per socket; hearth / bare {:.2}",
        per / 1024.0,
        server::mib(after),
        b_per / 1024.0,
        per / b_per.max(1.0)
    );
    drop(bare);
    Ok(())
}

async fn dm(hearth: &server::Hearth, rounds: usize) -> anyhow::Result<()> {
    let users = client::provision(&hearth.base, 2).await?;
    let conv = client::direct(&hearth.base, &users[0], &users[1]).await?;
    let mut a = client::connect(&hearth.base, &users[0].cookie, 0).await?;
    let mut b = client::connect(&hearth.base, &users[1].cookie, 1).await?;
    let cpu_before = hearth.cpu_secs()?;
    let rtts = client::ping_pong(&mut a, &mut b, conv, users[0].id, users[1].id, rounds).await?;
    let cpu = hearth.cpu_secs()? - cpu_before;
    let base = baseline::Relay::start().await?;
    let mut x = client::connect_bare(&base.url, 0).await?;
    let mut y = client::connect_bare(&base.url, 1).await?;
    let bare = client::bare_ping_pong(&mut x, &mut y, rounds).await?;
    let (h, b) = (stats::Summary::of(&rtts), stats::Summary::of(&bare));
    println!(
        "dm: {rounds} round trips (300-byte envelopes; each message stored before it is relayed)"
    );
    println!("  hearth      {h}");
    println!("  bare relay  {b}");
    println!(
        "  hearth / bare: p50 {:.1}×, p99 {:.1}×; server CPU {:.2} s, {:.1} MiB resident",
        h.p50 / b.p50,
        h.p99 / b.p99,
        cpu,
        server::mib(hearth.rss()?)
    );
    Ok(())
}

async fn room(hearth: &server::Hearth, u: usize, s: usize, m: u32) -> anyhow::Result<()> {
    let users = client::provision(&hearth.base, u).await?;
    let (conv, chain, key) = room::group(&hearth.base, &users).await?;
    let mut sockets = Vec::with_capacity(u);
    for (i, user) in users.iter().enumerate() {
        sockets.push(client::connect(&hearth.base, &user.cookie, i).await?);
    }
    let sockets = client::settle(sockets).await?;
    let cpu = hearth.cpu_secs()?;
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampler = {
        let (peak, pid_rss) = (peak.clone(), hearth.rss_reader());
        tokio::spawn(async move {
            loop {
                if let Ok(r) = pid_rss() {
                    peak.fetch_max(r, std::sync::atomic::Ordering::Relaxed);
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        })
    };
    let h = room::run(conv, &chain, &key, &users, sockets, s, m).await?;
    sampler.abort();
    let cpu = hearth.cpu_secs()? - cpu;
    let relay = baseline::Relay::start().await?;
    let mut bare = Vec::with_capacity(u);
    for i in 0..u {
        bare.push(client::connect_bare(&relay.url, i).await?);
    }
    // The baseline's frames are as long as Hearth's.
    let size = room::sealed(conv, &chain, &key, &users[0], 0)?.1.len();
    let b = room::run_bare(bare, s, m, size).await?;
    println!(
        "room: {u} members online, {s} senders × {m} messages, closed loop (each message committed before its ack)"
    );
    h.print("hearth");
    b.print("bare relay");
    let rate = |o: &room::Outcome| o.delivered as f64 / o.elapsed.as_secs_f64();
    println!(
        "  hearth / bare: deliveries/s {:.2}; server CPU {:.1} s, peak {:.1} MiB resident; every receiver got every message: {}",
        rate(&h) / rate(&b),
        cpu,
        server::mib(peak.load(std::sync::atomic::Ordering::Relaxed)),
        h.delivered == u * s * m as usize
    );
    Ok(())
}
