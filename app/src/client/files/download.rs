//! Receiving: a blob is fetched and opened as it arrives, into a Blob or, through the
//! service worker, straight into the browser's download.

use super::http::*;
use super::inbox::*;
use super::media::*;
use super::webcrypto::ChunkCipher;
use crate::ApiError;
use js_sys::{Array, Reflect, Uint8Array};
use protocol::FileId;
use protocol::crypto::file::{FileKey, Opener, SealedChunk};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// A blob being fetched and decrypted piece by piece as it arrives.
pub(super) struct Decrypting {
    reader: web_sys::ReadableStreamDefaultReader,
    opener: Opener,
    /// WebCrypto's AES-GCM, once the header gave the key (None inside: not available).
    webcrypto: Option<Option<ChunkCipher>>,
    size: u64,
    got: u64,
    started: f64,
    opening: f64,
}

impl Decrypting {
    pub(super) async fn start(id: &FileId, key: &FileKey, size: u64) -> Result<Self, ApiError> {
        let res = fetch("GET", &format!("/files/{id}"), None, false).await?;
        let body = res
            .body()
            .ok_or_else(|| ApiError::Network("empty answer".into()))?;
        let reader = body
            .get_reader()
            .dyn_into()
            .map_err(|_| ApiError::Local("This browser cannot stream downloads.".into()))?;
        Ok(Self {
            reader,
            opener: Opener::new(key, size),
            webcrypto: None,
            size,
            got: 0,
            started: js_sys::Date::now(),
            opening: 0.0,
        })
    }

    /// The file bytes the next piece of the blob completed (maybe none); None at the end.
    pub(super) async fn next(
        &mut self,
        progress: &impl Fn(u64),
    ) -> Result<Option<Vec<u8>>, ApiError> {
        let chunk = JsFuture::from(self.reader.read()).await.map_err(js)?;
        if Reflect::get(&chunk, &"done".into())
            .map_err(js)?
            .is_truthy()
        {
            return Ok(None);
        }
        let bytes = Uint8Array::new(&Reflect::get(&chunk, &"value".into()).map_err(js)?).to_vec();
        self.got += bytes.len() as u64;
        progress(self.got);
        let chunks = self.opener.take(&bytes)?;
        Ok(Some(self.open(chunks).await?))
    }

    /// Opens chunks with WebCrypto where there is one, else in WASM.
    async fn open(&mut self, chunks: Vec<SealedChunk>) -> Result<Vec<u8>, ApiError> {
        if chunks.is_empty() {
            return Ok(Vec::new());
        }
        let t = js_sys::Date::now();
        if self.webcrypto.is_none()
            && let Some(key) = self.opener.payload_key()
        {
            self.webcrypto = Some(ChunkCipher::new(key, "decrypt").await);
        }
        let plain = match self.webcrypto.as_ref().and_then(Option::as_ref) {
            Some(cipher) => cipher.open(chunks).await?,
            None => {
                let mut out = Vec::new();
                for chunk in chunks {
                    out.extend(self.opener.open(chunk)?);
                }
                out
            }
        };
        self.opening += js_sys::Date::now() - t;
        Ok(plain)
    }

    /// The last bytes, once the whole blob checked out.
    pub(super) async fn finish(mut self) -> Result<Vec<u8>, ApiError> {
        let last = self.opener.take_last()?;
        let last = self.open(vec![last]).await?;
        timing(
            "received",
            self.size,
            js_sys::Date::now() - self.started,
            self.opening,
        );
        let how = match self.webcrypto {
            Some(Some(_)) => "WebCrypto",
            _ => "WASM",
        };
        web_sys::console::debug_1(&format!("hearth: opened with AES-GCM in {how}").into());
        Ok(last)
    }
}

/// Downloads and decrypts a file into a Blob. Decrypted pieces are folded into the
/// Blob every few MiB, so the page holds little of the file itself (the browser keeps
/// large Blobs on disk).
pub async fn fetch_file(
    id: &FileId,
    key: &FileKey,
    size: u64,
    mime: &str,
    progress: impl Fn(u64),
) -> Result<Blob, ApiError> {
    let mut download = Decrypting::start(id, key, size).await?;
    let mut blob = blob_of(&Array::new(), mime)?;
    let parts = Array::new();
    let mut pending = 0usize;
    while let Some(plain) = download.next(&progress).await? {
        pending += plain.len();
        parts.push(&Uint8Array::from(&plain[..]));
        if pending >= 8 << 20 {
            parts.unshift(&blob);
            blob = blob_of(&parts, mime)?;
            parts.set_length(0);
            pending = 0;
        }
    }
    let last = download.finish().await?;
    parts.unshift(&blob);
    parts.push(&Uint8Array::from(&last[..]));
    blob_of(&parts, mime)
}

/// Registers the service worker that streams downloads to disk, where the browser has
/// service workers (secure contexts: HTTPS or localhost). Elsewhere downloads use Blobs.
pub fn register_worker() {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return;
    };
    let has = Reflect::get(&nav, &"serviceWorker".into()).is_ok_and(|v| !v.is_undefined());
    if has {
        let _ = nav.service_worker().register("/sw.js");
    }
}

