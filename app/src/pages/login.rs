use super::{CodeField, SecondStep, TransportWarning, enter, hydrated};
use crate::KeyringSignal;
use crate::client::keyring;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn LoginPage() -> impl IntoView {
    let ring = expect_context::<KeyringSignal>();
    let ready = hydrated();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let second = SecondStep::<keyring::Unlocked>::new();
    let needs_code = second.needs_code;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (name, pass) = (username.get_untracked(), password.get_untracked());
        let action = second.run(move || keyring::unlock(name, pass), keyring::finish);
        enter(ring, navigate.clone(), busy, error, action);
    };
    view! {
        <main class="auth">
            <form class="card" on:submit=submit>
                <h1 class="brand">"Hearth"</h1>
                <p class="lede">"Private chat for everyone on this network."</p>
                <TransportWarning/>
                <label>"Username"
                    <input disabled=move || !ready.get() || needs_code.get() name="username" autocomplete="username" autocapitalize="none" required bind:value=username/>
                </label>
                <label>"Password"
                    <input disabled=move || !ready.get() || needs_code.get() type="password" name="password" autocomplete="current-password" required bind:value=password/>
                </label>
                <CodeField needs_code code=second.code/>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" disabled=move || busy.get() || !ready.get()>
                    {move || match (busy.get(), needs_code.get()) {
                        (true, _) => "Unlocking your keys…",
                        (false, true) => "Continue",
                        (false, false) => "Log in",
                    }}
                </button>
                <p class="switch">"New here? " <A href="/register">"Create an account"</A></p>
                <p class="switch"><A href="/recover">"Forgot your password?"</A></p>
            </form>
        </main>
    }
}
