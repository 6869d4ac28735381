//! The chat page's group actions: loading and verifying, sending, membership changes.

use super::state::{Chat, GroupView, Line, MemberView, Outgoing, Panel, fill_names};
use crate::Answered;
use crate::ApiError;
use crate::api;
use crate::client::group::{GroupCtx, JoinPreview};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::MessageContent;
use protocol::api::group::InviteInfo;
use protocol::crypto::group::{Action, Member, Role, Settings};
use protocol::frames::ClientFrame;
use protocol::{Bytes, ClientMsgId, ConversationId, FileId, UserId};
use std::rc::Rc;

impl Chat {
    fn show_group(&self, ctx: &GroupCtx) {
        self.list.conversations.maybe_update(|cs| {
            cs.iter_mut()
                .find(|c| c.id == ctx.id)
                .and_then(|c| c.group.as_mut())
                .is_some_and(|g| fill_names(g, ctx))
        });
        if self.list.current.get_untracked() != Some(ctx.id) {
            return;
        }
        let me = self.me.get_untracked();
        let my_username = self
            .keys
            .ring
            .get_value()
            .map(|r| r.me.username.clone())
            .unwrap_or_default();
        let members = ctx
            .members()
            .iter()
            .map(|m| {
                let person = self
                    .list
                    .people
                    .with_untracked(|ps| ps.iter().find(|p| p.id == m.user).cloned());
                let deleted = person.as_ref().is_some_and(|p| p.deleted);
                let new_keys = person
                    .as_ref()
                    .is_some_and(|p| !p.deleted && p.identity.signing != m.signing);
                MemberView {
                    member: m.clone(),
                    name: self.name_of(&m.user),
                    username: match person {
                        _ if Some(m.user) == me => my_username.clone(),
                        // Its stand-in username ('~…') is not one to show or mention.
                        Some(p) if !p.deleted => p.username,
                        _ => String::new(),
                    },
                    deleted,
                    new_keys,
                }
            })
            .collect();
        self.list.group_view.set(ctx.settings().map(|s| GroupView {
            id: ctx.id,
            settings: s,
            members,
            my_role: me.and_then(|me| ctx.members().iter().find(|m| m.user == me).map(|m| m.role)),
            waiting: ctx.waiting(),
            everyone: ctx.everyone,
            bad_wrappers: ctx.bad_wrappers.iter().map(|u| self.name_of(u)).collect(),
        }));
    }

    /// Fetches and verifies a group; a group the user is no longer in leaves the list.
    pub(super) async fn load_group(&self, id: ConversationId) -> Option<Rc<GroupCtx>> {
        let groups = self.keys.groups.get_value()?;
        let people = self.list.people.get_untracked();
        match groups.load(id, &people).await {
            Ok(ctx) if ctx.names_need_sealing() => {
                self.show_group(&ctx);
                if let Err(e) = groups.seal_names_again(id, &people).await {
                    leptos::logging::warn!("could not seal the group's names again: {e}");
                }
                groups.get(id)
            }
            Ok(ctx) => {
                self.show_group(&ctx);
                Some(ctx)
            }
            Err(ApiError::Forbidden(_) | ApiError::NotFound(_)) => {
                groups.forget(id);
                self.list
                    .conversations
                    .update(|cs| cs.retain(|c| c.id != id));
                if self.list.current.get_untracked() == Some(id) {
                    self.list.current.set(None);
                    self.error
                        .set(Some("You are no longer in that group.".into()));
                }
                None
            }
            Err(e) => {
                self.report(e);
                None
            }
        }
    }

    /// A group gained a commit or keys: verify again, then redraw.
    pub(super) fn group_changed(&self, id: ConversationId) {
        // New keys may open messages the search could not read.
        self.forget_texts(id);
        let this = *self;
        spawn_local(async move {
            if this.load_group(id).await.is_some() && this.list.current.get_untracked() == Some(id)
            {
                this.rerender();
            }
            this.refresh_conversations();
        });
    }

    pub(super) fn send_group(
        &self,
        conv: ConversationId,
        content: MessageContent,
        files: Vec<FileId>,
    ) -> bool {
        let Ok(client_id) = ClientMsgId::random() else {
            return false;
        };
        if self.list.current.get_untracked() == Some(conv) && content.is_message() {
            self.thread
                .lines
                .update(|ls| ls.push(Line::pending(client_id, content.clone())));
            self.thread.scroll_to_end.update(|n| *n += 1);
        }
        self.composer.outbox.update_value(|o| {
            let out = Outgoing {
                conv,
                content,
                files,
                tries: 0,
            };
            o.insert(client_id, out);
        });
        self.seal_and_send(client_id);
        true
    }

