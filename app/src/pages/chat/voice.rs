//! Voice messages: the microphone button in the composer (tap to start and stop, or hold
//! and let go to send, sliding away to cancel) with its timer and level meter, and the
//! player in a message (waveform, scrubber, speed). The recording is `client::voice`;
//! it travels as an encrypted file whose message carries its length and waveform.

use super::state::Chat;
use leptos::html::Audio;
use leptos::prelude::*;
use protocol::api::{FileMeta, Voice};

/// `m:ss` for a voice message's time.
fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// A press held this long is "hold to record": letting go sends.
const HOLD_MS: f64 = 400.0;
/// Sliding this far away from the button while holding cancels.
const SLIDE_PX: i32 = 80;

/// A recording under way, as the composer shows it.
#[derive(Clone, Copy)]
struct Take {
    recorder: StoredValue<Option<crate::client::voice::Recorder>, LocalStorage>,
    on: RwSignal<bool>,
    millis: RwSignal<u32>,
    level: RwSignal<u8>,
}

impl Take {
    fn new() -> Self {
        Self {
            recorder: StoredValue::new_local(None),
            on: RwSignal::new(false),
            millis: RwSignal::new(0),
            level: RwSignal::new(0),
        }
    }

    /// Opens the microphone (its meter made inside the tap) and records.
    fn start(self, chat: Chat) {
        #[cfg(feature = "hydrate")]
        {
            use crate::client::voice::Recorder;
            let ctx = match Recorder::context() {
                Ok(ctx) => ctx,
                Err(e) => return chat.error.set(Some(e)),
            };
            leptos::task::spawn_local(async move {
                match Recorder::start(ctx).await {
                    Ok(rec) => {
                        self.recorder.set_value(Some(rec));
                        self.on.set(true);
                        self.tick();
                    }
                    Err(e) => chat.error.set(Some(e)),
                }
            });
        }
        let _ = chat;
    }

    /// Stops: sends the recording to the open conversation, or throws it away.
    fn stop(self, chat: Chat, send: bool) {
        self.on.set(false);
        let Some(rec) = self.recorder.try_update_value(|r| r.take()).flatten() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        match chat.list.current.get_untracked().filter(|_| send) {
            Some(conv) => leptos::task::spawn_local(async move {
                match rec.finish().await {
                    Ok((file, voice)) => chat.send_file(conv, file, Some(voice)),
                    Err(e) => chat.error.set(Some(e)),
                }
            }),
            None => rec.cancel(),
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (rec, send, chat);
    }

    /// Samples the meter and the clock ten times a second while recording.
    #[cfg(feature = "hydrate")]
    fn tick(self) {
        leptos::task::spawn_local(async move {
            while self.on.get_untracked() {
                self.recorder.with_value(|r| {
                    if let Some(r) = r {
                        self.level.set(r.sample());
                        self.millis.set(r.millis());
                    }
                });
                crate::client::browser::sleep(100).await;
            }
        });
    }
}

/// The microphone button, and while recording the bar with the timer and the meter.
#[component]
pub fn VoiceRecorder() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let take = Take::new();
    let (recording, millis, level) = (take.on, take.millis, take.level);
    // Where and when the press began, while the button is held.
    let press = StoredValue::new(None::<(i32, f64)>);
    let stop = move |send: bool| {
        press.set_value(None);
        take.stop(chat, send);
    };
    let start = move || take.start(chat);
    let down = move |ev: leptos::ev::PointerEvent| {
        if recording.get_untracked() {
            return;
        }
        // Held, the press stays the button's wherever the finger slides.
        #[cfg(feature = "hydrate")]
        if let Some(el) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        press.set_value(Some((
            ev.client_x(),
            crate::client::browser::now_ms() as f64,
        )));
        start();
    };
    let up = move |_| {
        #[cfg(feature = "hydrate")]
        crate::client::voice::Recorder::tapped();
        let held = press
            .get_value()
            .is_some_and(|(_, at)| crate::client::browser::now_ms() as f64 - at >= HOLD_MS);
        press.set_value(None);
        if held {
            stop(true);
        }
    };
    let slide = move |ev: leptos::ev::PointerEvent| {
        if press
            .get_value()
            .is_some_and(|(x, _)| x - ev.client_x() > SLIDE_PX)
        {
            stop(false);
        }
    };
    view! {
        <Show when=move || recording.get()>
            <div class="recording" role="status" aria-label="Recording a voice message">
                <span class="dot" aria-hidden="true"></span>
                <span class="time">{move || clock(millis.get() as f64 / 1000.0)}</span>
                <span class="meter" aria-hidden="true">
                    <span style=move || format!("width: {}%", u32::from(level.get()) * 100 / 255)></span>
                </span>
                <span class="hint">"Slide left to cancel"</span>
                <button type="button" class="ghost" on:click=move |_| stop(false)>"Cancel"</button>
                <button type="button" on:click=move |_| stop(true)>"Send voice message"</button>
            </div>
        </Show>
        <button type="button" class="ghost voice" aria-label="Record a voice message"
            title="Tap to record, tap Send to send; or hold, and let go to send"
            class:on=move || recording.get() aria-pressed=move || recording.get().to_string()
            on:pointerdown=down on:pointerup=up on:pointermove=slide>
            <span class="i i-mic" aria-hidden="true"></span>
        </button>
    }
}

