//! AES-256-GCM through the browser's WebCrypto, which has the AES instructions WASM lacks
//! (docs/PERFORMANCE.md: 64 MB/s in WASM). Only the chunk cipher moves here: the layout,
//! nonces and keys still come from `protocol::crypto::file`, so the blob is the same byte
//! for byte. Where WebCrypto is missing (plain HTTP on a LAN address is not a secure
//! context) the WASM cipher does the work.

use super::http::js;
use crate::ApiError;
use js_sys::{Array, Promise, Uint8Array};
use protocol::crypto::file::{SealedChunk, Segment, altered};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};

pub(super) struct ChunkCipher {
    subtle: SubtleCrypto,
    key: CryptoKey,
}

impl ChunkCipher {
    /// The payload key, imported as a key WebCrypto will not give back, to `usage`
    /// ("encrypt" or "decrypt"); none where there is no WebCrypto.
    pub(super) async fn new(raw: &[u8; 32], usage: &str) -> Option<Self> {
        let window = web_sys::window()?;
        if !window.is_secure_context() {
            return None;
        }
        let subtle = window.crypto().ok()?.subtle();
        // A JS copy of the key, wiped once handed over (the browser keeps its own).
        let bytes = Uint8Array::from(&raw[..]);
        let usages = Array::of1(&usage.into());
        let imported = subtle.import_key_with_str("raw", &bytes, "AES-GCM", false, &usages);
        bytes.fill(0, 0, 32);
        let key = JsFuture::from(imported.ok()?).await.ok()?.dyn_into().ok()?;
        Some(Self { subtle, key })
    }

    /// Seals a segment: every chunk handed over at once (WebCrypto copies each input when
    /// called), then the results joined in order after the header.
    pub(super) async fn seal(&self, segment: &Segment) -> Result<Vec<u8>, ApiError> {
        let pending = Array::new();
        for (plain, nonce) in segment.chunks() {
            let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&nonce[..]));
            let sealed = self
                .subtle
                .encrypt_with_object_and_u8_array(&params, &self.key, plain)
                .map_err(js)?;
            pending.push(&sealed);
        }
        let sealed: Array = JsFuture::from(Promise::all(&pending))
            .await
            .map_err(js)?
            .unchecked_into();
        let mut out = Vec::with_capacity(segment.sealed_len());
        out.extend_from_slice(&segment.header);
        for chunk in sealed.iter() {
            let bytes = Uint8Array::new(&chunk);
            let at = out.len();
            out.resize(at + bytes.length() as usize, 0);
            bytes.copy_to(&mut out[at..]);
        }
        if out.len() != segment.sealed_len() {
            return Err(ApiError::Local(
                "The browser's encryption gave a wrong length.".into(),
            ));
        }
        Ok(out)
    }

    /// Opens chunks taken out of a blob: all at once, then each checked by the protocol
    /// crate (length, padding) in order. A chunk that does not open is the same error as
    /// in WASM.
    pub(super) async fn open(&self, chunks: Vec<SealedChunk>) -> Result<Vec<u8>, ApiError> {
        let pending = Array::new();
        for chunk in &chunks {
            let params =
                AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&chunk.nonce()[..]));
            let opened = self
                .subtle
                .decrypt_with_object_and_u8_array(&params, &self.key, chunk.sealed())
                .map_err(js)?;
            pending.push(&opened);
        }
        let opened: Array = JsFuture::from(Promise::all(&pending))
            .await
            .map_err(|_| altered())?
            .unchecked_into();
        // One result per chunk, or the file would come out short without a word.
        if opened.length() as usize != chunks.len() {
            return Err(altered().into());
        }
        let mut out = Vec::new();
        for (chunk, plain) in chunks.iter().zip(opened.iter()) {
            let plain = Uint8Array::new(&plain);
            let bytes = plain.to_vec();
            plain.fill(0, 0, plain.length());
            out.extend(chunk.accept(bytes)?);
        }
        Ok(out)
    }
}
