//! This tab's call: where it is, and what the call screens show of it (the actions are
//! in `pages::chat::call`).

use crate::client::rtc::{Link, Path, Rtc};
use leptos::prelude::*;
use protocol::api::call::Media;
use protocol::api::relay::RelayPass;
use protocol::{CallId, ConversationId, UserId};
use std::collections::HashSet;
use std::rc::Rc;

/// Who, where and what a call is.
#[derive(Clone, Debug, PartialEq)]
pub struct CallInfo {
    pub call: CallId,
    pub conv: ConversationId,
    pub peer: UserId,
    pub media: Media,
    /// This tab rang the other person.
    pub caller: bool,
}

/// Where this tab's call is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    /// Ringing the other person.
    Calling(CallInfo),
    /// The other person rings: their offer waits for an answer.
    Ringing(CallInfo, String),
    /// Answered: connecting, then talking (`since` once connected, ms).
    Active(CallInfo, Option<f64>),
}

impl Phase {
    pub fn info(&self) -> Option<&CallInfo> {
        match self {
            Phase::Idle => None,
            Phase::Calling(i) | Phase::Ringing(i, _) | Phase::Active(i, _) => Some(i),
        }
    }
}

/// The call handle of the chat page.
#[derive(Clone, Copy)]
pub struct Calls {
    pub phase: RwSignal<Phase>,
    pub link: RwSignal<Link>,
    /// Direct or through the server's relay, once connected.
    pub path: RwSignal<Option<Path>>,
    pub muted: RwSignal<bool>,
    pub camera: RwSignal<bool>,
    /// A screen is sent in the camera's place.
    pub sharing: RwSignal<bool>,
    /// The call screen is folded into a bar above the chat (the call goes on).
    pub folded: RwSignal<bool>,
    /// What went wrong with the last call, in words, until the next one.
    pub problem: RwSignal<Option<String>>,
    /// Bumped when the devices are open: the screen hands their streams to its videos.
    pub ready: RwSignal<u64>,
    /// The server's answer to this tab's last ask for a relay pass, for a conversation.
    pub(in crate::pages::chat) relay: StoredValue<Option<(ConversationId, Option<RelayPass>)>>,
    pub(in crate::pages::chat) rtc: StoredValue<Option<Rc<Rtc>>, LocalStorage>,
    /// This page load, among the person's tabs (signals say which tab sent them).
    pub(in crate::pages::chat) tab: StoredValue<u32>,
    /// Calls already rung: a replayed ring rings once.
    pub(in crate::pages::chat) seen: StoredValue<HashSet<CallId>>,
    /// A lost connection is being mended (`call::reconnect`): one mender at a time.
    pub(in crate::pages::chat) mending: StoredValue<bool>,
    /// When the other side's latest new offer was made (its `at`): an older one, replayed,
    /// is not taken.
    pub(in crate::pages::chat) offer_at: StoredValue<i64>,
}

impl Calls {
    pub fn new() -> Self {
        Self {
            phase: RwSignal::new(Phase::Idle),
            link: RwSignal::new(Link::Connecting),
            path: RwSignal::new(None),
            muted: RwSignal::new(false),
            camera: RwSignal::new(true),
            sharing: RwSignal::new(false),
            folded: RwSignal::new(false),
            problem: RwSignal::new(None),
            ready: RwSignal::new(0),
            relay: StoredValue::new(None),
            rtc: crate::pages::browser_only(None),
            tab: StoredValue::new(random_tab()),
            seen: StoredValue::new(HashSet::new()),
            mending: StoredValue::new(false),
            offer_at: StoredValue::new(0),
        }
    }
}

impl Default for Calls {
    fn default() -> Self {
        Self::new()
    }
}

fn random_tab() -> u32 {
    protocol::crypto::random_array::<4>().map_or(0, u32::from_be_bytes)
}
