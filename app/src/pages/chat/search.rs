//! Search over decrypted history, in the browser (the server holds only ciphertext): a
//! conversation's pages are fetched, opened and kept as text in memory only, never
//! stored, and dropped when the conversation changes.

use super::message::when;
use super::state::{Chat, Entry, Hit};
use crate::Answered;
use crate::ApiError;
use crate::api;
use crate::client::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{MessageContent, Target};
use protocol::{ClientMsgId, ConversationId, MessageId, UserId};
use std::collections::HashMap;
use std::rc::Rc;

/// The most matches shown (the newest).
const MAX_HITS: usize = 200;
/// Characters of context around a match.
const SNIPPET: usize = 60;

/// True when every word of the query is in `text` (case-insensitively).
pub fn matches(words: &[String], text: &str) -> bool {
    let text = text.to_lowercase();
    !words.is_empty() && words.iter().all(|w| text.contains(w.as_str()))
}

/// The query's words, lower-cased.
pub fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// Up to `SNIPPET` characters either side of the first word's first match.
pub fn snippet(text: &str, first: &str) -> String {
    let lower: Vec<char> = text.to_lowercase().chars().collect();
    let chars: Vec<char> = text.chars().collect();
    let needle: Vec<char> = first.chars().collect();
    // Lower-casing can change lengths (rarely): then fall back to the start.
    let at = if lower.len() == chars.len() && !needle.is_empty() {
        lower
            .windows(needle.len())
            .position(|w| w == needle.as_slice())
            .unwrap_or(0)
    } else {
        0
    };
    let start = at.saturating_sub(SNIPPET);
    let end = (at + needle.len() + SNIPPET).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Folds a conversation's messages (oldest first, opened) into searchable entries, newest
/// first: edits by their sender replace the text, a delete by their sender takes it out,
/// everything else that is not words is left out. Events find their message by its
/// sender and client id (or, sealed before targets were signed, its server id).
pub fn fold(opened: Vec<(MessageId, UserId, ClientMsgId, i64, MessageContent)>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_id: HashMap<MessageId, usize> = HashMap::new();
    let mut by_ref: HashMap<(UserId, ClientMsgId), usize> = HashMap::new();
    let mut deleted = std::collections::HashSet::new();
    for (id, sender, client_id, at, content) in opened {
        let target = content.target().and_then(|t| match t {
            Target::Message { sender, client_id } => by_ref.get(&(sender, client_id)).copied(),
            Target::Legacy(id) => by_id.get(&id).copied(),
        });
        let text = match content {
            MessageContent::Text { text } | MessageContent::Reply { text, .. } => text,
            MessageContent::File(meta) => meta.name,
            // A call's line has no words of anyone's to find.
            MessageContent::Call { .. } => continue,
            MessageContent::Edit { text, .. } => {
                if let Some(e) = target.and_then(|i| entries.get_mut(i))
                    && e.sender == sender
                {
                    e.text = text;
                }
                continue;
            }
            MessageContent::Delete { .. } => {
                if let Some(i) =
                    target.filter(|&i| entries.get(i).is_some_and(|e| e.sender == sender))
                {
                    deleted.insert(i);
                }
                continue;
            }
            MessageContent::React { .. } => continue,
        };
        by_id.insert(id, entries.len());
        by_ref.insert((sender, client_id), entries.len());
        entries.push(Entry {
            id,
            sender,
            at,
            text,
        });
    }
    let mut entries: Vec<Entry> = entries
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !deleted.contains(i))
        .map(|(_, e)| e)
        .collect();
    entries.reverse();
    entries
}

impl Chat {
    /// A conversation's messages as text: fetched and opened the first time, then kept.
    async fn texts(&self, conv: ConversationId) -> Result<Rc<Vec<Entry>>, ApiError> {
        if let Some(e) = self.search_index.with_value(|i| i.get(&conv).cloned()) {
            return Ok(e);
        }
        let group = self.is_group(conv);
        if group
            && self
                .keys
                .groups
                .with_value(|g| g.as_ref().is_some_and(|g| g.get(conv).is_none()))
        {
            self.load_group(conv).await;
        }
        // Anything that changes a conversation forgets its text; text read across such a
        // change is used this once but not kept.
        let generation = self.search_generation.get_value();
        let mut all = Vec::new();
        let mut before = None;
        loop {
            let page = api::history(conv, before).await.answered()?;
            before = page.messages.last().map(|m| m.id);
            all.extend(page.messages);
            if !page.more || before.is_none() {
                break;
            }
        }
        all.reverse();
        let mut unreadable = false;
        let opened = all
            .iter()
            // Deleted ones are empty; unreadable ones are not searched.
            .filter(|m| !m.envelope.is_empty())
            .filter_map(|m| match self.decode(group, m) {
                (content, false) => Some((m.id, m.sender, m.client_id, m.at, content)),
                (_, true) => {
                    unreadable = true;
                    None
                }
            })
            .collect();
        let entries = Rc::new(fold(opened));
        // Keys arriving later may open what could not be read: then read it again.
        if !unreadable && self.search_generation.get_value() == generation {
            self.search_index.update_value(|i| {
                i.insert(conv, entries.clone());
            });
        }
        Ok(entries)
    }

