//! WebSocket frames: JSON text frames, each carrying the protocol version `v`.

use crate::bytes::Bytes;
use crate::error::{ProtocolError, Result};
use crate::ids::{ClientMsgId, ConversationId, FileId, MessageId, UserId};
use serde::{Deserialize, Serialize};

/// The frame version this build speaks.
pub const PROTOCOL_VERSION: u16 = 1;
/// The largest text frame either side accepts; larger ones close the socket (1009).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// The most messages a resume replays; a client that was away longer reloads history.
pub const RESUME_LIMIT: usize = 500;

/// The version of what browsers seal and read inside envelopes. 2: edits, replies,
/// reactions and deletes name their target by sender and client id (`api::Target`).
/// 3: group commits seal the group's names (`crypto::group::seal`, commit version 2).
/// 4: calls, and the `call` lines their callers write (`api::call`).
pub const CONTENT_VERSION: u32 = 4;

/// Browser → server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Store an encrypted message; answered by `Ack` once committed.
    Send {
        conversation: ConversationId,
        client_id: ClientMsgId,
        envelope: Bytes,
        /// Uploaded files whose keys the envelope carries: deleting the message deletes
        /// them. The server learns only that the message has files, never what they are.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<FileId>,
        /// An edit or a reaction rather than a message: the sender says so (the server
        /// cannot look), so it does not count as unread.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        event: bool,
    },
    /// Deletes the user's own message for everyone: the server keeps a tombstone without
    /// ciphertext, drops its files, and removes the edits of it (which only the sender
    /// can name, their targets being encrypted).
    Delete {
        conversation: ConversationId,
        message: MessageId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        edits: Vec<MessageId>,
    },
    /// Replay every message after `after` in the user's conversations (after a reconnect).
    Resume { after: MessageId },
    /// The user has read a conversation up to a message.
    Read {
        conversation: ConversationId,
        up_to: MessageId,
    },
    /// Whether this tab is out of sight: a user all of whose tabs are is "away".
    Away { away: bool },
    /// The user is typing in a conversation (sent at most every few seconds).
    Typing { conversation: ConversationId },
    /// A sealed call signal (`crypto::call`) for the other person of a direct
    /// conversation. Relayed to every tab of both people, never stored.
    Signal {
        conversation: ConversationId,
        envelope: Bytes,
    },
    /// Asks for a pass to the server's relay for a call in a direct conversation;
    /// answered by `Relay`.
    Relay { conversation: ConversationId },
    /// Keep-alive; answered by `Pong`.
    Ping,
}

/// The most edits one `Delete` names.
pub const DELETE_EDITS_MAX: usize = 100;

/// A stored message as the server hands it out: the envelope is opaque to it; an empty
/// one is a message its sender deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub sender: UserId,
    pub client_id: ClientMsgId,
    pub envelope: Bytes,
    /// Server time of the commit, milliseconds since the Unix epoch.
    pub at: i64,
}

/// Why the server refused a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadFrame,
    NotMember,
    TooLarge,
    /// The group moved to a new epoch: verify the new commits and seal again.
    StaleEpoch,
    Internal,
}

