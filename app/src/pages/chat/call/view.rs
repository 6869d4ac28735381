//! The call screens: the buttons that start a call, the incoming call, and the call
//! itself (the other person large, oneself small, the controls below).

use crate::client::rtc::{Link, Path};
use crate::pages::chat::state::{Chat, Phase};
use leptos::html::Video;
use leptos::prelude::*;
use protocol::api::call::Media;

/// "Voice call" and "Video call" in a direct conversation's head. Calls need a secure
/// context (the browser offers no microphone otherwise): over plain HTTP they say why.
#[component]
pub fn CallButtons() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let busy = move || chat.call.phase.with(|p| *p != Phase::Idle);
    // Read in the browser (the server renders as if secure).
    let secure = crate::client::browser::is_secure_context;
    let button = move |media: Media, label: &'static str, icon: &'static str| {
        let title = move || {
            if secure() {
                label
            } else {
                "Calls need HTTPS: open Hearth at its https:// address"
            }
        };
        view! {
            <button class="ghost call-start" aria-label=label title=title
                disabled=move || busy() || !secure() on:click=move |_| chat.start_call(media)>
                <span class=format!("i {icon}") aria-hidden="true"></span>
            </button>
        }
    };
    view! {
        {button(Media::Audio, "Voice call", "i-phone")}
        {button(Media::Video, "Video call", "i-video")}
    }
}

/// Someone is calling this tab: answer, decline, or go to the conversation to write.
#[component]
pub fn IncomingCall() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let ringing = move || match chat.call.phase.get() {
        Phase::Ringing(info, _) => Some(info),
        _ => None,
    };
    move || {
        ringing().map(|info| {
            let person = chat.peer(info.conv);
            let name = chat.name_of(&info.peer);
            let verified = person.as_ref().is_some_and(|p| chat.is_verified(p));
            let what = if info.media == Media::Video { "Video call" } else { "Voice call" };
            let conv = info.conv;
            view! {
                <div class="incoming-call" role="alertdialog" aria-label=format!("{name} is calling")>
                    <p class="who"><strong>{name.clone()}</strong>" is calling"</p>
                    <p class="what">{what}
                        {verified.then(|| view! { " · "<span class="badge" title="You compared safety numbers">"✓ Verified"</span> })}
                    </p>
                    <div class="actions">
                        <button class="accept" on:click=move |_| chat.accept_call()>
                            <span class="i i-phone" aria-hidden="true"></span>"Answer"</button>
                        <button class="decline" on:click=move |_| chat.decline_call()>
                            <span class="i i-phone-off" aria-hidden="true"></span>"Decline"</button>
                        <button class="ghost" on:click=move |_| {
                            chat.decline_call();
                            chat.list.current.set(Some(conv));
                        }>"Message instead"</button>
                    </div>
                </div>
            }
        })
    }
}

/// `m:ss` (or `h:mm:ss`) for a call's running time.
fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// What the call is doing, in words: "Ringing…", "Connecting…", or its running time.
fn status(chat: Chat, now: f64) -> String {
    match chat.call.phase.get() {
        Phase::Calling(_) => "Ringing…".to_string(),
        Phase::Active(..) if matches!(chat.call.link.get(), Link::Interrupted | Link::Failed) => {
            "Reconnecting…".into()
        }
        Phase::Active(_, Some(since)) => clock(((now - since) / 1000.0).max(0.0) as u64),
        _ => "Connecting…".into(),
    }
}

/// This tab rings someone or talks with them.
fn on_call(chat: Chat) -> bool {
    chat.call
        .phase
        .with(|p| matches!(p, Phase::Calling(_) | Phase::Active(..)))
}

