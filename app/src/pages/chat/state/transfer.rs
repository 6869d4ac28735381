//! Files on their way up, and the image being viewed.

use protocol::ConversationId;
use protocol::api::FileMeta;

/// A file on its way up.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    pub key: u64,
    pub conv: ConversationId,
    pub name: String,
    pub size: u64,
    pub sent: u64,
    /// Milliseconds since the upload started, at the last progress report.
    pub elapsed: f64,
}

/// The image viewer: the full image once it is downloaded and decrypted.
#[derive(Clone, Debug, PartialEq)]
pub struct Viewer {
    pub meta: FileMeta,
    pub url: Option<String>,
    pub error: Option<String>,
}
