//! A membership change as a browser sends it: the signed commit and, when the change
//! starts a key, that key wrapped for every member it can reach. Checking the commit
//! against the chain (`Head::apply`) is the caller's next step: building does not refuse,
//! so tests can also build what the rules would not allow and see the server refuse it.

use crate::api::group::{CommitRequest, NewWrap};
use crate::crypto::group::keys::{self, wraps_hash};
use crate::crypto::group::rules::needs_key;
use crate::crypto::group::{Action, CommitBody, EpochKey, Head, Member, Opened, Roster};
use crate::crypto::identity::IdentityKeys;
use crate::error::Result;
use crate::{Bytes, UserId};

/// The request to send, and the key it starts (if it starts one).
pub struct Built {
    pub request: CommitRequest,
    pub key: Option<EpochKey>,
}

/// Whom a change's key is wrapped for: the roster after it (empty when the rules refuse
/// the change, which the check that follows reports).
pub fn roster_after(head: Option<&Head>, body: &CommitBody) -> Roster {
    match (&body.action, head) {
        (Action::Create { members }, _) => members.clone().into(),
        (action, Some(h)) => h.roster_after(&body.author, action).unwrap_or_default(),
        (_, None) => Roster::default(),
    }
}

/// Signs `body` as `author`. A change that starts a key gets a fresh one, wrapped for each
/// member `reach` names an X25519 key for (a member it cannot check is left out), and,
/// with `names`, the group's names sealed under it (new ones for a create or a settings
/// change; the same ones again otherwise, so members who will not hold older keys read
/// them). Without `names` the seal stays as the body copied it.
pub fn commit(
    head: Option<&Head>,
    mut body: CommitBody,
    author: &IdentityKeys,
    names: Option<&Opened>,
    reach: impl Fn(&Member) -> Option<[u8; 32]>,
) -> Result<Built> {
    let mut wraps = Vec::new();
    let mut key = None;
    if head.is_none() || needs_key(&body.action, &body.settings) {
        let k = EpochKey::generate()?;
        // A version 1 group stays plain until a settings change seals its names.
        let sealing = body.settings.sealed.is_some()
            || matches!(body.action, Action::Create { .. } | Action::Settings);
        if let Some(names) = names.filter(|_| sealing) {
            body.seal_names(names, &k)?;
        }
        for m in roster_after(head, &body).members() {
            let Some(to) = reach(m) else {
                continue;
            };
            let wrap = keys::wrap(&k, body.group, body.epoch, &m.user, &to, author)?;
            wraps.push(NewWrap {
                recipient: m.user,
                wrap,
            });
        }
        body.key = Some(k.commitment_bytes()?);
        key = Some(k);
    }
    let pairs: Vec<(UserId, Bytes)> = wraps
        .iter()
        .map(|w| (w.recipient, w.wrap.clone()))
        .collect();
    body.wraps = wraps_hash(&pairs);
    Ok(Built {
        request: CommitRequest {
            commit: body.sign(author)?,
            wraps,
        },
        key,
    })
}
