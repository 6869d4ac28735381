//! The emoji picker (categories, search by name or shortcode, recent picks) and the
//! `:shortcode` suggestions above the composer.

use crate::client::emoji;
use leptos::prelude::*;

/// How many search results the picker shows.
const RESULTS: usize = 80;
/// How many suggestions a typed `:shortcode` gets.
const SUGGESTIONS: usize = 6;

/// The emoji table as a component sees it.
#[derive(Clone, Copy)]
enum Loaded {
    Loading,
    Ready(&'static emoji::Table),
    /// Not fetched (offline, say): the next component to appear tries again.
    Failed,
}

impl Loaded {
    fn ready(self) -> Option<&'static emoji::Table> {
        match self {
            Loaded::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// The emoji table, loaded by the first component that needs it.
fn use_table() -> ReadSignal<Loaded> {
    let (table, set) = signal(emoji::table().map_or(Loaded::Loading, Loaded::Ready));
    Effect::new(move |_| {
        if table.get_untracked().ready().is_none() {
            leptos::task::spawn_local(async move {
                set.set(emoji::load().await.map_or(Loaded::Failed, Loaded::Ready));
            });
        }
    });
    table
}

#[component]
pub fn EmojiPicker(
    /// What the picker is for, for screen readers ("Emoji", "Pick a reaction").
    #[prop(into)]
    label: String,
    #[prop(into)] on_pick: Callback<String>,
) -> impl IntoView {
    let table = use_table();
    let query = RwSignal::new(String::new());
    // None: the recent ones (or the smileys, before there are any).
    let tab = RwSignal::new(None::<u8>);
    let recent = RwSignal::new(emoji::recent());
    let pick = move |e: String| {
        emoji::remember(&e);
        recent.set(emoji::recent());
        on_pick.run(e);
    };
    let shown = move |t: &emoji::Table| -> Vec<(String, String)> {
        let q = query.get();
        let named = |e: &emoji::Emoji| (e.glyph.clone(), e.name.clone());
        if !q.trim().is_empty() {
            return t.search(&q, RESULTS).into_iter().map(named).collect();
        }
        match tab.get() {
            Some(g) => t.group(g).map(named).collect(),
            None => {
                let r = recent.get();
                if r.is_empty() {
                    t.group(0).map(named).collect()
                } else {
                    r.iter().filter_map(|e| t.get(e)).map(named).collect()
                }
            }
        }
    };
    view! {
        <div class="emoji-picker" role="group" aria-label=label>
            <input type="search" placeholder="Search emoji" aria-label="Search emoji" bind:value=query/>
            <div class="tabs">
                <button type="button" class="ghost" aria-label="Recent" aria-pressed=move || tab.get().is_none().to_string()
                    on:click=move |_| { tab.set(None); query.set(String::new()); }><span class="i i-clock" aria-hidden="true"></span></button>
                {move || table.get().ready().map(|t| (0u8..).zip(emoji::GROUPS).map(|(g, name)| {
                    let icon = t.group(g).next().map_or("?", |e| e.glyph.as_str());
                    view! {
                        <button type="button" class="ghost" aria-label=name
                            aria-pressed=move || (tab.get() == Some(g)).to_string()
                            on:click=move |_| { tab.set(Some(g)); query.set(String::new()); }>{icon}</button>
                    }
                }).collect_view())}
            </div>
            <div class="grid">
                {move || {
                    let t = match table.get() {
                        Loaded::Ready(t) => t,
                        Loaded::Loading => return view! { <p class="hint">"Loading emoji…"</p> }.into_any(),
                        Loaded::Failed => return view! {
                            <p class="hint">"The emoji did not load. Check the connection, then open the picker again."</p>
                        }.into_any(),
                    };
                    let list = shown(t);
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
        None => match emoji::table()
            .and_then(|t| t.complete(prefix, 1).first().map(|(e, _)| e.glyph.clone()))
        {
            Some(e) => e,
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
    // Loaded with the composer, so it is there by the time anyone types a `:`.
    let table = use_table();
    let hits = move || {
        let Some(t) = table.get().ready() else {
            return Vec::new();
        };
        draft.with(|d| {
            emoji::trailing_shortcode(d)
                .map(|(_, p)| t.complete(p, SUGGESTIONS))
                .unwrap_or_default()
        })
    };
    view! {
        {move || {
            let list = hits();
            (!list.is_empty()).then(|| view! {
                <ul class="suggestions" aria-label="Emoji suggestions">
                    {list.into_iter().enumerate().map(|(i, (e, code))| {
                        let chosen = e.glyph.as_str();
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
