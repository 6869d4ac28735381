//! The chat page's state and what changes it: server answers, socket frames, the user.

mod call;
mod group;
mod line;
mod link;
mod search;
mod transfer;
pub use call::{CallInfo, Calls, Phase};
pub use group::{GroupView, MemberView, fill_names};
pub use line::{Quote, Reaction};
pub use link::Link;
pub use search::{Entry, Hit, Search};
pub use transfer::{Upload, Viewer};

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
    pub reply: Option<Quote>,
    /// The sender changed the text since.
    pub edited: bool,
    /// The sender deleted it for everyone.
    pub deleted: bool,
    pub reactions: Vec<Reaction>,
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

/// The signed-in user's keys and what they know of others' keys.
#[derive(Clone, Copy)]
pub struct Keys {
    pub(in crate::pages::chat) ring: StoredValue<Option<Arc<Keyring>>>,
    pub(in crate::pages::chat) dm: StoredValue<Option<Rc<Dm>>, LocalStorage>,
    pub(in crate::pages::chat) groups: StoredValue<Option<Rc<Groups>>, LocalStorage>,
    /// The identity keys this user has pinned (seen, and maybe verified).
    pub pins: RwSignal<Pins>,
    /// What is wrong with the store of pins the server gave back (missing, older than
    /// this browser's copy, unreadable), in words, until dismissed.
    pub pins_alarm: RwSignal<Option<String>>,
    /// People whose published key differs from the pinned one, and whether that one was
    /// verified; cleared when the user accepts the new key or verifies again.
    pub changed: RwSignal<BTreeMap<UserId, bool>>,
}

/// The sidebar: the conversations, the people, which one is open and the side panel.
#[derive(Clone, Copy)]
pub struct Sidebar {
    pub conversations: RwSignal<Vec<ConversationSummary>>,
    pub people: RwSignal<Vec<Person>>,
    pub current: RwSignal<Option<ConversationId>>,
    /// Who is typing where, until when (ms).
    pub typing: RwSignal<Vec<(ConversationId, UserId, i64)>>,
    pub panel: RwSignal<Panel>,
    /// The open group as verified (roster, settings, whether keys are missing).
    pub group_view: RwSignal<Option<GroupView>>,
    /// An invite code from a link, for the join panel.
    pub join_code: RwSignal<String>,
}

/// The open conversation's messages.
#[derive(Clone, Copy)]
pub struct Thread {
    pub lines: RwSignal<Vec<Line>>,
    pub more: RwSignal<bool>,
    pub loading_older: RwSignal<bool>,
    /// Bumped whenever the newest line changes, so the view scrolls to it.
    pub scroll_to_end: RwSignal<u64>,
    /// How far the other members have read the open conversation.
    pub seen: RwSignal<HashMap<UserId, MessageId>>,
    /// The open conversation's messages as stored (oldest first); lines are made from it.
    pub(in crate::pages::chat) raw: StoredValue<Vec<StoredMessage>, LocalStorage>,
    /// Messages already decrypted and verified in the open conversation (not the
    /// unreadable ones, which keys arriving later may open), so a new one costs one
    /// decryption. Kept by sender and client id, which the decryption proved, not by the
    /// server's id: a server that numbers a row anew cannot give it another's words.
    pub(in crate::pages::chat) decoded:
        StoredValue<HashMap<(UserId, ClientMsgId), MessageContent>, LocalStorage>,
    /// A message to show once its page of history is loaded (a search result).
    pub(in crate::pages::chat) jump: StoredValue<Option<(ConversationId, MessageId)>>,
}

/// What the user is writing, and what was sent but not yet acknowledged.
#[derive(Clone, Copy)]
pub struct Composer {
    /// What the composer holds.
    pub draft: RwSignal<String>,
    /// Unsent drafts of the conversations not open, kept while switching.
    pub(in crate::pages::chat) drafts: StoredValue<HashMap<ConversationId, String>, LocalStorage>,
    /// The message the composer answers, if any.
    pub reply_to: RwSignal<Option<MessageId>>,
    /// The user's own message the composer is changing, if any.
    pub editing: RwSignal<Option<MessageId>>,
    /// When this tab last said the user is typing.
    pub(in crate::pages::chat) typed_at: StoredValue<i64>,
    /// Group sends not yet acknowledged: sealed again if the group moves to a new epoch.
    pub(in crate::pages::chat) outbox: StoredValue<BTreeMap<ClientMsgId, Outgoing>, LocalStorage>,
}

/// Files on their way up or down, and the one being viewed.
#[derive(Clone, Copy)]
pub struct Transfers {
    /// Files on their way up, in every conversation.
    pub uploads: RwSignal<Vec<Upload>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(in crate::pages::chat) next_upload: StoredValue<u64>,
    /// Files being downloaded and decrypted, with percent done.
    pub downloads: RwSignal<HashMap<FileId, u8>>,
    pub viewer: RwSignal<Option<Viewer>>,
}

