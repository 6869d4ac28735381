//! A verified chain of commits, and what follows from it: who was a member (with which
//! key) in each epoch, and which epoch keys each member is owed.

use super::commit::Commit;
use super::rules::Head;
use crate::error::{ProtocolError, Result};
use crate::ids::UserId;
use std::collections::{BTreeMap, BTreeSet};

/// One unbroken membership: from an epoch to (not including) another, with one key.
#[derive(Clone, Debug)]
struct Span {
    from: u64,
    to: Option<u64>,
    signing: [u8; 32],
}

/// Per epoch: whether it started a key, and whether the group shared its history then.
#[derive(Clone, Copy, Debug)]
struct EpochInfo {
    keyed: bool,
    history: bool,
    /// The key in use after this commit.
    key_epoch: Option<u64>,
}

#[derive(Clone, Debug, Default)]
pub struct Chain {
    commits: Vec<Commit>,
    /// Each commit's hash, by epoch: every message names one, so it is computed once.
    hashes: Vec<[u8; 32]>,
    epochs: Vec<EpochInfo>,
    spans: BTreeMap<UserId, Vec<Span>>,
    head: Option<Head>,
}

impl Chain {
    /// Verifies every commit from the first.
    pub fn verify(commits: Vec<Commit>) -> Result<Self> {
        if commits.is_empty() {
            return Err(ProtocolError::Invalid("A group without commits.".into()));
        }
        let mut chain = Chain::default();
        chain.extend(commits)?;
        Ok(chain)
    }

    /// Appends commits after checking each follows the head.
    pub fn extend(&mut self, commits: Vec<Commit>) -> Result<()> {
        for c in commits {
            self.push(c)?;
        }
        Ok(())
    }

    pub fn push(&mut self, next: Commit) -> Result<()> {
        let head = match &self.head {
            None => Head::genesis(&next)?,
            Some(h) => h.apply(&next)?,
        };
        let epoch = head.epoch;
        for m in head.roster.members() {
            let spans = self.spans.entry(m.user).or_default();
            // Back with new keys (a join in an open group): a new span from here, so what
            // they signed before still checks against the old key.
            if let Some(last) = spans
                .last_mut()
                .filter(|s| s.to.is_none() && s.signing != m.signing)
            {
                last.to = Some(epoch);
            }
            if spans.last().is_none_or(|s| s.to.is_some()) {
                spans.push(Span {
                    from: epoch,
                    to: None,
                    signing: m.signing,
                });
            }
        }
        for (user, spans) in self.spans.iter_mut() {
            if head.roster.get(user).is_none()
                && let Some(last) = spans.last_mut().filter(|s| s.to.is_none())
            {
                last.to = Some(epoch);
            }
        }
        self.epochs.push(EpochInfo {
            keyed: next.body.key.is_some(),
            history: head.settings.history,
            key_epoch: head.key_epoch,
        });
        self.hashes.push(head.hash);
        self.commits.push(next);
        self.head = Some(head);
        Ok(())
    }

    pub fn commits(&self) -> &[Commit] {
        &self.commits
    }

    pub fn head(&self) -> Option<&Head> {
        self.head.as_ref()
    }

    pub fn at(&self, epoch: u64) -> Option<&Commit> {
        // Epochs are 0, 1, 2… in order, so the epoch is the index.
        self.commits.get(usize::try_from(epoch).ok()?)
    }

    /// The hash of the commit that started `epoch`.
    pub fn hash_at(&self, epoch: u64) -> Option<[u8; 32]> {
        self.hashes.get(usize::try_from(epoch).ok()?).copied()
    }

    /// `user`'s Ed25519 key if they were a member in `epoch`.
    pub fn member_at(&self, epoch: u64, user: &UserId) -> Option<[u8; 32]> {
        self.spans
            .get(user)?
            .iter()
            .find(|s| s.from <= epoch && s.to.is_none_or(|t| epoch < t))
            .map(|s| s.signing)
    }

    /// The epoch from which `user` has been a member without a break, if they are one now.
    pub fn joined(&self, user: &UserId) -> Option<u64> {
        self.spans
            .get(user)?
            .last()
            .filter(|s| s.to.is_none())
            .map(|s| s.from)
    }

    /// Whether `user` should hold `epoch`'s key: it started a key, and they have been a
    /// member since then, or joined later while the group shared its history. Only members
    /// of the verified roster are owed anything: someone the server lists without a
    /// signed commit gets no key.
    pub fn owed(&self, user: &UserId, epoch: u64) -> bool {
        let Some(joined) = self.joined(user) else {
            return false;
        };
        let info = |e: u64| usize::try_from(e).ok().and_then(|i| self.epochs.get(i));
        let history = info(joined).is_some_and(|i| i.history);
        info(epoch).is_some_and(|i| i.keyed) && (epoch >= joined || history)
    }

    /// Every epoch whose key `user` is owed.
    pub fn entitled(&self, user: &UserId) -> BTreeSet<u64> {
        (0..self.commits.len() as u64)
            .filter(|e| self.owed(user, *e))
            .collect()
    }

    /// The key in use after the commit of `epoch`.
    pub fn key_epoch_at(&self, epoch: u64) -> Option<u64> {
        self.epochs.get(usize::try_from(epoch).ok()?)?.key_epoch
    }

    /// The epoch messages are sealed under now (none after a leave, until a new key).
    pub fn current_key_epoch(&self) -> Option<u64> {
        self.head.as_ref().and_then(|h| h.key_epoch)
    }
}
