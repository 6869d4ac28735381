//! Who may make which membership change, checked the same way by the server (before it
//! stores a commit) and by every browser (before it trusts a roster or wraps a key).
//! `Head` is a group's state after a commit; `Head::apply` verifies the next commit and
//! computes the state after it.

use super::commit::{Action, COMMIT_VERSION, Commit, CommitBody, Member, Role, Roster, Settings};
use crate::error::{ProtocolError, Result};
use crate::ids::{ConversationId, UserId};
use crate::validate;
use serde::{Deserialize, Serialize};

/// The most members a group may have.
pub const MAX_MEMBERS: usize = 1000;

fn bad(why: &str) -> ProtocolError {
    ProtocolError::Invalid(format!("Refused group change: {why}."))
}

fn ensure(ok: bool, why: &str) -> Result<()> {
    if ok { Ok(()) } else { Err(bad(why)) }
}

/// A group after some commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub group: ConversationId,
    pub epoch: u64,
    #[serde(with = "crate::bytes::fixed")]
    pub hash: [u8; 32],
    pub roster: Roster,
    pub settings: Settings,
    /// The epoch whose key messages are sealed under now; none after a leave, until a
    /// member starts a new key.
    pub key_epoch: Option<u64>,
}

/// Whether a change must start a new key: every change but a leave (the leaver would know
/// it) and, in a group that shares its history, bringing someone in (they get the current
/// key handed over, like the older ones).
pub fn needs_key(action: &Action, settings: &Settings) -> bool {
    match action {
        Action::Leave => false,
        Action::Add { .. } | Action::Join { .. } => !settings.history,
        _ => true,
    }
}

/// The roster after `author` makes `action` on `head`, if their role allows it.
fn transition(head: &Head, author: &UserId, action: &Action) -> Result<Roster> {
    let old = &head.roster;
    let role = old.role_of(author);
    let mut new = old.clone();
    match action {
        Action::Create { .. } => return Err(bad("a group is created once")),
        Action::Add { member } => {
            ensure(role >= Some(Role::Admin), "only admins add people")?;
            ensure(old.get(&member.user).is_none(), "already a member")?;
            ensure(member.role == Role::Member, "newcomers start as members")?;
            new.insert(member.clone());
        }
        Action::Join { member } => {
            ensure(member.user == *author, "a join adds its author")?;
            match old.get(author) {
                None => ensure(member.role == Role::Member, "newcomers start as members")?,
                // An open group takes a plain member back with new identity keys (after
                // a password reset or a rotation): as anyone may join it, they would
                // otherwise be locked out. Never an admin or the owner: a key the server
                // made up must not come with their powers.
                Some(was) => ensure(
                    head.settings.open
                        && was.signing != member.signing
                        && was.role == Role::Member
                        && member.role == Role::Member,
                    "already a member",
                )?,
            }
            new.insert(member.clone());
        }
        Action::Remove { user } => {
            let target = old.get(user).ok_or_else(|| bad("not a member"))?;
            ensure(user != author, "leave rather than remove yourself")?;
            ensure(
                role == Some(Role::Owner)
                    || (role == Some(Role::Admin) && target.role == Role::Member),
                "only the owner removes admins, and only admins remove members",
            )?;
            new.remove(user);
        }
        Action::Leave => {
            ensure(role.is_some(), "not a member")?;
            ensure(
                role != Some(Role::Owner),
                "the owner hands the group over before leaving",
            )?;
            new.remove(author);
        }
        Action::Promote { user } | Action::Demote { user } => {
            ensure(role == Some(Role::Owner), "only the owner changes roles")?;
            let (from, to) = match action {
                Action::Promote { .. } => (Role::Member, Role::Admin),
                _ => (Role::Admin, Role::Member),
            };
            ensure(
                old.role_of(user) == Some(from),
                "that role change does not apply",
            )?;
            new.set_role(user, to);
        }
        Action::Transfer { user } => {
            ensure(
                role == Some(Role::Owner),
                "only the owner hands the group over",
            )?;
            ensure(
                user != author && old.get(user).is_some(),
                "hand over to another member",
            )?;
            new.set_role(user, Role::Owner);
            new.set_role(author, Role::Admin);
        }
        Action::Settings => ensure(role >= Some(Role::Admin), "only admins change the settings")?,
        Action::Rekey => ensure(role.is_some(), "not a member")?,
    }
    ensure(new.len() <= MAX_MEMBERS, "too many members")?;
    Ok(new)
}

/// The first commit's body: the creator as owner, plus the first members.
pub fn genesis(
    group: ConversationId,
    creator: Member,
    others: Vec<Member>,
    settings: Settings,
) -> CommitBody {
    let mut roster: Roster = others
        .into_iter()
        .filter(|m| m.user != creator.user)
        .map(|m| Member {
            role: Role::Member,
            ..m
        })
        .collect::<Vec<_>>()
        .into();
    let author = creator.user;
    roster.insert(Member {
        role: Role::Owner,
        ..creator
    });
    CommitBody {
        version: COMMIT_VERSION,
        group,
        epoch: 0,
        prev: [0; 32],
        author,
        roster: roster.hash(),
        action: Action::Create {
            members: roster.into(),
        },
        settings,
        key: None,
        wraps: [0; 32],
        invite: None,
    }
}