/// The socket, and whether the server can be reached.
#[derive(Clone, Copy)]
pub struct Connection {
    pub connected: RwSignal<bool>,
    /// Whether the server can be reached, as the outage banner tells it.
    pub link: RwSignal<Link>,
    /// The socket was connected before (so a new connection is a reconnection).
    pub(in crate::pages::chat) was_connected: StoredValue<bool>,
    pub(in crate::pages::chat) socket: StoredValue<Option<Rc<Socket>>, LocalStorage>,
}

/// The chat page's state: a handle per part of the page, each a few signals.
#[derive(Clone, Copy)]
pub struct Chat {
    pub me: RwSignal<Option<UserId>>,
    pub error: RwSignal<Option<String>>,
    /// What the last slash command answered (seen only here).
    pub notice: RwSignal<Option<String>>,
    /// The session ended elsewhere (logged out from another device, password changed):
    /// the page goes back to the login.
    pub signed_out: RwSignal<bool>,
    pub keys: Keys,
    pub list: Sidebar,
    pub thread: Thread,
    pub composer: Composer,
    pub transfers: Transfers,
    pub connection: Connection,
    pub search: Search,
    pub call: Calls,
    /// Conversations' decrypted text for search, in memory only.
    pub(super) search_index: StoredValue<HashMap<ConversationId, Rc<Vec<Entry>>>, LocalStorage>,
    /// Bumped whenever a conversation's searchable text is forgotten.
    pub(super) search_generation: StoredValue<u64>,
    /// When the last sound played (they are spaced out).
    pub(super) sounded_at: StoredValue<i64>,
}