/// A voice message in the conversation: play and pause, where it is on its waveform,
/// a scrubber and the speed. The audio is fetched and decrypted on the first play.
#[component]
pub fn VoiceNote(meta: FileMeta, voice: Voice) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let audio = NodeRef::<Audio>::new();
    let (playing, at, speed) = (RwSignal::new(false), RwSignal::new(0.0), RwSignal::new(1.0));
    let total = f64::from(voice.millis) / 1000.0;
    let bars = voice.levels.0.clone();
    let n = bars.len().max(1) as f64;
    let loading = RwSignal::new(false);
    let toggle = move |_| {
        #[cfg(feature = "hydrate")]
        play_or_fetch(chat, audio, &meta, speed, loading);
        let _ = (&meta, chat);
    };
    let seek = move |ev| {
        let Ok(t) = event_target_value(&ev).parse::<f64>() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        if let Some(a) = audio.get_untracked() {
            a.set_current_time(t);
        }
        at.set(t);
    };
    let faster = move |_| {
        let next = match speed.get_untracked() {
            s if s < 1.25 => 1.5,
            s if s < 1.75 => 2.0,
            _ => 1.0,
        };
        speed.set(next);
        #[cfg(feature = "hydrate")]
        if let Some(a) = audio.get_untracked() {
            a.set_playback_rate(next);
        }
    };
    let moved = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(a) = audio.get_untracked() {
            at.set(a.current_time());
        }
    };
    let wave = bars
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let height = 12 + u32::from(*l) * 88 / 255;
            let played = move || (i as f64 + 0.5) / n <= at.get() / total.max(0.001);
            view! { <span style=format!("height: {height}%") class:played=played></span> }
        })
        .collect_view();
    view! {
        <div class="voice-note" role="group" aria-label="Voice message">
            <button type="button" class="ghost play" on:click=toggle disabled=move || loading.get()
                aria-label=move || if playing.get() { "Pause voice message" } else { "Play voice message" }>
                <span class=move || if playing.get() { "i i-pause" } else { "i i-play" } aria-hidden="true"></span>
            </button>
            <span class="wave" aria-hidden="true">{wave}</span>
            <input type="range" class="scrub" min="0" max=total step="0.1" aria-label="Position"
                prop:value=move || at.get() on:input=seek/>
            <span class="time">{move || format!("{} / {}", clock(at.get()), clock(total))}</span>
            <button type="button" class="ghost small speed" aria-label="Playback speed" on:click=faster>
                {move || format!("{}×", speed.get())}
            </button>
            <audio node_ref=audio preload="none"
                on:play=move |_| playing.set(true) on:pause=move |_| playing.set(false)
                on:timeupdate=moved></audio>
        </div>
    }
}

/// Plays or pauses; on the first play, fetches and decrypts the audio first.
#[cfg(feature = "hydrate")]
fn play_or_fetch(
    chat: Chat,
    audio: NodeRef<Audio>,
    meta: &FileMeta,
    speed: RwSignal<f64>,
    loading: RwSignal<bool>,
) {
    let Some(a) = audio.get_untracked() else {
        return;
    };
    if !a.src().is_empty() {
        if a.paused() {
            play(&a);
        } else {
            let _ = a.pause();
        }
        return;
    }
    let meta = meta.clone();
    loading.set(true);
    leptos::task::spawn_local(async move {
        // As `dyn`, the one instance of the download the image viewer uses too.
        let quiet: &dyn Fn(u64) = &|_| {};
        let got =
            crate::client::files::fetch_file(&meta.id, &meta.key, meta.size, &meta.mime, quiet)
                .await;
        loading.set(false);
        match got.ok().and_then(|b| crate::client::files::blob_url(&b)) {
            Some(url) => {
                a.set_src(&url);
                a.set_playback_rate(speed.get_untracked());
                play(&a);
            }
            None => chat
                .error
                .set(Some("The voice message could not be fetched.".into())),
        }
    });
}

/// Plays; a play cut short by a pause is not an error.
#[cfg(feature = "hydrate")]
fn play(a: &web_sys::HtmlAudioElement) {
    if let Ok(p) = a.play() {
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        });
    }
}
