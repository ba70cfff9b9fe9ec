//! Uploads nobody used are deleted once older than FILES_UNUSED_TTL_S: the rows, with the
//! deletion of their objects queued in the same transaction (`files.delete_objects`). Safe
//! with several instances: each takes rows with `FOR UPDATE SKIP LOCKED`.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use diesel_async::AsyncConnection;

use super::{repo, uses};
use crate::platform::db::DbPool;
use crate::platform::error::ApiError;

const BATCH: i64 = 100;

pub async fn run(db: DbPool, every: Duration, ttl: Duration, stop: CancellationToken) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.cancelled() => return,
        }
        match once(&db, ttl).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "unused uploads swept"),
            Err(e) => tracing::warn!(error = %e, "sweeping unused uploads"),
        }
    }
}

/// One pass; how many uploads went.
pub async fn once(db: &DbPool, ttl: Duration) -> anyhow::Result<usize> {
    let cutoff = chrono::Utc::now() - chrono::Duration::from_std(ttl)?;
    let mut total = 0;
    loop {
        let mut conn = db.get().await?;
        let swept = conn
            .transaction::<_, ApiError, _>(async |conn| {
                let swept = repo::sweep(conn, cutoff, BATCH).await?;
                let keys: Vec<String> = swept
                    .iter()
                    .flat_map(|(object, thumb)| std::iter::once(object.clone()).chain(thumb.clone()))
                    .collect();
                uses::delete_objects(conn, &keys).await?;
                Ok(swept.len())
            })
            .await?;
        total += swept;
        if (swept as i64) < BATCH {
            return Ok(total);
        }
    }
}
