//! Session attendance from presence: when who is in a room changes (on any instance), the
//! room's live session opens intervals for newcomers at once and closes those of members
//! whose last socket went, after a grace (a reconnect in between keeps the interval).

use std::time::Duration;

use uuid::Uuid;

use super::presence::{PresenceHook, WeakPresence};
use crate::features::sessions::service as sessions;
use crate::platform::events::Database;

pub struct Attendance {
    pub store: Database,
    pub presence: WeakPresence,
    pub grace: Duration,
}

impl PresenceHook for Attendance {
    fn changed(&self, room_id: Uuid, online: Vec<Uuid>, departed: bool) {
        let (store, presence, grace) = (self.store.clone(), self.presence.clone(), self.grace);
        tokio::spawn(async move {
            let chrono_grace = chrono::Duration::from_std(grace).unwrap_or_default();
            let sync = async |online: Vec<Uuid>, close: bool| {
                let synced = store
                    .write(async |conn| sessions::sync_attendance(conn, room_id, &online, close, chrono_grace).await)
                    .await;
                if let Err(e) = synced {
                    tracing::warn!(room = %room_id, error = %e, "session attendance was not brought up to date");
                }
            };
            // Newcomers attend at once.
            sync(online, !departed).await;
            if departed {
                // Whoever left gets the grace to come back; then who is there counts.
                tokio::time::sleep(grace).await;
                if let Some(p) = presence.upgrade() {
                    sync(p.online(room_id).await, true).await;
                }
            }
        });
    }
}
