//! The user's signed-in browsers and devices, in the Account panel: which, from where,
//! when last used; any of them can be ended (a stolen cookie stops working at once).

use super::message::when;
use crate::Answered;
use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::SessionInfo;

/// "Firefox on Android" from a User-Agent: enough to recognise one's own devices.
pub fn describe(agent: Option<&str>) -> String {
    let Some(ua) = agent.filter(|a| !a.trim().is_empty()) else {
        return "Unknown browser".into();
    };
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let browser = [
        ("Edg", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map_or("A browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, name)| *name);
    match system {
        Some(s) => format!("{browser} on {s}"),
        None => browser.to_string(),
    }
}

/// "Active now" while a tab of it is connected, else when it was last seen. This
/// browser counts as active: it is the one asking.
fn activity(s: &SessionInfo) -> String {
    if s.live || s.current {
        "Active now".into()
    } else {
        format!("Last seen {}", when(s.last_seen))
    }
}

#[component]
pub fn Sessions(
    /// The Account panel is open.
    open: Signal<bool>,
) -> impl IntoView {
    let list = RwSignal::new(Vec::<SessionInfo>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            match api::sessions().await.answered() {
                Ok(l) => {
                    list.set(l);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        })
    };
    // Loaded each time the Account panel opens, so the list is fresh when looked at.
    Effect::new(move |_| {
        if open.get() {
            load();
        }
    });
    let end = move |id: String| {
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = api::end_session(id).await.answered() {
                error.set(Some(e.to_string()));
            }
            busy.set(false);
            load();
        })
    };
    let end_others = move |_| {
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = api::end_other_sessions().await.answered() {
                error.set(Some(e.to_string()));
            }
            busy.set(false);
            load();
        })
    };
    let others = move || list.with(|l| l.iter().filter(|s| !s.current).count());
    view! {
        <section class="sessions" aria-label="Signed-in devices">
            <h3>"Signed-in devices"</h3>
            <ul>
                // Keyed by what a row shows too: a reload redraws a device that went quiet.
                <For each=move || list.get() key=|s| (s.id.clone(), s.live, s.last_seen) let:s>
                    <li class="session">
                        <div>
                            <strong>{describe(s.agent.as_deref())}</strong>
                            {s.current.then(|| view! { <span class="tag">"This browser"</span> })}
                            <br/>
                            <span class="hint">
                                {s.address.clone().unwrap_or_else(|| "unknown address".into())}
                                " · " {activity(&s)}
                            </span>
                        </div>
                        {(!s.current).then(|| {
                            let id = s.id.clone();
                            let name = describe(s.agent.as_deref());
                            view! {
                                <button class="ghost small" disabled=move || busy.get()
                                    aria-label=format!("End the session of {name}")
                                    on:click=move |_| end(id.clone())>"End"</button>
                            }
                        })}
                    </li>
                </For>
            </ul>
            <Show when=move || { others() > 0 }>
                <button class="ghost small" disabled=move || busy.get() on:click=end_others>
                    "End all other sessions"
                </button>
            </Show>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn names_common_browsers() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0",
                "Firefox on Android",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "Safari on macOS",
            ),
            ("curl/8.5.0", "A browser"),
        ];
        for (ua, want) in cases {
            assert_eq!(describe(Some(ua)), want, "{ua}");
        }
        assert_eq!(describe(None), "Unknown browser");
    }
}