impl Head {
    /// The state after a group's first commit, which this checks.
    pub fn genesis(c: &Commit) -> Result<Head> {
        let b = &c.body;
        let Action::Create { members } = &b.action else {
            return Err(bad("a group starts with a create"));
        };
        ensure(
            b.epoch == 0 && b.prev == [0; 32],
            "a new group starts at epoch 0",
        )?;
        ensure(b.invite.is_none(), "a create carries no invite")?;
        ensure(
            members.windows(2).all(|w| w[0].user < w[1].user),
            "the roster is not sorted or names someone twice",
        )?;
        let roster: Roster = members.clone().into();
        ensure(roster.len() <= MAX_MEMBERS, "too many members")?;
        ensure(
            roster.role_of(&b.author) == Some(Role::Owner)
                && roster
                    .members()
                    .all(|m| m.user == b.author || m.role == Role::Member),
            "the creator is the one owner and everyone else starts as a member",
        )?;
        let signer = roster
            .get(&b.author)
            .ok_or_else(|| bad("the creator is missing"))?
            .signing;
        Self::finish(c, None, roster, signer)
    }

    /// The roster after `author` makes `action`, or why they may not: whom a new key is
    /// wrapped for.
    pub fn roster_after(&self, author: &UserId, action: &Action) -> Result<Roster> {
        transition(self, author, action)
    }

    /// The body of `author`'s next commit making `action`, or why they may not.
    pub fn propose(&self, author: UserId, action: Action) -> Result<CommitBody> {
        let roster = transition(self, &author, &action)?;
        // A version 1 group stays one until an admin seals its names with a settings change.
        let version = if self.settings.sealed.is_some() {
            COMMIT_VERSION
        } else {
            1
        };
        Ok(CommitBody {
            version,
            group: self.group,
            epoch: self.epoch + 1,
            prev: self.hash,
            author,
            action,
            settings: self.settings.clone(),
            roster: roster.hash(),
            key: None,
            wraps: [0; 32],
            invite: None,
        })
    }

    /// Checks `next` as the commit after this one and returns the state after it.
    pub fn apply(&self, next: &Commit) -> Result<Head> {
        let b = &next.body;
        ensure(b.group == self.group, "a commit for another group")?;
        ensure(b.epoch == self.epoch + 1, "epochs go up one at a time")?;
        ensure(
            b.prev == self.hash,
            "the commit does not follow the group's last one",
        )?;
        ensure(
            b.action == Action::Settings || b.settings.same_as(&self.settings),
            "only a settings change may change the settings",
        )?;
        ensure(
            b.settings.sealed.is_some() || self.settings.sealed.is_none(),
            "a group's names once sealed stay sealed",
        )?;
        ensure(
            b.settings.open == self.settings.open,
            "openness is fixed at creation",
        )?;
        let roster = transition(self, &b.author, &b.action)?;
        let signer = match &b.action {
            // A joiner signs with the key they are added with; everyone else as they were.
            Action::Join { member } => {
                match &b.invite {
                    Some(proof) => {
                        let inv = &proof.invite;
                        ensure(inv.group == b.group, "an invite for another group")?;
                        let by = self
                            .roster
                            .get(&inv.by)
                            .ok_or_else(|| bad("the inviter is not a member"))?;
                        ensure(by.role >= Role::Admin, "only admins invite")?;
                        inv.check(&by.signing)?;
                        proof.check(&member.user, &member.signing)?;
                    }
                    None => ensure(self.settings.open, "joining needs an invite")?,
                }
                member.signing
            }
            _ => {
                ensure(b.invite.is_none(), "only a join carries an invite")?;
                self.roster
                    .get(&b.author)
                    .ok_or_else(|| bad("unknown author"))?
                    .signing
            }
        };
        Self::finish(next, Some(self), roster, signer)
    }

    fn finish(c: &Commit, prev: Option<&Head>, roster: Roster, signer: [u8; 32]) -> Result<Head> {
        let b = &c.body;
        ensure(
            matches!(b.version, 1 | COMMIT_VERSION),
            "unknown commit version",
        )?;
        ensure(
            (b.version == COMMIT_VERSION) == b.settings.sealed.is_some(),
            "a version 2 commit seals the group's names, a version 1 commit does not",
        )?;
        validate::group_settings(&b.settings)?;
        ensure(
            b.roster == roster.hash(),
            "the roster does not match the change",
        )?;
        let needs = prev.is_none() || needs_key(&b.action, &b.settings);
        ensure(
            b.key.is_some() == needs,
            "this change must start a new key (or must not)",
        )?;
        ensure(
            b.key.is_none() || b.key_commitment().is_some(),
            "bad key commitment",
        )?;
        if let Some(sealed) = &b.settings.sealed {
            let copied = prev.is_some_and(|p| p.settings.sealed.as_ref() == Some(sealed));
            ensure(
                copied || (b.key.is_some() && sealed.epoch == b.epoch),
                "the group's names are sealed under the key the commit starts, or copied",
            )?;
        }
        c.check_signature(&signer)?;
        let key_epoch = match (&b.key, &b.action) {
            (Some(_), _) => Some(b.epoch),
            (None, Action::Leave) => None,
            (None, _) => prev.and_then(|p| p.key_epoch),
        };
        Ok(Head {
            group: b.group,
            epoch: b.epoch,
            hash: c.hash()?,
            roster,
            settings: b.settings.clone(),
            key_epoch,
        })
    }
}
