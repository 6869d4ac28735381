//! Opening conversations and paging through their history.

use super::state::Chat;
use super::state::Panel;
use crate::Answered;
use crate::ApiError;
use crate::api;
use crate::client::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::frames::ClientFrame;
use protocol::{ConversationId, MessageId, UserId};
use std::collections::HashMap;

impl Chat {
    pub(super) fn mark_read(&self, conversation: ConversationId, up_to: MessageId) {
        // Nobody reads a hidden tab: it says so when it is looked at again.
        if browser::hidden() {
            return;
        }
        if let Some(s) = self.connection.socket.get_value() {
            s.send_now(ClientFrame::Read {
                conversation,
                up_to,
            });
        }
    }

    /// Opens (or starts) the direct conversation with a person.
    pub fn open_with(&self, person: UserId) {
        let this = *self;
        spawn_local(async move {
            match this.direct_with(person).await {
                Ok(id) => this.select(id),
                Err(e) => this.report(e),
            }
        });
    }

    /// The direct conversation with a person: the one in the list, or a new one (added
    /// to the list).
    pub(super) async fn direct_with(&self, person: UserId) -> Result<ConversationId, ApiError> {
        let existing = self.list.conversations.with_untracked(|cs| {
            cs.iter()
                .find(|c| c.peer.as_ref().is_some_and(|p| p.id == person))
                .map(|c| c.id)
        });
        if let Some(id) = existing {
            return Ok(id);
        }
        let c = api::open_direct(person).await.answered()?;
        let id = c.id;
        self.list.conversations.update(|cs| {
            if !cs.iter().any(|x| x.id == id) {
                cs.insert(0, c);
            }
        });
        Ok(id)
    }

    /// Shows a conversation: its newest page of history (and, for a group, its verified
    /// state), marked read.
    pub fn select(&self, id: ConversationId) {
        // The draft stays with its conversation (an edit in progress is dropped).
        if let Some(prev) = self.list.current.get_untracked() {
            let text = self.composer.draft.get_untracked();
            if self.composer.editing.get_untracked().is_none() && !text.trim().is_empty() {
                self.composer.drafts.update_value(|d| {
                    d.insert(prev, text);
                });
            }
        }
        let kept = self
            .composer
            .drafts
            .try_update_value(|d| d.remove(&id))
            .flatten();
        self.composer.draft.set(kept.unwrap_or_default());
        self.list.current.set(Some(id));
        self.list.panel.set(Panel::None);
        self.thread.lines.set(Vec::new());
        self.thread.raw.set_value(Vec::new());
        self.thread.decoded.set_value(HashMap::new());
        self.composer.reply_to.set(None);
        self.composer.editing.set(None);
        self.thread.seen.set(HashMap::new());
        self.list.group_view.set(None);
        self.thread.more.set(false);
        self.list.conversations.update(|cs| {
            cs.iter_mut()
                .filter(|c| c.id == id)
                .for_each(|c| c.unread = 0)
        });
        let this = *self;
        spawn_local(async move {
            if this.is_group(id) {
                this.load_group(id).await;
            }
            match api::history(id, None).await.answered() {
                Ok(page) => {
                    if this.list.current.get_untracked() != Some(id) {
                        return;
                    }
                    let newest = page.messages.first().map(|m| m.id);
                    let mut raw = page.messages;
                    raw.reverse();
                    // Messages that came over the socket while the page was on its way
                    // (the one a /msg just sent) stay.
                    let floor = newest.unwrap_or(MessageId(0));
                    this.thread.raw.update_value(|live| {
                        raw.extend(live.drain(..).filter(|m| m.id > floor));
                        *live = raw;
                    });
                    this.thread
                        .seen
                        .set(page.seen.iter().map(|r| (r.user, r.up_to)).collect());
                    this.thread.more.set(page.more);
                    this.rerender();
                    this.thread.scroll_to_end.update(|n| *n += 1);
                    this.continue_jump();
                    if let Some(newest) = newest {
                        this.mark_read(id, newest);
                    }
                }
                Err(e) => {
                    this.thread.jump.set_value(None);
                    this.report(e)
                }
            }
        });
    }

    /// Loads the page of history before the oldest message shown.
    pub fn load_older(&self) {
        let Some(id) = self.list.current.get_untracked() else {
            return;
        };
        if self.thread.loading_older.get_untracked() || !self.thread.more.get_untracked() {
            return;
        }
        let before = self.thread.raw.with_value(|r| r.first().map(|m| m.id));
        self.thread.loading_older.set(true);
        let this = *self;
        spawn_local(async move {
            let res = api::history(id, before).await.answered();
            this.thread.loading_older.set(false);
            match res {
                // Still the same view (not left and opened again meanwhile, which would
                // leave a gap between this page and the fresh newest one).
                Ok(page)
                    if this.list.current.get_untracked() == Some(id)
                        && this.thread.raw.with_value(|r| r.first().map(|m| m.id)) == before =>
                {
                    let mut older = page.messages;
                    older.reverse();
                    this.thread.raw.update_value(|raw| {
                        older.append(raw);
                        *raw = older;
                    });
                    this.thread.more.set(page.more);
                    this.rerender();
                    this.continue_jump();
                }
                // Another conversation's page: a jump waiting in this one goes on.
                Ok(_) => this.continue_jump(),
                Err(e) => {
                    this.thread.jump.set_value(None);
                    this.report(e)
                }
            }
        });
    }
}
