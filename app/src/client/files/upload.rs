//! Sending: a file is read into one reused buffer, sealed segment by segment, and sent
//! over the upload socket with one segment in flight.

use super::http::*;
use super::inbox::*;
use crate::ApiError;
use js_sys::{Reflect, Uint8Array};
use protocol::crypto::file::{CHUNK, FileKey, SEGMENT_CHUNKS, Sealer};
use protocol::{ConversationId, FileId};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// Reads ranges of a file into one reused buffer ("bring your own buffer" reads).
/// Reading with `Blob.arrayBuffer()` makes a new buffer per range, and Chromium kept
/// hundreds of MiB of them around while a large file was sent.
pub(super) struct Reader {
    buf: Option<js_sys::ArrayBuffer>,
}

impl Reader {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            buf: Some(js_sys::ArrayBuffer::new(capacity as u32)),
        }
    }

    /// Reads `start..end` of the file into `out` (replacing what it held).
    pub(super) async fn read(
        &mut self,
        file: &File,
        (start, end): (u64, u64),
        out: &mut Vec<u8>,
    ) -> Result<(), ApiError> {
        let changed =
            || ApiError::Local("The file could not be read; was it moved or changed?".into());
        let want = (end - start) as u32;
        out.clear();
        if want == 0 {
            return Ok(());
        }
        let part = file
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(js)?;
        let reader = web_sys::ReadableStreamByobReader::new(&part.stream()).map_err(js)?;
        // Each read hands the buffer over and back; keep the handle it comes back as.
        let mut buf = self.buf.take().ok_or_else(changed)?;
        let mut filled = 0;
        while filled < want {
            let view = Uint8Array::new_with_byte_offset_and_length(&buf, filled, want - filled);
            let r = JsFuture::from(reader.read_with_array_buffer_view(&view))
                .await
                .map_err(|_| changed())?;
            let value: Uint8Array = Reflect::get(&r, &"value".into())
                .map_err(js)?
                .dyn_into()
                .map_err(|_| changed())?;
            buf = value.buffer();
            if Reflect::get(&r, &"done".into()).map_err(js)?.is_truthy() {
                break;
            }
            filled += value.byte_length();
        }
        reader.release_lock();
        out.resize(filled as usize, 0);
        Uint8Array::new_with_byte_offset_and_length(&buf, 0, filled).copy_to(&mut out[..]);
        self.buf = Some(buf);
        if filled == want {
            Ok(())
        } else {
            Err(changed())
        }
    }
}

/// Starts uploading a sealed segment at `offset`; the answer is awaited later.
/// Seals and uploads a file. While one segment travels the next is read and sealed.
/// `progress` gets the bytes sent so far; `cancelled` is asked between segments.
pub async fn upload(
    file: &File,
    conv: ConversationId,
    progress: impl Fn(u64),
    cancelled: impl Fn() -> bool,
) -> Result<(FileId, FileKey), ApiError> {
    // Files sent together take turns (`slots`); one cancelled while waiting never starts.
    let _turn = super::slots::turn().await;
    if cancelled() {
        return Err(ApiError::Local("Cancelled.".into()));
    }
    let size = file.size() as u64;
    let key = FileKey::random()?;
    let mut sealer = Sealer::new(&key, size)?;
    let body = serde_json::json!({ "conversation": conv, "size": sealer.blob_len() }).to_string();
    let res = fetch("POST", "/files", Some(&body.into()), true).await?;
    let id = id_of(&json(res).await?)
        .ok_or_else(|| ApiError::Internal("The server gave no file id.".into()))?;
    // The upload of one segment overlaps reading and sealing the next.
    let outcome = async {
        let mut reader = Reader::new(SEGMENT_CHUNKS * CHUNK);
        let mut plain = Vec::new();
        let mut socket = UploadSocket::open(&id).await?;
        let webcrypto = super::webcrypto::ChunkCipher::new(sealer.payload_key(), "encrypt").await;
        // Bytes sent, and bytes the server has confirmed on disk.
        let (mut sent, mut confirmed) = (0u64, 0u64);
        let (started, mut sealing, mut waiting_disk, mut waiting_net) =
            (js_sys::Date::now(), 0.0, 0.0, 0.0);
        while !sealer.done() {
            let t = js_sys::Date::now();
            reader.read(file, sealer.next_range(), &mut plain).await?;
            waiting_disk += js_sys::Date::now() - t;
            let t = js_sys::Date::now();
            let segment = match &webcrypto {
                Some(cipher) => cipher.seal(&sealer.plan_next(&plain)?).await?,
                None => sealer.seal_next(&plain)?,
            };
            sealing += js_sys::Date::now() - t;
            // One segment in flight: this one is sealed while the last one travels.
            if sent > confirmed {
                let t = js_sys::Date::now();
                socket.acked(sent).await?;
                waiting_net += js_sys::Date::now() - t;
                confirmed = sent;
                progress(confirmed);
            }
            if cancelled() {
                return Err(ApiError::Local("Cancelled.".into()));
            }
            sent += socket.send(&segment)?;
        }
        socket.acked(sent).await?;
        progress(sent);
        timing("sent", size, js_sys::Date::now() - started, sealing);
        let wasm = wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length();
        web_sys::console::debug_1(
            &format!(
                "hearth: waited {waiting_disk:.0} ms for the disk, {waiting_net:.0} ms for the network; WASM memory {} MiB; AES-GCM in {}",
                wasm >> 20,
                if webcrypto.is_some() { "WebCrypto" } else { "WASM" }
            )
            .into(),
        );
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok((id, key)),
        Err(e) => {
            // Throw the partial upload away at once instead of waiting for the sweeper.
            let _ = fetch("DELETE", &format!("/files/{id}"), None, false).await;
            Err(e)
        }
    }
}

