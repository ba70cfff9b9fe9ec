//! Uploads nobody used are deleted (row and object) once older than FILES_UNUSED_TTL_S. Safe
//! with several instances: each takes rows with `FOR UPDATE SKIP LOCKED`.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::repo;
use crate::platform::db::DbPool;
use crate::platform::storage::Storage;

const BATCH: i64 = 100;

pub async fn run(db: DbPool, storage: Storage, every: Duration, ttl: Duration, stop: CancellationToken) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.cancelled() => return,
        }
        match once(&db, &storage, ttl).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "unused uploads swept"),
            Err(e) => tracing::warn!(error = %e, "sweeping unused uploads"),
        }
    }
}

/// One pass; how many uploads went.
pub async fn once(db: &DbPool, storage: &Storage, ttl: Duration) -> anyhow::Result<usize> {
    let cutoff = chrono::Utc::now() - chrono::Duration::from_std(ttl)?;
    let mut total = 0;
    loop {
        let mut conn = db.get().await?;
        let swept = repo::sweep(&mut conn, cutoff, BATCH).await?;
        drop(conn);
        for (object, thumb) in &swept {
            for key in std::iter::once(object).chain(thumb) {
                if let Err(e) = storage.delete(key).await {
                    tracing::warn!(error = %e, key, "deleting a swept upload's object");
                }
            }
        }
        total += swept.len();
        if (swept.len() as i64) < BATCH {
            return Ok(total);
        }
    }
}
