//! Running the slash commands typed in the composer. What they answer shows in a notice
//! above the composer, seen only by the user (nothing of it is sent).

use super::message::presence;
use super::state::Chat;
use crate::Answered;
use crate::api;
use crate::client::browser;
use crate::client::commands::{Command, HELP};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{MessageContent, Person};

impl Chat {
    /// Runs `cmd`; false keeps the composer's text (to fix a usage mistake).
    pub(super) fn run_command(&self, cmd: Command) -> bool {
        let admin = self
            .keys
            .ring
            .with_value(|r| r.as_ref().is_some_and(|r| r.me.is_admin));
        match cmd {
            Command::Msg { to, text } => return self.send_direct(&to, text, true),
            Command::Whisper { to, text } => return self.send_direct(&to, text, false),
            Command::Who => self.who(),
            Command::Help => self.notice.set(Some(help(admin))),
            Command::Logout => self.logout(),
            Command::Usage(usage) => {
                self.notice.set(Some(format!("Usage: {usage}")));
                return false;
            }
            Command::Unknown(name) => {
                let said = if name.is_empty() {
                    "/".to_string()
                } else {
                    format!("/{name}")
                };
                self.notice.set(Some(format!(
                    "There is no command {said}. To send a line starting with /, begin it with //.\n\n{}",
                    help(admin)
                )));
                return false;
            }
            _ if !admin => {
                self.notice.set(Some("Only an admin can do that.".into()));
            }
            Command::AddUser { name, password } => self.add_user(name, password),
            Command::ListUsers => self.list_users(),
            Command::LogoutUser { name } => self.logout_user(name),
            Command::Shutdown => self.shutdown(),
        }
        true
    }

    /// Logs this browser out (the page then goes to the login).
    pub fn logout(&self) {
        let this = *self;
        self.stop();
        spawn_local(async move {
            let _ = api::logout().await;
            this.signed_out.set(true);
        });
    }

    fn person(&self, username: &str) -> Option<Person> {
        self.list.people.with_untracked(|ps| {
            ps.iter()
                .find(|p| p.username == username && !p.deleted)
                .cloned()
        })
    }

    /// Sends `text` to `username`'s direct conversation (started if need be), opening it
    /// when `open`, else saying where it went. If it cannot be sent, the command goes back
    /// into the composer (so nothing typed is lost).
    fn send_direct(&self, username: &str, text: String, open: bool) -> bool {
        let text = crate::client::emoji::expand_shortcodes(&text);
        if text.len() > protocol::validate::MESSAGE_TEXT_MAX {
            self.notice.set(Some("That message is too long.".into()));
            return false;
        }
        let Some(person) = self.person(username) else {
            let me = self
                .keys
                .ring
                .with_value(|r| r.as_ref().map(|r| r.me.username.clone()));
            self.notice.set(Some(if me.as_deref() == Some(username) {
                "That is you.".into()
            } else {
                format!("There is nobody called {username} here.")
            }));
            return false;
        };
        let this = *self;
        let command = format!(
            "/{} {} {text}",
            if open { "msg" } else { "whisper" },
            person.username
        );
        let give_back = move || {
            if this.composer.draft.with_untracked(String::is_empty) {
                this.composer.draft.set(command.clone());
            }
        };
        spawn_local(async move {
            let conv = match this.direct_with(person.id).await {
                Ok(id) => id,
                Err(e) => {
                    give_back();
                    return this.report(e);
                }
            };
            if open && this.list.current.get_untracked() != Some(conv) {
                this.select(conv);
            }
            if !this.send_content(conv, MessageContent::Text { text }, vec![]) {
                give_back();
            } else if !open {
                this.notice
                    .set(Some(format!("Whispered to {}.", person.display_name)));
            }
        });
        true
    }

    fn who(&self) {
        let people = self.listed_untracked();
        let (on, off): (Vec<&Person>, Vec<&Person>) = people.iter().partition(|p| p.online);
        let line = |p: &&Person| format!("{} (@{}), {}", p.display_name, p.username, presence(p));
        let mut out = format!("Online now: {} besides you.", on.len());
        for p in &on {
            out.push_str(&format!("\n• {}", line(p)));
        }
        if !off.is_empty() {
            out.push_str("\nNot online:");
            for p in &off {
                out.push_str(&format!("\n• {}", line(p)));
            }
        }
        self.notice.set(Some(out));
    }

    fn list_users(&self) {
        let this = *self;
        spawn_local(async move {
            match api::admin_users().await.answered() {
                Ok(users) => {
                    let mut out = format!("{} accounts:", users.len());
                    for u in users {
                        let sessions = match u.sessions {
                            1 => "1 session".to_string(),
                            n => format!("{n} sessions"),
                        };
                        let state = match (u.pending, u.online) {
                            (true, _) => "waiting for their first login",
                            (false, true) => "online",
                            (false, false) => "offline",
                        };
                        out.push_str(&format!(
                            "\n• {} (@{}){}, {state}, {sessions}",
                            u.display_name,
                            u.username,
                            if u.is_admin { ", admin" } else { "" },
                        ));
                    }
                    this.notice.set(Some(out));
                }
                Err(e) => this.notice.set(Some(e.to_string())),
            }
        });
    }

    /// Makes an account with a temporary password; its owner chooses their own at their
    /// first login (and only then are their keys made, in their browser).
    fn add_user(&self, name: String, password: String) {
        self.notice
            .set(Some(format!("Making an account for {name}…")));
        let this = *self;
        spawn_local(async move {
            let made = match crate::client::keyring::new_account_by_admin(&name, &password).await {
                Ok(account) => api::admin_add_user(account).await.answered(),
                Err(e) => Err(e),
            };
            this.notice.set(Some(match made {
                Ok(()) => format!(
                    "Made an account for {name}. They log in once with that password, then choose their own."
                ),
                Err(e) => e.to_string(),
            }));
        });
    }

    fn logout_user(&self, name: String) {
        let this = *self;
        spawn_local(async move {
            let text = match api::admin_logout_user(name.clone()).await.answered() {
                Ok(0) => format!("{name} was not signed in anywhere."),
                Ok(1) => format!("Ended 1 session of {name}."),
                Ok(n) => format!("Ended {n} sessions of {name}."),
                Err(e) => e.to_string(),
            };
            this.notice.set(Some(text));
        });
    }

    fn shutdown(&self) {
        if !browser::confirm(
            "Shut Hearth down for everyone? Nobody can chat until it is started again.",
        ) {
            self.notice.set(Some("Hearth keeps running.".into()));
            return;
        }
        let this = *self;
        spawn_local(async move {
            let text = match api::admin_shutdown().await.answered() {
                Ok(()) => "Hearth is shutting down.".to_string(),
                Err(e) => e.to_string(),
            };
            this.notice.set(Some(text));
        });
    }
}

fn help(admin: bool) -> String {
    let mut out = String::from("Commands:");
    for (usage, what, admin_only) in HELP {
        if !admin_only || admin {
            out.push_str(&format!("\n{usage}: {what}"));
        }
    }
    out
}
