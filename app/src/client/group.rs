//! Groups in the browser: verified commit chains, epoch keys, signed messages, commits
//! and the automatic hand-over of keys to members who are owed them.

use super::keyring::Keyring;
use crate::ApiError;
use crate::api;
use protocol::api::group::{CommitRequest, GroupState, NewWrap};
use protocol::api::{MessageContent, Person};
use protocol::crypto::group::commit::genesis;
use protocol::crypto::group::invite::InviteToken;
use protocol::crypto::group::keys::{self, wraps_hash};
use protocol::crypto::group::message::{self, Place, Unreadable};
use protocol::crypto::group::{
    Action, Chain, CommitBody, EpochKey, KeyWrap, Member, Settings, verify_next,
};
use protocol::crypto::identity::PublicIdentity;
use protocol::frames::StoredMessage;
use protocol::{Bytes, ClientMsgId, ConversationId, UserId};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::Arc;

/// One group as this browser has verified it.
pub struct GroupCtx {
    pub id: ConversationId,
    pub chain: Chain,
    /// The server's time of each commit, by epoch.
    pub at: Vec<i64>,
    pub keys: BTreeMap<u64, EpochKey>,
    pub wrapped: BTreeSet<(u64, UserId)>,
    pub everyone: bool,
}

impl GroupCtx {
    pub fn settings(&self) -> Option<&Settings> {
        self.chain.head().map(|h| &h.body.settings)
    }
    pub fn members(&self) -> &[Member] {
        self.chain
            .head()
            .map(|h| h.body.members.as_slice())
            .unwrap_or_default()
    }
    /// True when this browser cannot read the newest epoch yet.
    pub fn waiting(&self) -> bool {
        self.chain
            .current_key_epoch()
            .is_some_and(|e| !self.keys.contains_key(&e))
    }
}

pub struct Groups {
    ring: Arc<Keyring>,
    loaded: RefCell<HashMap<ConversationId, Rc<GroupCtx>>>,
}

fn identity<'a>(
    ring: &'a Keyring,
    people: &'a [Person],
    user: &UserId,
) -> Option<&'a PublicIdentity> {
    let id = if *user == ring.me.id {
        &ring.identity
    } else {
        &people.iter().find(|p| p.id == *user)?.identity
    };
    (id.user == *user && id.verify().is_ok()).then_some(id)
}

fn conflict(e: &ApiError) -> bool {
    matches!(e, ApiError::Conflict(_))
}

impl Groups {
    pub fn new(ring: Arc<Keyring>) -> Self {
        Self {
            ring,
            loaded: RefCell::default(),
        }
    }

    pub fn me(&self) -> UserId {
        self.ring.me.id
    }

    pub fn get(&self, conv: ConversationId) -> Option<Rc<GroupCtx>> {
        self.loaded.borrow().get(&conv).cloned()
    }

    pub fn forget(&self, conv: ConversationId) {
        self.loaded.borrow_mut().remove(&conv);
    }

    fn me_as_member(&self) -> Member {
        Member {
            user: self.ring.me.id,
            signing: self.ring.identity.signing,
            role: protocol::crypto::group::Role::Member,
        }
    }

    /// Fetches a group, verifies its chain from the first commit, opens this browser's
    /// key wraps (each checked against its signed commitment) and hands over keys that
    /// other verified members are owed.
    pub async fn load(
        &self,
        conv: ConversationId,
        people: &[Person],
    ) -> Result<Rc<GroupCtx>, ApiError> {
        let state = api::fetch_group(conv).await?;
        let ctx = Rc::new(self.verify(state, people)?);
        self.loaded.borrow_mut().insert(conv, ctx.clone());
        if let Err(e) = self.hand_over(&ctx, people).await {
            leptos::logging::warn!("key hand-over failed: {e}");
        }
        Ok(ctx)
    }

    fn verify(&self, state: GroupState, people: &[Person]) -> Result<GroupCtx, ApiError> {
        let at = state.commits.iter().map(|c| c.at).collect();
        let chain = if state.commits.is_empty() {
            Chain::default()
        } else {
            Chain::verify(state.commits.into_iter().map(|c| c.commit).collect()).map_err(|e| {
                ApiError::Local(format!(
                    "This group's history of changes does not verify: {e}"
                ))
            })?
        };
        let mut keys = BTreeMap::new();
        for w in &state.keys {
            let (Some(commit), Some(from)) =
                (chain.at(w.epoch), identity(&self.ring, people, &w.sender))
            else {
                continue;
            };
            if w.recipient != self.ring.me.id {
                continue;
            }
            match keys::unwrap_checked(w, &commit.body, &self.ring.keys, &from.agreement) {
                Ok(k) => {
                    keys.insert(w.epoch, k);
                }
                Err(e) => leptos::logging::warn!("a group key was refused: {e}"),
            }
        }
        Ok(GroupCtx {
            id: state.id,
            chain,
            at,
            keys,
            wrapped: state
                .wrapped
                .iter()
                .map(|w| (w.epoch, w.recipient))
                .collect(),
            everyone: state.everyone,
        })
    }

