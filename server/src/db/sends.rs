//! Storing sent messages, many senders' at once (`crate::ingest` owns the transaction
//! and its commit).
//!
//! The contract that lets one transaction carry many senders' messages: a message that
//! is refused (an error that is not `Error::is_internal`) leaves nothing of itself
//! written, so the others still commit; an internal error (the database's) leaves the
//! transaction unusable, and is returned for the whole batch.

use super::entities::{conversations, members, messages};
use super::now_ms;
use crate::error::{Error, Result};
use protocol::frames::StoredMessage;
use protocol::{Bytes, ClientMsgId, ConversationId, MessageId, UserId};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait, TryInsertResult,
};
use std::collections::{HashMap, HashSet};

/// The largest envelope accepted: a 16 KiB text padded and sealed fits easily.
pub const MAX_ENVELOPE: usize = 48 * 1024;

/// A message to store, as a socket received it.
pub struct NewMessage {
    pub sender: UserId,
    pub conversation: ConversationId,
    pub client_id: ClientMsgId,
    pub envelope: Bytes,
    pub files: Vec<protocol::FileId>,
    /// A group event (an edit, a reaction, a join notice): not counted as unread.
    pub event: bool,
}

/// The outcome of a send: the stored message, who should receive it, and whether this
/// call stored it (false for a repeated client id, which is acknowledged but not
/// delivered again).
pub struct Sent {
    pub message: StoredMessage,
    pub members: Vec<UserId>,
    pub fresh: bool,
}

/// Who is in each of the batch's conversations, and each one's current group epoch.
struct Rooms {
    members: HashMap<i64, Vec<UserId>>,
    epochs: HashMap<i64, Option<i64>>,
}

impl Rooms {
    /// Two queries, however many messages and conversations. The conversations' rows are
    /// read first and share-locked (PostgreSQL; SQLite's write transaction already holds
    /// the whole database): a removal, which moves the epoch in the same row, waits for
    /// this batch or is seen by it, so a removed member is never handed a new message.
    async fn of(txn: &DatabaseTransaction, batch: &[NewMessage]) -> Result<Self> {
        let mut ids: Vec<i64> = batch.iter().map(|m| m.conversation.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let epochs = conversations::Entity::find()
            .select_only()
            .columns([conversations::Column::Id, conversations::Column::Epoch])
            .filter(conversations::Column::Id.is_in(ids.clone()))
            .lock_shared()
            .into_tuple::<(i64, Option<i64>)>()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        let mut members: HashMap<i64, Vec<UserId>> = HashMap::new();
        let rows: Vec<(i64, String)> = members::Entity::find()
            .select_only()
            .columns([members::Column::ConversationId, members::Column::UserId])
            .filter(members::Column::ConversationId.is_in(ids))
            .into_tuple()
            .all(txn)
            .await?;
        for (conv, user) in rows {
            if let Ok(user) = user.parse() {
                members.entry(conv).or_default().push(user);
            }
        }
        Ok(Self { members, epochs })
    }

    /// May `m` be stored: its size, its sender a member, a group message sealed under the
    /// newest epoch (after a removal nothing new goes out under a key the removed member
    /// holds). Returns the members to deliver it to.
    fn check(&self, m: &NewMessage) -> Result<&[UserId]> {
        if m.envelope.is_empty() || m.envelope.len() > MAX_ENVELOPE {
            return Err(Error::BadRequest(
                "The message is empty or too large.".into(),
            ));
        }
        let members = self
            .members
            .get(&m.conversation.0)
            .filter(|ms| ms.contains(&m.sender))
            .ok_or(Error::Forbidden("You are not in that conversation."))?;
        if let Some(Some(epoch)) = self.epochs.get(&m.conversation.0)
            && (*epoch < 0
                || protocol::crypto::group::message::epoch_of(m.envelope.as_slice())
                    != Some(*epoch as u64))
        {
            return Err(Error::Stale);
        }
        Ok(members)
    }
}

fn row(m: &NewMessage, at: i64) -> messages::ActiveModel {
    messages::ActiveModel {
        conversation_id: Set(m.conversation.0),
        sender_id: Set(m.sender.to_hex()),
        client_id: Set(m.client_id.to_hex()),
        envelope: Set(m.envelope.0.clone()),
        created_at: Set(at),
        event: Set(m.event),
        ..Default::default()
    }
}

type Key = (String, String);

fn key(m: &NewMessage) -> Key {
    (m.sender.to_hex(), m.client_id.to_hex())
}

/// Stores `batch` inside `txn`: one result per message, in order. The usual batch is
/// four statements in all: the members, the epochs, one insert of every row, and (for
/// repeated client ids only) one read of the rows stored before. A message carrying files
/// goes alone, inside a savepoint, because attaching can be refused after its row is in.
pub async fn store_all(
    txn: &DatabaseTransaction,
    batch: &[NewMessage],
) -> Result<Vec<Result<Sent>>> {
    let rooms = Rooms::of(txn, batch).await?;
    let mut out: Vec<Option<Result<Sent>>> = batch.iter().map(|_| None).collect();
    let mut plain = Vec::new();
    for (i, m) in batch.iter().enumerate() {
        match rooms.check(m) {
            Err(e) => out[i] = Some(Err(e)),
            Ok(members) if !m.files.is_empty() => {
                match with_files(txn, m, members.to_vec()).await {
                    Err(e) if e.is_internal() => return Err(e),
                    sent => out[i] = Some(sent),
                }
            }
            Ok(_) => plain.push(i),
        }
    }
    if !plain.is_empty() {
        let at = now_ms();
        let inserted = messages::Entity::insert_many(plain.iter().map(|&i| row(&batch[i], at)))
            .on_conflict_do_nothing_on([messages::Column::SenderId, messages::Column::ClientId])
            // (`_many`: a conflict comes back as fewer rows, not as an error.)
            .exec_with_returning_many(txn)
            .await?;
        let fresh: HashMap<Key, messages::Model> = match inserted {
            TryInsertResult::Inserted(rows) => rows
                .into_iter()
                .map(|r| ((r.sender_id.clone(), r.client_id.clone()), r))
                .collect(),
            TryInsertResult::Conflicted | TryInsertResult::Empty => HashMap::new(),
        };
        let earlier = stored_before(txn, plain.iter().map(|&i| &batch[i]), &fresh).await?;
        // A client id twice in one batch: the first is the fresh one, the second a repeat.
        let mut claimed = HashSet::new();
        for i in plain {
            let m = &batch[i];
            let k = key(m);
            let (row, is_new) = match fresh.get(&k) {
                Some(r) if claimed.insert(k.clone()) => (r.clone(), true),
                Some(r) => (r.clone(), false),
                None => match earlier.get(&k) {
                    Some(r) => (r.clone(), false),
                    None => return Err(Error::Corrupt("message vanished")),
                },
            };
            out[i] = Some(sent(m, row, is_new, &rooms));
        }
    }
    Ok(out
        .into_iter()
        .map(|r| r.unwrap_or(Err(Error::Corrupt("message left unanswered"))))
        .collect())
}

/// The rows stored before for the batch's repeated client ids (none in the usual batch,
/// and then no query).
async fn stored_before<'a>(
    txn: &DatabaseTransaction,
    batch: impl Iterator<Item = &'a NewMessage>,
    fresh: &HashMap<Key, messages::Model>,
) -> Result<HashMap<Key, messages::Model>> {
    let repeats: Vec<Key> = batch.map(key).filter(|k| !fresh.contains_key(k)).collect();
    if repeats.is_empty() {
        return Ok(HashMap::new());
    }
    let any = repeats
        .iter()
        .fold(Condition::any(), |c, (sender, client)| {
            c.add(
                Condition::all()
                    .add(messages::Column::SenderId.eq(sender.clone()))
                    .add(messages::Column::ClientId.eq(client.clone())),
            )
        });
    Ok(messages::Entity::find()
        .filter(any)
        .all(txn)
        .await?
        .into_iter()
        .map(|r| ((r.sender_id.clone(), r.client_id.clone()), r))
        .collect())
}

