//! Group panels: making a group, joining one, and a group's members and settings.

use super::state::{Chat, GroupView, MemberView, Panel};
use crate::client::browser;
use crate::client::group::JoinPreview;
use leptos::prelude::*;
use protocol::UserId;
use protocol::api::group::InviteInfo;
use protocol::crypto::group::{Action, Role, Settings};
use protocol::crypto::pins::Seen;
use std::collections::BTreeSet;

const QUICK_EMOJI: [&str; 12] = [
    "💬", "🏠", "🧪", "🎉", "📚", "⚽", "🎮", "🍕", "🎵", "💼", "🌱", "🚀",
];

/// One emoji: typed, pasted, or picked from a short row.
#[component]
fn EmojiField(value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="emoji-field">
            <label>"Emoji"<input class="emoji-input" aria-label="Group emoji" maxlength="16" bind:value=value/></label>
            <div class="emoji-row" role="group" aria-label="Pick an emoji">
                {QUICK_EMOJI.iter().map(|e| {
                    let e = e.to_string();
                    let pick = e.clone();
                    view! { <button type="button" class="ghost emoji" class:chosen=move || value.get() == pick
                        on:click={ let e = e.clone(); move |_| value.set(e.clone()) }>{e.clone()}</button> }
                }).collect_view()}
            </div>
        </div>
    }
}

/// A form panel's title bar, with a way back.
#[component]
fn PanelHead(title: &'static str) -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! {
        <header class="thread-head">
            <h2>{title}</h2>
            <button class="ghost close" on:click=move |_| chat.list.panel.set(Panel::None) aria-label="Close">"×"</button>
        </header>
    }
}

fn settings_from(
    name: RwSignal<String>,
    description: RwSignal<String>,
    emoji: RwSignal<String>,
    history: RwSignal<bool>,
    open: bool,
) -> Result<Settings, String> {
    let s = Settings {
        name: name.get_untracked().trim().to_string(),
        description: description.get_untracked().trim().to_string(),
        emoji: emoji.get_untracked().trim().to_string(),
        history: history.get_untracked(),
        open,
        sealed: None,
    };
    protocol::validate::group_settings(&s).map_err(|e| e.to_string())?;
    Ok(s)
}

