//! One message in the thread: who wrote it, what it answers, its text or file, its
//! reactions, and what can be done with it (react, reply, edit, delete).

use super::emoji::EmojiPicker;
use super::files::Attachment;
use super::state::{Chat, Line};
use leptos::prelude::*;
use std::hash::{Hash, Hasher};

/// The reactions offered at a click (any emoji can still come from others).
pub const QUICK_REACTIONS: [&str; 6] = ["👍", "❤️", "😂", "😮", "😢", "🎉"];

impl Line {
    /// What `<For>` keys a line by: it is drawn again whenever what it shows changes.
    pub fn key(&self) -> (protocol::ClientMsgId, u64) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            self.id,
            self.pending,
            self.warn,
            &self.text,
            self.edited,
            self.deleted,
        )
            .hash(&mut h);
        (
            &self.reactions,
            &self.reply,
            &self.sender,
            &self.seen_by,
            &self.edits,
        )
            .hash(&mut h);
        (self.continued, self.mentions_me).hash(&mut h);
        (self.client_id, h.finish())
    }
}

/// A message's text with its light formatting, as elements: nothing typed becomes markup.
fn formatted(text: &str) -> impl IntoView + use<> {
    use crate::client::format::{Span, spans};
    spans(text)
        .into_iter()
        .map(|s| match s {
            Span::Plain(t) => t.into_any(),
            Span::Bold(t) => view! { <strong>{t}</strong> }.into_any(),
            Span::Italic(t) => view! { <em>{t}</em> }.into_any(),
            Span::Code(t) => view! { <code>{t}</code> }.into_any(),
            Span::CodeBlock(t) => view! { <pre><code>{t}</code></pre> }.into_any(),
            Span::Link(url) => {
                let href = url.clone();
                view! { <a href=href target="_blank" rel="noopener noreferrer nofollow">{url}</a> }
                    .into_any()
            }
            Span::Mention(name) => view! { <span class="mention">"@"{name}</span> }.into_any(),
        })
        .collect_view()
}

/// How long after a sender's message the next one still joins it.
const RUN_MS: i64 = 5 * 60 * 1000;

/// Orders the thread for reading: a separator where the day changes, and runs of one
/// sender's messages marked so they show as one block.
pub fn arrange(lines: Vec<Line>, me: Option<protocol::UserId>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len() + 4);
    let mut day = None;
    for mut l in lines {
        let d = day_of(l.at);
        // Only forward: a pending line stamped by a skewed clock does not start a day again.
        if day.is_none_or(|last| d > last) {
            day = Some(d);
            let mut id = [0xdd; 16];
            id[8..].copy_from_slice(&(d as u64).to_be_bytes());
            out.push(Line {
                client_id: protocol::ClientMsgId(id),
                text: day_label(l.at),
                at: l.at,
                event: true,
                day: true,
                ..Line::blank()
            });
        }
        let who = |l: &Line| if l.mine { me } else { l.from };
        l.continued = false;
        if let Some(prev) = out.last().filter(|p| !p.event && !l.event) {
            l.continued = who(prev) == who(&l) && l.at - prev.at < RUN_MS && !prev.deleted;
        }
        out.push(l);
    }
    out
}

/// A day number in the browser's time zone (days since 1970 there).
fn day_of(at: i64) -> i64 {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        let offset_ms = (d.get_timezone_offset() * 60_000.0) as i64;
        (at - offset_ms).div_euclid(86_400_000)
    }
    #[cfg(not(feature = "hydrate"))]
    at.div_euclid(86_400_000)
}

/// "Today", "Yesterday", or the date ("Friday 27 November", with the year if another).
fn day_label(at: i64) -> String {
    let now = crate::client::browser::now_ms();
    match day_of(now) - day_of(at) {
        0 => return "Today".into(),
        1 => return "Yesterday".into(),
        _ => {}
    }
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        let options = js_sys::Object::new();
        for (k, v) in [("weekday", "long"), ("day", "numeric"), ("month", "long")] {
            let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
        }
        let this_year = js_sys::Date::new_0().get_full_year() == d.get_full_year();
        if !this_year {
            let _ = js_sys::Reflect::set(&options, &"year".into(), &"numeric".into());
        }
        d.to_locale_date_string("default", &options).into()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// "Ann, Ben and Cat", or "Ann, Ben and 12 others" for a crowd (the whole list is in the
/// tooltip).
fn some_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b} and {c}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} others", rest.len()),
    }
}

