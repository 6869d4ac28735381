//! The search panel's state, and the searchable text of a conversation.

use leptos::prelude::*;
use protocol::{ConversationId, MessageId, UserId};

/// One message's final words (after its sender's edits), as searched.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: MessageId,
    pub sender: UserId,
    pub at: i64,
    pub text: String,
}

/// A message that matches, and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub conversation: ConversationId,
    pub message: MessageId,
    pub place: String,
    pub sender: String,
    pub at: i64,
    pub snippet: String,
}

/// The search's state, shared by the panel and the chat.
#[derive(Clone, Copy)]
pub struct Search {
    pub open: RwSignal<bool>,
    pub query: RwSignal<String>,
    /// Only the open conversation (else all).
    pub here: RwSignal<bool>,
    pub hits: RwSignal<Vec<Hit>>,
    pub busy: RwSignal<bool>,
    /// A search finished (so "no matches" can be said).
    pub done: RwSignal<bool>,
    /// Which search is the latest; older ones drop their results.
    pub run: RwSignal<u64>,
}

impl Search {
    pub fn new() -> Self {
        Self {
            open: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            here: RwSignal::new(false),
            hits: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
            done: RwSignal::new(false),
            run: RwSignal::new(0),
        }
    }
}
