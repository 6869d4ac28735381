//! Groups (docs/PROTOCOL.md, "Groups").
//!
//! A group is a chain of membership commits. Each commit names one change, the hash of
//! the roster after it (user, Ed25519 key, role) and the settings, points at the previous
//! commit by hash, and is signed by the member who made it; `rules::Head::apply` says who
//! may make which change. Most commits start an epoch key (`keys`), wrapped with HPKE for
//! each member; messages (`message`) are sealed under the current key and signed by their
//! sender; `chain` says which keys each member is owed. Invites (`invite`) let someone join by link or code without the server
//! learning the secret that authorises the join.

pub mod chain;
pub mod commit;
pub mod invite;
pub mod keys;
pub mod message;
pub mod rules;
pub mod seal;

pub use chain::Chain;
pub use commit::{Action, COMMIT_VERSION, Commit, CommitBody, Member, Role, Roster, Settings};
pub use keys::{EpochKey, KeyWrap};
pub use rules::{Head, genesis};
pub use seal::{Names, Opened, Sealed};