    /// Seals (again) a queued group message for the group's newest epoch and sends it.
    fn seal_and_send(&self, client_id: ClientMsgId) {
        let Some(out) = self
            .composer
            .outbox
            .with_value(|o| o.get(&client_id).cloned())
        else {
            return;
        };
        let (Some(groups), Some(socket)) = (
            self.keys.groups.get_value(),
            self.connection.socket.get_value(),
        ) else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            let people = this.list.people.get_untracked();
            match groups
                .seal(out.conv, client_id, &out.content, &people)
                .await
            {
                Ok(envelope) => socket.send(
                    client_id,
                    ClientFrame::Send {
                        conversation: out.conv,
                        client_id,
                        envelope: Bytes(envelope),
                        files: out.files,
                        event: !out.content.is_message(),
                    },
                ),
                Err(e) => {
                    this.composer.outbox.update_value(|o| {
                        o.remove(&client_id);
                    });
                    this.thread
                        .lines
                        .update(|ls| ls.retain(|l| l.client_id != client_id));
                    this.report(e);
                }
            }
        });
    }

    /// The server refused a send sealed for an epoch that is no longer the newest: verify
    /// the group again and seal once more (a few times at most).
    pub(super) fn reseal(&self, client_id: ClientMsgId) {
        let Some((conv, tries)) = self
            .composer
            .outbox
            .with_value(|o| o.get(&client_id).map(|e| (e.conv, e.tries)))
        else {
            return;
        };
        if tries >= 3 {
            self.composer.outbox.update_value(|o| {
                o.remove(&client_id);
            });
            return self.error.set(Some(
                "The group kept changing; the message was not sent.".into(),
            ));
        }
        self.composer.outbox.update_value(|o| {
            if let Some(e) = o.get_mut(&client_id) {
                e.tries += 1;
            }
        });
        let this = *self;
        spawn_local(async move {
            if this.load_group(conv).await.is_some() {
                this.seal_and_send(client_id);
            }
        });
    }

    /// Runs a group operation with a busy flag, reporting its error.
    fn run(
        &self,
        busy: RwSignal<bool>,
        op: impl std::future::Future<Output = Result<(), ApiError>> + 'static,
    ) {
        busy.set(true);
        let this = *self;
        spawn_local(async move {
            if let Err(e) = op.await {
                this.report(e);
            }
            busy.set(false);
        });
    }

    /// Refuses to put someone into a group under keys that differ from the ones pinned
    /// for them (the server could have swapped them): compare safety numbers first.
    fn check_pins(&self, users: &[UserId]) -> bool {
        let changed: Vec<String> = self.keys.changed.with_untracked(|c| {
            users
                .iter()
                .filter(|u| c.contains_key(u))
                .map(|u| self.name_of(u))
                .collect()
        });
        if changed.is_empty() {
            return true;
        }
        self.error.set(Some(format!(
            "The keys of {} changed since you last saw them: compare safety numbers (or accept the new keys) first.",
            changed.join(", ")
        )));
        false
    }

    /// Creates a group with the chosen people and opens it.
    pub fn create_group(&self, settings: Settings, with: Vec<UserId>, busy: RwSignal<bool>) {
        if !self.check_pins(&with) {
            return;
        }
        let Some(groups) = self.keys.groups.get_value() else {
            return;
        };
        let this = *self;
        self.run(busy, async move {
            let people = this.list.people.get_untracked();
            let chosen: Vec<_> = people
                .iter()
                .filter(|p| with.contains(&p.id) && !p.deleted)
                .cloned()
                .collect();
            let id = groups.create(settings, &chosen, &people).await?;
            this.set_conversations(api::conversations().await.answered()?);
            this.select(id);
            Ok(())
        });
    }

    /// A membership or settings change to the open group.
    pub fn change_group(&self, action: Action, settings: Option<Settings>, busy: RwSignal<bool>) {
        self.change_group_in_steps(vec![action], settings, busy);
    }

    /// Changes to the open group, one commit each, in order; the first refused stops the
    /// rest.
    fn change_group_in_steps(
        &self,
        actions: Vec<Action>,
        settings: Option<Settings>,
        busy: RwSignal<bool>,
    ) {
        let (Some(groups), Some(conv)) = (
            self.keys.groups.get_value(),
            self.list.current.get_untracked(),
        ) else {
            return;
        };
        let this = *self;
        self.run(busy, async move {
            let people = this.list.people.get_untracked();
            let leaving = actions.contains(&Action::Leave);
            for action in actions {
                groups
                    .change(conv, action, settings.clone(), &people)
                    .await?;
            }
            if leaving {
                this.list
                    .conversations
                    .update(|cs| cs.retain(|c| c.id != conv));
                this.list.current.set(None);
            } else if let Some(ctx) = groups.get(conv) {
                this.show_group(&ctx);
                this.rerender();
            }
            this.refresh_conversations();
            Ok(())
        });
    }

    /// Adds someone from the people list to the open group.
    pub fn add_member(&self, user: UserId, busy: RwSignal<bool>) {
        if let Some(member) = self.member_to_add(user) {
            self.change_group(Action::Add { member }, None, busy);
        }
    }

    /// Takes a member whose keys changed (new keys after a reset, or made anew) out of
    /// the open group and in again under their new keys, which the roster then names: the
    /// way back into a group that is not open to anyone (see PROTOCOL.md, Limits).
    pub fn add_again_with_new_keys(&self, user: UserId, busy: RwSignal<bool>) {
        if let Some(member) = self.member_to_add(user) {
            let mut steps = vec![Action::Remove { user }, Action::Add { member }];
            // An admin comes back an admin (only the owner may take an admin out and in).
            let was_admin = self.list.group_view.with_untracked(|g| {
                g.as_ref().is_some_and(|g| {
                    g.members
                        .iter()
                        .any(|m| m.member.user == user && m.member.role == Role::Admin)
                })
            });
            if was_admin {
                steps.push(Action::Promote { user });
            }
            self.change_group_in_steps(steps, None, busy);
        }
    }

    /// Someone from the people list as a new member, under the keys pinned for them
    /// (None, with the reason shown, when their keys changed since they were pinned).
    fn member_to_add(&self, user: UserId) -> Option<Member> {
        if !self.check_pins(&[user]) {
            return None;
        }
        self.list
            .people
            .with_untracked(|ps| ps.iter().find(|p| p.id == user && !p.deleted).cloned())
            .map(|p| crate::client::group::as_member(&p))
    }

    /// Shows what an invite code or link leads to, checked against the pins, into `out`.
    pub fn preview_invite(
        &self,
        code: String,
        busy: RwSignal<bool>,
        out: RwSignal<Option<JoinPreview>>,
    ) {
        let Some(groups) = self.keys.groups.get_value() else {
            return;
        };
        let pins = self.keys.pins.get_untracked();
        self.run(busy, async move {
            out.set(Some(groups.preview(&code, &pins).await?));
            Ok(())
        });
    }

    /// Joins the group an invite showed, then opens it.
    pub fn join(&self, shown: JoinPreview, busy: RwSignal<bool>) {
        let Some(groups) = self.keys.groups.get_value() else {
            return;
        };
        let this = *self;
        self.run(busy, async move {
            let people = this.list.people.get_untracked();
            let pins = this.keys.pins.get_untracked();
            let id = groups.join(&shown, &pins, &people).await?;
            this.set_conversations(api::conversations().await.answered()?);
            this.list.join_code.set(String::new());
            this.error.set(None);
            this.select(id);
            Ok(())
        });
    }

    pub fn delete_group(&self, busy: RwSignal<bool>) {
        let Some(conv) = self.list.current.get_untracked() else {
            return;
        };
        let this = *self;
        self.run(busy, async move {
            api::delete_group(conv).await.answered()?;
            this.list
                .conversations
                .update(|cs| cs.retain(|c| c.id != conv));
            this.list.current.set(None);
            this.list.panel.set(Panel::None);
            Ok(())
        });
    }
}

