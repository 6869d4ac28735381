//! One connection of the tab's socket, and what the socket keeps from one connection to
//! the next. Generic over the socket's halves, the heartbeat's ticks and the clock, so
//! the tests below drive it with channels, without a browser or a network.

use super::Handlers;
use futures::channel::mpsc;
use futures::{Sink, SinkExt, Stream, StreamExt};
use protocol::frames::{ClientFrame, ServerFrame};
use protocol::{ClientMsgId, MessageId};
use std::cell::RefCell;

/// A connection that heard nothing (not even a pong) for this long is given up.
pub const DEAD_AFTER_MS: f64 = 50_000.0;

/// What the socket keeps across connections.
#[derive(Debug, Default)]
pub struct Book {
    /// The newest message received: a new connection resumes after it.
    last_seen: i64,
    /// Sent but not acknowledged, in order: sent again on every new connection (the
    /// server stores a client id once).
    pending: Vec<(ClientMsgId, String)>,
    /// Tries in a row that failed.
    attempts: u32,
    /// A connection is open now.
    connected: bool,
}

impl Book {
    pub fn new(last_seen: MessageId) -> Self {
        Book {
            last_seen: last_seen.0,
            ..Book::default()
        }
    }

    pub fn connected(&self) -> bool {
        self.connected
    }

    /// A message frame to send, kept until the server acknowledges `id`.
    pub fn keep(&mut self, id: ClientMsgId, text: String) {
        self.pending.push((id, text));
    }

    /// A connection opened: the frames it starts with (where to resume, then everything
    /// not yet acknowledged).
    fn opened(&mut self) -> Vec<String> {
        self.attempts = 0;
        self.connected = true;
        let resume = ClientFrame::Resume {
            after: MessageId(self.last_seen),
        };
        std::iter::once(resume.encode())
            .chain(self.pending.iter().map(|(_, t)| t.clone()))
            .collect()
    }

    /// Notes what a frame from the server settles.
    fn heard(&mut self, frame: &ServerFrame) {
        match frame {
            ServerFrame::Message(m) => self.last_seen = self.last_seen.max(m.id.0),
            ServerFrame::Ack { client_id, .. } => self.pending.retain(|(id, _)| id != client_id),
            // Refused for good (not a member, too large): sending again cannot help.
            ServerFrame::Error {
                client_id: Some(id),
                ..
            } => self.pending.retain(|(p, _)| p != id),
            _ => {}
        }
    }

    /// After a failed or dropped connection: how long to wait before the next try (ms),
    /// and how many tries in a row failed. Exponential with jitter (`jitter` in 0..1):
    /// 0.5 s, 1 s, 2 s … up to 30 s.
    pub fn backoff(&mut self, jitter: f64) -> (u32, u32) {
        let n = self.attempts;
        self.attempts = n.saturating_add(1);
        let base = 500u32.saturating_mul(1 << n.min(6)).min(30_000);
        (base + (jitter * 250.0) as u32, self.attempts)
    }
}

/// What the page hands the connection.
#[derive(Debug)]
pub enum Out {
    Frame(String),
    /// Close for good (the user signed out).
    Close,
}

/// How a connection ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// The server or the network closed it.
    Dropped,
    /// Nothing was heard for `DEAD_AFTER_MS`.
    Silent,
    /// The page closed it, or let the socket go.
    Closed,
}

/// Runs one open connection until it ends: resumes, sends what is unacknowledged, then
/// passes frames both ways and pings on every tick.
pub async fn run<W, R, T>(
    book: &RefCell<Book>,
    handlers: &Handlers,
    mut write: W,
    read: R,
    outgoing: &mut mpsc::UnboundedReceiver<Out>,
    ticks: T,
    now: &dyn Fn() -> f64,
) -> Ended
where
    W: Sink<String> + Unpin,
    R: Stream<Item = String> + Unpin,
    T: Stream<Item = ()> + Unpin,
{
    // Queued while no connection was open: unacknowledged messages go again from the
    // book; the rest (read marks, typing) is stale.
    while let Ok(out) = outgoing.try_recv() {
        if let Out::Close = out {
            return Ended::Closed;
        }
    }
    let opening = book.borrow_mut().opened();
    (handlers.on_connected)(true);
    let mut ended = Ended::Dropped;
    for text in opening {
        if write.send(text).await.is_err() {
            return settle(book, handlers, ended);
        }
    }
    let (mut read, mut ticks) = (read.fuse(), ticks.fuse());
    let mut last_heard = now();
    ended = loop {
        futures::select_biased! {
            text = read.next() => {
                let Some(text) = text else { break Ended::Dropped };
                last_heard = now();
                if let Ok(frame) = ServerFrame::decode(&text) {
                    book.borrow_mut().heard(&frame);
                    (handlers.on_frame)(frame);
                }
            }
            out = outgoing.next() => match out {
                Some(Out::Frame(text)) => {
                    if write.send(text).await.is_err() {
                        break Ended::Dropped;
                    }
                }
                Some(Out::Close) | None => break Ended::Closed,
            },
            tick = ticks.next() => {
                if tick.is_some() && now() - last_heard > DEAD_AFTER_MS {
                    break Ended::Silent;
                }
                if tick.is_some() && write.send(ClientFrame::Ping.encode()).await.is_err() {
                    break Ended::Dropped;
                }
            }
        }
    };
    settle(book, handlers, ended)
}

/// The connection is over; the page hears of it unless it closed the socket itself (it
/// may have let its callbacks go by then).
fn settle(book: &RefCell<Book>, handlers: &Handlers, ended: Ended) -> Ended {
    book.borrow_mut().connected = false;
    if ended != Ended::Closed {
        (handlers.on_connected)(false);
    }
    ended
}

#[cfg(test)]
mod tests;
