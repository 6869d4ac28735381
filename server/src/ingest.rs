//! Group commit: every message a socket receives goes to one writer task, which stores
//! whatever messages are waiting in one transaction, commits once, and only then
//! delivers them and answers their senders.
//!
//! Why: an acknowledged message is on the disk (SQLite `synchronous=FULL`), so each
//! commit costs an fsync, and SQLite has one writer at a time. With a transaction per
//! message, ten senders meant ten fsyncs in a row and nine connections sleeping in
//! SQLite's busy handler (1, 2, 5 … 100 ms steps): a low rate and a long tail. Batched,
//! ten waiting messages cost one fsync and nobody sleeps. A lone message is committed at
//! once: the writer never waits for a batch to fill.
//!
//! Delivery happens here too, in id order right after the commit (and the senders'
//! acknowledgements), so members see a conversation's messages in the order they were
//! stored.

use crate::db::sends::{self, NewMessage, Sent};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::metrics::Metrics;
use protocol::UserId;
use protocol::frames::{ServerFrame, StoredMessage};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The most messages in one transaction (envelopes are at most 48 KiB: a batch stays a
/// few MiB even at the worst).
const MAX_BATCH: usize = 256;
/// Messages waiting for the writer before senders wait to hand theirs over.
const QUEUE: usize = 4 * MAX_BATCH;

struct Job {
    message: NewMessage,
    reply: oneshot::Sender<Result<Sent>>,
}

/// The handle sockets send through; cloning it shares the one writer.
#[derive(Clone)]
pub struct Ingest {
    jobs: mpsc::Sender<Job>,
    /// Told at shutdown: the writer stores what is waiting, then ends.
    stop: CancellationToken,
    writer: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Ingest {
    /// Starts the writer (on the current Tokio runtime); it runs until `finish`.
    pub fn start(db: DatabaseConnection, hub: Arc<Hub>, metrics: Arc<Metrics>) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let stop = CancellationToken::new();
        let task = tokio::spawn(writer(db, hub, metrics, queue, stop.clone()));
        Self {
            jobs,
            stop,
            writer: Arc::new(Mutex::new(Some(task))),
        }
    }

    /// Stores `message`; returns once it is committed (and delivered, when new).
    pub async fn send(&self, message: NewMessage) -> Result<Sent> {
        self.submit(message).await?.sent().await
    }

    /// Hands `message` to the writer (waiting while its queue is full) and returns at
    /// once: messages submitted one after another are stored in that order, and the
    /// caller can take the next while this one commits.
    pub async fn submit(&self, message: NewMessage) -> Result<Answer> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { message, reply })
            .await
            .map_err(|_| gone())?;
        Ok(Answer(answer))
    }

    /// False once the writer has ended (stopped, or failed): then nothing can be sent,
    /// and /healthz says so.
    pub fn running(&self) -> bool {
        !self.jobs.is_closed()
    }

    /// At shutdown, before the database closes: stores the messages already handed over
    /// and waits for the writer to end (a later send gets an error, and its browser
    /// sends it again to the next server).
    pub async fn finish(&self) {
        self.stop.cancel();
        let task = self.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(task) = task
            && let Err(e) = task.await
        {
            tracing::error!("the message writer failed: {e}");
        }
    }
}

/// A submitted message's outcome, once its batch is committed.
pub struct Answer(oneshot::Receiver<Result<Sent>>);

impl Answer {
    pub async fn sent(self) -> Result<Sent> {
        self.0.await.map_err(|_| gone())?
    }
}

fn gone() -> Error {
    Error::Io(std::io::Error::other("the message writer stopped"))
}

async fn writer(
    db: DatabaseConnection,
    hub: Arc<Hub>,
    metrics: Arc<Metrics>,
    mut queue: mpsc::Receiver<Job>,
    stop: CancellationToken,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        // Waits for one message, then takes every other one already waiting.
        let got = tokio::select! {
            // Once stopped, every later pass takes this branch: close the queue (later
            // sends get an error) and take the rest of what is in it.
            biased;
            () = stop.cancelled() => {
                queue.close();
                queue.recv_many(&mut batch, QUEUE).await
            }
            n = queue.recv_many(&mut batch, MAX_BATCH) => n,
        };
        if got == 0 {
            return;
        }
        commit(&db, &hub, &metrics, &mut batch).await;
        if stop.is_cancelled() && queue.is_empty() {
            return;
        }
    }
}

/// Stores, delivers and answers one batch.
async fn commit(db: &DatabaseConnection, hub: &Hub, metrics: &Metrics, batch: &mut Vec<Job>) {
    let (messages, replies): (Vec<_>, Vec<_>) =
        batch.drain(..).map(|j| (j.message, j.reply)).unzip();
    let t = std::time::Instant::now();
    let mut results = store_all(db, &messages).await;
    tracing::debug!(
        n = messages.len(),
        us = t.elapsed().as_micros() as u64,
        "batch"
    );
    if results.iter().any(Result::is_ok) {
        metrics.commit();
    }
    // Out in id order (a message with files may have been stored ahead of the rest).
    // (The members move out: the sender's answer needs only the message.)
    let mut fresh: Vec<(StoredMessage, Vec<UserId>)> = results
        .iter_mut()
        .flatten()
        .filter(|s| s.fresh)
        .map(|s| (s.message.clone(), std::mem::take(&mut s.members)))
        .collect();
    fresh.sort_by_key(|(m, _)| m.id);
    // The senders first, so each has its acknowledgement before its own copy.
    for (reply, result) in replies.into_iter().zip(results) {
        // A sender that went away meanwhile resends after reconnecting and gets the
        // stored message's acknowledgement.
        let _ = reply.send(result);
    }
    for (message, members) in fresh {
        metrics.message();
        hub.send_to(&members, &ServerFrame::Message(message));
    }
}

/// Stores `batch` in one transaction: one result per message, in order. A refused
/// message (not a member, a stale epoch, a file it may not carry) wrote nothing and does
/// not stop the others; a database error fails the whole batch, whose senders may send
/// again.
pub async fn store_all(db: &DatabaseConnection, batch: &[NewMessage]) -> Vec<Result<Sent>> {
    let txn = match crate::db::write_txn(db).await {
        Ok(t) => t,
        Err(e) => return fail(batch.len(), e),
    };
    // Dropping the transaction on an error rolls every message in it back.
    let done = match sends::store_all(&txn, batch).await {
        Ok(done) => done,
        Err(e) => return fail(batch.len(), e),
    };
    match txn.commit().await {
        Ok(()) => done,
        Err(e) => fail(batch.len(), e.into()),
    }
}

/// `n` errors saying to try again; the cause goes to the log.
fn fail(n: usize, e: Error) -> Vec<Result<Sent>> {
    tracing::error!("storing messages: {e}");
    (0..n)
        .map(|_| Err(Error::Io(std::io::Error::other("the batch was not stored"))))
        .collect()
}
