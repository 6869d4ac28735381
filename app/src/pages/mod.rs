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
            Err(e) => {
                error.set(Some(e.to_string()));
                busy.set(false);
            }
        }
    });
}
