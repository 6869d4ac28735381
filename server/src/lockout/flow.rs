//! The ceiling at work on a sign-in (`guarded`): before the secret is checked
//! (`attempt`), and after, by what came of it (`settle`); and its sweep.

use super::Gate;
use super::device::{self, DeviceId};
use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use app::backend::Device;
use protocol::UserId;
use std::time::{Duration, Instant};

const LOCKED: &str = "This account is locked after too many failed sign-ins. Use your recovery key (“Forgot your password?”), or ask an admin to unlock it.";

/// One sign-in, as the ceiling sees it.
struct Attempt {
    /// The account name tried (lower case), whether or not it has an account.
    name: String,
    /// This browser's id when it signed in to the account before: then only its own
    /// failures hold it back.
    device: Option<DeviceId>,
}

/// A conflict with the account's state (409), not 429: the account is held back
/// whoever asks, while a 429 says this client sends too much (the limits answer those).
fn wait(d: Duration) -> Error {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    Error::Conflict(format!(
        "Too many failed sign-ins for this account. Please wait {secs} seconds and try again."
    ))
}

/// How often failures that no longer count are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Drops, every ten minutes, the failures that no longer count (`db::lockout::sweep`).
pub fn spawn_sweep(state: std::sync::Arc<Hearth>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        loop {
            tick.tick().await;
            let policy = state.limits.lockout;
            if let Err(e) = db::lockout::sweep(&state.db, &policy, db::now_ms()).await {
                tracing::warn!("sweeping failed sign-ins failed: {e}");
            }
        }
    });
}

impl Hearth {
    /// Runs `check` (the secret, the account's state, the code) for a sign-in to `name`
    /// (`user`, if it is an account) under the ceiling on failed sign-ins: refused
    /// before `check` runs while the failures hold the name back, and counted by what
    /// `check` answers.
    pub(crate) async fn guarded(
        &self,
        name: &str,
        user: Option<&db::users::User>,
        from: &Device,
        check: impl std::future::Future<Output = Result<()>>,
    ) -> Result<()> {
        let id = user.map(|u| u.user_id()).transpose()?;
        let attempt = self.attempt(name, id.as_ref(), from).await?;
        let checked = check.await;
        self.settle(&attempt, &checked, user).await?;
        checked
    }

    /// Before a secret for `name` is checked: refused while its failures hold it back
    /// (a wait, or the lock), unless this browser signed in to `user` before. Otherwise
    /// one failure is counted already (parallel tries cannot all slip through), which
    /// `settle` keeps or gives back.
    async fn attempt(&self, name: &str, user: Option<&UserId>, from: &Device) -> Result<Attempt> {
        let cookies = from.cookies.as_deref();
        let known = user.and_then(|u| device::known(&self.secret, &self.sessions, cookies, u));
        match known {
            Some(d) => self
                .limits
                .failures_by_device
                .take(&d.hex(), Instant::now())
                .map_err(wait)?,
            None => {
                let policy = self.limits.lockout;
                match db::lockout::reserve(&self.db, name, &policy, db::now_ms()).await? {
                    Gate::Open => {}
                    Gate::Wait(d) => return Err(wait(d)),
                    Gate::Locked => return Err(Error::Forbidden(LOCKED)),
                }
            }
        }
        Ok(Attempt {
            name: name.to_owned(),
            device: known,
        })
    }

    /// Settles an attempt by what came of it: a wrong password or code (`Unauthorized`)
    /// stays counted, and may lock the account (`user`, when the name has one); a success
    /// from a browser that was not known forgets the failures (one from a known browser
    /// leaves them, so a stranger's count goes on); anything else gives the count back.
    async fn settle(
        &self,
        a: &Attempt,
        outcome: &Result<()>,
        user: Option<&db::users::User>,
    ) -> Result<()> {
        match (outcome, a.device) {
            (Err(Error::Unauthorized(_)), Some(_)) => Ok(()),
            (Err(Error::Unauthorized(_)), None) => {
                let policy = self.limits.lockout;
                if db::lockout::fail(&self.db, &a.name, &policy, db::now_ms()).await?
                    && let Some(u) = user
                {
                    self.locked(u, policy.lock_after).await?;
                }
                Ok(())
            }
            (_, Some(d)) => {
                self.limits.failures_by_device.refund(&d.hex());
                Ok(())
            }
            (Ok(_), None) => db::lockout::clear(&self.db, &a.name).await.map(|_| ()),
            (Err(_), None) => db::lockout::release(&self.db, &a.name).await,
        }
    }

    /// The recovery key lifts a lock (its owner proved more than a password could).
    pub(crate) async fn unlocked_by_recovery(&self, user: &db::users::User) -> Result<()> {
        if db::lockout::clear(&self.db, &user.username).await? {
            self.audit(
                db::audit::SERVER,
                "unlock",
                Some(&user.username),
                Some("recovery key".into()),
            )
            .await?;
        }
        Ok(())
    }

    async fn locked(&self, u: &db::users::User, failures: u32) -> Result<()> {
        tracing::warn!(user = %u.id, "account locked after too many failed sign-ins");
        let s = if failures == 1 { "" } else { "s" };
        let detail = format!("{failures} failed sign-in{s}");
        self.audit(db::audit::SERVER, "lock", Some(&u.username), Some(detail))
            .await?;
        let line = format!(
            "On {} your account was locked after {failures} failed sign-in{s} from browsers it had not been used in. If that was not you, someone may know your password: change it under Account.",
            crate::panel::today()
        );
        db::settings::tell(&self.db, &u.user_id()?, &line).await
    }
}
