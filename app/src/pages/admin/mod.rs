//! The admin panel (/admin): accounts, registration, invite links, limits, live figures,
//! the audit log and shutting the server down. Only admins get past the gate, and only
//! after typing their password again (the server holds the panel shut otherwise).

mod audit;
mod server;
mod users;

use crate::Answered;
use crate::api;
use crate::client::{browser, keyring};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use protocol::UserId;
use protocol::api::Profile;
use protocol::api::admin::{AdminAction, AdminReply, Overview};

/// How often the figures refresh while the panel is open.
const REFRESH_MS: u32 = 5_000;

/// Where the page is: finding out who is here, not an admin, asking for the password,
/// or open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    Checking,
    NotAdmin,
    Locked,
    Open,
}

/// A question before something that cannot be taken back.
#[derive(Clone)]
pub struct Ask {
    pub title: String,
    pub body: String,
    pub button: &'static str,
    pub then: Then,
}

#[derive(Clone)]
pub enum Then {
    Act(AdminAction),
    /// A temporary password (shown, editable) for this account.
    ResetPassword(UserId),
    ShutDown,
}

/// The panel's shared state.
#[derive(Clone, Copy)]
pub struct Panel {
    pub me: RwSignal<Option<Profile>>,
    pub overview: RwSignal<Option<Overview>>,
    pub busy: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<String>>,
    pub asking: RwSignal<Option<Ask>>,
    /// Bumped after every action, so the audit log reloads.
    pub changed: RwSignal<u32>,
    /// The account whose Actions menu is open. Kept here, not in the row: a row is drawn
    /// again when its person comes online or signs in, and the menu must stay open under
    /// the admin's pointer.
    pub actions_open: RwSignal<Option<protocol::UserId>>,
    gate: RwSignal<Gate>,
    /// Bumped when a change starts and when it ends. A refresh sent before either may
    /// answer with the panel as it was before the change (a radio button the admin just
    /// chose would jump back), so its answer is dropped; the change's own refresh follows.
    changes: StoredValue<u32>,
}

impl Panel {
    fn new() -> Self {
        Self {
            me: RwSignal::new(None),
            overview: RwSignal::new(None),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            asking: RwSignal::new(None),
            changed: RwSignal::new(0),
            actions_open: RwSignal::new(None),
            gate: RwSignal::new(Gate::Checking),
            changes: StoredValue::new(0),
        }
    }

    /// Fetches the figures; a refusal means the password must be confirmed again.
    pub fn refresh(self) {
        let sent = self.changes.get_value();
        spawn_local(async move {
            let answer = api::admin_overview(browser::midnight_ms()).await.answered();
            if self.changes.try_get_value() != Some(sent) {
                return;
            }
            match answer {
                Ok(o) => {
                    self.overview.set(Some(o));
                    self.open_gate(Gate::Open);
                }
                Err(crate::ApiError::Forbidden(_)) => self.open_gate(Gate::Locked),
                Err(e) => self.error.set(Some(e.to_string())),
            }
        });
    }

    /// Moves the gate only when it changes: setting it re-renders the whole panel, which
    /// would throw away what the admin is typing at every refresh.
    fn open_gate(self, gate: Gate) {
        if self.gate.get_untracked() != gate {
            self.gate.set(gate);
        }
    }

    /// A change starts: the panel is busy, and refreshes on their way are stale.
    pub fn begin(self) {
        self.changes.update_value(|n| *n = n.wrapping_add(1));
        self.busy.set(true);
        self.error.set(None);
    }

    /// A change ended (done or refused): the audit log and the figures load again.
    pub fn end(self) {
        self.changes.update_value(|n| *n = n.wrapping_add(1));
        self.busy.set(false);
        self.changed.update(|n| *n += 1);
        self.refresh();
    }

    /// Does `action`, then says `done` and refreshes.
    pub fn act(self, action: AdminAction, done: String) {
        self.begin();
        self.notice.set(None);
        spawn_local(async move {
            match api::admin_act(action).await.answered() {
                Ok(reply) => self.notice.set(Some(match reply {
                    AdminReply::Ended { sessions } => format!(
                        "{done} ({sessions} signed-in session{} ended)",
                        if sessions == 1 { "" } else { "s" }
                    ),
                    _ => done,
                })),
                Err(e) => self.error.set(Some(e.to_string())),
            }
            self.end();
        });
    }

