//! Uploads over a WebSocket, which is what browsers use: Chromium keeps a copy of every
//! request body it sent for a while, so PUTs grew its memory with the file, while a socket
//! sends straight from the page's memory. One binary message per segment, each answered
//! with `{"received": N, "complete": bool}`, so the browser sends the next only when the
//! last is on disk. Closing early, or sending past the announced size (close 1009), throws
//! the upload away.

use super::Discard;
use super::gate::Pass;
use crate::db;
use crate::state::Hearth;
use crate::ws::{CLOSE_IDLE, CLOSE_TOO_BIG, origin_allowed};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use protocol::FileId;
use protocol::crypto::file::{CHUNK, HEADER, SEGMENT_CHUNKS};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// The largest message: one segment with its header and tags, and some room.
const MAX_MESSAGE: usize = SEGMENT_CHUNKS * (CHUNK + 16) + HEADER + 4096;

pub async fn upgrade(
    State(s): State<Arc<Hearth>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "Uploads come from Hearth's own pages.",
        )
            .into_response();
    }
    let me = match s.user_from_headers(&headers).await {
        Ok(me) => me,
        Err(e) => return e.into_response(),
    };
    let Ok(id) = id.parse::<FileId>() else {
        return crate::Error::NotFound("No such upload.").into_response();
    };
    let row = match db::files::uploading(&s.db, &me, &id).await {
        Ok(row) => row,
        Err(e) => return e.into_response(),
    };
    let (size, received) = (row.size as u64, row.received as u64);
    let pass = match s.files.gate.enter(me, id) {
        Ok(pass) => pass,
        Err(e) => return e.into_response(),
    };
    ws.max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        // The buffer grows with what arrives, up to a segment; not 128 KiB up front.
        .read_buffer_size(16 * 1024)
        .on_upgrade(move |socket| receive(s, pass, id, size, received, socket))
}

async fn receive(
    s: Arc<Hearth>,
    _pass: Pass,
    id: FileId,
    size: u64,
    mut at: u64,
    mut socket: WebSocket,
) {
    let mut guard = Discard {
        state: Some(s.clone()),
        id,
    };
    // Opened when the first segment arrives.
    let mut file = None;
    loop {
        let limit = s.files.segment_time();
        let msg = match s.files.next_in_time(limit, socket.recv()).await {
            Ok(Some(Ok(msg))) => msg,
            Ok(_) => return,
            Err(e) => {
                let close = CloseFrame {
                    code: CLOSE_IDLE,
                    reason: e.user_message().into(),
                };
                let _ = socket.send(Message::Close(Some(close))).await;
                return;
            }
        };
        let Message::Binary(piece) = msg else {
            if matches!(msg, Message::Close(_)) {
                return;
            }
            continue;
        };
        if at + piece.len() as u64 > size {
            let reason = "The upload is larger than the size it announced.";
            let close = CloseFrame {
                code: CLOSE_TOO_BIG,
                reason: reason.into(),
            };
            let _ = socket.send(Message::Close(Some(close))).await;
            return;
        }
        let out = match &mut file {
            Some(f) => f,
            None => match s.files.open_at(&id, at).await {
                Ok(f) => file.insert(f),
                Err(_) => return,
            },
        };
        if out.write_all(&piece).await.is_err() || out.flush().await.is_err() {
            return;
        }
        at += piece.len() as u64;
        let complete = at == size;
        if complete {
            if let Err(e) = s.files.finish(&id).await {
                tracing::error!(file = %id, "finishing an upload: {e}");
                return;
            }
        }
        if db::files::progress(&s.db, &id, at).await.is_err() {
            return;
        }
        if complete {
            guard.state = None;
        }
        let ack = serde_json::json!({ "received": at, "complete": complete }).to_string();
        if socket.send(Message::Text(ack.into())).await.is_err() || complete {
            return;
        }
    }
}