/// A clock (ms) that ticks each second during a call, in the browser only (the server
/// renders the call hidden); between calls nothing is redrawn.
fn ticking(chat: Chat) -> RwSignal<f64> {
    let now = RwSignal::new(crate::client::browser::now_ms() as f64);
    #[cfg(feature = "hydrate")]
    {
        let on = move || {
            chat.call
                .phase
                .with_untracked(|p| matches!(p, Phase::Calling(_) | Phase::Active(..)))
        };
        let tick = set_interval_with_handle(
            move || {
                if on() {
                    now.set(crate::client::browser::now_ms() as f64)
                }
            },
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(t) = tick {
                t.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = chat;
    now
}

/// The call, folded into a bar above the chat: who, how long, back to it, hang up.
#[component]
pub fn CallBar() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let now = ticking(chat);
    let name = move || {
        chat.call
            .phase
            .with(|p| p.info().map(|i| chat.name_of(&i.peer)))
            .unwrap_or_default()
    };
    view! {
        <div class="call-bar" role="region" aria-label="Call in progress" hidden=move || !(on_call(chat) && chat.call.folded.get())>
            <span class="i i-phone" aria-hidden="true"></span>
            <span class="name">{name}</span>
            <span class="clock">{move || status(chat, now.get())}</span>
            <button class="ghost" on:click=move |_| chat.call.folded.set(false)>"Return to call"</button>
            <button class="hang-up" on:click=move |_| chat.hang_up()>"Hang up"</button>
        </div>
    }
}

/// This tab's call, while it rings the other side or runs.
#[component]
pub fn CallScreen() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let remote = NodeRef::<Video>::new();
    let local = NodeRef::<Video>::new();
    let now = ticking(chat);
    // The streams go to the video elements once the devices are open.
    Effect::new(move |_| {
        chat.call.ready.track();
        #[cfg(feature = "hydrate")]
        if let Some(rtc) = chat.call.rtc.get_value() {
            if let Some(v) = remote.get() {
                // Again with each new track, and played: a video given a stream before
                // its tracks came may stay black.
                v.set_src_object(None);
                v.set_src_object(Some(&rtc.remote()));
                // On the speaker chosen in an earlier call (failing, the default plays).
                if let Some(id) =
                    crate::client::devices::chosen(crate::client::devices::Kind::Speaker)
                {
                    leptos::task::spawn_local(async move {
                        let _ = super::devices::play_on(remote, &id).await;
                    });
                }
                // A play cut short by the next track's is not an error.
                if let Ok(p) = v.play() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = wasm_bindgen_futures::JsFuture::from(p).await;
                    });
                }
            }
            if let Some(v) = local.get() {
                v.set_src_object(Some(&rtc.local));
            }
        }
    });
    let status = move || status(chat, now.get());
    let shown = move || on_call(chat) && !chat.call.folded.get();
    let info = move || chat.call.phase.with(|p| p.info().cloned());
    let video = move || info().is_some_and(|i| i.media == Media::Video);
    let name = move || info().map(|i| chat.name_of(&i.peer)).unwrap_or_default();
    let verified = move || {
        info()
            .and_then(|i| chat.peer(i.conv))
            .is_some_and(|p| chat.is_verified(&p))
    };
    let path_label = move || match chat.call.path.get() {
        Some(Path::Direct) => "Direct",
        Some(Path::Relayed) => "Relayed",
        None => "",
    };
    let path_title = move || match chat.call.path.get() {
        Some(Path::Direct) => "Straight between your two devices",
        Some(Path::Relayed) => {
            "Through this Hearth server's relay: your devices cannot reach each other \
             directly. It is still end-to-end encrypted."
        }
        None => "",
    };
    view! {
        <section class="call-screen" class:video=video role="dialog" aria-label=move || format!("Call with {}", name()) hidden=move || !shown()>
            <header>
                <span class="name">{name}</span>
                <Show when=verified>
                    <span class="badge" title="You compared safety numbers: nobody sits between you">"✓ Verified"</span>
                </Show>
                <span class="clock" role="status">{status}</span>
                <span class="path" title=path_title>{path_label}</span>
                <button class="ghost fold" on:click=move |_| chat.call.folded.set(true)>"Back to chat"</button>
            </header>
            <video class="remote" node_ref=remote autoplay playsinline></video>
            <video class="self" node_ref=local autoplay playsinline muted hidden=move || !video()></video>
            <div class="controls">
                <button class="ghost mute" aria-pressed=move || chat.call.muted.get().to_string()
                    on:click=move |_| chat.set_call_muted(!chat.call.muted.get_untracked())>
                    <span class=move || if chat.call.muted.get() { "i i-mic-off" } else { "i i-mic" } aria-hidden="true"></span>
                    {move || if chat.call.muted.get() { "Unmute" } else { "Mute" }}
                </button>
                <Show when=video>
                    <button class="ghost camera" aria-pressed=move || (!chat.call.camera.get()).to_string()
                        on:click=move |_| chat.set_call_camera(!chat.call.camera.get_untracked())>
                        <span class=move || if chat.call.camera.get() { "i i-video" } else { "i i-video-off" } aria-hidden="true"></span>
                        {move || if chat.call.camera.get() { "Camera off" } else { "Camera on" }}
                    </button>
                </Show>
                <Show when=move || video() && crate::client::rtc::can_share_screen()>
                    <button class="ghost share" aria-pressed=move || chat.call.sharing.get().to_string()
                        on:click=move |_| chat.set_sharing(!chat.call.sharing.get_untracked())>
                        <span class="i i-monitor-up" aria-hidden="true"></span>
                        {move || if chat.call.sharing.get() { "Stop sharing" } else { "Share screen" }}
                    </button>
                </Show>
                <super::devices::DeviceChoice remote video=Signal::derive(video)/>
                <button class="hang-up" on:click=move |_| chat.hang_up()>
                    <span class="i i-phone-off" aria-hidden="true"></span>"Hang up"</button>
            </div>
        </section>
    }
}

/// Why the last call ended badly (refused devices, a changed setup), until dismissed.
#[component]
pub fn CallProblem() -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! { <crate::pages::chat::notices::Alarm label="About your call" text=chat.call.problem/> }
}
