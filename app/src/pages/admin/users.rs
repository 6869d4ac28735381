//! The accounts: search, make one with a temporary password, and act on each.

use super::{Ask, Panel, Then};
use crate::Answered;
use crate::api;
use crate::client::files::human_size;
use crate::client::keyring;
use crate::pages::chat::message::when;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::admin::{AdminAction, UserSummary};

#[component]
pub fn Users() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let query = RwSignal::new(String::new());
    let shown = move || {
        let q = query.get().trim().to_lowercase();
        panel.overview.with(|o| {
            o.as_ref()
                .map(|o| {
                    o.users
                        .iter()
                        .filter(|u| {
                            q.is_empty()
                                || u.username.contains(&q)
                                || u.display_name.to_lowercase().contains(&q)
                        })
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <section class="admin-card users" aria-label="Accounts">
            <h2>"Accounts"</h2>
            <input class="search" type="search" placeholder="Search accounts" aria-label="Search accounts"
                bind:value=query/>
            <ul>
                <For each=shown key=|u| (u.id, u.username.clone(), u.is_admin, u.disabled, u.pending, u.two_step, u.sessions, u.online, u.locked) let:u>
                    <Row user=u/>
                </For>
            </ul>
            <NewAccount/>
        </section>
    }
    .into_any()
}

#[component]
fn Row(user: UserSummary) -> impl IntoView {
    let panel = expect_context::<Panel>();
    let my_id = panel.me.get_untracked().map(|m| m.id);
    let me = my_id == Some(user.id);
    // Another admin's account is the owner's to change (the server refuses the rest).
    let i_own = panel.overview.with_untracked(|o| {
        o.as_ref()
            .is_some_and(|o| o.users.iter().any(|u| u.owner && Some(u.id) == my_id))
    });
    let mine_to_change = me || i_own || !user.is_admin;
    let name = format!("@{}", user.username);
    let id = user.id;
    let ask = move |title: String, body: String, button: &'static str, then: Then| {
        panel.asking.set(Some(Ask {
            title,
            body,
            button,
            then,
        }))
    };
    let (n1, n2, n3, n4, n5, n6) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    // Each with the kind its colour says: good, bad, or plain.
    let tags = [
        (user.owner, "Owner", "tag"),
        (user.is_admin, "Admin", "tag"),
        (user.online, "Online", "tag good"),
        (user.pending, "Waiting for first login", "tag"),
        (user.disabled, "Disabled", "tag bad"),
        (user.locked, "Locked", "tag bad"),
        (user.two_step, "Two-step", "tag"),
    ];
    view! {
        <li class="user" data-user=user.username.clone()>
            <div class="who">
                <strong>{user.display_name.clone()}</strong>
                <span class="handle">{name.clone()}</span>
                {tags.into_iter().filter(|(on, ..)| *on).map(|(_, t, class)| view! { <span class=class>{t}</span> }).collect_view()}
                <br/>
                <span class="hint">
                    {format!("{} signed in · {} stored · joined {}",
                        user.sessions, human_size(user.stored), when(user.created_at))}
                </span>
            </div>
            <details class="actions" open=move || panel.actions_open.get() == Some(id)>
                <summary on:click=move |ev| {
                    ev.prevent_default();
                    panel.actions_open.update(|o| *o = if *o == Some(id) { None } else { Some(id) });
                }>"Actions"</summary>
                // Choosing one puts the menu away.
                <div on:click=move |_| panel.actions_open.set(None)>
                    <button on:click=move |_| panel.act(AdminAction::EndSessions { user: id }, format!("Signed {n1} out everywhere."))>
                        "Sign out everywhere"
                    </button>
                    {user.locked.then(|| {
                        let n = name.clone();
                        view! {
                            <button on:click=move |_| panel.act(AdminAction::Unlock { user: id },
                                format!("{n} can sign in again from any browser."))>"Unlock"</button>
                        }
                    })}
                    {(!mine_to_change).then(|| view! {
                        <p class="hint">"Only the server's owner changes another admin's account."</p>
                    })}
                    {(!me && mine_to_change).then(|| if user.disabled {
                        view! { <button on:click=move |_| panel.act(AdminAction::Enable { user: id }, format!("{n2} can sign in again."))>"Enable"</button> }.into_any()
                    } else {
                        view! { <button on:click=move |_| ask(format!("Disable {n2}?"),
                            format!("{n2} is signed out everywhere and cannot sign in until you enable the account again."),
                            "Disable", Then::Act(AdminAction::Disable { user: id }))>"Disable"</button> }.into_any()
                    })}
                    {mine_to_change.then(|| view! {
                    <button on:click=move |_| ask(format!("Reset {n3}'s password?"),
                        format!("{n3} is signed out everywhere. At their next login with the temporary password they choose their own, \
                                 and their browser makes new keys: they can no longer read messages sealed to their old ones. \
                                 If they still have their recovery key, they should use “Forgot password” on the login page instead, which keeps their history."),
                        "Reset password", Then::ResetPassword(id))>
                        "Reset password"
                    </button>
                    })}
                    {(user.two_step && mine_to_change).then(|| view! {
                        <button on:click=move |_| ask(format!("Turn off two-step login for {n4}?"),
                            format!("For a lost phone: {n4} then signs in with the password alone, and can turn two-step login on again."),
                            "Turn off", Then::Act(AdminAction::ResetTwoStep { user: id }))>"Reset two-step"</button>
                    })}
                    {if user.is_admin {
                        mine_to_change.then(|| view! { <button on:click=move |_| ask(format!("Remove {n5} as admin?"),
                            format!("{n5} will no longer manage accounts or the server."),
                            "Remove admin", Then::Act(AdminAction::Demote { user: id }))>"Remove admin"</button> }).into_any()
                    } else {
                        view! { <button on:click=move |_| ask(format!("Make {n5} an admin?"),
                            format!("{n5} can then manage accounts and the server, as you can."),
                            "Make admin", Then::Act(AdminAction::Promote { user: id }))>"Make admin"</button> }.into_any()
                    }}
                    {(!me && mine_to_change).then(|| view! {
                        <button class="danger" on:click=move |_| ask(format!("Delete {n6}?"),
                            format!("{n6} can never sign in again and the username becomes free. \
                                     What they sent stays readable for the others, under “Deleted account”. This cannot be undone."),
                            "Delete", Then::Act(AdminAction::Delete { user: id }))>"Delete"</button>
                    })}
                </div>
            </details>
        </li>
    }
    .into_any()
}

/// An account for someone, with a temporary password they replace at their first login.
#[component]
fn NewAccount() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    Effect::new(move |_| password.set(keyring::temporary_password().unwrap_or_default()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (name, temp) = (username.get_untracked(), password.get_untracked());
        panel.begin();
        spawn_local(async move {
            let made = match keyring::new_account_by_admin(&name, &temp).await {
                Ok(account) => api::admin_add_user(account).await.answered(),
                Err(e) => Err(e),
            };
            match made {
                Ok(()) => {
                    panel.notice.set(Some(format!(
                        "Made @{}. Give them the temporary password {temp}: they choose their own at their first login.",
                        name.trim().to_lowercase()
                    )));
                    username.set(String::new());
                    password.set(keyring::temporary_password().unwrap_or_default());
                }
                Err(e) => panel.error.set(Some(e.to_string())),
            }
            panel.end();
        });
    };
    view! {
        <form class="new-account" aria-label="New account" on:submit=submit>
            <h3>"New account"</h3>
            <label>"Username"
                <input autocomplete="off" autocapitalize="none" required bind:value=username/>
            </label>
            <label>"Temporary password"
                <input type="text" autocomplete="off" required minlength="8" bind:value=password/>
            </label>
            <button type="submit" disabled=move || panel.busy.get()>"Make account"</button>
        </form>
    }
}
