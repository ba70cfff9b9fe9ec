//! Where a stream's head and missed entries are read: a room's log, or a user's
//! notification feed (a stream keyed by the user's id).

use uuid::Uuid;

use crate::features::notifications::feed;
use crate::features::rooms::access as rooms;
use crate::platform::db::DbPool;
use crate::platform::events::log;
use crate::realtime::frame::EventFrame;

pub(super) async fn head(db: &DbPool, key: Uuid, is_feed: bool) -> Result<i64, String> {
    let mut conn = db.get().await.map_err(|e| e.to_string())?;
    if is_feed {
        feed::head(&mut conn, key).await.map_err(|e| e.to_string())
    } else {
        rooms::head(&mut conn, key).await.map_err(|e| e.to_string())
    }
}

/// Entries after `cursor`, oldest first (None when the database could not be read).
pub(super) async fn after(db: &DbPool, key: Uuid, is_feed: bool, cursor: i64, limit: i64) -> Option<Vec<EventFrame>> {
    let mut conn = db.get().await.ok()?;
    if is_feed {
        let entries = feed::after(&mut conn, key, cursor, limit).await.ok()?;
        Some(entries.iter().map(EventFrame::from_feed).collect())
    } else {
        let events = log::after(&mut conn, key, cursor, limit).await.ok()?;
        Some(events.iter().map(EventFrame::from_event).collect())
    }
}

/// Heads of watched streams (for the tail check).
pub(super) async fn heads(db: &DbPool, watched: &[(Uuid, bool)]) -> Option<Vec<(Uuid, i64)>> {
    let rooms_: Vec<Uuid> = watched.iter().filter(|(_, f)| !f).map(|(k, _)| *k).collect();
    let feeds: Vec<Uuid> = watched.iter().filter(|(_, f)| *f).map(|(k, _)| *k).collect();
    let mut conn = db.get().await.ok()?;
    let mut out = Vec::with_capacity(watched.len());
    if !rooms_.is_empty() {
        out.extend(rooms::heads(&mut conn, &rooms_).await.ok()?);
    }
    if !feeds.is_empty() {
        out.extend(feed::heads(&mut conn, &feeds).await.ok()?);
    }
    Some(out)
}
