//! Leptos keeps a browser-only value (`LocalStorage`: `new_local`, `StoredValue::new_local`)
//! in a wrapper that panics when it is dropped on a thread other than the one that made
//! it. The server renders a page on one tokio worker and may drop it on another (the
//! response's task moves between workers), which took the whole server down in CI. So
//! no page may keep such a value on the server: each page here is rendered on one
//! thread, and what is left of it is finished and dropped on another.
#![cfg(feature = "ssr")]

use futures::StreamExt;
use futures::executor::block_on;
use hydration_context::SsrSharedContext;
use leptos::prelude::*;
use leptos_router::location::RequestUrl;
use std::sync::Arc;
use std::thread;

fn render_here_finish_elsewhere(path: &'static str) {
    let (owner, stream, first) = thread::spawn(move || {
        let owner = Owner::new_root(Some(Arc::new(SsrSharedContext::new())));
        let mut stream = owner.with(|| {
            provide_context(RequestUrl::new(path));
            view! { <app::App/> }.to_html_stream_out_of_order()
        });
        let first = owner.with(|| block_on(stream.next()));
        (owner, stream, first)
    })
    .join()
    .unwrap_or_else(|_| panic!("{path}: rendering panicked"));
    let html = thread::spawn(move || {
        let mut html = first.unwrap_or_default();
        let mut stream = stream;
        while let Some(chunk) = owner.with(|| block_on(stream.next())) {
            html.push_str(&chunk);
        }
        drop(stream);
        drop(owner);
        html
    })
    .join()
    .unwrap_or_else(|_| panic!("{path}: dropping the page on another thread panicked"));
    assert!(!html.is_empty(), "{path}: rendered nothing");
}

#[test]
fn every_page_can_be_dropped_on_another_thread() {
    for path in [
        "/",
        "/login",
        "/register",
        "/recover",
        "/admin",
        "/no-such-page",
    ] {
        render_here_finish_elsewhere(path);
    }
}
