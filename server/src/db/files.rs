//! Uploaded files' rows. Ownership and membership are checked inside each query: an
//! upload belongs to its owner, a download needs membership of the file's conversation.

use super::conversations::members_of;
use super::entities::{files, members, users};
use super::now_ms;
use crate::error::{Error, Result};
use protocol::{ConversationId, FileId, MessageId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
};

/// The most files one message may carry.
pub const MAX_PER_MESSAGE: usize = 10;

fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Encrypted bytes `me` keeps stored, uploads under way included.
pub async fn used(db: &impl ConnectionTrait, me: &UserId) -> Result<u64> {
    let sum: Option<Option<i64>> = files::Entity::find()
        .select_only()
        // PostgreSQL sums a BIGINT as NUMERIC: cast back so both databases give an i64.
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(files::Column::Size)),
                "BIGINT",
            )),
            "total",
        )
        .filter(files::Column::OwnerId.eq(me.to_hex()))
        .into_tuple()
        .one(db)
        .await?;
    Ok(u64::try_from(sum.flatten().unwrap_or(0)).unwrap_or(0))
}

/// Uploads one person may have started and not finished (the browser sends three files
/// at a time; a crash may leave some, until the sweeper takes them).
pub const PENDING: u64 = 16;

/// Starts an upload of a `size`-byte blob to a conversation of `me`, checking the size
/// limit (for the blob a file of `max_upload` bytes makes), the quota and the number of
/// unfinished uploads first.
pub async fn create(
    db: &DatabaseConnection,
    me: &UserId,
    conv: ConversationId,
    size: u64,
    max_upload: u64,
    quota: u64,
) -> Result<FileId> {
    if size < protocol::crypto::file::blob_len(0) {
        return Err(Error::BadRequest("That is not an encrypted file.".into()));
    }
    if size > protocol::crypto::file::blob_len(max_upload) {
        return Err(Error::TooLarge(format!(
            "Files can be at most {} on this server.",
            human(max_upload)
        )));
    }
    let txn = super::write_txn(db).await?;
    members_of(&txn, me, conv).await?;
    // Two uploads starting at once must not both fit under the quota: lock the owner's
    // row (PostgreSQL; SQLite's immediate transaction already holds the write lock).
    users::Entity::find_by_id(me.to_hex())
        .lock_exclusive()
        .one(&txn)
        .await?;
    let unfinished = files::Entity::find()
        .filter(files::Column::OwnerId.eq(me.to_hex()))
        .filter(Expr::col(files::Column::Received).lt(Expr::col(files::Column::Size)))
        .count(&txn)
        .await?;
    if unfinished >= PENDING {
        return Err(Error::Busy(format!(
            "You have {PENDING} files on their way already; send this one when they are done."
        )));
    }
    let used = used(&txn, me).await?;
    if used.saturating_add(size) > quota {
        return Err(Error::TooLarge(format!(
            "This file would pass your storage quota: {} of {} used.",
            human(used),
            human(quota)
        )));
    }
    let id = FileId::random()?;
    let now = now_ms();
    files::Entity::insert(files::ActiveModel {
        id: Set(id.to_hex()),
        owner_id: Set(me.to_hex()),
        conversation_id: Set(conv.0),
        message_id: Set(None),
        size: Set(size as i64),
        received: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// An upload of `me` still under way.
pub async fn uploading(db: &DatabaseConnection, me: &UserId, id: &FileId) -> Result<files::Model> {
    files::Entity::find_by_id(id.to_hex())
        .filter(files::Column::OwnerId.eq(me.to_hex()))
        .filter(Expr::col(files::Column::Received).lt(Expr::col(files::Column::Size)))
        .one(db)
        .await?
        .ok_or(Error::NotFound("No such upload."))
}

pub async fn progress(db: &DatabaseConnection, id: &FileId, received: u64) -> Result<()> {
    files::Entity::update_many()
        .col_expr(files::Column::Received, Expr::value(received as i64))
        .col_expr(files::Column::UpdatedAt, Expr::value(now_ms()))
        .filter(files::Column::Id.eq(id.to_hex()))
        .exec(db)
        .await?;
    Ok(())
}

/// A complete file in a conversation `me` belongs to; anything else is "not found", so
/// an outsider cannot tell whether the id exists.
pub async fn readable(db: &DatabaseConnection, me: &UserId, id: &FileId) -> Result<files::Model> {
    let mine = Query::select()
        .column(members::Column::ConversationId)
        .from(members::Entity)
        .and_where(members::Column::UserId.eq(me.to_hex()))
        .to_owned();
    files::Entity::find_by_id(id.to_hex())
        .filter(Expr::col(files::Column::Received).eq(Expr::col(files::Column::Size)))
        .filter(files::Column::ConversationId.in_subquery(mine))
        .one(db)
        .await?
        .ok_or(Error::NotFound("No such file."))
}

/// Deletes a file of `me` that no message carries yet (a cancelled upload).
/// Deletes `me`'s unsent upload `id`; true if there was one. Asking again, or after the
/// server already dropped a broken-off upload, deletes nothing and is no error.
pub async fn cancel(db: &DatabaseConnection, me: &UserId, id: &FileId) -> Result<bool> {
    let res = files::Entity::delete_many()
        .filter(files::Column::Id.eq(id.to_hex()))
        .filter(files::Column::OwnerId.eq(me.to_hex()))
        .filter(files::Column::MessageId.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Deletes a row whatever its state (the upload broke off).
pub async fn forget(db: &DatabaseConnection, id: &FileId) -> Result<()> {
    files::Entity::delete_by_id(id.to_hex()).exec(db).await?;
    Ok(())
}

/// Ties complete, unsent files of `me` in `conv` to the message that carries their keys.
pub async fn attach(
    txn: &impl ConnectionTrait,
    me: &UserId,
    conv: ConversationId,
    msg: MessageId,
    ids: &[FileId],
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > MAX_PER_MESSAGE {
        return Err(Error::BadRequest(format!(
            "A message can carry at most {MAX_PER_MESSAGE} files."
        )));
    }
    let res = files::Entity::update_many()
        .col_expr(files::Column::MessageId, Expr::value(msg.0))
        .filter(files::Column::Id.is_in(ids.iter().map(|i| i.to_hex())))
        .filter(files::Column::OwnerId.eq(me.to_hex()))
        .filter(files::Column::ConversationId.eq(conv.0))
        .filter(files::Column::MessageId.is_null())
        .filter(Expr::col(files::Column::Received).eq(Expr::col(files::Column::Size)))
        .exec(txn)
        .await?;
    if res.rows_affected != ids.len() as u64 {
        return Err(Error::BadRequest(
            "An attached file is not fully uploaded, or was already sent.".into(),
        ));
    }
    Ok(())
}

/// Deletes the rows of the files `me`'s messages carried; returns their ids (whose blobs
/// can then go).
pub async fn detach(
    txn: &impl ConnectionTrait,
    me: &UserId,
    messages: &[i64],
) -> Result<Vec<FileId>> {
    let gone = files::Entity::delete_many()
        .filter(files::Column::MessageId.is_in(messages.iter().copied()))
        .filter(files::Column::OwnerId.eq(me.to_hex()))
        .exec_with_returning(txn)
        .await?;
    Ok(gone.iter().filter_map(|f| f.id.parse().ok()).collect())
}

/// Rows no message will claim: uploads idle for `idle_ms`, and complete files no message
/// carried within `unsent_ms`. Deletes them and returns their ids.
pub async fn expire(db: &DatabaseConnection, idle_ms: i64, unsent_ms: i64) -> Result<Vec<FileId>> {
    let now = now_ms();
    let stale = Condition::all()
        .add(files::Column::MessageId.is_null())
        .add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(Expr::col(files::Column::Received).lt(Expr::col(files::Column::Size)))
                        .add(files::Column::UpdatedAt.lt(now - idle_ms)),
                )
                .add(files::Column::UpdatedAt.lt(now - unsent_ms)),
        );
    // Only the rows this statement deleted: a file a message claimed in the meantime
    // keeps its row, and so its blob.
    let gone = files::Entity::delete_many()
        .filter(stale)
        .exec_with_returning(db)
        .await?;
    Ok(gone.iter().filter_map(|f| f.id.parse().ok()).collect())
}

/// Which of these ids still have a row.
pub async fn known(db: &DatabaseConnection, ids: &[FileId]) -> Result<Vec<FileId>> {
    let mut out = Vec::new();
    for batch in ids.chunks(500) {
        let rows: Vec<String> = files::Entity::find()
            .select_only()
            .column(files::Column::Id)
            .filter(files::Column::Id.is_in(batch.iter().map(|i| i.to_hex())))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.iter().filter_map(|i| i.parse::<FileId>().ok()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_well() {
        assert_eq!(super::human(10), "10 bytes");
        assert_eq!(super::human(2 << 30), "2.0 GiB");
        assert_eq!(super::human(1536), "1.5 KiB");
    }
}
