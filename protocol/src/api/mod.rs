//! Request and response bodies of the server functions, and the plaintext inside an
//! envelope. The server sees everything here except `MessageContent`.

use crate::bytes::Bytes;
use crate::crypto::file::FileKey;
use crate::crypto::identity::PublicIdentity;
use crate::crypto::kdf::{AuthSecret, KdfParams, Salt};
use crate::error::{ProtocolError, Result};
use crate::frames::StoredMessage;
use crate::ids::{ClientMsgId, ConversationId, FileId, MessageId, UserId};
use serde::{Deserialize, Serialize};

pub mod admin;
pub mod call;
pub mod group;
pub mod relay;
pub use group::GroupSummary;

/// Everything the browser made at registration. The password is not in it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Registration {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub salt: Salt,
    pub kdf: KdfParams,
    pub auth_secret: AuthSecret,
    pub identity: PublicIdentity,
    pub wrapped_keys: Bytes,
    /// The recovery key's login secret and second wrap (see `crypto::recovery`).
    #[serde(default)]
    pub recovery: Option<RecoverySetup>,
    /// The token of a sign-up invite link, when registration is by invite only.
    #[serde(default)]
    pub invite: Option<String>,
    /// The setup code the server printed in its terminal, while it has no admin: it makes
    /// this account the admin (and the server's owner).
    #[serde(default)]
    pub setup_code: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecoverySetup {
    pub auth_secret: AuthSecret,
    pub wrapped_keys: Bytes,
}

/// What a recovery-key holder gets back to unwrap the keys with the recovery key.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecoveryWrap {
    pub user: UserId,
    pub wrapped_keys: Bytes,
    /// The identity the server publishes for the account now: the browser checks that
    /// the unwrapped keys are it before anything changes (a wrap left from before a
    /// rotation would otherwise bring the old keys back for good).
    pub identity: PublicIdentity,
}

/// A new password, prepared in the browser: the old auth secret proves the old password,
/// the rest replaces it. The identity keys stay; only their wrap changes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasswordChange {
    /// Proof: the current password's auth secret, or for a recovery the recovery key's.
    pub old_auth_secret: AuthSecret,
    pub salt: Salt,
    pub kdf: KdfParams,
    pub auth_secret: AuthSecret,
    pub wrapped_keys: Bytes,
}

/// What a browser needs to derive the master key. Unknown usernames get a stable fake
/// salt, so this does not tell who has an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginParams {
    pub salt: Salt,
    pub kdf: KdfParams,
}

/// The signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
}

/// Answer to a successful login: the wrapped keys are only ever handed out here.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub me: Profile,
    pub kdf: KdfParams,
    pub identity: PublicIdentity,
    pub wrapped_keys: Bytes,
    /// What was done to the account since its owner last signed in (an admin reset its
    /// password, or turned off its two-step login), told once, at this login.
    #[serde(default)]
    pub notices: Vec<String>,
}

/// One signed-in browser or device, as its owner sees it in the sessions list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// A handle for ending it: the first 16 hex digits of the stored token hash (never
    /// the token, which only the browser holding it knows).
    pub id: String,
    /// The browser's User-Agent as it signed in (the browser names it from this).
    pub agent: Option<String>,
    /// The address it signed in from.
    pub address: Option<String>,
    pub created_at: i64,
    pub last_seen: i64,
    /// The session making this request.
    pub current: bool,
    /// A tab of it is connected now (its socket is open), so it is in use; `last_seen`
    /// alone cannot say that of a browser that was killed a moment ago.
    #[serde(default)]
    pub live: bool,
}

/// Characters of a session's handle (`SessionInfo::id`).
pub const SESSION_ID_LEN: usize = 16;

/// The second factor as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpStatus {
    pub enabled: bool,
    /// Unused recovery codes.
    pub recovery_left: u32,
}

/// A started enrolment: the secret for the authenticator app, as a QR code (SVG the
/// server drew), as the `otpauth://` link inside it, and as text to type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
}

/// Someone in the people list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub online: bool,
    /// Online, but every tab out of sight.
    #[serde(default)]
    pub away: bool,
    /// When they went offline (ms since the epoch), if the server saw it since it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<i64>,
    pub identity: PublicIdentity,
    /// An account an admin deleted: kept so its messages still show under its name
    /// ("Deleted account") and check; left out of lists, and owed no new keys.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// A conversation in the sidebar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    /// The other person, for a direct conversation.
    pub peer: Option<Person>,
    /// Name, emoji and role, for a group.
    pub group: Option<GroupSummary>,
    pub unread: u32,
    pub last_message: Option<MessageId>,
    /// Milliseconds since the Unix epoch.
    pub last_at: Option<i64>,
}

