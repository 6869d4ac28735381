//! Thumbnails, blob: URLs, saving, and the files of an input, a drop or a paste.

use super::http::*;
use js_sys::{Array, Uint8Array};
use protocol::Bytes;
use protocol::api::{INLINE_IMAGES, THUMB_MAX, Thumb};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, Url};

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
            .to_data_url_with_type_and_encoder_options("image/jpeg", &JsValue::from_f64(quality))
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
