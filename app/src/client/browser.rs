//! Small wrappers over browser APIs; no-ops when compiled for the server.

/// Reads a key from this tab's sessionStorage.
pub fn session_get(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()?
            .session_storage()
            .ok()??
            .get_item(key)
            .ok()?
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

pub fn session_set(key: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

pub fn session_remove(key: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(key);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Lets the browser paint (a spinner) before a long synchronous computation (Argon2).
pub async fn yield_to_paint() {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(30).await;
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

/// Password strength 0–4 (zxcvbn), with the user's other fields as known words.
pub fn password_score(password: &str, user_inputs: &[&str]) -> u8 {
    #[cfg(feature = "hydrate")]
    {
        if password.is_empty() {
            return 0;
        }
        zxcvbn::zxcvbn(password, user_inputs).score() as u8
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (password, user_inputs);
        0
    }
}

/// Reloads the page (after the keys changed under it).
pub fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
