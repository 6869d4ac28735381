//! Turning stored messages and group commits into the lines the thread shows.

use super::state::{Chat, Line};
use crate::client::browser;
use crate::client::group::GroupCtx;
use leptos::prelude::*;
use protocol::api::{FileMeta, MessageContent};
use protocol::crypto::group::message::Unreadable;
use protocol::crypto::group::{Action, Commit};
use protocol::frames::StoredMessage;
use protocol::{ClientMsgId, UserId};

impl Line {
    /// The user's own message, shown at once and marked as sending.
    pub fn pending(client_id: ClientMsgId, content: MessageContent) -> Self {
        let (text, file) = split(content);
        Line {
            file,
            client_id,
            id: None,
            mine: true,
            text,
            at: browser::now_ms(),
            pending: true,
            from: None,
            ..Line::blank()
        }
    }

    /// Nothing in particular: the base the others start from.
    pub(super) fn blank() -> Self {
        Line {
            client_id: ClientMsgId([0; 16]),
            id: None,
            mine: false,
            text: String::new(),
            at: 0,
            pending: false,
            sender: None,
            event: false,
            warn: false,
            file: None,
            reply: None,
            edited: false,
            deleted: false,
            reactions: Vec::new(),
            edits: Vec::new(),
            seen_by: Vec::new(),
            from: None,
            mentions_me: false,
            continued: false,
            day: false,
        }
    }

    fn event(epoch: u64, text: String, at: i64) -> Self {
        // Events need a stable key of their own; no message id starts with these bytes
        // (client ids are random, a collision is 2^-64).
        let mut id = [0xee; 16];
        id[8..].copy_from_slice(&epoch.to_be_bytes());
        Line {
            client_id: ClientMsgId(id),
            text,
            at,
            event: true,
            ..Line::blank()
        }
    }
}

/// A line of the app's own (a warning in place of a message).
fn note(text: &str) -> MessageContent {
    MessageContent::Text { text: text.into() }
}

/// A message's text and the file it carries.
pub(super) fn split(content: MessageContent) -> (String, Option<FileMeta>) {
    match content {
        MessageContent::Text { text }
        | MessageContent::Reply { text, .. }
        | MessageContent::Edit { text, .. } => (text, None),
        MessageContent::File(f) => (String::new(), Some(f)),
        MessageContent::React { emoji, .. } => (emoji, None),
        MessageContent::Delete { .. } => (String::new(), None),
        MessageContent::Call {
            media,
            outcome,
            seconds,
            ..
        } => (call_line(media, outcome, seconds), None),
    }
}

/// A call's line: "📞 Video call, 12 min 5 s", "📞 Missed call".
fn call_line(
    media: protocol::api::call::Media,
    outcome: protocol::api::call::Outcome,
    seconds: u32,
) -> String {
    use protocol::api::call::{Media, Outcome};
    let kind = if media == Media::Video {
        "Video call"
    } else {
        "Call"
    };
    match outcome {
        Outcome::Ended if seconds >= 60 => {
            format!("📞 {kind}, {} min {} s", seconds / 60, seconds % 60)
        }
        Outcome::Ended => format!("📞 {kind}, {seconds} s"),
        Outcome::Missed => "📞 Missed call".into(),
        Outcome::Declined => "📞 Call declined".into(),
        Outcome::Busy => "📞 Call not answered: busy".into(),
    }
}

impl Chat {
    /// A person's display name, "You" for the user.
    pub fn name_of(&self, user: &UserId) -> String {
        if self.me.get_untracked() == Some(*user) {
            return "You".into();
        }
        self.list
            .people
            .with_untracked(|ps| {
                ps.iter()
                    .find(|p| p.id == *user)
                    .map(|p| p.display_name.clone())
            })
            .unwrap_or_else(|| "Someone".into())
    }

    /// True when the user will never get this epoch's key: sent before they joined a
    /// group that keeps earlier messages to those who were there.
    fn before_joining(&self, m: &StoredMessage, epoch: u64) -> bool {
        let (Some(groups), Some(me)) = (self.keys.groups.get_value(), self.me.get_untracked())
        else {
            return false;
        };
        groups.get(m.conversation).is_some_and(|ctx| {
            ctx.chain.head().is_some_and(|h| h.epoch >= epoch) && !ctx.chain.owed(&me, epoch)
        })
    }

