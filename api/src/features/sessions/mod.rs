//! Live sessions in rooms: scheduled (by a room's managers, or by a booking), then live and
//! ended. Start and end record the room's log positions, so the transcript is the messages
//! between them (nothing copied); attendance follows who has a socket in the room; notes
//! are taken during it; the record and its Markdown export come after.

pub mod export;
pub mod repo;
pub mod routes;
pub mod service;
pub mod validate;
pub mod views;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use uuid::Uuid;

/// Who has a socket subscribed to a room now, on any instance (the realtime layer's
/// presence): the members a session that starts begins with.
pub trait InRoom: Send + Sync {
    fn in_room(&self, room_id: Uuid) -> BoxFuture<'_, Vec<Uuid>>;
}

/// What session routes take as app data.
#[derive(Clone)]
pub struct Sessions {
    pub in_room: Arc<dyn InRoom>,
    /// How long after a participant's last socket goes their attendance may resume without
    /// a new interval (`SESSION_ATTENDANCE_GRACE_S`).
    pub grace: std::time::Duration,
}
