//! Hearth's protocol: identifiers, wire frames, request/response bodies and the
//! cryptography that runs in the browser. Nothing here does I/O, so the same code is
//! compiled for the server (native) and the browser (wasm32) and they cannot disagree.
//!
//! docs/PROTOCOL.md describes every byte this crate produces.

pub mod api;
pub mod browser;
pub mod bytes;
pub mod crypto;
#[cfg(feature = "emoji-table")]
pub mod emoji_table;
pub mod error;
pub mod frames;
pub mod ids;
pub mod validate;

pub use bytes::Bytes;
pub use error::ProtocolError;
pub use ids::{CallId, ClientMsgId, ConversationId, FileId, MessageId, UserId};
