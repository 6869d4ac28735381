//! Getting the user's attention: the unread count in the tab's title, short sounds (new
//! message, private message, a contact coming and going) with a mute switch, and desktop
//! notifications while the tab is out of sight.

use super::state::Chat;
use crate::client::browser;
use leptos::prelude::*;
use protocol::UserId;
use protocol::frames::StoredMessage;

const MUTE_KEY: &str = "hearth.mute";
/// Sounds closer together than this are one (a burst after a reconnect is one chime).
const QUIET_MS: i64 = 1_000;

/// What a sound is for; each has its own notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sound {
    Message,
    Private,
    Online,
    Offline,
    /// An incoming call, repeated while it rings.
    Ring,
}

impl Sound {
    fn notes(self) -> &'static [f32] {
        match self {
            Sound::Message => &[660.0, 880.0],
            Sound::Private => &[880.0, 660.0, 990.0],
            Sound::Online => &[523.0, 784.0],
            Sound::Offline => &[784.0, 523.0],
            Sound::Ring => &[784.0, 659.0, 784.0, 659.0],
        }
    }
}

pub fn muted() -> bool {
    browser::local_get(MUTE_KEY).as_deref() == Some("1")
}

pub fn set_muted(on: bool) {
    browser::local_set(MUTE_KEY, if on { "1" } else { "0" });
}

impl Chat {
    /// "(3) Hearth" while anything is unread.
    pub fn title(&self) -> String {
        // The server knows of nothing unread, and reads no signal here: leptos_meta renders
        // the title into the page's head outside the request's reactive arena, where a
        // signal read panics now and then (leptos-rs/leptos#3729; reset.spec caught it).
        #[cfg(not(feature = "hydrate"))]
        let unread = 0;
        #[cfg(feature = "hydrate")]
        let unread: u32 = self
            .list
            .conversations
            .with(|cs| cs.iter().map(|c| c.unread).sum());
        if unread == 0 {
            "Hearth".into()
        } else {
            format!("({unread}) Hearth")
        }
    }

    /// A message from someone else arrived: a sound, and a notification when the tab is
    /// out of sight (it names the conversation, not the words).
    pub(super) fn alert_message(&self, m: &StoredMessage, open: bool) {
        let hidden = browser::hidden();
        if open && !hidden {
            return;
        }
        let private = !self.is_group(m.conversation);
        self.play(if private {
            Sound::Private
        } else {
            Sound::Message
        });
        if hidden {
            let from = self.name_of(&m.sender);
            let place = if private {
                from.clone()
            } else {
                self.list
                    .conversations
                    .with_untracked(|cs| {
                        cs.iter()
                            .find(|c| c.id == m.conversation)
                            .and_then(|c| c.group.as_ref().map(|g| g.name.clone()))
                    })
                    .unwrap_or_else(|| "a group".into())
            };
            let body = if private {
                "New message".to_string()
            } else {
                format!("New message from {from}")
            };
            notify(&place, &body);
        }
    }

    /// Someone the user talks to directly came online or left.
    pub(super) fn alert_presence(&self, user: UserId, online: bool, was_online: bool) {
        if online == was_online || self.me.get_untracked() == Some(user) {
            return;
        }
        let contact = self.list.conversations.with_untracked(|cs| {
            cs.iter()
                .any(|c| c.peer.as_ref().is_some_and(|p| p.id == user))
        });
        if contact {
            self.play(if online {
                Sound::Online
            } else {
                Sound::Offline
            });
        }
    }

    /// An incoming call: a ring (repeated by the caller of this while it rings) and, the
    /// first time, a desktop notification where allowed.
    pub(super) fn alert_call(&self, name: &str, video: bool, first: bool) {
        self.play(Sound::Ring);
        if first {
            let what = if video { "Video call" } else { "Voice call" };
            notify(&format!("{name} is calling"), what);
        }
    }

    fn play(&self, sound: Sound) {
        if muted() {
            return;
        }
        let now = browser::now_ms();
        if now - self.sounded_at.get_value() < QUIET_MS {
            return;
        }
        self.sounded_at.set_value(now);
        tone(sound.notes());
    }
}

/// A few short sine notes through Web Audio (silent until the page has had a click or
/// key press, as browsers require).
fn tone(notes: &[f32]) {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::{AudioContext, OscillatorType};
        thread_local! {
            static CONTEXT: std::cell::OnceCell<Option<AudioContext>> = const { std::cell::OnceCell::new() };
        }
        let play = |ctx: &AudioContext| -> Result<(), wasm_bindgen::JsValue> {
            let _ = ctx.resume();
            // Until the page has had a click or key press the context stays suspended, and
            // notes queued meanwhile would all sound at once later.
            if ctx.state() != web_sys::AudioContextState::Running {
                return Ok(());
            }
            let start = ctx.current_time();
            for (i, f) in notes.iter().enumerate() {
                let at = start + i as f64 * 0.12;
                let osc = ctx.create_oscillator()?;
                osc.set_type(OscillatorType::Sine);
                osc.frequency().set_value(*f);
                let gain = ctx.create_gain()?;
                gain.gain().set_value_at_time(0.0, at)?;
                gain.gain().linear_ramp_to_value_at_time(0.12, at + 0.01)?;
                gain.gain()
                    .exponential_ramp_to_value_at_time(0.001, at + 0.15)?;
                osc.connect_with_audio_node(&gain)?;
                gain.connect_with_audio_node(&ctx.destination())?;
                osc.start_with_when(at)?;
                osc.stop_with_when(at + 0.16)?;
            }
            Ok(())
        };
        CONTEXT.with(|c| {
            if let Some(ctx) = c.get_or_init(|| AudioContext::new().ok()) {
                let _ = play(ctx);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = notes;
}

/// A desktop notification, if the user allowed them.
fn notify(title: &str, body: &str) {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::{Notification, NotificationOptions, NotificationPermission};
        // Some browsers (iOS Safari in a tab) have no Notification at all: asking would throw.
        if !has_notifications() || Notification::permission() != NotificationPermission::Granted {
            return;
        }
        let options = NotificationOptions::new();
        options.set_body(body);
        options.set_tag("hearth");
        let _ = Notification::new_with_options(title, &options);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (title, body);
}

/// Whether notifications can be asked for (the browser has them and has not been told
/// no), and asks.
pub fn can_ask_notifications() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::{Notification, NotificationPermission};
        has_notifications() && Notification::permission() == NotificationPermission::Default
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

#[cfg(feature = "hydrate")]
fn has_notifications() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false)
}

pub fn ask_notifications(done: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    if let Ok(p) = web_sys::Notification::request_permission() {
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
            done();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = done;
}

/// The mute switch and the notification offer, at the top of the sidebar.
#[component]
pub fn AttentionSwitches() -> impl IntoView {
    let mute = RwSignal::new(false);
    let askable = RwSignal::new(false);
    Effect::new(move |_| {
        mute.set(muted());
        askable.set(can_ask_notifications());
    });
    view! {
        <button type="button" class="ghost" aria-pressed=move || mute.get().to_string()
            aria-label="Mute sounds" title=move || if mute.get() { "Sounds off" } else { "Sounds on" }
            on:click=move |_| { let on = !mute.get_untracked(); set_muted(on); mute.set(on); }>
            <span class=move || if mute.get() { "i i-bell-off" } else { "i i-bell" } aria-hidden="true"></span>
        </button>
        <Show when=move || askable.get()>
            <button type="button" class="ghost small" on:click=move |_| ask_notifications(move || askable.set(can_ask_notifications()))>
                "Notify me"
            </button>
        </Show>
    }
}
