//! The chat page's components.

use super::Chat;
use super::emoji::{EmojiPicker, Suggestions};
use super::files::{ImageViewer, Uploads};
use super::group_view::{GroupMembers, JoinGroup, NewGroup};
use super::message::{ComposerContext, MessageLine};
use super::state::Panel;
use crate::KeyringSignal;
use crate::client::browser;
use leptos::html;
use leptos::prelude::*;
use protocol::api::Person;
use protocol::crypto::safety;

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

/// A stable hue per person, so avatars are told apart at a glance.
fn hue(username: &str) -> u32 {
    username
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 360
}

#[component]
fn Avatar(person: Person) -> impl IntoView {
    let style = format!("--hue: {}", hue(&person.username));
    view! {
        <span class="avatar" style=style aria-hidden="true">
            {initials(&person.display_name)}
        </span>
    }
}

/// The safety number as a QR code (SVG), for comparing by scanning.
fn safety_qr(digits: &str) -> String {
    qrcode::QrCode::new(format!("hearth-safety:1:{digits}"))
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(150, 150)
                .dark_color(qrcode::render::svg::Color("#1f1a17"))
                .light_color(qrcode::render::svg::Color("#ffffff"))
                .build()
        })
        .unwrap_or_default()
}

#[component]
pub fn Sidebar() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let ring = expect_context::<KeyringSignal>();
    let search = RwSignal::new(String::new());
    let logout = move |_| chat.logout();
    let me = move || {
        ring.get()
            .map(|r| r.me.display_name.clone())
            .unwrap_or_default()
    };
    let matches = move |p: &Person| {
        let q = search.get().to_lowercase();
        q.is_empty() || p.display_name.to_lowercase().contains(&q) || p.username.contains(&q)
    };
    view! {
        <aside class="sidebar">
            <header class="me">
                <span class="brand small">"Hearth"</span>
                <span class="status" class:online=move || chat.connection.connected.get()
                    title=move || if chat.connection.connected.get() { "Connected" } else { "Reconnecting…" }></span>
                <span class="name">{me}</span>
                <super::attention::AttentionSwitches/>
                <button class="ghost logout" aria-label="Log out" title="Log out" on:click=logout>
                    // Drawn, not a glyph: no font on the LAN is guaranteed to have one.
                    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor"
                        stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                        <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4"/>
                        <polyline points="16 17 21 12 16 7"/>
                        <line x1="21" y1="12" x2="9" y2="12"/>
                    </svg>
                </button>
            </header>
            <input class="search" type="search" placeholder="Search people" aria-label="Search people" bind:value=search/>
            <div class="group-actions">
                <button class="ghost small" on:click=move |_| chat.list.panel.set(Panel::NewGroup)>"New group"</button>
                <button class="ghost small" on:click=move |_| chat.list.panel.set(Panel::Join)>"Join with a code"</button>
                <button class="ghost small" on:click=move |_| chat.open_search(false)>"Find messages"</button>
            </div>
            <h2>"Conversations"</h2>
            <ul class="conversations">
                <For each=move || chat.list.conversations.get()
                    key=|c| (c.id, c.unread, c.peer.as_ref().map(|p| (p.online, p.away)), c.last_message,
                             c.group.as_ref().map(|g| (g.name.clone(), g.emoji.clone(), g.members)))
                    let:c>
                    {
                        let id = c.id;
                        let unread = c.unread;
                        let title = c.peer.as_ref().map(|p| p.display_name.clone())
                            .or_else(|| c.group.as_ref().map(|g| g.name.clone()))
                            .unwrap_or_default();
                        let shown = title.to_lowercase();
                        let avatar = match (&c.peer, &c.group) {
                            (Some(p), _) => view! { <Avatar person=p.clone()/><span class="dot" class:online=p.online class:away=p.away></span> }.into_any(),
                            (None, Some(g)) => view! { <span class="avatar emoji" aria-hidden="true">{g.emoji.clone()}</span> }.into_any(),
                            _ => ().into_any(),
                        };
                        view! {
                            <li class="conversation" class:active=move || chat.list.current.get() == Some(id)
                                data-id=id.0.to_string()
                                data-peer=c.peer.as_ref().map(|p| p.username.clone())
                                data-group=c.group.as_ref().map(|g| g.name.clone())
                                style:display=move || {
                                    let q = search.get().to_lowercase();
                                    if q.is_empty() || shown.contains(&q) { "" } else { "none" }
                                }>
                                <button on:click=move |_| chat.select(id)>
                                    {avatar}
                                    <span class="title">{title.clone()}</span>
                                    <Show when=move || { unread > 0 }>
                                        <span class="unread" aria-label="unread messages">{unread}</span>
                                    </Show>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <h2>"People"</h2>
            <ul class="people">
                <For each=move || chat.listed() key=|p| (p.id, p.online, p.away) let:p>
                    {
                        let id = p.id;
                        let shown = p.clone();
                        view! {
                            <li class="person" data-username=p.username.clone()
                                style:display=move || if matches(&shown) { "" } else { "none" }>
                                <button on:click=move |_| chat.open_with(id)>
                                    <Avatar person=p.clone()/>
                                    <span class="dot" class:online=p.online class:away=p.away></span>
                                    <span class="title">{p.display_name.clone()}</span>
                                    <span class="handle">"@"{p.username.clone()}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || chat.listed().is_empty()>
                <p class="empty">"Nobody else is here yet. Share this page's address with the people on your network."</p>
            </Show>
            <Account/>
        </aside>
    }
    .into_any()
}

#[component]
pub fn Thread() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let ring = expect_context::<KeyringSignal>();
    let show_safety = RwSignal::new(false);
    let list: NodeRef<html::Div> = NodeRef::new();
    let group = move || {
        let id = chat.list.current.get()?;
        chat.list
            .conversations
            .with(|cs| cs.iter().find(|c| c.id == id).and_then(|c| c.group.clone()))
    };
    let form_open =
        Memo::new(move |_| matches!(chat.list.panel.get(), Panel::NewGroup | Panel::Join));
    let draft = chat.composer.draft;
    let dropping = RwSignal::new(false);
    let peer = move || {
        let id = chat.list.current.get()?;
        let peer_id = chat.list.conversations.with(|cs| {
            cs.iter()
                .find(|c| c.id == id)
                .and_then(|c| c.peer.as_ref().map(|p| p.id))
        })?;
        chat.list
            .people
            .with(|ps| ps.iter().find(|p| p.id == peer_id).cloned())
    };
    // The safety number of this conversation, only for a peer whose identity verifies.
    let safety = move || {
        let (mine, theirs) = (ring.get()?.identity.clone(), peer()?.identity);
        (theirs.verify().is_ok() && theirs.user == peer()?.id)
            .then(|| safety::groups(&safety::safety_number(&mine, &theirs)))
    };
    Effect::new(move |_| {
        chat.list.current.track();
        show_safety.set(false);
    });
    Effect::new(move |_| {
        chat.thread.scroll_to_end.track();
        if let Some(el) = list.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let send = move || {
        if chat.send(draft.get_untracked()) {
            draft.set(String::new());
        }
    };
    let emoji_open = RwSignal::new(false);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let enter = ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing();
        // A `:shortcode` being typed takes the first suggestion first.
        if (enter || ev.key() == "Tab")
            && (super::emoji::accept_suggestion(draft, None)
                || super::mention::accept_mention(&chat, None))
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
    let keep_focus = super::keep_focus::keep(list, move || chat.thread.lines.track());
    let on_scroll = move |_| {
        if list.get().is_some_and(|el| el.scroll_top() < 80) {
            chat.load_older();
        }
    };
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
                    {move || chat.error.get().map(|e| view! {
                        <p class="error" role="alert">{e}<button class="ghost" on:click=move |_| chat.error.set(None)>"×"</button></p>
                    })}
                    <p class="hint">"Messages are encrypted on this device before they are sent."</p></div> }>
                <Show when=move || !form_open.get()>
                <header class="thread-head">
                    <button class="ghost back" on:click=move |_| chat.list.current.set(None) aria-label="Back">"‹"</button>
                    {move || group().map(|g| view! {
                        <span class="avatar emoji" aria-hidden="true">{g.emoji.clone()}</span>
                        <span class="title">{g.name.clone()}</span>
                        <button class="ghost presence" aria-expanded=move || (chat.list.panel.get() == Panel::Members).to_string()
                            on:click=move |_| chat.list.panel.update(|p| *p = if *p == Panel::Members { Panel::None } else { Panel::Members })>
                            {format!("{} members", g.members)}
                        </button>
                    })}
                    {move || peer().map(|p| view! {
                        <Avatar person=p.clone()/>
                        <div class="who">
                            <span class="title">{p.display_name.clone()}
                                <Show when=move || peer().is_some_and(|p| chat.is_verified(&p))>
                                    " "<span class="badge" title="You compared safety numbers">"✓ Verified"</span>
                                </Show>
                            </span>
                            <span class="presence">{super::message::presence(&p)}</span>
                        </div>
                    })}
                    <button class="ghost find" aria-label="Find in this conversation" title="Find in this conversation"
                        on:click=move |_| chat.open_search(true)><span class="i i-search" aria-hidden="true"></span></button>
                    <Show when=move || group().is_none()>
                        <button class="ghost safety-toggle" aria-expanded=move || show_safety.get().to_string()
                            on:click=move |_| show_safety.update(|s| *s = !*s)>
                            <span class="i i-lock" aria-hidden="true"></span><span class="label">"Safety number"</span>
                        </button>
                    </Show>
                </header>
                <Show when=move || chat.list.panel.get() == Panel::Members><GroupMembers/></Show>
                <Show when=move || chat.list.group_view.with(|g| g.as_ref().is_some_and(|g| g.waiting))>
                    <div class="keychange" role="status"><p>"🔒 Waiting for keys: another member's browser hands them over when it comes online."</p></div>
                </Show>
                {move || chat.list.group_view.with(|g| g.as_ref().filter(|g| !g.bad_wrappers.is_empty()).map(|g| {
                    let who = g.bad_wrappers.join(", ");
                    view! {
                        <div class="keychange bad-keys" role="alert"><p>
                            {format!("⚠ {who} handed you a key for this group that did not open. It was thrown away,                                       and they cannot hand you that key again; another member does.                                       If it keeps happening, tell the group's admins.")}
                        </p></div>
                    }
                }))}
                <Show when=move || show_safety.get()>
                    <div class="safety" role="region" aria-label="Safety number">
                        <p>"Compare these numbers with "
                            {move || peer().map(|p| p.display_name).unwrap_or_default()}
                            ", in person or on a call. If they match, nobody sits between you."</p>
                        {move || match safety() {
                            Some(groups) => {
                                let qr = safety_qr(&groups.concat());
                                view! {
                                    <div class="safety-body">
                                        <ol class="digits">{groups.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ol>
                                        // Our own SVG of digits only: nothing a person typed goes in here.
                                        <div class="qr" role="img" aria-label="Safety number as a QR code" inner_html=qr></div>
                                    </div>
                                }.into_any()
                            }
                            None => view! { <p class="error">"This person's keys do not verify: do not trust this conversation."</p> }.into_any(),
                        }}
                        {move || peer().map(|p| {
                            let verified = chat.is_verified(&p);
                            let label = if verified { "Remove verification" } else { "Numbers match: mark as verified" };
                            view! { <button class="ghost" on:click=move |_| chat.set_verified(&p, !verified)>{label}</button> }
                        })}
                    </div>
                </Show>
                {move || {
                    let p = peer()?;
                    chat.keys.changed.with(|c| c.contains_key(&p.id)).then(|| view! {
                        <div class="keychange" role="alert">
                            <p><strong>{p.display_name.clone()}"'s security keys changed."</strong>
                               " That happens when someone makes new keys or their account is reset, "
                               "and also when someone listens in between. Compare safety numbers again."</p>
                            <button class="ghost" on:click=move |_| chat.set_verified(&p, false)>"Accept the new keys"</button>
                        </div>
                    })
                }}
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
                {move || chat.error.get().map(|e| view! {
                    <p class="error" role="alert">{e}<button class="ghost" on:click=move |_| chat.error.set(None)>"×"</button></p>
                })}
                {move || chat.notice.get().map(|n| view! {
                    <div class="notice" role="status" aria-label="Command output">
                        <p>{n}</p>
                        <button class="ghost" aria-label="Close" on:click=move |_| chat.notice.set(None)>"×"</button>
                    </div>
                })}
                {move || chat.typing_line().map(|t| view! { <p class="typing" role="status">{t}</p> })}
                <Uploads/>
                <ComposerContext/>
                <Suggestions draft/>
                <super::mention::MentionSuggestions/>
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
                    <button type="submit" aria-label="Send">"Send"</button>
                </form>
                </Show>
            </Show>
        </section>
    }
    .into_any()
}

/// Account actions at the foot of the sidebar.
#[component]
fn Account() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let details = NodeRef::<leptos::html::Details>::new();
    let open = RwSignal::new(false);
    let admin = move || {
        chat.me.track();
        chat.keys
            .ring
            .with_value(|r| r.as_ref().is_some_and(|r| r.me.is_admin))
    };
    view! {
        <details class="account" node_ref=details
            on:toggle=move |_| open.set(details.get().is_some_and(|d| d.open()))>
            <summary>"Account"</summary>
            <Show when=admin>
                <leptos_router::components::A href="/admin" attr:class="admin-link">"Admin panel"</leptos_router::components::A>
            </Show>
            <super::sessions::Sessions open=open.into()/>
            <ChangePassword/>
            <super::two_step::TwoStep/>
            <RotateKeys/>
        </details>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let (current, new, repeat) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if new.get_untracked() != repeat.get_untracked() {
            done.set(Some(Err("The two new passwords differ.".into())));
            return;
        }
        chat.change_password(current.get_untracked(), new.get_untracked(), busy, done);
    };
    view! {
        <form aria-label="Change password" on:submit=submit>
            <h3>"Change password"</h3>
            <label>"Current password"
                <input type="password" autocomplete="current-password" required bind:value=current/>
            </label>
            <label>"New password"
                <input type="password" autocomplete="new-password" required bind:value=new/>
            </label>
            <label>"Repeat new password"
                <input type="password" autocomplete="new-password" required bind:value=repeat/>
            </label>
            {move || done.get().map(|r| match r {
                Ok(()) => view! { <p class="ok" role="status">"Password changed. Your other sessions were logged out."</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            })}
            <button type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "Changing…" } else { "Change password" }}
            </button>
        </form>
    }
}

#[component]
fn RotateKeys() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // The old recovery key held the old keys; the new one is shown once, then the page
    // reloads with the new keys.
    let recovery = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !busy.get_untracked() {
            chat.rotate_keys(password.get_untracked(), busy, recovery);
        }
    };
    view! {
        {move || recovery.get().map(|key| view! {
            <div class="modal" role="dialog" aria-modal="true" aria-label="Your new recovery key">
                <div class="card">
                    <h2>"Your new recovery key"</h2>
                    <p>"Your old recovery key held your old keys, so it no longer works. This one replaces it: "
                        "write it down or save it somewhere safe. It is shown only now."</p>
                    <p class="recovery-key">{key.clone()}</p>
                    <div class="row">
                        <a class="ghost download" download="hearth-recovery-key.txt"
                            href=format!("data:text/plain;charset=utf-8,{key}")>"Download as a file"</a>
                        <button type="button" on:click=move |_| browser::reload()>"I have saved it"</button>
                    </div>
                </div>
            </div>
        })}
        <form aria-label="New security keys" on:submit=submit>
            <h3>"New security keys"</h3>
            <p class="hint">"Everyone you talk to sees that your keys changed and "
                "should compare safety numbers again. Older messages can no longer be decrypted."</p>
            <label>"Password"
                <input type="password" autocomplete="current-password" required bind:value=password/>
            </label>
            <button type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "Making new keys…" } else { "Make new security keys" }}
            </button>
        </form>
    }
}
