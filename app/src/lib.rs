//! Hearth's web client: pages and components (rendered on the server, hydrated in the
//! browser), server function declarations and the browser side of the socket.
#![recursion_limit = "512"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod client;
mod error;
pub mod pages;

#[cfg(feature = "ssr")]
pub use backend::{Backend, SharedBackend};
pub use error::ApiError;

use client::keyring::Keyring;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::sync::Arc;

/// The signed-in user's keys, shared by every page.
pub type KeyringSignal = RwSignal<Option<Arc<Keyring>>>;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Only scripts carrying this response's nonce, or loaded from this origin, may run:
    // an injected inline script is refused. (The HTTP header adds the rest of the policy.)
    let csp = leptos::nonce::use_nonce().map(|nonce| {
        format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'")
    });
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                {csp.map(|content| view! { <meta http-equiv="Content-Security-Policy" content=content/> })}
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let ring: KeyringSignal = RwSignal::new(None);
    provide_context(ring);
    view! {
        <Stylesheet id="hearth" href="/style/hearth.css"/>
        <Title text="Hearth"/>
        <Meta name="theme-color" content="#c2410c"/>
        <Meta name="description" content="Private, end-to-end encrypted chat for this network"/>
        <Link rel="icon" href="/style/icon.svg"/>
        <Router>
            <Routes fallback=|| view! { <main class="auth"><p class="card">"Page not found."</p></main> }>
                <Route path=path!("/") view=pages::chat::ChatPage/>
                <Route path=path!("/login") view=pages::login::LoginPage/>
                <Route path=path!("/register") view=pages::register::RegisterPage/>
                <Route path=path!("/recover") view=pages::recover::RecoverPage/>
            </Routes>
        </Router>
    }
}
