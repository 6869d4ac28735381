//! The baseline: a bare tokio-tungstenite relay, in a process of its own like the
//! server. Every text frame a socket sends goes to every socket (the sender's copy
//! stands in for Hearth's acknowledgement), nothing stored, nothing checked: what moving
//! the same frames costs on this machine.

use anyhow::Context as _;
use futures::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::io::BufRead as _;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

type Peers = Arc<Mutex<HashMap<u64, mpsc::UnboundedSender<Message>>>>;

/// Serves the relay on a free loopback port (printed first on stdout) until killed.
pub async fn serve() -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?.port());
    let peers: Peers = Arc::default();
    let mut next = 0u64;
    loop {
        let (tcp, _) = listener.accept().await?;
        tcp.set_nodelay(true)?;
        next += 1;
        tokio::spawn(connection(tcp, next, peers.clone()));
    }
}

async fn connection(tcp: tokio::net::TcpStream, id: u64, peers: Peers) {
    // The same read buffer as Hearth's sockets, so memory compares like with like.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4 * 1024);
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(tcp, Some(config)).await else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    peers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, tx);
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if sink.send(m).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(m)) = stream.next().await {
        if m.is_text() {
            for tx in peers.lock().unwrap_or_else(|p| p.into_inner()).values() {
                let _ = tx.send(m.clone());
            }
        }
    }
    peers.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    writer.abort();
}

/// The relay process.
pub struct Relay {
    child: Child,
    pub url: String,
}

impl Relay {
    pub async fn start() -> anyhow::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("relay")
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()?;
        let out = child.stdout.take().context("relay stdout")?;
        let port = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(out)
                .read_line(&mut line)
                .map(|_| line)
        })
        .await??;
        let url = format!("ws://127.0.0.1:{}", port.trim());
        Ok(Self { child, url })
    }

    pub fn rss(&self) -> anyhow::Result<u64> {
        crate::server::rss_of(self.child.id())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
