//! Groups in the browser: verified commit chains, epoch keys, signed messages, commits
//! and the automatic hand-over of keys to members who are owed them.

use super::keyring::Keyring;
use crate::Answered;
use crate::ApiError;
use crate::api;
use protocol::api::group::{GroupState, WrapSlot};
use protocol::api::{MessageContent, Person};
use protocol::crypto::group::invite::{Invite, InviteToken};
use protocol::crypto::group::keys;
use protocol::crypto::group::message::{self, Place, Unreadable};
use protocol::crypto::group::rules::needs_key;
use protocol::crypto::group::{
    Action, Chain, Commit, CommitBody, EpochKey, Head, KeyWrap, Member, Names, Opened, Role,
    Roster, Settings, genesis,
};
use protocol::crypto::identity::PublicIdentity;
use protocol::crypto::pins::{Pins, Seen};
use protocol::frames::StoredMessage;
use protocol::{Bytes, ClientMsgId, ConversationId, UserId};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;
use zeroize::Zeroizing;

/// An invite as the joiner sees it before joining (`Groups::preview`).
#[derive(Clone, Debug)]
pub struct JoinPreview {
    pub conv: ConversationId,
    /// The group's settings with the names the invite opened (empty when it could not).
    pub settings: Settings,
    pub members: usize,
    /// Already a member: joining just opens it.
    pub member: bool,
    pub inviter: UserId,
    /// The inviter's key in the group against this browser's pins.
    pub inviter_seen: Seen,
    /// Members whose key in the group is not the one this browser pinned for them.
    pub mismatched: Vec<UserId>,
    /// The code, kept to join with.
    code: Arc<Zeroizing<String>>,
    /// The invite's names, when they are the group's current ones: sealed again by a
    /// join that starts a key, so the newcomer reads them with the group's own keys.
    opened: Option<Opened>,
}

/// One group as this browser has verified it.
#[derive(Clone)]
pub struct GroupCtx {
    pub id: ConversationId,
    pub chain: Chain,
    /// The server's time of each commit, by epoch.
    pub at: Vec<i64>,
    pub keys: BTreeMap<u64, EpochKey>,
    /// Keys the server says members lack (checked against the chain before handing over).
    pub wanted: Vec<WrapSlot>,
    /// Wraps for this browser that did not open: tried again with the people fetched
    /// anew (their author may have new keys this browser has not heard of yet), then
    /// refused, so another member hands the key over.
    pub refused: Vec<KeyWrap>,
    /// Who handed this browser keys that did not open (now or before, as the server
    /// keeps the refusals): told to the person, since a member can do it on purpose.
    pub bad_wrappers: std::collections::BTreeSet<UserId>,
    pub everyone: bool,
    /// The group's current names, once opened (with a key of the group, or from the
    /// invite this browser joined with when they match the chain's commitment).
    pub opened: Option<Opened>,
}

impl GroupCtx {
    pub fn head(&self) -> Option<&Head> {
        self.chain.head()
    }
    /// The current settings, names filled in when this browser could open them.
    pub fn settings(&self) -> Option<Settings> {
        Some(named(&self.head()?.settings, self.opened.as_ref()))
    }

    /// Whether a member cannot open the names with the keys they are owed (they joined a
    /// group that keeps its history closed with an invite from before a rename, so their
    /// join could not seal the current names again) while this browser can read them.
    pub fn names_need_sealing(&self) -> bool {
        let (Some(head), Some(_)) = (self.head(), &self.opened) else {
            return false;
        };
        let Some(sealed) = &head.settings.sealed else {
            return false;
        };
        head.roster
            .members()
            .any(|m| !self.chain.owed(&m.user, sealed.epoch))
    }

