use super::{CodeField, TransportWarning, hydrated};
use crate::KeyringSignal;
use crate::client::{browser, keyring};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

const STRENGTH: [&str; 5] = ["Very weak", "Weak", "Fair", "Strong", "Very strong"];

#[component]
pub fn RegisterPage() -> impl IntoView {
    let ring = expect_context::<KeyringSignal>();
    let ready = hydrated();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // An account an admin reset keeps its two-step login: finishing it asks for a code.
    let needs_code = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let score = strength(password, username, display_name);
    let recovery_key = RwSignal::new(None::<String>);
    let setup = RwSignal::new(false);
    let setup_pending = RwSignal::new(false);
    let setup_code = RwSignal::new(String::new());
    watch_setup(username, setup, setup_pending);
    // A sign-up invite link (/register?invite=…) admits its holder when registration is
    // by invite only.
    let query = use_query_map();
    let invite = move || query.with_untracked(|q| q.get("invite"));
    let navigate = use_navigate();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if password.get_untracked() != confirm.get_untracked() {
            error.set(Some("The two passwords differ.".into()));
            return;
        }
        let form = keyring::NewAccount {
            username: username.get_untracked(),
            display_name: display_name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            invite: invite(),
            setup_code: Some(setup_code.get_untracked())
                .filter(|c| setup_pending.get_untracked() && !c.trim().is_empty()),
        };
        busy.set(true);
        error.set(None);
        let totp = Some(code.get_untracked()).filter(|c| !c.trim().is_empty());
        spawn_local(async move {
            match keyring::register(form, totp).await {
                Ok((keys, recovery)) => {
                    ring.set(Some(keys));
                    recovery_key.set(Some(recovery.to_string()));
                }
                // The code field says what is wanted; nothing went wrong.
                Err(crate::ApiError::SecondFactor(_)) => {
                    needs_code.set(true);
                    busy.set(false);
                }
                Err(e) => {
                    error.set(Some(e.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    let done = move |_| navigate("/", Default::default());
    view! {
        <main class="auth">
                <section class="card" aria-label="Recovery key"
                    style:display=move || if recovery_key.get().is_some() { "" } else { "none" }>
                    <h1 class="brand">"Your recovery key"</h1>
                    <p class="lede">"If you forget your password, this key is the only way back into your account "
                        "and its history. Write it down or save it somewhere safe: it is shown only now."</p>
                    <p class="recovery-key">{move || recovery_key.get().unwrap_or_default()}</p>
                    <a class="ghost download" download="hearth-recovery-key.txt"
                        href=move || format!("data:text/plain;charset=utf-8,{}", recovery_key.get().unwrap_or_default())>
                        "Download as a file"</a>
                    <button type="button" on:click=done>"I have saved it"</button>
                </section>
            <form class="card" on:submit=submit style:display=move || if recovery_key.get().is_some() { "none" } else { "" }>
                <h1 class="brand">"Hearth"</h1>
                <p class="lede">{move || if setup.get() {
                    "An admin set a temporary password for this account. Choose your own to finish it: the temporary one stops working, and your keys are made here, on this device."
                } else {
                    "Create your account. Your password never leaves this device."
                }}</p>
                <TransportWarning/>
                <label>"Username"
                    <input disabled=move || !ready.get() || setup.get() name="username" autocomplete="username" autocapitalize="none" required
                        minlength="3" maxlength="32" bind:value=username/>
                </label>
                <label>"Display name"
                    <input disabled=move || !ready.get() name="display_name" autocomplete="name" required maxlength="64" bind:value=display_name/>
                </label>
                <label><span>"Email " <span class="hint">"(optional)"</span></span>
                    <input disabled=move || !ready.get() type="email" name="email" autocomplete="email" bind:value=email/>
                </label>
                <label>"Password"
                    <input disabled=move || !ready.get() type="password" name="password" autocomplete="new-password" required bind:value=password/>
                </label>
                <div class="strength" data-score=move || score.get().to_string()>
                    <span class="bar"></span>
                    <span class="label">{move || if password.with(String::is_empty) { "" } else { STRENGTH[score.get().min(4) as usize] }}</span>
                </div>
                <label>"Repeat password"
                    <input disabled=move || !ready.get() type="password" name="confirm" autocomplete="new-password" required bind:value=confirm/>
                </label>
                <Show when=move || setup_pending.get() && !setup.get()>
                    <label><span>"Setup code " <span class="hint">"(only for whoever started Hearth)"</span></span>
                        <input name="setup_code" autocomplete="off" autocapitalize="characters" spellcheck="false"
                            placeholder="XXXX-XXXX-XXXX-XXXX" aria-describedby="setup-hint" bind:value=setup_code/>
                    </label>
                    <p class="hint" id="setup-hint">"This Hearth has no admin yet. The code printed in its terminal makes this account the admin; without it you get an ordinary account."</p>
                </Show>
                <CodeField needs_code code/>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" disabled=move || busy.get() || !ready.get()>
                    {move || match (busy.get(), setup.get()) {
                        (true, _) => "Making your keys…",
                        (false, true) => "Finish my account",
                        (false, false) => "Create account",
                    }}
                </button>
                <p class="switch">"Have an account? " <A href="/login">"Log in"</A></p>
            </form>
        </main>
    }
}

/// The password's estimated strength (0 to 4), held against the names it must not be
/// built from. The estimate loads beside the form; until it is there the meter stays
/// empty. The checker is a JS function, so it is kept browser-only; `loaded` says when
/// it is there (and is never set on the server, which therefore never touches it).
fn strength(
    password: RwSignal<String>,
    username: RwSignal<String>,
    display_name: RwSignal<String>,
) -> Memo<u8> {
    let checker = super::browser_only(None::<browser::Strength>);
    let loaded = RwSignal::new(false);
    Effect::new(move |_| {
        spawn_local(async move {
            if let Ok(s) = browser::strength().await {
                checker.set_value(Some(s));
                loaded.set(true);
            }
        })
    });
    Memo::new(move |_| {
        if !loaded.get() {
            return 0;
        }
        checker.with_value(|s| {
            s.as_ref().map_or(0, |s| {
                password.with(|p| s.score(p, &[&username.get(), &display_name.get()]))
            })
        })
    })
}

/// Sent here by the first login of an account an admin made: its name is fixed
/// (`setup`), and the owner chooses their own password (the temporary one stops
/// working). A server with no admin yet asks for the setup code it printed in its
/// terminal (`setup_pending`): whoever started it enters the code and becomes its admin.
/// Everyone else leaves the field empty and gets an ordinary account.
fn watch_setup(username: RwSignal<String>, setup: RwSignal<bool>, setup_pending: RwSignal<bool>) {
    Effect::new(move |_| {
        if let Some(name) = keyring::pending_setup() {
            username.set(name);
            setup.set(true);
        }
    });
    Effect::new(move |_| {
        spawn_local(async move {
            if let Ok(true) = crate::api::setup_pending().await {
                setup_pending.set(true);
            }
        })
    });
}
