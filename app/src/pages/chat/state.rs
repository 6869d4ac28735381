//! The chat page's state and what changes it: server answers, socket frames, the user.

use crate::Answered;
use crate::ApiError;
use crate::api;
use crate::client::browser;
use crate::client::dm::Dm;
use crate::client::group::Groups;
use crate::client::keyring::Keyring;
use crate::client::socket::{Handlers, Socket};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{ConversationSummary, FileMeta, MessageContent, Person};
use protocol::crypto::pins::Pins;
use protocol::frames::{ClientFrame, StoredMessage};
use protocol::{Bytes, ClientMsgId, ConversationId, FileId, MessageId, UserId};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

/// One message (or group event) as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub client_id: ClientMsgId,
    pub id: Option<MessageId>,
    pub mine: bool,
    pub text: String,
    pub at: i64,
    /// Sent, not yet acknowledged (committed) by the server.
    pub pending: bool,
    /// Who wrote it, in a group (others only).
    pub sender: Option<String>,
    /// A membership change ("alice added carol"), not a message.
    pub event: bool,
    /// Could not be shown as written: not verified, not decryptable or waiting for keys.
    pub warn: bool,
    /// The file it carries.
    pub file: Option<FileMeta>,
    /// The message it answers, quoted.
    pub reply: Option<super::thread::Quote>,
    /// The sender changed the text since.
    pub edited: bool,
    /// The sender deleted it for everyone.
    pub deleted: bool,
    pub reactions: Vec<super::thread::Reaction>,
    /// The sender's edits of it (a delete removes them too).
    pub edits: Vec<MessageId>,
    /// Who has read up to here (on the user's own messages, the newest each reached).
    pub seen_by: Vec<String>,
    /// Who sent it (None for the app's own lines).
    pub from: Option<UserId>,
    /// It @mentions the user.
    pub mentions_me: bool,
    /// The same sender wrote the line before, a moment earlier: shown as one run.
    pub continued: bool,
    /// A separator where the day changes ("Today"); also an `event`.
    pub day: bool,
}

/// A group message waiting for its acknowledgement, and how often it was sealed again.
#[derive(Clone)]
pub(super) struct Outgoing {
    pub conv: ConversationId,
    pub content: MessageContent,
    pub files: Vec<FileId>,
    pub tries: u8,
}

/// What the right-hand pane shows besides the open conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    None,
    NewGroup,
    Join,
    Members,
}

