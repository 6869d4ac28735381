//! Groups (docs/PROTOCOL.md, "Groups").
//!
//! A group is a chain of membership commits. Each commit names the whole roster (user,
//! Ed25519 key, role) and the settings, points at the previous commit by hash, and is
//! signed by the member who made it; `rules::verify_next` says who may make which change.
//! Every commit but a leave starts an epoch with a fresh random key (`keys`), wrapped with
//! HPKE for each member; messages (`message`) are sealed under the epoch key and signed by
//! their sender. Invites (`invite`) let someone join by link or code without the server
//! learning the secret that authorises the join.

pub mod commit;
pub mod invite;
pub mod keys;
pub mod message;
pub mod rules;

pub use commit::{Action, Commit, CommitBody, Member, Role, Settings};
pub use keys::{EpochKey, KeyWrap};
pub use rules::{Chain, verify_next};
