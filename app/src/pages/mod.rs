pub mod admin;
pub mod chat;
pub mod login;
pub mod recover;
pub mod register;

use crate::client::keyring::Keyring;
use crate::{ApiError, KeyringSignal};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// False during server rendering and until the page has hydrated: forms stay disabled
/// until then, so nothing is submitted the browser's native way (with the password in a
/// URL), and nothing typed is lost when hydration sets the fields from their signals.
pub fn hydrated() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    ready
}

/// The banner shown when the page came over plain http:// from another machine.
#[component]
pub fn TransportWarning() -> impl IntoView {
    let insecure = RwSignal::new(false);
    Effect::new(move |_| insecure.set(crate::client::browser::insecure_transport()));
    view! {
        <Show when=move || insecure.get()>
            <p class="warning" role="status">
                "This page came over plain HTTP: messages are still end-to-end encrypted, "
                "but someone on this network could tamper with the app itself."
            </p>
        </Show>
    }
}

/// Runs a login or registration started from a form: the form shows it is busy, a failure
/// is shown in the form, success opens the chat.
pub fn enter(
    ring: KeyringSignal,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    action: impl Future<Output = Result<Arc<Keyring>, ApiError>> + 'static,
) {
    busy.set(true);
    error.set(None);
    spawn_local(async move {
        match action.await {
            Ok(keys) => {
                ring.set(Some(keys));
                navigate("/", Default::default());
            }
            // An account an admin made: its owner chooses their own password there.
            Err(ApiError::PasswordChangeNeeded(..)) => navigate("/register", Default::default()),
            // The password was right and a code is needed: the code field says so; nothing
            // went wrong.
            Err(ApiError::SecondFactor(_)) => busy.set(false),
            Err(e) => {
                error.set(Some(e.to_string()));
                busy.set(false);
            }
        }
    });
}

/// A value only the browser uses (it backs event handlers and effects, which never run
/// on the server). On the server it is disposed of at once: Leptos keeps such local values
/// behind a `SendWrapper`, which panics when the request's arena is dropped on another
/// worker thread than the one that rendered the page (leptos-rs/leptos#4402, #4746).
pub fn browser_only<T: 'static>(value: T) -> StoredValue<T, LocalStorage> {
    let stored = StoredValue::new_local(value);
    #[cfg(feature = "ssr")]
    stored.dispose();
    stored
}

/// Where the server wants a second factor (login, "forgot password"): the first try does
/// the slow part once (Argon2) and keeps its result; when the answer is `SecondFactor`
/// the code field appears, and the next try finishes with what was kept and the code.
pub struct SecondStep<P: 'static> {
    kept: StoredValue<Option<P>, LocalStorage>,
    pub needs_code: RwSignal<bool>,
    pub code: RwSignal<String>,
}

// By hand: a derive would ask `P: Copy`, but only handles are copied.
impl<P> Clone for SecondStep<P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P> Copy for SecondStep<P> {}

impl<P: Clone + 'static> SecondStep<P> {
    pub fn new() -> Self {
        Self {
            kept: browser_only(None),
            needs_code: RwSignal::new(false),
            code: RwSignal::new(String::new()),
        }
    }

    /// The whole try: `prepare` unless kept from last time, then `finish` with the code.
    pub fn run<Prep, Fin>(
        self,
        prepare: impl FnOnce() -> Prep + 'static,
        finish: impl FnOnce(P, Option<String>) -> Fin + 'static,
    ) -> impl Future<Output = Result<Arc<Keyring>, ApiError>> + 'static
    where
        Prep: Future<Output = Result<P, ApiError>>,
        Fin: Future<Output = Result<Arc<Keyring>, ApiError>>,
    {
        let kept = self.kept.get_value();
        let typed = self.code.get_untracked();
        async move {
            let p = match kept {
                Some(p) => p,
                None => prepare().await?,
            };
            let code = Some(typed).filter(|c| !c.trim().is_empty());
            match finish(p.clone(), code).await {
                Err(ApiError::SecondFactor(m)) => {
                    self.kept.set_value(Some(p));
                    self.needs_code.set(true);
                    Err(ApiError::SecondFactor(m))
                }
                other => other,
            }
        }
    }
}

/// The code field, shown once the server asked for it.
#[component]
pub fn CodeField(needs_code: RwSignal<bool>, code: RwSignal<String>) -> impl IntoView {
    view! {
        <Show when=move || needs_code.get()>
            <p class="step" id="code-step" role="status">
                "Two-step login is on. Enter the code your authenticator app shows now, or one of your recovery codes."
            </p>
            <label>"Authentication code"
                <input name="totp" autocomplete="one-time-code" inputmode="numeric" autocapitalize="characters"
                    placeholder="123456 or a recovery code" required autofocus bind:value=code
                    aria-describedby="code-step"/>
            </label>
        </Show>
    }
}