/// The socket a file is uploaded over (see the server's `files::stream`): each
/// segment goes straight from WASM memory and is acknowledged once it is on disk.
pub(super) struct UploadSocket {
    ws: web_sys::WebSocket,
    inbox: Inbox,
}

impl UploadSocket {
    pub(super) async fn open(id: &FileId) -> Result<Self, ApiError> {
        let loc = web_sys::window()
            .ok_or_else(|| ApiError::Local("no window".into()))?
            .location();
        let scheme = if loc.protocol().map_err(js)? == "https:" {
            "wss"
        } else {
            "ws"
        };
        let url = format!("{scheme}://{}/files/{id}/stream", loc.host().map_err(js)?);
        let ws = web_sys::WebSocket::new(&url).map_err(js)?;
        ws.set_binary_type(web_sys::BinaryType::Arraybuffer);
        let inbox = Inbox::listen(&ws);
        let (tx, rx) = futures::channel::oneshot::channel::<bool>();
        let tx = std::cell::Cell::new(Some(tx));
        let opened = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
            move |e: web_sys::Event| {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(e.type_() == "open");
                }
            },
        );
        for kind in ["open", "error", "close"] {
            let _ = ws.add_event_listener_with_callback(kind, opened.as_ref().unchecked_ref());
        }
        let ok = rx.await.unwrap_or(false);
        for kind in ["open", "error", "close"] {
            let _ = ws.remove_event_listener_with_callback(kind, opened.as_ref().unchecked_ref());
        }
        if !ok {
            return Err(ApiError::Network(
                "The upload connection could not be opened.".into(),
            ));
        }
        Ok(Self { ws, inbox })
    }

    pub(super) fn send(&self, segment: &[u8]) -> Result<u64, ApiError> {
        self.ws.send_with_u8_array(segment).map_err(js)?;
        Ok(segment.len() as u64)
    }

    /// Waits for the acknowledgement of `expect` bytes in all.
    pub(super) async fn acked(&mut self, expect: u64) -> Result<(), ApiError> {
        let lost = || {
            ApiError::Network("The upload connection was lost; please send the file again.".into())
        };
        let ack = self.inbox.next(120_000).await.ok_or_else(lost)?;
        let received = ack
            .as_string()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["received"].as_u64())
            .ok_or_else(lost)?;
        if received == expect {
            Ok(())
        } else {
            Err(lost())
        }
    }
}

impl Drop for UploadSocket {
    fn drop(&mut self) {
        let _ = self.ws.close();
    }
}
