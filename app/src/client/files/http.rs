//! Requests to the file routes, and the error the server names in its answer.

use crate::ApiError;
use js_sys::{Array, Reflect};
use protocol::FileId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, Request, RequestInit, Response};

pub(super) fn js(e: JsValue) -> ApiError {
    ApiError::Network(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

pub(super) async fn fetch(
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
pub(super) async fn checked(res: Response) -> Result<Response, ApiError> {
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
    Err(ApiError::from_status(status, msg))
}

pub(super) async fn json(res: Response) -> Result<JsValue, ApiError> {
    JsFuture::from(res.json().map_err(js)?).await.map_err(js)
}

/// Figures for the developer console (and the benchmarks): sizes and times only.
pub(super) fn timing(what: &str, bytes: u64, total_ms: f64, crypto_ms: f64) {
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

pub(super) fn id_of(v: &JsValue) -> Option<FileId> {
    Reflect::get(v, &"id".into())
        .ok()?
        .as_string()?
        .parse()
        .ok()
}

pub(super) fn blob_of(parts: &Array, mime: &str) -> Result<Blob, ApiError> {
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(parts, &opts).map_err(js)
}
