//! Small wrappers over browser APIs; no-ops when compiled for the server.

/// Which of the browser's key-value stores.
#[derive(Clone, Copy)]
enum Store {
    /// This tab only, gone when it closes: for the keys.
    Session,
    /// This browser, across tabs and restarts: only for what is not secret.
    Local,
}

/// What a refused browser call said, for the person: an Error's or a DOMException's
/// message (a refused microphone is a DOMException "NotAllowedError").
#[cfg(feature = "hydrate")]
pub fn refusal(e: wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| {
            e.dyn_ref::<web_sys::DomException>()
                .map(|e| format!("{}: {}", e.name(), e.message()))
        })
        .unwrap_or_else(|| "the browser refused".into())
}

#[cfg(feature = "hydrate")]
fn storage(store: Store) -> Option<web_sys::Storage> {
    let w = web_sys::window()?;
    match store {
        Store::Session => w.session_storage(),
        Store::Local => w.local_storage(),
    }
    .ok()
    .flatten()
}

fn get(store: Store, key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        storage(store)?.get_item(key).ok()?
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (store, key);
        None
    }
}

fn set(store: Store, key: &str, value: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage(store) {
        let _ = match value {
            Some(v) => s.set_item(key, v),
            None => s.remove_item(key),
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (store, key, value);
}

/// Reads a key from this tab's sessionStorage.
pub fn session_get(key: &str) -> Option<String> {
    get(Store::Session, key)
}

pub fn session_set(key: &str, value: &str) {
    set(Store::Session, key, Some(value));
}

pub fn session_remove(key: &str) {
    set(Store::Session, key, None);
}

/// Reads a key from this browser's localStorage (kept across tabs and restarts: only
/// for what is not secret, like recently used emoji).
pub fn local_get(key: &str) -> Option<String> {
    get(Store::Local, key)
}

pub fn local_set(key: &str, value: &str) {
    set(Store::Local, key, Some(value));
}

/// Lets the browser paint (a spinner) before a long synchronous computation (Argon2).
pub async fn yield_to_paint() {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(30).await;
}

/// True when the page is out of sight (another tab, minimised, a locked phone).
pub fn hidden() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden())
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Waits `ms` milliseconds (not at all outside the browser).
pub async fn sleep(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// True where the browser offers microphones and cameras: HTTPS, or localhost.
pub fn is_secure_context() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_some_and(|w| w.is_secure_context())
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// True when the page was loaded over plain http:// from another machine.
pub fn insecure_transport() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Some(loc) = web_sys::window().map(|w| w.location()) else {
            return false;
        };
        let proto = loc.protocol().unwrap_or_default();
        let host = loc.hostname().unwrap_or_default();
        proto == "http:" && host != "localhost" && host != "127.0.0.1"
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// zxcvbn, the password strength estimate: a WASM module of its own (`strength/`), so its
/// dictionaries are fetched only by the pages that take a new password. The page's
/// `hearthStrength()` (`crate::shell`) imports it once.
#[derive(Clone)]
pub struct Strength {
    #[cfg(feature = "hydrate")]
    score: js_sys::Function,
}

/// Loads the strength estimate (once per page; later calls share the first load).
pub async fn strength() -> Result<Strength, String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let fail = |_| {
            "The password checker did not load; check the connection and try again.".to_string()
        };
        let window = web_sys::window().ok_or("no window")?;
        let load: js_sys::Function = js_sys::Reflect::get(&window, &"hearthStrength".into())
            .map_err(fail)?
            .dyn_into()
            .map_err(fail)?;
        let promise: js_sys::Promise = load
            .call0(&window)
            .map_err(fail)?
            .dyn_into()
            .map_err(fail)?;
        let module = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(fail)?;
        let score = js_sys::Reflect::get(&module, &"score".into())
            .map_err(fail)?
            .dyn_into()
            .map_err(fail)?;
        Ok(Strength { score })
    }
    #[cfg(not(feature = "hydrate"))]
    Err("The password checker runs in the browser.".into())
}

impl Strength {
    /// 0–4, with the user's other fields as words an attacker tries first. A failure
    /// counts as the weakest.
    pub fn score(&self, password: &str, user_inputs: &[&str]) -> u8 {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsValue;
            let inputs: js_sys::Array = user_inputs.iter().map(|s| JsValue::from_str(s)).collect();
            self.score
                .call2(&JsValue::NULL, &password.into(), &inputs)
                .ok()
                .and_then(|v| v.as_f64())
                .map_or(0, |v| v as u8)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (password, user_inputs);
            0
        }
    }
}

/// The strength of a new password, loading the estimate if need be.
pub async fn password_score(password: &str, user_inputs: &[&str]) -> Result<u8, String> {
    Ok(strength().await?.score(password, user_inputs))
}

/// Reloads the page (after the keys changed under it).
pub fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Leaves the app for `path` with a full page load, not the router: the page's memory
/// (the keys in WASM among it) goes with it, and nothing still running (the socket, a
/// fetch under way) can touch a page that was taken down around it.
pub fn leave_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().replace(path);
    }
    let _ = path;
}

/// Moves the keyboard focus to the first element matching `selector`.
pub fn focus(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// Asks the browser's own yes/no question (false where there is no browser).
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_some_and(|w| w.confirm_with_message(question).unwrap_or(false))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}

const JOIN_KEY: &str = "hearth.join";

/// Keeps an invite code from the address (`/#join=CODE`) in this tab's storage and takes
/// it out of the address, so it survives the detour through the login page and never
/// reaches the server (the part after `#` is not sent).
pub fn stash_join_code() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let hash = w.location().hash().unwrap_or_default();
        if let Some(code) = hash.strip_prefix("#join=").filter(|c| !c.is_empty()) {
            session_set(JOIN_KEY, code);
            if let Ok(h) = w.history() {
                let path = w.location().pathname().unwrap_or_default();
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
        }
    }
}

/// The stashed invite code, removed from storage.
pub fn take_join_code() -> Option<String> {
    stash_join_code();
    let code = session_get(JOIN_KEY);
    session_remove(JOIN_KEY);
    code
}

/// This page's origin (`http://host:port`), for invite links.
pub fn origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Puts text on the clipboard (where the browser allows it).
pub fn copy(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// Milliseconds since the Unix epoch, by this device's clock.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

/// This device's last midnight, in milliseconds since the Unix epoch ("today" as the
/// person looking at it means it).
pub fn midnight_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new_0();
        d.set_hours(0);
        d.set_minutes(0);
        d.set_seconds(0);
        d.set_milliseconds(0);
        d.get_time() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

/// Scrolls the element `selector` names into the middle of the view and marks it
/// (`data-found`) so the style can flash it.
pub fn reveal(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Ok(Some(old)) = doc.query_selector("[data-found]") {
            let _ = old.remove_attribute("data-found");
        }
        if let Ok(Some(el)) = doc.query_selector(selector) {
            use wasm_bindgen::JsCast;
            el.scroll_into_view_with_bool(false);
            let _ = el.set_attribute("data-found", "");
            // The keyboard goes on from there (a message is focusable).
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// A phone-sized window, where one pane shows at a time.
pub fn narrow() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w < 720.0)
    }
    #[cfg(not(feature = "hydrate"))]
    false
}
