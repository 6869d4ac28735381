//! Several Hearth processes on one PostgreSQL database: what one process's hub sends to
//! sockets (messages, presence, ended sessions) reaches the sockets of the others through
//! PostgreSQL's LISTEN/NOTIFY. SQLite has one process, and no bus.
//!
//! A notification carries at most 8000 bytes; a larger event is stored in `relay_events`
//! and the notification names its row. Events hold what the sockets get anyway (opaque
//! envelopes), never anything the database does not already hold.

use crate::error::{Error, Result};
use crate::hub::{Hub, Relayed};
use sea_orm::sqlx::postgres::{PgListener, PgPool};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::mpsc;

const CHANNEL: &str = "hearth_events";
/// Below PostgreSQL's 8000-byte payload limit, with room for the envelope.
const INLINE_MAX: usize = 7_000;
/// Stored events are read within moments; older ones are swept.
const KEEP_MS: i64 = 5 * 60 * 1000;

/// How often each process tells the others who is connected to it.
pub const SNAPSHOT_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Serialize, Deserialize)]
struct Note {
    /// The sending process, which ignores its own notifications.
    from: u64,
    #[serde(flatten)]
    event: Relayed,
}

/// With PostgreSQL: listens for the other processes and relays this one's events to
/// them. Returns once listening, so nothing sent after start-up is missed.
pub async fn start(db: &DatabaseConnection, hub: Arc<Hub>) -> Result<()> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let pool = db.get_postgres_connection_pool().clone();
    let mut listener = PgListener::connect_with(&pool).await.map_err(sql)?;
    listener.listen(CHANNEL).await.map_err(sql)?;
    let me: u64 = u64::from_le_bytes(
        protocol::crypto::random_array()
            .map_err(|_| Error::Config("no randomness for the process id".into()))?,
    );
    let (tx, rx) = mpsc::unbounded_channel();
    hub.relay_to(tx);
    tokio::spawn(publish(pool.clone(), me, rx));
    let snapshots = hub.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SNAPSHOT_EVERY);
        loop {
            tick.tick().await;
            snapshots.publish_snapshot();
        }
    });
    tokio::spawn(listen(listener, pool, me, hub));
    Ok(())
}

fn sql(e: sea_orm::sqlx::Error) -> Error {
    Error::Db(sea_orm::DbErr::Custom(format!("bus: {e}")))
}

/// Sends this process's events, in order.
async fn publish(pool: PgPool, me: u64, mut rx: mpsc::UnboundedReceiver<Relayed>) {
    while let Some(event) = rx.recv().await {
        if let Err(e) = notify(&pool, me, event).await {
            tracing::warn!(error = %e, "could not relay a live event to the other processes");
        }
    }
}

async fn notify(pool: &PgPool, me: u64, event: Relayed) -> Result<()> {
    let body = serde_json::to_string(&Note { from: me, event })
        .map_err(|e| Error::Config(format!("bus: {e}")))?;
    let payload = if body.len() <= INLINE_MAX {
        body
    } else {
        let now = crate::db::now_ms();
        sea_orm::sqlx::query("DELETE FROM relay_events WHERE created_at < $1")
            .bind(now - KEEP_MS)
            .execute(pool)
            .await
            .map_err(sql)?;
        let id: i64 = sea_orm::sqlx::query_scalar(
            "INSERT INTO relay_events (body, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(body)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(sql)?;
        format!("#{id}")
    };
    sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(pool)
        .await
        .map_err(sql)?;
    Ok(())
}

/// Hands the other processes' events to this process's sockets. PgListener reconnects
/// by itself after a lost connection; events sent meanwhile are lost here, and the
/// browsers catch up on messages when they next resume.
async fn listen(mut listener: PgListener, pool: PgPool, me: u64, hub: Arc<Hub>) {
    loop {
        let body = match listener.recv().await {
            Ok(n) => n.payload().to_owned(),
            Err(e) => {
                tracing::warn!(error = %e, "lost the event bus; reconnecting");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        let body = match body.strip_prefix('#').map(str::parse::<i64>) {
            None => body,
            Some(Ok(id)) => {
                match sea_orm::sqlx::query_scalar("SELECT body FROM relay_events WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&pool)
                    .await
                {
                    Ok(Some(body)) => body,
                    Ok(None) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not read a stored live event");
                        continue;
                    }
                }
            }
            Some(Err(_)) => continue,
        };
        match serde_json::from_str::<Note>(&body) {
            Ok(note) if note.from != me => hub.deliver(note.from, note.event),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "an unreadable live event"),
        }
    }
}
