//! Two-step login in the account panel: turn it on (scan the QR code or type the key,
//! confirm with a code, keep the recovery codes shown once), or off (password and code).

use super::state::Chat;
use crate::Answered;
use crate::api;
use crate::client::keyring;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::TotpEnrolment;

#[derive(Clone, PartialEq)]
enum Step {
    Loading,
    Off,
    Enrolling(TotpEnrolment),
    Codes(Vec<String>),
    On(u32),
}

#[component]
pub fn TwoStep() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let step = RwSignal::new(Step::Loading);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let refresh = move || {
        spawn_local(async move {
            match api::two_step_status().await.answered() {
                Ok(s) if s.enabled => step.set(Step::On(s.recovery_left)),
                Ok(_) => step.set(Step::Off),
                Err(e) => error.set(Some(e.to_string())),
            }
        })
    };
    Effect::new(move |_| refresh());
    // Runs one request; its error is shown, its success moves to the next step.
    let run = move |f: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Step, crate::ApiError>>>,
    >| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match f.await {
                Ok(next) => {
                    code.set(String::new());
                    password.set(String::new());
                    step.set(next);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let begin = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = password.get_untracked();
        let Some(ring) = chat.keys.ring.get_value() else {
            return;
        };
        let name = ring.me.username.clone();
        run(Box::pin(async move {
            let secret = keyring::auth_secret(name, p).await?;
            Ok(Step::Enrolling(api::totp_begin(secret).await.answered()?))
        }))
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked();
        run(Box::pin(async move {
            Ok(Step::Codes(api::totp_confirm(c).await.answered()?))
        }));
    };
    let disable = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, p) = (code.get_untracked(), password.get_untracked());
        let Some(ring) = chat.keys.ring.get_value() else {
            return;
        };
        let name = ring.me.username.clone();
        run(Box::pin(async move {
            let secret = keyring::auth_secret(name, p).await?;
            api::totp_disable(secret, c).await.answered()?;
            Ok(Step::Off)
        }));
    };
    let view_step = move || {
        match step.get() {
        Step::Loading => view! { <p class="hint">"…"</p> }.into_any(),
        Step::Off => view! {
            <form aria-label="Turn on two-step login" on:submit=begin>
                <p class="hint">"Ask for a code from an authenticator app (on your phone) at every login, as well as the password."</p>
                <label>"Password"
                    <input type="password" autocomplete="current-password" required bind:value=password/>
                </label>
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Checking…" } else { "Turn on two-step login" }}
                </button>
            </form>
        }.into_any(),
        Step::Enrolling(e) => view! {
            <form aria-label="Confirm two-step login" on:submit=confirm>
                <p class="hint">"Scan this with your authenticator app, or type the key into it; then enter the code it shows."</p>
                <div class="qr" role="img" aria-label="Authenticator QR code" inner_html=e.qr_svg.clone()></div>
                <p class="hint">"Key: " <code class="totp-secret">{e.secret.clone()}</code></p>
                <label>"Code from the app"
                    <input autocomplete="one-time-code" inputmode="numeric" required bind:value=code/>
                </label>
                <button type="submit" disabled=move || busy.get()>"Confirm"</button>
            </form>
        }.into_any(),
        Step::Codes(codes) => view! {
            <p class="ok" role="status">"Two-step login is on."</p>
            <p class="hint">"Keep these recovery codes somewhere safe. Each one logs you in once "
                "if your phone is lost. They are shown only now."</p>
            <ul class="recovery-codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
            <button type="button" on:click=move |_| refresh()>"I have saved them"</button>
        }.into_any(),
        Step::On(left) => view! {
            <form aria-label="Turn off two-step login" on:submit=disable>
                <p class="hint">{format!("Two-step login is on; {left} recovery codes left.")}</p>
                <label>"Password"
                    <input type="password" autocomplete="current-password" required bind:value=password/>
                </label>
                <label>"Code (or a recovery code)"
                    <input autocomplete="one-time-code" required bind:value=code/>
                </label>
                <button type="submit" class="danger" disabled=move || busy.get()>"Turn off two-step login"</button>
            </form>
        }.into_any(),
    }
    };
    view! {
        <section class="two-step" aria-label="Two-step login">
            <h3>"Two-step login"</h3>
            {view_step}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}
