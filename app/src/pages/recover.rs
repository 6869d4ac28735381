use super::{CodeField, SecondStep, TransportWarning, enter, hydrated};
use crate::KeyringSignal;
use crate::client::keyring;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// "Forgot password": the recovery key and a new password restore the account.
#[component]
pub fn RecoverPage() -> impl IntoView {
    let ring = expect_context::<KeyringSignal>();
    let ready = hydrated();
    let username = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let second = SecondStep::<keyring::Recovering>::new();
    let needs_code = second.needs_code;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if password.get_untracked() != confirm.get_untracked() {
            error.set(Some("The two passwords differ.".into()));
            return;
        }
        let (name, typed_key, pass) = (
            username.get_untracked(),
            key.get_untracked(),
            password.get_untracked(),
        );
        let action = second.run(
            move || keyring::prepare_recovery(name, typed_key, pass),
            keyring::finish_recovery,
        );
        enter(ring, navigate.clone(), busy, error, action);
    };
    let locked = move || !ready.get() || needs_code.get();
    view! {
        <main class="auth">
            <form class="card" on:submit=submit>
                <h1 class="brand">"Hearth"</h1>
                <p class="lede">"Forgot your password? Your recovery key opens your account and its history again."</p>
                <TransportWarning/>
                <label>"Username"
                    <input disabled=locked name="username" autocomplete="username" autocapitalize="none" required bind:value=username/>
                </label>
                <label>"Recovery key"
                    <input disabled=locked name="recovery" autocomplete="off" autocapitalize="characters" spellcheck="false" required
                        placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" bind:value=key/>
                </label>
                <label>"New password"
                    <input disabled=locked type="password" autocomplete="new-password" required bind:value=password/>
                </label>
                <label>"Repeat new password"
                    <input disabled=locked type="password" autocomplete="new-password" required bind:value=confirm/>
                </label>
                <CodeField needs_code code=second.code/>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" disabled=move || busy.get() || !ready.get()>
                    {move || match (busy.get(), needs_code.get()) {
                        (true, _) => "Restoring…",
                        (false, true) => "Continue",
                        (false, false) => "Restore my account",
                    }}
                </button>
                <p class="switch"><A href="/login">"Back to log in"</A></p>
            </form>
        </main>
    }
}
