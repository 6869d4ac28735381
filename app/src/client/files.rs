//! Files in the browser: sealed segment by segment while they upload, opened chunk by
//! chunk while they download, so memory stays bounded whatever the size
//! (`protocol::crypto::file`). Only ciphertext leaves this tab.

#[cfg(feature = "hydrate")]
pub use imp::*;

/// Bytes as people read them: "3.4 MB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

/// An icon for a file card, by type.
pub fn icon(mime: &str, name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match (mime.split('/').next().unwrap_or(""), ext.as_str()) {
        ("image", _) => "🖼️",
        ("audio", _) => "🎵",
        ("video", _) => "🎬",
        (_, "pdf") => "📕",
        (_, "zip" | "gz" | "tgz" | "xz" | "7z" | "rar" | "tar" | "zst") => "🗜️",
        (_, "doc" | "docx" | "odt" | "rtf" | "md" | "txt") => "📝",
        (_, "xls" | "xlsx" | "ods" | "csv") => "📊",
        (_, "ppt" | "pptx" | "odp") => "📽️",
        _ => "📄",
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use crate::ApiError;
    use js_sys::{Array, Reflect, Uint8Array};
    use protocol::api::{INLINE_IMAGES, THUMB_MAX, Thumb};
    use protocol::crypto::file::{CHUNK, FileKey, Opener, SEGMENT_CHUNKS, Sealer};
    use protocol::{Bytes, ConversationId, FileId};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Blob, BlobPropertyBag, File, Request, RequestInit, Response, Url};

    fn js(e: JsValue) -> ApiError {
        ApiError::Network(e.as_string().unwrap_or_else(|| format!("{e:?}")))
    }

    async fn fetch(
        method: &str,
        url: &str,
        body: Option<&JsValue>,
        json: bool,
    ) -> Result<Response, ApiError> {
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(b) = body {
            init.set_body(b);
        }
        let req = Request::new_with_str_and_init(url, &init).map_err(js)?;
        if json {
            req.headers()
                .set("content-type", "application/json")
                .map_err(js)?;
        }
        let window = web_sys::window().ok_or_else(|| ApiError::Local("no window".into()))?;
        let res: Response = JsFuture::from(window.fetch_with_request(&req))
            .await
            .map_err(js)?
            .dyn_into()
            .map_err(js)?;
        checked(res).await
    }

    /// The response if it succeeded, else the server's error.
    async fn checked(res: Response) -> Result<Response, ApiError> {
        if res.ok() {
            return Ok(res);
        }
        // The server's `{"error": …}`, in the error kind its status names.
        let status = res.status();
        let msg = match res.json() {
            Ok(p) => JsFuture::from(p)
                .await
                .ok()
                .and_then(|v| Reflect::get(&v, &"error".into()).ok())
                .and_then(|v| v.as_string()),
            Err(_) => None,
        }
        .unwrap_or_else(|| format!("The server answered {status}."));
        Err(match status {
            400 | 413 => ApiError::BadRequest(msg),
            401 => ApiError::Unauthorized(msg),
            403 => ApiError::Forbidden(msg),
            404 => ApiError::NotFound(msg),
            409 => ApiError::Conflict(msg),
            _ => ApiError::Internal(msg),
        })
    }

    async fn json(res: Response) -> Result<JsValue, ApiError> {
        JsFuture::from(res.json().map_err(js)?).await.map_err(js)
    }

    /// Reads ranges of a file into one reused buffer ("bring your own buffer" reads).
    /// Reading with `Blob.arrayBuffer()` makes a new buffer per range, and Chromium kept
    /// hundreds of MiB of them around while a large file was sent.
    struct Reader {
        buf: Option<js_sys::ArrayBuffer>,
    }

    impl Reader {
        fn new(capacity: usize) -> Self {
            Self {
                buf: Some(js_sys::ArrayBuffer::new(capacity as u32)),
            }
        }

        /// Reads `start..end` of the file into `out` (replacing what it held).
        async fn read(
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
        let size = file.size() as u64;
        let key = FileKey::random()?;
        let mut sealer = Sealer::new(&key, size)?;
        let body =
            serde_json::json!({ "conversation": conv, "size": sealer.blob_len() }).to_string();
        let res = fetch("POST", "/files", Some(&body.into()), true).await?;
        let id = id_of(&json(res).await?)
            .ok_or_else(|| ApiError::Internal("The server gave no file id.".into()))?;
        // The upload of one segment overlaps reading and sealing the next.
        let outcome = async {
            let mut reader = Reader::new(SEGMENT_CHUNKS * CHUNK);
            let mut plain = Vec::new();
            let mut socket = UploadSocket::open(&id).await?;
            // Bytes sent, and bytes the server has confirmed on disk.
            let (mut sent, mut confirmed) = (0u64, 0u64);
            let (started, mut sealing, mut waiting_disk, mut waiting_net) =
                (js_sys::Date::now(), 0.0, 0.0, 0.0);
            while !sealer.done() {
                let t = js_sys::Date::now();
                reader.read(file, sealer.next_range(), &mut plain).await?;
                waiting_disk += js_sys::Date::now() - t;
                let t = js_sys::Date::now();
                let segment = sealer.seal_next(&plain)?;
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
                    "hearth: waited {waiting_disk:.0} ms for the disk, {waiting_net:.0} ms for the network; WASM memory {} MiB",
                    wasm >> 20
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

    /// Figures for the developer console (and the benchmarks): sizes and times only.
    fn timing(what: &str, bytes: u64, total_ms: f64, crypto_ms: f64) {
        let mb = bytes as f64 / 1e6;
        web_sys::console::debug_1(
            &format!(
                "hearth: {what} {mb:.1} MB in {total_ms:.0} ms ({:.1} MB/s); crypto {crypto_ms:.0} ms ({:.1} MB/s)",
                mb / (total_ms / 1000.0).max(1e-3),
                mb / (crypto_ms / 1000.0).max(1e-3),
            )
            .into(),
        );
    }

    fn id_of(v: &JsValue) -> Option<FileId> {
        Reflect::get(v, &"id".into())
            .ok()?
            .as_string()?
            .parse()
            .ok()
    }

    fn blob_of(parts: &Array, mime: &str) -> Result<Blob, ApiError> {
        let opts = BlobPropertyBag::new();
        opts.set_type(mime);
        Blob::new_with_u8_array_sequence_and_options(parts, &opts).map_err(js)
    }

    /// A blob being fetched and decrypted piece by piece as it arrives.
    struct Decrypting {
        reader: web_sys::ReadableStreamDefaultReader,
        opener: Opener,
        size: u64,
        got: u64,
        started: f64,
        opening: f64,
    }

    impl Decrypting {
        async fn start(id: &FileId, key: &FileKey, size: u64) -> Result<Self, ApiError> {
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
                size,
                got: 0,
                started: js_sys::Date::now(),
                opening: 0.0,
            })
        }

        /// The file bytes the next piece of the blob completed (maybe none); None at the end.
        async fn next(&mut self, progress: &impl Fn(u64)) -> Result<Option<Vec<u8>>, ApiError> {
            let chunk = JsFuture::from(self.reader.read()).await.map_err(js)?;
            if Reflect::get(&chunk, &"done".into())
                .map_err(js)?
                .is_truthy()
            {
                return Ok(None);
            }
            let bytes =
                Uint8Array::new(&Reflect::get(&chunk, &"value".into()).map_err(js)?).to_vec();
            self.got += bytes.len() as u64;
            progress(self.got);
            let t = js_sys::Date::now();
            let plain = self.opener.push(&bytes)?;
            self.opening += js_sys::Date::now() - t;
            Ok(Some(plain))
        }

        /// The last bytes, once the whole blob checked out.
        fn finish(self) -> Result<Vec<u8>, ApiError> {
            let last = self.opener.finish()?;
            timing(
                "received",
                self.size,
                js_sys::Date::now() - self.started,
                self.opening,
            );
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
        let last = download.finish()?;
        parts.unshift(&blob);
        parts.push(&Uint8Array::from(&last[..]));
        blob_of(&parts, mime)
    }

    /// A small JPEG preview of an allow-listed image, made here; none if it will not fit.
    pub async fn thumbnail(file: &File) -> Option<Thumb> {
        if !INLINE_IMAGES.contains(&file.type_().as_str()) {
            return None;
        }
        let window = web_sys::window()?;
        let bitmap: web_sys::ImageBitmap =
            JsFuture::from(window.create_image_bitmap_with_blob(file).ok()?)
                .await
                .ok()?
                .dyn_into()
                .ok()?;
        let (w, h) = (bitmap.width(), bitmap.height());
        let canvas: web_sys::HtmlCanvasElement = window
            .document()?
            .create_element("canvas")
            .ok()?
            .dyn_into()
            .ok()?;
        for (max, quality) in [(360.0, 0.75), (240.0, 0.6), (160.0, 0.5)] {
            let scale = (max / w.max(h).max(1) as f64).min(1.0);
            let (tw, th) = (
                (w as f64 * scale).round().max(1.0),
                (h as f64 * scale).round().max(1.0),
            );
            canvas.set_width(tw as u32);
            canvas.set_height(th as u32);
            let ctx: web_sys::CanvasRenderingContext2d =
                canvas.get_context("2d").ok()??.dyn_into().ok()?;
            // JPEG has no transparency: paint it on white, as most chat apps do.
            ctx.set_fill_style_str("#fff");
            ctx.fill_rect(0.0, 0.0, tw, th);
            ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th)
                .ok()?;
            let url = canvas
                .to_data_url_with_type_and_encoder_options(
                    "image/jpeg",
                    &JsValue::from_f64(quality),
                )
                .ok()?;
            let data = protocol::bytes::from_b64(url.split_once("base64,")?.1)?;
            if data.len() <= THUMB_MAX {
                bitmap.close();
                return Some(Thumb {
                    mime: "image/jpeg".into(),
                    width: w,
                    height: h,
                    data: Bytes(data),
                });
            }
        }
        bitmap.close();
        None
    }

    /// A blob: URL for bytes of an allow-listed image type (the caller checked it).
    pub fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
        let parts = Array::of1(&Uint8Array::from(bytes));
        Url::create_object_url_with_blob(&blob_of(&parts, mime).ok()?).ok()
    }

    pub fn blob_url(blob: &Blob) -> Option<String> {
        Url::create_object_url_with_blob(blob).ok()
    }

    pub fn revoke(url: &str) {
        let _ = Url::revoke_object_url(url);
    }

    /// Saves a Blob under a name, as a download.
    pub fn save(blob: &Blob, name: &str) {
        let Some(url) = blob_url(blob) else { return };
        save_url(&url, name);
        // The download has its own reference by now; give it a minute to be safe.
        gloo_timers::callback::Timeout::new(60_000, move || revoke(&url)).forget();
    }

    /// Saves what a blob: URL holds under a name.
    pub fn save_url(url: &str, name: &str) {
        let link = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("a").ok())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(a) = link {
            a.set_href(url);
            a.set_download(name);
            a.click();
        }
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
    fn worker() -> Option<web_sys::ServiceWorker> {
        let nav = web_sys::window()?.navigator();
        let has = Reflect::get(&nav, &"serviceWorker".into()).is_ok_and(|v| !v.is_undefined());
        has.then(|| nav.service_worker().controller()).flatten()
    }

    /// What a port or socket receives, as a stream: each message's data, and `null` once
    /// it closed or failed.
    struct Inbox {
        rx: futures::channel::mpsc::UnboundedReceiver<JsValue>,
        _handlers: Vec<wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>>,
    }

    impl Inbox {
        fn listen(target: &web_sys::EventTarget) -> Self {
            let (tx, rx) = futures::channel::mpsc::unbounded();
            let handlers = ["message", "close", "error"]
                .into_iter()
                .map(|kind| {
                    let tx = tx.clone();
                    let handler = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
                        move |e: web_sys::Event| {
                            let data = e
                                .dyn_ref::<web_sys::MessageEvent>()
                                .map_or(JsValue::NULL, |m| m.data());
                            let _ = tx.unbounded_send(data);
                        },
                    );
                    let _ = target
                        .add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
                    handler
                })
                .collect();
            Self {
                rx,
                _handlers: handlers,
            }
        }

        /// The next message's data; None after `ms` without one, or once closed.
        async fn next(&mut self, ms: u32) -> Option<JsValue> {
            use futures::{FutureExt, StreamExt};
            let timeout = gloo_timers::future::TimeoutFuture::new(ms).fuse();
            let next = self.rx.next().fuse();
            futures::pin_mut!(timeout, next);
            futures::select! {
                m = next => m.filter(|m| !m.is_null()),
                _ = timeout => None,
            }
        }
    }

    /// The page's end of a channel to the service worker.
    struct Port {
        port: web_sys::MessagePort,
        inbox: Inbox,
    }

    impl Port {
        fn new(port: web_sys::MessagePort) -> Self {
            let inbox = Inbox::listen(&port);
            port.start();
            Self { port, inbox }
        }

        /// The type of the next message; None when waiting longer than `ms`.
        async fn next(&mut self, ms: u32) -> Option<String> {
            let m = self.inbox.next(ms).await?;
            Reflect::get(&m, &"type".into()).ok()?.as_string()
        }

        fn send(&self, msg: &JsValue, transfer: Option<&JsValue>) {
            let _ = match transfer {
                Some(t) => self
                    .port
                    .post_message_with_transferable(msg, &Array::of1(t)),
                None => self.port.post_message(msg),
            };
        }
    }

    /// The socket a file is uploaded over (see the server's `files::stream`): each
    /// segment goes straight from WASM memory and is acknowledged once it is on disk.
    struct UploadSocket {
        ws: web_sys::WebSocket,
        inbox: Inbox,
    }

    impl UploadSocket {
        async fn open(id: &FileId) -> Result<Self, ApiError> {
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
                let _ =
                    ws.remove_event_listener_with_callback(kind, opened.as_ref().unchecked_ref());
            }
            if !ok {
                return Err(ApiError::Network(
                    "The upload connection could not be opened.".into(),
                ));
            }
            Ok(Self { ws, inbox })
        }

        fn send(&self, segment: &[u8]) -> Result<u64, ApiError> {
            self.ws.send_with_u8_array(segment).map_err(js)?;
            Ok(segment.len() as u64)
        }

        /// Waits for the acknowledgement of `expect` bytes in all.
        async fn acked(&mut self, expect: u64) -> Result<(), ApiError> {
            let lost = || {
                ApiError::Network(
                    "The upload connection was lost; please send the file again.".into(),
                )
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

    fn message(pairs: &[(&str, JsValue)]) -> JsValue {
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
    async fn hand_over(port: &mut Port, plain: Vec<u8>, credit: &mut u32) -> Result<(), ApiError> {
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
    async fn stream_to(
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
        hand_over(port, download.finish()?, &mut credit).await?;
        port.send(&message(&[("type", "end".into())]), None);
        Ok(())
    }

    /// The files of a file input, a drop or a paste.
    pub fn list(files: Option<web_sys::FileList>) -> Vec<File> {
        let Some(files) = files else {
            return Vec::new();
        };
        (0..files.length()).filter_map(|i| files.get(i)).collect()
    }
}
