//! Who may make which membership change, checked the same way by the server (before it
//! stores a commit) and by every browser (before it trusts a roster or wraps a key).

use super::commit::{Action, Commit, Member, Role};
use crate::crypto::VERSION;
use crate::error::{ProtocolError, Result};
use crate::ids::UserId;
use crate::validate;
use std::collections::BTreeSet;

/// The most members a group may have.
pub const MAX_MEMBERS: usize = 1000;

fn bad(why: &str) -> ProtocolError {
    ProtocolError::Invalid(format!("Refused group change: {why}."))
}

fn ensure(ok: bool, why: &str) -> Result<()> {
    if ok { Ok(()) } else { Err(bad(why)) }
}

/// Checks `next` as the first commit (`prev` None) or as the one after `prev`, which the
/// caller has already verified. Returns nothing but an error that says what is wrong.
pub fn verify_next(prev: Option<&Commit>, next: &Commit) -> Result<()> {
    let b = &next.body;
    ensure(b.version == VERSION, "unknown commit version")?;
    ensure(
        b.members.windows(2).all(|w| w[0].user < w[1].user),
        "the roster is not sorted or names someone twice",
    )?;
    ensure(b.members.len() <= MAX_MEMBERS, "too many members")?;
    ensure(
        b.members.iter().filter(|m| m.role == Role::Owner).count() == 1,
        "a group has exactly one owner",
    )?;
    ensure(
        b.key.is_none() == (b.action == Action::Leave),
        "every change but leaving starts a new key",
    )?;
    ensure(
        b.key.is_none() || b.key_commitment().is_some(),
        "bad key commitment",
    )?;
    validate::group_settings(&b.settings)?;
    let Some(p) = prev else {
        ensure(b.action == Action::Create, "a group starts with a create")?;
        ensure(
            b.epoch == 0 && b.prev == [0; 32],
            "a new group starts at epoch 0",
        )?;
        ensure(b.invite.is_none(), "a create carries no invite")?;
        let author = b
            .member(&b.author)
            .ok_or_else(|| bad("the creator is missing"))?;
        ensure(author.role == Role::Owner, "the creator owns the group")?;
        return next.check_signature(&author.signing);
    };
    let pb = &p.body;
    ensure(b.group == pb.group, "a commit for another group")?;
    ensure(b.epoch == pb.epoch + 1, "epochs go up one at a time")?;
    ensure(
        b.prev == p.hash()?,
        "the commit does not follow the group's last one",
    )?;
    ensure(
        b.action == Action::Settings || b.settings == pb.settings,
        "only a settings change may change the settings",
    )?;
    ensure(
        b.settings.open == pb.settings.open,
        "openness is fixed at creation",
    )?;
    ensure(
        b.invite.is_none() || b.action == Action::Join,
        "only a join carries an invite",
    )?;
    let old = &pb.members;
    let author_old = pb.member(&b.author);
    let role = author_old.map(|m| m.role);
    let expected: Vec<Member> = match &b.action {
        Action::Create => return Err(bad("a group is created once")),
        Action::Add { user } => {
            ensure(role >= Some(Role::Admin), "only admins add people")?;
            ensure(pb.member(user).is_none(), "already a member")?;
            let added = b
                .member(user)
                .ok_or_else(|| bad("the new member is missing"))?;
            with(
                old,
                Member {
                    role: Role::Member,
                    ..added.clone()
                },
            )
        }
        Action::Join => {
            ensure(author_old.is_none(), "already a member")?;
            let me = b
                .member(&b.author)
                .ok_or_else(|| bad("the joiner is missing"))?;
            match &b.invite {
                Some(proof) => {
                    let inv = &proof.invite;
                    ensure(inv.group == b.group, "an invite for another group")?;
                    let by = pb
                        .member(&inv.by)
                        .ok_or_else(|| bad("the inviter is not a member"))?;
                    ensure(by.role >= Role::Admin, "only admins invite")?;
                    inv.check(&by.signing)?;
                    proof.check(&me.user, &me.signing)?;
                }
                None => ensure(pb.settings.open, "joining needs an invite")?,
            }
            with(
                old,
                Member {
                    role: Role::Member,
                    ..me.clone()
                },
            )
        }
        Action::Remove { user } => {
            let target = pb.member(user).ok_or_else(|| bad("not a member"))?;
            ensure(*user != b.author, "leave rather than remove yourself")?;
            ensure(
                role == Some(Role::Owner)
                    || (role == Some(Role::Admin) && target.role == Role::Member),
                "only the owner removes admins, and only admins remove members",
            )?;
            without(old, user)
        }
        Action::Leave => {
            ensure(role.is_some(), "not a member")?;
            ensure(
                role != Some(Role::Owner),
                "the owner hands the group over before leaving",
            )?;
            without(old, &b.author)
        }
        Action::Promote { user } | Action::Demote { user } => {
            ensure(role == Some(Role::Owner), "only the owner changes roles")?;
            let (from, to) = match b.action {
                Action::Promote { .. } => (Role::Member, Role::Admin),
                _ => (Role::Admin, Role::Member),
            };
            ensure(
                pb.role_of(user) == Some(from),
                "that role change does not apply",
            )?;
            with_role(old, user, to)
        }
        Action::Transfer { user } => {
            ensure(
                role == Some(Role::Owner),
                "only the owner hands the group over",
            )?;
            ensure(
                *user != b.author && pb.member(user).is_some(),
                "hand over to another member",
            )?;
            with_role(&with_role(old, user, Role::Owner), &b.author, Role::Admin)
        }
        Action::Settings => {
            ensure(role >= Some(Role::Admin), "only admins change the settings")?;
            old.clone()
        }
        Action::Rekey => {
            ensure(role.is_some(), "not a member")?;
            old.clone()
        }
    };
    ensure(
        b.members == expected,
        "the roster does not match the change",
    )?;
    // A joiner signs with the key they are added with; everyone else as they were.
    let signer = match b.action {
        Action::Join => b.member(&b.author),
        _ => author_old,
    };
    next.check_signature(&signer.ok_or_else(|| bad("unknown author"))?.signing)
}

