//! The sidebar: who is here, the conversations, and the account menu at its foot (the
//! open conversation is `conversation`).

use super::Chat;
use super::state::Panel;
use crate::KeyringSignal;
use crate::client::browser;
use leptos::prelude::*;
use protocol::api::Person;

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
pub(super) fn Avatar(person: Person) -> impl IntoView {
    let style = format!("--hue: {}", hue(&person.username));
    view! {
        <span class="avatar" style=style aria-hidden="true">
            {initials(&person.display_name)}
        </span>
    }
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
