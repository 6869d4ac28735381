//! Messages and the events that change them: replies quote, edits replace the text (the
//! sender's own only), reactions gather under their message, deletes leave a tombstone.
//! Everything here happens in the browser: the server sees only ciphertext.

use super::lines::split;
use super::state::{Chat, Line, Quote, Reaction};
use leptos::prelude::*;
use protocol::api::{MessageContent, Target};
use protocol::frames::{ClientFrame, StoredMessage};
use protocol::{ClientMsgId, ConversationId, MessageId, UserId};
use std::collections::{BTreeMap, HashMap, HashSet};

const DELETED: &str = "This message was deleted.";
/// Blanked by the server with no delete signed by its sender.
const REMOVED: &str = "This message was removed on the server; its sender did not delete it.";

/// Where the events of a page of history point: each message by what its own encryption
/// covers (its sender and client id), for those that opened and verified, and the ones
/// the server blanked (which only a delete from their sender may name).
struct Targets(HashMap<(UserId, ClientMsgId), MessageId>);

impl Targets {
    fn new(raw: &[StoredMessage], opened: &[Opened]) -> Self {
        Self(
            raw.iter()
                .zip(opened)
                .filter(|(_, o)| !matches!(o, Some((_, true))))
                .map(|(m, _)| ((m.sender, m.client_id), m.id))
                .collect(),
        )
    }

    /// The message a target names here. An event from before targets were signed names a
    /// server id, which is taken as it is.
    fn find(&self, t: &Target) -> Option<MessageId> {
        match t {
            Target::Message { sender, client_id } => self.0.get(&(*sender, *client_id)).copied(),
            Target::Legacy(id) => Some(*id),
        }
    }
}

/// How much of a quoted message is shown.
const QUOTE_CHARS: usize = 140;

/// A stored message as opened: None for a deleted one.
type Opened = Option<(MessageContent, bool)>;

/// A page of history as opened, with the events that apply to its messages: what its
/// lines are made from.
struct Page<'a> {
    raw: &'a [StoredMessage],
    opened: &'a [Opened],
    targets: Targets,
    applied: Applied,
    /// Each message's place in `raw`.
    index: HashMap<MessageId, usize>,
    group: bool,
    me: Option<UserId>,
    my_name: Option<String>,
}

/// The events of a page of history, applied to the messages they name.
struct Applied {
    /// The sender's newest text for a message, and the edits that made it.
    edits: HashMap<MessageId, (String, Vec<MessageId>)>,
    /// Who reacted with what, per message.
    reacts: HashMap<MessageId, BTreeMap<String, Vec<UserId>>>,
    /// Messages their sender deleted (the delete is signed like any message).
    deletes: HashSet<MessageId>,
}

impl Applied {
    /// Later events win: `raw` is in id order. Edits and deletes count only from the
    /// target's own sender.
    fn collect(raw: &[StoredMessage], opened: &[Opened], targets: &Targets) -> Self {
        let sender: HashMap<MessageId, UserId> = raw.iter().map(|m| (m.id, m.sender)).collect();
        let mut out = Applied {
            edits: HashMap::new(),
            reacts: HashMap::new(),
            deletes: HashSet::new(),
        };
        for (m, o) in raw.iter().zip(opened) {
            let Some((content, false)) = o else {
                continue;
            };
            let Some(target) = content.target().and_then(|t| targets.find(&t)) else {
                continue;
            };
            let own = sender.get(&target) == Some(&m.sender);
            match content {
                MessageContent::Edit { text, .. } if own => {
                    let e = out.edits.entry(target).or_default();
                    e.0 = text.clone();
                    e.1.push(m.id);
                }
                MessageContent::Delete { .. } if own => {
                    out.deletes.insert(target);
                }
                MessageContent::React { emoji, on, .. } => {
                    let users = out
                        .reacts
                        .entry(target)
                        .or_default()
                        .entry(emoji.clone())
                        .or_default();
                    users.retain(|u| *u != m.sender);
                    if *on {
                        users.push(m.sender);
                    }
                }
                _ => {}
            }
        }
        out
    }
}

impl Chat {
    /// Opens a message (once: readable ones are kept), None if the server blanked it.
    fn opened(&self, group: bool, m: &StoredMessage) -> Opened {
        if m.envelope.is_empty() {
            return None;
        }
        let key = (m.sender, m.client_id);
        if let Some(c) = self.thread.decoded.with_value(|d| d.get(&key).cloned()) {
            return Some((c, false));
        }
        let (content, warn) = self.decode(group, m);
        if !warn {
            self.thread.decoded.update_value(|d| {
                d.insert(key, content.clone());
            });
        }
        Some((content, warn))
    }

