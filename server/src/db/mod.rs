//! The database: connection, migrations and the queries. Every query that reads or
//! writes a conversation checks the caller's membership inside the query itself.

pub mod accounts;
pub mod audit;
pub mod chain;
pub mod conversations;
pub mod entities;
pub mod files;
pub mod group_checks;
pub mod groups;
pub mod invites;
pub mod lockout;
pub mod messages;
pub mod sends;
pub mod sessions;
pub mod settings;
pub mod setup_code;
pub mod signups;
pub mod stats;
pub mod totp;
pub mod users;

use crate::error::Result;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Starts a transaction that will write. On SQLite it takes the write lock at BEGIN
/// (IMMEDIATE): a deferred transaction that read first and then writes fails at once with
/// "database is locked" when another writer got in between, whatever the busy timeout,
/// while an immediate one waits its turn. PostgreSQL ignores the mode.
pub async fn write_txn(db: &DatabaseConnection) -> Result<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?)
}

/// At shutdown: folds SQLite's write-ahead log back into the database file (so a copy
/// of the folder is the database), then closes the pool. PostgreSQL needs nothing.
pub async fn close(db: DatabaseConnection) -> Result<()> {
    use sea_orm::ConnectionTrait as _;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    db.close().await?;
    Ok(())
}

/// Is the database answering? (For /healthz.)
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Connects and migrates. SQLite gets WAL (readers never wait for the writer), a busy
/// timeout (writers queue instead of failing) and foreign keys, set explicitly on every
/// pooled connection. Synchronous is FULL: an acknowledged message is on the disk, not
/// only in the kernel's cache, so a power cut cannot take it back (NORMAL would survive
/// a crash of the process, but not of the machine).
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // A file's connection does not go stale: no ping before each use (it was one
        // more hand-off to SQLite's worker thread in every transaction).
        opts.test_before_acquire(false);
        opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                // A deleted message's ciphertext is overwritten, not left in free pages.
                .pragma("secure_delete", "ON")
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        // Only a connection idle for a while may have been dropped by the network.
        opts.max_connections(32)
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    let db = Database::connect(opts).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}