/// The answer for `m` once its row is known. A client id used before in another
/// conversation stored nothing: refused.
fn sent(m: &NewMessage, row: messages::Model, fresh: bool, rooms: &Rooms) -> Result<Sent> {
    if row.conversation_id != m.conversation.0 {
        return Err(Error::BadRequest(
            "That message id was already used in another conversation.".into(),
        ));
    }
    let members = rooms
        .members
        .get(&m.conversation.0)
        .cloned()
        .unwrap_or_default();
    Ok(Sent {
        message: row.stored()?,
        members,
        fresh,
    })
}

/// A message with files, alone in a savepoint: its row is taken back out when attaching
/// is refused (a file not fully uploaded, not the sender's, or already sent).
async fn with_files(
    txn: &DatabaseTransaction,
    m: &NewMessage,
    members: Vec<UserId>,
) -> Result<Sent> {
    let savepoint = txn.begin().await?;
    let inserted = messages::Entity::insert(row(m, now_ms()))
        .on_conflict_do_nothing_on([messages::Column::SenderId, messages::Column::ClientId])
        .exec_with_returning_many(&savepoint)
        .await?;
    let (row, fresh) = match inserted {
        TryInsertResult::Inserted(mut rows) if rows.len() == 1 => (rows.remove(0), true),
        _ => {
            let (sender, client) = key(m);
            let row = messages::Entity::find()
                .filter(messages::Column::SenderId.eq(sender))
                .filter(messages::Column::ClientId.eq(client))
                .one(&savepoint)
                .await?
                .ok_or(Error::Corrupt("message vanished"))?;
            (row, false)
        }
    };
    // A repeated client id carried its files the first time.
    if fresh && row.conversation_id == m.conversation.0 {
        let id = MessageId(row.id);
        if let Err(e) =
            super::files::attach(&savepoint, &m.sender, m.conversation, id, &m.files).await
        {
            savepoint.rollback().await?;
            return Err(e);
        }
    }
    savepoint.commit().await?;
    if row.conversation_id != m.conversation.0 {
        return Err(Error::BadRequest(
            "That message id was already used in another conversation.".into(),
        ));
    }
    Ok(Sent {
        message: row.stored()?,
        members,
        fresh,
    })
}
