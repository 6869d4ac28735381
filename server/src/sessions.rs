//! The user's own sessions (`app::api::SessionService`): listed with where they signed
//! in, and ended on request (the ended browsers' sockets are cut off at once, their next
//! request is refused).

use crate::db;
use crate::error::{Error, Result};
use crate::state::Hearth;
use app::ApiError;
use app::api::SessionService;
use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use protocol::UserId;
use protocol::api::Profile;
use protocol::api::{SESSION_ID_LEN, SessionInfo};
use std::net::SocketAddr;

#[async_trait::async_trait]
impl SessionService for Hearth {
    async fn sessions(
        &self,
        headers: &HeaderMap,
        me: &Profile,
    ) -> Result<Vec<SessionInfo>, ApiError> {
        let current = self.token_hash(headers);
        let live = self.hub.live_sessions(&me.id);
        Ok(db::sessions::of(&self.db, &me.id)
            .await?
            .into_iter()
            .map(|s| {
                // A connected tab is in use now, whatever the once-a-minute column says.
                let live = live.contains(&s.token_hash);
                SessionInfo {
                    id: s.token_hash.chars().take(SESSION_ID_LEN).collect(),
                    current: current.as_deref() == Some(s.token_hash.as_str()),
                    last_seen: if live { db::now_ms() } else { s.last_seen },
                    live,
                    agent: s.agent,
                    address: s.address,
                    created_at: s.created_at,
                }
            })
            .collect())
    }

    async fn end_session(&self, me: &Profile, id: String) -> Result<(), ApiError> {
        let ended = db::sessions::end(&self.db, &me.id, &id).await?;
        if ended.is_empty() {
            return Err(Error::NotFound("That session has already ended.").into());
        }
        self.hub.cut(&ended);
        tracing::info!(user = %me.id, "a session was ended by its owner");
        Ok(())
    }

    async fn end_other_sessions(&self, headers: &HeaderMap, me: &Profile) -> Result<(), ApiError> {
        let keep = self
            .token_hash(headers)
            .ok_or(Error::Unauthorized("Please log in."))?;
        let ended = self.end_sessions(&me.id, Some(&keep)).await?;
        tracing::info!(user = %me.id, ended, "other sessions ended by their owner");
        Ok(())
    }
}

impl Hearth {
    /// Ends every session of `user` but `keep`, cutting their sockets; returns how many.
    pub async fn end_sessions(&self, user: &UserId, keep: Option<&str>) -> Result<usize> {
        let ended = db::sessions::end_all(&self.db, user, keep).await?;
        self.hub.cut(&ended);
        Ok(ended.len())
    }
}

/// How often the open sockets' sessions are checked against the database.
const SESSION_CHECK: std::time::Duration = std::time::Duration::from_secs(10);

/// Every `SESSION_CHECK`, cuts the sockets whose session no longer exists. Ending a
/// session here cuts its sockets at once; this catches one ended by `hearth admin` at
/// the terminal, or by another process whose event did not arrive. One query for all the
/// process's sockets, not one per socket. Once a minute it also marks the connected
/// sessions as in use: a tab open for a month is not idle.
pub fn spawn_check(state: std::sync::Arc<Hearth>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SESSION_CHECK);
        for round in 0u64.. {
            tick.tick().await;
            let live = state.hub.sessions();
            if live.is_empty() {
                continue;
            }
            if round.is_multiple_of(6)
                && let Err(e) = db::sessions::touch(&state.db, &live).await
            {
                tracing::warn!("marking connected sessions as in use: {e}");
            }
            // A database hiccup is not a reason to drop anyone; a missing session is.
            if let Ok(found) = db::sessions::existing(&state.db, &live).await {
                let gone: Vec<String> = live.into_iter().filter(|s| !found.contains(s)).collect();
                if !gone.is_empty() {
                    state.hub.cut_here(&gone);
                }
            }
        }
    });
}

/// Puts the peer's address where the server functions find it (`app::backend::Peer`),
/// IPv4-mapped addresses written as IPv4.
pub async fn peer(mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        req.extensions_mut()
            .insert(app::backend::Peer(addr.ip().to_canonical()));
    }
    next.run(req).await
}
