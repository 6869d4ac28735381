//! What others are doing right now: typing, and how far they have read.

use super::state::{Chat, Line};
use crate::Answered;
use crate::api;
use crate::client::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::Person;
use protocol::frames::ClientFrame;
use protocol::{ConversationId, MessageId, UserId};

/// How long "is typing" shows after the last sign of it.
const TYPING_SHOWN_MS: i64 = 6_000;
/// How often this tab says the user is still typing.
const TYPING_EVERY_MS: i64 = 3_000;

impl Chat {
    pub(super) fn on_presence(
        &self,
        user: UserId,
        online: bool,
        away: bool,
        last_seen: Option<i64>,
    ) {
        if self.me.get_untracked() != Some(user)
            && !self
                .list
                .people
                .with_untracked(|ps| ps.iter().any(|p| p.id == user))
        {
            // Someone new (just registered): fetch the people list again, and pin their
            // key now, at first sight.
            let this = *self;
            spawn_local(async move {
                if let Ok(ps) = api::people().await.answered() {
                    this.review(&ps);
                    this.list.people.set(ps);
                }
            });
        }
        let was_online = self
            .list
            .people
            .with_untracked(|ps| ps.iter().any(|p| p.id == user && p.online));
        self.alert_presence(user, online, was_online);
        let set = |p: &mut Person| {
            if p.id == user {
                p.online = online;
                p.away = away;
                p.last_seen = last_seen.or(p.last_seen);
            }
        };
        self.list.people.update(|ps| ps.iter_mut().for_each(set));
        self.list
            .conversations
            .update(|cs| cs.iter_mut().filter_map(|c| c.peer.as_mut()).for_each(set));
    }

    /// The tab was hidden or shown: the server hears, and a shown conversation is read.
    pub fn on_visibility(&self) {
        self.tell_away();
        if browser::hidden() {
            return;
        }
        let newest = self.thread.raw.with_value(|r| r.last().map(|m| m.id));
        if let (Some(conv), Some(id)) = (self.list.current.get_untracked(), newest) {
            self.list.conversations.update(|cs| {
                cs.iter_mut()
                    .filter(|c| c.id == conv)
                    .for_each(|c| c.unread = 0)
            });
            self.mark_read(conv, id);
        }
    }

    /// Fetches the open conversation's newest page again and takes it over what is shown
    /// (tombstones, edits gone, read marks), leaving the composer alone.
    pub(super) fn refresh_open(&self) {
        let Some(conv) = self.list.current.get_untracked() else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            let page = match api::history(conv, None).await.answered() {
                Ok(p) => p,
                Err(e) => return this.report(e),
            };
            if this.list.current.get_untracked() != Some(conv) {
                return;
            }
            let oldest = page.messages.last().map(|m| m.id);
            this.thread.raw.update_value(|raw| {
                // Within the page's span the server's word stands; older pages stay.
                raw.retain(|m| oldest.is_some_and(|o| m.id < o));
                raw.extend(page.messages.into_iter().rev());
            });
            this.thread.decoded.update_value(|d| {
                this.thread.raw.with_value(|raw| {
                    d.retain(|k, _| {
                        raw.iter()
                            .any(|m| (m.sender, m.client_id) == *k && !m.envelope.is_empty())
                    })
                })
            });
            this.thread
                .seen
                .set(page.seen.iter().map(|r| (r.user, r.up_to)).collect());
            this.rerender();
        });
    }

    /// Tells the server whether this tab is out of sight (a user is away when all are).
    pub fn tell_away(&self) {
        if let Some(Some(socket)) = self.connection.socket.try_get_value() {
            socket.send_now(ClientFrame::Away {
                away: browser::hidden(),
            });
        }
    }

    pub(super) fn on_typing(&self, conv: ConversationId, user: UserId) {
        if self.me.get_untracked() == Some(user) {
            return;
        }
        let until = browser::now_ms() + TYPING_SHOWN_MS;
        self.list.typing.update(|t| {
            t.retain(|(c, u, _)| !(*c == conv && *u == user));
            t.push((conv, user, until));
        });
        let typing = self.list.typing;
        spawn_local(async move {
            browser::sleep(TYPING_SHOWN_MS as u32 + 100).await;
            let now = browser::now_ms();
            if typing.with_untracked(|t| t.iter().any(|(_, _, until)| *until <= now)) {
                typing.update(|t| t.retain(|(_, _, until)| *until > now));
            }
        });
    }

    /// Called as the user types `draft`: tells the others, at most every few seconds. A
    /// slash command being typed is not a message for them (nor is an empty composer).
    pub fn notify_typing(&self, draft: &str) {
        if draft.trim().is_empty() || crate::client::commands::parse(draft).is_some() {
            return;
        }
        let (Some(conv), Some(socket)) = (
            self.list.current.get_untracked(),
            self.connection.socket.get_value(),
        ) else {
            return;
        };
        let now = browser::now_ms();
        if now - self.composer.typed_at.get_value() < TYPING_EVERY_MS {
            return;
        }
        self.composer.typed_at.set_value(now);
        socket.send_now(ClientFrame::Typing { conversation: conv });
    }

    /// "Ann is typing…" for the open conversation, if anyone is.
    pub fn typing_line(&self) -> Option<String> {
        let conv = self.list.current.get()?;
        let names: Vec<String> = self.list.typing.with(|t| {
            t.iter()
                .filter(|(c, _, _)| *c == conv)
                .map(|(_, u, _)| self.name_of(u))
                .collect()
        });
        match names.as_slice() {
            [] => None,
            [one] => Some(format!("{one} is typing…")),
            [a, b] => Some(format!("{a} and {b} are typing…")),
            _ => Some("Several people are typing…".into()),
        }
    }

    pub(super) fn on_seen(&self, conv: ConversationId, user: UserId, up_to: MessageId) {
        if self.me.get_untracked() == Some(user) {
            // Read in another tab: nothing is unread here either.
            self.list.conversations.update(|cs| {
                cs.iter_mut()
                    .filter(|c| c.id == conv && c.last_message <= Some(up_to))
                    .for_each(|c| c.unread = 0)
            });
            return;
        }
        if self.list.current.get_untracked() != Some(conv) {
            return;
        }
        self.thread.seen.update(|s| {
            let e = s.entry(user).or_insert(up_to);
            *e = (*e).max(up_to);
        });
        self.rerender();
    }

    /// Puts each reader's name on the newest of the user's own messages they have read.
    pub(super) fn mark_seen(&self, lines: &mut [Line]) {
        let seen = self.thread.seen.get_untracked();
        let mut readers: Vec<(UserId, MessageId)> = seen.into_iter().collect();
        readers.sort();
        for (user, up_to) in readers {
            if let Some(l) = lines
                .iter_mut()
                .rev()
                .find(|l| l.mine && !l.event && !l.deleted && l.id.is_some_and(|id| id <= up_to))
            {
                l.seen_by.push(self.name_of(&user));
            }
        }
    }
}