#[derive(Clone, Copy)]
pub struct Chat {
    pub me: RwSignal<Option<UserId>>,
    pub conversations: RwSignal<Vec<ConversationSummary>>,
    pub people: RwSignal<Vec<Person>>,
    pub current: RwSignal<Option<ConversationId>>,
    pub lines: RwSignal<Vec<Line>>,
    pub more: RwSignal<bool>,
    pub loading_older: RwSignal<bool>,
    pub connected: RwSignal<bool>,
    /// Whether the server can be reached, as the outage banner tells it.
    pub link: RwSignal<super::outage::Link>,
    pub error: RwSignal<Option<String>>,
    /// Bumped whenever the newest line changes, so the view scrolls to it.
    pub scroll_to_end: RwSignal<u64>,
    /// The identity keys this user has pinned (seen, and maybe verified).
    pub pins: RwSignal<Pins>,
    /// What is wrong with the store of pins the server gave back (missing, older than
    /// this browser's copy, unreadable), in words, until dismissed.
    pub pins_alarm: RwSignal<Option<String>>,
    /// People whose published key differs from the pinned one, and whether that one was
    /// verified; cleared when the user accepts the new key or verifies again.
    pub changed: RwSignal<BTreeMap<UserId, bool>>,
    pub panel: RwSignal<Panel>,
    /// The open group as verified (roster, settings, whether keys are missing).
    pub group_view: RwSignal<Option<super::groups::GroupView>>,
    /// An invite code from a link, for the join panel.
    pub join_code: RwSignal<String>,
    pub(super) ring: StoredValue<Option<Arc<Keyring>>>,
    pub(super) dm: StoredValue<Option<Rc<Dm>>, LocalStorage>,
    pub(super) groups: StoredValue<Option<Rc<Groups>>, LocalStorage>,
    /// The open conversation's messages as stored (oldest first); lines are made from it.
    pub(super) raw: StoredValue<Vec<StoredMessage>, LocalStorage>,
    /// Messages already decrypted and verified in the open conversation (not the
    /// unreadable ones, which keys arriving later may open), so a new one costs one
    /// decryption. Kept by sender and client id, which the decryption proved, not by the
    /// server's id: a server that numbers a row anew cannot give it another's words.
    pub(super) decoded: StoredValue<HashMap<(UserId, ClientMsgId), MessageContent>, LocalStorage>,
    /// What the composer holds.
    pub draft: RwSignal<String>,
    /// Unsent drafts of the conversations not open, kept while switching.
    pub(super) drafts: StoredValue<HashMap<ConversationId, String>, LocalStorage>,
    /// Who is typing where, until when (ms).
    pub typing: RwSignal<Vec<(ConversationId, UserId, i64)>>,
    /// How far the other members have read the open conversation.
    pub seen: RwSignal<HashMap<UserId, MessageId>>,
    /// When the last sound played (they are spaced out).
    pub(super) sounded_at: StoredValue<i64>,
    /// The socket was connected before (so a new connection is a reconnection).
    pub(super) was_connected: StoredValue<bool>,
    /// When this tab last said the user is typing.
    pub(super) typed_at: StoredValue<i64>,
    /// The message the composer answers, if any.
    pub reply_to: RwSignal<Option<MessageId>>,
    /// The user's own message the composer is changing, if any.
    pub editing: RwSignal<Option<MessageId>>,
    /// Group sends not yet acknowledged: sealed again if the group moves to a new epoch.
    pub(super) outbox: StoredValue<BTreeMap<ClientMsgId, Outgoing>, LocalStorage>,
    pub(super) socket: StoredValue<Option<Rc<Socket>>, LocalStorage>,
    /// Files on their way up, in every conversation.
    pub uploads: RwSignal<Vec<super::files::Upload>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) next_upload: StoredValue<u64>,
    /// Files being downloaded and decrypted, with percent done.
    pub downloads: RwSignal<HashMap<FileId, u8>>,
    pub viewer: RwSignal<Option<super::files::Viewer>>,
    /// The session ended elsewhere (logged out from another device, password changed):
    /// the page goes back to the login.
    pub signed_out: RwSignal<bool>,
    /// What the last slash command answered (seen only here).
    pub notice: RwSignal<Option<String>>,
    pub search: super::search::Search,
    /// Conversations' decrypted text for search, in memory only.
    pub(super) search_index:
        StoredValue<HashMap<ConversationId, Rc<Vec<super::search::Entry>>>, LocalStorage>,
    /// A message to show once its page of history is loaded (a search result).
    pub(super) jump: StoredValue<Option<(ConversationId, MessageId)>>,
    /// Bumped whenever a conversation's searchable text is forgotten.
    pub(super) search_generation: StoredValue<u64>,
}

impl Chat {
    pub fn new() -> Self {
        Self {
            me: RwSignal::new(None),
            conversations: RwSignal::new(Vec::new()),
            people: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            lines: RwSignal::new(Vec::new()),
            more: RwSignal::new(false),
            loading_older: RwSignal::new(false),
            connected: RwSignal::new(false),
            link: RwSignal::new(Default::default()),
            error: RwSignal::new(None),
            scroll_to_end: RwSignal::new(0),
            pins: RwSignal::new(Pins::default()),
            pins_alarm: RwSignal::new(None),
            changed: RwSignal::new(BTreeMap::new()),
            panel: RwSignal::new(Panel::None),
            group_view: RwSignal::new(None),
            join_code: RwSignal::new(String::new()),
            ring: StoredValue::new(None),
            dm: crate::pages::browser_only(None),
            groups: crate::pages::browser_only(None),
            raw: crate::pages::browser_only(Vec::new()),
            decoded: crate::pages::browser_only(HashMap::new()),
            draft: RwSignal::new(String::new()),
            drafts: crate::pages::browser_only(HashMap::new()),
            reply_to: RwSignal::new(None),
            typing: RwSignal::new(Vec::new()),
            seen: RwSignal::new(HashMap::new()),
            typed_at: StoredValue::new(0),
            was_connected: StoredValue::new(false),
            sounded_at: StoredValue::new(0),
            editing: RwSignal::new(None),
            outbox: crate::pages::browser_only(BTreeMap::new()),
            socket: crate::pages::browser_only(None),
            uploads: RwSignal::new(Vec::new()),
            next_upload: StoredValue::new(0),
            downloads: RwSignal::new(HashMap::new()),
            viewer: RwSignal::new(None),
            signed_out: RwSignal::new(false),
            notice: RwSignal::new(None),
            search: super::search::Search::new(),
            search_index: crate::pages::browser_only(HashMap::new()),
            jump: StoredValue::new(None),
            search_generation: StoredValue::new(0),
        }
    }

    pub(super) fn report(&self, e: ApiError) {
        self.error.set(Some(e.to_string()));
    }