/// Someone's presence in words: "online", "away", "last seen 14:05", "offline".
pub fn presence(p: &protocol::api::Person) -> String {
    match (p.online, p.away, p.last_seen) {
        (true, false, _) => "online".into(),
        (true, true, _) => "away".into(),
        (false, _, Some(at)) => format!("last seen {}", when(at)),
        (false, _, None) => "offline".into(),
    }
}

/// A moment: its time today, else also its day ("27 Nov 14:05").
pub fn when(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        let today = js_sys::Date::new_0();
        let same_day = d.get_date() == today.get_date()
            && d.get_month() == today.get_month()
            && d.get_full_year() == today.get_full_year();
        if same_day {
            return clock(at);
        }
        let month = MONTHS.get(d.get_month() as usize).copied().unwrap_or("");
        format!("{} {month} {}", d.get_date(), clock(at))
    }
    #[cfg(not(feature = "hydrate"))]
    clock(at)
}

/// Hours and minutes in the browser's time zone (empty on the server, which renders no
/// messages).
pub fn clock(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at;
        String::new()
    }
}

#[component]
pub fn MessageLine(l: Line) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let picking = RwSignal::new(false);
    let more = RwSignal::new(false);
    let actionable = l.id.is_some() && !l.pending && !l.warn && !l.deleted;
    let id = l.id;
    let reactions = l.reactions.clone();
    let editable = l.mine && l.file.is_none();
    let line = StoredValue::new(l.clone());
    let react = move |emoji: String| {
        if let Some(id) = id {
            chat.react(id, emoji);
        }
        picking.set(false);
    };
    view! {
        <div class="message" class:mine=l.mine class:pending=l.pending class:warn=l.warn
            class:deleted=l.deleted class:has-file=l.file.is_some()
            class:continued=l.continued class:mentions-me=l.mentions_me
            data-id=l.id.map(|i| i.0.to_string()) data-line=l.client_id.to_hex()
            // Focusable, so the keyboard reaches its actions (shown while focus is inside).
            tabindex=actionable.then_some("0") role="article"
            aria-label=format!("{} at {}", l.from.map(|u| chat.name_of(&u)).unwrap_or_default(), clock(l.at))>
            {l.sender.clone().filter(|_| !l.continued).map(|s| view! { <span class="sender">{s}</span> })}
            {l.reply.clone().map(|q| view! {
                <blockquote class="quote">
                    <span class="quote-name">{q.name}</span>
                    <span class="quote-text">{q.text}</span>
                </blockquote>
            })}
            {match l.file.clone() {
                Some(meta) if !l.deleted => view! { <Attachment meta/> }.into_any(),
                _ if l.warn || l.deleted => view! { <div class="text">{l.text.clone()}</div> }.into_any(),
                _ => view! { <div class="text">{formatted(&l.text)}</div> }.into_any(),
            }}
            <Show when=move || !reactions.is_empty()>
                <ul class="reactions" aria-label="Reactions">
                    {line.with_value(|l| l.reactions.clone()).into_iter().map(|r| {
                        let emoji = r.emoji.clone();
                        view! {
                            <li><button type="button" class="reaction" class:mine=r.mine
                                aria-pressed=r.mine.to_string() title=r.who.clone()
                                aria-label=format!("{} {}: {}", r.emoji, r.count, r.who)
                                on:click=move |_| react(emoji.clone())>
                                <span class="emoji">{r.emoji.clone()}</span>" "{r.count}
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <span class="time">
                {l.edited.then_some("edited · ")}
                {if l.pending { "sending…".to_string() } else { clock(l.at) }}
                {(!l.seen_by.is_empty()).then(|| view! {
                    <span class="seen" title=l.seen_by.join(", ")>
                        {if chat.list.current.get_untracked().is_some_and(|c| chat.is_group(c)) {
                            format!(" · Seen by {}", some_names(&l.seen_by))
                        } else {
                            " · Seen".to_string()
                        }}
                    </span>
                })}
            </span>
            <Show when=move || actionable>
                <div class="actions" role="toolbar" aria-label="Actions">
                    <button type="button" class="ghost" aria-label="React" aria-expanded=move || picking.get().to_string()
                        on:click=move |_| picking.update(|p| *p = !*p)><span class="i i-smile-plus" aria-hidden="true"></span></button>
                    <button type="button" class="ghost" aria-label="Reply"
                        on:click=move |_| { chat.composer.editing.set(None); chat.composer.reply_to.set(id); chat.focus_composer(); }><span class="i i-reply" aria-hidden="true"></span></button>
                    <Show when=move || editable>
                        <button type="button" class="ghost" aria-label="Edit"
                            on:click=move |_| line.with_value(|l| chat.start_edit(l))><span class="i i-pencil" aria-hidden="true"></span></button>
                    </Show>
                    <Show when=move || line.with_value(|l| l.mine)>
                        <button type="button" class="ghost" aria-label="Delete"
                            on:click=move |_| line.with_value(|l| chat.delete_message(l))><span class="i i-trash-2" aria-hidden="true"></span></button>
                    </Show>
                </div>
            </Show>
            <Show when=move || picking.get()>
                <div class="picker quick" role="group" aria-label="Pick a reaction">
                    {QUICK_REACTIONS.into_iter().map(|e| view! {
                        <button type="button" class="ghost" aria-label=format!("React with {e}")
                            on:click=move |_| react(e.to_string())>{e}</button>
                    }).collect_view()}
                    <button type="button" class="ghost" aria-label="More reactions" aria-expanded=move || more.get().to_string()
                        on:click=move |_| more.update(|m| *m = !*m)><span class="i i-plus" aria-hidden="true"></span></button>
                </div>
                <Show when=move || more.get()>
                    <EmojiPicker label="Pick a reaction" on_pick=move |e: String| { more.set(false); react(e) }/>
                </Show>
            </Show>
        </div>
    }
}

/// Above the composer: what the next send answers or changes, with a way out.
#[component]
pub fn ComposerContext() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let target = move || chat.composer.editing.get().or(chat.composer.reply_to.get());
    let describe = move || {
        let id = target()?;
        let editing = chat.composer.editing.get().is_some();
        chat.thread.lines.with(|ls| {
            let l = ls.iter().find(|l| l.id == Some(id))?;
            // In a direct conversation lines carry no sender label: name the person.
            let who = match (&l.sender, l.from) {
                _ if l.mine => "yourself".to_string(),
                (Some(s), _) => s.clone(),
                (None, Some(from)) => chat.name_of(&from),
                (None, None) => "this message".into(),
            };
            let snippet: String = l.text.chars().take(80).collect();
            Some(if editing {
                ("Editing your message".to_string(), snippet)
            } else {
                (format!("Replying to {who}"), snippet)
            })
        })
    };
    let cancel = move |_| chat.cancel_compose();
    view! {
        {move || describe().map(|(what, snippet)| view! {
            <div class="composer-context" role="status">
                <span><strong>{what}</strong>" "<span class="snippet">{snippet}</span></span>
                <button type="button" class="ghost" aria-label="Cancel" on:click=cancel>"×"</button>
            </div>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::some_names;

    #[test]
    fn crowds_are_counted() {
        let names = |n: usize| -> Vec<String> { (0..n).map(|i| format!("P{i}")).collect() };
        assert_eq!(some_names(&names(1)), "P0");
        assert_eq!(some_names(&names(2)), "P0 and P1");
        assert_eq!(some_names(&names(3)), "P0, P1 and P2");
        assert_eq!(some_names(&names(14)), "P0, P1 and 12 others");
    }
}