/// The service worker controlling this page, if any.
pub(super) fn worker() -> Option<web_sys::ServiceWorker> {
    let nav = web_sys::window()?.navigator();
    let has = Reflect::get(&nav, &"serviceWorker".into()).is_ok_and(|v| !v.is_undefined());
    has.then(|| nav.service_worker().controller()).flatten()
}

/// The page's end of a channel to the service worker.
pub(super) struct Port {
    port: web_sys::MessagePort,
    inbox: Inbox,
}

impl Port {
    pub(super) fn new(port: web_sys::MessagePort) -> Self {
        let inbox = Inbox::listen(&port);
        port.start();
        Self { port, inbox }
    }

    /// The type of the next message; None when waiting longer than `ms`.
    pub(super) async fn next(&mut self, ms: u32) -> Option<String> {
        let m = self.inbox.next(ms).await?;
        Reflect::get(&m, &"type".into()).ok()?.as_string()
    }

    pub(super) fn send(&self, msg: &JsValue, transfer: Option<&JsValue>) {
        let _ = match transfer {
            Some(t) => self
                .port
                .post_message_with_transferable(msg, &Array::of1(t)),
            None => self.port.post_message(msg),
        };
    }
}

pub(super) fn message(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// Downloads, decrypts and saves a file. Through the service worker the decrypted
/// pieces go straight into the browser's download (to disk) as they are made; without
/// one they are collected in a Blob, which the browser may keep in memory.
pub async fn download(
    id: &FileId,
    key: &FileKey,
    size: u64,
    name: &str,
    progress: impl Fn(u64),
) -> Result<(), ApiError> {
    let Some(worker) = worker() else {
        let blob = fetch_file(id, key, size, "application/octet-stream", progress).await?;
        save(&blob, name);
        return Ok(());
    };
    let channel = web_sys::MessageChannel::new().map_err(js)?;
    let mut port = Port::new(channel.port1());
    let token = protocol::ClientMsgId::random()?.to_hex();
    let hello = message(&[
        ("type", "save".into()),
        ("token", token.as_str().into()),
        ("name", name.into()),
        ("size", JsValue::from_f64(size as f64)),
    ]);
    worker
        .post_message_with_transferable(&hello, &Array::of1(&channel.port2()))
        .map_err(js)?;
    if port.next(5_000).await.as_deref() != Some("ready") {
        let blob = fetch_file(id, key, size, "application/octet-stream", progress).await?;
        save(&blob, name);
        return Ok(());
    }
    // A hidden frame's navigation starts the download the worker answers.
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| ApiError::Local("no document".into()))?;
    let frame: web_sys::HtmlIFrameElement = document
        .create_element("iframe")
        .map_err(js)?
        .dyn_into()
        .map_err(|_| ApiError::Local("no frame".into()))?;
    frame.set_hidden(true);
    frame.set_src(&format!("/_hearth/save/{token}"));
    document
        .body()
        .ok_or_else(|| ApiError::Local("no body".into()))?
        .append_child(&frame)
        .map_err(js)?;
    let res = stream_to(&mut port, id, key, size, progress).await;
    if let Err(e) = &res {
        port.send(
            &message(&[("type", "error".into()), ("message", e.to_string().into())]),
            None,
        );
    }
    // The download manager has its own hold on the stream by now.
    gloo_timers::callback::Timeout::new(60_000, move || frame.remove()).forget();
    res
}

/// Gives the worker a piece once it has asked for one (a "pull" is room for one).
pub(super) async fn hand_over(
    port: &mut Port,
    plain: Vec<u8>,
    credit: &mut u32,
) -> Result<(), ApiError> {
    if plain.is_empty() {
        return Ok(());
    }
    while *credit == 0 {
        match port.next(120_000).await.as_deref() {
            Some("pull") => *credit += 1,
            Some("cancel") | None => {
                return Err(ApiError::Local("The download was cancelled.".into()));
            }
            _ => {}
        }
    }
    let bytes = Uint8Array::from(&plain[..]).buffer();
    let msg = message(&[("type", "piece".into()), ("bytes", bytes.clone().into())]);
    port.send(&msg, Some(&bytes));
    *credit -= 1;
    Ok(())
}

/// Fetches and decrypts, handing each piece to the worker when it asks for one.
pub(super) async fn stream_to(
    port: &mut Port,
    id: &FileId,
    key: &FileKey,
    size: u64,
    progress: impl Fn(u64),
) -> Result<(), ApiError> {
    let mut download = Decrypting::start(id, key, size).await?;
    let mut credit = 0u32;
    while let Some(plain) = download.next(&progress).await? {
        hand_over(port, plain, &mut credit).await?;
    }
    hand_over(port, download.finish().await?, &mut credit).await?;
    port.send(&message(&[("type", "end".into())]), None);
    Ok(())
}
