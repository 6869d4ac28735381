//! Calls from a direct conversation: the state of this tab's call, what the person does
//! (call, answer, decline, hang up, mute), the signals from the other side
//! (`signals.rs`) and the screens (`view.rs`). The media is the browser's WebRTC
//! (`client::rtc`); the signalling is sealed between the two people.

mod devices;
mod reconnect;
mod signals;
mod view;
pub use view::{CallBar, CallButtons, CallProblem, CallScreen, IncomingCall};

use super::state::{CallInfo, Chat, Phase};
use crate::client::browser;
use crate::client::rtc::{Link, Rtc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::MessageContent;
use protocol::api::call::{Media, Outcome, RING_MS, Signal, SignalBody};
use protocol::api::relay::RelayPass;
use protocol::frames::ClientFrame;
use protocol::{Bytes, CallId, ConversationId};
use std::rc::Rc;

/// How long a call waits for the server's relay pass before going on without one (on a
/// LAN the answer takes milliseconds).
const RELAY_WAIT_MS: i64 = 2_000;

impl Chat {
    /// Seals and sends a signal of `info`'s call to its peer (and the user's other tabs).
    pub(super) fn signal(&self, info: &CallInfo, body: SignalBody) -> bool {
        let (Some(dm), Some(socket), Some(peer)) = (
            self.keys.dm.get_value(),
            self.connection.socket.get_value(),
            self.peer(info.conv),
        ) else {
            return false;
        };
        let signal = Signal {
            call: info.call,
            tab: self.call.tab.get_value(),
            at: browser::now_ms(),
            body,
        };
        match dm.seal_signal(info.conv, &peer, &signal) {
            Ok(sealed) => {
                socket.send_now(ClientFrame::Signal {
                    conversation: info.conv,
                    envelope: Bytes(sealed),
                });
                true
            }
            Err(e) => {
                self.call
                    .problem
                    .set(Some(format!("The call could not be set up: {e}")));
                false
            }
        }
    }

    /// Rings the peer of the open conversation.
    pub fn start_call(&self, media: Media) {
        let Some(conv) = self.list.current.get_untracked() else {
            return;
        };
        let (Some(peer), Ok(call)) = (self.peer(conv), CallId::random()) else {
            return;
        };
        if self.call.phase.get_untracked() != Phase::Idle || !self.may_send(conv) {
            return;
        }
        let info = CallInfo {
            call,
            conv,
            peer: peer.id,
            media,
            caller: true,
        };
        self.call.problem.set(None);
        self.call.phase.set(Phase::Calling(info.clone()));
        let this = *self;
        spawn_local(async move {
            let Some(rtc) = this.open_media(&info).await else {
                return;
            };
            match rtc.offer().await {
                Ok(sdp) if this.is_phase_of(&info) => {
                    this.signal(&info, SignalBody::Ring { media, sdp });
                }
                Ok(_) => {}
                Err(e) => this.fail_call(&format!("The call could not start: {e}")),
            }
        });
        // Nobody answered in time: a missed call.
        let this = *self;
        set_timeout(
            move || {
                if matches!(this.call.phase.get_untracked(), Phase::Calling(ref i) if i.call == call)
                {
                    this.hang_up();
                }
            },
            std::time::Duration::from_millis(RING_MS as u64),
        );
    }

    /// Opens the microphone (and camera) for `info`'s call; None (and the call ended, with
    /// the reason shown) if the browser refuses.
    async fn open_media(&self, info: &CallInfo) -> Option<Rc<Rtc>> {
        let this = *self;
        let on_link = Box::new(move |l: Link| this.on_link(l));
        // The screen hands the streams to its videos again when the other side's arrive.
        let on_media = Box::new(move || this.call.ready.update(|n| *n += 1));
        let relay = self.relay_pass(info.conv).await;
        match Rtc::start(info.media, relay, on_link, on_media).await {
            Ok(rtc) => {
                let rtc = Rc::new(rtc);
                self.call.rtc.set_value(Some(rtc.clone()));
                self.call.ready.update(|n| *n += 1);
                self.call.muted.set(false);
                self.call.camera.set(info.media == Media::Video);
                Some(rtc)
            }
            Err(e) => {
                // The caller has rung nobody yet; the callee says no.
                if !info.caller {
                    self.signal(info, SignalBody::Decline { busy: false });
                }
                self.fail_call(&e);
                None
            }
        }
    }

    /// Asks the server for a pass to its relay, and waits a moment for it: without one
    /// the call still goes wherever the two devices reach each other directly.
    async fn relay_pass(&self, conv: ConversationId) -> Option<RelayPass> {
        self.call.relay.set_value(None);
        self.connection
            .socket
            .get_value()?
            .send_now(ClientFrame::Relay { conversation: conv });
        let start = browser::now_ms();
        while browser::now_ms() - start < RELAY_WAIT_MS {
            if let Some((c, pass)) = self.call.relay.get_value()
                && c == conv
            {
                return pass;
            }
            browser::sleep(20).await;
        }
        None
    }

    /// The server's answer to `relay_pass`.
    pub(in crate::pages::chat) fn on_relay_pass(
        &self,
        conv: ConversationId,
        pass: Option<RelayPass>,
    ) {
        self.call.relay.set_value(Some((conv, pass)));
    }

    fn on_link(&self, link: Link) {
        self.call.link.set(link);
        if matches!(link, Link::Interrupted | Link::Failed) {
            self.mend();
        }
        if link == Link::Connected {
            self.find_path();
            self.call.phase.update(|p| {
                if let Phase::Active(_, since @ None) = p {
                    *since = Some(browser::now_ms() as f64);
                }
            });
        }
    }

    /// Which way the media goes, for the call screen (again after each reconnection: a
    /// blip may have moved it).
    fn find_path(&self) {
        let Some(rtc) = self.call.rtc.get_value() else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            // The pair in use is chosen as the connection completes; it may lag a moment.
            for _ in 0..10 {
                let path = rtc.path().await;
                // A call that ended meanwhile shows nothing of it.
                let current = this
                    .call
                    .rtc
                    .with_value(|r| r.as_ref().is_some_and(|r| Rc::ptr_eq(r, &rtc)));
                if !current {
                    return;
                }
                if path.is_some() {
                    return this.call.path.set(path);
                }
                browser::sleep(200).await;
            }
        });
    }

    fn is_phase_of(&self, info: &CallInfo) -> bool {
        self.call
            .phase
            .with_untracked(|p| p.info().is_some_and(|i| i.call == info.call))
    }

    /// Answers the ringing call.
    pub fn accept_call(&self) {
        let Phase::Ringing(info, offer) = self.call.phase.get_untracked() else {
            return;
        };
        self.call.phase.set(Phase::Active(info.clone(), None));
        self.list.current.set(Some(info.conv));
        let this = *self;
        spawn_local(async move {
            let Some(rtc) = this.open_media(&info).await else {
                return;
            };
            match rtc.answer(&offer).await {
                Ok(sdp) if this.is_phase_of(&info) => {
                    this.signal(&info, SignalBody::Answer { sdp });
                }
                Ok(_) => {}
                Err(e) => {
                    this.signal(&info, SignalBody::Hangup);
                    this.fail_call(&format!("The call could not be answered: {e}"));
                }
            }
        });
    }

    /// Turns the ringing call down.
    pub fn decline_call(&self) {
        if let Phase::Ringing(info, _) = self.call.phase.get_untracked() {
            self.signal(&info, SignalBody::Decline { busy: false });
            self.end_call();
        }
    }

    /// Ends this tab's call: tells the other side, and the caller writes how it went.
    pub fn hang_up(&self) {
        let phase = self.call.phase.get_untracked();
        let Some(info) = phase.info().cloned() else {
            return;
        };
        self.signal(&info, SignalBody::Hangup);
        match phase {
            Phase::Calling(_) => self.record_call(&info, Outcome::Missed, 0),
            Phase::Active(_, since) => self.record_call(&info, Outcome::Ended, seconds(since)),
            _ => {}
        }
        self.end_call();
    }

    /// The call is over here: the connection and devices are let go.
    pub(super) fn end_call(&self) {
        if let Some(rtc) = self.call.rtc.get_value() {
            rtc.close();
        }
        self.call.rtc.set_value(None);
        self.call.offer_at.set_value(0);
        self.call.link.set(Link::Connecting);
        self.call.path.set(None);
        self.call.sharing.set(false);
        self.call.folded.set(false);
        self.call.phase.set(Phase::Idle);
    }

    pub(super) fn fail_call(&self, why: &str) {
        self.end_call();
        self.call.problem.set(Some(why.to_string()));
    }

    /// The caller's line in the conversation: "Call, 12 s", "Missed call".
    pub(super) fn record_call(&self, info: &CallInfo, outcome: Outcome, seconds: u32) {
        if info.caller {
            self.write_call_line(info, outcome, seconds);
        }
    }

    /// The call's line, whoever writes it (the callee only when the caller cannot).
    pub(super) fn write_call_line(&self, info: &CallInfo, outcome: Outcome, seconds: u32) {
        let content = MessageContent::Call {
            call: info.call,
            media: info.media,
            outcome,
            seconds,
        };
        self.send_content(info.conv, content, vec![]);
    }

    pub fn set_call_muted(&self, muted: bool) {
        if let Some(rtc) = self.call.rtc.get_value() {
            rtc.set_muted(muted);
        }
        self.call.muted.set(muted);
    }

    /// Shares a screen in the camera's place, or goes back to the camera.
    pub fn set_sharing(&self, on: bool) {
        let Some(rtc) = self.call.rtc.get_value() else {
            return;
        };
        if !on {
            rtc.stop_sharing();
            self.call.sharing.set(false);
            return;
        }
        let this = *self;
        spawn_local(async move {
            // The browser's own "Stop sharing" ends it too.
            let ended = Box::new(move || this.call.sharing.set(false));
            match rtc.share_screen(ended).await {
                Ok(()) => this.call.sharing.set(true),
                Err(e) => this.call.problem.set(Some(e)),
            }
        });
    }

    pub fn set_call_camera(&self, on: bool) {
        if let Some(rtc) = self.call.rtc.get_value() {
            rtc.set_camera(on);
        }
        self.call.camera.set(on);
    }
}

/// Whole seconds since `since` (ms), none if it never connected.
fn seconds(since: Option<f64>) -> u32 {
    seconds_until(since, browser::now_ms() as f64)
}

/// Whole seconds from `since` to `until` (ms), none if it never connected.
fn seconds_until(since: Option<f64>, until: f64) -> u32 {
    since.map_or(0, |s| ((until - s) / 1000.0).max(0.0) as u32)
}
