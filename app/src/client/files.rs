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
    use protocol::crypto::file::{FileKey, Opener, Sealer};
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

    /// Starts reading a range of a file; the browser does it while this thread works.
    fn start_read(file: &File, (start, end): (u64, u64)) -> Result<JsFuture, ApiError> {
        let part = file
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(js)?;
        Ok(JsFuture::from(part.array_buffer()))
    }

    /// Starts uploading a sealed segment at `offset`; the answer is awaited later.
    fn start_put(id: &FileId, offset: u64, segment: &[u8]) -> Result<(JsFuture, u64), ApiError> {
        let init = RequestInit::new();
        init.set_method("PUT");
        init.set_body(&Uint8Array::from(segment));
        let req = Request::new_with_str_and_init(&format!("/files/{id}?offset={offset}"), &init)
            .map_err(js)?;
        let window = web_sys::window().ok_or_else(|| ApiError::Local("no window".into()))?;
        Ok((
            JsFuture::from(window.fetch_with_request(&req)),
            segment.len() as u64,
        ))
    }

    /// Waits for an upload started by `start_put`; returns its length.
    async fn finish_put((put, len): (JsFuture, u64)) -> Result<u64, ApiError> {
        let res: Response = put.await.map_err(js)?.dyn_into().map_err(js)?;
        checked(res).await?;
        Ok(len)
    }

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
        // Three stages overlap: the browser reads the segment after the next from disk and
        // uploads the previous one while this thread seals the next.
        let outcome = async {
            let mut reading = Some(start_read(file, sealer.next_range())?);
            let mut in_flight: Option<(JsFuture, u64)> = None;
            let mut sent = 0u64;
            let (started, mut sealing) = (js_sys::Date::now(), 0.0);
            while let Some(read) = reading.take() {
                let buf = read.await.map_err(|_| {
                    ApiError::Local("The file could not be read; was it moved or changed?".into())
                })?;
                let plain = Uint8Array::new(&buf).to_vec();
                if let Some(range) = sealer.range_after_next() {
                    reading = Some(start_read(file, range)?);
                }
                let t = js_sys::Date::now();
                let segment = sealer.seal_next(&plain)?;
                sealing += js_sys::Date::now() - t;
                if let Some(put) = in_flight.take() {
                    sent += finish_put(put).await?;
                    progress(sent);
                }
                if cancelled() {
                    return Err(ApiError::Local("Cancelled.".into()));
                }
                in_flight = Some(start_put(&id, sent, &segment)?);
            }
            if let Some(put) = in_flight.take() {
                sent += finish_put(put).await?;
                progress(sent);
            }
            timing("sent", size, js_sys::Date::now() - started, sealing);
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
        let res = fetch("GET", &format!("/files/{id}"), None, false).await?;
        let body = res
            .body()
            .ok_or_else(|| ApiError::Network("empty answer".into()))?;
        let reader: web_sys::ReadableStreamDefaultReader = body
            .get_reader()
            .dyn_into()
            .map_err(|_| ApiError::Local("This browser cannot stream downloads.".into()))?;
        let mut opener = Opener::new(key, size);
        let mut blob = blob_of(&Array::new(), mime)?;
        let parts = Array::new();
        let (mut pending, mut got) = (0usize, 0u64);
        let (started, mut opening) = (js_sys::Date::now(), 0.0);
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(js)?;
            if Reflect::get(&chunk, &"done".into())
                .map_err(js)?
                .is_truthy()
            {
                break;
            }
            let bytes =
                Uint8Array::new(&Reflect::get(&chunk, &"value".into()).map_err(js)?).to_vec();
            got += bytes.len() as u64;
            progress(got);
            let t = js_sys::Date::now();
            let plain = opener.push(&bytes)?;
            opening += js_sys::Date::now() - t;
            pending += plain.len();
            parts.push(&Uint8Array::from(&plain[..]));
            if pending >= 8 << 20 {
                parts.unshift(&blob);
                blob = blob_of(&parts, mime)?;
                parts.set_length(0);
                pending = 0;
            }
        }
        let last = opener.finish()?;
        parts.unshift(&blob);
        parts.push(&Uint8Array::from(&last[..]));
        let blob = blob_of(&parts, mime);
        timing("received", size, js_sys::Date::now() - started, opening);
        blob
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

    /// The files of a file input, a drop or a paste.
    pub fn list(files: Option<web_sys::FileList>) -> Vec<File> {
        let Some(files) = files else {
            return Vec::new();
        };
        (0..files.length()).filter_map(|i| files.get(i)).collect()
    }
}