    /// The names a commit carries, if this browser can read them.
    pub fn names_in(&self, c: &Commit) -> Option<Names> {
        let Some(sealed) = &c.body.settings.sealed else {
            return Some(c.body.settings.names());
        };
        self.keys
            .get(&sealed.epoch)
            .and_then(|k| sealed.open(k, self.id).ok())
            .or_else(|| {
                self.opened
                    .clone()
                    .filter(|o| o.commitment() == sealed.commitment)
            })
            .map(|o| o.names)
    }
    pub fn members(&self) -> Vec<Member> {
        self.head()
            .map(|h| h.roster.members().cloned().collect())
            .unwrap_or_default()
    }
    /// True when this browser cannot read the current key's messages yet.
    pub fn waiting(&self) -> bool {
        self.chain
            .current_key_epoch()
            .is_some_and(|e| !self.keys.contains_key(&e))
    }
}

/// Settings with the names filled in, as the pages show them.
fn named(settings: &Settings, opened: Option<&Opened>) -> Settings {
    let mut s = settings.clone();
    if let Some(o) = opened {
        (s.name, s.description, s.emoji) = (
            o.names.name.clone(),
            o.names.description.clone(),
            o.names.emoji.clone(),
        );
    }
    s
}

pub struct Groups {
    ring: Arc<Keyring>,
    loaded: RefCell<HashMap<ConversationId, Rc<GroupCtx>>>,
    /// Names read from an invite this browser joined with: shown until a key of the
    /// group opens them (a group that shares its history hands its keys over later).
    hints: RefCell<HashMap<ConversationId, Opened>>,
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

/// The identity a new key is wrapped to for `m`: the one the roster names, unless the
/// account was deleted (its secret keys are gone, and it is owed nothing new).
fn reachable<'a>(
    ring: &'a Keyring,
    people: &'a [Person],
    m: &Member,
) -> Option<&'a PublicIdentity> {
    let deleted = people.iter().any(|p| p.id == m.user && p.deleted);
    identity(ring, people, &m.user).filter(|id| id.signing == m.signing && !deleted)
}

fn conflict(e: &ApiError) -> bool {
    matches!(e, ApiError::Conflict(_))
}

/// A person as a newcomer to a group, with the keys this browser sees for them.
pub fn as_member(p: &Person) -> Member {
    Member {
        user: p.id,
        signing: p.identity.signing,
        role: Role::Member,
    }
}

impl Groups {
    pub fn new(ring: Arc<Keyring>) -> Self {
        Self {
            ring,
            loaded: RefCell::default(),
            hints: RefCell::default(),
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
            role: Role::Member,
        }
    }

    /// Fetches what is new in a group (everything, the first time), verifies each new
    /// commit against the chain so far, opens this browser's key wraps (each checked
    /// against its signed commitment) and hands over keys other verified members are owed.
    pub async fn load(
        &self,
        conv: ConversationId,
        people: &[Person],
    ) -> Result<Rc<GroupCtx>, ApiError> {
        let known = self.get(conv);
        let after = known.as_ref().and_then(|c| c.head().map(|h| h.epoch));
        let state = api::fetch_group(conv, after).await.answered()?;
        let mut ctx = match self.update(known.as_deref(), state, people) {
            Ok(ctx) => ctx,
            // Something did not line up with what this browser had: start over.
            Err(_) if known.is_some() => {
                let fresh =
                    self.update(None, api::fetch_group(conv, None).await.answered()?, people)?;
                let old = known
                    .as_ref()
                    .and_then(|k| k.head().map(|h| (h.epoch, h.hash)));
                if let Some((epoch, hash)) = old
                    && fresh.chain.hash_at(epoch) != Some(hash)
                {
                    return Err(ApiError::Local(
                        "This group's history changed under you: do not trust it.".into(),
                    ));
                }
                fresh
            }
            Err(e) => return Err(e),
        };
        let failed = std::mem::take(&mut ctx.refused);
        if !failed.is_empty() {
            // The people as the server has them now: a wrap from someone whose new keys
            // this browser had not heard of is no garbage.
            let fresh = api::people().await.answered()?;
            for w in failed {
                if self.open_wrap(&mut ctx, &w, &fresh).is_ok() {
                    continue;
                }
                ctx.bad_wrappers.insert(w.sender);
                if let Err(e) = api::drop_key(conv, w.epoch, w.sender).await.answered() {
                    leptos::logging::warn!("could not throw away a bad key wrap: {e}");
                }
            }
        }
        ctx.opened = self.read_names(&ctx);
        let ctx = Rc::new(ctx);
        self.loaded.borrow_mut().insert(conv, ctx.clone());
        if let Err(e) = self.hand_over(&ctx, people).await {
            leptos::logging::warn!("key hand-over failed: {e}");
        }
        Ok(ctx)
    }

