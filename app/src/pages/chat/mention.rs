//! `@name` suggestions above the composer: the people of the open conversation whose
//! username or name starts with what is typed; Tab or Enter takes the first.

use super::state::Chat;
use crate::client::format::trailing_mention;
use leptos::prelude::*;

/// How many names are suggested.
const SUGGESTIONS: usize = 6;

/// (username, display name) of whoever `prefix` may mean in the open conversation: its
/// members in a group, the other person in a direct one.
fn candidates(chat: &Chat, prefix: &str) -> Vec<(String, String)> {
    let prefix = prefix.to_lowercase();
    let exact = |u: &str| u == prefix;
    let me = chat
        .keys
        .ring
        .with_value(|r| r.as_ref().map(|r| r.me.username.clone()));
    let mut all: Vec<(String, String)> = match chat.list.group_view.get() {
        Some(g) => g
            .members
            .iter()
            .map(|m| (m.username.clone(), m.name.clone()))
            .collect(),
        None => chat
            .list
            .current
            .get()
            .and_then(|c| chat.peer(c))
            .filter(|p| !p.deleted)
            .map(|p| vec![(p.username, p.display_name)])
            .unwrap_or_default(),
    };
    all.retain(|(u, n)| {
        !u.is_empty()
            && Some(u) != me.as_ref()
            && (u.starts_with(&prefix)
                || n.to_lowercase()
                    .split_whitespace()
                    .any(|w| w.starts_with(&prefix)))
    });
    all.sort();
    // A name typed out in full comes first.
    if let Some(i) = all.iter().position(|(u, _)| exact(u)) {
        let hit = all.remove(i);
        all.insert(0, hit);
    }
    all.truncate(SUGGESTIONS);
    all
}

/// Completes the `@name` being typed with `pick` (or the first candidate). False when no
/// name was being typed, none fits, or it is already complete.
pub fn accept_mention(chat: &Chat, pick: Option<&str>) -> bool {
    let text = chat.composer.draft.get_untracked();
    let Some((at, prefix)) = trailing_mention(&text) else {
        return false;
    };
    let chosen = match pick {
        Some(p) => p.to_string(),
        None => {
            let names = candidates(chat, prefix);
            // A bare "@", or a name typed out in full, is left alone: Enter then sends.
            let typed = prefix.to_lowercase();
            if typed.is_empty() || names.iter().any(|(u, _)| *u == typed) {
                return false;
            }
            match names.into_iter().next() {
                Some((u, _)) => u,
                None => return false,
            }
        }
    };
    chat.composer
        .draft
        .set(format!("{}@{chosen} ", &text[..at]));
    true
}

#[component]
pub fn MentionSuggestions() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let list = move || {
        chat.composer.draft.with(|d| {
            trailing_mention(d)
                .map(|(_, p)| candidates(&chat, p))
                .unwrap_or_default()
        })
    };
    view! {
        {move || {
            let names = list();
            (!names.is_empty()).then(|| view! {
                <ul class="suggestions" aria-label="People to mention">
                    {names.into_iter().enumerate().map(|(i, (user, name))| {
                        let pick = user.clone();
                        view! {
                            <li class:first=i == 0>
                                <button type="button" class="ghost" aria-label=format!("@{user}")
                                    on:click=move |_| { accept_mention(&chat, Some(&pick)); chat.focus_composer(); }>
                                    <strong>{name}</strong>" "<code>{format!("@{user}")}</code>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
    }
}