/// One page of history, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub messages: Vec<StoredMessage>,
    /// True when older messages remain.
    pub more: bool,
    /// How far each other member has read (for "seen" marks).
    #[serde(default)]
    pub seen: Vec<ReadMark>,
}

/// A member has read a conversation up to this message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadMark {
    pub user: UserId,
    pub up_to: MessageId,
}

pub const HISTORY_PAGE: u32 = 50;

/// The plaintext inside an envelope, padded before encryption.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageContent {
    Text {
        text: String,
    },
    /// A file: everything needed to fetch, decrypt and show it.
    File(FileMeta),
    /// A text answering an earlier message, which readers quote from their own copy (the
    /// quoted words are not repeated here, so deleting the original deletes them).
    Reply {
        target: Target,
        text: String,
    },
    /// A new text for the sender's own earlier message; readers ignore edits of others'.
    Edit {
        target: Target,
        text: String,
    },
    /// One person's reaction to a message, added (`on`) or taken back.
    React {
        target: Target,
        emoji: String,
        on: bool,
    },
    /// The sender deletes their own earlier message for everyone. Its own encryption
    /// proves who asked: a message the server blanked without one is shown as removed by
    /// the server, not by its sender.
    Delete {
        target: Target,
    },
    /// How a call went, written by the caller's browser when it ends: "Call, 12 min",
    /// "Missed call".
    Call {
        call: crate::ids::CallId,
        media: call::Media,
        outcome: call::Outcome,
        /// How long it lasted once connected (0 unless `Ended`).
        #[serde(default)]
        seconds: u32,
    },
}

/// What an edit, reply, reaction or delete points at. A new event names its target by
/// what the target's own encryption covers, its sender and client id (the associated data
/// of a direct message, the signature of a group message), so a server that renumbers
/// or blanks history cannot move it. Events sealed before this name a server message id,
/// which nothing signs; readers still follow those (`Legacy`), and a delete must name
/// its target the new way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Target {
    Message {
        sender: UserId,
        client_id: ClientMsgId,
    },
    Legacy(MessageId),
}

/// The longest reaction: one emoji, however many code points it is made of.
pub const REACTION_MAX: usize = 32;

/// A file as its message describes it. The server holds only the encrypted blob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    pub id: FileId,
    pub key: FileKey,
    pub name: String,
    /// The type the sender's browser reported; only allow-listed image types are ever
    /// shown inline, so a wrong one cannot do harm.
    pub mime: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<Thumb>,
    /// A voice message: played inline, with its length and waveform (sealed with the
    /// rest, so the server learns neither).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<Voice>,
}

/// What a voice message's player shows before the audio is fetched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voice {
    /// Its length in milliseconds.
    pub millis: u32,
    /// Its loudness over time, 0–255, at most `VOICE_LEVELS` values.
    pub levels: Bytes,
}

/// How many bars a voice message's waveform has at most.
pub const VOICE_LEVELS: usize = 48;
/// The longest voice message: 15 minutes.
pub const VOICE_MILLIS_MAX: u32 = 15 * 60 * 1000;

/// Audio types played inline as voice messages: what browsers record (Opus in WebM or
/// Ogg from Chromium and Firefox, AAC in MP4 from Safari) and each other play.
pub const INLINE_AUDIO: [&str; 3] = ["audio/webm", "audio/ogg", "audio/mp4"];

/// A small preview of an image, made and encrypted by the sender's browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thumb {
    pub mime: String,
    /// The full image's size in pixels, so the viewer can lay it out before it loads.
    pub width: u32,
    pub height: u32,
    pub data: Bytes,
}

/// The largest thumbnail a message carries (it must fit a frame with room to spare).
pub const THUMB_MAX: usize = 24 * 1024;

