//! The chat page: conversations and people on the left, the open conversation on the right.

mod attention;
mod call;
mod commands;
mod conversation;
mod emoji;
mod files;
mod frames;
mod group_view;
mod groups;
mod history;
mod identity;
mod keep_focus;
mod lines;
mod live;
mod mention;
pub(crate) mod message;
mod notices;
mod outage;
mod search;
mod sessions;
mod state;
mod thread;
mod two_step;
mod view;
mod voice;

use crate::KeyringSignal;
use crate::client::keyring::Keyring;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
pub use state::Chat;

#[component]
pub fn ChatPage() -> impl IntoView {
    let ring = expect_context::<KeyringSignal>();
    let chat = Chat::new();
    provide_context(chat);
    let navigate = use_navigate();
    // Runs once, in the browser only: the keys live there.
    Effect::new(move |_| {
        crate::client::browser::stash_join_code();
        let navigate = navigate.clone();
        spawn_local(async move {
            let kept = match ring.get_untracked() {
                Some(keys) => Some(keys),
                None => Keyring::load().await,
            };
            let Some(keys) = kept else {
                navigate("/login", Default::default());
                return;
            };
            ring.set(Some(keys.clone()));
            match chat.start(keys).await {
                Err(crate::ApiError::Unauthorized(_)) => chat.signed_out.set(true),
                Err(e) => chat.error.set(Some(e.to_string())),
                Ok(()) => {}
            }
        });
    });
    // The session ended (here or on another device): forget the keys, log in again, on
    // a fresh page (tasks of this one may still be running).
    Effect::new(move |_| {
        if chat.signed_out.get() {
            chat.stop();
            spawn_local(async {
                Keyring::forget().await;
                crate::client::browser::leave_to("/login");
            });
        }
    });
    // An invite link opened while the page is already showing.
    let on_hash = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(code) = crate::client::browser::take_join_code() {
            chat.list.join_code.set(code);
            chat.list.panel.set(state::Panel::Join);
        }
    });
    // A hidden tab makes its user "away" once all their tabs are.
    let on_visibility =
        window_event_listener(leptos::ev::visibilitychange, move |_| chat.on_visibility());
    // Ctrl+K (⌘K) finds messages, from anywhere on the page.
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            chat.open_search(false);
        }
    });
    on_cleanup(move || {
        on_hash.remove();
        on_visibility.remove();
        on_key.remove();
        chat.stop()
    });
    view! {
        <leptos_meta::Title text=move || chat.title()/>
        <outage::OutageBanner/>
        <notices::Notices/>
        <notices::PinsAlarm/>
        <call::CallProblem/>
        <call::IncomingCall/>
        <call::CallScreen/>
        <call::CallBar/>
        <div class="chat" class:has-open=move || chat.list.current.get().is_some() || chat.list.panel.get() != state::Panel::None || chat.search.open.get()>
            <view::Sidebar/>
            <conversation::Thread/>
        </div>
    }
}