    /// Wraps the keys this browser holds for verified members who lack them (someone who
    /// joined while nobody holding them was online, or a new member of a group that
    /// shares its history). Only members of the verified roster, with the keys it names.
    async fn hand_over(&self, ctx: &GroupCtx, people: &[Person]) -> Result<(), ApiError> {
        let held: BTreeSet<u64> = ctx.keys.keys().copied().collect();
        let mut wraps = Vec::new();
        for (epoch, user) in ctx.chain.missing(&held, &ctx.wrapped) {
            let (Some(member), Some(to)) = (
                ctx.members().iter().find(|m| m.user == user),
                identity(&self.ring, people, &user),
            ) else {
                continue;
            };
            if member.signing != to.signing {
                continue; // their published keys are not the ones they were added with
            }
            let Some(key) = ctx.keys.get(&epoch) else {
                continue;
            };
            let wrap = keys::wrap(key, ctx.id, epoch, &user, &to.agreement, &self.ring.keys)?;
            wraps.push(KeyWrap {
                epoch,
                sender: self.ring.me.id,
                recipient: user,
                wrap,
            });
        }
        if !wraps.is_empty() {
            api::give_keys(ctx.id, wraps).await?;
        }
        Ok(())
    }

    /// Signs `body` with a fresh epoch key wrapped for every member (none for a leave),
    /// checks it as every other browser will, and sends it.
    async fn submit(
        &self,
        prev: Option<&Chain>,
        mut body: CommitBody,
        people: &[Person],
    ) -> Result<(), ApiError> {
        let mut wraps = Vec::new();
        if body.action != Action::Leave {
            let key = EpochKey::generate()?;
            for m in &body.members {
                let to = identity(&self.ring, people, &m.user)
                    .filter(|id| id.signing == m.signing)
                    .ok_or_else(|| {
                        ApiError::Local("A member's keys could not be checked.".into())
                    })?;
                let wrap = keys::wrap(
                    &key,
                    body.group,
                    body.epoch,
                    &m.user,
                    &to.agreement,
                    &self.ring.keys,
                )?;
                wraps.push(NewWrap {
                    recipient: m.user,
                    wrap,
                });
            }
            body.key = Some(key.commitment_bytes()?);
        }
        let pairs: Vec<(UserId, Bytes)> = wraps
            .iter()
            .map(|w| (w.recipient, w.wrap.clone()))
            .collect();
        body.wraps = wraps_hash(&pairs);
        let commit = body.sign(&self.ring.keys)?;
        verify_next(prev.and_then(Chain::head), &commit)?;
        api::group_commit(CommitRequest { commit, wraps }).await
    }

    /// Creates a group with the given people.
    pub async fn create(
        &self,
        settings: Settings,
        with: &[Person],
        people: &[Person],
    ) -> Result<ConversationId, ApiError> {
        let id = api::new_group().await?;
        let others = with
            .iter()
            .map(|p| Member {
                user: p.id,
                signing: p.identity.signing,
                role: protocol::crypto::group::Role::Member,
            })
            .collect();
        let body = genesis(id, self.me_as_member(), others, settings);
        self.submit(None, body, people).await?;
        self.load(id, people).await?;
        Ok(id)
    }

    /// Makes a change to a group, retrying once on a fresh head if someone else changed
    /// it at the same moment.
    pub async fn change(
        &self,
        conv: ConversationId,
        action: Action,
        settings: Option<Settings>,
        newcomer: Option<&Person>,
        people: &[Person],
    ) -> Result<(), ApiError> {
        let newcomer = newcomer.map(|p| Member {
            user: p.id,
            signing: p.identity.signing,
            role: protocol::crypto::group::Role::Member,
        });
        let mut tries = 0;
        loop {
            let ctx = self.load(conv, people).await?;
            let head = ctx
                .chain
                .head()
                .ok_or_else(|| ApiError::NotFound("No such group.".into()))?;
            let mut body = head.propose(self.me(), action.clone(), newcomer.clone())?;
            if let Some(s) = &settings {
                body.settings = s.clone();
            }
            match self.submit(Some(&ctx.chain), body, people).await {
                Err(e) if conflict(&e) && tries < 2 => tries += 1,
                Err(e) => return Err(e),
                Ok(()) => {
                    if action == Action::Leave {
                        self.forget(conv);
                    } else {
                        self.load(conv, people).await?;
                    }
                    return Ok(());
                }
            }
        }
    }