    /// Forgets a conversation's searchable text (it changed).
    pub(super) fn forget_texts(&self, conv: ConversationId) {
        self.search_generation.update_value(|g| *g += 1);
        self.search_index.update_value(|i| {
            i.remove(&conv);
        });
    }

    /// The name a conversation goes by.
    fn place(&self, conv: ConversationId) -> String {
        self.list.conversations.with_untracked(|cs| {
            cs.iter()
                .find(|c| c.id == conv)
                .map(|c| match (&c.group, &c.peer) {
                    (Some(g), _) => g.name.clone(),
                    (None, Some(p)) => p.display_name.clone(),
                    _ => String::new(),
                })
                .unwrap_or_default()
        })
    }

    /// Searches one conversation, or all of them; the matches land in `search.hits`.
    pub fn search(&self, query: String, only: Option<ConversationId>) {
        let words = words(&query);
        let s = self.search;
        // A newer search (or none) takes over from one still running.
        let run = s.run.get_untracked() + 1;
        s.run.set(run);
        if words.is_empty() {
            s.hits.set(Vec::new());
            s.done.set(false);
            s.busy.set(false);
            return;
        }
        s.busy.set(true);
        let convs: Vec<ConversationId> = match only {
            Some(c) => vec![c],
            None => self
                .list
                .conversations
                .with_untracked(|cs| cs.iter().map(|c| c.id).collect()),
        };
        let this = *self;
        spawn_local(async move {
            let mut hits = Vec::new();
            for conv in convs {
                let entries = match this.texts(conv).await {
                    Ok(e) => e,
                    Err(e) => {
                        this.report(e);
                        continue;
                    }
                };
                if s.run.get_untracked() != run {
                    return; // a newer search took over
                }
                let place = this.place(conv);
                hits.extend(
                    entries
                        .iter()
                        .filter(|e| matches(&words, &e.text))
                        .map(|e| Hit {
                            conversation: conv,
                            message: e.id,
                            place: place.clone(),
                            sender: this.name_of(&e.sender),
                            at: e.at,
                            snippet: snippet(&e.text, &words[0]),
                        }),
                );
            }
            hits.sort_by_key(|h| std::cmp::Reverse(h.message));
            hits.truncate(MAX_HITS);
            s.hits.set(hits);
            s.busy.set(false);
            s.done.set(true);
        });
    }

    /// Opens the search panel, for the open conversation or all, with the cursor in it.
    pub fn open_search(&self, here: bool) {
        self.search
            .here
            .set(here && self.list.current.get_untracked().is_some());
        self.search.open.set(true);
        spawn_local(async {
            browser::sleep(0).await;
            browser::focus("input[aria-label='Words to find']");
        });
    }

    /// Opens a conversation at a message: older pages load until it is there.
    pub fn jump_to(&self, conv: ConversationId, message: MessageId) {
        self.thread.jump.set_value(Some((conv, message)));
        if self.list.current.get_untracked() == Some(conv) {
            self.continue_jump();
        } else {
            self.select(conv);
        }
    }

    /// Called whenever history arrived: shows the message jumped to, or loads more.
    pub(super) fn continue_jump(&self) {
        let Some((conv, target)) = self.thread.jump.get_value() else {
            return;
        };
        if self.list.current.get_untracked() != Some(conv) {
            // The user went elsewhere meanwhile.
            self.thread.jump.set_value(None);
        } else if self
            .thread
            .raw
            .with_value(|r| r.iter().any(|m| m.id == target))
        {
            self.thread.jump.set_value(None);
            spawn_local(async move {
                // Once the lines are drawn.
                browser::sleep(60).await;
                browser::reveal(&format!(".message[data-id=\"{}\"]", target.0));
            });
        } else if self.thread.more.get_untracked() {
            self.load_older();
        } else {
            self.thread.jump.set_value(None);
        }
    }
}

