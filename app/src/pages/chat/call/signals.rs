//! What the other side (or another tab of the user's own) says about a call. A signal
//! that does not open is never acted on: if it belongs to this tab's call, the call ends
//! with a warning, since someone between the two people changed it.

use crate::Answered;
use crate::client::browser;
use crate::client::rtc::Link;
use crate::pages::chat::state::{CallInfo, Chat, Phase};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::call::{Outcome, Signal, SignalBody};
use protocol::{Bytes, ConversationId, UserId};

/// Said when a signal does not open: the person must know the call was refused on purpose.
const TAMPERED: &str = "⚠ This call was refused: its setup did not come from the other \
     person unchanged. Someone between you (the server or the network) may be trying to \
     listen in. Compare safety numbers before calling again.";
const TAMPERED_WHY: &str = "its setup did not come from them unchanged: someone between \
     you (the server or the network) may be trying to listen in. Compare safety numbers \
     before calling again.";

impl Chat {
    pub(in crate::pages::chat) fn on_signal(
        &self,
        conv: ConversationId,
        sender: UserId,
        envelope: &Bytes,
    ) {
        let Some(dm) = self.keys.dm.get_value() else {
            return;
        };
        let Some(peer) = self.peer(conv) else {
            // A first call, before any message: this tab has not listed the conversation.
            return self.list_then_signal(conv, sender, envelope.clone());
        };
        let signal = match dm.open_signal(conv, &peer, sender, envelope.as_slice()) {
            Ok(s) => s,
            Err(_) => return self.refuse_call(conv),
        };
        let mine = Some(sender) == self.me.get_untracked();
        if mine && signal.tab == self.call.tab.get_value() {
            return; // this tab's own, relayed back
        }
        if mine {
            self.on_my_other_tab(&signal);
        } else {
            self.on_peer_signal(conv, sender, signal);
        }
    }

    /// Fetches the conversations, then takes the signal if it is from one of them.
    fn list_then_signal(&self, conv: ConversationId, sender: UserId, envelope: Bytes) {
        let this = *self;
        spawn_local(async move {
            if let Ok(list) = crate::api::conversations().await.answered() {
                this.set_conversations(list);
                if this.peer(conv).is_some() {
                    this.on_signal(conv, sender, &envelope);
                }
            }
        });
    }

    /// A signal that did not open: a call here in that conversation ends, and either way
    /// the person is told (a changed ring is a call they will never see ring).
    fn refuse_call(&self, conv: ConversationId) {
        let here = self
            .call
            .phase
            .with_untracked(|p| p.info().is_some_and(|i| i.conv == conv));
        if here {
            self.fail_call(TAMPERED);
        } else {
            let name = self
                .peer(conv)
                .map(|p| p.display_name)
                .unwrap_or_else(|| "someone".into());
            self.call.problem.set(Some(format!(
                "⚠ A call from {name} was refused: {TAMPERED_WHY}"
            )));
        }
    }

    /// Another tab of the user's answered or declined: this one stops ringing.
    fn on_my_other_tab(&self, signal: &Signal) {
        let ringing = matches!(self.call.phase.get_untracked(),
            Phase::Ringing(ref i, _) if i.call == signal.call);
        if ringing
            && matches!(
                signal.body,
                SignalBody::Answer { .. } | SignalBody::Decline { .. } | SignalBody::Hangup
            )
        {
            self.end_call();
        }
    }

    fn on_peer_signal(&self, conv: ConversationId, peer: UserId, signal: Signal) {
        let phase = self.call.phase.get_untracked();
        let ours = phase.info().filter(|i| i.call == signal.call).cloned();
        let recent = signal.is_fresh(browser::now_ms());
        let (at, active) = (signal.at, matches!(phase, Phase::Active(..)));
        match (signal.body, ours) {
            (SignalBody::Ring { media, sdp }, None) => {
                let info = CallInfo {
                    call: signal.call,
                    conv,
                    peer,
                    media,
                    caller: false,
                };
                // An old ring, or one heard before (a replay), does not ring.
                let fresh = recent
                    && self.call.seen.try_update_value(|s| s.insert(signal.call)) == Some(true);
                if fresh && phase != Phase::Idle {
                    self.signal(&info, SignalBody::Decline { busy: true });
                } else if fresh {
                    self.ring(info, sdp);
                }
            }
            (SignalBody::Answer { sdp }, Some(info)) if matches!(phase, Phase::Calling(_)) => {
                self.call.phase.set(Phase::Active(info.clone(), None));
                let this = *self;
                spawn_local(async move {
                    let Some(rtc) = this.call.rtc.get_value() else {
                        return;
                    };
                    if let Err(e) = rtc.accept(&sdp).await {
                        this.signal(&info, SignalBody::Hangup);
                        this.fail_call(&format!("The call could not connect: {e}"));
                    }
                });
            }
            // After a blip: the caller's ICE restart, and the callee's answer to it.
            (SignalBody::Offer { sdp }, Some(info)) if active && !info.caller => {
                self.on_new_offer(info, at, sdp)
            }
            (SignalBody::Answer { sdp }, Some(info)) if active && info.caller => {
                self.on_new_answer(sdp)
            }
            (SignalBody::Decline { busy }, Some(info)) if matches!(phase, Phase::Calling(_)) => {
                let outcome = if busy {
                    Outcome::Busy
                } else {
                    Outcome::Declined
                };
                self.record_call(&info, outcome, 0);
                self.end_call();
            }
            (SignalBody::Hangup, Some(info)) => {
                if let Phase::Active(_, since) = phase {
                    self.record_call(&info, Outcome::Ended, super::seconds(since));
                }
                // The other side gave up on a link that is down here too: the same reason.
                if active
                    && matches!(
                        self.call.link.get_untracked(),
                        Link::Interrupted | Link::Failed
                    )
                {
                    self.fail_call(super::reconnect::LOST);
                } else {
                    self.end_call();
                }
            }
            _ => {}
        }
    }

    /// Rings this tab until answered, declined, answered elsewhere or given up.
    fn ring(&self, info: CallInfo, offer: String) {
        let call = info.call;
        let name = self.name_of(&info.peer);
        let video = info.media == protocol::api::call::Media::Video;
        self.call.problem.set(None);
        self.call.phase.set(Phase::Ringing(info, offer));
        self.alert_call(&name, video, true);
        let this = *self;
        let still = move || matches!(this.call.phase.get_untracked(), Phase::Ringing(ref i, _) if i.call == call);
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if still() {
                    this.alert_call(&name, video, false);
                }
            },
            std::time::Duration::from_secs(3),
        ) {
            // The caller gives up after the same time; the ringing stops with it.
            set_timeout(
                move || {
                    handle.clear();
                    if still() {
                        this.end_call();
                    }
                },
                std::time::Duration::from_millis(protocol::api::call::RING_MS as u64 + 2_000),
            );
        }
    }
}
