//! Choosing the microphone, camera and speaker during a call: the list is the browser's,
//! asked for each time the panel opens (a headset plugged in meanwhile shows), and the
//! choice is remembered for the next call.

use crate::client::devices::{self, Device, Kind};
use crate::pages::chat::state::Chat;
use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;

impl Chat {
    /// Switches the call to the device `id` of `kind`, and remembers it.
    fn choose_device(&self, kind: Kind, id: String, remote: NodeRef<Video>) {
        devices::remember(kind, &id);
        let this = *self;
        spawn_local(async move {
            let done = match (kind, this.call.rtc.get_value()) {
                (Kind::Speaker, _) => play_on(remote, &id).await,
                (_, Some(rtc)) => rtc.use_device(kind).await,
                (_, None) => Ok(()),
            };
            if let Err(e) = done {
                this.call.problem.set(Some(e));
            }
        });
    }
}

/// Plays the other side on the speaker `id` ("" or "default": the system's).
pub(super) async fn play_on(remote: NodeRef<Video>, id: &str) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    if let Some(v) = remote.get_untracked() {
        let id = if id == "default" { "" } else { id };
        return devices::set_speaker(&v, id).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (remote, id);
    Ok(())
}

/// The device of `kind` in use now; for speakers None where the browser cannot choose.
fn in_use(chat: Chat, kind: Kind, remote: NodeRef<Video>) -> Option<String> {
    match kind {
        Kind::Speaker => {
            #[cfg(feature = "hydrate")]
            let sink = remote
                .get_untracked()
                .and_then(|v| devices::speaker_of(&v))
                .map(|id| if id.is_empty() { "default".into() } else { id });
            #[cfg(not(feature = "hydrate"))]
            let sink = {
                let _ = remote;
                None
            };
            sink
        }
        _ => chat.call.rtc.get_value()?.device(kind),
    }
}

/// The browser's devices, each marked if in use; no speakers where none can be chosen.
async fn found(chat: Chat, remote: NodeRef<Video>) -> Vec<(Device, bool)> {
    let using = [Kind::Mic, Kind::Camera, Kind::Speaker].map(|k| (k, in_use(chat, k, remote)));
    let mut numbered = 0;
    devices::list()
        .await
        .into_iter()
        .filter_map(|mut d| {
            let (_, current) = using.iter().find(|(k, _)| *k == d.kind)?;
            if d.kind == Kind::Speaker && current.is_none() {
                return None;
            }
            numbered += 1;
            if d.label.is_empty() {
                d.label = format!("Device {numbered}");
            }
            let on = current.as_deref() == Some(d.id.as_str());
            Some((d, on))
        })
        .collect()
}

/// A "Devices" button among the call's controls and the panel it opens.
#[component]
pub fn DeviceChoice(remote: NodeRef<Video>, video: Signal<bool>) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let open = RwSignal::new(false);
    let list = RwSignal::new(Vec::<(Device, bool)>::new());
    let toggle = move |_| {
        if open.get_untracked() {
            return open.set(false);
        }
        spawn_local(async move {
            list.set(found(chat, remote).await);
            open.set(true);
        });
    };
    let choice = move |kind: Kind, label: &'static str| {
        let options = move || {
            list.with(|l| {
                l.iter()
                    .filter(|(d, _)| d.kind == kind)
                    .map(|(d, on)| view! { <option value=d.id.clone() selected=*on>{d.label.clone()}</option> })
                    .collect_view()
            })
        };
        let shown = move || {
            (kind != Kind::Camera || video.get())
                && list.with(|l| l.iter().any(|(d, _)| d.kind == kind))
        };
        view! {
            <label hidden=move || !shown()>{label}
                <select on:change=move |e| chat.choose_device(kind, event_target_value(&e), remote)>{options}</select>
            </label>
        }
    };
    view! {
        <button class="ghost" aria-expanded=move || open.get().to_string() on:click=toggle>
            <span class="i i-settings" aria-hidden="true"></span>"Devices"</button>
        <div class="devices" role="group" aria-label="Devices" hidden=move || !open.get()>
            {choice(Kind::Mic, "Microphone")}
            {choice(Kind::Camera, "Camera")}
            {choice(Kind::Speaker, "Speaker")}
        </div>
    }
}
