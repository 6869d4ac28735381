//! Files in the browser: sealed segment by segment while they upload, opened chunk by
//! chunk while they download, so memory stays bounded whatever the size
//! (`protocol::crypto::file`). Only ciphertext leaves this tab.

/// Bytes as people read them: "3.4 MB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

/// An icon for a file card, by type.
pub fn icon(mime: &str, name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match (mime.split('/').next().unwrap_or(""), ext.as_str()) {
        ("image", _) => "🖼️",
        ("audio", _) => "🎵",
        ("video", _) => "🎬",
        (_, "pdf") => "📕",
        (_, "zip" | "gz" | "tgz" | "xz" | "7z" | "rar" | "tar" | "zst") => "🗜️",
        (_, "doc" | "docx" | "odt" | "rtf" | "md" | "txt") => "📝",
        (_, "xls" | "xlsx" | "ods" | "csv") => "📊",
        (_, "ppt" | "pptx" | "odp") => "📽️",
        _ => "📄",
    }
}

#[cfg(feature = "hydrate")]
mod download;
#[cfg(feature = "hydrate")]
mod http;
#[cfg(feature = "hydrate")]
mod inbox;
#[cfg(feature = "hydrate")]
mod media;
#[cfg(feature = "hydrate")]
mod slots;
#[cfg(feature = "hydrate")]
mod upload;
#[cfg(feature = "hydrate")]
mod webcrypto;

#[cfg(feature = "hydrate")]
pub use download::{download, fetch_file, register_worker};
#[cfg(feature = "hydrate")]
pub use media::{blob_url, list, object_url, revoke, save, save_url, thumbnail};
#[cfg(feature = "hydrate")]
pub use upload::upload;
