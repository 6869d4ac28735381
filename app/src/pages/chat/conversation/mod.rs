//! The open conversation's pane: its header, key warnings and safety number (`head`),
//! the messages, and the composer (`composer`). Files can be dropped anywhere on it.

mod composer;
mod head;

use super::Chat;
use super::files::ImageViewer;
use super::group_view::{GroupMembers, JoinGroup, NewGroup};
use super::message::MessageLine;
use super::state::Panel;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Thread() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let show_safety = RwSignal::new(false);
    let form_open =
        Memo::new(move |_| matches!(chat.list.panel.get(), Panel::NewGroup | Panel::Join));
    let dropping = RwSignal::new(false);
    Effect::new(move |_| {
        chat.list.current.track();
        show_safety.set(false);
    });
    view! {
        <section class="thread" class:dropping=move || dropping.get()
            on:dragover=move |ev| {
                // Accepting the drag is what makes the drop land here instead of opening the file.
                if chat.list.current.get_untracked().is_some() {
                    ev.prevent_default();
                    dropping.set(true);
                }
            }
            on:dragleave=move |_| dropping.set(false)
            on:drop=move |ev| {
                dropping.set(false);
                if chat.list.current.get_untracked().is_none() {
                    return;
                }
                ev.prevent_default();
                #[cfg(feature = "hydrate")]
                chat.send_files(crate::client::files::list(ev.data_transfer().and_then(|d| d.files())));
            }>
            <ImageViewer/>
            <Show when=move || chat.search.open.get()><super::search::SearchPanel/></Show>
            <Show when=move || chat.list.panel.get() == Panel::NewGroup><NewGroup/></Show>
            <Show when=move || chat.list.panel.get() == Panel::Join><JoinGroup/></Show>
            <Show when=move || chat.list.current.get().is_some() || form_open.get()
                fallback=move || view! { <div class="placeholder"><p>"Pick someone to talk to, or start a group."</p>
                    <ErrorLine/>
                    <p class="hint">"Messages are encrypted on this device before they are sent."</p></div> }>
                <Show when=move || !form_open.get()>
                    <head::ThreadHead show_safety/>
                    <Show when=move || chat.list.panel.get() == Panel::Members><GroupMembers/></Show>
                    <head::GroupKeyWarnings/>
                    <Show when=move || show_safety.get()><head::SafetyNumber/></Show>
                    <head::KeysChanged/>
                    <Messages/>
                    <ErrorLine/>
                    {move || chat.notice.get().map(|n| view! {
                        <div class="notice" role="status" aria-label="Command output">
                            <p>{n}</p>
                            <button class="ghost" aria-label="Close" on:click=move |_| chat.notice.set(None)>"×"</button>
                        </div>
                    })}
                    {move || chat.typing_line().map(|t| view! { <p class="typing" role="status">{t}</p> })}
                    <composer::Composer/>
                </Show>
            </Show>
        </section>
    }
    .into_any()
}

/// The last error, until dismissed.
#[component]
fn ErrorLine() -> impl IntoView {
    let chat = expect_context::<Chat>();
    move || {
        chat.error.get().map(|e| view! {
            <p class="error" role="alert">{e}<button class="ghost" on:click=move |_| chat.error.set(None)>"×"</button></p>
        })
    }
}

/// The messages, kept scrolled to the newest; older ones load near the top.
#[component]
fn Messages() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let list: NodeRef<html::Div> = NodeRef::new();
    Effect::new(move |_| {
        chat.thread.scroll_to_end.track();
        if let Some(el) = list.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let keep_focus = super::keep_focus::keep(list, move || chat.thread.lines.track());
    let on_scroll = move |_| {
        if list.get().is_some_and(|el| el.scroll_top() < 80) {
            chat.load_older();
        }
    };
    view! {
        <div class="messages" node_ref=list on:scroll=on_scroll on:focusin=keep_focus.focus_in on:focusout=keep_focus.focus_out aria-live="polite">
            <Show when=move || chat.thread.more.get()>
                <button class="ghost older" on:click=move |_| chat.load_older()>
                    {move || if chat.thread.loading_older.get() { "Loading…" } else { "Load older messages" }}
                </button>
            </Show>
            <For each=move || chat.thread.lines.get() key=|l| l.key() let:l>
                {if l.day {
                    view! { <p class="day" role="separator">{l.text.clone()}</p> }.into_any()
                } else if l.event {
                    view! { <p class="event">{l.text.clone()}</p> }.into_any()
                } else {
                    view! { <MessageLine l/> }.into_any()
                }}
            </For>
        </div>
    }
}