    /// Loads everything after login or reload; Err(Unauthorized) means the session ended.
    pub async fn start(self, ring: Arc<Keyring>) -> Result<(), ApiError> {
        let me = api::whoami()
            .await?
            .ok_or_else(|| ApiError::Unauthorized("Please log in.".into()))?;
        if me.id != ring.me.id {
            return Err(ApiError::Unauthorized("Signed in as someone else.".into()));
        }
        self.me.set(Some(me.id));
        self.ring.set_value(Some(ring.clone()));
        let (people, convs, pins) = futures::join!(
            api::people(),
            api::conversations(),
            crate::client::pins::load(&ring)
        );
        let (pins, alarm) = pins?;
        self.pins.set(pins);
        if let Some(alarm) = alarm {
            // Said to the person; the copy this browser had stays in force, and goes back.
            self.pins_alarm
                .set(Some(crate::client::pins::alarm_text(alarm)));
            self.save_pins();
        }
        let people = people.answered()?;
        self.review(&people);
        self.people.set(people);
        let convs = convs.answered()?;
        let last_seen = convs
            .iter()
            .filter_map(|c| c.last_message)
            .max()
            .unwrap_or(MessageId(0));
        self.conversations.set(convs);
        self.dm.set_value(Some(Rc::new(Dm::new(ring.clone()))));
        let groups = Rc::new(Groups::new(ring));
        self.groups.set_value(Some(groups.clone()));
        let socket = Socket::connect(
            Handlers {
                on_frame: Box::new(move |f| self.on_frame(f)),
                on_connected: Box::new(move |c| {
                    self.connected.set(c);
                    if c {
                        self.outage_over();
                        self.tell_away();
                        // Back after a break: deletes, read marks and presence changes
                        // sent meanwhile are not replayed, so fetch them again.
                        if self.was_connected.get_value() {
                            self.refresh_identities();
                            self.refresh_open();
                        }
                        self.was_connected.set_value(true);
                    }
                }),
                on_retry: Box::new(move |at, failures| {
                    // The first failure in a row may be the session's end, not the network's.
                    if failures == 1 {
                        self.check_session();
                    }
                    self.outage_retry(at, failures);
                }),
            },
            last_seen,
        );
        self.socket.set_value(Some(Rc::new(socket)));
        if let Some(code) = browser::take_join_code() {
            self.join_code.set(code);
            self.panel.set(Panel::Join);
        }
        // Every account is in the Everyone room: join it (or make it, the first time).
        let people = self.people.get_untracked();
        if let Err(e) = groups.join_everyone(&people).await {
            self.report(e);
        }
        // Verify every group once, which also hands over keys to members who joined while
        // nobody holding them was online.
        let convs = api::conversations().await.answered()?;
        self.set_conversations(convs.clone());
        for c in convs.iter().filter(|c| c.group.is_some()) {
            // The Everyone room was just loaded (and its keys handed over) by the join.
            let loaded = groups.get(c.id).is_some();
            if !loaded && self.current.get_untracked() != Some(c.id) {
                self.load_group(c.id).await;
            }
        }
        Ok(())
    }

    /// After the socket dropped: was it because the session ended? (A server restart
    /// or a network hiccup answers otherwise, and the socket reconnects by itself.)
    fn check_session(&self) {
        let this = *self;
        spawn_local(async move {
            if let Ok(None) = api::whoami().await {
                this.signed_out.set(true);
            }
        });
    }

    pub(super) fn refresh_conversations(&self) {
        let this = *self;
        spawn_local(async move {
            match api::conversations().await.answered() {
                Ok(cs) => this.set_conversations(cs),
                Err(e) => this.report(e),
            }
        });
    }

    /// Replaces the sidebar's list with a fresh one from the server, keeping direct
    /// conversations opened meanwhile (a list fetched a moment earlier lacks them; direct
    /// conversations never go away, groups the user left are removed explicitly).
    pub(super) fn set_conversations(&self, mut list: Vec<ConversationSummary>) {
        let opened: Vec<ConversationSummary> = self.conversations.with_untracked(|cs| {
            cs.iter()
                .filter(|c| c.peer.is_some() && !list.iter().any(|n| n.id == c.id))
                .cloned()
                .collect()
        });
        list.extend(opened);
        if let Some(groups) = self.groups.get_value() {
            for c in &mut list {
                if let (Some(g), Some(ctx)) = (c.group.as_mut(), groups.get(c.id)) {
                    super::groups::fill_names(g, &ctx);
                }
            }
        }
        // The open conversation is being read: a list fetched before its read mark moved
        // must not bring its unread count back.
        let open = self.current.get_untracked();
        list.iter_mut()
            .filter(|c| Some(c.id) == open)
            .for_each(|c| c.unread = 0);
        list.sort_by_key(|c| std::cmp::Reverse(c.last_message));
        self.conversations.set(list);
    }

