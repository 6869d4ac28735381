//! Stored data survives the schema's changes: a database made by an older version is
//! migrated with what it holds.

use crate::common;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Issue 18, item 6: the key wraps of an older database keep their rows when the table
/// is keyed by wrapper too, and a second member's wrap for the same slot then fits.
#[tokio::test]
async fn key_wraps_keep_their_rows_when_keyed_by_wrapper() {
    let dir = tempfile::tempdir().unwrap();
    let mut url = common::database_url(dir.path()).await;
    if url.starts_with("sqlite:") {
        url.push_str("?mode=rwc");
    }
    let db = sea_orm::Database::connect(url).await.unwrap();
    // As the version before this change left it.
    Migrator::up(&db, Some(13)).await.unwrap();
    let exec = |sql: &'static str| {
        let db = db.clone();
        async move {
            db.execute_unprepared(sql).await.unwrap();
        }
    };
    let wrap = |sender: &'static str, bytes: Vec<u8>| {
        let db = db.clone();
        async move {
            use sea_orm::sea_query::{Alias, Query};
            let stmt = Query::insert()
                .into_table(Alias::new("group_keys"))
                .columns(
                    [
                        "conversation_id",
                        "epoch",
                        "recipient_id",
                        "sender_id",
                        "wrap",
                    ]
                    .map(Alias::new),
                )
                .values_panic([
                    7i64.into(),
                    0i64.into(),
                    "bb".into(),
                    sender.into(),
                    bytes.into(),
                ])
                .to_owned();
            db.execute(&stmt).await.unwrap();
        }
    };
    exec("INSERT INTO conversations (id, kind, created_at) VALUES (7, 'group', 0)").await;
    wrap("aa", vec![1, 2]).await;
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM group_keys WHERE sender_id = 'aa' AND refused_at IS NULL"
        )
        .await,
        1
    );
    wrap("cc", vec![3, 4]).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM group_keys").await, 2);
    // And back (to before this change): one wrap per slot again.
    let later = Migrator::migrations().len() as u32 - 13;
    Migrator::down(&db, Some(later)).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM group_keys").await, 1);
}
