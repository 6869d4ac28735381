//! This tab's keys across a reload, never on disk in clear. sessionStorage (which browsers
//! write to disk to restore a session) holds them only sealed with AES-256-GCM under a
//! key that WebCrypto made non-extractable and that lives in IndexedDB: the sealed copy
//! alone opens nothing, and no script can read the key out. Where the page is not a
//! secure context (plain HTTP on a LAN address) there is no WebCrypto: the keys stay in
//! this page's memory only, and a reload asks for the password again.

#[cfg(feature = "hydrate")]
mod imp {
    use js_sys::{Array, Promise, Uint8Array};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        AesGcmParams, AesKeyGenParams, CryptoKey, IdbDatabase, IdbRequest, IdbTransactionMode,
        SubtleCrypto,
    };

    const DB: &str = "hearth";
    const STORE: &str = "vault";
    const KEY: &str = "device";

    /// Resolves with a request's result once it succeeds.
    async fn settle(req: &IdbRequest) -> Result<JsValue, JsValue> {
        let promise = Promise::new(&mut |resolve, reject| {
            let done = req.clone();
            let ok = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::NULL));
            });
            let failed = Closure::once_into_js(move || {
                let _ = reject.call0(&JsValue::NULL);
            });
            req.set_onsuccess(Some(ok.unchecked_ref()));
            req.set_onerror(Some(failed.unchecked_ref()));
        });
        JsFuture::from(promise).await
    }

    async fn database() -> Result<IdbDatabase, JsValue> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or(JsValue::NULL)?;
        let open = factory.open_with_u32(DB, 1)?;
        let upgrading = open.clone();
        let upgrade = Closure::once_into_js(move || {
            if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                let _ = db.create_object_store(STORE);
            }
        });
        open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        settle(&open).await?.dyn_into()
    }

    fn subtle() -> Option<SubtleCrypto> {
        let window = web_sys::window()?;
        window
            .is_secure_context()
            .then(|| window.crypto().ok().map(|c| c.subtle()))
            .flatten()
    }

    async fn stored_key(db: &IdbDatabase) -> Result<Option<CryptoKey>, JsValue> {
        let store = db.transaction_with_str(STORE)?.object_store(STORE)?;
        Ok(settle(&store.get(&KEY.into())?).await?.dyn_into().ok())
    }

    /// The browser's key, made (non-extractable) the first time. Two tabs making one at
    /// once: the second `add` fails and both use the first.
    async fn device_key(subtle: &SubtleCrypto, make: bool) -> Result<Option<CryptoKey>, JsValue> {
        let db = database().await?;
        if let Some(key) = stored_key(&db).await? {
            return Ok(Some(key));
        }
        if !make {
            return Ok(None);
        }
        let params = AesKeyGenParams::new("AES-GCM", 256);
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let made: CryptoKey =
            JsFuture::from(subtle.generate_key_with_object(&params, false, &usages)?)
                .await?
                .dyn_into()?;
        let store = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?
            .object_store(STORE)?;
        if settle(&store.add_with_key(&made, &KEY.into())?)
            .await
            .is_err()
        {
            return stored_key(&db).await;
        }
        Ok(Some(made))
    }

    pub async fn seal(plain: &[u8]) -> Option<Vec<u8>> {
        let subtle = subtle()?;
        let key = device_key(&subtle, true).await.ok()??;
        let mut iv = [0u8; 12];
        web_sys::window()?
            .crypto()
            .ok()?
            .get_random_values_with_u8_array(&mut iv)
            .ok()?;
        let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&iv[..]));
        let sealed = subtle
            .encrypt_with_object_and_u8_array(&params, &key, plain)
            .ok()?;
        let sealed = Uint8Array::new(&JsFuture::from(sealed).await.ok()?);
        Some([&iv[..], &sealed.to_vec()].concat())
    }

    pub async fn open(sealed: &[u8]) -> Option<Vec<u8>> {
        let subtle = subtle()?;
        let key = device_key(&subtle, false).await.ok()??;
        let (iv, body) = (sealed.get(..12)?, sealed.get(12..)?);
        let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv));
        let opened = subtle
            .decrypt_with_object_and_u8_array(&params, &key, body)
            .ok()?;
        let opened = Uint8Array::new(&JsFuture::from(opened).await.ok()?);
        let out = opened.to_vec();
        opened.fill(0, 0, opened.length());
        Some(out)
    }

    pub async fn forget() {
        if let Ok(db) = database().await
            && let Ok(tx) = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
            && let Ok(store) = tx.object_store(STORE)
            && let Ok(req) = store.delete(&KEY.into())
        {
            let _ = settle(&req).await;
        }
    }
}

use zeroize::Zeroizing;

/// `plain` sealed under this browser's key, or None where there is no WebCrypto.
pub async fn seal(plain: &[u8]) -> Option<Vec<u8>> {
    #[cfg(feature = "hydrate")]
    {
        imp::seal(plain).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = plain;
        None
    }
}

/// What `seal` sealed, if this browser's key is still there and opens it.
pub async fn open(sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    #[cfg(feature = "hydrate")]
    {
        imp::open(sealed).await.map(Zeroizing::new)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = sealed;
        None
    }
}

/// Throws the browser's key away (at logout): what it sealed opens no more.
pub async fn forget() {
    #[cfg(feature = "hydrate")]
    imp::forget().await;
}
