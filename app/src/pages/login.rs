use super::{TransportWarning, enter, hydrated};
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
    // Set once the password checked out and the account wants a code too.
    let unlocked = StoredValue::new_local(None::<keyring::Unlocked>);
    let needs_code = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (name, pass) = (username.get_untracked(), password.get_untracked());
        let typed = code.get_untracked();
        let kept = unlocked.get_value();
        let action = async move {
            let u = match kept {
                Some(u) => u,
                None => keyring::unlock(name, pass).await?,
            };
            let totp = Some(typed).filter(|c| !c.trim().is_empty());
            match keyring::finish(u.clone(), totp).await {
                Err(crate::ApiError::SecondFactor(m)) => {
                    unlocked.set_value(Some(u));
                    needs_code.set(true);
                    Err(crate::ApiError::SecondFactor(m))
                }
                other => other,
            }
        };
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
                <Show when=move || needs_code.get()>
                    <label>"Authentication code"
                        <input name="totp" autocomplete="one-time-code" inputmode="numeric" autocapitalize="characters"
                            placeholder="123456 or a recovery code" required autofocus bind:value=code/>
                    </label>
                </Show>
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
