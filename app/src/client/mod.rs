//! The browser side: keys, encryption of messages and the socket. Written to compile on
//! the server too (where none of it runs), so pages need no cfg of their own.

pub mod browser;
pub mod commands;
pub mod devices;
pub mod dm;
pub mod emoji;
pub mod files;
pub mod format;
pub mod group;
pub mod keyring;
pub mod pins;
pub mod rotate;
pub mod rtc;
pub mod socket;
pub mod vault;
pub mod voice;
