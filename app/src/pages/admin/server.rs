//! The server as a whole: live figures, who may register (and invite links), file
//! limits, and shutting it down.

use super::{Ask, Panel, Then};
use crate::Answered;
use crate::client::browser;
use crate::pages::chat::message::when;
use leptos::prelude::*;
use protocol::api::admin::{AdminAction, FileLimits, RegistrationMode};

const MIB: u64 = 1 << 20;

fn uptime(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60);
    match (d, h) {
        (0, 0) => format!("{m} min"),
        (0, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h"),
    }
}

#[component]
pub fn Figures() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let figure = move |label: &'static str,
                       value: fn(&protocol::api::admin::Overview) -> String| {
        view! {
            <div class="figure">
                <span class="value">{move || panel.overview.with(|o| o.as_ref().map(value).unwrap_or_default())}</span>
                <span class="label">{label}</span>
            </div>
        }
    };
    view! {
        <section class="figures" aria-label="Figures">
            {figure("Accounts", |o| o.accounts.to_string())}
            {figure("Online now", |o| o.online.to_string())}
            {figure("Messages today", |o| o.messages_today.to_string())}
            {figure("Up for", |o| uptime(o.uptime_secs))}
            {figure("Version", |o| o.version.clone())}
        </section>
    }
}

#[component]
pub fn Registration() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let mode = move || {
        panel
            .overview
            .with(|o| o.as_ref().map(|o| o.registration).unwrap_or_default())
    };
    let choose = move |m: RegistrationMode| {
        if m != mode() {
            let what = match m {
                RegistrationMode::Open => "Anyone on this network can now make an account.",
                RegistrationMode::Invite => {
                    "Only people with an invite link can now make an account."
                }
                RegistrationMode::Closed => "Nobody can make an account now; you make them here.",
            };
            panel.act(AdminAction::SetRegistration { mode: m }, what.into());
        }
    };
    let option = move |m: RegistrationMode, label: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="registration" prop:checked=move || mode() == m
                    on:change=move |_| choose(m)/>
                {label}
            </label>
        }
    };
    let hours = RwSignal::new("168".to_string());
    let uses = RwSignal::new("10".to_string());
    let link = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(hours), Ok(uses)) = (
            hours.get_untracked().parse(),
            uses.get_untracked().trim().parse(),
        ) else {
            panel
                .error
                .set(Some("Give the number of people as a whole number.".into()));
            return;
        };
        panel.begin();
        leptos::task::spawn_local(async move {
            match crate::api::admin_act(AdminAction::CreateInvite { hours, uses })
                .await
                .answered()
            {
                Ok(protocol::api::admin::AdminReply::Invite { token, .. }) => {
                    link.set(Some(format!(
                        "{}/register?invite={token}",
                        browser::origin()
                    )));
                }
                Ok(_) => {}
                Err(e) => panel.error.set(Some(e.to_string())),
            }
            panel.end();
        });
    };
    let invites = move || {
        panel
            .overview
            .with(|o| o.as_ref().map(|o| o.invites.clone()).unwrap_or_default())
    };
    view! {
        <section class="admin-card" aria-label="Registration">
            <h2>"Who can make an account"</h2>
            {option(RegistrationMode::Open, "Anyone on this network")}
            {option(RegistrationMode::Invite, "Only with an invite link")}
            {option(RegistrationMode::Closed, "Nobody (admins make accounts)")}
            <form class="invite-form" aria-label="New invite link" on:submit=create>
                <h3>"Invite link"</h3>
                <div class="row">
                    <label>"Valid for"
                        <select bind:value=hours>
                            <option value="24">"1 day"</option>
                            <option value="168">"7 days"</option>
                            <option value="720">"30 days"</option>
                        </select>
                    </label>
                    <label>"People"
                        <input type="number" min="1" max="1000" required bind:value=uses/>
                    </label>
                </div>
                <button type="submit" disabled=move || panel.busy.get()>"Make a link"</button>
            </form>
            {move || link.get().map(|l| {
                let copy = l.clone();
                view! {
                    <div class="new-link" role="status">
                        <p class="hint">"Shown once: copy it now."</p>
                        <input readonly class="link" prop:value=l.clone() aria-label="Invite link"/>
                        <button on:click=move |_| browser::copy(&copy)>"Copy"</button>
                        <button class="ghost" on:click=move |_| link.set(None)>"Done"</button>
                    </div>
                }
            })}
            <ul class="invites">
                <For each=invites key=|i| (i.id.clone(), i.uses) let:i>
                    {
                        let id = i.id.clone();
                        view! {
                            <li>
                                <span>{format!("{} of {} used · until {}", i.uses, i.max_uses, when(i.expires_at))}</span>
                                <button class="ghost" on:click=move |_| panel.act(AdminAction::RevokeInvite { id: id.clone() }, "Invite link withdrawn.".into())>
                                    "Withdraw"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
    .into_any()
}

#[component]
pub fn Limits() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let upload = RwSignal::new(String::new());
    let quota = RwSignal::new(String::new());
    // Filled from the server once; the admin's typing is not overwritten by the refresh.
    Effect::new(move |filled: Option<bool>| {
        if filled == Some(true) {
            return true;
        }
        panel.overview.with(|o| match o {
            Some(o) => {
                upload.set((o.limits.max_upload / MIB).to_string());
                quota.set((o.limits.quota / MIB).to_string());
                true
            }
            None => false,
        })
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parse = |s: String| s.trim().parse::<u64>().ok().filter(|n| *n > 0);
        match (parse(upload.get_untracked()), parse(quota.get_untracked())) {
            (Some(u), Some(q)) => panel.act(
                AdminAction::SetLimits {
                    limits: FileLimits {
                        max_upload: u.saturating_mul(MIB),
                        quota: q.saturating_mul(MIB),
                    },
                },
                "File limits saved.".into(),
            ),
            _ => panel
                .error
                .set(Some("Give both limits as whole numbers of MiB.".into())),
        }
    };
    view! {
        <form class="admin-card" aria-label="File limits" on:submit=save>
            <h2>"Files"</h2>
            <label>"Largest file (MiB)"
                <input type="number" min="1" required bind:value=upload/>
            </label>
            <label>"Storage per person (MiB)"
                <input type="number" min="1" required bind:value=quota/>
            </label>
            <button type="submit" disabled=move || panel.busy.get()>"Save limits"</button>
        </form>
    }
}

#[component]
pub fn ShutDown() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let ask = move |_| {
        panel.asking.set(Some(Ask {
            title: "Shut Hearth down?".into(),
            body: "Everyone is disconnected and nobody can use Hearth until it is started again on the server. Messages are kept.".into(),
            button: "Shut down",
            then: Then::ShutDown,
        }))
    };
    view! {
        <section class="admin-card" aria-label="Server">
            <h2>"Server"</h2>
            <button class="danger" on:click=ask>"Shut down…"</button>
        </section>
    }
}
