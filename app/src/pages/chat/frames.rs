//! What the socket says: new messages, acknowledgements, and the rest handed on.

use super::state::Chat;
use crate::Answered;
use crate::api;
use crate::client::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::frames::{ErrorCode, ServerFrame, StoredMessage};

impl Chat {
    pub(super) fn on_frame(&self, frame: ServerFrame) {
        match frame {
            ServerFrame::Message(m) => self.on_message(m),
            ServerFrame::Ack {
                client_id, id, at, ..
            } => {
                self.composer.outbox.update_value(|o| {
                    o.remove(&client_id);
                });
                self.thread.lines.update(|ls| {
                    if let Some(l) = ls.iter_mut().find(|l| l.client_id == client_id) {
                        l.pending = false;
                        l.id = Some(id);
                        l.at = at;
                    }
                })
            }
            ServerFrame::Presence {
                user,
                online,
                away,
                last_seen,
            } => self.on_presence(user, online, away, last_seen),
            ServerFrame::IdentityChanged { user } if self.me.get_untracked() != Some(user) => {
                self.refresh_identities()
            }
            ServerFrame::IdentityChanged { .. } => {}
            ServerFrame::GroupChanged { conversation } => self.group_changed(conversation),
            ServerFrame::Deleted {
                conversation,
                message,
                edits,
            } => self.on_deleted(conversation, message, &edits),
            ServerFrame::Typing { conversation, user } => self.on_typing(conversation, user),
            ServerFrame::Seen {
                conversation,
                user,
                up_to,
            } => self.on_seen(conversation, user, up_to),
            ServerFrame::Error {
                code: ErrorCode::StaleEpoch,
                client_id: Some(id),
                ..
            } => self.reseal(id),
            ServerFrame::Error {
                message, client_id, ..
            } => {
                if let Some(id) = client_id {
                    self.composer.outbox.update_value(|o| {
                        o.remove(&id);
                    });
                }
                self.error.set(Some(message))
            }
            // Away too long for a replay: reload the list and the open conversation.
            ServerFrame::Resumed { complete: false } => self.reload(),
            // The server was updated since this page loaded: what it now seals, this
            // page cannot read.
            ServerFrame::Hello { version, .. } if version > protocol::frames::CONTENT_VERSION => {
                self.error.set(Some(
                    "Hearth was updated on the server. Reload this page to keep going.".into(),
                ))
            }
            ServerFrame::Signal {
                conversation,
                sender,
                envelope,
            } => self.on_signal(conversation, sender, &envelope),
            ServerFrame::Relay { conversation, pass } => self.on_relay_pass(conversation, pass),
            ServerFrame::Hello { .. }
            | ServerFrame::Resumed { complete: true }
            | ServerFrame::Pong => {}
        }
    }

    pub(super) fn on_message(&self, m: StoredMessage) {
        let known = self
            .list
            .conversations
            .with_untracked(|cs| cs.iter().any(|c| c.id == m.conversation));
        if !known {
            // A conversation someone else just started: fetch the list again (its first
            // message cannot be opened before that, but it is one).
            if self.me.get_untracked() != Some(m.sender) {
                self.alert_message(&m, false);
            }
            return self.refresh_conversations();
        }
        self.forget_texts(m.conversation);
        let mine = self.me.get_untracked() == Some(m.sender);
        let open = self.list.current.get_untracked() == Some(m.conversation);
        // Edits and reactions change a message; they are not new ones to read.
        let fresh = !mine && self.is_new_message(&m);
        // A hidden tab's open conversation is not being read either.
        let counts = fresh && (!open || browser::hidden());
        if fresh {
            self.alert_message(&m, open);
        }
        self.list.conversations.update(|cs| {
            if let Some(c) = cs.iter_mut().find(|c| c.id == m.conversation) {
                c.last_message = c.last_message.max(Some(m.id));
                c.last_at = Some(m.at);
                if counts {
                    c.unread += 1;
                }
            }
            cs.sort_by_key(|c| std::cmp::Reverse(c.last_message));
        });
        if !open {
            return;
        }
        let (conv, id) = (m.conversation, m.id);
        // Whoever sent something has stopped typing it.
        self.list
            .typing
            .update(|t| t.retain(|(c, u, _)| !(*c == conv && *u == m.sender)));
        self.thread.raw.update_value(|raw| {
            // The same (sender, client id) twice is a replay, whatever id the server gave it.
            if !raw
                .iter()
                .any(|r| r.id == m.id || (r.sender == m.sender && r.client_id == m.client_id))
            {
                raw.push(m);
                raw.sort_by_key(|r| r.id);
            }
        });
        self.rerender();
        self.thread.scroll_to_end.update(|n| *n += 1);
        if !mine {
            self.mark_read(conv, id);
        }
    }

    pub(super) fn reload(&self) {
        let this = *self;
        spawn_local(async move {
            match api::conversations().await.answered() {
                Ok(cs) => this.set_conversations(cs),
                Err(e) => return this.report(e),
            }
            if let Some(id) = this.list.current.get_untracked() {
                this.select(id);
            }
        });
    }
}