    /// True when a message arriving in another conversation is a new one to read (not an
    /// edit or a reaction, and not deleted).
    pub(super) fn is_new_message(&self, m: &StoredMessage) -> bool {
        let group = self.is_group(m.conversation);
        match self.opened(group, m) {
            Some((c, warn)) => warn || c.is_message(),
            None => false,
        }
    }

    /// The open conversation's messages as lines, with every event applied.
    pub(super) fn message_lines(&self, group: bool) -> Vec<Line> {
        let raw = self.thread.raw.with_value(|r| r.clone());
        let opened: Vec<Opened> = raw.iter().map(|m| self.opened(group, m)).collect();
        let targets = Targets::new(&raw, &opened);
        let mut applied = Applied::collect(&raw, &opened, &targets);
        let mut reacts = std::mem::take(&mut applied.reacts);
        let page = Page {
            raw: &raw,
            opened: &opened,
            targets,
            applied,
            index: raw.iter().enumerate().map(|(i, m)| (m.id, i)).collect(),
            group,
            me: self.me.get_untracked(),
            my_name: self.keys.ring.get_value().map(|r| r.me.username.clone()),
        };
        raw.iter()
            .zip(opened.iter().cloned())
            .filter_map(|(m, o)| self.message_line(&page, m, o, reacts.remove(&m.id)))
            .collect()
    }

    /// One message's line: its final words, the message it answers, its reactions; or
    /// the line saying it is gone. None for what is not a message to show (an event).
    fn message_line(
        &self,
        page: &Page,
        m: &StoredMessage,
        o: Opened,
        reacts: Option<BTreeMap<String, Vec<UserId>>>,
    ) -> Option<Line> {
        let (group, me) = (page.group, page.me);
        let mine = me == Some(m.sender);
        let base = Line {
            client_id: m.client_id,
            id: Some(m.id),
            mine,
            at: m.at,
            from: Some(m.sender),
            ..Line::blank()
        };
        // Deleted by its sender (a signed delete), or blanked by the server without one.
        let gone = match &o {
            _ if page.applied.deletes.contains(&m.id) => Some(DELETED),
            None => Some(REMOVED),
            Some(_) => None,
        };
        if let Some(text) = gone {
            return Some(Line {
                text: text.into(),
                deleted: true,
                sender: (group && !mine).then(|| self.name_of(&m.sender)),
                ..base
            });
        }
        let (content, warn) = o?;
        if !warn && !content.is_message() {
            return None;
        }
        let reply = match &content {
            MessageContent::Reply { target, .. } => Some(self.quote(page, target)),
            _ => None,
        };
        let (mut text, file) = split(content);
        let (edited, edit_ids) = match page.applied.edits.get(&m.id) {
            Some((t, ids)) => {
                text = t.clone();
                (true, ids.clone())
            }
            None => (false, Vec::new()),
        };
        let reactions = reacts.map(|r| self.reactions(r, me)).unwrap_or_default();
        let mentions_me = !mine
            && !warn
            && page
                .my_name
                .as_deref()
                .is_some_and(|n| crate::client::format::mentions(&text, n));
        Some(Line {
            mentions_me,
            text,
            file,
            warn,
            // A sender is named only when the signature proved who it is.
            sender: (group && !mine && !warn).then(|| self.name_of(&m.sender)),
            reply,
            edited,
            edits: edit_ids,
            reactions,
            ..base
        })
    }

    /// The message a reply answers, as this page shows it (its final words, or what
    /// became of it).
    fn quote(&self, page: &Page, target: &Target) -> Quote {
        let earlier = || Quote {
            name: String::new(),
            text: "An earlier message".into(),
        };
        let Some((id, &i)) = page
            .targets
            .find(target)
            .and_then(|id| page.index.get_key_value(&id))
        else {
            return earlier();
        };
        let text = match &page.opened[i] {
            _ if page.applied.deletes.contains(id) => "Deleted message".to_string(),
            None => "Removed message".to_string(),
            // Only a message that opened and verified is quoted, with its sender.
            Some((c, warn)) if *warn || !c.is_message() => return earlier(),
            Some((c, _)) => match page.applied.edits.get(id) {
                Some((t, _)) => t.clone(),
                None => match split(c.clone()) {
                    (_, Some(f)) => format!("📎 {}", f.safe_name()),
                    (t, None) => t,
                },
            },
        };
        Quote {
            name: self.name_of(&page.raw[i].sender),
            text: text.chars().take(QUOTE_CHARS).collect(),
        }
    }