#[component]
pub fn NewGroup() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let (name, description) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let emoji = RwSignal::new("💬".to_string());
    let history = RwSignal::new(false);
    let chosen = RwSignal::new(BTreeSet::<UserId>::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match settings_from(name, description, emoji, history, false) {
            Ok(s) => {
                problem.set(None);
                chat.create_group(s, chosen.get_untracked().into_iter().collect(), busy)
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    view! {
        <section class="panel" aria-label="New group">
            <PanelHead title="New group"/>
            <form class="panel-body" on:submit=submit>
                <label>"Name"<input required maxlength="64" bind:value=name/></label>
                <label>"Description"<textarea rows="2" maxlength="280" bind:value=description></textarea></label>
                <EmojiField value=emoji/>
                <label class="check"><input type="checkbox" bind:checked=history/>"New members can read earlier messages"</label>
                <fieldset>
                    <legend>"Members"</legend>
                    <For each=move || chat.listed() key=|p| p.id let:p>
                        {
                            let id = p.id;
                            view! {
                                <label class="check" data-username=p.username.clone()>
                                    <input type="checkbox" on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| { if on { c.insert(id); } else { c.remove(&id); } });
                                    }/>
                                    {p.display_name.clone()}<span class="handle">"@"{p.username.clone()}</span>
                                </label>
                            }
                        }
                    </For>
                </fieldset>
                {move || problem.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Creating…" } else { "Create group" }}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
pub fn JoinGroup() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let busy = RwSignal::new(false);
    let shown = RwSignal::new(None::<JoinPreview>);
    // Opened from a link: what it leads to shows at once.
    Effect::new(move |_| {
        let code = chat.list.join_code.get_untracked();
        if !code.trim().is_empty() {
            chat.preview_invite(code, busy, shown);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        chat.preview_invite(chat.list.join_code.get_untracked(), busy, shown);
    };
    view! {
        <section class="panel" aria-label="Join a group">
            <PanelHead title="Join a group"/>
            <form class="panel-body" on:submit=submit>
                <p>"Paste the invite link or type the code an admin of the group gave you."</p>
                <label>"Invite code"<input required autocomplete="off" bind:value=chat.list.join_code
                    on:input=move |_| shown.set(None)/></label>
                {move || chat.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" disabled=move || busy.get()>"Show the invite"</button>
            </form>
            {move || shown.get().map(|p| view! { <InvitePreview shown=p busy/> })}
        </section>
    }
    .into_any()
}

/// What an invite leads to, before joining: the group, who invited, and whether their
/// keys (and the other members') are the ones this browser knows.
#[component]
fn InvitePreview(shown: JoinPreview, busy: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let inviter = chat.name_of(&shown.inviter);
    let (trust, class) = match shown.inviter_seen {
        Seen::Same { verified: true } => (
            "✓ You compared safety numbers with them.".to_string(),
            "good",
        ),
        Seen::Same { verified: false } => (
            "You have not compared safety numbers with them yet.".to_string(),
            "",
        ),
        Seen::New => (
            "You have not seen their keys before: compare safety numbers with them.".to_string(),
            "",
        ),
        Seen::Changed { .. } => (
            format!(
                "⚠ This group names {inviter} with keys that are not the ones you know for them. \
             Do not join: the server may be showing you a group that is not theirs."
            ),
            "bad",
        ),
    };
    let refused = matches!(shown.inviter_seen, Seen::Changed { .. });
    let others: Vec<String> = shown
        .mismatched
        .iter()
        .filter(|u| **u != shown.inviter)
        .map(|u| chat.name_of(u))
        .collect();
    let s = &shown.settings;
    let members = shown.members;
    let what = format!(
        "{} {} · {members} member{}",
        s.emoji,
        s.name,
        if members == 1 { "" } else { "s" }
    );
    let description = s.description.clone();
    let join = move |_| chat.join(shown.clone(), busy);
    view! {
        <div class="panel-body invite-preview" role="region" aria-label="The invite">
            <p class="invite-group"><strong>{what}</strong></p>
            {(!description.is_empty()).then(|| view! { <p class="hint">{description}</p> })}
            <p>"Invited by " <strong>{inviter}</strong></p>
            <p class=format!("trust {class}") role=if refused { "alert" } else { "status" }>{trust}</p>
            {(!others.is_empty()).then(|| view! {
                <p class="trust bad" role="alert">{format!(
                    "⚠ In this group, the keys of {} are not the ones you know for them.", others.join(", "))}</p>
            })}
            <button type="button" disabled=move || busy.get() || refused on:click=join>
                {move || if busy.get() { "Joining…" } else { "Join" }}
            </button>
        </div>
    }
}

/// The buttons beside a member, as the user's role allows.
fn member_actions(
    chat: Chat,
    g: &GroupView,
    m: &MemberView,
    busy: RwSignal<bool>,
) -> impl IntoView + use<> {
    let me = chat.me.get_untracked();
    let user = m.member.user;
    let mut buttons: Vec<(&'static str, Action)> = Vec::new();
    if Some(user) != me && !g.everyone {
        match (g.my_role, m.member.role) {
            (Some(Role::Owner), Role::Member) => {
                buttons.push(("Make admin", Action::Promote { user }));
                buttons.push(("Make owner", Action::Transfer { user }));
                buttons.push(("Remove", Action::Remove { user }));
            }
            (Some(Role::Owner), Role::Admin) => {
                buttons.push(("Make member", Action::Demote { user }));
                buttons.push(("Make owner", Action::Transfer { user }));
                buttons.push(("Remove", Action::Remove { user }));
            }
            (Some(Role::Admin), Role::Member) => buttons.push(("Remove", Action::Remove { user })),
            _ => {}
        }
    }
    if m.deleted {
        buttons.retain(|(_, a)| matches!(a, Action::Remove { .. }));
    }
    // Whoever may remove them may take them back under their new keys.
    let again = (m.new_keys && buttons.iter().any(|(_, a)| matches!(a, Action::Remove { .. })))
        .then(|| view! {
            <button class="ghost small" disabled=move || busy.get()
                on:click=move |_| chat.add_again_with_new_keys(user, busy)>"Add again with new keys"</button>
        });
    let buttons = buttons
        .into_iter()
        .map(|(label, action)| {
            view! { <button class="ghost small" disabled=move || busy.get()
            on:click=move |_| chat.change_group(action.clone(), None, busy)>{label}</button> }
        })
        .collect_view();
    (again, buttons)
}

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Owner => "owner",
        Role::Admin => "admin",
        Role::Member => "",
    }
}

#[component]
pub fn GroupMembers() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let busy = RwSignal::new(false);
    view! {
        <div class="members-panel" role="region" aria-label="Members">
            {move || chat.list.group_view.get().map(|g| {
                let admin = g.my_role >= Some(Role::Admin) && !g.everyone;
                let rows = g.members.iter().map(|m| view! {
                    <li class="member" data-username=m.username.clone()>
                        <span class="title">{m.name.clone()}</span>
                        <span class="role">{role_label(m.member.role)}</span>
                        // (The Everyone room takes them back by itself when they next come.)
                        {(m.new_keys && !g.everyone).then(|| view! {
                            <span class="new-keys" title="Their keys changed since they were added: nothing new reaches them here until they are added again.">"new keys"</span>
                        })}
                        <span class="actions">{member_actions(chat, &g, m, busy)}</span>
                    </li>
                }).collect_view();
                let in_group: BTreeSet<UserId> = g.members.iter().map(|m| m.member.user).collect();
                let (g1, g2) = (g.clone(), g.clone());
                let about = (!g.settings.description.is_empty()).then(|| g.settings.description.clone());
                view! {
                    {about.map(|d| view! { <p class="about">{d}</p> })}
                    <h3>{format!("{} members", g.members.len())}</h3>
                    <ul class="members">{rows}</ul>
                    <Show when=move || admin><AddPeople in_group=in_group.clone() busy=busy/><Invite busy=busy/></Show>
                    <Show when=move || admin><GroupSettings g=g1.clone() busy=busy/></Show>
                    <LeaveOrDelete g=g2.clone() busy=busy/>
                }
            })}
        </div>
    }
    .into_any()
}

#[component]
fn AddPeople(in_group: BTreeSet<UserId>, busy: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let pick = RwSignal::new(String::new());
    let candidates = move || {
        chat.listed()
            .into_iter()
            .filter(|p| !in_group.contains(&p.id))
            .collect::<Vec<_>>()
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(user) = pick.get_untracked().parse::<UserId>() {
            chat.add_member(user, busy);
        }
    };
    view! {
        <form class="inline" aria-label="Add people" on:submit=add>
            <select aria-label="Person to add" bind:value=pick>
                <option value="">"Add someone…"</option>
                {move || candidates().into_iter().map(|p| view! {
                    <option value=p.id.to_hex()>{p.display_name.clone()}" (@"{p.username.clone()}")"</option>
                }).collect_view()}
            </select>
            <button type="submit" disabled=move || busy.get() || pick.get().is_empty()>"Add"</button>
        </form>
    }
}

#[component]
fn Invite(busy: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let valid = RwSignal::new("86400000".to_string());
    let uses = RwSignal::new("10".to_string());
    let code = RwSignal::new(None::<String>);
    let active = RwSignal::new(Vec::<InviteInfo>::new());
    // The list again whenever a new code was made (and once at first).
    Effect::new(move |_| {
        code.track();
        chat.load_invites(active);
    });
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ms = valid.get_untracked().parse().unwrap_or(86_400_000);
        let n = uses.get_untracked().parse().unwrap_or(10);
        chat.create_invite(ms, n, busy, code);
    };
    view! {
        <form class="inline" aria-label="Invite" on:submit=make>
            <select aria-label="Valid for" bind:value=valid>
                <option value="3600000">"1 hour"</option>
                <option value="86400000">"1 day"</option>
                <option value="604800000">"7 days"</option>
            </select>
            <select aria-label="Uses" bind:value=uses>
                <option value="1">"1 use"</option>
                <option value="10">"10 uses"</option>
                <option value="100">"100 uses"</option>
            </select>
            <button type="submit" disabled=move || busy.get()>"Create invite"</button>
        </form>
        {move || code.get().map(|c| {
            let link = format!("{}/#join={c}", browser::origin());
            let copy = link.clone();
            view! {
                <div class="invite" role="status">
                    <p>"Share this link or code with the people you invite. It is shown only now."</p>
                    <code class="invite-link">{link}</code>
                    <code class="invite-code">{c}</code>
                    <button class="ghost small" on:click=move |_| browser::copy(&copy)>"Copy link"</button>
                </div>
            }
        })}
        <Show when=move || !active.with(Vec::is_empty)>
            <ul class="invites" aria-label="Active invites">
                <For each=move || active.get() key=|i| (i.id.clone(), i.used) let:i>
                    {
                        let id = i.id.clone();
                        let by = chat.name_of(&i.by);
                        view! {
                            <li class="invite-row">
                                <span>{format!("By {by} · {} of {} used · until {}", i.used, i.uses, when(i.expires))}</span>
                                <button class="ghost small" disabled=move || busy.get()
                                    on:click=move |_| chat.revoke_invite(id.clone(), active, busy)>"Withdraw"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}

/// A date and time in the browser's own format.
fn when(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at;
        String::new()
    }
}

#[component]
fn GroupSettings(g: GroupView, busy: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let name = RwSignal::new(g.settings.name.clone());
    let description = RwSignal::new(g.settings.description.clone());
    let emoji = RwSignal::new(g.settings.emoji.clone());
    let history = RwSignal::new(g.settings.history);
    let was_shared = g.settings.history;
    let problem = RwSignal::new(None::<String>);
    let open = g.settings.open;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match settings_from(name, description, emoji, history, open) {
            Ok(s) => {
                problem.set(None);
                chat.change_group(Action::Settings, Some(s), busy)
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    view! {
        <details class="group-settings">
            <summary>"Group settings"</summary>
            <form on:submit=save>
                <label>"Name"<input required maxlength="64" bind:value=name/></label>
                <label>"Description"<textarea rows="2" maxlength="280" bind:value=description></textarea></label>
                <EmojiField value=emoji/>
                <label class="check"><input type="checkbox" bind:checked=history/>"New members can read earlier messages"</label>
                <Show when=move || history.get() && !was_shared>
                    <p class="hint">"Everyone who joins from now on will be able to read everything said so far, also what was said while this was off."</p>
                </Show>
                {move || problem.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" disabled=move || busy.get()>"Save"</button>
            </form>
        </details>
    }
}

#[component]
fn LeaveOrDelete(g: GroupView, busy: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let confirm = RwSignal::new(false);
    let owner = g.my_role == Some(Role::Owner);
    let everyone = g.everyone;
    view! {
        <div class="danger">
            <Show when=move || !owner && !everyone>
                <button class="ghost" disabled=move || busy.get()
                    on:click=move |_| chat.change_group(Action::Leave, None, busy)>"Leave group"</button>
            </Show>
            <Show when=move || owner && !everyone>
                <p class="hint">"To leave, make someone else the owner first."</p>
                <Show when=move || confirm.get()
                    fallback=move || view! { <button class="ghost" on:click=move |_| confirm.set(true)>"Delete group"</button> }>
                    <button class="danger" disabled=move || busy.get() on:click=move |_| chat.delete_group(busy)>
                        "Delete it for everyone"
                    </button>
                </Show>
            </Show>
        </div>
    }
}
