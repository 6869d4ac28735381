//! Encrypted file transfer: plain HTTP routes beside the server functions, because
//! bodies stream here. The browser seals a file in segments (`protocol::crypto::file`)
//! and sends them in order; the server only ever sees ciphertext and its size.
//!
//! - `POST /files` `{conversation, size}` → `{id}`: size limit and quota are checked
//!   before anything is stored (413).
//! - `PUT /files/{id}?offset=N`, body = the next bytes → `{received, complete}`. A body
//!   that breaks off, or runs past the announced size, throws the whole upload away.
//! - `GET /files/{id}`: the blob, streamed; 404 for anyone not in its conversation.
//! - `DELETE /files/{id}`: cancels an upload no message carries yet.
//! - `GET /files/{id}/stream` (WebSocket): the same as the PUTs, one binary message per
//!   segment, each acknowledged; what browsers use (see `stream`).
//!
//! A person has at most `db::files::PENDING` uploads started and not finished, and sends
//! to at most `gate::PER_USER` of them at once (429 past either); an upload that sends
//! nothing for `--request-timeout` is thrown away.

pub mod gate;
pub mod store;
mod stream;
pub mod sweep;

pub use store::FileStore;

use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use protocol::{ConversationId, FileId, UserId};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub fn routes(state: Arc<Hearth>) -> Router {
    Router::new()
        .route("/files", post(create))
        .route("/files/{id}", put(upload).get(download).delete(cancel))
        .route("/files/{id}/stream", axum::routing::get(stream::upgrade))
        .with_state(state)
}

#[derive(Deserialize)]
struct NewUpload {
    conversation: ConversationId,
    size: u64,
}

#[derive(Serialize)]
struct Created {
    id: FileId,
}

#[derive(Deserialize)]
struct Offset {
    offset: u64,
}

#[derive(Serialize)]
struct Progress {
    received: u64,
    complete: bool,
}

/// Any malformed id is simply an unknown one.
fn file_id(raw: &str) -> Result<FileId> {
    raw.parse().map_err(|_| Error::NotFound("No such file."))
}

async fn create(
    State(s): State<Arc<Hearth>>,
    headers: HeaderMap,
    Json(req): Json<NewUpload>,
) -> Result<impl IntoResponse> {
    let me = s.user_from_headers(&headers).await?;
    let limits = s.file_limits().await?;
    let id = db::files::create(
        &s.db,
        &me,
        req.conversation,
        req.size,
        limits.max_upload,
        limits.quota,
    )
    .await?;
    if let Err(e) = s.files.create(&id).await {
        db::files::forget(&s.db, &id).await?;
        return Err(e);
    }
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Throws an upload away unless disarmed: also when the request is dropped mid-body
/// (the connection closed), which an error path alone would miss.
struct Discard {
    state: Option<Arc<Hearth>>,
    id: FileId,
}

impl Drop for Discard {
    fn drop(&mut self) {
        if let Some(state) = self.state.take() {
            let id = self.id;
            tokio::spawn(async move {
                // The bytes first: once the id answers 404, nothing of it is on disk.
                state.files.remove(&id).await;
                if let Err(e) = db::files::forget(&state.db, &id).await {
                    tracing::warn!(file = %id, "could not forget a broken upload: {e}");
                }
                tracing::info!(file = %id, "upload broke off; removed");
            });
        }
    }
}

async fn upload(
    State(s): State<Arc<Hearth>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(at): Query<Offset>,
    body: Body,
) -> Result<Json<Progress>> {
    let me = s.user_from_headers(&headers).await?;
    let id = file_id(&id)?;
    let row = db::files::uploading(&s.db, &me, &id).await?;
    let (size, received) = (row.size as u64, row.received as u64);
    if at.offset != received {
        return Err(Error::Conflict(format!(
            "The upload continues at byte {received}, not {}.",
            at.offset
        )));
    }
    let _pass = s.files.gate.enter(me, id)?;
    let mut guard = Discard {
        state: Some(s.clone()),
        id,
    };
    let received = s.files.append(&id, received, size, body).await?;
    let complete = received == size;
    if complete {
        s.files.finish(&id).await?;
    }
    db::files::progress(&s.db, &id, received).await?;
    guard.state = None;
    Ok(Json(Progress { received, complete }))
}

async fn download(
    State(s): State<Arc<Hearth>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let me = s.user_from_headers(&headers).await?;
    let id = file_id(&id)?;
    let row = db::files::readable(&s.db, &me, &id).await?;
    let file = s.files.open_blob(&id).await?;
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024);
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, row.size.to_string()),
            // Ciphertext, but there is no reason to keep copies of it around.
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

async fn cancel(
    State(s): State<Arc<Hearth>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let me: UserId = s.user_from_headers(&headers).await?;
    let id = file_id(&id)?;
    // Idempotent: a browser that cancels as its upload socket closes may find the upload
    // already dropped by the server; either way none of its upload is left. (Someone
    // else's file, or a sent one, is not touched, and the answer says nothing of it.)
    if db::files::cancel(&s.db, &me, &id).await? {
        s.files.remove(&id).await;
    }
    Ok(StatusCode::NO_CONTENT)
}
