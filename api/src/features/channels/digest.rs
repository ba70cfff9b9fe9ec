//! The digest: a mention or a DM opens the recipient's window (`digest_pending`, written by
//! `parley_notify` with the feed row); once it is `DIGEST_AFTER_MINUTES` old, the sweep
//! takes it (one instance each, `SKIP LOCKED`) and, in the same transaction, queues one
//! e-mail listing what is still unread, in the recipient's zone. Read in the meantime (on
//! any device): nothing is sent. The next mention opens a new window.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::repo;
use super::service::{self, Outgoing};
use super::views::ChannelKind;
use crate::features::notifications::service as notifications;
use crate::platform::error::ApiError;
use crate::platform::events::Database;

/// Most threads listed in one digest (the rest are counted).
const ITEMS: i64 = 20;
/// Windows taken per transaction.
const BATCH: i64 = 50;

/// Sweeps due digests every `interval` until `stop`; `wake` after queuing mail.
pub async fn run_sweep(
    store: Database,
    after: Duration,
    interval: Duration,
    wake: impl Fn() + Send + 'static,
    stop: tokio_util::sync::CancellationToken,
) {
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
        loop {
            let swept = store
                .run(async |conn| {
                    conn.transaction::<_, ApiError, _>(async |conn| sweep(conn, after).await)
                        .await
                })
                .await;
            match swept {
                Ok((taken, queued)) => {
                    if queued > 0 {
                        wake();
                    }
                    if taken < BATCH as usize {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the digest sweep failed");
                    break;
                }
            }
        }
    }
}

/// One batch: (windows taken, e-mails queued).
pub async fn sweep(conn: &mut AsyncPgConnection, after: Duration) -> Result<(usize, usize), ApiError> {
    let before = Utc::now() - chrono::Duration::from_std(after).unwrap_or_default();
    let due = repo::take_due_digests(conn, before, BATCH).await?;
    let mut queued = 0;
    for (user, since) in &due {
        if let Some(out) = digest(conn, *user, *since).await? {
            queued += service::queue(conn, vec![out]).await?;
        }
    }
    Ok((due.len(), queued))
}

async fn digest(conn: &mut AsyncPgConnection, user: Uuid, since: DateTime<Utc>) -> Result<Option<Outgoing>, ApiError> {
    let (items, total) = notifications::unread_for_digest(conn, user, since, ITEMS).await?;
    if total == 0 {
        return Ok(None);
    }
    let zone: chrono_tz::Tz = notifications::settings(conn, user)
        .await?
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::UTC);
    let listed: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            serde_json::json!({
                "kind": i.kind,
                "from": i.actor_name.clone().unwrap_or_else(|| "Someone".into()),
                "room": i.room_name,
                "at": i.updated_at.with_timezone(&zone).format("%a %-d %b, %H:%M").to_string(),
                "count": i.count,
                "preview": i.preview.clone().unwrap_or_default(),
            })
        })
        .collect();
    Ok(Some(Outgoing {
        kind: ChannelKind::Digest,
        subject: format!("digest:{}", since.timestamp_micros()),
        recipient: user,
        context: serde_json::json!({
            "total": total,
            "more": total - items.len() as i64,
            "items": listed,
            "path": "/dashboard",
        }),
        invite: None,
    }))
}
