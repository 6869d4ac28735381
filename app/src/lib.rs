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
pub use api::{Backend, SharedBackend};
pub use error::{Answer, Answered, ApiError, REFUSAL_HEADER};

use client::keyring::Keyring;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::sync::Arc;

/// The signed-in user's keys, shared by every page.
pub type KeyringSignal = RwSignal<Option<Arc<Keyring>>>;

/// The Content-Security-Policy: no plugins, no framing, connections and everything else
/// only to this origin. Scripts: this origin's files, the WebAssembly, and on a page the
/// inline hydration script carrying that response's `nonce`; nothing else inline.
pub fn csp(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; media-src 'self' blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action 'self'"
    )
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's own policy names its nonce; the server's default for other responses
    // has none (so an injected inline script is refused everywhere).
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(v) = http::HeaderValue::from_str(&csp(Some(&nonce))) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <HydrationScripts options/>
                <StrengthLoader/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// `hearthStrength()`: imports the password strength module (`strength/`, zxcvbn) the
/// first time a page asks, and the same promise after (a failed load may be tried
/// again). Inline, with the page's nonce: a dynamic `import()` needs JavaScript, and a
/// file of its own would be one more for the service worker to keep.
#[component]
fn StrengthLoader() -> impl IntoView {
    const LOADER: &str = "window.hearthStrength = () => window.__hearthStrength ??= \
        import('/pkg/strength.js').then(async m => { await m.default(); return m; }) \
        .catch(e => { window.__hearthStrength = undefined; throw e; });";
    let nonce = leptos::nonce::use_nonce();
    view! { <script nonce=nonce>{LOADER}</script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let ring: KeyringSignal = RwSignal::new(None);
    provide_context(ring);
    #[cfg(feature = "hydrate")]
    Effect::new(|_| client::files::register_worker());
    view! {
        <Stylesheet id="hearth" href="/style/hearth.css"/>
        <Title text="Hearth"/>
        <Meta name="theme-color" content="#c2410c"/>
        <Meta name="description" content="Private, end-to-end encrypted chat for this network"/>
        <Link rel="icon" href="/style/icon.svg"/>
        // Installable: the manifest, home-screen icons, and a service worker (which browsers
        // only allow in a secure context; elsewhere the app simply runs without one).
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <Link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
        <Meta name="apple-mobile-web-app-capable" content="yes"/>
        <Meta name="mobile-web-app-capable" content="yes"/>
        <Meta name="apple-mobile-web-app-title" content="Hearth"/>
        <Meta name="apple-mobile-web-app-status-bar-style" content="default"/>
        <Router>
            <Routes fallback=|| view! { <main class="auth"><p class="card">"Page not found."</p></main> }>
                <Route path=path!("/") view=pages::chat::ChatPage/>
                <Route path=path!("/login") view=pages::login::LoginPage/>
                <Route path=path!("/register") view=pages::register::RegisterPage/>
                <Route path=path!("/recover") view=pages::recover::RecoverPage/>
                <Route path=path!("/admin") view=pages::admin::AdminPage/>
            </Routes>
        </Router>
    }
}
