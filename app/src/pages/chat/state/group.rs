//! The open group as this browser verified it, and the names of groups as the sidebar
//! shows them (read from the sealed settings, never from the server's row).

use crate::client::group::GroupCtx;
use protocol::ConversationId;
use protocol::api::GroupSummary;
use protocol::crypto::group::{Member, Role, Settings};

/// A member as the members panel shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub member: Member,
    pub name: String,
    pub username: String,
    /// A deleted account: it can only be removed.
    pub deleted: bool,
    /// Their keys are no longer the ones the roster names (reset, or made anew): nothing
    /// new reaches them here until they are added again.
    pub new_keys: bool,
}

/// The open group as this browser verified it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupView {
    pub id: ConversationId,
    pub settings: Settings,
    pub members: Vec<MemberView>,
    pub my_role: Option<Role>,
    /// The newest key has not reached this browser yet.
    pub waiting: bool,
    pub everyone: bool,
    /// Who handed this browser keys that did not open, by name.
    pub bad_wrappers: Vec<String>,
}

/// Puts the names this browser opened into a group's summary (the server has none to
/// give for a group whose names are sealed). True if that changed it.
pub fn fill_names(g: &mut GroupSummary, ctx: &GroupCtx) -> bool {
    let names = match ctx.settings() {
        Some(s) if !s.name.is_empty() => (s.name, s.description, s.emoji),
        // Not readable yet (the keys come from another member): the Everyone room is
        // still the Everyone room.
        _ if ctx.everyone && g.name.is_empty() => ("Everyone".into(), String::new(), "🏠".into()),
        _ => return false,
    };
    if (&g.name, &g.description, &g.emoji) == (&names.0, &names.1, &names.2) {
        return false;
    }
    (g.name, g.description, g.emoji) = names;
    true
}