    /// A stored message opened: its content, or a note in its place and true when it
    /// could not be shown as written.
    pub(super) fn decode(&self, group: bool, m: &StoredMessage) -> (MessageContent, bool) {
        if group {
            match self.keys.groups.get_value().map(|g| g.open(m)) {
                Some(Ok(content)) => (content, false),
                Some(Err(Unreadable::NoKey(e))) if self.before_joining(m, e) => (
                    note(
                        "🔒 Sent before you joined: this group keeps earlier messages to those who were there.",
                    ),
                    true,
                ),
                Some(Err(Unreadable::NoKey(_))) => (
                    note(
                        "🔒 Waiting for keys: a member's browser will hand them over when one comes online.",
                    ),
                    true,
                ),
                Some(Err(Unreadable::NotVerified)) => (
                    note(
                        "⚠ Not verified: this message's signature does not match its sender, so it is not shown.",
                    ),
                    true,
                ),
                _ => (note("⚠ This message could not be decrypted."), true),
            }
        } else {
            match self
                .peer(m.conversation)
                .and_then(|p| self.keys.dm.get_value().map(|dm| dm.open(&p, m)))
            {
                Some(Ok(content)) => (content, false),
                _ => (note("⚠ This message could not be decrypted."), true),
            }
        }
    }

    /// A person as the object of a sentence: "you" for the user ("Alice added you").
    fn object_name(&self, user: &UserId) -> String {
        if self.me.get_untracked() == Some(*user) {
            "you".into()
        } else {
            self.name_of(user)
        }
    }

    /// What a commit did, in words ("Alice added Carol"); none for a plain new key.
    fn describe(
        &self,
        ctx: &GroupCtx,
        c: &Commit,
        prev: Option<&Commit>,
        back: bool,
    ) -> Option<String> {
        let a = self.name_of(&c.body.author);
        let n = |u: &UserId| self.object_name(u);
        let me = self.me.get_untracked() == Some(c.body.author);
        Some(match &c.body.action {
            Action::Create { .. } => match ctx.names_in(c) {
                Some(names) => format!("{a} created “{}”", names.name),
                None => format!("{a} created the group"),
            },
            Action::Add { member } => format!("{a} added {}", n(&member.user)),
            Action::Join { .. } if back && me => "You are back, with new keys".into(),
            Action::Join { .. } if back => format!("{a} is back, with new keys"),
            Action::Join { .. } => format!("{a} joined"),
            Action::Remove { user } => format!("{a} removed {}", n(user)),
            Action::Leave => format!("{a} left"),
            Action::Promote { user } => format!("{a} made {} an admin", n(user)),
            Action::Demote { user } => format!("{a} made {} a member", n(user)),
            Action::Transfer { user } => format!("{a} made {} the owner", n(user)),
            Action::Settings => match (prev, prev.and_then(|p| ctx.names_in(p)), ctx.names_in(c)) {
                (_, Some(was), Some(now)) if was.name != now.name => {
                    format!("{a} renamed the group to “{}”", now.name)
                }
                (Some(p), _, _) if p.body.settings.history != c.body.settings.history => {
                    if c.body.settings.history {
                        format!("{a} let new members read earlier messages")
                    } else {
                        format!("{a} made earlier messages private to those who were there")
                    }
                }
                _ => format!("{a} changed the group's details"),
            },
            Action::Rekey => return None,
        })
    }

    /// Rebuilds the open conversation's lines from its stored messages, its group events
    /// (within the time the loaded messages span) and the user's unsent messages.
    pub(super) fn rerender(&self) {
        let Some(conv) = self.list.current.get_untracked() else {
            return;
        };
        let group = self.is_group(conv);
        let mut lines = self.message_lines(group);
        self.mark_seen(&mut lines);
        if let Some(ctx) = group
            .then(|| self.keys.groups.get_value().and_then(|g| g.get(conv)))
            .flatten()
        {
            let from = if self.thread.more.get_untracked() {
                self.thread
                    .raw
                    .with_value(|r| r.first().map(|m| m.at))
                    .unwrap_or(i64::MIN)
            } else {
                i64::MIN
            };
            let commits = ctx.chain.commits();
            for (i, c) in commits.iter().enumerate() {
                let at = ctx.at.get(i).copied().unwrap_or_default();
                if at < from {
                    continue;
                }
                // A join by a member already there: back with new keys (visible to all, as
                // a key change is).
                let back = c
                    .body
                    .epoch
                    .checked_sub(1)
                    .is_some_and(|e| ctx.chain.member_at(e, &c.body.author).is_some());
                let prev = i.checked_sub(1).and_then(|p| commits.get(p));
                if let Some(text) = self.describe(&ctx, c, prev, back) {
                    lines.push(Line::event(c.body.epoch, text, at));
                }
            }
        }
        lines.sort_by_key(|l| l.at);
        let stored: Vec<ClientMsgId> = lines
            .iter()
            .filter(|l| l.mine)
            .map(|l| l.client_id)
            .collect();
        let pending: Vec<Line> = self.thread.lines.with_untracked(|ls| {
            ls.iter()
                .filter(|l| l.pending && !stored.contains(&l.client_id))
                .cloned()
                .collect()
        });
        lines.extend(pending);
        self.thread
            .lines
            .set(super::message::arrange(lines, self.me.get_untracked()));
    }
}
