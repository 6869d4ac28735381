//! The audit log: what admins did, newest first, a page at a time.

use super::Panel;
use crate::Answered;
use crate::api;
use crate::pages::chat::message::when;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::admin::AuditEntry;

#[component]
pub fn AuditLog() -> impl IntoView {
    let panel = expect_context::<Panel>();
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let more = RwSignal::new(false);
    let load = move |before: Option<i64>| {
        spawn_local(async move {
            match api::admin_audit(before).await.answered() {
                Ok(page) => {
                    more.set(page.len() as u64 >= 100);
                    if before.is_some() {
                        entries.update(|e| e.extend(page));
                    } else {
                        entries.set(page);
                    }
                }
                Err(e) => panel.error.set(Some(e.to_string())),
            }
        })
    };
    // Reloaded after every action, so what was just done is on top.
    Effect::new(move |_| {
        panel.changed.track();
        load(None);
    });
    let older = move |_| load(entries.with_untracked(|e| e.last().map(|e| e.id)));
    view! {
        <section class="admin-card audit" aria-label="Audit log">
            <h2>"Audit log"</h2>
            <Show when=move || !entries.with(Vec::is_empty) fallback=|| view! { <p class="empty">"Nothing yet."</p> }>
                <table>
                    <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Whom"</th><th>"Details"</th></tr></thead>
                    <tbody>
                        <For each=move || entries.get() key=|e| e.id let:e>
                            <tr>
                                <td>{when(e.at)}</td>
                                <td>{e.actor.clone()}</td>
                                <td>{e.action.clone()}</td>
                                <td>{e.target.clone().map(|t| format!("@{t}")).unwrap_or_default()}</td>
                                <td>{e.detail.clone().unwrap_or_default()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
            <Show when=move || more.get()>
                <button class="ghost" on:click=older>"Older entries"</button>
            </Show>
        </section>
    }
    .into_any()
}