    pub fn stop(&self) {
        // Only a browser has a socket. On the server this runs at the end of a render,
        // maybe on another thread than the one that made these thread-local values, and
        // reading them there panics (a 500 for the page).
        #[cfg(feature = "hydrate")]
        if let Some(s) = self.socket.get_value() {
            s.close();
        }
    }

    pub(super) fn peer(&self, conv: ConversationId) -> Option<Person> {
        self.conversations.with_untracked(|cs| {
            cs.iter()
                .find(|c| c.id == conv)
                .and_then(|c| c.peer.clone())
        })
    }

    /// The people to show and pick from: everyone but deleted accounts (kept in `people`
    /// for their names and keys).
    pub fn listed(&self) -> Vec<Person> {
        self.people
            .with(|ps| ps.iter().filter(|p| !p.deleted).cloned().collect())
    }

    pub(super) fn listed_untracked(&self) -> Vec<Person> {
        self.people
            .with_untracked(|ps| ps.iter().filter(|p| !p.deleted).cloned().collect())
    }

    pub(super) fn is_group(&self, conv: ConversationId) -> bool {
        self.conversations
            .with_untracked(|cs| cs.iter().any(|c| c.id == conv && c.group.is_some()))
    }

    /// Encrypts and sends a text to the open conversation.
    pub fn send(&self, text: String) -> bool {
        // A slash command, unless a message is being edited.
        if self.editing.get_untracked().is_none()
            && let Some(cmd) = crate::client::commands::parse(&text)
        {
            return self.run_command(cmd);
        }
        let text = text.trim();
        // "//text" sends "/text".
        let text = text
            .strip_prefix('/')
            .filter(|t| t.starts_with('/'))
            .unwrap_or(text);
        let text = crate::client::emoji::expand_shortcodes(text);
        let Some(conv) = self.current.get_untracked() else {
            return false;
        };
        if text.is_empty() {
            return false;
        }
        if text.len() > protocol::validate::MESSAGE_TEXT_MAX {
            self.error.set(Some("That message is too long.".into()));
            return false;
        }
        let edited = self
            .editing
            .get_untracked()
            .and_then(|id| self.target_of(id));
        let answered = self
            .reply_to
            .get_untracked()
            .and_then(|id| self.target_of(id));
        let content = match (edited, answered) {
            (Some(target), _) => MessageContent::Edit { target, text },
            (None, Some(target)) => MessageContent::Reply { target, text },
            (None, None) => MessageContent::Text { text },
        };
        let sent = self.send_content(conv, content, vec![]);
        if sent {
            self.editing.set(None);
            self.reply_to.set(None);
        }
        sent
    }

    /// False (with the reason shown) while sending would wait for the user: the keys of a
    /// verified contact changed and they have not looked yet.
    pub(super) fn may_send(&self, conv: ConversationId) -> bool {
        let Some(peer) = self.peer(conv) else {
            return true;
        };
        if peer.deleted {
            self.error.set(Some(
                "This account was deleted: nobody would read what you send here.".into(),
            ));
            return false;
        }
        if self
            .changed
            .with_untracked(|c| c.get(&peer.id) == Some(&true))
        {
            self.error.set(Some(format!(
                "{}'s keys changed since you verified them: compare safety numbers again, or accept the new keys, before sending.",
                peer.display_name
            )));
            return false;
        }
        true
    }

    /// Encrypts and sends a message (and the files it carries) to a conversation.
    pub(super) fn send_content(
        &self,
        conv: ConversationId,
        content: MessageContent,
        files: Vec<FileId>,
    ) -> bool {
        let (Some(dm), Some(socket)) = (self.dm.get_value(), self.socket.get_value()) else {
            return false;
        };
        if self.is_group(conv) {
            return self.send_group(conv, content, files);
        }
        let Some(peer) = self.peer(conv) else {
            return false;
        };
        if !self.may_send(conv) {
            return false;
        }
        let event = !content.is_message();
        match dm.seal(conv, &peer, &content) {
            Ok((client_id, envelope)) => {
                if self.current.get_untracked() == Some(conv) && !event {
                    self.lines
                        .update(|ls| ls.push(Line::pending(client_id, content)));
                }
                self.scroll_to_end.update(|n| *n += 1);
                socket.send(
                    client_id,
                    ClientFrame::Send {
                        conversation: conv,
                        client_id,
                        envelope: Bytes(envelope),
                        files,
                        event,
                    },
                );
                true
            }
            Err(e) => {
                self.error.set(Some(format!("Could not encrypt: {e}")));
                false
            }
        }
    }
}
