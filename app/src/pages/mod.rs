pub mod chat;
pub mod login;
pub mod register;

use leptos::prelude::*;

/// False during server rendering and until the page has hydrated: forms stay disabled
/// until then, so nothing is submitted the browser's native way (with the password in a
/// URL).
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
