//! The top of the open conversation: who or which group it is, and what the person must
//! know about its keys (a group's keys not here yet or refused, a peer's keys changed,
//! the safety number to compare).

use super::super::Chat;
use super::super::state::Panel;
use super::super::view::Avatar;
use crate::KeyringSignal;
use leptos::prelude::*;
use protocol::api::{GroupSummary, Person};
use protocol::crypto::safety;

impl Chat {
    /// The open conversation's group, if it is one.
    fn open_group(&self) -> Option<GroupSummary> {
        let id = self.list.current.get()?;
        self.list
            .conversations
            .with(|cs| cs.iter().find(|c| c.id == id).and_then(|c| c.group.clone()))
    }

    /// The person at the other end of the open conversation, if it is a direct one.
    fn open_peer(&self) -> Option<Person> {
        let id = self.list.current.get()?;
        let peer_id = self.list.conversations.with(|cs| {
            cs.iter()
                .find(|c| c.id == id)
                .and_then(|c| c.peer.as_ref().map(|p| p.id))
        })?;
        self.list
            .people
            .with(|ps| ps.iter().find(|p| p.id == peer_id).cloned())
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
pub(super) fn ThreadHead(show_safety: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let group = move || chat.open_group();
    let peer = move || chat.open_peer();
    view! {
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
                    <span class="presence">{super::super::message::presence(&p)}</span>
                </div>
            })}
            <Show when=move || peer().is_some()>
                <super::super::call::CallButtons/>
            </Show>
            <button class="ghost find" aria-label="Find in this conversation" title="Find in this conversation"
                on:click=move |_| chat.open_search(true)><span class="i i-search" aria-hidden="true"></span></button>
            <Show when=move || group().is_none()>
                <button class="ghost safety-toggle" aria-expanded=move || show_safety.get().to_string()
                    on:click=move |_| show_safety.update(|s| *s = !*s)>
                    <span class="i i-lock" aria-hidden="true"></span><span class="label">"Safety number"</span>
                </button>
            </Show>
        </header>
    }
}

/// A group whose newest key has not arrived, or that someone handed a key that did not
/// open.
#[component]
pub(super) fn GroupKeyWarnings() -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! {
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
    }
}

/// The safety number of a direct conversation, to compare in person, and the mark that
/// says it was.
#[component]
pub(super) fn SafetyNumber() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let ring = expect_context::<KeyringSignal>();
    let peer = move || chat.open_peer();
    // Only for a peer whose identity verifies.
    let safety = move || {
        let (mine, theirs) = (ring.get()?.identity.clone(), peer()?.identity);
        (theirs.verify().is_ok() && theirs.user == peer()?.id)
            .then(|| safety::groups(&safety::safety_number(&mine, &theirs)))
    };
    view! {
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
    }
}

/// The peer's keys changed since they were pinned.
#[component]
pub(super) fn KeysChanged() -> impl IntoView {
    let chat = expect_context::<Chat>();
    move || {
        let p = chat.open_peer()?;
        chat.keys.changed.with(|c| c.contains_key(&p.id)).then(|| view! {
            <div class="keychange" role="alert">
                <p><strong>{p.display_name.clone()}"'s security keys changed."</strong>
                   " That happens when someone makes new keys or their account is reset, "
                   "and also when someone listens in between. Compare safety numbers again."</p>
                <button class="ghost" on:click=move |_| chat.set_verified(&p, false)>"Accept the new keys"</button>
            </div>
        })
    }
}