    /// Opens a wrap made for this browser (it proves its author, whose key comes from
    /// `people`, and must match its epoch's commitment) and keeps the key.
    fn open_wrap(
        &self,
        ctx: &mut GroupCtx,
        w: &KeyWrap,
        people: &[Person],
    ) -> Result<(), ApiError> {
        // An epoch not verified yet, or an author not in the people list: it waits.
        let (Some(commit), Some(from)) = (
            ctx.chain.at(w.epoch),
            identity(&self.ring, people, &w.sender),
        ) else {
            return Ok(());
        };
        let key = keys::unwrap_checked(w, &commit.body, &self.ring.keys, &from.agreement)?;
        ctx.keys.insert(w.epoch, key);
        Ok(())
    }

    /// The group's current names: in plain text (a version 1 group), opened with the key
    /// that sealed them, or the ones an invite gave if they match the commitment.
    fn read_names(&self, ctx: &GroupCtx) -> Option<Opened> {
        let s = &ctx.head()?.settings;
        let Some(sealed) = &s.sealed else {
            return Some(Opened::with_salt(s.names(), [0; 32]));
        };
        let hint = self.hints.borrow().get(&ctx.id).cloned();
        ctx.keys
            .get(&sealed.epoch)
            .and_then(|k| match sealed.open(k, ctx.id) {
                Ok(o) => Some(o),
                Err(e) => {
                    leptos::logging::warn!("the group's names did not open: {e}");
                    None
                }
            })
            .or_else(|| hint.filter(|h| h.commitment() == sealed.commitment))
    }

    fn update(
        &self,
        known: Option<&GroupCtx>,
        state: GroupState,
        people: &[Person],
    ) -> Result<GroupCtx, ApiError> {
        let mut ctx = known.cloned().unwrap_or_else(|| GroupCtx {
            id: state.id,
            chain: Chain::default(),
            at: Vec::new(),
            keys: BTreeMap::new(),
            wanted: Vec::new(),
            refused: Vec::new(),
            bad_wrappers: Default::default(),
            everyone: state.everyone,
            opened: None,
        });
        let before = ctx.head().map(|h| (h.epoch, h.hash));
        for c in state.commits {
            ctx.chain.push(c.commit).map_err(|e| {
                ApiError::Local(format!(
                    "This group's history of changes does not verify: {e}"
                ))
            })?;
            ctx.at.push(c.at);
        }
        for w in &state.keys {
            if ctx.keys.contains_key(&w.epoch) || w.recipient != self.ring.me.id {
                continue;
            }
            if let Err(e) = self.open_wrap(&mut ctx, w, people) {
                leptos::logging::warn!("a group key did not open: {e}");
                ctx.refused.push(w.clone());
            }
        }
        ctx.bad_wrappers
            .extend(state.refused.iter().map(|r| r.sender));
        // The chain must be the group asked for, and (fetched again from the start) must
        // extend what this browser had verified: the server cannot swap in another fork.
        if ctx.head().is_some_and(|h| h.group != state.id) {
            return Err(ApiError::Local(
                "The server sent another group's history.".into(),
            ));
        }
        if let Some((epoch, hash)) = before
            && ctx.chain.hash_at(epoch) != Some(hash)
        {
            return Err(ApiError::Local(
                "This group's history changed under you: do not trust it.".into(),
            ));
        }
        ctx.wanted = state.wanted;
        Ok(ctx)
    }

