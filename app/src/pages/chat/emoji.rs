//! The emoji picker (categories, search by name or shortcode, recent picks) and the
//! `:shortcode` suggestions above the composer.

use crate::client::emoji;
use leptos::prelude::*;

/// How many search results the picker shows.
const RESULTS: usize = 80;
/// How many suggestions a typed `:shortcode` gets.
const SUGGESTIONS: usize = 6;

#[component]
pub fn EmojiPicker(
    /// What the picker is for, for screen readers ("Emoji", "Pick a reaction").
    #[prop(into)]
    label: String,
    #[prop(into)] on_pick: Callback<String>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    // None: the recent ones (or the smileys, before there are any).
    let tab = RwSignal::new(None::<emojis::Group>);
    let recent = RwSignal::new(emoji::recent());
    let pick = move |e: String| {
        emoji::remember(&e);
        recent.set(emoji::recent());
        on_pick.run(e);
    };
    let shown = move || -> Vec<(String, String)> {
        let q = query.get();
        let named = |e: &emojis::Emoji| (e.as_str().to_string(), e.name().to_string());
        if !q.trim().is_empty() {
            return emoji::search(&q, RESULTS).into_iter().map(named).collect();
        }
        match tab.get() {
            Some(g) => emoji::group(g).map(named).collect(),
            None => {
                let r = recent.get();
                if r.is_empty() {
                    emoji::group(emojis::Group::SmileysAndEmotion)
                        .map(named)
                        .collect()
                } else {
                    r.iter().filter_map(|e| emojis::get(e)).map(named).collect()
                }
            }
        }
    };
    view! {
        <div class="emoji-picker" role="group" aria-label=label>
            <input type="search" placeholder="Search emoji" aria-label="Search emoji" bind:value=query/>
            <div class="tabs">
                <button type="button" class="ghost" aria-label="Recent" aria-pressed=move || tab.get().is_none().to_string()
                    on:click=move |_| { tab.set(None); query.set(String::new()); }>"🕘"</button>
                {emojis::Group::iter().map(|g| {
                    let icon = emoji::group(g).next().map(|e| e.as_str()).unwrap_or("?");
                    view! {
                        <button type="button" class="ghost" aria-label=emoji::group_name(g)
                            aria-pressed=move || (tab.get() == Some(g)).to_string()
                            on:click=move |_| { tab.set(Some(g)); query.set(String::new()); }>{icon}</button>
                    }
                }).collect_view()}
            </div>
            <div class="grid">
                {move || {
                    let list = shown();
                    if list.is_empty() {
                        return view! { <p class="hint">"No emoji by that name."</p> }.into_any();
                    }
                    list.into_iter().map(|(e, name)| {
                        let chosen = e.clone();
                        view! {
                            <button type="button" class="ghost" title=name.clone() aria-label=name
                                on:click=move |_| pick(chosen.clone())>{e}</button>
                        }
                    }).collect_view().into_any()
                }}
            </div>
        </div>
    }
}

/// Replaces the `:shortcode` being typed at the end of the draft with an emoji: `pick`,
/// or the first suggestion. False when nothing was being typed.
pub fn accept_suggestion(draft: RwSignal<String>, pick: Option<&str>) -> bool {
    let text = draft.get_untracked();
    let Some((at, prefix)) = emoji::trailing_shortcode(&text) else {
        return false;
    };
    let chosen = match pick {
        Some(p) => p.to_string(),
        None => match emoji::complete(prefix, 1).first() {
            Some((e, _)) => e.as_str().to_string(),
            None => return false,
        },
    };
    emoji::remember(&chosen);
    draft.set(format!("{}{chosen}", &text[..at]));
    true
}

/// Suggestions for a `:shortcode` being typed; Tab or Enter takes the first.
#[component]
pub fn Suggestions(draft: RwSignal<String>) -> impl IntoView {
    let hits = move || {
        draft.with(|d| {
            emoji::trailing_shortcode(d)
                .map(|(_, p)| emoji::complete(p, SUGGESTIONS))
                .unwrap_or_default()
        })
    };
    view! {
        {move || {
            let list = hits();
            (!list.is_empty()).then(|| view! {
                <ul class="suggestions" aria-label="Emoji suggestions">
                    {list.into_iter().enumerate().map(|(i, (e, code))| {
                        let chosen = e.as_str();
                        view! {
                            <li class:first=i == 0>
                                <button type="button" class="ghost" aria-label=format!(":{code}:")
                                    on:click=move |_| { accept_suggestion(draft, Some(chosen)); crate::client::browser::focus("textarea[aria-label=Message]"); }>
                                    <span class="emoji">{chosen}</span>" "<code>{format!(":{code}:")}</code>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
    }
}