fn with(old: &[Member], m: Member) -> Vec<Member> {
    let mut out = old.to_vec();
    out.push(m);
    out.sort_by_key(|m| m.user);
    out
}

fn without(old: &[Member], user: &UserId) -> Vec<Member> {
    old.iter().filter(|m| m.user != *user).cloned().collect()
}

fn with_role(old: &[Member], user: &UserId, role: Role) -> Vec<Member> {
    old.iter()
        .map(|m| {
            if m.user == *user {
                Member { role, ..m.clone() }
            } else {
                m.clone()
            }
        })
        .collect()
}

/// A verified chain of commits, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Chain {
    commits: Vec<Commit>,
    /// Each commit's hash, by epoch: every message names one, so it is computed once.
    hashes: Vec<[u8; 32]>,
}

impl Chain {
    /// Verifies every commit from the first.
    pub fn verify(commits: Vec<Commit>) -> Result<Self> {
        let mut prev: Option<&Commit> = None;
        let mut hashes = Vec::with_capacity(commits.len());
        for c in &commits {
            verify_next(prev, c)?;
            hashes.push(c.hash()?);
            prev = Some(c);
        }
        ensure(!commits.is_empty(), "a group without commits")?;
        Ok(Self { commits, hashes })
    }

    /// Appends a commit after checking it follows the head.
    pub fn push(&mut self, next: Commit) -> Result<()> {
        verify_next(self.commits.last(), &next)?;
        self.hashes.push(next.hash()?);
        self.commits.push(next);
        Ok(())
    }

    /// The hash of the commit that started `epoch`.
    pub fn hash_at(&self, epoch: u64) -> Option<[u8; 32]> {
        self.hashes.get(usize::try_from(epoch).ok()?).copied()
    }

    pub fn commits(&self) -> &[Commit] {
        &self.commits
    }

    pub fn head(&self) -> Option<&Commit> {
        self.commits.last()
    }

    pub fn at(&self, epoch: u64) -> Option<&Commit> {
        // Epochs are 0, 1, 2… in order, so the epoch is the index.
        self.commits.get(usize::try_from(epoch).ok()?)
    }

    /// The epoch from which `user` has been a member without a break, if they are one now.
    pub fn joined(&self, user: &UserId) -> Option<u64> {
        let mut since = None;
        for c in self.commits.iter().rev() {
            if c.body.member(user).is_none() {
                break;
            }
            since = Some(c.body.epoch);
        }
        since
    }

    /// The epochs whose key `user` should hold: those since they joined, and every earlier
    /// one if the group let new members read history when they joined. Only members of
    /// the verified roster are entitled to anything: someone the server lists without a
    /// signed commit gets no key.
    pub fn entitled(&self, user: &UserId) -> BTreeSet<u64> {
        let Some(joined) = self.joined(user) else {
            return BTreeSet::new();
        };
        let history = self.at(joined).is_some_and(|c| c.body.settings.history);
        self.commits
            .iter()
            .filter(|c| c.body.key.is_some() && (history || c.body.epoch >= joined))
            .map(|c| c.body.epoch)
            .collect()
    }

    /// The (epoch, member) pairs without a wrap that the holder of `held` epoch keys can
    /// hand over: what a browser does when it sees a member waiting for keys.
    pub fn missing(
        &self,
        held: &BTreeSet<u64>,
        wrapped: &BTreeSet<(u64, UserId)>,
    ) -> Vec<(u64, UserId)> {
        let Some(head) = self.head() else {
            return Vec::new();
        };
        head.body
            .members
            .iter()
            .flat_map(|m| {
                self.entitled(&m.user)
                    .into_iter()
                    .filter(|e| held.contains(e) && !wrapped.contains(&(*e, m.user)))
                    .map(move |e| (e, m.user))
            })
            .collect()
    }

    /// The newest epoch with a key: what messages are sealed under.
    pub fn current_key_epoch(&self) -> Option<u64> {
        self.head()
            .filter(|h| h.body.key.is_some())
            .map(|h| h.body.epoch)
    }
}