    /// What names a message the user may answer, edit or react to: its sender and client
    /// id, as its own encryption covers them.
    pub(super) fn target_of(&self, id: MessageId) -> Option<Target> {
        self.thread.raw.with_value(|raw| {
            raw.iter().find(|m| m.id == id).map(|m| Target::Message {
                sender: m.sender,
                client_id: m.client_id,
            })
        })
    }

    fn reactions(&self, by: BTreeMap<String, Vec<UserId>>, me: Option<UserId>) -> Vec<Reaction> {
        by.into_iter()
            .filter(|(_, users)| !users.is_empty())
            .map(|(emoji, users)| Reaction {
                count: users.len(),
                mine: me.is_some_and(|me| users.contains(&me)),
                who: users
                    .iter()
                    .map(|u| self.name_of(u))
                    .collect::<Vec<_>>()
                    .join(", "),
                emoji,
            })
            .collect()
    }

    /// A message was deleted by its sender: forget its text and its edits.
    pub(super) fn on_deleted(&self, conv: ConversationId, message: MessageId, edits: &[MessageId]) {
        self.forget_texts(conv);
        if self.list.current.get_untracked() != Some(conv) {
            return;
        }
        let mut blanked = Vec::new();
        self.thread.raw.update_value(|raw| {
            raw.retain(|m| !edits.contains(&m.id));
            for m in raw.iter_mut().filter(|m| m.id == message) {
                m.envelope.0.clear();
                blanked.push((m.sender, m.client_id));
            }
        });
        self.thread.decoded.update_value(|d| {
            for key in &blanked {
                d.remove(key);
            }
        });
        if self.composer.editing.get_untracked() == Some(message) {
            self.composer.editing.set(None);
        }
        if self.composer.reply_to.get_untracked() == Some(message) {
            self.composer.reply_to.set(None);
        }
        self.rerender();
    }

    /// Puts the user's own message into the composer to change it.
    pub fn start_edit(&self, line: &Line) {
        if !line.mine || line.file.is_some() {
            return;
        }
        self.composer.reply_to.set(None);
        self.composer.editing.set(line.id);
        self.composer.draft.set(line.text.clone());
        self.focus_composer();
    }

    /// Leaves replying or editing (an edit's text goes with it).
    pub fn cancel_compose(&self) {
        if self.composer.editing.get_untracked().is_some() {
            self.composer.draft.set(String::new());
        }
        self.composer.editing.set(None);
        self.composer.reply_to.set(None);
    }

    pub fn focus_composer(&self) {
        crate::client::browser::focus("textarea[aria-label=Message]");
    }

    /// Adds the user's reaction to a message, or takes it back if it is there.
    pub fn react(&self, id: MessageId, emoji: String) {
        let (Some(conv), Some(target)) = (self.list.current.get_untracked(), self.target_of(id))
        else {
            return;
        };
        let on = !self.thread.lines.with_untracked(|ls| {
            ls.iter()
                .find(|l| l.id == Some(id))
                .is_some_and(|l| l.reactions.iter().any(|r| r.emoji == emoji && r.mine))
        });
        self.send_content(conv, MessageContent::React { target, emoji, on }, vec![]);
    }

    /// Deletes the user's own message for everyone (after asking): a delete signed like
    /// any message, which readers go by, then the server throws the message (and its
    /// edits, and its files) away.
    pub fn delete_message(&self, line: &Line) {
        let (Some(conv), Some(message)) = (self.list.current.get_untracked(), line.id) else {
            return;
        };
        let Some(target) = self.target_of(message) else {
            return;
        };
        if !line.mine || !crate::client::browser::confirm("Delete this message for everyone?") {
            return;
        }
        if !self.send_content(conv, MessageContent::Delete { target }, vec![]) {
            return;
        }
        if let Some(s) = self.connection.socket.get_value() {
            s.send_now(ClientFrame::Delete {
                conversation: conv,
                message,
                edits: line.edits.clone(),
            });
        }
    }
}