#[component]
pub fn SearchPanel() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.search;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let only = if s.here.get_untracked() {
            chat.list.current.get_untracked()
        } else {
            None
        };
        chat.search(s.query.get_untracked(), only);
    };
    let close = move |_| {
        s.open.set(false);
        chat.focus_composer();
    };
    view! {
        <section class="search-panel" role="search" aria-label="Search messages">
            <form on:submit=submit>
                <input type="search" placeholder="Search messages (Ctrl+K)" aria-label="Words to find" bind:value=s.query
                    on:keydown=move |ev| if ev.key() == "Escape" { s.open.set(false); chat.focus_composer(); }/>
                <select aria-label="Where" on:change=move |ev| s.here.set(event_target_value(&ev) == "here")
                    prop:value=move || if s.here.get() { "here" } else { "all" }>
                    <option value="all">"All conversations"</option>
                    <option value="here" disabled=move || chat.list.current.get().is_none()>"This conversation"</option>
                </select>
                <button type="submit">"Find"</button>
                <button type="button" class="ghost" aria-label="Close search" on:click=close>"×"</button>
            </form>
            <p class="hint" role="status">{move || {
                if s.busy.get() {
                    "Searching… (messages are decrypted here, in this browser)".to_string()
                } else if s.done.get() {
                    match s.hits.with(Vec::len) {
                        0 => "No messages match.".to_string(),
                        1 => "1 message".to_string(),
                        n => format!("{n} messages"),
                    }
                } else {
                    String::new()
                }
            }}</p>
            <ul class="hits">
                <For each=move || s.hits.get() key=|h| (h.conversation, h.message) let:h>
                    <li>
                        <button class="ghost hit" on:click=move |_| {
                            chat.jump_to(h.conversation, h.message);
                            if browser::narrow() {
                                s.open.set(false);
                            }
                        }>
                            <span class="hit-place">{h.place.clone()}</span>
                            <span class="hint">{h.sender.clone()}" · "{when(h.at)}</span>
                            <span class="hit-text">{h.snippet.clone()}</span>
                        </button>
                    </li>
                </For>
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match_in_any_case() {
        let w = words("Lab  MEETING");
        assert!(matches(&w, "the meeting in the lab"));
        assert!(!matches(&w, "the meeting"));
        assert!(!matches(&[], "anything"));
    }

    #[test]
    fn snippets_cut_around_the_match() {
        let long = format!("{}needle{}", "a".repeat(100), "b".repeat(100));
        let s = snippet(&long, "needle");
        assert!(
            s.starts_with('…') && s.ends_with('…') && s.contains("needle"),
            "{s}"
        );
        assert_eq!(snippet("short needle", "needle"), "short needle");
    }

    #[test]
    fn edits_by_the_sender_replace_the_text_and_reactions_are_left_out() {
        let (a, b) = (UserId([1; 16]), UserId([2; 16]));
        let c = |n: u8| ClientMsgId([n; 16]);
        let first = Target::Message {
            sender: a,
            client_id: c(1),
        };
        let text = |t: &str| MessageContent::Text { text: t.into() };
        let entries = fold(vec![
            (MessageId(1), a, c(1), 1, text("first draft")),
            (
                MessageId(2),
                b,
                c(2),
                2,
                MessageContent::Edit {
                    target: first,
                    text: "forged".into(),
                },
            ),
            (
                MessageId(3),
                a,
                c(3),
                3,
                MessageContent::Edit {
                    target: first,
                    text: "final words".into(),
                },
            ),
            (
                MessageId(4),
                b,
                c(4),
                4,
                MessageContent::React {
                    target: first,
                    emoji: "👍".into(),
                    on: true,
                },
            ),
            (
                MessageId(5),
                b,
                c(5),
                5,
                MessageContent::Reply {
                    target: first,
                    text: "agreed".into(),
                },
            ),
            // From before targets were signed: by server id.
            (
                MessageId(6),
                b,
                c(6),
                6,
                MessageContent::Edit {
                    target: Target::Legacy(MessageId(5)),
                    text: "agreed, mostly".into(),
                },
            ),
        ]);
        let got: Vec<_> = entries.iter().map(|e| (e.id.0, e.text.as_str())).collect();
        assert_eq!(got, [(5, "agreed, mostly"), (1, "final words")]);
    }

    #[test]
    fn a_delete_by_its_sender_takes_the_words_out() {
        let (a, b) = (UserId([1; 16]), UserId([2; 16]));
        let c = |n: u8| ClientMsgId([n; 16]);
        let t = |sender, n| Target::Message {
            sender,
            client_id: c(n),
        };
        let text = |t: &str| MessageContent::Text { text: t.into() };
        let entries = fold(vec![
            (MessageId(1), a, c(1), 1, text("secret plans")),
            (MessageId(2), b, c(2), 2, text("bob's words")),
            (
                MessageId(3),
                a,
                c(3),
                3,
                MessageContent::Delete { target: t(a, 1) },
            ),
            // Not bob's to delete.
            (
                MessageId(4),
                b,
                c(4),
                4,
                MessageContent::Delete { target: t(a, 1) },
            ),
            (
                MessageId(5),
                a,
                c(5),
                5,
                MessageContent::Delete { target: t(b, 2) },
            ),
        ]);
        let got: Vec<_> = entries.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(got, ["bob's words"]);
    }
}
