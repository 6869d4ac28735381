//! Writing: the composer with its emoji picker, `:shortcode` and `@name` suggestions,
//! the reply or edit it is for, files to attach or paste, and the uploads under way.

use super::super::Chat;
use super::super::emoji::{EmojiPicker, Suggestions};
use super::super::files::Uploads;
use super::super::message::ComposerContext;
use leptos::prelude::*;

#[component]
pub(super) fn Composer() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let draft = chat.composer.draft;
    let emoji_open = RwSignal::new(false);
    let send = move || {
        if chat.send(draft.get_untracked()) {
            draft.set(String::new());
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let enter = ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing();
        // A `:shortcode` being typed takes the first suggestion first.
        if (enter || ev.key() == "Tab")
            && (super::super::emoji::accept_suggestion(draft, None)
                || super::super::mention::accept_mention(&chat, None))
        {
            ev.prevent_default();
        } else if enter {
            ev.prevent_default();
            send();
        } else if ev.key() == "Escape" {
            emoji_open.set(false);
            chat.cancel_compose();
        }
    };
    view! {
        <Uploads/>
        <ComposerContext/>
        <Suggestions draft/>
        <super::super::mention::MentionSuggestions/>
        <Show when=move || emoji_open.get()>
            <EmojiPicker label="Emoji" on_pick=move |e: String| {
                draft.update(|d| d.push_str(&e));
                emoji_open.set(false);
                chat.focus_composer();
            }/>
        </Show>
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); send(); }>
            <label class="attach" title="Send files">
                <span class="i i-paperclip" aria-hidden="true"></span>
                <input type="file" multiple class="visually-hidden" aria-label="Send files"
                    on:change=move |ev| {
                        #[cfg(feature = "hydrate")]
                        {
                            use wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                chat.send_files(crate::client::files::list(input.files()));
                                input.set_value("");
                            }
                        }
                        let _ = ev;
                    }/>
            </label>
            <button type="button" class="ghost emoji-toggle" aria-label="Emoji" aria-expanded=move || emoji_open.get().to_string()
                on:click=move |_| emoji_open.update(|o| *o = !*o)><span class="i i-smile" aria-hidden="true"></span></button>
            <textarea rows="1" placeholder="Write a message" aria-label="Message" bind:value=draft on:keydown=on_key on:input=move |ev| chat.notify_typing(&event_target_value(&ev))
                on:paste=move |ev| {
                    // Pasted files (a screenshot) are sent; pasted text is left to the textarea.
                    #[cfg(feature = "hydrate")]
                    {
                        let files = crate::client::files::list(ev.clipboard_data().and_then(|d| d.files()));
                        if !files.is_empty() {
                            ev.prevent_default();
                            chat.send_files(files);
                        }
                    }
                    let _ = ev;
                }></textarea>
            <super::super::voice::VoiceRecorder/>
            <button type="submit" aria-label="Send">"Send"</button>
        </form>
    }
}
