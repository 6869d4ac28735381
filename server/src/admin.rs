//! What only admins may do from the slash commands (`app::api::AdminService`; the
//! /admin panel is `crate::panel`): list accounts, end someone's sessions, shut the
//! server down. Every function refuses anyone else with 403 before doing anything.

use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use app::ApiError;
use app::api::AdminService;
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

#[async_trait::async_trait]
impl AdminService for Hearth {
    async fn list_users(&self, me: &Profile) -> Result<Vec<UserSummary>, ApiError> {
        admin_only(me)?;
        Ok(self.user_summaries().await?)
    }

    /// Ends every session of `username` (their open tabs are cut off); returns how many.
    async fn logout_user(&self, me: &Profile, username: String) -> Result<u32, ApiError> {
        admin_only(me)?;
        let missing = || Error::NotFound("There is no such user.");
        let name = validate::username(&username).map_err(|_| missing())?;
        let user = db::users::by_username(&self.db, &name)
            .await?
            .ok_or_else(missing)?;
        let ended = self.end_sessions(&user.user_id()?, None).await?;
        self.audit(&me.username, "end sessions", Some(&user.username), None)
            .await?;
        tracing::info!(admin = %me.id, user = %user.id, ended, "admin ended a user's sessions");
        Ok(u32::try_from(ended).unwrap_or(u32::MAX))
    }

    /// Starts the graceful shutdown `main` waits for.
    async fn shutdown(&self, me: &Profile) -> Result<(), ApiError> {
        admin_only(me)?;
        self.audit(&me.username, "shut down", None, None).await?;
        tracing::info!(admin = %me.id, "shutdown asked for by an admin");
        self.stop.notify_one();
        Ok(())
    }
}