impl Chat {
    /// Makes an invite for the open group; `out` gets the code to share.
    pub fn create_invite(
        &self,
        valid_ms: i64,
        uses: u32,
        busy: RwSignal<bool>,
        out: RwSignal<Option<String>>,
    ) {
        let (Some(ring), Some(groups), Some(conv)) = (
            self.keys.ring.get_value(),
            self.keys.groups.get_value(),
            self.list.current.get_untracked(),
        ) else {
            return;
        };
        self.run(busy, async move {
            use protocol::crypto::group::invite::InviteToken;
            let token = InviteToken::generate()?;
            let expires = crate::client::browser::now_ms() + valid_ms;
            let invite = token.invite(conv, ring.me.id, &ring.keys, expires, uses)?;
            let names = groups.names_for_invite(conv, &token, &invite)?;
            api::create_invite(invite, names).await.answered()?;
            out.set(Some(token.to_code().to_string()));
            Ok(())
        });
    }
}

impl Chat {
    /// The open group's usable invites, into `out` (for its admins).
    pub fn load_invites(&self, out: RwSignal<Vec<InviteInfo>>) {
        let Some(conv) = self.list.current.get_untracked() else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            match api::list_invites(conv).await.answered() {
                Ok(list) => out.set(list),
                Err(e) => this.report(e),
            }
        });
    }

    /// Withdraws an invite, then lists the rest again.
    pub fn revoke_invite(&self, id: String, out: RwSignal<Vec<InviteInfo>>, busy: RwSignal<bool>) {
        let this = *self;
        self.run(busy, async move {
            api::revoke_invite(id).await.answered()?;
            this.load_invites(out);
            Ok(())
        });
    }
}