    /// Wraps the keys this browser holds for members who lack them (someone who joined
    /// while nobody holding them was online, or a newcomer to a group that shares its
    /// history): only members of the verified roster, owed that key by the chain, with
    /// the keys the roster names.
    async fn hand_over(&self, ctx: &GroupCtx, people: &[Person]) -> Result<(), ApiError> {
        let Some(head) = ctx.head() else {
            return Ok(());
        };
        let mut wraps = Vec::new();
        for slot in &ctx.wanted {
            let (epoch, user) = (slot.epoch, slot.recipient);
            let Some((key, member)) = ctx.keys.get(&epoch).zip(head.roster.get(&user)) else {
                continue;
            };
            let Some(to) = reachable(&self.ring, people, member) else {
                continue;
            };
            if !ctx.chain.owed(&user, epoch) {
                continue;
            }
            let wrap = keys::wrap(key, ctx.id, epoch, &user, &to.agreement, &self.ring.keys)?;
            wraps.push(KeyWrap {
                epoch,
                sender: self.ring.me.id,
                recipient: user,
                wrap,
            });
        }
        if !wraps.is_empty() {
            api::give_keys(ctx.id, wraps).await.answered()?;
        }
        Ok(())
    }

    /// Signs `body`, with a fresh epoch key wrapped for every member of the new roster if
    /// the change starts one, checks it as every other browser will, and sends it.
    /// `names`: the group's names (new ones for a create or a settings change), sealed
    /// again under the new key when the commit starts one, so members who will not hold
    /// older keys can read them; without them the seal is copied as it was.
    async fn submit(
        &self,
        head: Option<&Head>,
        body: CommitBody,
        people: &[Person],
        names: Option<&Opened>,
    ) -> Result<(), ApiError> {
        let roster: Roster = match (&body.action, head) {
            (Action::Create { members }, _) => members.clone().into(),
            (action, Some(h)) => h.roster_after(&body.author, action)?,
            (_, None) => return Err(ApiError::NotFound("No such group.".into())),
        };
        // Someone this browser has not heard of yet (just registered and joined, say): the
        // server wants a wrap for them, so fetch the people again first.
        let unknown = roster
            .members()
            .any(|m| m.user != self.ring.me.id && !people.iter().any(|p| p.id == m.user));
        let fresh: Vec<Person>;
        let people = if unknown && (head.is_none() || needs_key(&body.action, &body.settings)) {
            fresh = api::people().await.answered()?;
            &fresh
        } else {
            people
        };
        // Confidentiality never depends on who is left out, only on who is not: a member
        // whose keys cannot be checked is skipped, and the server insists on everyone but
        // deleted accounts and accounts whose keys changed.
        let built = protocol::browser::group::commit(head, body, &self.ring.keys, names, |m| {
            reachable(&self.ring, people, m).map(|id| id.agreement)
        })?;
        let commit = &built.request.commit;
        match head {
            None => Head::genesis(commit)?,
            Some(h) => h.apply(commit)?,
        };
        api::group_commit(built.request).await.answered()
    }

    /// Creates a group with the given people.
    pub async fn create(
        &self,
        settings: Settings,
        with: &[Person],
        people: &[Person],
    ) -> Result<ConversationId, ApiError> {
        let names = Opened::new(settings.names())?;
        let settings = Settings {
            history: settings.history,
            ..Settings::default()
        };
        let id = api::new_group().await.answered()?;
        let body = genesis(
            id,
            self.me_as_member(),
            with.iter().map(as_member).collect(),
            settings,
        );
        self.submit(None, body, people, Some(&names)).await?;
        self.load(id, people).await?;
        Ok(id)
    }