/// Image types shown inline: raster formats browsers decode safely. Never SVG, which can
/// carry script.
pub const INLINE_IMAGES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Direction overrides and invisible formatting characters: they make "photo" + U+202E + "gpj.exe"
/// read as "photoexe.jpg".
fn invisible(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

impl FileMeta {
    /// The name to save under: no folders, no control characters, no direction tricks,
    /// not empty, not huge.
    pub fn safe_name(&self) -> String {
        let cleaned: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_control() || invisible(c) || "/\\:*?\"<>|".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .take(200)
            .collect();
        let trimmed = cleaned.trim().trim_start_matches('.');
        if trimmed.is_empty() {
            "file".into()
        } else {
            trimmed.to_string()
        }
    }

    /// True when the file may be shown as an image.
    pub fn inline_image(&self) -> bool {
        INLINE_IMAGES.contains(&self.mime.as_str())
    }

    /// The voice message's player data, if it is one of an allow-listed audio type and
    /// sane figures.
    pub fn voice_note(&self) -> Option<&Voice> {
        let base = self.mime.split(';').next().unwrap_or_default().trim();
        self.voice.as_ref().filter(|v| {
            INLINE_AUDIO.contains(&base)
                && v.levels.len() <= VOICE_LEVELS
                && v.millis <= VOICE_MILLIS_MAX
        })
    }

    /// The thumbnail, if it is an allow-listed image of a sane size.
    pub fn safe_thumb(&self) -> Option<&Thumb> {
        self.thumb
            .as_ref()
            .filter(|t| INLINE_IMAGES.contains(&t.mime.as_str()) && t.data.len() <= THUMB_MAX)
    }
}

impl MessageContent {
    /// The message an event points at (none for a message of its own).
    pub fn target(&self) -> Option<Target> {
        match self {
            Self::Text { .. } | Self::File(_) | Self::Call { .. } => None,
            Self::Reply { target, .. }
            | Self::Edit { target, .. }
            | Self::React { target, .. }
            | Self::Delete { target } => Some(*target),
        }
    }

    /// True for what shows as a message of its own (text, file, reply); false for edits,
    /// reactions and deletes, which change another.
    pub fn is_message(&self) -> bool {
        matches!(
            self,
            Self::Text { .. } | Self::File(_) | Self::Reply { .. } | Self::Call { .. }
        )
    }

    /// Sizes a reader accepts: texts up to the limit, a reaction one short grapheme run
    /// without control characters.
    pub fn is_sane(&self) -> bool {
        match self {
            Self::Text { text } | Self::Reply { text, .. } | Self::Edit { text, .. } => {
                text.len() <= crate::validate::MESSAGE_TEXT_MAX
            }
            Self::File(_) => true,
            Self::Call { seconds, .. } => *seconds <= call::CALL_SECONDS_MAX,
            Self::Delete { target } => matches!(target, Target::Message { .. }),
            Self::React { emoji, .. } => {
                !emoji.is_empty()
                    && emoji.len() <= REACTION_MAX
                    && !emoji.chars().any(|c| c.is_control() || c.is_whitespace())
            }
        }
    }

    /// JSON, padded to a size bucket.
    pub fn to_padded(&self) -> Result<Vec<u8>> {
        let json = serde_json::to_vec(self).map_err(|_| ProtocolError::Encrypt)?;
        crate::crypto::pad::pad(&json)
    }

    pub fn from_padded(padded: &[u8]) -> Result<Self> {
        let json = crate::crypto::pad::unpad(padded)?;
        let content: Self = serde_json::from_slice(json)
            .map_err(|_| ProtocolError::Malformed("message content"))?;
        if !content.is_sane() {
            return Err(ProtocolError::Malformed("message content"));
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_round_trip_is_padded() {
        let c = MessageContent::Text {
            text: "héllo 👋".into(),
        };
        let p = c.to_padded().unwrap();
        assert_eq!(p.len(), 256);
        assert_eq!(MessageContent::from_padded(&p).unwrap(), c);
        assert!(MessageContent::from_padded(&crate::crypto::pad::pad(b"{}").unwrap()).is_err());
    }

    #[test]
    fn call_lines_round_trip_and_count_as_messages() {
        let line = MessageContent::Call {
            call: crate::ids::CallId([7; 16]),
            media: call::Media::Video,
            outcome: call::Outcome::Ended,
            seconds: 754,
        };
        let json = serde_json::to_string(&line).unwrap();
        assert!(json.contains(r#""kind":"call""#) && json.contains(r#""outcome":"ended""#));
        assert_eq!(
            MessageContent::from_padded(&line.to_padded().unwrap()).unwrap(),
            line
        );
        assert!(line.is_message() && line.target().is_none());
        let endless = MessageContent::Call {
            call: crate::ids::CallId([7; 16]),
            media: call::Media::Audio,
            outcome: call::Outcome::Ended,
            seconds: call::CALL_SECONDS_MAX + 1,
        };
        assert!(MessageContent::from_padded(&endless.to_padded().unwrap()).is_err());
    }

    #[test]
    fn events_round_trip_and_odd_reactions_are_refused() {
        let target = Target::Message {
            sender: UserId([3; 16]),
            client_id: ClientMsgId([4; 16]),
        };
        for c in [
            MessageContent::Reply {
                target,
                text: "yes".into(),
            },
            MessageContent::Edit {
                target,
                text: "fixed".into(),
            },
            MessageContent::React {
                target,
                emoji: "👍🏽".into(),
                on: true,
            },
            MessageContent::React {
                target,
                emoji: "👨‍👩‍👧‍👦".into(),
                on: false,
            },
            MessageContent::Delete { target },
        ] {
            assert_eq!(c.target(), Some(target));
            assert_eq!(
                MessageContent::from_padded(&c.to_padded().unwrap()).unwrap(),
                c
            );
        }
        let json = serde_json::to_string(&MessageContent::Edit {
            target,
            text: "x".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"kind":"edit","target":{{"sender":"{}","client_id":"{}"}},"text":"x"}}"#,
                "03".repeat(16),
                "04".repeat(16)
            )
        );
        // An event sealed before targets were signed still reads, by its server id; a
        // delete must name its target the new way.
        let old = r#"{"kind":"react","target":7,"emoji":"👍","on":true}"#;
        let c = MessageContent::from_padded(&crate::crypto::pad::pad(old.as_bytes()).unwrap());
        assert_eq!(c.unwrap().target(), Some(Target::Legacy(MessageId(7))));
        let legacy_delete = r#"{"kind":"delete","target":7}"#;
        let padded = crate::crypto::pad::pad(legacy_delete.as_bytes()).unwrap();
        assert!(MessageContent::from_padded(&padded).is_err());
        for emoji in ["", "a b", "\u{7}", &"😀".repeat(9)] {
            let c = MessageContent::React {
                target,
                emoji: emoji.into(),
                on: true,
            };
            assert!(
                MessageContent::from_padded(&c.to_padded().unwrap()).is_err(),
                "{emoji:?}"
            );
        }
    }

    fn file(name: &str, mime: &str) -> FileMeta {
        FileMeta {
            id: FileId([1; 16]),
            key: FileKey([2; 32]),
            name: name.into(),
            mime: mime.into(),
            size: 3,
            thumb: Some(Thumb {
                mime: "image/svg+xml".into(),
                width: 1,
                height: 1,
                data: Bytes(vec![0; 10]),
            }),
            voice: None,
        }
    }

    #[test]
    fn voice_notes_play_only_as_allowed_audio_with_sane_figures() {
        let voice = |mime: &str, millis: u32, bars: usize| FileMeta {
            voice: Some(Voice {
                millis,
                levels: Bytes(vec![7; bars]),
            }),
            ..file("Voice message", mime)
        };
        for ok in ["audio/webm;codecs=opus", "audio/ogg", "audio/mp4"] {
            let v = voice(ok, 2_500, VOICE_LEVELS);
            assert_eq!(v.voice_note().map(|v| v.millis), Some(2_500), "{ok}");
            let c = MessageContent::File(v);
            assert_eq!(
                MessageContent::from_padded(&c.to_padded().unwrap()).unwrap(),
                c
            );
        }
        for bad in [
            voice("text/html", 2_500, 8),
            voice("audio/webm", VOICE_MILLIS_MAX + 1, 8),
            voice("audio/webm", 2_500, VOICE_LEVELS + 1),
            file("plain", "audio/webm"),
        ] {
            assert!(bad.voice_note().is_none(), "{bad:?}");
        }
    }

    #[test]
    fn file_content_round_trips_and_is_made_safe() {
        let c = MessageContent::File(file("../../etc/passwd\u{0}", "image/png"));
        let json = serde_json::to_string(&c).unwrap();
        assert!(
            json.starts_with(r#"{"kind":"file","id":"01010101"#),
            "{json}"
        );
        assert_eq!(
            MessageContent::from_padded(&c.to_padded().unwrap()).unwrap(),
            c
        );
        let MessageContent::File(f) = c else {
            unreachable!()
        };
        assert_eq!(f.safe_name(), "_.._etc_passwd_");
        assert!(f.inline_image());
        assert!(f.safe_thumb().is_none(), "an SVG thumbnail is never shown");
        assert_eq!(file("  ", "x").safe_name(), "file");
        assert_eq!(
            file("invoice\u{202E}gpj.exe", "x").safe_name(),
            "invoice_gpj.exe"
        );
        assert_eq!(file(".bashrc", "x").safe_name(), "bashrc");
        assert!(!file("a.svg", "image/svg+xml").inline_image());
    }
}