impl Chat {
    pub fn new() -> Self {
        use crate::pages::browser_only;
        Self {
            me: RwSignal::new(None),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            signed_out: RwSignal::new(false),
            keys: Keys {
                ring: StoredValue::new(None),
                dm: browser_only(None),
                groups: browser_only(None),
                pins: RwSignal::new(Pins::default()),
                pins_alarm: RwSignal::new(None),
                changed: RwSignal::new(BTreeMap::new()),
            },
            list: Sidebar {
                conversations: RwSignal::new(Vec::new()),
                people: RwSignal::new(Vec::new()),
                current: RwSignal::new(None),
                typing: RwSignal::new(Vec::new()),
                panel: RwSignal::new(Panel::None),
                group_view: RwSignal::new(None),
                join_code: RwSignal::new(String::new()),
            },
            thread: Thread {
                lines: RwSignal::new(Vec::new()),
                more: RwSignal::new(false),
                loading_older: RwSignal::new(false),
                scroll_to_end: RwSignal::new(0),
                seen: RwSignal::new(HashMap::new()),
                raw: browser_only(Vec::new()),
                decoded: browser_only(HashMap::new()),
                jump: StoredValue::new(None),
            },
            composer: Composer {
                draft: RwSignal::new(String::new()),
                drafts: browser_only(HashMap::new()),
                reply_to: RwSignal::new(None),
                editing: RwSignal::new(None),
                typed_at: StoredValue::new(0),
                outbox: browser_only(BTreeMap::new()),
            },
            transfers: Transfers {
                uploads: RwSignal::new(Vec::new()),
                next_upload: StoredValue::new(0),
                downloads: RwSignal::new(HashMap::new()),
                viewer: RwSignal::new(None),
            },
            connection: Connection {
                connected: RwSignal::new(false),
                link: RwSignal::new(Default::default()),
                was_connected: StoredValue::new(false),
                socket: browser_only(None),
            },
            search: Search::new(),
            call: Calls::new(),
            search_index: browser_only(HashMap::new()),
            search_generation: StoredValue::new(0),
            sounded_at: StoredValue::new(0),
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
        self.keys.ring.set_value(Some(ring.clone()));
        let (people, convs, pins) = futures::join!(
            api::people(),
            api::conversations(),
            crate::client::pins::load(&ring)
        );
        let (pins, alarm) = pins?;
        self.keys.pins.set(pins);
        if let Some(alarm) = alarm {
            // Said to the person; the copy this browser had stays in force, and goes back.
            self.keys
                .pins_alarm
                .set(Some(crate::client::pins::alarm_text(alarm)));
            self.save_pins();
        }
        let people = people.answered()?;
        self.review(&people);
        self.list.people.set(people);
        let convs = convs.answered()?;
        let last_seen = convs
            .iter()
            .filter_map(|c| c.last_message)
            .max()
            .unwrap_or(MessageId(0));
        self.list.conversations.set(convs);
        self.keys.dm.set_value(Some(Rc::new(Dm::new(ring.clone()))));
        let groups = Rc::new(Groups::new(ring));
        self.keys.groups.set_value(Some(groups.clone()));
        self.connect(last_seen);
        if let Some(code) = browser::take_join_code() {
            self.list.join_code.set(code);
            self.list.panel.set(Panel::Join);
        }
        // Every account is in the Everyone room: join it (or make it, the first time).
        let people = self.list.people.get_untracked();
        if let Err(e) = groups.join_everyone(&people).await {
            self.report(e);
        }
        self.verify_groups(&groups).await
    }

    /// Opens the socket: frames go to `on_frame`; a reconnection fetches again what is
    /// not replayed; a failure may mean the session ended.
    fn connect(self, last_seen: MessageId) {
        let socket = Socket::connect(
            Handlers {
                on_frame: Box::new(move |f| self.on_frame(f)),
                on_connected: Box::new(move |c| {
                    self.connection.connected.set(c);
                    if c {
                        self.outage_over();
                        self.tell_away();
                        // Back after a break: deletes, read marks and presence changes
                        // sent meanwhile are not replayed, so fetch them again.
                        if self.connection.was_connected.get_value() {
                            self.refresh_identities();
                            self.refresh_open();
                        }
                        self.connection.was_connected.set_value(true);
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
        self.connection.socket.set_value(Some(Rc::new(socket)));
    }

    /// Verifies every group once, which also hands over keys to members who joined while
    /// nobody holding them was online.
    async fn verify_groups(self, groups: &Groups) -> Result<(), ApiError> {
        let convs = api::conversations().await.answered()?;
        self.set_conversations(convs.clone());
        for c in convs.iter().filter(|c| c.group.is_some()) {
            // The Everyone room was just loaded (and its keys handed over) by the join.
            let loaded = groups.get(c.id).is_some();
            if !loaded && self.list.current.get_untracked() != Some(c.id) {
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
        let opened: Vec<ConversationSummary> = self.list.conversations.with_untracked(|cs| {
            cs.iter()
                .filter(|c| c.peer.is_some() && !list.iter().any(|n| n.id == c.id))
                .cloned()
                .collect()
        });
        list.extend(opened);
        if let Some(groups) = self.keys.groups.get_value() {
            for c in &mut list {
                if let (Some(g), Some(ctx)) = (c.group.as_mut(), groups.get(c.id)) {
                    fill_names(g, &ctx);
                }
            }
        }
        // The open conversation is being read: a list fetched before its read mark moved
        // must not bring its unread count back.
        let open = self.list.current.get_untracked();
        list.iter_mut()
            .filter(|c| Some(c.id) == open)
            .for_each(|c| c.unread = 0);
        list.sort_by_key(|c| std::cmp::Reverse(c.last_message));
        self.list.conversations.set(list);
    }

    pub fn stop(&self) {
        // Only a browser has a socket. On the server this runs at the end of a render,
        // maybe on another thread than the one that made these thread-local values, and
        // reading them there panics (a 500 for the page).
        #[cfg(feature = "hydrate")]
        {
            self.end_call();
            if let Some(s) = self.connection.socket.get_value() {
                s.close();
            }
        }
    }

    pub(super) fn peer(&self, conv: ConversationId) -> Option<Person> {
        self.list.conversations.with_untracked(|cs| {
            cs.iter()
                .find(|c| c.id == conv)
                .and_then(|c| c.peer.clone())
        })
    }

    /// The people to show and pick from: everyone but deleted accounts (kept in `people`
    /// for their names and keys).
    pub fn listed(&self) -> Vec<Person> {
        self.list
            .people
            .with(|ps| ps.iter().filter(|p| !p.deleted).cloned().collect())
    }

    pub(super) fn listed_untracked(&self) -> Vec<Person> {
        self.list
            .people
            .with_untracked(|ps| ps.iter().filter(|p| !p.deleted).cloned().collect())
    }

    pub(super) fn is_group(&self, conv: ConversationId) -> bool {
        self.list
            .conversations
            .with_untracked(|cs| cs.iter().any(|c| c.id == conv && c.group.is_some()))
    }

    /// Encrypts and sends a text to the open conversation.
    pub fn send(&self, text: String) -> bool {
        // A slash command, unless a message is being edited.
        if self.composer.editing.get_untracked().is_none()
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
        let Some(conv) = self.list.current.get_untracked() else {
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
            .composer
            .editing
            .get_untracked()
            .and_then(|id| self.target_of(id));
        let answered = self
            .composer
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
            self.composer.editing.set(None);
            self.composer.reply_to.set(None);
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
            .keys
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
        let (Some(dm), Some(socket)) =
            (self.keys.dm.get_value(), self.connection.socket.get_value())
        else {
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
                if self.list.current.get_untracked() == Some(conv) && !event {
                    self.thread
                        .lines
                        .update(|ls| ls.push(Line::pending(client_id, content)));
                }
                self.thread.scroll_to_end.update(|n| *n += 1);
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