/// Server → browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    Hello {
        user: UserId,
        /// What the server's own browsers seal (`CONTENT_VERSION`). A page whose build
        /// seals less was loaded before the server was updated: it asks to be reloaded.
        #[serde(default)]
        version: u32,
    },
    /// The message is committed (or was already, for a repeated client id).
    Ack {
        client_id: ClientMsgId,
        id: MessageId,
        conversation: ConversationId,
        at: i64,
    },
    Message(StoredMessage),
    /// Sent after a resume's replay; `complete` is false when more than the limit waited.
    Resumed {
        complete: bool,
    },
    /// Someone came online, went away (every tab hidden), came back, or went offline.
    Presence {
        user: UserId,
        online: bool,
        #[serde(default)]
        away: bool,
        /// When they went offline (ms since the epoch), if this server saw it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_seen: Option<i64>,
    },
    /// Someone's identity keys changed (rotation or reset), or an admin deleted the
    /// account: fetch the people again and check them against the pins.
    IdentityChanged {
        user: UserId,
    },
    /// A group gained a commit or key wraps (or was deleted): fetch its state again.
    GroupChanged {
        conversation: ConversationId,
    },
    /// Someone in a conversation is typing (shown for a few seconds).
    Typing {
        conversation: ConversationId,
        user: UserId,
    },
    /// A member has read a conversation up to a message (also to the reader's other tabs).
    Seen {
        conversation: ConversationId,
        user: UserId,
        up_to: MessageId,
    },
    /// A message its sender deleted (show it as deleted), and its edits (gone).
    Deleted {
        conversation: ConversationId,
        message: MessageId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        edits: Vec<MessageId>,
    },
    /// A call signal, relayed as it came (only the two people can open it).
    Signal {
        conversation: ConversationId,
        sender: UserId,
        envelope: Bytes,
    },
    /// A pass to the server's relay (`api::relay`), or none when it runs without one.
    Relay {
        conversation: ConversationId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pass: Option<crate::api::relay::RelayPass>,
    },
    Pong,
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<ClientMsgId>,
    },
}

#[derive(Serialize)]
struct Out<'a, T> {
    v: u16,
    #[serde(flatten)]
    frame: &'a T,
}

#[derive(Deserialize)]
struct In<T> {
    // Checked separately first, so an unknown version gets its own error.
    #[allow(dead_code)]
    v: u16,
    #[serde(flatten)]
    frame: T,
}

fn encode<T: Serialize>(frame: &T) -> String {
    // Serialising these plain enums cannot fail: no maps with non-string keys, no I/O.
    serde_json::to_string(&Out {
        v: PROTOCOL_VERSION,
        frame,
    })
    .unwrap_or_default()
}

fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(ProtocolError::BadFrame("frame too large".into()));
    }
    #[derive(Deserialize)]
    struct Version {
        v: u16,
    }
    let v = serde_json::from_str::<Version>(text)
        .map_err(|_| ProtocolError::BadFrame("not a versioned JSON frame".into()))?
        .v;
    if v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnsupportedVersion(v));
    }
    serde_json::from_str::<In<T>>(text)
        .map(|f| f.frame)
        .map_err(|e| ProtocolError::BadFrame(e.to_string()))
}

impl ClientFrame {
    pub fn encode(&self) -> String {
        encode(self)
    }
    pub fn decode(text: &str) -> Result<Self> {
        decode::<Self>(text)
    }
}

impl ServerFrame {
    pub fn encode(&self) -> String {
        encode(self)
    }
    pub fn decode(text: &str) -> Result<Self> {
        decode::<Self>(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_with_version() {
        let f = ClientFrame::Send {
            conversation: ConversationId(3),
            client_id: ClientMsgId([1; 16]),
            envelope: Bytes(vec![1, 2, 3]),
            files: vec![],
            event: false,
        };
        let text = f.encode();
        assert!(text.starts_with(r#"{"v":1,"type":"send""#), "{text}");
        assert_eq!(ClientFrame::decode(&text).unwrap(), f);
        let s = ServerFrame::Presence {
            user: UserId([2; 16]),
            online: true,
            away: false,
            last_seen: None,
        };
        assert_eq!(ServerFrame::decode(&s.encode()).unwrap(), s);
    }

    #[test]
    fn bad_frames_are_errors_not_panics() {
        for bad in [
            "",
            "null",
            "{}",
            r#"{"v":1}"#,
            r#"{"v":1,"type":"nope"}"#,
            "\u{0}",
            "[1,2]",
            r#"{"v":"1","type":"ping"}"#,
        ] {
            assert!(ClientFrame::decode(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            ClientFrame::decode(r#"{"v":2,"type":"ping"}"#),
            Err(ProtocolError::UnsupportedVersion(2))
        );
        assert_eq!(
            ClientFrame::decode(r#"{"v":1,"type":"ping"}"#),
            Ok(ClientFrame::Ping)
        );
        let long = format!(
            r#"{{"v":1,"type":"ping","x":"{}"}}"#,
            "a".repeat(MAX_FRAME_BYTES)
        );
        assert!(ClientFrame::decode(&long).is_err());
    }
}
