//! Other people's keys as pinned and verified, and the user's own keys and password.

use super::state::Chat;
use crate::Answered;
use crate::api;
use crate::client::browser;
use crate::client::keyring;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::Person;
use protocol::crypto::pins::Seen;
use std::collections::BTreeMap;

impl Chat {
    /// Compares everyone's published keys with the pins: pins the new (trust on first
    /// use), flags the changed.
    pub(super) fn review(&self, people: &[Person]) {
        let mut dirty = false;
        let mut changed = BTreeMap::new();
        self.keys.pins.update(|pins| {
            for p in people
                .iter()
                .filter(|p| p.identity.user == p.id && p.identity.verify().is_ok())
            {
                match pins.check(&p.identity) {
                    Seen::New => {
                        pins.pin(&p.identity, false, browser::now_ms());
                        dirty = true;
                    }
                    Seen::Changed { was_verified } => {
                        changed.insert(p.id, was_verified);
                    }
                    Seen::Same { .. } => {}
                }
            }
        });
        self.keys.changed.set(changed);
        if dirty {
            self.save_pins();
        }
    }

    /// Saves the pins, merged with what another tab or browser saved meanwhile (so no
    /// verified mark is lost); the merged pins are then this tab's.
    pub(super) fn save_pins(&self) {
        let Some(ring) = self.keys.ring.get_value() else {
            return;
        };
        let mine = self.keys.pins.get_untracked();
        let this = *self;
        spawn_local(async move {
            match crate::client::pins::save(&ring, &mine).await {
                Ok(merged) => {
                    // Into what this tab holds now (it may have changed meanwhile).
                    this.keys.pins.update(|p| p.merge(&merged));
                    this.review(&this.list.people.get_untracked());
                }
                Err(e) => this.report(e),
            }
        });
    }

    /// Someone's keys changed: fetch them again (conversations carry them too).
    pub(super) fn refresh_identities(&self) {
        let this = *self;
        spawn_local(async move {
            let (people, convs) = futures::join!(api::people(), api::conversations());
            if let Some(dm) = this.keys.dm.get_value() {
                dm.forget_keys();
            }
            match (people.answered(), convs.answered()) {
                (Ok(people), Ok(convs)) => {
                    this.review(&people);
                    this.list.people.set(people);
                    this.set_conversations(convs);
                    // Names shown may have changed ("Deleted account").
                    this.rerender();
                }
                (Err(e), _) | (_, Err(e)) => this.report(e),
            }
        });
    }

    /// True when `person`'s current key is pinned and verified.
    pub fn is_verified(&self, person: &Person) -> bool {
        self.keys.pins.with(|p| p.check(&person.identity)) == Seen::Same { verified: true }
    }

    /// Pins `person`'s current key, verified or not (also accepts a changed key).
    pub fn set_verified(&self, person: &Person, verified: bool) {
        self.keys
            .pins
            .update(|p| p.pin(&person.identity, verified, browser::now_ms()));
        self.keys.changed.update(|c| {
            c.remove(&person.id);
        });
        self.save_pins();
    }

    /// Makes new identity keys for the signed-in user; `recovery` gets the new recovery
    /// key to show once (the page reloads with the new keys when it has been saved).
    pub fn rotate_keys(
        &self,
        password: String,
        busy: RwSignal<bool>,
        recovery: RwSignal<Option<String>>,
    ) {
        let Some(ring) = self.keys.ring.get_value() else {
            return;
        };
        let pins = self.keys.pins.get_untracked();
        let this = *self;
        busy.set(true);
        spawn_local(async move {
            match crate::client::rotate::rotate(ring, password, pins).await {
                Ok((_, key)) => recovery.set(Some(key.to_string())),
                Err(e) => {
                    busy.set(false);
                    this.report(e);
                }
            }
        });
    }

    /// Changes the password; `done` gets the outcome to show.
    pub fn change_password(
        &self,
        current: String,
        new: String,
        busy: RwSignal<bool>,
        done: RwSignal<Option<Result<(), String>>>,
    ) {
        let Some(ring) = self.keys.ring.get_value() else {
            return;
        };
        busy.set(true);
        done.set(None);
        spawn_local(async move {
            let res = keyring::change_password(ring, current, new).await;
            busy.set(false);
            done.set(Some(res.map_err(|e| e.to_string())));
        });
    }
}