    /// Makes a change to a group, retrying on a fresh head if someone else changed it at
    /// the same moment.
    pub async fn change(
        &self,
        conv: ConversationId,
        action: Action,
        settings: Option<Settings>,
        people: &[Person],
    ) -> Result<(), ApiError> {
        let mut tries = 0;
        loop {
            let ctx = self.load(conv, people).await?;
            let head = ctx
                .head()
                .ok_or_else(|| ApiError::NotFound("No such group.".into()))?;
            let mut body = head.propose(self.me(), action.clone())?;
            let mut names = ctx.opened.clone();
            if let Some(s) = &settings {
                body.settings.history = s.history;
                names = Some(Opened::new(s.names())?);
            }
            match self.submit(Some(head), body, people, names.as_ref()).await {
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

    /// Seals the names again under a new key when a member cannot read them
    /// (`names_need_sealing`); done by whichever member's browser sees it first.
    pub async fn seal_names_again(
        &self,
        conv: ConversationId,
        people: &[Person],
    ) -> Result<(), ApiError> {
        for _ in 0..3 {
            let ctx = self
                .get(conv)
                .ok_or_else(|| ApiError::NotFound("No such group.".into()))?;
            let Some(head) = ctx.head().filter(|_| ctx.names_need_sealing()) else {
                return Ok(());
            };
            let body = head.propose(self.me(), Action::Rekey)?;
            let res = self
                .submit(Some(head), body, people, ctx.opened.as_ref())
                .await;
            // Another member may have done it meanwhile: look again.
            self.load(conv, people).await?;
            match res {
                Err(e) if conflict(&e) => continue,
                other => return other,
            }
        }
        Ok(())
    }

    /// Joins the Everyone room (making it, for the very first account).
    pub async fn join_everyone(&self, people: &[Person]) -> Result<ConversationId, ApiError> {
        let id = api::everyone_room().await.answered()?;
        for _ in 0..3 {
            let ctx = self.load(id, people).await?;
            let res = match ctx.head() {
                None => {
                    let names = Opened::new(Names {
                        name: "Everyone".into(),
                        description: "Everyone on this Hearth.".into(),
                        emoji: "🏠".into(),
                    })?;
                    let settings = Settings {
                        history: true,
                        open: true,
                        ..Settings::default()
                    };
                    self.submit(
                        None,
                        genesis(id, self.me_as_member(), vec![], settings),
                        people,
                        Some(&names),
                    )
                    .await
                }
                Some(h) => {
                    // In already, unless with keys this browser no longer has (after a
                    // password reset or a rotation): then a member comes back in. (An
                    // admin or the owner cannot: the rules keep their powers off new keys.)
                    let member = self.me_as_member();
                    match h.roster.get(&self.me()) {
                        Some(m) if m.signing == member.signing || m.role != Role::Member => {
                            return Ok(id);
                        }
                        _ => {}
                    }
                    let body = h.propose(self.me(), Action::Join { member })?;
                    self.submit(Some(h), body, people, ctx.opened.as_ref())
                        .await
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

    /// What an invite code or link leads to, checked here before anything is joined: the
    /// group's chain verifies, the invite is the one the code makes, signed by an admin of
    /// that chain, and each member's key in it is held against this browser's pins (a
    /// server showing a made-up group under someone's name cannot match their pin).
    pub async fn preview(&self, code: &str, pins: &Pins) -> Result<JoinPreview, ApiError> {
        Ok(self.checked(code, pins).await?.0)
    }

    async fn checked(
        &self,
        code: &str,
        pins: &Pins,
    ) -> Result<(JoinPreview, Invite, Head, InviteToken), ApiError> {
        let token = InviteToken::parse(code)?;
        let preview = api::preview_invite(token.id()).await.answered()?;
        let sealed_names = preview.settings;
        let chain = Chain::verify(preview.commits.into_iter().map(|c| c.commit).collect())?;
        let head = chain
            .head()
            .ok_or_else(|| ApiError::NotFound("No such group.".into()))?
            .clone();
        let invite = preview.invite;
        let by = head
            .roster
            .get(&invite.by)
            .filter(|m| m.role >= Role::Admin);
        let signed = by.is_some_and(|m| invite.check(&m.signing).is_ok());
        if head.group != invite.group || !token.matches(&invite)? || !signed {
            return Err(ApiError::Local(
                "This invite does not match the group the server shows for it: do not trust it."
                    .into(),
            ));
        }
        let inviter_seen = by.map_or(Seen::New, |m| pins.check_key(&m.user, &m.signing));
        let mismatched = head
            .roster
            .members()
            .filter(|m| matches!(pins.check_key(&m.user, &m.signing), Seen::Changed { .. }))
            .map(|m| m.user)
            .collect();
        // The names as the invite's maker sealed them for the code (the server cannot
        // make such a seal): current if they match the chain's commitment, else from
        // before a rename, shown all the same.
        let from_invite = match (&head.settings.sealed, &sealed_names) {
            (None, _) => Some(Opened::with_salt(head.settings.names(), [0; 32])),
            (Some(_), Some(blob)) => Opened::open_for_invite(
                blob.as_slice(),
                &*token.settings_key()?,
                invite.group,
                &invite.id,
            )
            .ok(),
            (Some(_), None) => None,
        };
        let current = from_invite.clone().filter(|o| {
            head.settings
                .sealed
                .as_ref()
                .is_none_or(|s| s.commitment == o.commitment())
        });
        let shown = JoinPreview {
            conv: invite.group,
            settings: named(&head.settings, from_invite.as_ref()),
            opened: current,
            members: head.roster.members().count(),
            member: head.roster.get(&self.me()).is_some(),
            inviter: invite.by,
            inviter_seen,
            mismatched,
            code: Arc::new(Zeroizing::new(code.to_owned())),
        };
        Ok((shown, invite, head, token))
    }

    /// Joins the group `shown` (fetched and checked again: the server answers anew).
    /// Refused when its inviter's key is not the one this browser pinned.
    pub async fn join(
        &self,
        shown: &JoinPreview,
        pins: &Pins,
        people: &[Person],
    ) -> Result<ConversationId, ApiError> {
        let (fresh, invite, head, token) = self.checked(&shown.code, pins).await?;
        if matches!(fresh.inviter_seen, Seen::Changed { .. }) {
            return Err(ApiError::Local(
                "The group names the person who invited you with keys that are not the ones you know for them: do not join.".into(),
            ));
        }
        if fresh.member {
            return Ok(fresh.conv);
        }
        let mut body = head.propose(
            self.me(),
            Action::Join {
                member: self.me_as_member(),
            },
        )?;
        body.invite = Some(token.prove(invite, &self.me(), &self.ring.identity.signing)?);
        if let Some(o) = &fresh.opened {
            self.hints.borrow_mut().insert(fresh.conv, o.clone());
        }
        self.submit(Some(&head), body, people, fresh.opened.as_ref())
            .await?;
        self.load(fresh.conv, people).await?;
        Ok(fresh.conv)
    }

    /// The group's names sealed for the holder of a new invite's code; none for a group
    /// whose names are plain (version 1).
    pub fn names_for_invite(
        &self,
        conv: ConversationId,
        token: &InviteToken,
        invite: &Invite,
    ) -> Result<Option<Bytes>, ApiError> {
        let ctx = self
            .get(conv)
            .ok_or_else(|| ApiError::NotFound("No such group.".into()))?;
        if ctx.head().is_none_or(|h| h.settings.sealed.is_none()) {
            return Ok(None);
        }
        let opened = ctx.opened.as_ref().ok_or_else(|| {
            ApiError::Local("This group's name cannot be read here yet: try again later.".into())
        })?;
        Ok(Some(opened.seal_for_invite(
            &*token.settings_key()?,
            conv,
            &invite.id,
        )?))
    }

    /// Seals a message under the group's current key. Without one (someone left) or without
    /// this browser holding it (nobody has handed it over yet), starts a new key first, so
    /// sending never waits for another member to come online.
    pub async fn seal(
        &self,
        conv: ConversationId,
        client_id: ClientMsgId,
        content: &MessageContent,
        people: &[Person],
    ) -> Result<Vec<u8>, ApiError> {
        let mut ctx = match self.get(conv) {
            Some(c) => c,
            None => self.load(conv, people).await?,
        };
        if ctx.chain.current_key_epoch().is_none() || ctx.waiting() {
            self.change(conv, Action::Rekey, None, people).await?;
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
        let sender_epoch = ctx.head().map(|h| h.epoch).unwrap_or(epoch);
        let place = Place {
            group: conv,
            epoch,
            sender_epoch,
            commit_hash: &hash,
            sender: &me,
            client_id: &client_id,
        };
        let padded = content.to_padded()?;
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
