//! What only admins may do (the admin slash commands; the /admin panel will build on
//! these): list accounts, end someone's sessions, shut the server down. Every function
//! refuses anyone else with 403 before doing anything.

use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use protocol::api::Profile;
use protocol::api::admin::UserSummary;
use protocol::validate;

pub(crate) fn admin_only(me: &Profile) -> Result<()> {
    if me.is_admin {
        Ok(())
    } else {
        Err(Error::Forbidden("Only an admin can do that."))
    }
}

impl Hearth {
    pub async fn list_users(&self, me: &Profile) -> Result<Vec<UserSummary>> {
        admin_only(me)?;
        self.user_summaries().await
    }

    /// Ends every session of `username` (their open tabs are cut off); returns how many.
    pub async fn logout_user(&self, me: &Profile, username: &str) -> Result<usize> {
        admin_only(me)?;
        let missing = || Error::NotFound("There is no such user.");
        let name = validate::username(username).map_err(|_| missing())?;
        let user = db::users::by_username(&self.db, &name)
            .await?
            .ok_or_else(missing)?;
        let ended = self.end_sessions(&user.user_id()?, None).await?;
        self.audit(&me.username, "end sessions", Some(&user.username), None)
            .await?;
        tracing::info!(admin = %me.id, user = %user.id, ended, "admin ended a user's sessions");
        Ok(ended)
    }

    /// Starts the graceful shutdown `main` waits for.
    pub async fn shut_down(&self, me: &Profile) -> Result<()> {
        admin_only(me)?;
        self.audit(&me.username, "shut down", None, None).await?;
        tracing::info!(admin = %me.id, "shutdown asked for by an admin");
        self.stop.notify_one();
        Ok(())
    }
}
