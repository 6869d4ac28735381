//! Orphaned uploads: uploads abandoned half-way, files no message ever carried, and
//! blobs whose row is gone (their message or conversation was deleted).

use crate::db;
use crate::error::Result;
use crate::state::Hearth;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// An upload that has not moved for this long is abandoned.
const IDLE: Duration = Duration::from_secs(3600);
/// A finished upload no message carried within this long will never be sent.
const UNSENT: Duration = Duration::from_secs(24 * 3600);
/// A blob without a row is left this long, so an upload being created is never raced.
const GRACE: Duration = Duration::from_secs(60);
const EVERY: Duration = Duration::from_secs(10 * 60);

/// One pass; returns how many blobs it removed.
pub async fn sweep(state: &Hearth) -> Result<usize> {
    let mut removed = 0;
    for id in db::files::expire(
        &state.db,
        IDLE.as_millis() as i64,
        UNSENT.as_millis() as i64,
    )
    .await?
    {
        state.files.remove(&id).await;
        removed += 1;
    }
    let on_disk = state.files.on_disk().await?;
    let ids: Vec<_> = on_disk.iter().map(|(id, _)| *id).collect();
    let known: HashSet<_> = db::files::known(&state.db, &ids)
        .await?
        .into_iter()
        .collect();
    let now = SystemTime::now();
    for (id, modified) in on_disk {
        let old = now.duration_since(modified).unwrap_or_default() > GRACE;
        if old && !known.contains(&id) {
            state.files.remove(&id).await;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Sweeps now and then every few minutes, for as long as the server runs.
pub fn spawn(state: Arc<Hearth>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            match sweep(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "swept orphaned uploads"),
                Err(e) => tracing::warn!("sweeping uploads failed: {e}"),
            }
        }
    });
}
