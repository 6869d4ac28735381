//! What was done to the account while its owner was away (an admin reset its password
//! or turned off its two-step login), said once, at the top, after the login that the
//! server told it to (`Session::notices`).

use super::Chat;
use crate::client::keyring;
use leptos::prelude::*;

#[component]
pub fn Notices() -> impl IntoView {
    let lines = RwSignal::new(Vec::<String>::new());
    // In the browser only, after hydration (the server renders nothing here).
    Effect::new(move |_| lines.set(keyring::take_notices()));
    move || {
        let shown = lines.get();
        (!shown.is_empty()).then(|| {
            view! {
                <div class="notices" role="status" aria-label="About your account">
                    <ul>{shown.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    <p class="hint">"If you did not ask for this, tell the server's owner."</p>
                    <button type="button" on:click=move |_| lines.set(Vec::new())>"Got it"</button>
                </div>
            }
        })
    }
}

/// A warning said until dismissed ("Got it"): `text` holds it, None when there is none.
#[component]
pub fn Alarm(label: &'static str, text: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        text.get().map(|t| {
            view! {
                <div class="notices alarm" role="alert" aria-label=label>
                    <p>{t}</p>
                    <button type="button" on:click=move |_| text.set(None)>"Got it"</button>
                </div>
            }
        })
    }
}

/// The server gave back no pinned keys, or an older or unreadable copy
/// (`client::pins`): said until dismissed; the copy this browser had stays in force.
#[component]
pub fn PinsAlarm() -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! { <Alarm label="Your pinned keys" text=chat.keys.pins_alarm/> }
}