    /// Joins the Everyone room (making it, for the very first account).
    pub async fn join_everyone(&self, people: &[Person]) -> Result<ConversationId, ApiError> {
        let id = api::everyone_room().await?;
        for _ in 0..3 {
            let ctx = self.load(id, people).await?;
            let res = match ctx.chain.head() {
                None => {
                    let settings = Settings {
                        name: "Everyone".into(),
                        description: "Everyone on this Hearth.".into(),
                        emoji: "🏠".into(),
                        history: true,
                        open: true,
                    };
                    self.submit(
                        None,
                        genesis(id, self.me_as_member(), vec![], settings),
                        people,
                    )
                    .await
                }
                Some(h) if h.body.member(&self.me()).is_some() => return Ok(id),
                Some(h) => {
                    let body = h.propose(self.me(), Action::Join, Some(self.me_as_member()))?;
                    self.submit(Some(&ctx.chain), body, people).await
                }
            };
            match res {
                Err(e) if conflict(&e) => continue,
                Err(e) => return Err(e),
                Ok(()) => {
                    self.load(id, people).await?;
                    return Ok(id);
                }
            }
        }
        Err(ApiError::Conflict(
            "The Everyone room is busy; try again.".into(),
        ))
    }

    /// Joins with an invite code or link.
    pub async fn join_with(
        &self,
        code: &str,
        people: &[Person],
    ) -> Result<ConversationId, ApiError> {
        let token = InviteToken::parse(code)?;
        let preview = api::preview_invite(token.id()).await?;
        let conv = preview.invite.group;
        let chain = Chain::verify(preview.commits.into_iter().map(|c| c.commit).collect())?;
        let head = chain
            .head()
            .ok_or_else(|| ApiError::NotFound("No such group.".into()))?;
        if head.body.member(&self.me()).is_some() {
            return Ok(conv);
        }
        let mut body = head.propose(self.me(), Action::Join, Some(self.me_as_member()))?;
        body.invite = Some(token.prove(preview.invite, &self.me(), &self.ring.identity.signing)?);
        self.submit(Some(&chain), body, people).await?;
        self.load(conv, people).await?;
        Ok(conv)
    }

    /// Seals a text for the group's newest epoch; starts a new epoch first if the newest
    /// has no key (someone left).
    pub async fn seal_text(
        &self,
        conv: ConversationId,
        client_id: ClientMsgId,
        text: &str,
        people: &[Person],
    ) -> Result<Vec<u8>, ApiError> {
        let mut ctx = match self.get(conv) {
            Some(c) => c,
            None => self.load(conv, people).await?,
        };
        if ctx.chain.current_key_epoch().is_none() {
            self.change(conv, Action::Rekey, None, None, people).await?;
            ctx = self
                .get(conv)
                .ok_or_else(|| ApiError::Local("The group vanished.".into()))?;
        }
        let epoch = ctx
            .chain
            .current_key_epoch()
            .ok_or_else(|| ApiError::Local("This group has no key yet.".into()))?;
        let key = ctx.keys.get(&epoch).ok_or_else(|| {
            ApiError::Local("Waiting for this group's keys from another member.".into())
        })?;
        let hash = ctx
            .chain
            .hash_at(epoch)
            .ok_or_else(|| ApiError::Local("This group has no key yet.".into()))?;
        let me = self.me();
        let place = Place {
            group: conv,
            epoch,
            commit_hash: &hash,
            sender: &me,
            client_id: &client_id,
        };
        let padded = MessageContent::Text {
            text: text.to_string(),
        }
        .to_padded()?;
        Ok(message::seal(key, &place, &self.ring.keys, &padded)?)
    }

    /// Checks the sender's signature and decrypts a stored group message.
    pub fn open(&self, m: &StoredMessage) -> Result<MessageContent, Unreadable> {
        let ctx = self.get(m.conversation).ok_or(Unreadable::NoKey(0))?;
        let padded = message::open(
            &ctx.chain,
            |e| ctx.keys.get(&e).cloned(),
            m.conversation,
            &m.sender,
            &m.client_id,
            m.envelope.as_slice(),
        )?;
        MessageContent::from_padded(&padded).map_err(|_| Unreadable::Broken)
    }
}