    /// Runs what a confirmed question was about.
    fn confirmed(self, then: Then, temporary: String) {
        self.asking.set(None);
        match then {
            Then::Act(action) => self.act(action, "Done.".into()),
            Then::ResetPassword(user) => {
                self.busy.set(true);
                spawn_local(async move {
                    match keyring::temporary(&temporary).await {
                        Ok(password) => self.act(
                            AdminAction::ResetPassword { user, password },
                            format!(
                                "Password reset. Give them the temporary password {temporary}: they choose their own at their next login."
                            ),
                        ),
                        Err(e) => {
                            self.error.set(Some(e.to_string()));
                            self.busy.set(false);
                        }
                    }
                });
            }
            Then::ShutDown => spawn_local(async move {
                match api::admin_shutdown().await.answered() {
                    Ok(()) => self.notice.set(Some(
                        "Hearth is shutting down. Start it again on the server.".into(),
                    )),
                    Err(e) => self.error.set(Some(e.to_string())),
                }
            }),
        }
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let panel = Panel::new();
    provide_context(panel);
    Effect::new(move |_| {
        spawn_local(async move {
            match api::whoami().await {
                Ok(Some(me)) if me.is_admin => {
                    panel.me.set(Some(me));
                    panel.refresh();
                }
                Ok(Some(me)) => {
                    panel.me.set(Some(me));
                    panel.gate.set(Gate::NotAdmin);
                }
                Ok(None) | Err(_) => crate::client::browser::leave_to("/login"),
            }
        });
    });
    // Live figures while the page is open.
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    Effect::new(move |_| {
        spawn_local(async move {
            loop {
                browser::sleep(REFRESH_MS).await;
                if !alive.try_get_value().unwrap_or(false) {
                    break;
                }
                if panel.gate.get_untracked() == Gate::Open
                    && panel.asking.get_untracked().is_none()
                {
                    panel.refresh();
                }
            }
        });
    });
    view! {
        <main class="admin">
            <header class="admin-head">
                <h1 class="brand small">"Hearth · Admin"</h1>
                <A href="/">"Back to chat"</A>
            </header>
            {move || match panel.gate.get() {
                Gate::Checking => view! { <p class="hint">"Loading…"</p> }.into_any(),
                Gate::NotAdmin => view! {
                    <p class="card">"Only admins can open this page."</p>
                }.into_any(),
                Gate::Locked => view! { <Unlock/> }.into_any(),
                Gate::Open => view! { <Open/> }.into_any(),
            }}
        </main>
    }
    .into_any()
}

/// The password again, before the panel opens.
#[component]
fn Unlock() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(me) = panel.me.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let unlocked =
                match keyring::auth_secret_of(me.username, password.get_untracked()).await {
                    Ok(secret) => api::admin_unlock(secret).await.answered(),
                    Err(e) => Err(e),
                };
            match unlocked {
                Ok(()) => {
                    password.set(String::new());
                    panel.refresh();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card" aria-label="Confirm your password" on:submit=submit>
            <h2>"Confirm it is you"</h2>
            <p class="lede">"The admin panel asks for your password again; it then stays open for 15 minutes."</p>
            <label>"Password"
                <input type="password" autocomplete="current-password" required bind:value=password/>
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "Checking…" } else { "Open the admin panel" }}
            </button>
        </form>
    }
}

#[component]
fn Open() -> impl IntoView {
    let panel = expect_context::<Panel>();
    view! {
        {move || panel.notice.get().map(|n| view! {
            <p class="ok" role="status">{n}
                <button class="ghost" on:click=move |_| panel.notice.set(None) aria-label="Dismiss">"×"</button>
            </p>
        })}
        {move || panel.error.get().map(|e| view! {
            <p class="error" role="alert">{e}
                <button class="ghost" on:click=move |_| panel.error.set(None) aria-label="Dismiss">"×"</button>
            </p>
        })}
        <server::Figures/>
        <div class="admin-grid">
            <users::Users/>
            <div class="admin-side">
                <server::Registration/>
                <server::Limits/>
                <server::ShutDown/>
            </div>
        </div>
        <audit::AuditLog/>
        <Confirm/>
    }
    .into_any()
}

/// The question before an irreversible action, over the page.
#[component]
fn Confirm() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let temporary = RwSignal::new(String::new());
    view! {
        {move || panel.asking.get().map(|ask| {
            let reset = matches!(ask.then, Then::ResetPassword(_));
            if reset {
                temporary.set(keyring::temporary_password().unwrap_or_default());
            }
            let then = ask.then.clone();
            view! {
                <div class="modal" role="dialog" aria-modal="true" aria-label=ask.title.clone()>
                    <div class="card">
                        <h2>{ask.title.clone()}</h2>
                        <p>{ask.body.clone()}</p>
                        {reset.then(|| view! {
                            <label>"Temporary password (give it to them)"
                                <input type="text" autocomplete="off" bind:value=temporary/>
                            </label>
                        })}
                        <div class="row">
                            <button class="ghost" on:click=move |_| panel.asking.set(None)>"Cancel"</button>
                            <button class="danger" on:click=move |_| panel.confirmed(then.clone(), temporary.get_untracked())>
                                {ask.button}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })}
    }
}
