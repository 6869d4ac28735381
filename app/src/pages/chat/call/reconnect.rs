//! A network blip during a call. WebRTC notices (the link goes "disconnected", later
//! "failed"); the caller restarts ICE: both sides gather candidates afresh on whatever
//! addresses they have now, and the new offer and answer travel sealed like the first
//! ones. Only the caller offers, so the two never offer at once. A call whose link stays
//! down for `LOST_MS` ends, on both sides, as if hung up. The callee waits a little longer,
//! so that the caller's hang-up (and call line) comes first; when it does not, the
//! caller's tab is gone (closed, crashed, a phone's battery) and the callee writes the
//! line instead.

use crate::client::browser;
use crate::client::rtc::{Link, Rtc};
use crate::pages::chat::state::{CallInfo, Chat, Phase};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::call::{Outcome, SignalBody};
use std::rc::Rc;

/// A link may drop for a moment on a busy network and come back by itself: the first
/// restart waits this long.
const RESTART_AFTER_MS: i64 = 2_000;
/// Another restart if the last one brought nothing back (its offer or answer may have
/// been lost with the socket).
const RESTART_EVERY_MS: i64 = 5_000;
/// Down this long, the call is over. Longer than the 15 s blip a call must outlast.
const LOST_MS: i64 = 30_000;

/// The callee's wait beyond `LOST_MS` for the caller's hang-up.
const CALLER_GRACE_MS: i64 = 5_000;

/// Said on both sides when that happens.
pub(super) const LOST: &str = "The call ended: the connection was lost and did not come back.";

impl Chat {
    /// The link went down: mend it, or end the call when it does not come back.
    pub(super) fn mend(&self) {
        let Some(info) = self.call.phase.with_untracked(|p| match p {
            Phase::Active(i, _) => Some(i.clone()),
            _ => None,
        }) else {
            return;
        };
        let Some(rtc) = self.call.rtc.get_value() else {
            return;
        };
        if self.call.mending.get_value() {
            return;
        }
        self.call.mending.set_value(true);
        let this = *self;
        spawn_local(async move {
            this.mend_until_back(&info, &rtc).await;
            this.call.mending.set_value(false);
        });
    }

    async fn mend_until_back(&self, info: &CallInfo, rtc: &Rc<Rtc>) {
        let start = browser::now_ms();
        let mut next = start + RESTART_AFTER_MS;
        loop {
            browser::sleep(250).await;
            let same = self
                .call
                .rtc
                .with_value(|r| r.as_ref().is_some_and(|r| Rc::ptr_eq(r, rtc)));
            if !same || self.call.link.get_untracked() == Link::Connected {
                return;
            }
            let now = browser::now_ms();
            let grace = if info.caller { 0 } else { CALLER_GRACE_MS };
            if now - start >= LOST_MS + grace {
                return self.lost(info, start);
            }
            if info.caller && now >= next {
                next = now + RESTART_EVERY_MS;
                if let Ok(sdp) = rtc.restart().await {
                    self.signal(info, SignalBody::Offer { sdp });
                }
            }
        }
    }

    /// The link never came back: the call ends here (the other side's ends the same way,
    /// or on this hang-up if it still arrives). The callee's tab gets here only when the
    /// caller's said nothing, so it writes the line.
    /// The line counts the time talked, not the time spent trying to reconnect
    /// (`down`: when the link went, ms).
    fn lost(&self, info: &CallInfo, down: i64) {
        if let Phase::Active(_, since) = self.call.phase.get_untracked() {
            let talked = super::seconds_until(since, down as f64);
            self.write_call_line(info, Outcome::Ended, talked);
        }
        self.signal(info, SignalBody::Hangup);
        self.fail_call(LOST);
    }

    /// The caller's new offer after a blip: answered at once. One older than the last
    /// taken (a replay) is not.
    pub(super) fn on_new_offer(&self, info: CallInfo, at: i64, sdp: String) {
        if at <= self.call.offer_at.get_value() {
            return;
        }
        self.call.offer_at.set_value(at);
        let Some(rtc) = self.call.rtc.get_value() else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            // Failing, the caller tries again with its next restart.
            if let Ok(sdp) = rtc.answer(&sdp).await
                && this.is_phase_of(&info)
            {
                this.signal(&info, SignalBody::Answer { sdp });
            }
        });
    }

    /// The callee's answer to a restart.
    pub(super) fn on_new_answer(&self, sdp: String) {
        if let Some(rtc) = self.call.rtc.get_value() {
            // An answer to an offer already replaced fails here, harmlessly.
            spawn_local(async move {
                let _ = rtc.accept(&sdp).await;
            });
        }
    }
}
